"""One door for every package that comes in (files, the clerk's upload, the API, the axis inbox).

A document package becomes incoming documents (importing), and their arrival (01) is told to the sender;
a status package lands on our outgoing document's recipient timeline (status_receipt).
"""
from dataclasses import dataclass

from flask import current_app

from app.documents.models import Document
from app.extensions import db

from .edxml import StatusPackage, parse_any
from .importing import MB, Imported, import_package
from .status_notices import send_status_notices
from .status_receipt import apply_status


@dataclass
class Received(Imported):
    """What a package did: the documents it made, or for a status package the outgoing document it updated."""

    status_code: str | None = None  # set for a status package


def receive_any(data: bytes, *, actor, to_code: str | None = None) -> Received:
    """Route the package by its kind; raise PackageRefused with Vietnamese reasons; flush, never commit."""
    parsed = parse_any(data, max_bytes=current_app.config["EXCHANGE_MAX_PACKAGE_MB"] * MB)
    if isinstance(parsed.package, StatusPackage):
        warnings = list(parsed.warnings)
        document_id = apply_status(parsed, data, actor=actor, warnings=warnings)
        return Received([document_id], warnings, status_code=parsed.package.status_code)
    imported = import_package(data, actor=actor, to_code=to_code, parsed=parsed)
    for document_id in imported.document_ids:
        send_status_notices(db.session.get(Document, document_id), actor=actor)
    return Received(imported.document_ids, imported.warnings)
