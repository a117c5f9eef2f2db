"""The incident pages: the list and its filters, one incident with the failed step and its data (not for a
case the administrator may not see), and a repair through the form; the second of two clicks is told."""
from flask import g
from sqlalchemy import select

from app.notifications.models import Notification
from app.workflow.case_secrecy import register_subject_secrecy
from app.workflow.models import HumanTask, Incident
from app.workflow.runtime import complete_task, start_instance

from ..conftest import csrf_token_from
from ..factories import Factory
from .incident_process import SERVICE, flaky_app


def _failed_case(db, clerk, mode="missing"):
    SERVICE.update(mode=mode)
    instance = start_instance("flaky", actor=clerk)
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    complete_task(task.task_uuid, {"ghi_chu": "bí danh XYZ"}, actor=clerk)
    db.session.commit()
    return instance, db.session.scalars(select(Incident).where(Incident.instance_id == instance.id)).one()


class _Client:
    """A test client of the process's app; the request context the app is deployed in keeps flask-login's
    user in `g`, so it is emptied before every request (as the route matrix does)."""

    def __init__(self, other):
        self.client = other.test_client()

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return self.client.open(*args, **kwargs)

    def get(self, url, **kwargs):
        return self.open(url, method="GET", **kwargs)

    def post(self, url, **kwargs):
        return self.open(url, method="POST", **kwargs)


def _signed_in(other, user):
    client = _Client(other)
    page = client.get("/dang-nhap").get_data(as_text=True)
    client.post("/dang-nhap", data={"username": user.username, "password": Factory.PASSWORD,
                                    "csrf_token": csrf_token_from(page)})
    return client


def test_an_operator_repairs_an_incident_through_the_pages(app, db, tmp_path, make):
    agency = make.agency()
    clerk, admin = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("admin",))
    with flaky_app(app, db, tmp_path) as other:
        instance, incident = _failed_case(db, clerk)
        client = _signed_in(other, admin)
        listing = client.get("/quan-tri/su-co?kind=permanent").get_data(as_text=True)
        assert f"/quan-tri/su-co/{incident.id}" in listing and "Dịch vụ báo lỗi" in listing
        assert f"/quan-tri/su-co/{incident.id}" not in client.get("/quan-tri/su-co?kind=timer").get_data(as_text=True)
        assert f"/quan-tri/su-co/{incident.id}" not in client.get("/quan-tri/su-co?age=3").get_data(as_text=True)
        page = client.get(f"/quan-tri/su-co/{incident.id}").get_data(as_text=True)
        assert "Dịch vụ ở bước «Gửi trục» báo lỗi." in page and "bí danh XYZ" in page
        assert '"failed": ["send"]' in page and "KeyError" in page  # in the operators' collapsible block
        assert 'id="skip"' not in page  # the step is not declared skippable
        assert client.get(f"/quan-tri/su-co/{incident.id}/so-do.bpmn").get_data(as_text=True).startswith("<?xml")
        token = csrf_token_from(page)
        data = page.split('name="data" rows="12" spellcheck="false">')[1].split("</textarea>")[0]
        data = data.replace("&#34;", '"').replace("&quot;", '"').replace('"ghi_chu"', '"ma_so": "A1", "ghi_chu"')
        form = {"csrf_token": token, "lock_version": str(instance.lock_version), "data": data}
        done = client.post(f"/quan-tri/su-co/{incident.id}/sua-du-lieu", data=form, follow_redirects=True)
        assert "Đã sửa dữ liệu và chạy lại" in done.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Incident, incident.id).status == "resolved"
        assert incident.instance.status == "completed"
        # The second click of the same form: told who won, nothing changes.
        again = client.post(f"/quan-tri/su-co/{incident.id}/chay-lai", data=form, follow_redirects=True)
        assert f"đã được {admin.full_name} xử lý" in again.get_data(as_text=True)


def test_other_agencies_incidents_are_not_found_and_secret_data_is_not_shown(app, db, tmp_path, make):
    agency = make.agency()
    clerk, admin = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("admin",))
    stranger = make.user(roles=("admin",))
    with flaky_app(app, db, tmp_path) as other:
        register_subject_secrecy(other, "thu_mat", lambda actor, ids: set(ids), lambda ids: set(ids))
        instance, incident = _failed_case(db, clerk)
        instance.subject_type, instance.subject_id = "thu_mat", "1"
        db.session.commit()
        page = _signed_in(other, admin).get(f"/quan-tri/su-co/{incident.id}").get_data(as_text=True)
        assert "bí danh XYZ" not in page and 'id="incident-data-hidden"' in page and "Văn bản mật" in page
        assert 'id="edit-and-retry"' not in page and 'id="retry"' in page
        outsider = _signed_in(other, stranger)
        assert outsider.get(f"/quan-tri/su-co/{incident.id}").status_code == 404
        assert f"/quan-tri/su-co/{incident.id}" not in outsider.get("/quan-tri/su-co").get_data(as_text=True)
        token = csrf_token_from(outsider.get("/doi-mat-khau").get_data(as_text=True))
        assert outsider.post(f"/quan-tri/su-co/{incident.id}/huy-ho-so",
                             data={"csrf_token": token, "reason": "x"}).status_code == 404
        db.session.expire_all()
        assert db.session.get(Incident, incident.id).status == "open"


def test_the_person_whose_answer_was_kept_is_told_of_the_incident(app, db, tmp_path, make):
    agency = make.agency()
    clerk = make.user(agency=agency, roles=("clerk",))
    with flaky_app(app, db, tmp_path) as other:
        SERVICE.update(mode="broken")
        instance = start_instance("flaky", actor=clerk)
        task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        db.session.commit()
        client = _signed_in(other, clerk)
        form = client.get(f"/cong-viec/{task.task_uuid}").get_data(as_text=True)
        done = client.post(f"/cong-viec/{task.task_uuid}", data={"csrf_token": csrf_token_from(form),
                                                                 "ghi_chu": "gửi"}, follow_redirects=True)
        text = done.get_data(as_text=True)
        assert "Đã hoàn thành" in text and "gặp sự cố" in text and "RuntimeError" not in text
        assert db.session.scalars(select(Incident).where(Incident.instance_id == instance.id)).one().kind == "permanent"


def test_owners_are_told_and_leaders_see_the_count(app, db, tmp_path, make):
    agency = make.agency()
    clerk, admin = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("admin",))
    leader = make.user(agency=agency, roles=("leader",))
    with flaky_app(app, db, tmp_path) as other:
        _instance, incident = _failed_case(db, clerk, mode="broken")
        client = _signed_in(other, admin)
        centre = client.get("/thong-bao").get_data(as_text=True)
        assert "Sự cố quy trình" in centre and "Dịch vụ ở bước «Gửi trục» báo lỗi." in centre
        notice_id = db.session.scalars(select(Notification.id).where(Notification.user_id == admin.id)).one()
        opened = client.get(f"/thong-bao/{notice_id}")
        assert opened.headers["Location"].endswith(f"/quan-tri/su-co/{incident.id}")
        board = _signed_in(other, leader).get("/van-ban-den/theo-doi").get_data(as_text=True)
        assert 'id="incident-count"' in board and "1 hồ sơ quy trình" in board
        # The leader reads no incident itself: the pages are the administrators'.
        assert _signed_in(other, leader).get(f"/quan-tri/su-co/{incident.id}").status_code in (302, 403)
