"""`flask dossiers compact-history` (compact the process history of archived cases, app.dossiers.compaction)
and `flask dossiers retry-pdfa` (convert again what failed at closing, app.dossiers.pdfa_retry)."""
from pathlib import Path

import click
from flask import current_app

from app.cli_failure import fail
from app.extensions import db

from .cli import dossiers_cli
from .compaction import compact_archived_history, compactable_instances, stored_length
from .pdfa_retry import retry_failed_copies
from .preservation import ConverterMissing


@dossiers_cli.command("compact-history")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê hồ sơ sẽ được thu gọn, không thay đổi gì.")
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=None, help="Thu gọn tối đa chừng này hồ sơ.")
def compact_history_command(dry_run: bool, limit: int | None):
    """Thu gọn lịch sử xử lý của hồ sơ quy trình đã kết thúc mà mọi văn bản đã nộp lưu (không giữ pháp lý)."""
    if dry_run:
        ids = compactable_instances(limit)
        db.session.rollback()
        click.echo(f"Sẽ thu gọn {len(ids)} hồ sơ quy trình ({stored_length(ids)} byte trạng thái đang lưu)"
                   + (f": {', '.join(map(str, ids[:50]))}{' …' if len(ids) > 50 else ''}." if ids else "."))
        return
    report = compact_archived_history(limit=limit, commit=db.session.commit)
    db.session.commit()
    if report.skipped:
        click.echo(f"Bỏ qua {len(report.skipped)} hồ sơ quy trình không nạp được trạng thái (giữ nguyên): "
                   f"{', '.join(map(str, report.skipped[:50]))}{' …' if len(report.skipped) > 50 else ''}.")
    if not report.instances:
        click.echo("Không có hồ sơ quy trình nào cần thu gọn.")
        return
    click.echo(f"Đã thu gọn {len(report.instances)} hồ sơ quy trình: trạng thái {report.state_bytes} byte → bản tóm "
               f"tắt {report.summary_bytes} byte; đang lưu (nén) {report.stored_before} → {report.stored_after} byte. "
               "Mỗi lần thu gọn ghi sự kiện history_compacted vào nhật ký kiểm toán.")


@dossiers_cli.command("retry-pdfa")
def retry_pdfa_command():
    """Chuyển lại sang PDF/A các tệp chưa chuyển được khi đóng hồ sơ (ghi nhật ký kiểm toán)."""
    try:
        report = retry_failed_copies(files_dir=Path(current_app.config["FILES_DIR"]))
    except ConverterMissing as missing:
        fail(f"Chưa chuyển lại được: {missing}")
    if not report.tried:
        click.echo("Không có tệp nào đang chờ chuyển sang PDF/A.")
        return
    click.echo(f"Đã thử chuyển lại {report.tried} tệp: {report.converted} tệp đã có bản PDF/A, "
               f"{len(report.failures)} tệp vẫn chưa chuyển được.")
    for file_id, reason in report.failures:
        click.echo(f"- tệp số {file_id}: {reason}")
