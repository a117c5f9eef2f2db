"""Who is told of a document's events: the statuses recipients report on our outgoing documents, and a
recall asked of a copy we received. Each is called from the one place the event happens, inside its
transaction (notify() never fails it)."""
from flask import Flask
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.directory.models import Agency
from app.documents.models import (
    ACCEPTED,
    COMPLETED,
    RECALL_AGREED,
    RECALL_REFUSED,
    REFUSED,
    Document,
    StatusChange,
)
from app.documents.outgoing.models import OutgoingDraft
from app.extensions import db

from .models import RECALL_REQUESTED, STATUS_RECEIVED
from .services import notify_people, task_people

# The statuses a drafter acts on: refused, accepted, completed, and the answers to a recall. The
# intermediate 01/04/05 of every recipient would bury them.
TOLD_CODES = frozenset({REFUSED, ACCEPTED, COMPLETED, RECALL_AGREED, RECALL_REFUSED})


def outgoing_people(document_id: int) -> set[int]:
    """The outgoing document's drafter and the clerk who released it."""
    drafter = db.session.scalar(select(OutgoingDraft.drafter_id).where(OutgoingDraft.document_id == document_id))
    releaser = db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.subject_type == "document", AuditEvent.subject_id == str(document_id),
        AuditEvent.event_type == "document_released").order_by(AuditEvent.seq.desc()).limit(1))
    return {drafter, releaser} - {None}


def tell_status_received(document_id: int, code: str, recipient_name: str, *, dedupe_key: str) -> None:
    """A recipient reported `code` on our outgoing document: its drafter and releasing clerk hear of it."""
    if code not in TOLD_CODES:
        return
    notify_people(outgoing_people(document_id), STATUS_RECEIVED, document_id=document_id,
                  note=f"{code} {recipient_name}", dedupe_key=dedupe_key)


def internal_status_listener(document: Document, change: StatusChange, *, actor) -> None:
    """documents.status listener: a copy delivered inside the installation reports to its source."""
    if document.source_document_id is None or change.code not in TOLD_CODES:
        return
    agency = db.session.get(Agency, document.agency_id)
    tell_status_received(document.source_document_id, change.code, agency.name if agency else "",
                         dedupe_key=f"status:{change.id}")


def tell_recall_requested(delivered: Document, instance_id: int, *, actor) -> None:
    """The recipient's people the recall decision waits for hear that the sender asks it back."""
    notify_people(task_people(instance_id), RECALL_REQUESTED, document_id=delivered.id, actor=actor,
                  dedupe_key=f"recall:{instance_id}")


def init_notifications(app: Flask) -> None:
    from app.documents.status import add_status_listener

    add_status_listener(app, internal_status_listener)
