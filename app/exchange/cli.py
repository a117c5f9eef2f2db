"""`flask exchange …` commands: the axis stand-in and its registrations, importing and exporting packages."""
import secrets
from pathlib import Path

import click
from flask import current_app

from app.cli_failure import VietnameseGroup, fail

from .agency_cli import agencies_import_command, agencies_sync_command
from .axis.hub import BANNER, create_hub_app, default_hub_database_url
from .axis.hub import store as hub_store

exchange_cli = VietnameseGroup("exchange", help="Liên thông văn bản: gói edXML, trục liên thông.")
exchange_cli.add_command(agencies_import_command)
exchange_cli.add_command(agencies_sync_command)

DATABASE_HELP = "Cơ sở dữ liệu riêng của bản mô phỏng (mặc định: instance/axis-hub.db)."


def _hub_database(database_url: str | None) -> str:
    return database_url or default_hub_database_url(current_app.instance_path)


@exchange_cli.command("hub", help=f"Chạy {BANNER}")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8900, show_default=True, type=int)
@click.option("--database", "database_url", envvar="AXIS_HUB_DATABASE_URL", help=DATABASE_HELP)
@click.option("--demo", is_flag=True,
              help="Đăng ký hai hệ thống minh họa (Yên Bái, Lào Cai) và các bộ, ngành rồi ghi cấu hình AXIS_* "
                   "của mỗi hệ thống vào thư mục instance (make hub).")
def hub_command(host: str, port: int, database_url: str | None, demo: bool):
    from waitress import serve

    url = _hub_database(database_url)
    hub = create_hub_app(url)
    click.echo(BANNER)
    if demo:
        _register_demo(hub, f"http://{host}:{port}")
    click.echo(f"Trục mô phỏng: http://{host}:{port}  (dữ liệu: {url})")
    serve(hub, host=host, port=port, threads=8, ident="axis-stand-in")


def _register_demo(hub, endpoint: str) -> None:
    from .demo_hub import register_demo_systems, write_env_files

    with hub.extensions["axis_hub_engine"].begin() as conn:
        kept = register_demo_systems(conn)
    for path in write_env_files(Path(current_app.instance_path), endpoint, kept):
        click.echo(f"Đã đăng ký hệ thống minh họa; cấu hình AXIS_* ghi ở {path}")


@exchange_cli.command("hub-register")
@click.argument("system_id")
@click.option("--secret", help="Khóa bí mật của hệ thống (mặc định: giữ khóa cũ, hoặc sinh khóa mới).")
@click.option("--name", default="", help="Tên hệ thống.")
@click.option("--agency", "agencies", multiple=True, metavar="MÃ[=TÊN]",
              help="Đơn vị nhận/gửi qua hệ thống này (lặp lại được), ví dụ 000.00.01.H63=Sở Nội vụ.")
@click.option("--parent", default="", help="Mã định danh đơn vị cấp trên của các đơn vị trên.")
@click.option("--endpoint", default="http://127.0.0.1:8900", show_default=True,
              help="Địa chỉ trục mô phỏng, để in cấu hình AXIS_* cho hệ thống.")
@click.option("--database", "database_url", envvar="AXIS_HUB_DATABASE_URL", help=DATABASE_HELP)
def hub_register_command(system_id, secret, name, agencies, parent, endpoint, database_url):
    """Register a system and its agencies in the axis stand-in; print the AXIS_* settings for it."""
    engine = hub_store.open_hub_engine(_hub_database(database_url))
    try:
        with engine.begin() as conn:
            is_new = hub_store.secret_of(conn, system_id) is None
            kept = hub_store.register_system(conn, system_id, name=name,
                                             secret=secret or (secrets.token_urlsafe(32) if is_new else None))
            for spec in agencies:
                code, _, agency_name = spec.partition("=")
                hub_store.register_agency(conn, system_id, code=code.strip(), name=agency_name.strip(),
                                          parent_code=parent)
    except hub_store.HubRefusal as exc:
        fail(exc.reason)
    finally:
        engine.dispose()
    click.echo(f"Đã {'đăng ký' if is_new else 'cập nhật'} hệ thống {system_id} trên trục mô phỏng"
               f"{' với ' + str(len(agencies)) + ' đơn vị' if agencies else ''}.")
    click.echo("Cấu hình cho hệ thống này:")
    click.echo(f"AXIS_ENDPOINT={endpoint}")
    click.echo(f"AXIS_SYSTEM_ID={system_id}")
    click.echo(f"AXIS_SECRET={kept}")


@exchange_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--to", "to_code", help="Mã định danh cơ quan nhận, khi gói tin không gửi cơ quan nào trong hệ thống.")
def import_command(files, to_code):
    """Receive edXML packages (documents or statuses) from files; print each document id and warning, exit 1
    when one is refused."""
    from app.extensions import db

    from .dispatch import receive_any
    from .edxml.safe_xml import PackageRefused

    refused = False
    for path in files:
        try:
            with open(path, "rb") as handle:
                imported = receive_any(handle.read(), actor=None, to_code=to_code)
        except PackageRefused as refusal:
            db.session.rollback()
            refused = True
            click.echo(f"{path}: BỊ TỪ CHỐI — " + "; ".join(refusal.reasons), err=True)
            continue
        except OSError:
            refused = True
            click.echo(f"{path}: BỊ TỪ CHỐI — không đọc được tệp.", err=True)
            continue
        db.session.commit()
        ids = ", ".join(str(i) for i in imported.document_ids)
        if imported.status_code:
            click.echo(f"{path}: trạng thái {imported.status_code} cho văn bản đi {ids}")
        else:
            click.echo(f"{path}: văn bản {ids}")
        for warning in imported.warnings:
            click.echo(f"  cảnh báo: {warning}")
    if refused:
        raise click.exceptions.Exit(1)


@exchange_cli.command("export")
@click.argument("document_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Tệp gói edXML cần ghi.")
def export_command(document_id: int, output: str):
    """Write the edXML package of a released outgoing document to a file; exit 1 with the reason when refused."""
    from app.extensions import db

    from .sending import SendingRefused, export_package

    try:
        package = export_package(document_id, actor=None)
    except SendingRefused as refused:
        db.session.rollback()
        fail(refused.reason)
    try:
        with open(output, "wb") as handle:
            handle.write(package)
    except OSError:
        db.session.rollback()
        fail(f"Không ghi được tệp {output} (thư mục không có hoặc không có quyền ghi).")
    db.session.commit()  # the export's audit event
    click.echo(f"Đã ghi gói tin của văn bản {document_id} vào {output} ({len(package)} byte).")
