"""Nhận gói edXML (the clerk's upload of packages) and the original package behind a document."""
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import CLERK, DOCUMENT_READERS
from app.documents.access import open_document
from app.extensions import db
from app.filestore import path_for

from .dispatch import receive_any
from .edxml.safe_xml import PackageRefused
from .received import ReceivedPackage

bp = Blueprint("exchange", __name__)
MAX_FILES = 20


@dataclass
class Outcome:
    """What became of one uploaded file: the documents it made and the warnings, or why it was refused."""

    name: str
    document_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    status_code: str | None = None  # a status package: the code it put on the outgoing document


@bp.route("/lien-thong/nhan-goi", methods=["GET", "POST"])
@role_required(CLERK)
def receive_packages():
    outcomes = []
    if request.method == "POST":
        uploads = [u for u in request.files.getlist("goi_tin") if u and u.filename][:MAX_FILES]
        if not uploads:
            outcomes.append(Outcome("—", reasons=[_("Chọn ít nhất một tệp gói tin edXML.")]))
        actor = signed_in_user()
        for upload in uploads:
            outcomes.append(_receive_one(upload, actor))
    status = 422 if any(o.reasons for o in outcomes) and not any(o.document_ids for o in outcomes) else 200
    return render_template("exchange/receive.html", outcomes=outcomes), status


def _receive_one(upload, actor) -> Outcome:
    """Each file commits or rolls back alone: one refused package does not undo the others."""
    outcome = Outcome(Path(upload.filename).name[:200])
    try:
        imported = receive_any(upload.read(), actor=actor)
    except PackageRefused as refused:
        db.session.rollback()
        outcome.reasons = refused.reasons
        return outcome
    db.session.commit()
    outcome.document_ids, outcome.warnings = imported.document_ids, imported.warnings
    outcome.status_code = imported.status_code
    return outcome


@bp.route("/van-ban/<int:document_id>/goi-edxml")
@role_required(*DOCUMENT_READERS)
def package_file(document_id: int):
    """The package exactly as it came, for whoever may read the document."""
    document = open_document(document_id, signed_in_user())
    package = db.session.scalars(select(ReceivedPackage).where(ReceivedPackage.document_id == document_id)
                                 ).first() if document is not None else None
    if package is None:
        abort(404)
    db.session.commit()  # keeps the audit event of a secret document's opening
    path = path_for(Path(current_app.config["FILES_DIR"]), package.package_sha256)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/xml", as_attachment=True,
                     download_name=f"van-ban-{document_id}.edxml", max_age=0)
