"""Uploaded PDFs are kept once under their SHA-256, never overwritten; other files are refused."""
import hashlib
import io

import pytest

from app.filestore import UploadRefused, path_for, store_pdf

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_pdf_is_stored_under_its_hash_once(tmp_path):
    first = store_pdf(io.BytesIO(PDF), "../../Công văn 15.pdf", files_dir=tmp_path, max_bytes=1000)
    assert first.sha256 == hashlib.sha256(PDF).hexdigest() and first.size == len(PDF)
    assert first.name == "Công văn 15.pdf"  # no directory part survives
    stored = path_for(tmp_path, first.sha256)
    assert stored.read_bytes() == PDF
    mtime = stored.stat().st_mtime_ns
    again = store_pdf(io.BytesIO(PDF), "ban-sao.pdf", files_dir=tmp_path, max_bytes=1000)
    assert again.sha256 == first.sha256 and stored.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.rglob(".upload-*")] == []


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04 a zip file", "Chỉ nhận tệp PDF."),
    (b"", "Tệp rỗng."),
    (PDF * 100, "vượt quá"),
])
def test_refusals_leave_nothing_behind(tmp_path, content, message):
    with pytest.raises(UploadRefused, match=message):
        store_pdf(io.BytesIO(content), "x.pdf", files_dir=tmp_path, max_bytes=1024)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
