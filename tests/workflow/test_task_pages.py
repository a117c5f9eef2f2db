"""Through the browser's requests: start giao việc, fill the rendered forms, see the work in Việc của tôi."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask

from ..conftest import csrf_token_from
from ..factories import Factory


def _task_links(html):
    return re.findall(r'href="/cong-viec/([0-9a-f-]{36})"', html)


def _log_in(client, user):
    page = client.get("/dang-nhap").get_data(as_text=True)
    client.post("/dang-nhap", data={"username": user.username, "password": Factory.PASSWORD,
                                    "csrf_token": csrf_token_from(page)})


def _log_out(client):
    page = client.get("/").get_data(as_text=True)
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page)})


def test_leader_assigns_and_specialist_reports_through_the_forms(client, make, deployed, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",), full_name="Lê Văn Lãnh")
    specialist = make.user(agency=agency, roles=("specialist",), full_name="Vũ Thị Chuyên")
    make.user(roles=("specialist",), full_name="Người Cơ Quan Khác")

    _log_in(client, leader)
    start_page = client.get("/quy-trinh/khoi-tao").get_data(as_text=True)
    assert "Giao việc" in start_page
    started = client.post("/quy-trinh/assign_work/khoi-tao", data={"csrf_token": csrf_token_from(start_page)})
    assert started.status_code == 302 and "/cong-viec/" in started.headers["Location"]
    form_url = started.headers["Location"]
    form_page = client.get(form_url).get_data(as_text=True)
    assert "Tên công việc" in form_page and "Vũ Thị Chuyên" in form_page
    assert "Người Cơ Quan Khác" not in form_page  # the picker offers only the leader's agency

    bad = client.post(form_url, data={"csrf_token": csrf_token_from(form_page), "work_title": "Ngắn",
                                      "description": "", "assignee": specialist.username, "due_date": "31/02/2026"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Tối thiểu 5 ký tự" in html and "Trường này bắt buộc." in html and "Ngày không hợp lệ" in html
    assert 'value="Ngắn"' in html  # what was typed stays

    due = (vietnam_today() + timedelta(days=3)).strftime("%d/%m/%Y")
    done = client.post(form_url, data={"csrf_token": csrf_token_from(form_page), "work_title": "Tổng hợp số liệu",
                                       "description": "Theo mẫu", "assignee": specialist.username, "due_date": due})
    assert done.status_code == 302
    _log_out(client)

    _log_in(client, specialist)
    inbox = client.get("/viec-cua-toi").get_data(as_text=True)
    links = _task_links(inbox)
    assert len(links) == 1 and "Báo cáo kết quả" in inbox
    report_page = client.get(f"/cong-viec/{links[0]}").get_data(as_text=True)
    assert "Tổng hợp số liệu" in report_page
    history = report_page[report_page.index("Lịch sử hồ sơ"):]
    assert "Khởi tạo hồ sơ" in history and "Hoàn thành: Giao việc" in history and "Lê Văn Lãnh" in history
    ok = client.post(f"/cong-viec/{links[0]}", data={"csrf_token": csrf_token_from(report_page),
                                                     "report_kind": "finished", "progress_note": "Đã xong"})
    assert ok.status_code == 302
    again = client.post(f"/cong-viec/{links[0]}", data={"csrf_token": csrf_token_from(report_page),
                                                        "report_kind": "finished", "progress_note": "Lần hai"},
                        follow_redirects=True)
    assert "Công việc này đã được xử lý bởi" in again.get_data(as_text=True)
    assert db.session.scalars(select(HumanTask.spec_id)).all() == ["review"]


def test_someone_elses_task_is_not_found(client, make, deployed, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    _log_in(client, leader)
    page = client.get("/quy-trinh/khoi-tao").get_data(as_text=True)
    task_url = client.post("/quy-trinh/assign_work/khoi-tao", data={"csrf_token": csrf_token_from(page)}).headers["Location"]
    _log_out(client)
    _log_in(client, make.user(agency=agency, roles=("leader",)))
    assert client.get(task_url).status_code == 404


def test_overdue_tasks_are_marked_in_red(client, make, deployed, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    _log_in(client, leader)
    page = client.get("/quy-trinh/khoi-tao").get_data(as_text=True)
    client.post("/quy-trinh/assign_work/khoi-tao", data={"csrf_token": csrf_token_from(page)})
    row = db.session.scalars(select(HumanTask)).one()
    row.due_at = datetime.now(timezone.utc) - timedelta(days=2)
    db.session.flush()
    html = client.get("/viec-cua-toi").get_data(as_text=True)
    assert "table-danger" in html and "Quá hạn 2 ngày" in html


def test_leader_reassigns_from_the_agency_list(client, make, deployed, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    specialist = make.user(agency=agency, roles=("leader",), full_name="Đỗ Văn Nhận")
    make.user(agency=agency, full_name="Phạm Chuyên Viên")
    _log_in(client, leader)
    page = client.get("/quy-trinh/khoi-tao").get_data(as_text=True)
    client.post("/quy-trinh/assign_work/khoi-tao", data={"csrf_token": csrf_token_from(page)})
    listing = client.get("/viec-cua-co-quan").get_data(as_text=True)
    # Only people holding the step's role are offered, and nobody is chosen in advance.
    assert "Đỗ Văn Nhận" in listing and "Phạm Chuyên Viên" not in listing
    assert "— Chọn người nhận —" in listing and "data-confirm" in listing
    row = db.session.scalars(select(HumanTask)).one()
    response = client.post(f"/cong-viec/{row.task_uuid}/giao-lai", data={
        "csrf_token": csrf_token_from(listing), "user_id": specialist.id}, follow_redirects=True)
    assert "Đã giao lại cho Đỗ Văn Nhận" in response.get_data(as_text=True)
    assert row.assigned_user_id == specialist.id
    _log_out(client)
    _log_in(client, specialist)
    assert row.task_uuid in client.get("/viec-cua-toi").get_data(as_text=True)
