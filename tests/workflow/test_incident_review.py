"""Adversarial repairs of incidents: values JSON allows but the database and the state do not, junk
numbers, a write the database refuses, an error that quotes a secret case's data."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.notifications.models import Notification
from app.sqltypes import utcnow
from app.workflow.case_secrecy import register_subject_secrecy
from app.workflow.deployment import latest_version
from app.workflow.incidents import retry_due_incidents
from app.workflow.models import Incident, ProcessInstance

from ..conftest import csrf_token_from
from .incident_process import SERVICE, flaky_app
from .test_incident_pages import _failed_case, _signed_in


def _page_data(page: str) -> str:
    data = page.split('name="data" rows="12" spellcheck="false">')[1].split("</textarea>")[0]
    return data.replace("&#34;", '"').replace("&quot;", '"')


@pytest.mark.parametrize("value", ["1e999", "-1e999", '"\\ud800"', '{"\\udfff": 1}'])
def test_edited_data_the_database_cannot_keep_is_refused_and_the_incident_kept(app, db, tmp_path, make, value):
    agency = make.agency()
    clerk, admin = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("admin",))
    with flaky_app(app, db, tmp_path) as other:
        instance, incident = _failed_case(db, clerk)
        client = _signed_in(other, admin)
        page = client.get(f"/quan-tri/su-co/{incident.id}").get_data(as_text=True)
        form = {"csrf_token": csrf_token_from(page), "lock_version": str(instance.lock_version),
                "data": _page_data(page).replace('"ghi_chu"', '"ma_so": "A1", "extra": ' + value + ', "ghi_chu"')}
        answer = client.post(f"/quan-tri/su-co/{incident.id}/sua-du-lieu", data=form, follow_redirects=True)
        assert answer.status_code == 200
        assert "Dữ liệu có" in answer.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Incident, incident.id).status == "open"


def test_digits_python_reads_but_int_does_not_are_ignored_not_a_server_error(app, db, tmp_path, make):
    agency = make.agency()
    clerk = make.user(agency=agency, roles=("clerk",))
    admin = make.user(agency=agency, roles=("admin",), province_wide=True)
    with flaky_app(app, db, tmp_path) as other:
        instance, incident = _failed_case(db, clerk)
        client = _signed_in(other, admin)
        for query in ("age=²", "agency=²", "age=¹²"):
            listing = client.get(f"/quan-tri/su-co?{query}")
            assert listing.status_code == 200 and f"/quan-tri/su-co/{incident.id}" in listing.get_data(as_text=True)
        page = client.get(f"/quan-tri/su-co/{incident.id}").get_data(as_text=True)
        answer = client.post(f"/quan-tri/su-co/{incident.id}/huy-ho-so", follow_redirects=True,
                             data={"csrf_token": csrf_token_from(page), "lock_version": "²", "reason": "thử"})
        assert answer.status_code == 200 and "Đã hủy hồ sơ" in answer.get_data(as_text=True)


def test_edited_data_the_database_refuses_is_told_and_the_incident_kept(app, db, tmp_path, make):
    agency = make.agency()
    clerk, admin = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("admin",))
    with flaky_app(app, db, tmp_path) as other:
        instance, incident = _failed_case(db, clerk)
        SERVICE.update(mode="database")
        client = _signed_in(other, admin)
        page = client.get(f"/quan-tri/su-co/{incident.id}").get_data(as_text=True)
        form = {"csrf_token": csrf_token_from(page), "lock_version": str(instance.lock_version),
                "data": _page_data(page).replace('"ghi_chu"', f'"agency_code": "{agency.code}", "ghi_chu"')}
        answer = client.post(f"/quan-tri/su-co/{incident.id}/sua-du-lieu", data=form, follow_redirects=True)
        assert answer.status_code == 200 and "Không ghi được" in answer.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Incident, incident.id).status == "open"
        assert "bí danh XYZ" in _page_data(client.get(f"/quan-tri/su-co/{incident.id}").get_data(as_text=True))


def test_an_error_quoting_a_secret_cases_data_is_shown_only_to_those_cleared(app, db, tmp_path, make):
    agency = make.agency()
    clerk, admin = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("admin",))
    designer = make.user(roles=("designer",))  # of another agency: told of the incident, never of the data
    with flaky_app(app, db, tmp_path, tries=2) as other:
        register_subject_secrecy(other, "thu_mat", lambda actor, ids: set(ids), lambda ids: set(ids))
        latest_version("flaky").created_by_id = designer.id
        SERVICE.update(down_for=5)
        instance, incident = _failed_case(db, clerk, mode="down")
        SERVICE.update(mode="quoting")  # the job's retry meets a refusal that quotes the data
        retry_due_incidents(utcnow() + timedelta(days=1))
        db.session.expire_all()
        incident = db.session.get(Incident, incident.id)
        assert incident.kind == "data" and "bí danh XYZ" in incident.message  # kept for those cleared
        notes = db.session.scalars(select(Notification.note).where(Notification.user_id == designer.id)).all()
        assert notes and not any("bí danh XYZ" in note for note in notes)
        instance = db.session.get(ProcessInstance, instance.id)
        instance.subject_type, instance.subject_id = "thu_mat", "1"
        db.session.commit()
        page = _signed_in(other, admin).get(f"/quan-tri/su-co/{incident.id}").get_data(as_text=True)
        assert "bí danh XYZ" not in page and "Dữ liệu của hồ sơ không phù hợp với bước «Gửi trục»" in page
