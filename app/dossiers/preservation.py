"""Preservation copies: a PDF/A-2b rendition of each file of a closed dossier, kept BESIDE the original.

The signed original is never replaced or rewritten: it stays the record (its signature keeps validating),
and the copy is a second blob in the content-addressed store linked by `PreservationCopy`. One copy per
stored file row, made once: a document filed in two dossiers is converted at the first closing.

Converter: Ghostscript's pdfwrite (Debian package `ghostscript`) with -dPDFA=2 and
-dPDFACompatibilityPolicy=1 (what cannot be PDF/A is dropped with a warning rather than failing the file),
colours to RGB and the sRGB profile as OutputIntent (pdfa_def.ps). It is the converter Debian ships,
embeds or substitutes every font, and runs as a subprocess, so a hostile file cannot take the web worker
down; each result is checked by `app.dossiers.pdfa` before it is kept.

A file that cannot be converted (encrypted, broken, a timeout) gets a row with the Vietnamese reason and
no copy: closing still proceeds and the original is what is preserved and exported. The original is the
record; the clerk cannot repair it without changing it, and refusing to close would keep the dossier open
to more filing — an archivist expects the dossier closed with the problem written into its record.
"""
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.filestore import discard_placed, keep_file, path_for
from app.sqltypes import UtcDateTime, utcnow

from .pdfa import check_pdfa

PRELUDE = Path(__file__).with_name("pdfa_def.ps")
ICC_CANDIDATES = ("/usr/share/color/icc/ghostscript/default_rgb.icc", "/usr/share/color/icc/ghostscript/srgb.icc")
TIMEOUT_SECONDS = 120  # one file; a scanned 300-page document takes a few seconds


class PreservationCopy(db.Model):
    """The PDF/A copy of one stored file of a document (or why there is none), made when a dossier closed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_file_id: Mapped[int] = mapped_column(ForeignKey("document_file.id"), unique=True)
    source_sha256: Mapped[str] = mapped_column(String(64))
    pdfa_sha256: Mapped[str | None] = mapped_column(String(64))  # None: not converted, see failure
    pdfa_size: Mapped[int | None] = mapped_column(Integer)
    converter: Mapped[str] = mapped_column(String(64))
    failure: Mapped[str | None] = mapped_column(Text)
    made_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)  # the closing that made it

    document_file = relationship("DocumentFile")


@dataclass
class Converted:
    """One source file's conversion, done outside any transaction; `placed` says whether we stored the blob."""

    source_sha256: str
    pdfa_sha256: str | None
    pdfa_size: int | None
    converter: str
    failure: str | None
    placed: bool = False


class ConverterMissing(RuntimeError):
    """Ghostscript is not installed: no file could be converted, so the closing is refused as a whole."""


def converter_name() -> str:
    gs = shutil.which("gs")
    if gs is None:
        raise ConverterMissing("Máy chủ chưa cài Ghostscript (gói ghostscript): chưa chuyển được sang PDF/A.")
    version = subprocess.run([gs, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    return f"Ghostscript {version} PDF/A-2b"


def _icc_profile() -> str:
    for candidate in ICC_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    raise ConverterMissing("Không tìm thấy hồ sơ màu sRGB của Ghostscript: chưa chuyển được sang PDF/A.")


def _page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _convert_one(source: Path, work_dir: Path, converter: str, icc: str) -> tuple[Path | None, str | None]:
    """Convert `source` into a new file under `work_dir`; (path, None) or (None, Vietnamese reason)."""
    try:
        pages = _page_count(source)
    except pikepdf.PasswordError:
        return None, "Tệp PDF được mã hóa (đặt mật khẩu), không chuyển được sang PDF/A."
    except (pikepdf.PdfError, OSError):
        pages = None
    if not pages:
        return None, "Tệp PDF hỏng hoặc không có trang nào, không chuyển được sang PDF/A."
    fd, output = tempfile.mkstemp(dir=work_dir, prefix=".pdfa-", suffix=".pdf")
    os.close(fd)
    command = ["gs", "-q", "-dPDFA=2", "-dPDFACompatibilityPolicy=1", "-dBATCH", "-dNOPAUSE", "-dNOOUTERSAVE",
               "-dSAFER", "-sDEVICE=pdfwrite", "-sColorConversionStrategy=RGB", f"-sICCProfile={icc}",
               f"--permit-file-read={icc}", f"-sOutputFile={output}", str(PRELUDE), str(source)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        os.unlink(output)
        return None, f"Chuyển đổi quá {TIMEOUT_SECONDS} giây, đã dừng."
    if done.returncode != 0 or os.path.getsize(output) == 0:
        os.unlink(output)
        return None, "Ghostscript không đọc được tệp PDF này (tệp hỏng hoặc không đúng định dạng)."
    report = check_pdfa(Path(output))
    if report.ok and _page_count(Path(output)) != pages:
        report.problems.append(f"Bản chuyển đổi không đủ {pages} trang như bản gốc.")
    if not report.ok:
        os.unlink(output)
        return None, "Bản chuyển đổi chưa đạt PDF/A: " + " ".join(report.problems)
    return Path(output), None


def convert_files(sources: list[str], files_dir: Path, *, workers: int | None = None) -> list[Converted]:
    """Convert the stored files named by SHA-256 (each once) and keep the copies in the store.

    Runs outside any database transaction: stored files are immutable, so nothing can change under it.
    The caller writes the rows, and calls `discard` with the result if its transaction fails.
    """
    files_dir = Path(files_dir)
    unique = sorted(set(sources))
    if not unique:
        return []
    converter, icc = converter_name(), _icc_profile()
    work_dir = files_dir / ".pdfa-work"
    work_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or max(1, os.cpu_count() or 1)

    def one(sha256: str) -> Converted:
        source = path_for(files_dir, sha256)
        if not source.exists():
            return Converted(sha256, None, None, converter, "Không tìm thấy tệp gốc trong kho lưu trữ tệp.")
        output, failure = _convert_one(source, work_dir, converter, icc)
        if output is None:
            return Converted(sha256, None, None, converter, failure)
        stored, placed = keep_file(output, files_dir)
        return Converted(sha256, stored.sha256, stored.size, converter, None, placed)

    results: list[Converted] = []
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:  # each worker waits on its gs subprocess
            for converted in pool.map(one, unique):
                results.append(converted)
    except BaseException:
        discard(results, files_dir)
        raise
    return results


def discard(converted: list[Converted], files_dir: Path) -> None:
    """Remove the copies this conversion stored (its rows were never committed): no orphan blobs."""
    for item in converted:
        if item.placed and item.pdfa_sha256:
            discard_placed(files_dir, item.pdfa_sha256)
            item.placed = False
