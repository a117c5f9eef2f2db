"""Which cases' process history is compacted (app.workflow.compaction does it): archived cases only.

A case qualifies when it has ended (completed or cancelled), is not compacted yet, and every document it
is about — its subject, and any document naming it as its case — is filed, and every dossier holding such
a document is closed, handed over (packaged: the signed Biên bản giao nhận) and not under legal hold.
Nothing qualifies by age or on its own: only the command (`flask dossiers compact-history`) or the daily
job runs this, and both only touch what this rule selects.
"""
import logging
from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, exists, func, or_, select, union_all

from app.documents.case_subject import SUBJECT_TYPE
from app.documents.models import Document
from app.extensions import db
from app.workflow.compaction import ENDED, compact_instance
from app.workflow.instance_state import load_workflow
from app.workflow.models import ProcessInstance

from .models import CLOSED, Dossier, DossierDocument

log = logging.getLogger(__name__)
BATCH = 200  # instances a transaction: a job or command that stops halfway keeps what it finished


@dataclass
class CompactionReport:
    instances: list[int] = field(default_factory=list)
    state_bytes: int = 0  # the engine states replaced (JSON text)
    summary_bytes: int = 0  # their summaries
    stored_before: int = 0  # the column as stored (compressed), before and after
    stored_after: int = 0
    skipped: list[int] = field(default_factory=list)  # ended cases whose state does not load: left as they are


def _case_documents():
    """(instance id, document id): each case's subject document, and documents naming a case as theirs."""
    by_subject = (select(ProcessInstance.id.label("instance_id"), Document.id.label("document_id"))
                  .join(Document, and_(ProcessInstance.subject_type == SUBJECT_TYPE,
                                       ProcessInstance.subject_id == cast(Document.id, String))))
    by_document = select(Document.instance_id, Document.id).where(Document.instance_id.is_not(None))
    return union_all(by_subject, by_document).subquery()


def _not_archived():
    """Documents filed nowhere, or in a dossier still open, not handed over, or under legal hold."""
    filed = exists().where(DossierDocument.document_id == Document.id)
    held = exists().where(DossierDocument.document_id == Document.id, Dossier.id == DossierDocument.dossier_id,
                          or_(Dossier.status != CLOSED, Dossier.handed_over_at.is_(None), Dossier.legal_hold.is_(True)))
    return select(Document.id).where(or_(~filed, held))


def compactable_instances(limit: int | None = None, *, among: list[int] | None = None) -> list[int]:
    """Ids of the ended, archived cases whose history is not compacted yet, oldest first (of `among`)."""
    links = _case_documents()
    statement = (select(ProcessInstance.id).where(
        ProcessInstance.status.in_(ENDED), ProcessInstance.history_compacted_at.is_(None),
        ProcessInstance.id.in_(select(links.c.instance_id)),
        ProcessInstance.id.not_in(select(links.c.instance_id).where(links.c.document_id.in_(_not_archived()))))
        .order_by(ProcessInstance.id))
    if among is not None:
        statement = statement.where(ProcessInstance.id.in_(among))
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.scalars(statement))


def stored_length(instance_ids: list[int]) -> int:
    # length() of the column as stored: the compressed text, not what the ORM type decompresses.
    return int(db.session.scalar(select(func.coalesce(func.sum(func.length(ProcessInstance.state_json)), 0))
                                 .where(ProcessInstance.id.in_(instance_ids))) or 0)


def compact_batch(instance_ids: list[int], *, actor=None) -> CompactionReport:
    """Compact these instances (each checked again under the rule); flushes, the caller commits."""
    report = CompactionReport()
    chosen = compactable_instances(among=instance_ids) if instance_ids else []
    if not chosen:
        return report
    report.stored_before = stored_length(chosen)
    for instance_id in chosen:
        instance = db.session.get(ProcessInstance, instance_id)
        try:
            workflow = load_workflow(instance, None)
        except Exception:  # noqa: BLE001 — e.g. a case cancelled from its incident without its state
            log.warning("State of instance %s cannot be loaded; its history is not compacted", instance_id,
                        exc_info=True)
            report.skipped.append(instance_id)
            continue
        facts = compact_instance(instance, workflow, actor=actor)
        if facts is not None:
            report.instances.append(instance_id)
            report.state_bytes += facts["state_bytes"]
            report.summary_bytes += facts["summary_bytes"]
    report.stored_after = stored_length(chosen)
    return report


def compact_archived_history(*, actor=None, limit: int | None = None, commit=None) -> CompactionReport:
    """Compact every qualifying case in batches, calling `commit` after each (a boundary's commit)."""
    total = CompactionReport()
    pending = compactable_instances(limit)
    for start in range(0, len(pending), BATCH):
        done = compact_batch(pending[start:start + BATCH], actor=actor)
        if commit is not None:
            commit()
        total.instances += done.instances
        total.skipped += done.skipped
        total.state_bytes += done.state_bytes
        total.summary_bytes += done.summary_bytes
        total.stored_before += done.stored_before
        total.stored_after += done.stored_after
    return total


def compact_archived_history_job() -> int:
    """The daily job: compact what qualifies, a transaction a batch; returns how many cases."""
    return len(compact_archived_history(commit=db.session.commit).instances)
