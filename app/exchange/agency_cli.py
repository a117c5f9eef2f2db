"""`flask exchange agencies-import FILE`: load the directory of external agencies from CSV or JSON.

A plain click command: the `flask exchange` group (app/exchange/cli.py) attaches it with
`exchange_cli.add_command(agencies_import_command)`.
"""
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.extensions import db

from .directory import import_agencies


@click.command("agencies-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def agencies_import_command(file: Path):
    """Import external agencies (ma_dinh_danh, ten, ma_cap_tren, hoat_dong) from a CSV or JSON file."""
    summary = import_agencies(file.read_bytes(), file.name)
    for warning in summary.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    for error in summary.errors:
        click.echo(f"Bỏ qua: {error}", err=True)
    db.session.commit()
    click.echo(f"Đã thêm {summary.created}, cập nhật {summary.updated}, giữ nguyên {summary.unchanged} cơ quan.")
    if summary.errors and not (summary.created or summary.updated or summary.unchanged):
        raise click.exceptions.Exit(1)
