"""What the task pages need from the engine: a task's form, its data, and the picker choices."""
import json
from dataclasses import dataclass, field
from functools import cache

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload

from app.directory.delegation import NO_DELEGATIONS, any_delegation_in_force, delegations_in_force
from app.directory.forms import AGENCY_KIND_LABELS
from app.directory.models import AGENCY_KINDS, Agency, Department, User, UserRole
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.vietnamese_order import vietnamese

from .access import task_access
from .forms import Choice, TaskForm
from .instance_state import version_forms, version_specs
from .instructions import render_instructions
from .models import HumanTask, HumanTaskCandidate, ProcessInstance
from .signing_node import SigningTask
from .stored_task import stored_task
from .task_rounds import form_values


@dataclass
class TaskView:
    row: HumanTask
    form: TaskForm | None
    data: dict
    instructions: Markup
    signing: dict | None = None  # {"kind", "document"} when the task is a signing step
    values: dict = field(default_factory=dict)  # what the form starts from (task_rounds.form_values)
    rounds: list = field(default_factory=list)  # completion events of this step's earlier rounds, oldest first


_ACTOR_ID = bindparam("actor_id")
# The task of the actor's agency with its instance and version (the task's form and data need both), in one
# statement built once. Two answers for the entitlement come along, so that the usual case needs no query of
# its own: whether the actor has any delegation in force today, and whether the actor is a candidate.
# The entitlement is then access.task_access, the Python statement of my_tasks_query's rule.
_MY_TASK = (
    select(HumanTask, any_delegation_in_force(_ACTOR_ID, bindparam("today")).label("delegated"),
           exists().where(HumanTaskCandidate.task_id == HumanTask.id,
                          HumanTaskCandidate.user_id == _ACTOR_ID).label("offered"))
    .where(HumanTask.task_uuid == bindparam("task_uuid"), HumanTask.agency_id == bindparam("agency_id"))
    .options(joinedload(HumanTask.instance, innerjoin=True).joinedload(ProcessInstance.version, innerjoin=True)))


def find_my_task(task_uuid: str, actor) -> HumanTask | None:
    """The task if the actor may act on it today (my_tasks_query's rule), with its instance and version."""
    today = vietnam_today()
    found = db.session.execute(_MY_TASK, {"task_uuid": task_uuid, "agency_id": actor.agency_id,
                                          "actor_id": actor.id, "today": today}).first()
    if found is None:
        return None
    row, delegated, offered = found
    view = delegations_in_force(actor, on=today) if delegated else NO_DELEGATIONS
    allowed, _on_behalf_of = task_access(row, actor, view=view, actor_offered=offered)
    return row if allowed else None


@dataclass(frozen=True)
class TaskShape:
    """What the version's files say of a task, without its state: the form and whether it signs."""

    form: TaskForm | None
    signing: dict | None
    instructions: str


# Shapes by (version id, content hash, task spec): what a version's files say never changes, so each process
# reads a task's form files once. Nothing in a shape is changed by its users.
_SHAPES: dict[tuple[int, str, str], TaskShape] = {}


def task_shape(row: HumanTask) -> TaskShape:
    """The task's form from the files pinned by the instance's version (cached per version and task spec)."""
    version = row.instance.version
    key = (version.id, version.content_sha256, row.spec_id)
    if key not in _SHAPES:
        _SHAPES[key] = _read_shape(version, row.spec_id)
    return _SHAPES[key]


def _read_shape(version, spec_id: str) -> TaskShape:
    spec, subprocess_specs = version_specs(version)
    task_spec = next((s.task_specs[spec_id] for s in (spec, *subprocess_specs.values())
                      if spec_id in s.task_specs), None)
    extensions = getattr(task_spec, "extensions", None) or {}
    properties = extensions.get("properties", {})
    form = None
    schema_file = properties.get("formJsonSchemaFilename")
    forms = version_forms(version)
    if schema_file in forms:
        ui_file = properties.get("formUiSchemaFilename")
        ui = json.loads(forms[ui_file]) if ui_file in forms else {}
        form = TaskForm(json.loads(forms[schema_file]), ui, schema_file.removesuffix(".schema.json"))
    signing = ({"kind": task_spec.kind, "document": task_spec.document}
               if isinstance(task_spec, SigningTask) else None)
    return TaskShape(form, signing, extensions.get("instructionsForEndUser") or "")


def task_view(row: HumanTask, actor, events: list | None = None) -> TaskView:
    """The task's form with its current data and instructions (the state is loaded for them).

    Given the instance's events, the step's earlier rounds are found among them and the form starts
    clean of their answers.
    """
    shape = task_shape(row)
    task = stored_task(row.instance, row.task_uuid, actor)
    data = task.data if task else {}
    rounds = []
    if task is not None and events:
        ids = task.earlier_round_ids
        by_task = {e.subject_id: e for e in events if e.event_type == "task_completed" and e.subject_type == "task"}
        rounds = [by_task[i] for i in ids if i in by_task]
    return TaskView(row, shape.form, data, render_instructions(shape.instructions, data), shape.signing,
                    values=form_values(shape.form, data, rounds), rounds=rounds)


def picker_choices(form: TaskForm | None, actor) -> dict:
    """Options for user/department/agency pickers, limited to what the actor may see."""
    if form is None:
        return {}
    wanted = {name: (widget, _options_key(options)) for name, widget, options in form.pickers}
    loaded = {key: _load_choices(key[0], dict(key[1]), actor) for key in set(wanted.values())}
    return {name: loaded[key] for name, key in wanted.items()}


def _options_key(options: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in options.items() if k in ("role", "sameDepartment")))


# The pickers' statements are built once: their parameters are the actor's agency, department and a role.
_DEPARTMENTS = (select(Department.id, Department.name)
                .where(Department.agency_id == bindparam("agency_id"), Department.active.is_(True))
                .order_by(vietnamese(Department.name)))
_AGENCIES = select(Agency).where(Agency.active.is_(True)).order_by(vietnamese(Agency.name))


def _load_choices(kind: str, options: dict, actor) -> list[Choice]:
    if kind == "user":
        return _people(options, actor)
    if kind == "department":
        return [Choice(department_id, name) for department_id, name in
                db.session.execute(_DEPARTMENTS, {"agency_id": actor.agency_id})]
    agencies = db.session.scalars(_AGENCIES)
    # Grouped by kind (Sở, ban, ngành; UBND huyện; UBND xã …), in the order of the directory's kinds.
    by_kind = sorted(agencies, key=lambda a: AGENCY_KINDS.index(a.kind) if a.kind in AGENCY_KINDS else len(AGENCY_KINDS))
    return [Choice(a.code, a.name, group=str(AGENCY_KIND_LABELS.get(a.kind, ""))) for a in by_kind]


@cache
def _people_statement(by_role: bool, same_department: bool):
    statement = (select(User.username, User.full_name, User.job_title, User.department_id, Department.name)
                 .outerjoin(Department, Department.id == User.department_id)
                 .where(User.agency_id == bindparam("agency_id"), User.active.is_(True)))
    if by_role:
        statement = statement.where(User.role_rows.any(UserRole.role == bindparam("role")))
    if same_department:
        statement = statement.where(User.department_id == bindparam("department_id"))
    return statement.order_by(Department.id.is_(None), vietnamese(Department.name), vietnamese(User.full_name),
                              User.id)


def _people(options: dict, actor) -> list[Choice]:
    """Active people of the actor's agency, grouped by department (those without one last); each choice
    names its department so that a form can narrow the list to the unit chosen beside it.

    Read as columns, not as people: every opening and every submission of a form with a person picker
    asks for the whole agency's list."""
    by_role, same_department = bool(options.get("role")), bool(options.get("sameDepartment") and actor.department_id)
    statement = _people_statement(by_role, same_department)
    no_department = _("Không thuộc phòng ban")
    return [Choice(username, f"{full_name} — {job_title}" if job_title else full_name,
                   group=department or no_department, unit=str(department_id or ""))
            for username, full_name, job_title, department_id, department in db.session.execute(
                statement, {"agency_id": actor.agency_id, "role": options.get("role"),
                            "department_id": actor.department_id})]
