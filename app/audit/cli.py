"""`flask audit …` commands."""
import click
from flask.cli import AppGroup

from .services import verify_chain

audit_cli = AppGroup("audit", help="Nhật ký kiểm toán (audit chain).")


@audit_cli.command("verify")
def verify_command():
    """Walk the audit chain; exit 1 at the first broken event."""
    report = verify_chain()
    if report.intact:
        click.echo(f"Chuỗi nhật ký toàn vẹn: {report.verified} sự kiện đã kiểm tra.")
        return
    click.echo(f"Chuỗi nhật ký BỊ HỎNG tại sự kiện số {report.broken_seq}: {report.problem}", err=True)
    click.echo(f"Các sự kiện trước đó ({report.verified}) vẫn toàn vẹn.", err=True)
    raise SystemExit(1)
