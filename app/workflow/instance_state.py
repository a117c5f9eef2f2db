"""An instance's engine state: loaded from its row with the version's cached spec, and stored again
together with its inbox and timer index, in the caller's transaction."""
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import String, all_, bindparam, delete, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm.attributes import set_committed_value

from app.database import pipelined_writes
from app.directory.models import User
from app.extensions import db
from app.sqltypes import utcnow

from .engine import SERIALIZER_VERSION, STORAGE_FORMAT, specs_from_json, state_to_json, workflow_from_state
from .engine_loop import ready_tasks
from .errors import WorkflowError
from .inbox import inbox_change, ready_manual_tasks, write_inbox
from .models import HumanTask, ProcessInstance, ProcessVersion, Timer
from .scripting_runtime import script_engine_for
from .timers import pending_timers, timer_change, write_timers

_SPECS: dict[tuple[int, str], tuple] = {}


def version_specs(version: ProcessVersion):
    key = (version.id, version.content_sha256)
    if key not in _SPECS:
        _SPECS[key] = specs_from_json(version.spec_json)
    return _SPECS[key]


_FORMS: dict[tuple[int, str], dict] = {}


def version_forms(version: ProcessVersion) -> dict:
    """The version's form files (name -> text), cached like its specs: reading the column would load the
    version's deferred BPMN and spec JSON with it on every completion."""
    key = (version.id, version.content_sha256)
    if key not in _FORMS:
        _FORMS[key] = dict(version.forms or {})
    return _FORMS[key]


def load_workflow(instance: ProcessInstance, actor: User | None):
    if instance.history_compacted_at is not None:  # state_json holds its summary (app.workflow.compaction)
        raise WorkflowError(_("Lịch sử xử lý của hồ sơ đã được thu gọn khi nộp lưu: trạng thái chi tiết không "
                              "còn, chỉ còn bản tóm tắt và nhật ký kiểm toán."))
    spec, subprocess_specs = version_specs(instance.version)
    # The version's spec JSON (large) is read only to migrate a state saved by an older serializer.
    spec_json = instance.version.spec_json if instance.serializer_version != SERIALIZER_VERSION else None
    return workflow_from_state(instance.state_json, instance.serializer_version, spec, subprocess_specs,
                               spec_json, script_engine_for(instance, actor))


@dataclass(frozen=True)
class IndexedState:
    """What the inbox and timer index hold for a state, read off the engine as the state is loaded.

    Every change of a state rewrites its index in the same transaction (here, in `saved`), so the
    ready tasks and pending timers of the loaded state are the index rows: saving compares the
    engine before and after, and reads no index rows back.
    """

    tasks: frozenset[str]
    timers: dict

    @classmethod
    def of(cls, workflow) -> "IndexedState":
        ready = ready_tasks(workflow)
        return cls(frozenset(ready_manual_tasks(workflow, ready)), pending_timers(workflow, ready))


NOTHING_INDEXED = IndexedState(frozenset(), {})


def load_indexed(instance: ProcessInstance, actor: User | None):
    """The instance's workflow and what its index holds."""
    workflow = load_workflow(instance, actor)
    return workflow, IndexedState.of(workflow)


# The instance's columns a step may change besides its state (the case's title, the subject it names).
_CARRIED = ("title", "subject_type", "subject_id")


@contextmanager
def saved(instance: ProcessInstance, workflow, indexed: IndexedState, *, actor: User | None,
          bump: bool = True, status: str = ""):
    """Store the state and rewrite the inbox and timer index; the block's own writes (its audit events)
    join them. `bump` moves lock_version in the same UPDATE (the instance is locked, so the value read at
    lock time is the stored one); `status` ends the instance otherwise than by completing, or marks it
    failed ("error") or repaired ("running").

    Nothing is read back: the inbox change is worked out from the engine, and the database resolves the
    people given new tasks inside the writes. The writes go pipelined on PostgreSQL, the index first,
    so the database works on it while the state is serialised. The instance row is written by a table
    UPDATE, not the ORM's flush, and the object is told the stored values, so it reads them and nothing
    is written twice; its other pending changes (a new title, the subject a step named) go in the same
    UPDATE, taken out of the flush that opens the pipelined block. (Writing the index before the
    instance row takes no new lock order: the instance row is locked already.)
    """
    ready = ready_tasks(workflow)
    inbox = inbox_change(instance, workflow, indexed=indexed.tasks, ready=ready)
    timers = timer_change(instance, workflow, indexed=indexed.timers, ready=ready)
    carried = {key: getattr(instance, key) for key in _CARRIED}
    for key, value in carried.items():
        set_committed_value(instance, key, value)  # written by the UPDATE below, not flushed on its own
    # On PostgreSQL the index rows that go are deleted by the instance UPDATE itself (one statement).
    merged = db.session.get_bind().dialect.name == "postgresql"
    with pipelined_writes():
        write_inbox(inbox, actor_id=actor.id if actor is not None else None, drop=not merged)
        write_timers(timers, drop=not merged)
        now = utcnow()
        values = {"state_json": state_to_json(workflow), "serializer_version": SERIALIZER_VERSION,
                  "state_format": STORAGE_FORMAT, "updated_at": now, "lock_version": instance.lock_version + (1 if bump else 0), **carried}
        # "error" keeps the case open (an incident waits); "running" puts a repaired case back, unless the
        # repair ran it to its end.
        final = "completed" if workflow.is_completed() and status in ("", "running") else status
        if final:
            values.update(status=final, completed_at=None if final in ("running", "error") else now)
        drops = (inbox.drop, timers.drop) if merged else (False, False)
        db.session.execute(_instance_update(tuple(values), *drops),
                           {"instance_id": instance.id, "tasks_kept": inbox.remaining,
                            "timers_kept": timers.remaining, **values})
        for key, value in values.items():
            set_committed_value(instance, key, value)
        yield


_INSTANCES, _TASKS, _TIMERS = ProcessInstance.__table__, HumanTask.__table__, Timer.__table__


def _drop_rows_not_kept(table, kept: str):
    """PostgreSQL: a DELETE of the instance's rows of `table` but the `kept` task ids (a text array: one
    statement text whatever their number), as a CTE of the instance UPDATE. The CTE runs after the
    block's earlier statements, so it sees the rows they inserted: `kept` names them too."""
    kept_ids = bindparam(kept, type_=ARRAY(String))
    return (delete(table).where(table.c.instance_id == bindparam("instance_id"), table.c.task_uuid != all_(kept_ids))
            .cte(f"dropped_{table.name}"))


@cache
def _instance_update(columns: tuple[str, ...], drop_tasks: bool = False, drop_timers: bool = False):
    """The instance UPDATE of these columns, built once per set of columns and index deletes it carries."""
    statement = (update(_INSTANCES).where(_INSTANCES.c.id == bindparam("instance_id"))
                 .values(**{column: bindparam(column) for column in columns}))
    ctes = [_drop_rows_not_kept(_TASKS, "tasks_kept")] if drop_tasks else []
    ctes += [_drop_rows_not_kept(_TIMERS, "timers_kept")] if drop_timers else []
    return statement.add_cte(*ctes) if ctes else statement
