"""The dossier page's close, legal-hold and export actions as people use them; attacks."""
import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import pikepdf
from sqlalchemy import select

from app.audit.models import AuditChainHead
from app.dossiers.filing import file_document
from app.dossiers.models import Dossier

from ..conftest import csrf_token_from
from ..pdf_samples import minimal_pdf

NS = {"h": "urn:lienthong:ho-so:1"}


def _file(app, office, target, *documents):
    with app.test_request_context():
        for document in documents:
            file_document(document, [target.id], actor=office.clerk)


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.pop("_flashes", [])]


def test_a_leader_closes_from_the_dossier_page_and_a_second_click_is_told(app, db, login, client, office,
                                                                          document, dossier):
    target = dossier(office)
    _file(app, office, target, document(office.agency))
    db.session.commit()
    login(office.leader)
    page = client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    assert "Đóng hồ sơ" in page and "không mở lại được" in page
    token = csrf_token_from(page)
    closed = client.post(f"/ho-so/{target.id}/dong", data={"csrf_token": token})
    assert closed.status_code == 303 and closed.location.endswith(f"/ho-so/{target.id}")
    assert _flashes(client) == ["Đã đóng hồ sơ: 1 văn bản, 1 bản PDF/A mới."]
    again = client.post(f"/ho-so/{target.id}/dong", data={"csrf_token": token})
    assert again.status_code == 303
    assert _flashes(client) == ["Hồ sơ đã đóng; hồ sơ đã đóng không mở lại được."]
    page = client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    assert "Hồ sơ đã đóng và không mở lại được." in page and "Bản PDF/A để bảo quản: 1 tệp." in page
    assert f'action="/ho-so/{target.id}/dong"' not in page and "Sửa hồ sơ" not in page


def test_an_empty_dossier_is_refused_in_vietnamese_and_another_agency_gets_404(app, db, login, client, office,
                                                                               dossier):
    target = dossier(office)
    db.session.commit()
    login(office.other_clerk)
    token = csrf_token_from(client.get("/ho-so").get_data(as_text=True))
    before = db.session.scalar(select(AuditChainHead.seq))
    for url in (f"/ho-so/{target.id}/dong", f"/ho-so/{target.id}/giu-phap-ly", "/ho-so/99999999999999999999/dong"):
        assert client.post(url, data={"csrf_token": token, "hold": "1", "reason": "x"}).status_code == 404
    assert client.get(f"/ho-so/{target.id}/xuat").status_code == 404
    assert db.session.scalar(select(AuditChainHead.seq)) == before
    client.post("/dang-xuat", data={"csrf_token": token})
    login(office.clerk)
    token = csrf_token_from(client.get(f"/ho-so/{target.id}").get_data(as_text=True))
    before = db.session.scalar(select(AuditChainHead.seq))
    client.post(f"/ho-so/{target.id}/dong", data={"csrf_token": token})
    assert _flashes(client)[0].startswith("Hồ sơ chưa có văn bản nào, không đóng được.")
    assert db.session.scalar(select(AuditChainHead.seq)) == before
    assert db.session.get(Dossier, target.id).is_open


def test_the_legal_hold_switch_needs_a_reason(app, db, login, client, office, dossier):
    target = dossier(office)
    db.session.commit()
    login(office.clerk)
    token = csrf_token_from(client.get(f"/ho-so/{target.id}").get_data(as_text=True))
    client.post(f"/ho-so/{target.id}/giu-phap-ly", data={"csrf_token": token, "hold": "1", "reason": ["", "a"]})
    assert _flashes(client) == ["Nhập lý do (văn bản, yêu cầu của cơ quan có thẩm quyền)."]
    client.post(f"/ho-so/{target.id}/giu-phap-ly", data={"csrf_token": token, "hold": "1", "reason": "x" * 501})
    assert _flashes(client) == ["Lý do tối đa 500 ký tự."]
    client.post(f"/ho-so/{target.id}/giu-phap-ly", data={"csrf_token": token, "hold": "1", "reason": "Thanh tra"})
    assert _flashes(client) == ["Đã đặt giữ hồ sơ theo yêu cầu pháp lý."]
    page = client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    assert "Bỏ giữ theo yêu cầu pháp lý" in page


def test_the_export_is_a_pdf_and_an_xml_in_chronological_order(app, db, login, client, office, document, dossier):
    target = dossier(office, title="Hồ sơ tuyển dụng công chức năm 2026")
    later = document(office.agency, document_date=date(2026, 5, 1), subject="Quyết định công nhận kết quả",
                     pdf=minimal_pdf("Sau", pages=2))
    earlier = document(office.agency, document_date=date(2026, 1, 5), subject="Kế hoạch tuyển dụng",
                       pdf=minimal_pdf("Truoc", pages=3))
    _file(app, office, target, later, earlier)
    db.session.commit()
    login(office.units[0][1])
    response = client.get(f"/ho-so/{target.id}/xuat")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"ho-so-{target.code}.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as zipped:
        assert sorted(zipped.namelist()) == [f"ho-so-{target.code}.pdf", f"ho-so-{target.code}.xml"]
        pdf_bytes, xml_bytes = zipped.read(f"ho-so-{target.code}.pdf"), zipped.read(f"ho-so-{target.code}.xml")
    root = ET.fromstring(xml_bytes)
    assert xml_bytes.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert root.find("h:MaHoSo", NS).text == target.code
    assert root.find("h:TieuDe", NS).text == "Hồ sơ tuyển dụng công chức năm 2026"
    items = root.findall("h:VanBan", NS)
    assert [(i.get("thuTu"), i.get("stt"), i.find("h:TrichYeu", NS).text) for i in items] == [
        ("1", "2", "Kế hoạch tuyển dụng"), ("2", "1", "Quyết định công nhận kết quả")]
    assert items[0].find("h:Tep", NS).get("sha256") == earlier.main_file.sha256
    first, second = (item.find("h:TrangTrongPdf", NS) for item in items)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        total = len(pdf.pages)
        first_text = pdf.pages[int(first.get("tu")) - 1].Contents.read_bytes()
    assert (int(first.get("den")) - int(first.get("tu")), int(second.get("den")) - int(second.get("tu"))) == (2, 1)
    assert int(second.get("den")) == total and int(first.get("tu")) >= 2  # cover and Mục lục come first
    assert b"Truoc - trang 1" in first_text


def test_a_secret_document_is_exported_only_to_those_who_may_read_it(app, db, login, client, office, document,
                                                                     dossier):
    target = dossier(office)
    secret = document(office.agency, secrecy=2, clerk=office.clerk, subject="V/v bảo vệ bí mật nhà nước")
    _file(app, office, target, secret)
    db.session.commit()
    login(office.leader)
    refused = client.get(f"/ho-so/{target.id}/xuat")
    assert refused.status_code == 303
    assert _flashes(client) == ["Hồ sơ có 1 văn bản mật bạn không được đọc, nên không xuất được hồ sơ. Người được "
                                "đọc văn bản mật của cơ quan xuất hồ sơ này."]
    token = csrf_token_from(client.get("/ho-so").get_data(as_text=True))
    client.post("/dang-xuat", data={"csrf_token": token})
    login(office.clerk)
    allowed = client.get(f"/ho-so/{target.id}/xuat")
    assert allowed.status_code == 200
    with zipfile.ZipFile(io.BytesIO(allowed.data)) as zipped:
        assert "V/v bảo vệ bí mật nhà nước" in zipped.read(f"ho-so-{target.code}.xml").decode()
