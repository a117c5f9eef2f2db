"""`flask processes …`: deploy changed BPMN files as new versions, export them, upgrade stored states."""
from pathlib import Path

import click
from flask import current_app

from app.audit.services import record
from app.cli_failure import VietnameseGroup
from app.extensions import db

from .deployment import sync_processes
from .engine import SERIALIZER_VERSION, STORAGE_FORMAT
from .export import export_versions
from .registry import catalogue
from .state_upgrade import count_outdated, upgrade_state_batch, upgrade_versions

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


@processes_cli.command("upgrade-states")
@click.option("--batch", "batch_size", type=click.IntRange(1, 10_000), default=500, show_default=True,
              help="Số hồ sơ mỗi lô (mỗi lô một giao dịch).")
@click.option("--dry-run", is_flag=True, help="Chỉ đọc thử từng trạng thái, không ghi gì.")
def upgrade_states_command(batch_size: int, dry_run: bool):
    """Rewrite stored specs and instance states in the current storage format, batch by batch."""
    versions, instances = count_outdated()
    if not versions and not instances:
        click.echo(f"Không có gì cần nâng cấp: mọi trạng thái đã ở định dạng {STORAGE_FORMAT} "
                   f"(SpiffWorkflow {SERIALIZER_VERSION}).")
        return
    mode = "Chạy thử (không ghi): " if dry_run else ""
    click.echo(f"{mode}{versions} phiên bản quy trình và {instances} hồ sơ cần nâng cấp lên định dạng "
               f"{STORAGE_FORMAT} (SpiffWorkflow {SERIALIZER_VERSION}).")
    specs, kept = upgrade_versions(dry_run=dry_run)
    _end_batch(dry_run)
    click.echo(f"Phiên bản quy trình: {specs} {'đọc được' if dry_run else 'đã nâng cấp'}.")
    for _version_id, reason in kept:
        click.echo(f"  - {reason}")
    done, failed, after_id, number = 0, [], 0, 0
    while (batch := upgrade_state_batch(after_id=after_id, limit=batch_size, dry_run=dry_run)) is not None:
        _end_batch(dry_run)
        number, after_id = number + 1, batch.last_id
        done, failed = done + batch.upgraded, failed + batch.failed
        click.echo(f"Lô {number}: {batch.upgraded} hồ sơ {'đọc được' if dry_run else 'đã nâng cấp'}, "
                   f"{len(batch.failed)} lỗi ({done + len(failed)}/{instances}).")
    for instance_id, technical in failed:
        click.echo(f"  - Hồ sơ {instance_id}: không đọc được trạng thái, giữ nguyên (chi tiết kỹ thuật: {technical}).",
                   err=True)
    if not dry_run:
        record("engine_states_upgraded", actor=None, storage_format=STORAGE_FORMAT,
               serializer_version=SERIALIZER_VERSION, versions=specs, instances=done,
               failed=[instance_id for instance_id, _ in failed], batch=batch_size)
        db.session.commit()
    click.echo(f"Xong: {done} hồ sơ {'đọc được' if dry_run else 'đã nâng cấp'}, {len(failed)} lỗi.")
    if failed:
        raise SystemExit(1)


def _end_batch(dry_run: bool) -> None:
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
