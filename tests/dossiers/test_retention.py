"""The retention engine: the hand-over rule, notices told once, proposals never for a hold or "Vĩnh viễn",
and a leader's decision that is audited and deletes nothing."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.dossiers import retention
from app.dossiers.models import CLOSED, Dossier, DossierDocument, RetentionPeriod
from app.dossiers.retention_models import APPROVED, KEPT, PROPOSED, DestructionProposal
from app.dossiers.services import DossierRefused
from app.jobs.runner import JOBS, SCHEDULE
from app.notifications.centre import notice_rows, notice_target
from app.notifications.models import DOSSIER_DUE, Notification


def _close(db, dossier, when: datetime, *, hold=False):
    dossier.status, dossier.closed_at, dossier.legal_hold = CLOSED, when, hold
    db.session.flush()
    return dossier


def test_a_dossier_is_due_by_the_end_of_the_year_after_its_work_ended():
    assert retention.handover_due_on(datetime(2025, 3, 10, 3, tzinfo=timezone.utc)) == date(2026, 12, 31)
    # 31/12/2025 20:00 UTC is already 1/1/2026 in Vietnam: the work ended in 2026.
    assert retention.handover_due_on(datetime(2025, 12, 31, 20, tzinfo=timezone.utc)) == date(2027, 12, 31)
    assert retention.retention_ends_on(datetime(2015, 6, 1, tzinfo=timezone.utc), 10) == date(2025, 12, 31)
    assert retention.retention_ends_on(datetime(2015, 6, 1, tzinfo=timezone.utc), None) is None


def test_the_sweep_tells_the_clerk_the_responsible_person_and_the_unit_head_once(app, db, make, office, dossier):
    department, specialist = office.units[0]
    head = make.user(agency=office.agency, roles=("unit_head",), department_id=department.id)
    due = _close(db, dossier(office, "TC.01", year=2025, department_id=department.id, responsible_id=specialist.id),
                 datetime(2025, 11, 20, tzinfo=timezone.utc))
    _close(db, dossier(office, "TC.02", year=2025), datetime(2026, 1, 5, tzinfo=timezone.utc))  # due end of 2027
    dossier(office, "TC.03", year=2025)  # still open
    other = make.user(agency=office.other_agency, roles=("clerk",))
    assert JOBS["sweep_dossier_retention"] is retention.sweep_dossier_retention and "sweep_dossier_retention" in SCHEDULE

    assert retention.sweep_dossier_retention("2026-11-30") == {"due": 0, "proposed": 0}  # 31 days ahead: not yet
    assert retention.sweep_dossier_retention("2026-12-01") == {"due": 1, "proposed": 0}
    assert retention.sweep_dossier_retention("2026-12-02") == {"due": 1, "proposed": 0}  # told once all the same
    notices = db.session.scalars(select(Notification).where(Notification.kind == DOSSIER_DUE)).all()
    assert sorted(n.user_id for n in notices) == sorted([office.clerk.id, specialist.id, head.id])
    assert other.id not in {n.user_id for n in notices} and office.leader.id not in {n.user_id for n in notices}
    with app.test_request_context():
        [row] = notice_rows([n for n in notices if n.user_id == office.clerk.id], office.clerk)
        assert row.text == f"Hồ sơ {due.code} đến hạn nộp lưu vào Lưu trữ cơ quan trước ngày 31/12/2026."
        clerk_notice = next(n for n in notices if n.user_id == office.clerk.id)
        assert notice_target(clerk_notice, office.clerk) == ("dossiers.dossier_detail", {"dossier_id": due.id})
        # The same notice read by someone of another agency leads nowhere near the dossier.
        assert notice_target(clerk_notice, other) == ("notifications.centre", {})
    assert retention.sweep_dossier_retention("2027-01-01") == {"due": 0, "proposed": 0}  # past due: not told again


def test_expired_dossiers_are_proposed_once_never_a_hold_or_a_permanent_one(app, db, office, dossier):
    permanent = RetentionPeriod(name="Vĩnh viễn (thử)", years=None, examples="")
    db.session.add(permanent)
    db.session.flush()
    closed_2015 = datetime(2015, 6, 1, tzinfo=timezone.utc)
    expired = _close(db, dossier(office, "TC.01", year=2015), closed_2015)  # 10 years: ended 31/12/2025
    held = _close(db, dossier(office, "TC.02", year=2015), closed_2015, hold=True)
    forever = _close(db, dossier(office, "TC.03", year=2015, retention_id=permanent.id), closed_2015)
    recent = _close(db, dossier(office, "TC.04", year=2016), datetime(2016, 6, 1, tzinfo=timezone.utc))
    dossier(office, "TC.05", year=2010)  # never closed: its work has not ended
    with app.test_request_context():
        assert retention.sweep_dossier_retention("2025-12-31")["proposed"] == 0  # the last day still counts
        assert retention.sweep_dossier_retention("2026-01-01")["proposed"] == 1
        assert retention.sweep_dossier_retention("2026-01-02")["proposed"] == 0
    proposals = db.session.scalars(select(DestructionProposal)).all()
    assert [(p.dossier_id, p.state, p.retention_ended_on) for p in proposals] == [
        (expired.id, PROPOSED, date(2025, 12, 31))]
    assert {held.id, forever.id, recent.id}.isdisjoint({p.dossier_id for p in proposals})
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event_type == "dossier_destruction_proposed")).all()
    assert [e.subject_id for e in events] == [str(expired.id)]


def _proposal(app, db, office, dossier, document):
    target = _close(db, dossier(office, "TC.01", year=2015), datetime(2015, 6, 1, tzinfo=timezone.utc))
    db.session.add(DossierDocument(dossier_id=target.id, document_id=document(office.agency).id, position=1))
    db.session.flush()
    with app.test_request_context():
        retention.sweep_dossier_retention("2026-02-01")
    return db.session.scalar(select(DestructionProposal).where(DestructionProposal.dossier_id == target.id))


def test_approving_a_proposal_is_audited_and_deletes_nothing(app, db, office, dossier, document):
    proposal = _proposal(app, db, office, dossier, document)
    counts = (db.session.scalar(select(func.count(Dossier.id))), db.session.scalar(select(func.count(DossierDocument.id))))
    today = date(2026, 2, 1)
    with app.test_request_context():
        with pytest.raises(DossierRefused):  # a clerk sees proposals but does not decide
            retention.decide(proposal, actor=office.clerk, decision=APPROVED, reason="", keep_until_year=None,
                             today=today)
        with pytest.raises(DossierRefused):
            retention.decide(proposal, actor=office.other_clerk, decision=APPROVED, reason="", keep_until_year=None,
                             today=today)
        retention.decide(proposal, actor=office.leader, decision=APPROVED, reason="Hết giá trị", keep_until_year=None,
                         today=today)
        with pytest.raises(DossierRefused):  # decided once
            retention.decide(proposal, actor=office.leader, decision=KEPT, reason="x", keep_until_year=2030,
                             today=today)
    assert proposal.state == APPROVED and proposal.decided_by_id == office.leader.id
    assert (db.session.scalar(select(func.count(Dossier.id))),
            db.session.scalar(select(func.count(DossierDocument.id)))) == counts
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "dossier_retention_decided")).one()
    assert event.data["decision"] == APPROVED and event.actor_id == office.leader.id


def test_keeping_longer_needs_a_reason_and_a_year_and_proposes_again_after_it(app, db, office, dossier, document):
    proposal = _proposal(app, db, office, dossier, document)
    today = date(2026, 2, 1)
    with app.test_request_context():
        with pytest.raises(DossierRefused) as refused:
            retention.decide(proposal, actor=office.leader, decision=KEPT, reason="  ", keep_until_year=99999,
                             today=today)
        assert set(refused.value.fields) == {"reason", "keep_until_year"}
        with pytest.raises(DossierRefused) as refused:
            retention.decide(proposal, actor=office.leader, decision="destroy", reason="", keep_until_year=None,
                             today=today)
        assert "decision" in refused.value.fields
        retention.decide(proposal, actor=office.leader, decision=KEPT, reason="Đang thanh tra",
                         keep_until_year=2027, today=today)
        assert retention.sweep_dossier_retention("2027-12-31")["proposed"] == 0
        assert retention.sweep_dossier_retention("2028-01-01")["proposed"] == 1
    db.session.refresh(proposal)
    assert proposal.state == PROPOSED and db.session.scalar(select(func.count(DestructionProposal.id))) == 1


def test_a_hold_after_the_proposal_refuses_approval(app, db, office, dossier, document):
    proposal = _proposal(app, db, office, dossier, document)
    proposal.dossier.legal_hold = True
    with app.test_request_context(), pytest.raises(DossierRefused) as refused:
        retention.decide(proposal, actor=office.leader, decision=APPROVED, reason="", keep_until_year=None,
                         today=date(2026, 2, 1))
    assert "phong tỏa" in refused.value.fields["decision"]
    assert proposal.state == PROPOSED


# The page "Hồ sơ hết thời hạn bảo quản".

def test_the_page_lists_proposals_and_a_leader_decides_in_vietnamese(app, db, login, client, office, dossier,
                                                                      document):
    from ..conftest import csrf_token_from
    proposal = _proposal(app, db, office, dossier, document)
    code = proposal.dossier.code
    db.session.commit()
    login(office.clerk)
    page = client.get("/ho-so/het-thoi-han").get_data(as_text=True)
    assert code in page and "Ghi quyết định" not in page  # the clerk sees, does not decide
    assert client.post(f"/ho-so/{proposal.dossier_id}/quyet-dinh-bao-quan").status_code in (400, 403)
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page)})

    login(office.leader)
    page = client.get("/ho-so/het-thoi-han?trang-thai=x&page=99999999999999999999").get_data(as_text=True)
    page = client.get("/ho-so/het-thoi-han").get_data(as_text=True)
    assert code in page and "Ghi quyết định" in page
    token = csrf_token_from(page)
    url = f"/ho-so/{proposal.dossier_id}/quyet-dinh-bao-quan"
    bad = client.post(url, data={"csrf_token": token, "decision": "kept", "reason": "",
                                 "keep_until_year": "99999999999999999999"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Nhập năm gồm 4 chữ số." in text and "Nhập lý do giữ lại hồ sơ." in text
    assert client.post(url, data={"csrf_token": token, "decision": "kept", "reason": "a\x00"}).status_code == 400
    wrong = client.post(url, data={"csrf_token": token, "decision": ["delete", "approved"], "reason": "x" * 3000})
    assert wrong.status_code == 422 and "Chọn giữ lại hoặc đưa ra xét hủy." in wrong.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.state == PROPOSED
    assert client.post("/ho-so/99999999/quyet-dinh-bao-quan", data={"csrf_token": token}).status_code == 404
    done = client.post(url, data={"csrf_token": token, "decision": "approved", "reason": "Hết giá trị"},
                       follow_redirects=True)
    assert "Đã đưa hồ sơ" in done.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.state == APPROVED and db.session.get(Dossier, proposal.dossier_id) is not None
    decided = client.get("/ho-so/het-thoi-han?trang-thai=approved").get_data(as_text=True)
    assert code in decided and "Hết giá trị" in decided


def test_another_agencys_leader_neither_sees_nor_decides(app, db, make, login, client, office, dossier, document):
    from ..conftest import csrf_token_from
    proposal = _proposal(app, db, office, dossier, document)
    db.session.commit()
    login(make.user(agency=office.other_agency, roles=("leader",)))
    page = client.get("/ho-so/het-thoi-han").get_data(as_text=True)
    assert proposal.dossier.code not in page
    answer = client.post(f"/ho-so/{proposal.dossier_id}/quyet-dinh-bao-quan",
                         data={"csrf_token": csrf_token_from(page), "decision": "approved"})
    assert answer.status_code == 404
