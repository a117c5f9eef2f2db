"""`flask mail test <address>` and `flask mail digest`."""
import click
from flask import current_app

from app.cli_failure import VietnameseGroup, fail
from app.extensions import db

from .digest import send_daily_digests
from .preferences import address_problem
from .sending import MailNotSent, build_message, digest_enabled, send_message

mail_cli = VietnameseGroup("mail", help="Thư điện tử: gửi thư thử, gửi bản tin thông báo hằng ngày.")

TEST_TEXT = "Đây là thư thử của hệ thống Liên Thông: máy chủ thư đã được cấu hình đúng."


@mail_cli.command("test", help="Gửi một thư thử tới ĐỊA_CHỈ qua máy chủ SMTP đã cấu hình.")
@click.argument("address", metavar="ĐỊA_CHỈ")
def test_command(address: str):
    if problem := address_problem(address.strip()):
        fail(str(problem))
    config = current_app.config
    message = build_message(config, to_address=address.strip(), to_name="",
                            subject="[Liên Thông] Thư thử — tiếng Việt có dấu", text=TEST_TEXT,
                            html=f"<p>{TEST_TEXT}</p>")
    try:
        send_message(config, message)
    except MailNotSent as failure:
        fail(f"Không gửi được thư: {failure.reason}")
    click.echo(f"Đã gửi thư thử tới {address.strip()}.")


@mail_cli.command("digest", help="Gửi ngay bản tin hôm nay cho những người chưa nhận.")
def digest_command():
    if not digest_enabled(current_app.config):
        fail("Chưa bật gửi thư: đặt MAIL_DIGEST_ENABLED=1 và SMTP_HOST.")
    run = send_daily_digests(any_hour=True)
    db.session.commit()
    click.echo(f"Đã gửi {run.sent} bản tin.")
    if run.failures:
        fail(f"Không gửi được {len(run.failures)} bản tin: {'; '.join(sorted(set(run.failures)))} "
             "Lần chạy sau sẽ gửi lại.")
