"""Content-addressed file store: a file is kept once under its SHA-256 and never overwritten."""
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

PDF_MAGIC = b"%PDF-"
CHUNK = 1 << 16


class UploadRefused(ValueError):
    """An upload that is not accepted, with the reason to show next to the field."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    name: str
    content_type: str = "application/pdf"

    def as_data(self) -> dict:
        return {"sha256": self.sha256, "size": self.size, "name": self.name, "content_type": self.content_type}


def path_for(files_dir: Path, sha256: str) -> Path:
    return Path(files_dir) / sha256[:2] / sha256


def store_pdf(stream, filename: str, *, files_dir: Path, max_bytes: int) -> StoredFile:
    """Check that the upload is a PDF within the size limit, then keep it under its hash."""
    files_dir = Path(files_dir)
    files_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    # Written to a temporary file in the same directory first: the final name appears only whole.
    fd, temporary = tempfile.mkstemp(dir=files_dir, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while chunk := stream.read(CHUNK):
                if len(head) < len(PDF_MAGIC):
                    head += chunk[:len(PDF_MAGIC)]
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(_("Tệp vượt quá %(n)s MB.", n=max_bytes // (1024 * 1024)))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(_("Tệp rỗng."))
        if not head.startswith(PDF_MAGIC):
            raise UploadRefused(_("Chỉ nhận tệp PDF."))
        sha256 = digest.hexdigest()
        final = path_for(files_dir, sha256)
        final.parent.mkdir(exist_ok=True)
        if final.exists():
            os.unlink(temporary)  # same content already kept: never overwritten
        else:
            os.replace(temporary, final)
        return StoredFile(sha256, size, os.path.basename(filename or "tep.pdf")[:255])
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
