"""`flask seed-demo`: the demo province on an empty database."""
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.passwords import hash_password
from app.extensions import db

from .models import Agency

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
