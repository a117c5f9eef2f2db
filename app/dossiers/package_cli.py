"""`flask dossiers package` and `flask dossiers verify-package`: build a preservation package of closed
dossiers, and check one against its METS.xml."""
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from app.cli_failure import fail
from app.directory.models import User
from app.extensions import db
from app.sqltypes import utcnow

from .cli import dossiers_cli
from .handover import build_package
from .package import PackageRefused
from .package_verify import verify_package


@dossiers_cli.command("package")
@click.option("--agency", "agency_code", required=True, help="Mã định danh của cơ quan.")
@click.option("--dossier", "codes", multiple=True, required=True, help="Mã hồ sơ (nhắc lại cho nhiều hồ sơ).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp ZIP gói nộp lưu sẽ ghi ra.")
@click.option("--user", "username", default=None, help="Tài khoản người lập gói (bắt buộc khi có văn bản mật).")
@click.option("--receiver", default=None, help="Bên nhận ghi trong biên bản (mặc định: Lưu trữ cơ quan).")
def package_command(agency_code: str, codes: tuple[str, ...], out: Path, username: str | None,
                    receiver: str | None):
    """Lập gói nộp lưu (METS.xml, tệp, mục lục và biên bản giao nhận đã ký số) của các hồ sơ đã đóng."""
    actor = None
    if username is not None:
        actor = db.session.scalars(select(User).where(User.username == username, User.active.is_(True))).first()
        if actor is None:
            fail(f"Không có tài khoản {username}.")
    if not out.parent.is_dir():
        fail(f"Không có thư mục {out.parent}.")
    try:
        built = build_package(agency_code, list(codes), out, actor=actor, config=current_app.config, now=utcnow(),
                              receiver=receiver)
        db.session.commit()
    except PackageRefused as refused:
        db.session.rollback()
        fail(str(refused))
    except BaseException:
        db.session.rollback()
        out.unlink(missing_ok=True)  # written, but its audit record is not: no package without its record
        raise
    click.echo(f"Đã lập gói {built.package_id}: {built.dossier_count} hồ sơ, {built.document_count} văn bản, "
               f"{built.file_count} tệp gốc, {built.copy_count} bản PDF/A → {out}")


@dossiers_cli.command("verify-package")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def verify_command(path: Path):
    """Kiểm tra gói nộp lưu: METS.xml theo lược đồ và mã SHA-256 của từng tệp."""
    problems = verify_package(path)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        fail(f"Gói {path} không nguyên vẹn: {len(problems)} điểm khác.")
    click.echo(f"Gói {path} nguyên vẹn: METS.xml hợp lệ, mọi tệp khớp mã SHA-256.")
