"""Converting again the files whose PDF/A copy failed when their dossier closed (a converter that was missing a
font, a timeout on a busy server, a file repaired since): `flask dossiers retry-pdfa`.

Like the closing (app.dossiers.closing): the files are converted with no transaction open, then one short
transaction fills in each row still without a copy (UPDATE … WHERE pdfa_sha256 IS NULL, so of two retries at
once one wins a row and the other's blob is removed) and records the attempt in the audit chain, one
`preservation_copies_retried` event per dossier with every file tried and its outcome. A file that fails
again keeps its row with the new reason. The original is never touched.
"""
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update

from app.audit.services import record
from app.extensions import db
from app.sqltypes import utcnow

from . import preservation
from .models import Dossier
from .preservation import PreservationCopy


@dataclass
class RetryReport:
    tried: int = 0
    converted: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (document file id, Vietnamese reason)


def failed_copies() -> list[tuple[int, int, str, int | None]]:
    """(row id, document file id, source SHA-256, dossier id) of the files that have no PDF/A copy yet."""
    return [tuple(row) for row in db.session.execute(
        select(PreservationCopy.id, PreservationCopy.document_file_id, PreservationCopy.source_sha256,
               PreservationCopy.dossier_id).where(PreservationCopy.pdfa_sha256.is_(None))
        .order_by(PreservationCopy.id))]


def retry_failed_copies(*, files_dir: Path, actor=None, workers: int | None = None) -> RetryReport:
    """A unit of work (command, job): convert the failed files again, then commit the outcome and its record.
    ConverterMissing when Ghostscript is not there (nothing changed)."""
    rows = failed_copies()
    db.session.rollback()  # no transaction stays open while Ghostscript works
    report = RetryReport(tried=len(rows))
    if not rows:
        return report
    converted = preservation.convert_files([sha256 for _id, _file, sha256, _dossier in rows], files_dir,
                                           workers=workers)
    by_source = {item.source_sha256: item for item in converted}
    kept = set()
    try:
        made_at = utcnow()
        outcomes: dict[int | None, list[dict]] = {}
        for row_id, file_id, sha256, dossier_id in rows:
            item = by_source[sha256]
            values = {"failure": item.failure, "converter": item.converter}
            if item.pdfa_sha256:
                values.update(pdfa_sha256=item.pdfa_sha256, pdfa_size=item.pdfa_size, made_at=made_at)
            won = db.session.execute(update(PreservationCopy).where(
                PreservationCopy.id == row_id, PreservationCopy.pdfa_sha256.is_(None)).values(**values)
                .execution_options(synchronize_session=False)).rowcount == 1
            if not won:
                continue
            if item.pdfa_sha256:
                report.converted += 1
                kept.add(sha256)
            else:
                report.failures.append((file_id, item.failure))
            outcomes.setdefault(dossier_id, []).append({"document_file_id": file_id, "source_sha256": sha256,
                                                        "pdfa_sha256": item.pdfa_sha256, "failure": item.failure})
        for dossier_id, files in outcomes.items():
            dossier = db.session.get(Dossier, dossier_id) if dossier_id is not None else None
            record("preservation_copies_retried", actor=actor,
                   subject=dossier if dossier is not None else None,
                   agency_id=dossier.agency_id if dossier is not None else None, preservation_copies=files)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        preservation.discard(converted, files_dir)
        raise
    # Blobs stored for rows another retry filled first: no row names them.
    preservation.discard([item for item in converted if item.source_sha256 not in kept], files_dir)
    return report
