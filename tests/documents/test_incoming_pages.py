"""The clerk's entry form, the list and search, the document page, secret documents, dashboard, registers."""
import io
from datetime import timedelta

import openpyxl
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.documents.models import Document
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task

from ..pdf_samples import minimal_pdf
from .conftest import metadata_values


def enter(post_form, *, pdf=None, filename="cv.pdf", **overrides):
    data = {**metadata_values(**overrides), "file": (io.BytesIO(pdf if pdf is not None else minimal_pdf()), filename)}
    return post_form("/van-ban-den/vao-so", data=data, content_type="multipart/form-data")


def document_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def test_clerk_enters_a_scanned_document_and_sees_it_listed(office, login, post_form, client, db):
    login(office.clerk)
    response = enter(post_form, subject="Quyết định về việc kiện toàn Ban chỉ đạo cải cách hành chính")
    assert response.status_code == 302
    document = db.session.scalars(select(Document)).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "01 · Đã đến" in page and "Tệp không có chữ ký số" in page and "Vào sổ văn bản đến" in page
    listing = client.get("/van-ban-den?q=kien+toan+ban+chi+dao").get_data(as_text=True)
    assert document.symbol in listing  # accent-free words find the accented subject
    assert "Không có văn bản nào khớp" in client.get("/van-ban-den?q=ngan+sach").get_data(as_text=True)


def test_bad_input_is_refused_in_vietnamese_and_registers_nothing(office, login, post_form, db):
    login(office.clerk)
    cases = [
        ({"pdf": b"GIF89a not a pdf"}, "Chỉ nhận tệp PDF."),
        ({"pdf": minimal_pdf()[:200]}, "Tệp PDF bị hỏng"),
        ({"subject": "", "document_date": ""}, "Nhập trích yếu."),
        ({"issuer_code": "000.00.77.H63", "issuer_name": ""}, "Không có cơ quan mã 000.00.77.H63"),
        ({"due_date": (vietnam_today() - timedelta(days=3)).strftime("%d/%m/%Y")}, "Hạn xử lý đã qua"),
        ({"document_date": "31/02/2026"}, "Ngày không hợp lệ"),
    ]
    for overrides, message in cases:
        response = enter(post_form, **overrides)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    assert document_count(db) == 0
    assert not db.session.scalars(select(HumanTask)).all()


def test_a_likely_duplicate_asks_for_confirmation(office, login, post_form, db):
    login(office.clerk)
    assert enter(post_form).status_code == 302
    again = enter(post_form)
    assert again.status_code == 422 and "Có thể trùng văn bản đã tiếp nhận" in again.get_data(as_text=True)
    assert document_count(db) == 1
    confirmed = post_form("/van-ban-den/vao-so", data={**metadata_values(), "confirm_duplicate": "1",
                                                        "file": (io.BytesIO(minimal_pdf()), "cv.pdf")},
                          content_type="multipart/form-data")
    assert confirmed.status_code == 302 and document_count(db) == 2


def test_only_clerks_enter_documents(office, login, client):
    login(office.leader)
    assert client.get("/van-ban-den/vao-so").status_code == 403


def test_task_page_shows_the_document_beside_the_form(office, bring_in, login, client, db):
    document = bring_in(office, origin="internal", actor=None).document
    login(office.clerk)
    row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    page = client.get(f"/cong-viec/{row.task_uuid}").get_data(as_text=True)
    assert f"/van-ban/{document.id}/tep/" in page and "Từ chối tiếp nhận" in page
    assert 'data-confirm="Từ chối tiếp nhận văn bản này?' in page  # refusing asks before it is sent
    pdf = client.get(f"/van-ban/{document.id}/tep/{document.main_file.id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf.close()


def test_secret_documents_are_seen_only_by_their_people_and_each_open_is_audited(office, bring_in, login, client,
                                                                                  post_form, db, make):
    secret = bring_in(office, secrecy="1", subject="Kế hoạch bảo vệ bí mật nhà nước").document
    outsider = make.user(agency=office.agency, roles=("specialist",))
    login(outsider)
    assert client.get(f"/van-ban/{secret.id}").status_code == 404
    assert client.get(f"/van-ban/{secret.id}/tep/{secret.main_file.id}").status_code == 404
    assert "bao ve bi mat" not in client.get("/van-ban-den?q=bi+mat").get_data(as_text=True)
    assert "Kế hoạch bảo vệ" not in client.get("/van-ban-den?q=bao+ve").get_data(as_text=True)
    post_form("/", "/dang-xuat")
    login(office.clerk)
    assert client.get(f"/van-ban/{secret.id}").status_code == 200
    opened = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "secret_document_opened")).all()
    assert [(e.actor_id, e.subject_id) for e in opened] == [(office.clerk.id, str(secret.id))]


def test_other_agencies_never_see_the_document(office, bring_in, login, client, make):
    document = bring_in(office).document
    login(make.user(roles=("clerk",)))
    assert client.get(f"/van-ban/{document.id}").status_code == 404
    assert document.symbol not in client.get("/van-ban-den").get_data(as_text=True)


def _registered(office, bring_in, db, **overrides):
    document = bring_in(office, **overrides).document
    row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(row.task_uuid, {"route": "leader"}, actor=office.clerk)
    return document


def test_leader_dashboard_lists_documents_waiting_for_assignment(office, bring_in, login, client, db):
    document = _registered(office, bring_in, db, urgency="3")
    login(office.leader)
    page = client.get("/van-ban-den/theo-doi").get_data(as_text=True)
    assert "Chờ phân công" in page and document.symbol in page and "Hỏa tốc" in page


def test_registers_print_and_export(office, bring_in, login, client, db):
    first = _registered(office, bring_in, db, number="15", notation="QĐ-UBND", doc_type="QĐ")
    _registered(office, bring_in, db, number="=1+2", notation="CV")
    login(office.clerk)
    html = client.get("/so-van-ban/den").get_data(as_text=True)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in html and "15/QĐ-UBND" in html and "Quyết định: " in html
    tracking = client.get("/so-van-ban/den?loai=theo-doi").get_data(as_text=True)
    assert "SỔ THEO DÕI GIẢI QUYẾT" in tracking and "Đã tiếp nhận" in tracking

    pdf = client.get("/so-van-ban/den?dinh-dang=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    csv = client.get("/so-van-ban/den?dinh-dang=csv")
    assert csv.data.startswith("\ufeff".encode()) and "15/QĐ-UBND" in csv.data.decode("utf-8-sig")
    xlsx = client.get("/so-van-ban/den?dinh-dang=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "15/QĐ-UBND" in values and "01" in values
    formula_cells = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formula_cells == []  # a number typed as "=1+2" stays text, never a formula
    assert first.arrival_number == 1


def test_a_unit_head_picks_only_specialists_of_their_unit(office, bring_in, login, post_form, client, db):
    document = _registered(office, bring_in, db)
    (unit, head, specialist), (_other_unit, _other_head, other_specialist) = office.units
    assign = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(assign.task_uuid, {"lead_department_id": unit.id,
                                     "due_date": (vietnam_today() + timedelta(days=5)).isoformat()},
                  actor=office.leader)
    dispatch = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    login(head)
    page = client.get(f"/cong-viec/{dispatch.task_uuid}").get_data(as_text=True)
    assert specialist.username in page and other_specialist.username not in page
    refused = post_form(f"/cong-viec/{dispatch.task_uuid}", data={"specialist": other_specialist.username})
    assert refused.status_code == 422 and "Lựa chọn không hợp lệ" in refused.get_data(as_text=True)


def test_tasks_inside_the_supporting_units_subprocess_show_their_forms(office, bring_in, login, client, db):
    document = _registered(office, bring_in, db)
    (lead, _lead_head, _s), (support, support_head, support_specialist) = office.units
    assign = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(assign.task_uuid, {"lead_department_id": lead.id, "support_department_ids": [support.id],
                                     "due_date": (vietnam_today() + timedelta(days=5)).isoformat()}, actor=office.leader)
    dispatch = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                          HumanTask.spec_id == "dispatch_support")).one()
    login(support_head)
    page = client.get(f"/cong-viec/{dispatch.task_uuid}").get_data(as_text=True)
    assert "Chuyên viên xử lý" in page and support_specialist.username in page


def test_date_filters_read_dates_as_people_type_them(office, bring_in, login, client):
    document = bring_in(office).document
    login(office.clerk)
    today, tomorrow = vietnam_today(), vietnam_today() + timedelta(days=1)
    shown = client.get(f"/van-ban-den?from={today:%d/%m/%Y}&to={today:%d/%m/%Y}").get_data(as_text=True)
    assert document.symbol in shown and f'value="{today:%d/%m/%Y}"' in shown
    assert document.symbol not in client.get(f"/van-ban-den?from={tomorrow:%d/%m/%Y}").get_data(as_text=True)
    assert client.get("/van-ban-den?from=31/02/2026").status_code == 200  # unreadable: no filter, no error
