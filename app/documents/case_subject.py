"""The document a process case is about: named by its instance, in the instance's own agency.

Operators and signing steps find their document here, never through task data: a completion's
answer is user input and once named another agency's document.
"""
from flask_babel import gettext as _

from app.extensions import db

from .models import Document

SUBJECT_TYPE = "document"


class NoCaseDocument(LookupError):
    """The case names no document of its agency."""


def case_document(instance, subject_id: str | None = None) -> Document:
    """The instance's document; `subject_id` (from OperatorContext.subject_id) spares re-reading the instance."""
    if subject_id is None:
        subject_id = instance.subject_id if instance.subject_type == SUBJECT_TYPE else None
    document = db.session.get(Document, int(subject_id)) if subject_id and str(subject_id).isdigit() else None
    if document is None or document.agency_id != instance.agency_id:
        raise NoCaseDocument(_("Không tìm thấy văn bản của hồ sơ."))
    return document


def operator_document(context) -> Document:
    """The case's document for a service-task operator (an OperatorContext): read once per engine run,
    however many operators of the run ask for it."""
    key = (SUBJECT_TYPE, context.instance.subject_id)
    document = context.kept.get(key)
    if document is None or document not in db.session:  # a session closed since (a job's next transaction)
        document = context.kept[key] = case_document(context.instance)
    return document
