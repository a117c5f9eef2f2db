"""Lưu hồ sơ offered where the handling ends: the confirmation of the task that completed a document.

The specialist's "Xử lý" form is not changed: the document reaches 06 only when the lead and every
supporting unit are done (the process's join), often after the lead's own step, so a dossier chosen in
that form could not be filed in the same transaction. The confirmation of whichever completion made the
document handled links to the filing page instead, which goes through filing.file_document like every
other channel.
"""
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.documents.models import Document
from app.extensions import db

from . import filing


def filing_offer(subject_id: str, actor) -> Markup | None:
    """A link to Lưu hồ sơ when the actor's step left the document handled, in no dossier yet, and the
    actor may file it into one of the agency's open dossiers."""
    if not str(subject_id).isdigit():
        return None
    document = db.session.get(Document, int(subject_id))
    if document is None or not (filing.is_handled(document) and filing.may_file(document, actor)):
        return None
    if filing.dossiers_of(document) or not filing.open_dossiers_for(document):
        return None
    link = url_for("dossiers.file_document", document_id=document.id)
    return Markup('{text} <a class="alert-link" href="{link}">{action}</a>').format(
        text=escape(_("Văn bản đã hoàn thành xử lý.")), link=link, action=escape(_("Lưu hồ sơ")))
