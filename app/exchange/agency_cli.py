"""`flask exchange agencies-import FILE` and `agencies-sync`: the directory of external agencies from a CSV
or JSON file, or from the axis' getAgenciesList.

Plain click commands: the `flask exchange` group (app/exchange/cli.py) attaches them with `add_command`.
"""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.cli_failure import fail
from app.extensions import db

from .axis.client import AxisError
from .axis.transport import configured_axis_client
from .directory import ImportSummary, import_agencies, sync_agencies


@click.command("agencies-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def agencies_import_command(file: Path):
    """Import external agencies (ma_dinh_danh, ten, ma_cap_tren, hoat_dong) from a CSV or JSON file."""
    summary = import_agencies(file.read_bytes(), file.name)
    _report(summary)
    db.session.commit()
    click.echo(f"Đã thêm {summary.created}, cập nhật {summary.updated}, giữ nguyên {summary.unchanged} cơ quan.")
    if summary.errors and not (summary.created or summary.updated or summary.unchanged):
        raise click.exceptions.Exit(1)


@click.command("agencies-sync")
@with_appcontext
def agencies_sync_command():
    """Bring the external directory in line with the axis (getAgenciesList); agencies it no longer lists
    become inactive."""
    client = configured_axis_client(current_app.config)
    if client is None:
        fail("Chưa cấu hình trục liên thông (AXIS_ENDPOINT); không đồng bộ được danh bạ.")
    try:
        summary = sync_agencies(client.get_agencies_list)
    except AxisError as failed:
        db.session.rollback()
        fail(f"Không đồng bộ được danh bạ: {failed.reason}")
    _report(summary)
    db.session.commit()
    click.echo(f"Đã thêm {summary.created}, cập nhật {summary.updated}, giữ nguyên {summary.unchanged}, "
               f"ngừng hoạt động {summary.deactivated} cơ quan.")
    if summary.errors and not (summary.created or summary.updated or summary.unchanged):
        raise click.exceptions.Exit(1)


def _report(summary: ImportSummary) -> None:
    for warning in summary.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    for error in summary.errors:
        click.echo(f"Bỏ qua: {error}", err=True)
