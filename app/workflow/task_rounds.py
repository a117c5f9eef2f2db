"""Earlier rounds of a repeated step (a loop back in the diagram): shown read-only above its form, never
offered again as the new answer.

Task data is merged from step to step, so a step that runs again would find its own last answer in the
data and the form would offer it: a refused extension request with a date now past, last week's progress
note. One click would record it twice. An earlier round is an ancestor of the current task in the engine's
task tree with the same step: parallel branches (each supporting unit's contribution) are not rounds of
each other. A form that means to be revised rather than answered again (a returned draft) says so with
"x-keepPreviousAnswer": true on the schema or on a field.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from SpiffWorkflow.util.task import TaskState

from .forms import TaskForm, walk_views

KEEP = "x-keepPreviousAnswer"


def earlier_round_ids(task) -> list[str]:
    """Ids of the completed earlier runs of this task's step on its own path, oldest first."""
    ids, ancestor = [], task.parent
    while ancestor is not None:
        if ancestor.task_spec.name == task.task_spec.name and ancestor.has_state(TaskState.COMPLETED):
            ids.append(str(ancestor.id))
        ancestor = ancestor.parent
    return ids[::-1]


def form_values(form: TaskForm | None, data: dict, rounds: list) -> dict:
    """The data the form starts from: what an earlier round of this step answered starts clean."""
    if form is None or not rounds or form.schema.get(KEEP) is True:
        return data
    answered = {name for event in rounds for name in (event.data.get("data") or {})}
    properties = form.schema.get("properties", {})
    cleared = {name for name in answered & set(properties)
               if properties[name].get(KEEP) is not True
               and (form.ui_schema.get(name) or {}).get("ui:widget") != "hidden"}  # carried, not answered
    return {name: value for name, value in data.items() if name not in cleared}


@dataclass(frozen=True)
class Round:
    """One earlier answer as people read it: who, when, and each answered field's label and text."""
    event: object
    lines: list[tuple[str, str]]


def answer_lines(form: TaskForm, answer: dict, choices: dict) -> list[tuple[str, str]]:
    """(label, text) of each answered field in form order; choices by their label, dates as dd/mm/yyyy."""
    lines = []
    for view in walk_views(form.fields(answer, {}, choices)):
        if view.widget in ("group", "hidden") or view.value in (None, "", []):
            continue
        if view.widget == "file":
            text = view.value.get("name", "") if isinstance(view.value, dict) else ""
        elif view.widget == "checkbox":
            text = _("Có") if view.value else _("Không")
        elif view.options:
            labels = dict(view.options)
            text = ", ".join(labels.get(v, v) for v in view.value_texts)
        else:
            text = view.display
        if text:
            lines.append((view.label, text))
    return lines


def earlier_rounds(form: TaskForm | None, rounds: list, choices: dict) -> list[Round]:
    if form is None:
        return []
    return [Round(event, answer_lines(form, event.data.get("data") or {}, choices)) for event in rounds]
