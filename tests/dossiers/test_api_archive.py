"""/api/v1 for keeping the Danh mục hồ sơ, closing, legal hold, export, packages and retention decisions:
the same services as the pages, their refusals as Vietnamese JSON, and what an attacker tries."""
import io
import zipfile
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app.audit.models import AuditChainHead
from app.dossiers import filing
from app.dossiers.models import Dossier
from app.dossiers.retention_models import DestructionProposal
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki

from ..factories import bearer_headers
from ..parallel import run_in_parallel
from ..pdf_samples import minimal_pdf

HUGE_IDS = ("2147483648", "9223372036854775808", "99999999999999999999999")


def _seq(db):
    return db.session.scalar(select(AuditChainHead.seq))


def _new(office, **changes):
    return {"year": 2026, "notation": "tc.05", "title": "Hồ sơ  tuyển dụng", "retention_id": office.period.id,
            "access": "public", **changes}


def _filed(app, office, dossier, *documents):
    with app.test_request_context():
        for document in documents:
            filing.file_document(document, [dossier.id], actor=office.clerk)


def test_keeping_the_list_through_the_api(client, db, office, dossier):
    clerk = bearer_headers(client, office.clerk)
    made = client.post("/api/v1/dossiers", headers=clerk, json=_new(office))
    assert made.status_code == 201
    body = made.get_json()
    assert (body["notation"], body["title"], body["status"]) == ("TC.05", "Hồ sơ tuyển dụng", "open")
    assert body["code"].endswith("2026.TC.05")
    # Field errors, each in Vietnamese beside its field; nothing written.
    before = _seq(db)
    clash = client.post("/api/v1/dossiers", headers=clerk, json=_new(office, title=""))
    assert clash.status_code == 422 and clash.get_json()["error"]["fields"] == {
        "notation": "Danh mục năm 2026 đã có hồ sơ mang ký hiệu này.", "title": "Nhập tiêu đề hồ sơ."}
    for sent, field, message in (
            (_new(office, notation="TC 05!"), "notation", "Ký hiệu hồ sơ gồm chữ in hoa"),
            (_new(office, department_id=office.units[0][0].id + 10_000), "department_id", "Chọn đơn vị"),
            (_new(office, responsible_id=office.other_clerk.id), "responsible_id", "Chọn người của cơ quan."),
            (_new(office, retention_id=2147483647), "retention_id", "Chọn thời hạn bảo quản."),
            (_new(office, retention_id=9223372036854775808), "retention_id", "Giá trị nằm ngoài giới hạn"),
            (_new(office, year="2026"), "year", "Sai kiểu dữ liệu."),
            (_new(office, access="top"), "access", "Giá trị không nằm trong danh sách"),
            (_new(office, owner_id=1), "owner_id", "Trường này không được phép."),
            ({"year": 2026}, "title", "Trường này bắt buộc.")):
        answer = client.post("/api/v1/dossiers", headers=clerk, json=sent)
        assert answer.status_code == 422, sent
        assert answer.get_json()["error"]["fields"][field].startswith(message), answer.get_json()
    for raw in ("[]", '[{"year": 2026}]', '"TC.01"', "{"):
        answer = client.post("/api/v1/dossiers", headers={**clerk, "Content-Type": "application/json"}, data=raw)
        assert answer.status_code == 400 and answer.get_json()["error"]["message"] == "Nội dung phải là một đối tượng JSON."
    nul = client.post("/api/v1/dossiers", headers=clerk, json=_new(office, title="Hồ sơ\x00"))
    assert nul.status_code == 400 and "NUL" in nul.get_json()["error"]["message"]
    assert _seq(db) == before
    for who in (office.units[0][1], office.other_clerk):  # a specialist: no; another agency's clerk: its own list
        answer = client.post("/api/v1/dossiers", headers=bearer_headers(client, who), json=_new(office, notation="X.1"))
        assert answer.status_code == (403 if who is office.units[0][1] else 201)
    # PATCH: what is sent changes, the rest stays; another agency's dossier is not found whatever is sent.
    url = f"/api/v1/dossiers/{body['id']}"
    changed = client.patch(url, headers=bearer_headers(client, office.leader), json={"title": "Tuyển dụng 2026"})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Tuyển dụng 2026"
    assert changed.get_json()["notation"] == "TC.05"
    other = bearer_headers(client, office.other_clerk)
    assert client.patch(url, headers=other, json={"title": "Của tôi"}).status_code == 404
    assert client.patch(url, headers=other, json=[1, 2]).status_code == 404
    assert client.patch(url, headers=clerk, json=["title"]).status_code == 400
    assert client.patch(url, headers=clerk, json={"title": None}).status_code == 422
    assert client.patch(url, headers=clerk, json={"year": 2030}).get_json()["error"]["fields"] == {
        "year": "Trường này không được phép."}
    for huge in HUGE_IDS:
        assert client.patch(f"/api/v1/dossiers/{huge}", headers=clerk, json={}).status_code == 404
    # Copy last year's list: the whole list once, then refused on the year.
    dossier(office, "VP.01", year=2025)
    copied = client.post("/api/v1/dossiers/copy-previous-year", headers=clerk, json={"year": 2026})
    assert copied.status_code == 201 and len(copied.get_json()["dossier_ids"]) == 1
    again = client.post("/api/v1/dossiers/copy-previous-year", headers=clerk, json={"year": 2026})
    assert again.status_code == 422 and "VP.01" in again.get_json()["error"]["fields"]["year"]
    assert client.post("/api/v1/dossiers/copy-previous-year", headers=clerk, json={"year": 10**30}).status_code == 422


def test_close_then_409_legal_hold_and_a_closed_dossier_refuses_changes(app, client, db, office, dossier, document):
    target = dossier(office)
    empty = dossier(office, "TC.09")
    _filed(app, office, target, document(office.agency, pdf=minimal_pdf("Dong qua API")))
    db.session.commit()
    leader = bearer_headers(client, office.leader)
    nothing = client.post(f"/api/v1/dossiers/{empty.id}/close", headers=leader)
    assert nothing.status_code == 409 and "chưa có văn bản" in nothing.get_json()["error"]["message"]
    assert client.post(f"/api/v1/dossiers/{target.id}/close",
                       headers=bearer_headers(client, office.units[0][1])).status_code == 403
    assert client.post(f"/api/v1/dossiers/{target.id}/close",
                       headers=bearer_headers(client, office.other_clerk)).status_code == 404
    closed = client.post(f"/api/v1/dossiers/{target.id}/close", headers=leader)
    assert closed.status_code == 200, closed.get_json()
    answer = closed.get_json()
    assert answer["dossier"]["status"] == "closed" and answer["documents"] == 1
    assert answer["converted"] + len(answer["failures"]) == 1
    twice = client.post(f"/api/v1/dossiers/{target.id}/close", headers=leader)
    assert twice.status_code == 409
    assert twice.get_json()["error"]["message"] == "Hồ sơ đã đóng; hồ sơ đã đóng không mở lại được."
    edit = client.patch(f"/api/v1/dossiers/{target.id}", headers=leader, json={"title": "Sửa"})
    assert edit.status_code == 409 and edit.get_json()["error"]["message"] == "Hồ sơ đã đóng, không sửa được nữa."
    url = f"/api/v1/dossiers/{target.id}/legal-hold"
    for sent, field in (({"on": True, "reason": "  "}, "reason"), ({"on": "yes", "reason": "x"}, "on"),
                        ({"reason": "x"}, "on"), ({"on": True, "reason": "x" * 2001}, "reason")):
        refused = client.post(url, headers=leader, json=sent)
        assert refused.status_code == 422 and field in refused.get_json()["error"]["fields"], sent
    held = client.post(url, headers=leader, json={"on": True, "reason": "Quyết định thanh tra số 12/QĐ-TTr"})
    assert held.status_code == 200 and held.get_json()["legal_hold"] is True
    again = client.post(url, headers=leader, json={"on": True, "reason": "Lần nữa"})
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "Hồ sơ đang được giữ theo yêu cầu pháp lý."
    assert client.post(url, headers=bearer_headers(client, office.other_clerk),
                       json={"on": False, "reason": "x"}).status_code == 404


def test_closing_without_ghostscript_is_503_with_the_reason_and_the_dossier_stays_open(app, client, db, office,
                                                                                      dossier, document, tmp_path,
                                                                                      monkeypatch):
    target = dossier(office)
    _filed(app, office, target, document(office.agency, pdf=minimal_pdf("Khong co Ghostscript")))
    db.session.commit()
    leader = bearer_headers(client, office.leader)
    seq = _seq(db)
    monkeypatch.setenv("PATH", str(tmp_path))  # a server where Ghostscript is not installed
    answer = client.post(f"/api/v1/dossiers/{target.id}/close", headers=leader)
    assert answer.status_code == 503
    error = answer.get_json()["error"]
    assert error["code"] == "service_unavailable" and "Ghostscript" in error["message"]
    assert "Hồ sơ vẫn đang lập" in error["message"]
    db.session.expire_all()
    assert db.session.get(Dossier, target.id).status == "open" and _seq(db) == seq
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/dossiers/{dossier_id}/close"]["post"]
    assert "503" in operation["responses"] and "503" in operation["summary"]


def test_two_close_calls_at_once_one_200_one_409(app, committed_db):
    from ..factories import Factory
    from .conftest import Office, add_document, add_dossier
    make = Factory(committed_db)
    agency = make.agency(code="000.00.24.H63")
    clerk, leader = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("leader",))
    from app.dossiers.models import RetentionPeriod
    period = RetentionPeriod(name="Thử đóng qua API", years=5, examples="")
    committed_db.session.add(period)
    committed_db.session.flush()
    office = Office(agency, clerk, leader, [], None, None, period)
    with app.test_request_context():
        handled = add_document(app, committed_db, agency, pdf=minimal_pdf("Dong API song song"))
        target = add_dossier(office, "TH.01")
        filing.file_document(handled, [target.id], actor=clerk)
    committed_db.session.commit()
    headers = [bearer_headers(app.test_client(), person) for person in (clerk, leader)]
    url = f"/api/v1/dossiers/{target.id}/close"
    committed_db.session.remove()
    statuses = []

    def close(worker: int):
        answer = app.test_client().post(url, headers=headers[worker])
        statuses.append((answer.status_code, answer.get_json()))

    assert run_in_parallel(app, 2, close) == []
    assert sorted(status for status, _body in statuses) == [200, 409]
    refused = next(body for status, body in statuses if status == 409)
    assert "đã đóng" in refused["error"]["message"] and "không mở lại được" in refused["error"]["message"]


def test_export_refuses_who_may_not_read_a_secret_document(app, client, db, office, dossier, document):
    target = dossier(office)
    _filed(app, office, target, document(office.agency, secrecy=1, clerk=office.clerk), document(office.agency))
    db.session.commit()
    url = f"/api/v1/dossiers/{target.id}/export"
    refused = client.get(url, headers=bearer_headers(client, office.leader))
    assert refused.status_code == 403 and "văn bản mật" in refused.get_json()["error"]["message"]
    assert client.get(url, headers=bearer_headers(client, office.other_clerk)).status_code == 404
    exported = client.get(url, headers=bearer_headers(client, office.clerk))
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        assert sorted(name.rsplit(".", 1)[1] for name in archive.namelist()) == ["pdf", "xml"]


def test_packages_by_ids_or_codes_through_build_package(app, client, db, office, dossier, document):
    issue_demo_agency_key(ensure_demo_pki(Path(app.config["PKI_DIR"])), office.agency,
                          app.config["SIGNING_KEY_PASSPHRASE"])
    first, still_open, secret_one = dossier(office, "TC.01"), dossier(office, "TC.02"), dossier(office, "TC.03")
    _filed(app, office, first, document(office.agency, pdf=minimal_pdf("Goi API")))
    _filed(app, office, secret_one, document(office.agency, secrecy=1, clerk=office.clerk))
    foreign = dossier(office, "TC.01", actor=office.other_clerk)
    for closed in (first, secret_one):
        closed.status = "closed"
        closed.closed_at = closed.created_at
    db.session.commit()
    leader = bearer_headers(client, office.leader)
    url = "/api/v1/dossiers/packages"
    built = client.post(url, headers=leader, json={"dossier_ids": [first.id], "receiver": "Lưu trữ lịch sử tỉnh"})
    assert built.status_code == 200 and built.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(built.data)) as archive:
        assert "METS.xml" in archive.namelist()
    by_code = client.post(url, headers=leader, json={"codes": [first.code]})
    assert by_code.status_code == 200
    for sent, field, message in (
            ({"dossier_ids": [still_open.id]}, "dossier_ids", "chưa đóng"),
            ({"dossier_ids": [foreign.id]}, "dossier_ids", "Không tìm thấy hồ sơ"),
            ({"codes": [foreign.code]}, "codes", "không có hồ sơ mã"),
            ({"dossier_ids": [secret_one.id]}, "dossier_ids", "văn bản mật"),
            ({"dossier_ids": [first.id], "codes": [first.code]}, "dossier_ids", "một trong hai"),
            ({}, "dossier_ids", "một trong hai"),
            ({"dossier_ids": []}, "dossier_ids", "Sai kiểu dữ liệu"),
            ({"dossier_ids": [2147483648]}, "dossier_ids.0", "Giá trị nằm ngoài giới hạn"),
            ({"dossier_ids": {"0": first.id}}, "dossier_ids", "Sai kiểu dữ liệu"),
            ({"dossier_ids": [first.id], "receiver": "x" * 201}, "dossier_ids", "Tên bên nhận")):
        answer = client.post(url, headers=leader, json=sent)
        assert answer.status_code == 422, sent
        assert message in answer.get_json()["error"]["fields"][field], answer.get_json()
    assert client.post(url, headers=bearer_headers(client, office.units[0][1]),
                       json={"dossier_ids": [first.id]}).status_code == 403


def test_retention_proposals_and_the_leaders_decision(client, db, office, dossier):
    expired, other = dossier(office, "TC.01", year=2010), dossier(office, "TC.01", year=2010, actor=office.other_clerk)
    proposals = [DestructionProposal(agency_id=d.agency_id, dossier_id=d.id, retention_ended_on=date(2025, 12, 31))
                 for d in (expired, other)]
    db.session.add_all(proposals)
    db.session.commit()
    clerk, leader = bearer_headers(client, office.clerk), bearer_headers(client, office.leader)
    listed = client.get("/api/v1/retention/proposals", headers=clerk).get_json()
    assert [(item["id"], item["dossier_code"], item["state"]) for item in listed["items"]] == [
        (proposals[0].id, expired.code, "proposed")]
    assert client.get("/api/v1/retention/proposals?state=deleted", headers=clerk).status_code == 400
    url = f"/api/v1/retention/proposals/{proposals[0].id}/decision"
    assert client.post(url, headers=clerk, json={"decision": "approved"}).status_code == 403
    foreign = f"/api/v1/retention/proposals/{proposals[1].id}/decision"
    assert client.post(foreign, headers=leader, json={"decision": "approved"}).status_code == 404
    kept = client.post(url, headers=leader, json={"decision": "kept", "reason": ""})
    assert kept.status_code == 422 and set(kept.get_json()["error"]["fields"]) == {"reason", "keep_until_year"}
    assert client.post(url, headers=leader, json={"decision": "destroy"}).status_code == 422
    assert client.post(url, headers=leader, json=[{"decision": "approved"}]).status_code == 400
    done = client.post(url, headers=leader, json={"decision": "approved", "reason": "Hết giá trị"})
    assert done.status_code == 200 and done.get_json()["state"] == "approved"
    again = client.post(url, headers=leader, json={"decision": "kept", "reason": "x", "keep_until_year": 2030})
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "Đề nghị này đã được quyết định."
    assert db.session.scalar(select(func.count()).select_from(Dossier).where(Dossier.id == expired.id)) == 1
