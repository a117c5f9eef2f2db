"""Lập gói nộp lưu from a closed dossier's page: the package built by the agency's clerk or leader and
downloaded as a ZIP (METS.xml, the files, the signed Mục lục hồ sơ nộp lưu and Biên bản giao nhận)."""
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, send_file, url_for

from app.auth.decorators import allowed_when
from app.auth.session import signed_in_user
from app.directory.scoping import get_visible
from app.extensions import db
from app.sqltypes import utcnow

from .handover import build_package
from .models import Dossier
from .package import PackageRefused
from .services import keeps_dossiers, keeps_list_of

bp = Blueprint("dossier_packages", __name__)


@bp.route("/ho-so/<int:dossier_id>/goi-nop-luu", methods=["POST"])
@allowed_when(keeps_dossiers)
def download_package(dossier_id: int):
    actor = signed_in_user()
    dossier = get_visible(Dossier, dossier_id, actor=actor)
    if dossier is None or not keeps_list_of(dossier, actor):
        abort(404)
    workdir = Path(tempfile.mkdtemp(prefix="goi-nop-luu-"))
    out = workdir / f"goi-nop-luu-{dossier.code}.zip"
    try:
        built = build_package(dossier.agency.code, [dossier.code], out, actor=actor, config=current_app.config,
                              now=utcnow())
        db.session.commit()
    except PackageRefused as refused:
        db.session.rollback()
        shutil.rmtree(workdir, ignore_errors=True)
        flash(str(refused), "danger")
        return redirect(url_for("dossiers.dossier_detail", dossier_id=dossier_id))
    except BaseException:
        db.session.rollback()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    response = send_file(out, mimetype="application/zip", as_attachment=True,
                         download_name=f"{built.package_id}.zip")
    response.call_on_close(lambda: shutil.rmtree(workdir, ignore_errors=True))
    return response
