"""`flask audit …` commands."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

from .anchors import anchor_chain, verify_anchors
from .services import verify_chain

audit_cli = AppGroup("audit", help="Nhật ký kiểm toán (audit chain).")


@audit_cli.command("verify")
def verify_command():
    """Walk the audit chain and check its anchors; exit 1 at the first problem."""
    report = verify_chain()
    if not report.intact:
        click.echo(f"Chuỗi nhật ký BỊ HỎNG tại sự kiện số {report.broken_seq}: {report.problem}", err=True)
        click.echo(f"Các sự kiện trước đó ({report.verified}) vẫn toàn vẹn.", err=True)
        raise SystemExit(1)
    click.echo(f"Chuỗi nhật ký toàn vẹn: {report.verified} sự kiện đã kiểm tra.")
    anchors = verify_anchors(current_app.config)
    if not anchors.intact:
        click.echo(f"Mốc neo BÁO LỖI: {anchors.problem}", err=True)
        raise SystemExit(1)
    if anchors.checked:
        click.echo(f"Mốc neo hợp lệ: {anchors.checked} mốc, mốc cuối xác nhận đến sự kiện số {anchors.last_anchored_seq}.")
    else:
        click.echo("Chưa có mốc neo nào (flask audit anchor).")


@audit_cli.command("anchor")
def anchor_command():
    """Sign the chain's current head with the installation's key (also done daily by the job runner)."""
    anchor = anchor_chain(current_app.config)
    db.session.commit()
    if anchor is None:
        click.echo("Đầu chuỗi đã được neo; không có sự kiện mới.")
    else:
        click.echo(f"Đã neo đầu chuỗi tại sự kiện số {anchor.seq}.")
