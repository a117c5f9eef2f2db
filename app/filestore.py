"""Content-addressed file store, a leaf every domain may use: a file is kept once under its SHA-256 and never
overwritten."""
import hashlib
import io
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


def _write_checked(stream, files_dir: Path, max_bytes: int, *, pdf: bool = True) -> tuple[str, str, int]:
    """Copy the upload to a temporary file beside the store, checking it; return (temporary, sha256, size)."""
    files_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, temporary = tempfile.mkstemp(dir=files_dir, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
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
        if pdf and not head.startswith(PDF_MAGIC):
            raise UploadRefused(_("Chỉ nhận tệp PDF."))
    except BaseException:
        _remove(temporary)
        raise
    return temporary, digest.hexdigest(), size


def _place(temporary: str, files_dir: Path, sha256: str) -> None:
    # The final name appears only whole (same directory, atomic rename) and is never overwritten.
    final = path_for(files_dir, sha256)
    final.parent.mkdir(exist_ok=True)
    if final.exists():
        _remove(temporary)
    else:
        os.replace(temporary, final)


def _remove(temporary: str) -> None:
    if os.path.exists(temporary):
        os.unlink(temporary)


def _stored(sha256: str, size: int, filename: str) -> StoredFile:
    return StoredFile(sha256, size, os.path.basename(filename or "tep.pdf")[:255])


def store_pdf(stream, filename: str, *, files_dir: Path, max_bytes: int) -> StoredFile:
    """Check that the upload is a PDF within the size limit, then keep it under its hash."""
    files_dir = Path(files_dir)
    temporary, sha256, size = _write_checked(stream, files_dir, max_bytes)
    try:
        _place(temporary, files_dir, sha256)
    except BaseException:
        _remove(temporary)
        raise
    return _stored(sha256, size, filename)


class UploadBatch:
    """The uploads of one request, held aside until the whole request is accepted.

    Used as a context manager: leaving it normally moves the files into the store; leaving it by an
    exception (a refused file, bad metadata, a broken signature) deletes them, so a refusal leaves no
    blob behind. Only the batch's own temporary files are ever deleted: a blob already in the store may
    belong to another document (content addressed) and is never touched.
    """

    def __init__(self, files_dir, *, max_bytes: int):
        self.files_dir, self.max_bytes = Path(files_dir), max_bytes
        self._held: dict[str, str] = {}  # sha256 -> temporary path

    def add_pdf(self, stream, filename: str) -> StoredFile:
        return self._hold(_write_checked(stream, self.files_dir, self.max_bytes), filename)

    def add_bytes(self, data: bytes, filename: str) -> StoredFile:
        """Hold a file that is not a PDF (an edXML package kept as it came)."""
        return self._hold(_write_checked(io.BytesIO(data), self.files_dir, self.max_bytes, pdf=False), filename)

    def _hold(self, written: tuple[str, str, int], filename: str) -> StoredFile:
        temporary, sha256, size = written
        if sha256 in self._held:
            _remove(temporary)  # the same file twice in one request
        else:
            self._held[sha256] = temporary
        return _stored(sha256, size, filename)

    def read_bytes(self, stored: StoredFile) -> bytes:
        return Path(self._held[stored.sha256]).read_bytes()

    def __enter__(self) -> "UploadBatch":
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        held, self._held = self._held, {}
        for sha256, temporary in held.items():
            if error_type is None:
                _place(temporary, self.files_dir, sha256)
            else:
                _remove(temporary)


def keep_file(temporary: Path, files_dir: Path) -> tuple[StoredFile, bool]:
    """Move a file made beside the store (same directory tree) under its hash; True when it was not there yet.

    Only a file this call placed may be taken back (`discard_placed`): an existing blob may be another's.
    """
    files_dir = Path(files_dir)
    digest, size = hashlib.sha256(), 0
    with open(temporary, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    sha256 = digest.hexdigest()
    final = path_for(files_dir, sha256)
    new = not final.exists()
    _place(str(temporary), files_dir, sha256)
    return _stored(sha256, size, Path(temporary).name), new


def discard_placed(files_dir: Path, sha256: str) -> None:
    """Remove a blob that `keep_file` just placed and that no committed row names (a failed transaction)."""
    _remove(str(path_for(Path(files_dir), sha256)))
