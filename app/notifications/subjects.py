"""What a notice may say about its document: one rule for the centre, the home page and the email digest.

The subject comes only through the document access rule, and a secret document's subject is never
shown by a notice (a list is not an audited opening; the document page is). Where a subject is
withheld, the digest also leaves out the notice's note: a leader's đôn đốc message may quote it, and
email leaves the installation.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.documents.access import visible_documents
from app.documents.models import Document
from app.extensions import db


@dataclass(frozen=True)
class NoticeSubject:
    text: str  # the subject, or a neutral label in its place
    withheld: bool  # the reader does not get the subject


NO_DOCUMENT = NoticeSubject("", False)


def notice_subjects(reader, document_ids) -> dict[int, NoticeSubject]:
    """Each document's NoticeSubject for `reader`, in one query."""
    wanted = {document_id for document_id in document_ids if document_id is not None}
    readable = {row.id: row for row in db.session.execute(visible_documents(
        reader, select(Document.id, Document.subject, Document.secrecy).where(Document.id.in_(wanted))))
    } if wanted else {}
    subjects = {}
    for document_id in wanted:
        row = readable.get(document_id)
        if row is None:
            subjects[document_id] = NoticeSubject(_("Văn bản"), True)
        elif row.secrecy > 0:
            subjects[document_id] = NoticeSubject(_("Văn bản mật"), True)
        else:
            subjects[document_id] = NoticeSubject(row.subject, False)
    return subjects
