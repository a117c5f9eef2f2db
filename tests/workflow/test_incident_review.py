"""Adversarial edits of an incident's data: values JSON allows but the database and the state do not
(infinite numbers, lone surrogates) get a clear refusal and the incident is kept."""
import pytest

from app.workflow.models import Incident

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
