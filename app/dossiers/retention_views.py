"""Hồ sơ hết thời hạn bảo quản: the agency's destruction proposals, and a leader's decision on each."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import CLERK, LEADER
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.web.routing import bounded_int

from . import retention
from .forms import year_from
from .models import Dossier
from .retention_models import APPROVED, KEPT, PROPOSAL_STATES, PROPOSED, DestructionProposal
from .services import DossierRefused

bp = Blueprint("dossier_retention", __name__)
PER_PAGE = 50
STATE_LABELS = {PROPOSED: _l("Chờ quyết định"), KEPT: _l("Giữ lại thêm"), APPROVED: _l("Đưa ra xét hủy")}


def _page(errors: dict | None = None, failed_id: int | None = None, values: dict | None = None):
    actor = signed_in_user()
    state = request.args.get("trang-thai", PROPOSED)
    statement = retention.proposals_of(actor, state=state if state in PROPOSAL_STATES else None).options(
        selectinload(DestructionProposal.dossier).selectinload(Dossier.retention), selectinload(DestructionProposal.decided_by))
    page = db.paginate(statement, page=request.args.get("page", 1, type=bounded_int), per_page=PER_PAGE,
                       error_out=False)
    return render_template("dossiers/expired.html", page=page, state=state, STATE_LABELS=STATE_LABELS,
                           may_decide=actor.has_role(LEADER), errors=errors or {}, failed_id=failed_id,
                           values=values or {}, this_year=vietnam_today().year), 422 if errors else 200


@bp.route("/ho-so/het-thoi-han")
@role_required(CLERK, LEADER)
def expired_dossiers():
    return _page()


@bp.route("/ho-so/<int:dossier_id>/quyet-dinh-bao-quan", methods=["POST"])
@role_required(LEADER)
def decide(dossier_id: int):
    actor = signed_in_user()
    proposal = db.session.scalar(select(DestructionProposal).where(DestructionProposal.dossier_id == dossier_id,
                                                                   DestructionProposal.agency_id == actor.agency_id))
    if proposal is None:
        abort(404)
    errors: dict[str, str] = {}
    decision = (request.form.get("decision") or "").strip()
    keep_until = None
    if decision == KEPT:
        keep_until = year_from(request.form.get("keep_until_year"), errors, "keep_until_year")
    try:  # an unreadable year leaves keep_until None, which decide refuses beside the other fields' errors
        retention.decide(proposal, actor=actor, decision=decision, reason=request.form.get("reason", ""),
                         keep_until_year=keep_until, today=vietnam_today())
    except DossierRefused as refused:
        db.session.rollback()
        return _page({**refused.fields, **errors}, dossier_id, request.form.to_dict())
    db.session.commit()
    code = proposal.dossier.code
    flash(_("Đã giữ lại hồ sơ %(code)s đến hết năm %(year)s.", code=code, year=keep_until) if decision == KEPT
          else _("Đã đưa hồ sơ %(code)s ra xét hủy. Hồ sơ vẫn được giữ nguyên cho đến khi Hội đồng xác định "
                 "giá trị tài liệu quyết định.", code=code), "success")
    return redirect(url_for("dossier_retention.expired_dossiers"))
