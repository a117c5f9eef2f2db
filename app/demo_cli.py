"""`flask seed-demo`: the demo province, its incoming and outgoing documents and demo keys, in one transaction.

It lives outside the domain packages because it spans two: the directory must not import documents.
"""
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.audit.anchor_log import anchor_log_path
from app.audit.anchors import anchor_chain
from app.audit.services import record
from app.auth.passwords import hash_password
from app.directory.demo.provinces import DEFAULT_PROVINCE, PROVINCES, YEN_BAI_PROVINCE, DemoProvince
from app.directory.demo.seed import SeedSummary, seed_demo_province
from app.directory.models import Agency
from app.extensions import db

DEMO_PASSWORD = "lienthong-demo"


@click.command("seed-demo")
@click.option("--province", type=click.Choice(list(PROVINCES)), default=DEFAULT_PROVINCE, show_default=True,
              envvar="DEMO_PROVINCE",
              help="Tỉnh minh họa: yenbai (đầy đủ văn bản) hoặc laocai (hệ thống thứ hai của bản trình diễn liên thông).")
@with_appcontext
def seed_demo_command(province: str):
    """Create the demo province (Yên Bái: 90 agencies, 4,129 accounts and its documents) when there is no agency."""
    if db.session.scalar(select(func.count(Agency.id))):
        click.echo("Cơ sở dữ liệu đã có danh bạ cơ quan: bỏ qua dữ liệu minh họa.")
        return
    if province != DEFAULT_PROVINCE:
        _seed_peer_province(PROVINCES[province])
        return
    # Loaded only when asked for: the documents bring WeasyPrint and pyHanko with them.
    from app.documents.demo import seed_demo_documents
    from app.documents.demo.outgoing import seed_demo_outgoing
    from app.dossiers.demo import seed_demo_dossiers, seed_demo_handover
    from app.exchange.demo import seed_demo_packages

    started = time.perf_counter()
    summary = _seed_directory(YEN_BAI_PROVINCE)
    documents = seed_demo_documents()
    keys, outgoing = seed_demo_outgoing()
    packages = seed_demo_packages()
    dossiers = seed_demo_dossiers()
    handover_started = time.perf_counter()
    handover = seed_demo_handover(current_app.config)
    handover_seconds = time.perf_counter() - handover_started
    db.session.commit()
    anchor = _anchor()
    click.echo(f"Đã tạo tỉnh minh họa: {summary.agencies} cơ quan, {summary.departments} phòng ban, "
               f"{summary.users} tài khoản trong {summary.elapsed_seconds:.1f} giây. "
               f"Mật khẩu chung: {DEMO_PASSWORD}")
    statuses = ", ".join(f"{code}: {count}" for code, count in documents.by_status.items())
    click.echo(f"Đã tạo {documents.documents} văn bản đến minh họa (trạng thái {statuses}; "
               f"{documents.overdue} quá hạn) trong {documents.elapsed_seconds:.1f} giây.")
    click.echo(f"Đã tạo {outgoing} văn bản đi minh họa ở mọi giai đoạn và {keys} khóa ký số DEMO của lãnh đạo "
               f"(mã PIN: {current_app.config['DEMO_SIGNING_PIN']}). "
               f"Tổng cộng {time.perf_counter() - started:.1f} giây.")
    click.echo(f"Đã nhận {packages} văn bản của bộ, ngành qua gói tin edXML (có gói gốc, chữ ký tiêu đề, cảnh báo).")
    click.echo(f"Đã lập danh mục hồ sơ năm trước và năm nay cho {dossiers.agencies} cơ quan ({dossiers.dossiers} hồ sơ) "
               f"và lưu {dossiers.filed} văn bản đã xử lý vào hồ sơ.")
    if handover is not None:
        click.echo(f"Đã đóng {handover.closed} hồ sơ năm trước của Sở Nội vụ (bản PDF/A) và nộp lưu một hồ sơ: gói "
                   f"{handover.package_id} tại {handover.path} ({handover_seconds:.1f} giây).")
    _report_anchor(anchor)


def _seed_peer_province(province: DemoProvince) -> None:
    """The second province of the liên thông demo: its directory, accounts and the demo keys of its offices;
    no documents (they come from the first installation through the axis stand-in)."""
    from app.documents.demo.outgoing import seed_demo_keys
    from app.workflow.deployment import sync_processes
    from app.workflow.registry import catalogue

    summary = _seed_directory(province)
    keys = seed_demo_keys()
    # Deployed now, as Yên Bái's seed does: a package from the axis starts the incoming process at once.
    sync_processes(catalogue(), Path(current_app.config["BPMN_DIR"]), Path(current_app.config["FORMS_DIR"]))
    db.session.commit()
    anchor = _anchor()
    click.echo(f"Đã tạo tỉnh minh họa {province.place}: {summary.agencies} cơ quan, {summary.departments} phòng ban, "
               f"{summary.users} tài khoản trong {summary.elapsed_seconds:.1f} giây. Mật khẩu chung: {DEMO_PASSWORD}")
    click.echo(f"Đã cấp {keys} khóa ký số DEMO của lãnh đạo và khóa con dấu của các cơ quan "
               f"(mã PIN: {current_app.config['DEMO_SIGNING_PIN']}).")
    _report_anchor(anchor)


def _seed_directory(province: DemoProvince) -> SeedSummary:
    # One hash for the shared demo password: 4,129 scrypt hashes would take minutes.
    summary = seed_demo_province(password_hash=hash_password(DEMO_PASSWORD), province=province)
    record("demo_province_seeded", agencies=summary.agencies, departments=summary.departments,
           users=summary.users)
    return summary


def _anchor():
    # Anchored at once, in a transaction of its own (the head signed must be committed): a fresh demo
    # verifies without waiting for the first hourly run.
    anchor = anchor_chain(current_app.config)
    db.session.commit()
    return anchor


def _report_anchor(anchor) -> None:
    if anchor is not None:
        click.echo(f"Đã neo nhật ký kiểm toán đến sự kiện số {anchor.seq} (sổ neo {anchor_log_path(current_app.config)}).")
