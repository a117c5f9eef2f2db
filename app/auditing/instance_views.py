"""Auditors' view of process instances: search them, and read one instance's recorded history.

The history is what the audit chain holds about the instance, in chain order: who (and for whom,
under delegation), when, which step, and the data submitted. Secret documents' cases are shown to
the people who may see those documents only (the same rule as the document pages).
"""
from datetime import timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.models import Agency, User
from app.directory.roles import AUDITOR, LEADER
from app.directory.scoping import scoped
from app.documents.access import open_case
from app.extensions import db
from app.vietnam_time import parse_day_or_none, start_of_day
from app.vietnamese_order import vietnamese
from app.web.routing import bounded_int
from app.workflow.case_secrecy import case_titles
from app.workflow.diagram_layout import diagram_of
from app.workflow.models import INSTANCE_STATUSES, ProcessInstance
from app.workflow.readable_history import readable_history, readable_snapshots
from app.workflow.registry import catalogue
from app.workflow.walkthrough import step_through

from .replay_checks import check_instance, latest_checks_subquery, verdict_text

bp = Blueprint("audit_instances", __name__)
PER_PAGE = 30
INSTANCE_STATUS_LABELS = {"running": _l("Đang chạy"), "completed": _l("Đã kết thúc"), "error": _l("Gặp lỗi"),
                          "cancelled": _l("Đã hủy")}


@bp.context_processor
def instance_words():
    return {"INSTANCE_STATUS_LABELS": INSTANCE_STATUS_LABELS}


def _search(actor, args):
    statement = scoped(select(ProcessInstance), actor)
    if args.get("quy_trinh") in catalogue().processes:
        statement = statement.where(ProcessInstance.process_id == args["quy_trinh"])
    if args.get("trang_thai") in INSTANCE_STATUSES:
        statement = statement.where(ProcessInstance.status == args["trang_thai"])
    if args.get("co_quan", type=bounded_int):
        statement = statement.where(ProcessInstance.agency_id == args.get("co_quan", type=bounded_int))
    start, end = parse_day_or_none(args.get("from")), parse_day_or_none(args.get("to"))
    if start:
        statement = statement.where(ProcessInstance.started_at >= start_of_day(start))
    if end:
        statement = statement.where(ProcessInstance.started_at < start_of_day(end + timedelta(days=1)))
    if args.get("phat_lai") == "khong-khop":  # the saved view after a bulk replay
        checks = latest_checks_subquery()
        statement = statement.join(checks, checks.c.instance_id == ProcessInstance.id).where(checks.c.matches.is_(False))
    if args.get("nguoi"):
        # Instances the person acted in: their recorded completions name the instance.
        person = db.session.scalars(select(User.id).where(User.username == args["nguoi"].strip())).first()
        acted = select(AuditEvent.data["instance_id"].as_integer()).where(
            AuditEvent.actor_id == person, AuditEvent.event_type == "task_completed")
        statement = statement.where(ProcessInstance.id.in_(acted) | (ProcessInstance.started_by_id == person))
    return statement.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())


@bp.route("/kiem-toan/ho-so")
@role_required(AUDITOR, LEADER)
def instances():
    actor = signed_in_user()
    page = db.paginate(_search(actor, request.args), page=request.args.get("page", 1, type=bounded_int),
                       per_page=PER_PAGE, error_out=False)
    agencies = db.session.scalars(scoped(select(Agency), actor).order_by(vietnamese(Agency.name))).all()
    return render_template("audit/instances.html", page=page, agencies=agencies, args=request.args,
                           titles=case_titles(actor, page.items),
                           agency_names={a.id: a.name for a in agencies},
                           processes=catalogue().processes, statuses=INSTANCE_STATUSES)


def _open_instance(instance_id: int, actor):
    """The instance with its recorded events and its document, or 404 for those who may not read it."""
    case = open_case(instance_id, actor)
    if case is None:
        abort(404)
    return case.instance, case.events, case.document_id


@bp.route("/kiem-toan/ho-so/<int:instance_id>")
@role_required(AUDITOR, LEADER)
def instance_history(instance_id: int):
    actor = signed_in_user()
    instance, events, document_id = _open_instance(instance_id, actor)
    # "Phát lại": replaying reads the record and writes only its outcome (an audited check), so
    # read-only auditors may ask for it with a plain link.
    check = check_instance(instance, actor) if request.args.get("phat_lai") == "1" else None
    db.session.commit()
    snapshots, walk = step_through(instance)
    # Auditors check the record itself: they also get each step's exact keys and values (as JSON).
    exact = actor.has_role(AUDITOR)
    steps = readable_history(instance.version, events, with_raw=exact)
    numbers = {step.event.seq: step.number for step in steps}
    return render_template("audit/instance.html", instance=instance, steps=steps, document_id=document_id,
                           check=check, check_text=verdict_text(check, numbers.get(check.divergent_seq)) if check else None,
                           process=catalogue().processes.get(instance.process_id), exact=exact,
                           snapshots=readable_snapshots(instance.version, [s.as_json() for s in snapshots], numbers,
                                                        with_raw=exact), walk=walk)


@bp.route("/kiem-toan/ho-so/<int:instance_id>/so-do.bpmn")
@role_required(AUDITOR, LEADER)
def instance_diagram(instance_id: int):
    """The instance's pinned process version as bpmn-js draws it."""
    instance, _events, _document_id = _open_instance(instance_id, signed_in_user())
    return Response(diagram_of(instance.version.bpmn_xml), mimetype="application/xml")
