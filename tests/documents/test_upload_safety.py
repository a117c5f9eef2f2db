"""Uploads: a refusal leaves no blob in the store; a PDF with scripts is warned about and never shown
inline; document pages, files and API JSON are never cached."""
import hashlib
import io
import json
from pathlib import Path

import pytest

from app.filestore import UploadBatch, path_for

from ..factories import bearer_headers
from ..pdf_samples import minimal_pdf
from .conftest import metadata_values

SCRIPTS = {
    "open action": "/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ",
    "document script": "/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (this.print()) >>] >> >> ",
    "additional action": "/AA << /WC << /S /Launch /F (calc.exe) >> >> ",
}




def _post(client, headers, pdf, attachments=(), **overrides):
    data = {"metadata": json.dumps(metadata_values(**overrides)), "file": (io.BytesIO(pdf), "cv.pdf")}
    if attachments:
        data["attachments"] = [(io.BytesIO(content), f"pl-{n}.pdf") for n, content in enumerate(attachments)]
    return client.post("/api/v1/documents/incoming", headers=headers, content_type="multipart/form-data", data=data)


def _blob(app, content: bytes) -> Path:
    return path_for(Path(app.config["FILES_DIR"]), hashlib.sha256(content).hexdigest())


def _leftovers(app) -> list[Path]:
    return list(Path(app.config["FILES_DIR"]).rglob(".upload-*"))


def test_a_refused_attachment_leaves_neither_file_in_the_store(app, client, office):
    main, good = minimal_pdf("don le chinh"), minimal_pdf("phu luc tot")
    refused = _post(client, bearer_headers(client, office.clerk), main, attachments=(good, b"PK\x03\x04 zip"))
    assert refused.status_code == 422, refused.get_json()
    assert not _blob(app, main).exists() and not _blob(app, good).exists()
    assert _leftovers(app) == []


def test_a_pdf_refused_after_reading_leaves_no_blob(app, client, office):
    broken = b"%PDF-1.7 hong, khong doc duoc " + b"x" * 64
    assert _post(client, bearer_headers(client, office.clerk), broken).status_code == 422
    assert not _blob(app, broken).exists() and _leftovers(app) == []


def test_an_accepted_upload_is_kept_and_a_refusal_never_deletes_a_shared_blob(app, client, office):
    as_clerk = bearer_headers(client, office.clerk)
    main = minimal_pdf("cong van dung chung")
    assert _post(client, as_clerk, main, number="701").status_code == 201
    assert _blob(app, main).is_file()
    # The same content again, this time refused (a broken attachment): the first document's file stays.
    assert _post(client, as_clerk, main, attachments=(b"not a pdf",), number="702").status_code == 422
    assert _blob(app, main).is_file()


def test_a_batch_left_by_an_error_removes_only_its_own_files(app, tmp_path):
    kept = minimal_pdf("da luu tu truoc")
    with UploadBatch(tmp_path, max_bytes=1 << 20) as batch:
        batch.add_pdf(io.BytesIO(kept), "a.pdf")
    with pytest.raises(RuntimeError), UploadBatch(tmp_path, max_bytes=1 << 20) as batch:
        batch.add_pdf(io.BytesIO(kept), "a.pdf")
        batch.add_pdf(io.BytesIO(minimal_pdf("moi")), "b.pdf")
        raise RuntimeError("refused later")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [hashlib.sha256(kept).hexdigest()]


@pytest.mark.parametrize("kind", sorted(SCRIPTS))
def test_a_pdf_with_scripts_is_warned_about_and_only_downloaded(app, client, office, login, kind):
    pdf = minimal_pdf(f"co ma {kind}", catalog_extra=SCRIPTS[kind])
    as_clerk = bearer_headers(client, office.clerk)
    created = _post(client, as_clerk, pdf)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert [f["active_content"] for f in body["files"]] == [True]
    api_file = client.get(f"/api/v1/documents/{body['id']}/file", headers=as_clerk)
    assert api_file.headers["Content-Disposition"].startswith("attachment")
    api_file.close()
    login(office.clerk)
    page = client.get(f"/van-ban/{body['id']}").get_data(as_text=True)
    assert "có chứa mã JavaScript hoặc lệnh tự chạy" in page and '<object data-pdf-src="/van-ban/' not in page
    web_file = client.get(f"/van-ban/{body['id']}/tep/{body['files'][0]['id']}")
    assert web_file.headers["Content-Disposition"].startswith("attachment")
    web_file.close()


def test_a_plain_pdf_is_shown_inline_without_warning(app, client, office, login):
    as_clerk = bearer_headers(client, office.clerk)
    body = _post(client, as_clerk, minimal_pdf("binh thuong")).get_json()
    assert [f["active_content"] for f in body["files"]] == [False]
    api_file = client.get(f"/api/v1/documents/{body['id']}/file", headers=as_clerk)
    assert api_file.headers["Content-Disposition"].startswith("inline")
    api_file.close()
    login(office.clerk)
    page = client.get(f"/van-ban/{body['id']}").get_data(as_text=True)
    assert "lệnh tự chạy" not in page and '<object data-pdf-src="/van-ban/' in page


def test_documents_files_and_api_json_are_never_cached(app, client, office, login):
    as_clerk = bearer_headers(client, office.clerk)
    body = _post(client, as_clerk, minimal_pdf("khong luu dem")).get_json()
    api_json = client.get(f"/api/v1/documents/{body['id']}", headers=as_clerk)
    api_pdf = client.get(f"/api/v1/documents/{body['id']}/file", headers=as_clerk)
    login(office.clerk)
    page = client.get(f"/van-ban/{body['id']}")
    web_pdf = client.get(f"/van-ban/{body['id']}/tep/{body['files'][0]['id']}")
    for response in (api_json, api_pdf, page, web_pdf, client.get("/van-ban-den")):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", response.request.path
        response.close()
    asset = client.get("/static/site.css")
    assert "no-store" not in asset.headers.get("Cache-Control", "")
    asset.close()
