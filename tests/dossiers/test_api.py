"""/api/v1/dossiers: agency scope, secret subjects hidden, filing through the one service, attacker input."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditChainHead
from app.dossiers.models import CLOSED, DossierDocument

from ..factories import bearer_headers

HUGE_IDS = ("3000000000", "9223372036854775808", "99999999999999999999999")


def _seq(db):
    return db.session.scalar(select(AuditChainHead.seq))


def test_the_list_is_the_callers_agency_filtered_by_year_and_status(client, db, office, dossier):
    this_year, closed = dossier(office, "TC.01"), dossier(office, "TC.02", year=2025)
    closed.status, closed.closed_at = CLOSED, datetime(2025, 12, 1, tzinfo=timezone.utc)
    foreign_clerk = office.other_clerk
    db.session.commit()
    headers = bearer_headers(client, office.units[0][1])
    listed = client.get("/api/v1/dossiers", headers=headers).get_json()
    assert [item["code"] for item in listed["items"]] == [this_year.code, closed.code]
    assert listed["items"][0]["retention"] == {"name": office.period.name, "years": 10}
    assert [i["id"] for i in client.get("/api/v1/dossiers?year=2025", headers=headers).get_json()["items"]] == [
        closed.id]
    assert [i["id"] for i in client.get("/api/v1/dossiers?status=open", headers=headers).get_json()["items"]] == [
        this_year.id]
    other = bearer_headers(client, foreign_clerk)
    assert client.get("/api/v1/dossiers", headers=other).get_json()["items"] == []
    assert client.get(f"/api/v1/dossiers/{this_year.id}", headers=other).status_code == 404
    for query in ("year=abc", "year=99999999999999999999", "status=deleted", "year=1899", "per_page=101"):
        answer = client.get(f"/api/v1/dossiers?{query}", headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"]["message"] == "Tham số truy vấn không hợp lệ."


def test_a_secret_documents_subject_is_hidden_from_who_may_not_read_it(app, client, db, office, dossier, document):
    from app.dossiers.filing import file_document
    target = dossier(office)
    secret = document(office.agency, secrecy=1, clerk=office.clerk, subject="V/v phương án bảo vệ bí mật")
    plain = document(office.agency, subject="V/v báo cáo thường kỳ")
    with app.test_request_context():
        file_document(secret, [target.id], actor=office.clerk)
        file_document(plain, [target.id], actor=office.clerk)
    db.session.commit()
    as_leader = client.get(f"/api/v1/dossiers/{target.id}", headers=bearer_headers(client, office.leader)).get_json()
    assert as_leader["document_count"] == 2
    hidden, shown = as_leader["contents"]
    assert hidden["hidden"] and hidden["subject"] == "" and hidden["symbol"] == "" and hidden["secrecy"] == 1
    assert "bí mật" not in str(as_leader) and shown["subject"] == "V/v báo cáo thường kỳ"
    as_clerk = client.get(f"/api/v1/dossiers/{target.id}", headers=bearer_headers(client, office.clerk)).get_json()
    assert as_clerk["contents"][0]["subject"] == "V/v phương án bảo vệ bí mật"


def test_filing_through_the_api_uses_the_service_and_its_refusals(client, db, office, dossier, document):
    target, closed = dossier(office, "TC.01"), dossier(office, "TC.02")
    closed.status = CLOSED
    handled = document(office.agency)
    unfinished = document(office.agency, status="03")
    secret = document(office.agency, secrecy=1, clerk=office.clerk)
    foreign = document(office.other_agency)
    db.session.commit()
    clerk = bearer_headers(client, office.clerk)
    url = f"/api/v1/dossiers/{target.id}/documents"
    done = client.post(url, headers=clerk, json={"document_id": handled.id})
    assert done.status_code == 201 and done.get_json() == {"dossier_id": target.id, "document_id": handled.id,
                                                           "position": 1}
    again = client.post(url, headers=clerk, json={"document_id": handled.id})
    assert again.status_code == 422 and "Văn bản đã có trong hồ sơ" in again.get_json()["error"]["message"]
    refused = client.post(url, headers=clerk, json={"document_id": unfinished.id}).get_json()
    assert refused["error"]["message"].startswith("Chỉ lưu hồ sơ văn bản đã xử lý xong")
    shut = client.post(f"/api/v1/dossiers/{closed.id}/documents", headers=clerk, json={"document_id": handled.id})
    assert shut.status_code == 422 and "đã đóng" in shut.get_json()["error"]["message"]
    # Another agency's document, and a secret one the leader may not read: not found, as on the pages.
    for headers, document_id in ((clerk, foreign.id), (bearer_headers(client, office.leader), secret.id)):
        answer = client.post(url, headers=headers, json={"document_id": document_id})
        assert answer.status_code == 422 and answer.get_json()["error"]["fields"] == {
            "document_id": "Không tìm thấy văn bản."}
    # A specialist who did not handle the document may read it but not file it.
    specialist = bearer_headers(client, office.units[0][1])
    assert client.post(url, headers=specialist, json={"document_id": document(office.agency).id}).status_code == 403
    # Another agency's clerk: the dossier is not found, whatever the body.
    foreign_clerk = bearer_headers(client, office.other_clerk)
    before = _seq(db)
    assert client.post(url, headers=foreign_clerk, json={"document_id": foreign.id}).status_code == 404
    assert _seq(db) == before
    assert db.session.scalar(select(func.count(DossierDocument.id))) == 1


@pytest.mark.parametrize("body", ([], [1, 2], 5, "chuỗi", None, {}, {"document_id": "1"}, {"document_id": True},
                                  {"document_id": 1.5}, {"document_id": -1}, {"document_id": 9223372036854775808},
                                  {"document_id": [1]}, {"document_id": {"id": 1}}, {"document_id": 1, "x": 1},
                                  {"document_id": "1\u0000"}))
def test_malformed_bodies_are_refused_in_vietnamese_and_write_nothing(client, db, office, dossier, body):
    target = dossier(office)
    db.session.commit()
    headers = bearer_headers(client, office.clerk)
    before = _seq(db)
    answer = client.post(f"/api/v1/dossiers/{target.id}/documents", headers=headers, json=body)
    assert answer.status_code in (400, 422)
    message = answer.get_json()["error"]["message"]
    assert message in ("Nội dung phải là một đối tượng JSON.", "Dữ liệu chưa hợp lệ.",
                       "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL).")
    assert "valid" not in str(answer.get_json()).lower()
    assert _seq(db) == before


@pytest.mark.parametrize("number", HUGE_IDS)
def test_dossier_ids_past_the_database_integer_are_not_found(client, office, number):
    headers = bearer_headers(client, office.clerk)
    assert client.get(f"/api/v1/dossiers/{number}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/dossiers/{number}/documents", headers=headers,
                       json={"document_id": 1}).status_code == 404
