"""Designers' test runs: start one, play its steps through the real forms, fire its timers."""
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import ADMIN, DESIGNER
from app.extensions import db
from app.workflow.instructions import render_instructions
from app.workflow.task_pages import picker_choices

from . import drafts, test_runs
from .access import definition_or_404
from .drafts import DesignError

bp = Blueprint("designer_runs", __name__, url_prefix="/thiet-ke")


@bp.route("/<process_id>/chay-thu", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def start_test_run(process_id: str):
    definition_or_404(process_id)
    try:
        run = test_runs.start_test_run(process_id, actor=signed_in_user(), start_data=request.form.get("data", ""))
    except DesignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("designer_runs.test_run_page", process_id=process_id))
    db.session.commit()
    return redirect(url_for("designer_runs.test_run", run_id=run.id))


@bp.route("/<process_id>/chay-thu")
@role_required(DESIGNER, ADMIN)
def test_run_page(process_id: str):
    """Start a test run: the sample start data, and the designer's earlier runs."""
    definition = definition_or_404(process_id)
    return render_template("designer/test_run_start.html", definition=definition,
                           start_data=json.dumps(definition.sample_start, ensure_ascii=False, indent=2),
                           runs=test_runs.runs_of(process_id, signed_in_user()),
                           has_draft=drafts.draft_of(process_id) is not None)


@bp.route("/chay-thu/<int:run_id>", methods=["GET", "POST"])
@role_required(DESIGNER, ADMIN)
def test_run(run_id: int):
    actor = signed_in_user()
    run = test_runs.open_test_run(run_id, actor=actor)
    if run is None:
        abort(404)
    refused = None
    if request.method == "POST":
        try:
            if request.form.get("timer"):
                test_runs.fire_test_timer(run, request.form["timer"])
            else:
                task = next((t for t in run.ready if t["id"] == request.form.get("task_id")), None)
                form = test_runs.task_form(run, task) if task else None
                test_runs.complete_test_step(run, request.form.get("task_id", ""), request.form,
                                             picker_choices(form, actor))
            db.session.commit()
            return redirect(url_for("designer_runs.test_run", run_id=run.id))
        except test_runs.StepRefused as error:
            db.session.rollback()
            refused = (request.form.get("task_id"), error.errors, error.values)
        except DesignError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("designer_runs.test_run", run_id=run.id))
    return render_template("designer/test_run.html", run=run, definition=definition_or_404(run.process_id),
                           tasks=_task_views(run, actor, refused), snapshots=run.steps)


def _task_views(run, actor, refused) -> list[dict]:
    """The waiting tasks with their forms as staff see them (a refused one keeps what was typed)."""
    views = []
    for task in run.ready:
        form = test_runs.task_form(run, task)
        values, errors = task["data"], {}
        if refused and refused[0] == task["id"]:
            errors, values = refused[1], {**task["data"], **refused[2]}
        fields = form.fields(values, errors, picker_choices(form, actor)) if form else []
        views.append({**task, "fields": fields,
                      "instructions_html": render_instructions(task["instructions"], task["data"])})
    return views


@bp.route("/chay-thu/<int:run_id>/so-do.bpmn")
@role_required(DESIGNER, ADMIN)
def test_run_diagram(run_id: int):
    run = test_runs.open_test_run(run_id, actor=signed_in_user())
    if run is None:
        abort(404)
    return Response(run.bpmn_xml, mimetype="application/xml")
