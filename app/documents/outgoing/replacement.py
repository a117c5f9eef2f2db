"""Thay thế: a replacement starts as a new draft carrying the old document's content, linked to it."""
from .models import OutgoingDraft


def replacement_data(draft: OutgoingDraft) -> dict:
    """The drafting form's data of `draft`, naming it as the document replaced (see drafting._link_replaced)."""
    document = draft.document
    internal = [r.code for r in draft.recipients if r.agency_id is not None]
    external = "\n".join(f"{r.code} - {r.name}" for r in draft.recipients if r.agency_id is None)
    return {
        "doc_type": document.doc_type, "subject": document.subject, "body": draft.body, "recipients": internal,
        "external_recipients": external, "extra_recipient_lines": "\n".join(draft.extra_recipient_lines),
        "signer": draft.signer.username if draft.signer else None, "authority": draft.authority,
        "authority_of": draft.authority_of, "urgency": document.urgency, "secrecy": document.secrecy,
        "replaces_document_id": document.id,
    }
