"""`flask processes sync`: deploy changed BPMN files of the catalogue as new versions."""
from pathlib import Path

import click
from flask import current_app

from app.cli_failure import VietnameseGroup
from app.extensions import db

from .deployment import sync_processes
from .export import export_versions
from .registry import catalogue

processes_cli = VietnameseGroup("processes", help="Quy trình BPMN (triển khai phiên bản).")


@processes_cli.command("sync")
def sync_command():
    """Check every catalogued process and deploy those that changed; nothing if any is invalid."""
    report = sync_processes(catalogue(), current_app.config["BPMN_DIR"], current_app.config["FORMS_DIR"])
    if report.problems:
        db.session.rollback()
        click.echo("Không triển khai quy trình nào vì có lỗi:", err=True)
        for problem in report.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1)
    db.session.commit()
    for version in report.created:
        click.echo(f"Đã triển khai {version.process_id} phiên bản {version.number} ({version.content_sha256[:12]}).")
    for process_id in report.unchanged:
        click.echo(f"{process_id}: không thay đổi.")
    for process_id, version in report.kept:
        click.echo(f"{process_id}: tệp trong bpmn/ đã đổi nhưng giữ phiên bản {version.number} do thiết kế viên xuất bản "
                   f"(so sánh bằng `flask processes export`).")


@processes_cli.command("export")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def export_command(target: Path):
    """Write the versions in use (published in the browser or deployed from files) to TARGET/bpmn and TARGET/forms."""
    written = export_versions(catalogue(), target)
    click.echo(f"Đã ghi {len(written)} tệp vào {target}.")
