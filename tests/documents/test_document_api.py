"""The document API: entry (multipart metadata + PDF), detail with status trail, search, file, errors."""
import io
import json

from ..factories import bearer_headers
from ..pdf_samples import minimal_pdf
from .conftest import metadata_values


def _post(client, headers, pdf=None, **overrides):
    return client.post("/api/v1/documents/incoming", headers=headers, content_type="multipart/form-data",
                       data={"metadata": json.dumps(metadata_values(**overrides)),
                             "file": (io.BytesIO(pdf or minimal_pdf(pages=2)), "cv.pdf")})


def test_clerk_posts_a_document_and_reads_it_back(client, office):
    as_clerk = bearer_headers(client, office.clerk)
    created = _post(client, as_clerk, subject="Giấy mời họp giao ban công tác cải cách hành chính")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == {"code": "01", "label": "Đã đến"} and body["page_count"] == 2
    assert [s["code"] for s in body["status_trail"]] == ["01"] and body["current_holders"]

    detail = client.get(f"/api/v1/documents/{body['id']}", headers=as_clerk).get_json()
    assert detail["symbol"] == "125/UBND-VP" and detail["arrival_number"] is None
    found = client.get("/api/v1/documents?q=giay+moi+hop", headers=as_clerk).get_json()
    assert [item["id"] for item in found["items"]] == [body["id"]] and found["total"] == 1
    pdf = client.get(f"/api/v1/documents/{body['id']}/file", headers=as_clerk)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf.close()  # send_file streams from the store: the file stays open until the response is closed

    duplicate = _post(client, as_clerk, subject="Giấy mời họp giao ban công tác cải cách hành chính")
    assert duplicate.status_code == 409 and "confirm_duplicate" in duplicate.get_json()["error"]["message"]


def test_api_refusals(client, office, make):
    as_clerk = bearer_headers(client, office.clerk)
    bad = _post(client, as_clerk, pdf=b"not a pdf at all", subject="")
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"subject"}  # metadata is checked before the file is read
    broken = _post(client, as_clerk, pdf=b"%PDF-1.7 broken")
    assert broken.status_code == 422 and "hỏng" in broken.get_json()["error"]["fields"]["file"]
    as_leader = bearer_headers(client, office.leader)
    assert _post(client, as_leader).status_code == 403
    outsider = make.user(roles=("clerk",))
    created = _post(client, as_clerk).get_json()
    assert client.get(f"/api/v1/documents/{created['id']}", headers=bearer_headers(client, outsider)).status_code == 404
    assert client.post("/api/v1/documents/incoming", headers=as_clerk, data={"metadata": "[1"},
                       content_type="multipart/form-data").status_code == 400
