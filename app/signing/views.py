"""Pages for signing keys: a person's own certificate and signature image; an agency's seal key (admin)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.models import Agency
from app.directory.roles import ADMIN
from app.directory.scoping import scoped
from app.extensions import db
from app.vietnamese_order import vietnamese
from app.web.routing import bounded_int

from .keystore import active_agency_credential, active_person_credential
from .uploads import UploadRefused, store_agency_key, store_person_key
from .validation import crls_from_config, trust_roots_from_config

bp = Blueprint("signing_keys", __name__)


def _upload(name: str) -> bytes:
    upload = request.files.get(name)
    return upload.read(1 << 20) if upload is not None and upload.filename else b""


def _trust() -> dict:
    config = current_app.config
    return {"trust_roots": trust_roots_from_config(config), "crls": crls_from_config(config)}


@bp.route("/ca-nhan/chu-ky-so", methods=["GET", "POST"])
@login_required
def my_key():
    actor = signed_in_user()
    errors = {}
    if request.method == "POST":
        try:
            row = store_person_key(actor, _upload("pkcs12"), request.form.get("pin", ""), _upload("image"),
                                   **_trust())
        except UploadRefused as refused:
            db.session.rollback()
            errors[refused.field] = refused.message
        else:
            db.session.commit()
            flash(_("Đã lưu chứng thư số của bạn: %(name)s.", name=row.subject_name), "success")
            return redirect(url_for("signing_keys.my_key"))
    return render_template("signing/my_key.html", credential=active_person_credential(actor.id), errors=errors), \
        422 if errors else 200


@bp.route("/ca-nhan/chu-ky-so/anh")
@login_required
def my_image():
    credential = active_person_credential(signed_in_user().id)
    if credential is None:
        abort(404)
    return Response(credential.image_png, mimetype="image/png")


def _agency(agency_id: int, actor) -> Agency:
    agency = db.session.scalars(scoped(select(Agency), actor).where(Agency.id == agency_id)).first()
    if agency is None:
        abort(404)
    return agency


@bp.route("/quan-tri/con-dau-so", methods=["GET", "POST"])
@role_required(ADMIN)
def agency_key():
    actor = signed_in_user()
    agencies = db.session.scalars(scoped(select(Agency), actor).where(Agency.active.is_(True))
                                  .order_by(vietnamese(Agency.name))).all()
    agency = _agency(request.values.get("co_quan", actor.agency_id, type=bounded_int), actor)
    errors = {}
    if request.method == "POST":
        try:
            store_agency_key(agency, _upload("pkcs12"), request.form.get("password", ""), _upload("image"),
                             actor=actor, passphrase=current_app.config["SIGNING_KEY_PASSPHRASE"], **_trust())
        except UploadRefused as refused:
            db.session.rollback()
            errors[refused.field] = refused.message
        else:
            db.session.commit()
            flash(_("Đã lưu con dấu số của %(agency)s.", agency=agency.name), "success")
            return redirect(url_for("signing_keys.agency_key", co_quan=agency.id))
    return render_template("signing/agency_key.html", agencies=agencies, agency=agency,
                           credential=active_agency_credential(agency.id), errors=errors), 422 if errors else 200


@bp.route("/quan-tri/con-dau-so/<int:agency_id>/anh")
@role_required(ADMIN)
def agency_image(agency_id: int):
    credential = active_agency_credential(_agency(agency_id, signed_in_user()).id)
    if credential is None:
        abort(404)
    return Response(credential.image_png, mimetype="image/png")
