"""The dossier pages as people use them: list, form, copy, contents, Lưu hồ sơ, retention periods; attacks."""
from flask import g
from sqlalchemy import func, select

from app.audit.models import AuditChainHead
from app.dossiers.filing import file_document
from app.dossiers.models import Dossier, DossierDocument, RetentionPeriod

from ..conftest import csrf_token_from


def _chain_seq(db) -> int:
    return db.session.scalar(select(AuditChainHead.seq))


def test_the_list_is_in_vietnamese_order_filtered_by_year_and_unit(login, client, office, dossier):
    department = office.units[0][0]
    for notation, title in (("TC.02", "Đề án vị trí việc làm"), ("TC.01", "Hồ sơ tuyển dụng"),
                            ("ĐT.01", "Đào tạo, bồi dưỡng"), ("CCHC.01", "Cải cách hành chính")):
        dossier(office, notation, title=title, department_id=department.id if notation.startswith("TC") else None)
    dossier(office, "TC.03", year=2025, title="Hồ sơ năm trước")
    login(office.units[0][1])
    page = client.get("/ho-so?nam=2026").get_data(as_text=True)
    assert 'href="/ho-so"' in page  # the menu offers it to readers
    # Đ between D and E (code-point order would put it after T).
    assert page.index("2026.CCHC.01") < page.index("2026.ĐT.01") < page.index("2026.TC.01") < page.index("2026.TC.02")
    assert "Hồ sơ năm trước" not in page
    filtered = client.get(f"/ho-so?nam=2026&don-vi={department.id}").get_data(as_text=True)
    assert "2026.TC.01" in filtered and "2026.CCHC.01" not in filtered
    # A unit reader sees no "Thêm hồ sơ": only clerks and leaders keep the list.
    assert "Thêm hồ sơ" not in page
    assert client.get("/ho-so?nam=abc&don-vi=99999999999999").status_code == 200


def test_a_clerk_adds_a_dossier_and_field_errors_come_in_vietnamese(login, client, office, db):
    department, specialist = office.units[0]
    login(office.clerk)
    form = client.get("/ho-so/moi?nam=2026").get_data(as_text=True)
    token = csrf_token_from(form)
    before = _chain_seq(db)
    bad = client.post("/ho-so/moi", data={"csrf_token": token, "year": "99999999999999999999", "notation": "tc 01",
                                          "title": "", "department_id": "abc", "responsible_id": "99999999999",
                                          "retention_id": str(office.period.id), "access": "public"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Nhập năm gồm 4 chữ số." in text and "Chọn đơn vị của cơ quan." in text and "Chọn người của cơ quan." in text
    assert "Not a valid" not in text and "Invalid" not in text
    assert _chain_seq(db) == before
    foreign_person = client.post("/ho-so/moi", data={
        "csrf_token": token, "year": "2026", "notation": "TC.01", "title": "Hồ sơ tuyển dụng",
        "department_id": str(department.id), "responsible_id": str(office.other_clerk.id),
        "retention_id": str(office.period.id), "access": "public"})
    assert foreign_person.status_code == 422 and "Chọn người của cơ quan." in foreign_person.get_data(as_text=True)
    # Two values where one is expected: the first is read, the rest ignored, never a server error.
    done = client.post("/ho-so/moi", data={
        "csrf_token": token, "year": ["2026", "2027"], "notation": "tc.01", "title": "Hồ sơ tuyển dụng",
        "department_id": str(department.id), "responsible_id": str(specialist.id),
        "retention_id": str(office.period.id), "access": ["restricted", "x"]})
    assert done.status_code == 302
    created = db.session.scalars(select(Dossier).where(Dossier.agency_id == office.agency.id)).one()
    assert (created.code, created.access) == ("000.00.21.H63.2026.TC.01", "restricted")
    assert _chain_seq(db) == before + 1


def test_copying_last_years_list_from_the_list_page(login, client, office, dossier, db):
    dossier(office, "TC.01", year=2025)
    login(office.leader)
    token = csrf_token_from(client.get("/ho-so?nam=2026").get_data(as_text=True))
    first = client.post("/ho-so/sao-chep", data={"csrf_token": token, "year": "2026"}, follow_redirects=True)
    assert "Đã sao chép 1 hồ sơ từ danh mục năm 2025 sang năm 2026." in first.get_data(as_text=True)
    again = client.post("/ho-so/sao-chep", data={"csrf_token": token, "year": "2026"}, follow_redirects=True)
    assert "đã có hồ sơ cùng ký hiệu (TC.01)" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Dossier.id)).where(Dossier.agency_id == office.agency.id)) == 2
    nonsense = client.post("/ho-so/sao-chep", data={"csrf_token": token, "year": "1e9"}, follow_redirects=True)
    assert "Nhập năm gồm 4 chữ số." in nonsense.get_data(as_text=True)


def test_filing_from_the_document_page(login, client, office, document, dossier, db):
    handler = office.units[0][1]
    handled = document(office.agency, lead_user=handler)
    first, second = dossier(office, "TC.01"), dossier(office, "TC.02")
    login(handler)
    detail = client.get(f"/van-ban/{handled.id}").get_data(as_text=True)
    assert f"/van-ban/{handled.id}/luu-ho-so" in detail and "Lưu hồ sơ" in detail
    page = client.get(f"/van-ban/{handled.id}/luu-ho-so").get_data(as_text=True)
    token = csrf_token_from(page)
    done = client.post(f"/van-ban/{handled.id}/luu-ho-so",
                       data={"csrf_token": token, "dossier_ids": [str(first.id), str(second.id)]})
    assert done.status_code == 302
    twice = client.post(f"/van-ban/{handled.id}/luu-ho-so", data={"csrf_token": token, "dossier_ids": str(first.id)})
    assert twice.status_code == 422 and f"Văn bản đã có trong hồ sơ {first.code}." in twice.get_data(as_text=True)
    for garbage in ("abc", "99999999999999999999", str(dossier(office, "TC.09", actor=office.other_clerk).id)):
        refused = client.post(f"/van-ban/{handled.id}/luu-ho-so", data={"csrf_token": token, "dossier_ids": garbage})
        assert refused.status_code == 422
        assert "Chọn hồ sơ trong danh mục của cơ quan." in refused.get_data(as_text=True)
    nul = client.post(f"/van-ban/{handled.id}/luu-ho-so", data={"csrf_token": token, "dossier_ids": "1\x00"})
    assert nul.status_code == 400
    detail = client.get(f"/van-ban/{handled.id}").get_data(as_text=True)
    assert f"{first.code} · STT 1" in detail and f"{second.code} · STT 1" in detail
    contents = client.get(f"/ho-so/{first.id}").get_data(as_text=True)
    assert "Mục lục văn bản" in contents and f'href="/van-ban/{handled.id}"' in contents
    assert db.session.scalar(select(func.count()).where(DossierDocument.document_id == handled.id)) == 2


def test_people_who_may_not_file_are_refused(login, client, office, document, dossier):
    bystander = office.units[1][1]
    handled = document(office.agency, lead_user=office.units[0][1])
    foreign = document(office.other_agency)
    login(bystander)
    assert "luu-ho-so" not in client.get(f"/van-ban/{handled.id}").get_data(as_text=True)
    assert client.get(f"/van-ban/{handled.id}/luu-ho-so").status_code == 403
    assert client.get(f"/van-ban/{foreign.id}/luu-ho-so").status_code == 404
    assert client.get("/van-ban/99999999999999/luu-ho-so").status_code == 404


def test_a_secret_document_in_the_contents_shows_no_subject_to_the_leader(login, client, office, document, dossier):
    secret = document(office.agency, secrecy=2, clerk=office.clerk, subject="V/v kế hoạch bảo vệ bí mật nhà nước")
    target = dossier(office)
    login(office.clerk)
    token = csrf_token_from(client.get(f"/van-ban/{secret.id}/luu-ho-so").get_data(as_text=True))
    assert client.post(f"/van-ban/{secret.id}/luu-ho-so",
                       data={"csrf_token": token, "dossier_ids": str(target.id)}).status_code == 302
    assert "bảo vệ bí mật nhà nước" in client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    client.post("/dang-xuat", data={"csrf_token": token})
    login(office.leader)
    page = client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    assert "bảo vệ bí mật nhà nước" not in page and "Văn bản mật" in page
    assert f'href="/van-ban/{secret.id}"' not in page
    assert client.get(f"/van-ban/{secret.id}/luu-ho-so").status_code == 404


def test_another_agencys_dossier_is_not_found(login, client, office, dossier):
    foreign = dossier(office, "TC.01", actor=office.other_clerk)
    login(office.clerk)
    assert client.get(f"/ho-so/{foreign.id}").status_code == 404
    assert client.get(f"/ho-so/{foreign.id}/sua").status_code == 404
    assert client.get("/ho-so/2147483648").status_code == 404
    assert f"{foreign.code}" not in client.get("/ho-so?nam=2026").get_data(as_text=True)


def test_the_administrator_keeps_the_retention_periods(login, client, make, db, office):
    admin = make.user(roles=("admin",), province_wide=True)
    login(admin)
    page = client.get("/quan-tri/thoi-han-bao-quan").get_data(as_text=True)
    assert office.period.name in page and 'href="/quan-tri/thoi-han-bao-quan"' in page
    token = csrf_token_from(page)
    bad = client.post("/quan-tri/thoi-han-bao-quan/moi", data={"csrf_token": token, "name": "", "years": "abc"})
    assert bad.status_code == 422 and "Số năm từ 1 đến 200" in bad.get_data(as_text=True)
    assert client.post("/quan-tri/thoi-han-bao-quan/moi", data={
        "csrf_token": token, "name": "15 năm", "years": "15", "examples": "Hồ sơ dự án"}).status_code == 302
    period = db.session.scalars(select(RetentionPeriod).where(RetentionPeriod.name == "15 năm")).one()
    assert client.post(f"/quan-tri/thoi-han-bao-quan/{period.id}", data={
        "csrf_token": token, "name": "15 năm", "years": "15", "examples": "Hồ sơ dự án"}).status_code == 302
    assert not period.active  # the box was left unticked


def test_list_and_contents_cost_the_same_statements_for_few_rows_and_many(login, client, office, document, dossier,
                                                                           app, db, count_queries):
    """No statement per row: units, people, periods and counts load once per page, documents once per contents."""
    (unit, person), (other_unit, other_person) = office.units
    small = dossier(office, "TC.01", year=2026, department_id=unit.id, responsible_id=person.id)
    large = [dossier(office, f"TC.{n:02d}", year=2027, department_id=(unit, other_unit)[n % 2].id,
                     responsible_id=(person, other_person)[n % 2].id) for n in range(1, 12)]
    with app.test_request_context():
        for secrecy in (0, 1):  # a secret one in each: asking which are hidden costs one statement, once
            file_document(document(office.agency, secrecy=secrecy, clerk=office.clerk), [small.id], actor=office.clerk)
        for n in range(11):
            file_document(document(office.agency, secrecy=int(n % 3 == 0), clerk=office.clerk), [large[0].id],
                          actor=office.clerk)
    urls = ["/ho-so?nam=2026", f"/ho-so/{small.id}", "/ho-so?nam=2027", f"/ho-so/{large[0].id}"]
    login(office.leader)

    def cost(url: str) -> int:
        # The test's session is the requests' session: emptied, so that rows made above are loaded as in a
        # server, where nothing is known before the request.
        db.session.expunge_all()
        for name in list(g):  # and the signed-in user Flask-Login kept on the shared app context's g
            g.pop(name)
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return len(counted.statements)

    few_list, few_contents, many_list, many_contents = (cost(url) for url in urls)
    assert (many_list, many_contents) == (few_list, few_contents)


def test_a_clerk_edits_an_open_dossier_but_not_a_closed_one(login, client, office, dossier, db):
    target = dossier(office, "TC.01")
    login(office.clerk)
    page = client.get(f"/ho-so/{target.id}/sua").get_data(as_text=True)
    token = csrf_token_from(page)
    fields = {"csrf_token": token, "notation": "TC.01", "title": "Hồ sơ tổ chức bộ máy",
              "retention_id": str(office.period.id), "access": "secret", "department_id": "0", "responsible_id": "0"}
    assert client.post(f"/ho-so/{target.id}/sua", data=fields).status_code == 302
    assert (target.title, target.access) == ("Hồ sơ tổ chức bộ máy", "secret")
    target.status = "closed"
    db.session.flush()
    refused = client.get(f"/ho-so/{target.id}/sua", follow_redirects=True).get_data(as_text=True)
    assert "Hồ sơ đã đóng, không sửa được nữa." in refused
    before = _chain_seq(db)
    assert client.post(f"/ho-so/{target.id}/sua", data={**fields, "title": "Khác"}).status_code == 302
    assert target.title == "Hồ sơ tổ chức bộ máy" and _chain_seq(db) == before
