"""Failed PDF/A conversions are tried again by `flask dossiers retry-pdfa`: what converts now gets its copy
beside the original, what fails again keeps its row with the reason, each attempt is in the audit chain."""
from pathlib import Path

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.dossiers.closing import preservation_summary
from app.dossiers.models import Dossier
from app.dossiers.preservation import PreservationCopy
from app.filestore import path_for

from ..pdf_samples import minimal_pdf
from .test_closing import _blobs, _close, _filed


def test_retry_converts_what_failed_and_records_it(app, db, office, document, dossier, tmp_path, monkeypatch):
    broken = document(office.agency, pdf=b"%PDF-1.7\n1 0 obj <<hong\n%%EOF\n")
    slow = document(office.agency, pdf=minimal_pdf("Lan truoc qua gio"))
    target = dossier(office)
    _filed(app, office, target, broken, slow)
    _close(app, db, target, office.clerk)
    # what a conversion that timed out at closing leaves: the row with its reason, no copy
    row = db.session.scalar(select(PreservationCopy).where(PreservationCopy.document_file_id == slow.main_file.id))
    original_sha = row.source_sha256
    row.pdfa_sha256, row.pdfa_size, row.failure = None, None, "Chuyển đổi quá 120 giây, đã dừng."
    db.session.commit()
    runner = app.test_cli_runner()

    monkeypatch.setenv("PATH", str(tmp_path))  # no Ghostscript: refused, nothing changed
    missing = runner.invoke(args=["dossiers", "retry-pdfa"])
    assert missing.exit_code == 1 and "Ghostscript" in missing.output
    monkeypatch.undo()

    done = runner.invoke(args=["dossiers", "retry-pdfa"])
    assert done.exit_code == 0, done.output
    assert "Đã thử chuyển lại 2 tệp: 1 tệp đã có bản PDF/A, 1 tệp vẫn chưa chuyển được." in done.output
    db.session.expire_all()
    row = db.session.scalar(select(PreservationCopy).where(PreservationCopy.document_file_id == slow.main_file.id))
    assert row.failure is None and row.pdfa_sha256 and row.source_sha256 == original_sha
    assert path_for(Path(app.config["FILES_DIR"]), row.pdfa_sha256).is_file()
    assert slow.main_file.sha256 == original_sha  # the original is untouched
    still = db.session.scalar(select(PreservationCopy).where(PreservationCopy.document_file_id == broken.main_file.id))
    assert still.pdfa_sha256 is None and "hỏng" in still.failure
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "preservation_copies_retried")).all()
    assert event.subject_type == "dossier" and event.subject_id == str(target.id)
    assert {item["document_file_id"]: bool(item["pdfa_sha256"]) for item in event.data["preservation_copies"]} == {
        slow.main_file.id: True, broken.main_file.id: False}
    with app.test_request_context():
        summary = preservation_summary(db.session.get(Dossier, target.id))
    assert summary["copies"] == 1 and len(summary["failures"]) == 1

    blobs = _blobs(app)
    again = runner.invoke(args=["dossiers", "retry-pdfa"])
    assert "Đã thử chuyển lại 1 tệp: 0 tệp" in again.output and _blobs(app) == blobs
