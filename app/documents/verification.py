"""Checking a document's signatures again, on demand: against today's trust roots and CRLs.

The verdicts kept on the document are those of when it arrived or was signed; this answers "is it
still valid now" (a certificate revoked since shows up here) without changing what was recorded.
"""
from pathlib import Path

from flask import current_app

from app.audit.services import record
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures

from .models import Document
from .storage import path_for


def verify_signatures(document: Document, actor) -> list[dict]:
    """Validate every signature of the main file now; audited (who checked, and the verdicts)."""
    main = document.main_file
    if main is None:
        return []
    config = current_app.config
    pdf = path_for(Path(config["FILES_DIR"]), main.sha256).read_bytes()
    verdicts = [v.as_data() for v in validate_pdf_signatures(
        pdf, trust_roots=trust_roots_from_config(config), crls=crls_from_config(config))]
    record("signatures_verified", actor=actor, subject=("document", str(document.id)), agency_id=document.agency_id,
           file_sha256=main.sha256, verdicts=[(v["field_name"], v["verdict"]) for v in verdicts])
    return verdicts
