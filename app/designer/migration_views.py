"""Chuyển phiên bản: move a process's running cases to another published version (plan, dry run, move).

Thin: app.workflow.instance_migration plans and moves; the cases offered are those the signed-in designer
or administrator may see (directory.scoping), and case titles follow the one secrecy rule.
"""
from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import ADMIN, DESIGNER
from app.extensions import db
from app.web.routing import bounded_int
from app.workflow.case_secrecy import case_titles
from app.workflow.deployment import latest_version
from app.workflow.errors import WorkflowError
from app.workflow.instance_migration import (
    dry_run,
    migrate_cases,
    plan_migration,
    running_by_version,
    running_cases,
    scope_agencies,
    target_steps,
)
from app.workflow.models import ProcessInstance

from .access import definition_or_404

bp = Blueprint("designer_migration", __name__, url_prefix="/thiet-ke")
MAX_SHOWN = 500  # result rows listed on the page; the counts cover every case


@bp.route("/<process_id>/chuyen-phien-ban")
@role_required(DESIGNER, ADMIN)
def migration_page(process_id: str):
    return _page(process_id, request.args)


@bp.route("/<process_id>/chuyen-phien-ban/chay-thu", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def dry_run_cases(process_id: str):
    return _page(process_id, request.form, action="dry_run")


@bp.route("/<process_id>/chuyen-phien-ban", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def migrate(process_id: str):
    return _page(process_id, request.form, action="move")


def _page(process_id: str, values, action: str | None = None):
    definition = definition_or_404(process_id)
    actor = signed_in_user()
    running = running_by_version(process_id, actor=actor)
    latest = latest_version(process_id)
    old = _number(values.get("tu")) or (min(n for n in running if n != latest.number) if set(running) - {
        latest.number} else None)
    new = _number(values.get("den")) or latest.number
    agencies = scope_agencies(process_id, actor=actor)
    filters = {"agency_id": _number(values.get("co_quan")), "step": (values.get("buoc") or "")[:128] or None}
    if filters["agency_id"] not in {a.id for a in agencies}:
        filters["agency_id"] = None
    context = {"definition": definition, "running": running, "latest": latest, "old": old, "new": new,
               "agencies": agencies, "filters": filters, "plan": None, "outcomes": None, "titles": {},
               "case_count": 0, "targets": [], "action": action}
    if old is None or old == new:
        return render_template("designer/migration.html", **context), 200 if action is None else 400
    overrides = {key[4:]: str(value)[:128] for key, value in values.items() if key.startswith("map-") and value}
    try:
        plan = plan_migration(process_id, old, new, overrides)
    except WorkflowError as refused:
        flash(refused.message, "error")
        return render_template("designer/migration.html", **context), 200 if action is None else 400
    ids = running_cases(plan, actor=actor, **filters)
    context.update(plan=plan, targets=target_steps(plan), case_count=len(ids))
    if action == "dry_run":
        context["outcomes"] = dry_run(plan, ids)
        db.session.rollback()
    elif action == "move":
        # Each case is its own unit of work: committed as it moves, so no case stays locked for the whole batch.
        outcomes = migrate_cases(plan, ids, actor=actor, stop_on_error=values.get("dung_khi_loi") == "1",
                                 after_each=db.session.commit)
        db.session.commit()
        moved = sum(1 for o in outcomes if o.ok)
        flash(_("Đã chuyển %(moved)s hồ sơ sang phiên bản %(new)s; %(refused)s hồ sơ không chuyển được (giữ nguyên "
                "phiên bản cũ).", moved=moved, new=new, refused=len(outcomes) - moved),
              "success" if moved == len(outcomes) else "warning")
        context["outcomes"] = outcomes
        context["running"] = running_by_version(process_id, actor=actor)
    if context["outcomes"]:
        shown = context["outcomes"][:MAX_SHOWN]
        context["titles"] = case_titles(actor, [db.session.get(ProcessInstance, o.instance_id) for o in shown])
    return render_template("designer/migration.html", **context)


def _number(value) -> int | None:
    try:
        return bounded_int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None
