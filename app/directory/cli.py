"""`flask create-province`: start a real installation (the demo is `flask seed-demo`, app/demo_cli.py)."""
import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.cli_failure import fail
from app.extensions import db

from .models import Agency
from .roles import ADMIN
from .services import DirectoryError, create_agency, create_user


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
        fail("Cơ sở dữ liệu đã có cơ quan; dùng trang Quản trị để thêm.")
    try:
        province = create_agency(actor=None, code=code.strip().upper(), name=name, short_name=short_name,
                                 kind="province", parent_id=None)
        admin = create_user(actor=None, roles=[ADMIN], password=password, username=admin_username,
                            full_name=admin_name, job_title="Quản trị hệ thống", agency_id=province.id)
    except DirectoryError as refused:
        fail("; ".join(refused.fields.values()))
    admin.province_wide = True
    admin.must_change_password = True
    db.session.commit()
    click.echo(f"Đã tạo {province.name} ({province.code}) và tài khoản quản trị {admin.username}.")
