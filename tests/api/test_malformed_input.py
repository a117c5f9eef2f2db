"""Malformed input is refused with a 4xx and a Vietnamese message, never a server error (both databases)."""
import io

import pytest
from openapi_spec_validator import validate

from ..documents.outgoing_setup import approve_reviews, make_sender, start_draft, task_of
from ..factories import bearer_headers
from ..pdf_samples import minimal_pdf

HUGE_IDS = ("3000000000", "9223372036854775808", "99999999999999999999999")




@pytest.fixture
def auth(client, make):
    return bearer_headers(client, make.user(roles=("clerk", "leader")))


@pytest.fixture
def signer(app, db, client, make, deployed):
    """A leader's token and the signing task they hold (prepare refuses anyone else before the body)."""
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    return bearer_headers(client, sender.leader), task_of(db, instance_id, "sign").task_uuid


def test_preparing_a_signature_for_a_task_not_held_is_not_found_whatever_the_body(client, auth):
    for body in ([], {"certificate": "AA==", "chain": -1}):
        assert client.post("/api/v1/tasks/abc/signing/prepare", headers=auth, json=body).status_code == 404


@pytest.mark.parametrize("number", HUGE_IDS)
@pytest.mark.parametrize("path", ("/api/v1/documents/{}", "/api/v1/users/{}", "/api/v1/departments/{}",
                                  "/api/v1/instances/{}", "/api/v1/documents/{}/outgoing"))
def test_ids_past_the_database_integer_are_not_found(client, auth, path, number):
    response = client.get(path.format(number), headers=auth)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", ("page=9223372036854775808", "page=3000000000", "page=0", "per_page=101",
                                   "per_page=-1", "page=abc"))
def test_page_and_page_size_out_of_bounds_are_refused(client, auth, query):
    for path in ("/api/v1/documents", "/api/v1/tasks", "/api/v1/documents/outgoing"):
        response = client.get(f"{path}?{query}", headers=auth)
        assert response.status_code == 400, path
        assert response.get_json()["error"]["message"] == "Tham số truy vấn không hợp lệ."


def test_a_large_page_within_bounds_is_an_empty_page(client, auth):
    response = client.get("/api/v1/documents?page=2147483647&per_page=100", headers=auth)
    assert response.status_code == 200 and response.get_json()["items"] == []


@pytest.mark.parametrize("body", ([], [1, 2], 5, "chuỗi", None))
def test_a_body_that_is_not_an_object_is_refused(client, auth, signer, body):
    signer_headers, sign_task = signer
    for path, headers in (("/api/v1/signing/abc/finish", auth), (f"/api/v1/tasks/{sign_task}/signing/prepare",
                                                                 signer_headers),
                          ("/api/v1/documents/1/recall", auth), ("/api/v1/auth/login", auth)):
        response = client.post(path, headers=headers, json=body)
        assert response.status_code == 400, path
        assert response.get_json()["error"]["message"] == "Nội dung phải là một đối tượng JSON."


def test_fields_of_the_wrong_type_or_unknown_are_named(client, auth, signer):
    signer_headers, sign_task = signer
    response = client.post(f"/api/v1/tasks/{sign_task}/signing/prepare", headers=signer_headers,
                           json={"certificate": "AA==", "chain": -1})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"chain": "Sai kiểu dữ liệu."}
    response = client.post("/api/v1/signing/abc/finish", headers=auth, json={"signature": "AA==", "extra": 1})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"extra": "Trường này không được phép."}
    response = client.post("/api/v1/auth/login", json={"username": ["x"], "password": "p"})
    assert response.get_json()["error"]["fields"] == {"username": "Sai kiểu dữ liệu."}


@pytest.mark.parametrize("request_args", (
    {"path": "/api/v1/documents?q=a%00b"},
    {"path": "/api/v1/tasks/a%00b"},
    {"path": "/api/v1/documents/1/recall", "method": "POST", "json": {"reason": "lý do\u0000"}},
))
def test_a_nul_character_is_refused_before_it_reaches_the_database(client, auth, request_args):
    response = client.open(headers=auth, **request_args)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."


def test_a_nul_character_in_the_json_of_a_multipart_field_is_refused(client, make):
    clerk = make.user(roles=("clerk",))
    response = client.post("/api/v1/documents/incoming", headers=bearer_headers(client, clerk),
                           content_type="multipart/form-data",
                           data={"metadata": '{"subject": "Giấy mời\\u0000", "doc_type": "CV"}',
                                 "file": (io.BytesIO(minimal_pdf()), "cv.pdf")})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."


def test_a_nul_character_in_a_web_form_gets_the_vietnamese_error_page(post_form):
    response = post_form("/dang-nhap", data={"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert "ký tự không hợp lệ (NUL)" in response.get_data(as_text=True)


def test_the_openapi_document_is_valid_and_every_success_has_a_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)  # raises on any invalid part (e.g. a templated path without its parameter)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "path"}
            assert declared == set(path.replace("}", "{").split("{")[1::2]), (method, path)
            for status, answer in operation["responses"].items():
                if status == "204":
                    assert "content" not in answer, (method, path)  # no body at all (a logout)
                elif status.startswith("2"):
                    [media] = answer["content"].values()
                    assert media["schema"], (method, path, status)
