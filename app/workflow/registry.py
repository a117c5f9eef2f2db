"""The process catalogue and the service-task operators, registered explicitly by name."""
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Flask, current_app


@dataclass(frozen=True)
class OperatorContext:
    """What a service-task operator may use: never Flask globals."""

    instance: Any
    task_data: dict
    actor: Any
    params: dict
    # What the operators of one engine run share, e.g. the case's document read once: the session keeps
    # only a weak hold on an unchanged object, so a second operator's lookup would read it again.
    kept: dict = field(default_factory=dict, compare=False, repr=False)

    def subject_id(self, subject_type: str) -> str | None:
        """The id of the case's subject when it is of this type: named by the instance, never by the task
        data (which is user input)."""
        instance = self.instance
        return instance.subject_id if instance is not None and instance.subject_type == subject_type else None


@dataclass(frozen=True)
class ProcessDefinition:
    process_id: str
    bpmn_file: str  # under bpmn/
    title: str
    starter_roles: tuple[str, ...]
    # The starter does the tasks of this lane (e.g. fills in the assignment they are starting).
    starter_lane: str | None = None
    # Task data field whose value names the case in lists (e.g. the work's title), once filled in.
    title_field: str | None = None
    operators: dict[str, Callable[[OperatorContext], Any]] = field(default_factory=dict)
    # Designers' test runs call no operator: each service task answers with its sample, computed from
    # the task data alone (what the scripts after it read), or with nothing.
    samples: dict[str, Callable[[dict], Any]] = field(default_factory=dict)
    # The data a test run starts with (what the process's real starter would put in).
    sample_start: dict = field(default_factory=dict)
    # Status codes (QCVN 102) that reach the external sender of the case's document when the process
    # reaches them: declared here once, shown in the designer, sent by the exchange (status_notices).
    status_milestones: tuple[str, ...] = ()
    # Whether, and from which waiting tasks, the person a task waits for may abandon the case.
    withdrawal: "Withdrawal | None" = None


@dataclass(frozen=True)
class Withdrawal:
    """Abandoning a case from one of its tasks (e.g. "Hủy dự thảo" while the draft waits for its author).

    `check(context)` runs under the instance lock before the case is cancelled: it refuses
    (OperatorRefused) what the domain forbids and marks the domain's side of the case.
    """
    tasks: tuple[str, ...]
    label: str  # the button, in the agency's words
    confirm: str  # what the confirmation dialog says will happen
    check: Callable[[OperatorContext], None]


@dataclass
class Catalogue:
    processes: dict[str, ProcessDefinition] = field(default_factory=dict)
    operators: dict[str, Callable[[OperatorContext], Any]] = field(default_factory=dict)

    def register(self, definition: ProcessDefinition) -> None:
        if definition.process_id in self.processes:
            raise ValueError(f"process registered twice: {definition.process_id}")
        clash = set(definition.operators) & set(self.operators)
        if clash:
            raise ValueError(f"operators registered twice: {sorted(clash)}")
        self.processes[definition.process_id] = definition
        self.operators.update(definition.operators)


def init_catalogue(app: Flask, definitions) -> None:
    catalogue = Catalogue()
    for definition in definitions:
        catalogue.register(definition)
    app.extensions["lienthong.catalogue"] = catalogue


def catalogue() -> Catalogue:
    return current_app.extensions["lienthong.catalogue"]


def process_titles() -> dict[str, str]:
    """Each catalogued process's title by id, for pages that name a case's process (never its raw id)."""
    return {pid: definition.title for pid, definition in catalogue().processes.items()}
