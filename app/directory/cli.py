"""`flask seed-demo` (the demo province) and `flask create-province` (a real installation)."""
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.passwords import hash_password
from app.extensions import db

from .models import Agency
from .roles import ADMIN
from .services import DirectoryError, create_agency, create_user

DEMO_PASSWORD = "lienthong-demo"


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the demo province (90 agencies, 4,129 accounts) when the database has no agency."""
    if db.session.scalar(select(func.count(Agency.id))):
        click.echo("Cơ sở dữ liệu đã có danh bạ cơ quan: bỏ qua dữ liệu minh họa.")
        return
    from .demo.seed import seed_demo_province  # demo data is loaded only when asked for

    started = time.perf_counter()
    # One hash for the shared demo password: 4,129 scrypt hashes would take minutes.
    summary = seed_demo_province(password_hash=hash_password(DEMO_PASSWORD))
    record("demo_province_seeded", agencies=summary.agencies, departments=summary.departments,
           users=summary.users)
    db.session.commit()
    click.echo(f"Đã tạo tỉnh minh họa: {summary.agencies} cơ quan, {summary.departments} phòng ban, "
               f"{summary.users} tài khoản trong {time.perf_counter() - started:.1f} giây. "
               f"Mật khẩu chung: {DEMO_PASSWORD}")


@click.command("create-province")
@click.option("--code", required=True, help="Mã định danh của UBND tỉnh, ví dụ 000.00.00.H63")
@click.option("--name", required=True, help="Tên, ví dụ 'Ủy ban nhân dân tỉnh Yên Bái'")
@click.option("--short-name", default="UBND", show_default=True)
@click.option("--admin", "admin_username", required=True, help="Tên đăng nhập của quản trị viên toàn tỉnh")
@click.option("--admin-name", required=True, help="Họ và tên quản trị viên")
@click.password_option("--password", help="Mật khẩu ban đầu (phải đổi khi đăng nhập)")
@with_appcontext
def create_province_command(code, name, short_name, admin_username, admin_name, password):
    """Start a real installation: the province's People's Committee and its first administrator."""
    if db.session.scalar(select(func.count(Agency.id))):
        raise click.ClickException("Cơ sở dữ liệu đã có cơ quan; dùng trang Quản trị để thêm.")
    try:
        province = create_agency(actor=None, code=code.strip().upper(), name=name, short_name=short_name,
                                 kind="province", parent_id=None)
        admin = create_user(actor=None, roles=[ADMIN], password=password, username=admin_username,
                            full_name=admin_name, job_title="Quản trị hệ thống", agency_id=province.id)
    except DirectoryError as refused:
        raise click.ClickException("; ".join(refused.fields.values())) from None
    admin.province_wide = True
    admin.must_change_password = True
    db.session.commit()
    click.echo(f"Đã tạo {province.name} ({province.code}) và tài khoản quản trị {admin.username}.")
