"""Administrators create, edit and deactivate agencies, departments and users."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.passwords import password_matches
from app.directory.models import Agency, Department, User


def test_province_admin_creates_an_agency_and_bad_codes_are_explained(client, make, login, post_form, db):
    root = make.agency(kind="province")
    login(make.user(agency=root, roles=("admin",), province_wide=True))
    bad = post_form("/quan-tri/co-quan/moi", data={"code": "12.34", "name": "Sở Thử", "short_name": "ST",
                                                    "kind": "department", "parent_id": root.id})
    assert bad.status_code == 200
    assert "Mã định danh gồm 13 ký tự" in bad.get_data(as_text=True)
    good = post_form("/quan-tri/co-quan/moi", data={"code": "000.00.77.h63", "name": "Sở Thử nghiệm",
                                                     "short_name": "STN", "kind": "department", "parent_id": root.id})
    assert good.status_code == 302
    agency = db.session.scalars(select(Agency).where(Agency.code == "000.00.77.H63")).one()
    assert agency.parent == root
    duplicate = post_form("/quan-tri/co-quan/moi", data={"code": "000.00.77.H63", "name": "Trùng",
                                                          "short_name": "T", "kind": "department", "parent_id": 0})
    assert "đã được dùng" in duplicate.get_data(as_text=True)


def test_an_agency_keeps_its_contact_details_and_a_bad_email_is_explained(client, make, login, post_form, db):
    root = make.agency(kind="province")
    login(make.user(agency=root, roles=("admin",), province_wide=True))
    agency = make.agency(parent_id=root.id)
    fields = {"code": agency.code, "name": agency.name, "short_name": agency.short_name, "kind": agency.kind,
              "parent_id": root.id, "address": " Số 1 Đường Hòa Bình, Yên Bái ", "email": "vanthu@yenbai.gov.vn",
              "phone": "0216 3852 000", "website": "https://yenbai.gov.vn"}
    bad = post_form(f"/quan-tri/co-quan/{agency.id}", data={**fields, "email": "khong-phai-thu"})
    assert bad.status_code == 200 and "Địa chỉ thư không hợp lệ." in bad.get_data(as_text=True)
    assert post_form(f"/quan-tri/co-quan/{agency.id}", data=fields).status_code == 302
    db.session.refresh(agency)
    assert (agency.address, agency.email, agency.phone, agency.website) == (
        "Số 1 Đường Hòa Bình, Yên Bái", "vanthu@yenbai.gov.vn", "0216 3852 000", "https://yenbai.gov.vn")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "agency_updated")).one()
    assert "address" in event.data["changes"]


def test_agency_admin_cannot_create_agencies(client, make, login):
    login(make.user(roles=("admin",)))
    assert client.get("/quan-tri/co-quan/moi").status_code == 403


def test_admin_adds_department_and_user_then_deactivates_the_user(client, make, login, post_form, db):
    agency = make.agency()
    login(make.user(agency=agency, roles=("admin",)))
    page = f"/quan-tri/co-quan/{agency.id}"
    assert post_form(page, f"{page}/phong-ban", data={"name": "Phòng Pháp chế", "abbreviation": "PC"}).status_code == 302
    department = db.session.scalars(select(Department).where(Department.agency_id == agency.id)).one()
    clash = post_form(page, f"{page}/phong-ban", data={"name": "Phòng khác", "abbreviation": "PC"})
    assert clash.status_code == 422 and "chữ viết tắt này" in clash.get_data(as_text=True)

    new_page = f"/quan-tri/co-quan/{agency.id}/nguoi-dung/moi"
    missing = post_form(new_page, data={"username": "", "full_name": "", "password": "x"})
    html = missing.get_data(as_text=True)
    assert "Trường này bắt buộc." in html and "Chọn ít nhất một vai trò." in html
    created = post_form(new_page, data={"username": "Hoa.PT", "full_name": "Phạm Thị Hoa", "job_title": "Chuyên viên",
                                        "department_id": department.id, "roles": ["specialist", "clerk"],
                                        "password": "Tam-thoi-2026"})
    assert created.status_code == 302
    user = db.session.scalars(select(User).where(User.username == "hoa.pt")).one()
    assert user.roles == {"specialist", "clerk"} and user.department == department and user.must_change_password

    edit = f"/quan-tri/nguoi-dung/{user.id}"
    post_form(edit, data={"username": "hoa.pt", "full_name": "Phạm Thị Hoa", "job_title": "Phó Trưởng phòng",
                          "department_id": department.id, "roles": ["unit_head"]})
    assert user.roles == {"unit_head"} and user.job_title == "Phó Trưởng phòng"
    post_form(edit, f"{edit}/trang-thai")
    assert not user.active
    types = set(db.session.scalars(select(AuditEvent.event_type)))
    assert {"department_created", "user_created", "user_updated", "user_deactivated"} <= types


def test_deactivated_user_is_logged_out_on_next_request(app, make, login, db):
    agency = make.agency()
    user = make.user(agency=agency)
    client = login(user)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_reset_password_forces_a_change(client, make, login, post_form, db):
    agency = make.agency()
    login(make.user(agency=agency, roles=("admin",)))
    user = make.user(agency=agency)
    edit = f"/quan-tri/nguoi-dung/{user.id}"
    post_form(edit, f"{edit}/mat-khau", data={"password": "Tam-thoi-9999"})
    assert user.must_change_password and password_matches(user.password_hash, "Tam-thoi-9999")
    weak = post_form(edit, f"{edit}/mat-khau", data={"password": "12345"}, follow_redirects=True)
    assert "ít nhất 10 ký tự" in weak.get_data(as_text=True)


def test_agency_list_paginates_and_searches(client, make, login):
    root = make.agency(kind="province", name="Ủy ban nhân dân tỉnh Thử")
    for n in range(3):
        make.agency(name=f"Sở Tìm Kiếm {n}", parent=root)
    login(make.user(agency=root, roles=("admin",), province_wide=True))
    html = client.get("/quan-tri/co-quan?q=Tìm Kiếm").get_data(as_text=True)
    assert html.count("Sở Tìm Kiếm") == 3 and "Tổng số: 3" in html
