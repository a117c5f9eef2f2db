"""What the task pages need from the engine: a task's form, its data, and the picker choices."""
import json
from dataclasses import dataclass, field
from uuid import UUID

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from app.directory.forms import AGENCY_KIND_LABELS
from app.directory.models import AGENCY_KINDS, Agency, Department, User, UserRole
from app.extensions import db
from app.vietnamese_order import vietnamese

from .access import my_tasks_query
from .forms import PICKERS, Choice, TaskForm
from .instance_state import load_workflow, version_forms, version_specs
from .instructions import render_instructions
from .models import HumanTask
from .signing_node import SigningTask
from .task_rounds import earlier_round_ids, form_values


@dataclass
class TaskView:
    row: HumanTask
    form: TaskForm | None
    data: dict
    instructions: Markup
    signing: dict | None = None  # {"kind", "document"} when the task is a signing step
    values: dict = field(default_factory=dict)  # what the form starts from (task_rounds.form_values)
    rounds: list = field(default_factory=list)  # completion events of this step's earlier rounds, oldest first


def find_my_task(task_uuid: str, actor) -> HumanTask | None:
    return db.session.scalars(my_tasks_query(actor).where(HumanTask.task_uuid == task_uuid)).first()


@dataclass(frozen=True)
class TaskShape:
    """What the version's files say of a task, without its state: the form and whether it signs."""

    form: TaskForm | None
    signing: dict | None
    instructions: str


def task_shape(row: HumanTask) -> TaskShape:
    """The task's form from the files pinned by the instance's version (the spec is cached per version)."""
    version = row.instance.version
    spec, subprocess_specs = version_specs(version)
    task_spec = next((s.task_specs[row.spec_id] for s in (spec, *subprocess_specs.values())
                      if row.spec_id in s.task_specs), None)
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
    task = load_workflow(row.instance, actor).get_task_from_id(UUID(row.task_uuid))
    data = dict(task.data) if task else {}
    rounds = []
    if task is not None and events:
        ids = earlier_round_ids(task)
        by_task = {e.subject_id: e for e in events if e.event_type == "task_completed" and e.subject_type == "task"}
        rounds = [by_task[i] for i in ids if i in by_task]
    return TaskView(row, shape.form, data, render_instructions(shape.instructions, data), shape.signing,
                    values=form_values(shape.form, data, rounds), rounds=rounds)


def picker_choices(form: TaskForm | None, actor) -> dict:
    """Options for user/department/agency pickers, limited to what the actor may see."""
    if form is None:
        return {}
    wanted = {f.name: (f.widget, _options_key(f.picker_options)) for f in form.fields() if f.widget in PICKERS}
    loaded = {key: _load_choices(key[0], dict(key[1]), actor) for key in set(wanted.values())}
    return {name: loaded[key] for name, key in wanted.items()}


def _options_key(options: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in options.items() if k in ("role", "sameDepartment")))


def _load_choices(kind: str, options: dict, actor) -> list[Choice]:
    if kind == "user":
        return _people(options, actor)
    if kind == "department":
        return [Choice(department_id, name) for department_id, name in db.session.execute(
            select(Department.id, Department.name)
            .where(Department.agency_id == actor.agency_id, Department.active.is_(True))
            .order_by(vietnamese(Department.name)))]
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(vietnamese(Agency.name)))
    # Grouped by kind (Sở, ban, ngành; UBND huyện; UBND xã …), in the order of the directory's kinds.
    by_kind = sorted(agencies, key=lambda a: AGENCY_KINDS.index(a.kind) if a.kind in AGENCY_KINDS else len(AGENCY_KINDS))
    return [Choice(a.code, a.name, group=str(AGENCY_KIND_LABELS.get(a.kind, ""))) for a in by_kind]


def _people(options: dict, actor) -> list[Choice]:
    """Active people of the actor's agency, grouped by department (those without one last); each choice
    names its department so that a form can narrow the list to the unit chosen beside it.

    Read as columns, not as people: every opening and every submission of a form with a person picker
    asks for the whole agency's list."""
    statement = (select(User.username, User.full_name, User.job_title, User.department_id, Department.name)
                 .outerjoin(Department, Department.id == User.department_id)
                 .where(User.agency_id == actor.agency_id, User.active.is_(True)))
    if options.get("role"):
        statement = statement.where(User.role_rows.any(UserRole.role == options["role"]))
    if options.get("sameDepartment") and actor.department_id:
        statement = statement.where(User.department_id == actor.department_id)
    statement = statement.order_by(Department.id.is_(None), vietnamese(Department.name), vietnamese(User.full_name),
                                   User.id)
    no_department = _("Không thuộc phòng ban")
    return [Choice(username, f"{full_name} — {job_title}" if job_title else full_name,
                   group=department or no_department, unit=str(department_id or ""))
            for username, full_name, job_title, department_id, department in db.session.execute(statement)]
