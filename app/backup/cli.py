"""`flask backup create PATH`, `flask backup restore PATH`."""
from pathlib import Path

import click
from flask import current_app

from app.cli_failure import VietnameseGroup, fail
from app.extensions import db

from .restore import restore_backup
from .services import BackupRefused, create_backup

backup_cli = VietnameseGroup("backup", help="Sao lưu và khôi phục toàn bộ hệ thống.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(path_type=Path))
def create_command(path: Path):
    """Write the database, the file store, the anchor log and a manifest of their SHA-256 to PATH."""
    try:
        summary = create_backup(path, current_app.config, instance_path=current_app.instance_path)
    except BackupRefused as refused:
        db.session.rollback()
        fail(refused.message)
    except OSError as error:
        db.session.rollback()
        fail(f"Không ghi được bản sao lưu: {error.strerror or error} ({error.filename or path}).")
    db.session.commit()
    click.echo(f"Đã sao lưu vào {summary.path}: {summary.rows} dòng dữ liệu, {summary.files} tệp, "
               f"{summary.bytes / 1_048_576:.1f} MB; nhật ký kiểm toán đến sự kiện số {summary.audit_seq}.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path, exists=True, file_okay=False))
def restore_command(path: Path):
    """Check every hash in PATH's manifest, then restore it onto this empty installation."""
    try:
        summary = restore_backup(path, current_app.config, instance_path=current_app.instance_path)
    except BackupRefused as refused:
        fail(f"Không khôi phục: {refused.message}")
    except OSError as error:
        fail(f"Không khôi phục: lỗi đọc hoặc ghi tệp {error.filename or path} ({error.strerror or error}); "
             "hệ thống không bị thay đổi.")
    click.echo(f"Đã khôi phục {summary.rows} dòng dữ liệu và {summary.files} tệp từ {summary.path}; nhật ký kiểm toán "
               f"đến sự kiện số {summary.audit_seq}. Kiểm tra lại: flask audit verify.")
