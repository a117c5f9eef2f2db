"""Chuyển phiên bản in the browser: the plan table, a dry run that writes nothing, the move, agency scope."""
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.workflow.deployment import latest_version
from app.workflow.models import HumanTask, ProcessInstance

from ..conftest import csrf_token_from
from ..workflow.migration_setup import case_at_report, publish_edit, rename


def _migrations(db):
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.event_type == "instance_migrated"))


def test_a_designer_plans_dry_runs_and_moves_running_cases(app, db, deployed, designer, make, login, client):
    agency = make.agency()
    leader, specialist = make.user(agency=agency, roles=("leader",)), make.user(agency=agency)
    with app.test_request_context():
        old = latest_version("assign_work")
        instance = case_at_report(db, leader, specialist)
        new = publish_edit("assign_work", lambda xml: rename(xml, "report", "report_result"))
    db.session.commit()
    login(designer)
    versions = client.get("/thiet-ke/assign_work/phien-ban").get_data(as_text=True)
    assert "Chuyển phiên bản" in versions
    url = f"/thiet-ke/assign_work/chuyen-phien-ban?tu={old.number}&den={new.number}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="migration-plan"' in page and "Báo cáo kết quả" in page
    assert "không còn trong phiên bản mới" in page  # the renamed step, before the designer maps it
    token = csrf_token_from(page)
    form = {"csrf_token": token, "tu": old.number, "den": new.number}

    tried = client.post("/thiet-ke/assign_work/chuyen-phien-ban/chay-thu", data=form).get_data(as_text=True)
    assert "Kết quả chạy thử: 0 chuyển được, 1 không chuyển được" in tried and "Báo cáo quý" in tried
    mapped = {**form, "map-report": "report_result"}
    tried = client.post("/thiet-ke/assign_work/chuyen-phien-ban/chay-thu", data=mapped).get_data(as_text=True)
    assert "Kết quả chạy thử: 1 chuyển được, 0 không chuyển được" in tried
    assert _migrations(db) == 0 and db.session.get(ProcessInstance, instance.id).process_version_id == old.id

    moved = client.post("/thiet-ke/assign_work/chuyen-phien-ban", data={**mapped, "buoc": "report"})
    assert moved.status_code == 200 and "Kết quả: 1 đã chuyển, 0 không chuyển được" in moved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).process_version_id == new.id
    assert db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).one() == \
        "report_result"
    assert _migrations(db) == 1


def test_an_administrator_moves_only_the_cases_of_their_agency(app, db, deployed, make, login, client):
    home, other = make.agency(), make.agency()
    admin = make.user(agency=home, roles=("admin",))
    with app.test_request_context():
        old = latest_version("assign_work")
        from app.workflow.runtime import start_instance
        ours = start_instance("assign_work", actor=make.user(agency=home, roles=("leader",)))
        theirs = start_instance("assign_work", actor=make.user(agency=other, roles=("leader",)))
        new = publish_edit("assign_work", lambda xml: rename(xml, "review", "evaluate"))
    db.session.commit()
    login(admin)
    url = f"/thiet-ke/assign_work/chuyen-phien-ban?tu={old.number}&den={new.number}"
    page = client.get(url).get_data(as_text=True)
    assert "1 hồ sơ phù hợp." in page
    form = {"csrf_token": csrf_token_from(page), "tu": old.number, "den": new.number, "map-review": "evaluate",
            "co_quan": other.id}  # another agency's filter is not theirs to choose
    response = client.post("/thiet-ke/assign_work/chuyen-phien-ban", data=form)
    assert "Kết quả: 1 đã chuyển" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProcessInstance, ours.id).process_version_id == new.id
    assert db.session.get(ProcessInstance, theirs.id).process_version_id == old.id


def test_an_older_target_or_junk_versions_are_refused_in_words(app, db, deployed, designer, login, client):
    with app.test_request_context():
        old = latest_version("assign_work")
        new = publish_edit("assign_work", lambda xml: rename(xml, "review", "evaluate"))
    db.session.commit()
    login(designer)
    page = client.get(f"/thiet-ke/assign_work/chuyen-phien-ban?tu={new.number}&den={old.number}")
    assert page.status_code == 200 and "Chỉ chuyển hồ sơ sang phiên bản mới hơn" in page.get_data(as_text=True)
    for junk in ("tu=abc&den=x", "tu=99999999999999999999&den=-1", "tu[]=1"):
        assert client.get(f"/thiet-ke/assign_work/chuyen-phien-ban?{junk}").status_code == 200
    assert client.get("/thiet-ke/assign_work/chuyen-phien-ban?tu=%00").status_code == 400  # the site's NUL rule
    assert client.get("/thiet-ke/khong-co/chuyen-phien-ban").status_code == 404
