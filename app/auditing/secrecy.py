"""Which recorded events are about a subject the reader may not see (their data is left out of exports).

An event names its subject directly (a document) or through its case (an instance's own events and
those of its tasks carry the instance id); the case's subject decides, by the one secrecy rule.
"""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.workflow.case_secrecy import hidden_subjects
from app.workflow.models import ProcessInstance


def _instance_of(event: AuditEvent) -> int | None:
    if event.subject_type == "process_instance" and (event.subject_id or "").isdigit():
        return int(event.subject_id)
    instance_id = event.data.get("instance_id") if isinstance(event.data, dict) else None
    return instance_id if isinstance(instance_id, int) else None


def events_about_hidden_subjects(actor, events: list[AuditEvent]) -> set[int]:
    """Sequence numbers of the events whose subject (or whose case's subject) the actor may not see."""
    instance_ids = {i for i in map(_instance_of, events) if i is not None}
    case_subjects = {}
    for chunk_start in range(0, len(instance_ids), 5000):  # bound the IN list
        chunk = sorted(instance_ids)[chunk_start:chunk_start + 5000]
        case_subjects.update({row.id: (row.subject_type, row.subject_id) for row in db.session.execute(
            select(ProcessInstance.id, ProcessInstance.subject_type, ProcessInstance.subject_id)
            .where(ProcessInstance.id.in_(chunk)))})

    def subjects(event):
        yield event.subject_type, event.subject_id
        instance_id = _instance_of(event)
        if instance_id in case_subjects:
            yield case_subjects[instance_id]

    hidden = hidden_subjects(actor, (s for e in events for s in subjects(e)))
    return {e.seq for e in events if any(s in hidden for s in subjects(e))}
