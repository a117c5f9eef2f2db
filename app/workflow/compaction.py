"""Compacting an ended case's process history: its engine state replaced by a summary, anchor-checked.

The bulk of an ended case is its engine state (state_json): every task of the tree with its own copy of
the case's data, kept so the case can go on and replay can compare against it. Once a case has ended and
its documents are archived (app.dossiers.compaction decides which), that state is replaced by a summary:
the final state as replay compares it — every task's step, state and data digest, the ready steps,
whether it ended, the digest of the case's data — and who did which step when (each recorded step's
number, time, actor, step and digests, and its event's hash). The audit chain is never touched: every
submitted input stays in it, so replay still runs the case from the record.

The chain's `history_compacted` event carries the SHA-256 of the canonical JSON of the state that was
replaced, the SHA-256 of the summary's exact text and the counts; the event is hashed into the chain and
signed by the next anchor, so a summary changed afterwards no longer matches the digest replay checks.
"""
import hashlib
import json

from flask_babel import gettext as _
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from app.audit.canonical import canonical_json
from app.audit.services import record
from app.directory.models import User
from app.extensions import db
from app.sqltypes import utcnow

from .history import instance_events
from .models import ProcessInstance
from .runtime import task_data_digest

COMPACTED_EVENT = "history_compacted"
SUMMARY_KIND = "history_summary"
ENDED = ("completed", "cancelled")
# The recorded steps the summary names (who did what when); the chain keeps them all in full anyway.
STEP_EVENTS = ("instance_started", "task_completed", "timer_fired", "case_values_changed", "instance_cancelled",
               "service_task_completed", "message_delivered")


class SummaryMismatch(Exception):
    """A compacted case's summary that does not match what the chain recorded about it (Vietnamese)."""

    def __init__(self, seq: int | None, problem: str):
        super().__init__(problem)
        self.seq, self.problem = seq, problem


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def ready_tasks(workflow) -> list:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def final_state(workflow) -> dict:
    """What replay compares a case's end against, JSON-friendly: task ids and times differ between runs,
    so each task is its (step, state, data digest), subprocesses included."""
    return {"completed": workflow.is_completed(),
            "ready": sorted([t.task_spec.name, task_data_digest(t.data)] for t in ready_tasks(workflow)),
            "tasks": sorted([t.task_spec.name, int(t.state), task_data_digest(t.data)] for t in workflow.get_tasks()),
            "data_sha256": task_data_digest(workflow.data)}


def _step(event, usernames: dict) -> list:
    return [event.seq, event.event_type, event.occurred_at.isoformat(), usernames.get(event.actor_id),
            usernames.get(event.on_behalf_of_id), event.data.get("task_spec"), event.data.get("task_data_sha256"),
            event.hash]


def summarise(instance: ProcessInstance, workflow, events) -> tuple[str, dict]:
    """The summary's canonical text, and the facts the chain records about the compaction."""
    state_text = canonical_json(json.loads(instance.state_json))
    stepped = [e for e in events if e.event_type in STEP_EVENTS]
    people = {e.actor_id for e in stepped} | {e.on_behalf_of_id for e in stepped}
    usernames = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(people - {None}))).all())
    steps = [_step(e, usernames) for e in stepped]
    state = final_state(workflow)
    # Most tasks share their data (the tree copies it down): each digest is spelt once, tasks point to it.
    digests = sorted({digest for _name, _state, digest in state["tasks"]})
    numbers = {digest: number for number, digest in enumerate(digests)}
    summary = {"kind": SUMMARY_KIND, "instance_id": instance.id, "process_id": instance.process_id,
               "version_sha256": instance.version.content_sha256, "status": instance.status,
               "state_sha256": sha256_text(state_text), "state_bytes": len(state_text.encode()),
               "final_state": {**state, "task_digests": digests,
                               "tasks": [[name, task_state, numbers[digest]] for name, task_state, digest in state["tasks"]]},
               "step_fields": ["seq", "event_type", "at", "actor", "on_behalf_of", "task_spec", "task_data_sha256",
                               "event_hash"],
               "steps": steps}
    text = canonical_json(summary)
    facts = {"state_sha256": summary["state_sha256"], "state_bytes": summary["state_bytes"],
             "summary_sha256": sha256_text(text), "summary_bytes": len(text.encode()),
             "tasks": len(state["tasks"]), "steps": len(steps), "status": instance.status}
    return text, facts


def compact_instance(instance: ProcessInstance, workflow, *, actor=None) -> dict | None:
    """Replace the ended instance's state (`workflow`, loaded from it) by its summary and record it; the
    facts recorded, or None when it had been compacted meanwhile or is not ended. Flushes."""
    events = instance_events(instance.id)
    text, facts = summarise(instance, workflow, events)
    instance_id, agency_id = instance.id, instance.agency_id
    # Of two compactions at once (the job and the command) one wins; the other records nothing.
    won = db.session.execute(update(ProcessInstance).where(
        ProcessInstance.id == instance.id, ProcessInstance.history_compacted_at.is_(None),
        ProcessInstance.status.in_(ENDED)).values(state_json=text, history_compacted_at=utcnow())
        .execution_options(synchronize_session=False))
    if won.rowcount != 1:
        return None
    db.session.expire(instance)
    record(COMPACTED_EVENT, actor=actor, subject=("process_instance", instance_id), agency_id=agency_id,
           instance_id=instance_id, **facts)
    return facts


def compacted_final_state(instance: ProcessInstance, events) -> tuple[int, dict]:
    """A compacted case's summary checked against the chain: (the history_compacted event's number, the
    final state it keeps); SummaryMismatch when the summary is not the one the chain recorded."""
    recorded = [e for e in events if e.event_type == COMPACTED_EVENT]
    if not recorded:
        raise SummaryMismatch(None, _("Lịch sử xử lý của hồ sơ đã được thu gọn nhưng nhật ký không có sự kiện thu "
                                      "gọn (history_compacted) ghi mã băm của bản tóm tắt."))
    event = recorded[-1]
    text = instance.state_json
    if sha256_text(text) != event.data.get("summary_sha256"):
        raise SummaryMismatch(event.seq, _("Bản tóm tắt lịch sử xử lý (đã thu gọn) khác bản có mã băm ghi trong "
                                           "nhật ký ở sự kiện số %(seq)s: bản tóm tắt đã bị sửa.", seq=event.seq))
    summary = json.loads(text)
    hashes = {e.seq: e.hash for e in events}
    if summary.get("instance_id") != instance.id or any(
            hashes.get(step[0]) != step[-1] for step in summary.get("steps") or []):
        raise SummaryMismatch(event.seq, _("Bản tóm tắt lịch sử xử lý không khớp các sự kiện của hồ sơ trong nhật "
                                           "ký."))
    kept = summary["final_state"]
    digests = kept["task_digests"]
    return event.seq, {**kept, "tasks": [[name, task_state, digests[number]] for name, task_state, number in kept["tasks"]]}
