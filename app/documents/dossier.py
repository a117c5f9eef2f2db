"""The auditor's dossier of one document: a signed PDF report and a ZIP with the originals and the trail.

The report (print/dossier.html) gathers the metadata, the status trail, every recorded step of the
document's processes with actor and time, the signature verdicts judged now, and where its events
sit in the audit chain (their numbers, and the chain's head and last anchor at export). The
installation's key signs the report (PAdES, timestamped). The ZIP adds every file the document has
had (main, attachments, earlier revisions, by their SHA-256) and trail.json, the same facts for
machines. Exporting is itself audited.
"""
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from app.audit.canonical import canonical_json
from app.audit.models import AuditAnchor, AuditChainHead, AuditEvent, names_instances
from app.audit.services import HEAD_ID, record
from app.extensions import db
from app.filestore import path_for
from app.rendering.formats import format_iso_datetime
from app.rendering.jinja import environment_renderer
from app.rendering.pdf import render_pdf
from app.signing.installation import installation_credentials
from app.signing.pades import sign_pdf
from app.signing.timestamping import timestamper_from_config
from app.sqltypes import utcnow

from .models import Document, DocumentNote
from .verification import report_rows, verify_files
from .vocabulary import STATUS_LABELS, note_label, type_name


@dataclass
class Dossier:
    document: Document
    facts: dict  # JSON-friendly: what trail.json holds and the report prints


def _events(document: Document) -> list[AuditEvent]:
    """Events about the document itself (statuses, signatures checked, release…) and its process's events."""
    conditions = [(AuditEvent.subject_type == "document") & (AuditEvent.subject_id == str(document.id))]
    if document.instance_id:
        conditions.append((AuditEvent.subject_type == "process_instance")
                          & (AuditEvent.subject_id == str(document.instance_id)))
        conditions.append(names_instances([document.instance_id]))
    return list(db.session.scalars(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.seq)))


def _event_fact(event: AuditEvent) -> dict:
    return {"seq": event.seq, "type": event.event_type, "at": event.occurred_at.isoformat(),
            "actor": event.actor.full_name if event.actor else None,
            "on_behalf_of": event.on_behalf_of.full_name if event.on_behalf_of else None,
            "task": event.data.get("task_title") or event.data.get("task_spec"), "data": event.data,
            "hash": event.hash}


def build_dossier(document: Document, actor) -> Dossier:
    checked = verify_files(document, actor)
    events = _events(document)
    head = db.session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    anchor = db.session.scalars(select(AuditAnchor).order_by(AuditAnchor.seq.desc())).first()
    notes = db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document.id)
                               .order_by(DocumentNote.at, DocumentNote.id)).all()
    facts = {
        "document": {"id": document.id, "direction": document.direction, "type": type_name(document.doc_type),
                     "symbol": document.symbol, "subject": document.subject, "issuer": document.issuer_name,
                     "issuer_code": document.issuer_code, "document_date": document.document_date.isoformat(),
                     "agency": document.agency.name, "arrival_number": document.arrival_number,
                     "status": document.status_code, "urgency": document.urgency, "secrecy": document.secrecy},
        "status_trail": [{"code": s.code, "label": str(STATUS_LABELS.get(s.code, s.code)), "at": s.at.isoformat(),
                          "actor": s.actor.full_name if s.actor else None, "note": s.note} for s in document.statuses],
        "notes": [{"kind": note_label(n.kind), "at": n.at.isoformat(), "author": n.author.full_name if n.author else None,
                   "text": n.text} for n in notes],
        "events": [_event_fact(e) for e in events],
        "signatures": report_rows(checked),
        "files": [{"role": f.role, "name": f.name, "sha256": f.sha256, "size": f.size} for f in document.files],
        "chain": {"first_event": events[0].seq if events else None, "last_event": events[-1].seq if events else None,
                  "head": head.seq if head else 0, "head_hash": head.hash if head else None,
                  "last_anchor": anchor.seq if anchor else None},
        "exported_at": utcnow().isoformat(),
        "exported_by": actor.full_name,
    }
    return Dossier(document, facts)


def dossier_pdf(dossier: Dossier) -> bytes:
    """The report, signed by the installation (invisible PAdES, timestamped)."""
    config = current_app.config
    html = environment_renderer()("print/dossier.html", facts=dossier.facts, when=format_iso_datetime)
    return sign_pdf(render_pdf(html), installation_credentials(config), field_name="XacNhanHeThong",
                    reason="Hồ sơ kiểm toán do hệ thống Liên Thông xuất", timestamper=timestamper_from_config(config))


def dossier_zip(dossier: Dossier, actor) -> bytes:
    files_dir = Path(current_app.config["FILES_DIR"])
    report = dossier_pdf(dossier)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bao-cao-ho-so.pdf", report)
        archive.writestr("trail.json", json.dumps(dossier.facts, ensure_ascii=False, indent=2, default=str))
        for file in dossier.document.files:
            archive.writestr(f"tep/{file.role}-{file.sha256[:12]}-{file.name}", path_for(files_dir, file.sha256).read_bytes())
    record("dossier_exported", actor=actor, subject=("document", str(dossier.document.id)),
           agency_id=dossier.document.agency_id, report_sha256=_sha256(report),
           trail_sha256=_sha256(canonical_json(dossier.facts).encode()))
    return out.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
