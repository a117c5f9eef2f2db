"""Lưu hồ sơ offered on the confirmation of the step that completed a document (the "Xử lý" step)."""
from sqlalchemy import select

from app.dossiers.models import Dossier, RetentionPeriod
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task

from ..conftest import csrf_token_from


def _handle_task(db, office, document):
    (lead_unit, lead_head, lead_specialist), _support = office.units
    register = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(register.task_uuid, {"route": "leader"}, actor=office.clerk)
    assign = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(assign.task_uuid, {"directing_opinion": "Phòng Tổ chức xử lý.", "lead_department_id": lead_unit.id},
                  actor=office.leader)
    dispatch = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(dispatch.task_uuid, {"specialist": lead_specialist.username}, actor=lead_head)
    handle = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    assert handle.spec_id == "handle"
    return handle, lead_specialist


def _finish(client, login, specialist, handle):
    login(specialist)
    token = csrf_token_from(client.get(f"/cong-viec/{handle.task_uuid}").get_data(as_text=True))
    return client.post(f"/cong-viec/{handle.task_uuid}", data={
        "csrf_token": token, "handling_action": "finish", "handling_note": "Đã báo cáo"}, follow_redirects=True)


def test_finishing_the_handling_links_to_lung_ho_so(app, db, client, login, office, bring_in):
    document = bring_in(office).document
    period = RetentionPeriod(name="Thử 10 năm (xử lý)", years=10, examples="")
    db.session.add(period)
    db.session.flush()
    db.session.add(Dossier(agency_id=office.agency.id, year=2026, notation="TC.01", title="Hồ sơ thử",
                           retention_id=period.id))
    handle, specialist = _handle_task(db, office, document)
    db.session.commit()
    page = _finish(client, login, specialist, handle).get_data(as_text=True)
    assert document.status_code == "06"
    assert "Văn bản đã hoàn thành xử lý." in page
    assert f'href="/van-ban/{document.id}/luu-ho-so"' in page


def test_no_link_without_an_open_dossier(app, db, client, login, office, bring_in):
    document = bring_in(office).document
    handle, specialist = _handle_task(db, office, document)
    db.session.commit()
    page = _finish(client, login, specialist, handle).get_data(as_text=True)
    assert "Đã hoàn thành" in page and "luu-ho-so" not in page
