"""Văn bản đến through the service layer: 01→03→04→05→06, refusal, direct routing, supports, extension."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.documents.models import DocumentLink, DocumentNote
from app.vietnam_time import vietnam_today
from app.workflow.errors import ProcessFailed
from app.workflow.models import HumanTask, ProcessInstance, SubjectParticipant
from app.workflow.runtime import complete_task
from app.workflow.scripting_runtime import work_calendar

DUE = (vietnam_today() + timedelta(days=10)).isoformat()


def open_tasks(db, document):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)
                              .order_by(HumanTask.id)).all()


def only_task(db, document, spec_id):
    rows = [row for row in open_tasks(db, document) if row.spec_id == spec_id]
    assert len(rows) == 1, [(r.spec_id, r.title) for r in open_tasks(db, document)]
    return rows[0]


def candidate_ids(row):
    return {c.user_id for c in row.candidates} | ({row.assigned_user_id} if row.assigned_user_id else set())


def trail(document):
    return [change.code for change in document.statuses]


def test_paper_document_goes_through_every_status(office, bring_in, db):
    received = bring_in(office)
    document = received.document
    assert document.status_code == "01" and document.instance_id and document.page_count == 1
    (lead_unit, lead_head, lead_specialist), (support_unit, support_head, support_specialist) = office.units

    register = only_task(db, document, "register")  # paper entry skips Tiếp nhận: the clerk typed it in
    assert candidate_ids(register) == {office.clerk.id}
    complete_task(register.task_uuid, {"route": "leader"}, actor=office.clerk)
    assert document.status_code == "03" and document.arrival_number == 1 and document.arrival_year

    assign = only_task(db, document, "assign")
    assert candidate_ids(assign) == {office.leader.id}
    complete_task(assign.task_uuid, {"directing_opinion": "Phòng Tổ chức chủ trì, báo cáo trước hạn.",
                                     "lead_department_id": lead_unit.id,
                                     "support_department_ids": [support_unit.id], "due_date": DUE},
                  actor=office.leader)
    assert document.status_code == "04" and document.lead_department_id == lead_unit.id
    assert document.due_date.isoformat() == DUE

    dispatch_lead = only_task(db, document, "dispatch_lead")
    dispatch_support = only_task(db, document, "dispatch_support")
    assert candidate_ids(dispatch_lead) == {lead_head.id}  # the lead unit's head only
    assert candidate_ids(dispatch_support) == {support_head.id}
    complete_task(dispatch_lead.task_uuid, {"specialist": lead_specialist.username}, actor=lead_head)
    complete_task(dispatch_support.task_uuid, {"specialist": support_specialist.username}, actor=support_head)

    handle = only_task(db, document, "handle")
    assert handle.assigned_user_id == lead_specialist.id and handle.due_at is not None
    contribute = only_task(db, document, "contribute")
    assert contribute.assigned_user_id == support_specialist.id

    complete_task(handle.task_uuid, {"handling_action": "progress", "handling_note": "Đang tổng hợp số liệu"},
                  actor=lead_specialist)
    assert document.status_code == "05"
    complete_task(contribute.task_uuid, {"contribution": "Số liệu phòng CCHC: 12 thủ tục"}, actor=support_specialist)
    notes = db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document.id)).all()
    assert {n.kind for n in notes} >= {"direction", "progress", "contribution"}
    assert any(n.kind == "contribution" and n.department_id == support_unit.id for n in notes)

    handle = only_task(db, document, "handle")
    complete_task(handle.task_uuid, {"handling_action": "finish", "handling_note": "Đã báo cáo",
                                     "reply_reference": "45/SNV-TCCB"}, actor=lead_specialist)
    assert document.status_code == "06" and document.completed_at is not None
    assert trail(document) == ["01", "03", "04", "05", "06"]
    assert db.session.get(ProcessInstance, document.instance_id).status == "completed"
    link = db.session.scalars(select(DocumentLink).where(DocumentLink.document_id == document.id)).one()
    assert link.reference == "45/SNV-TCCB"
    participants = set(db.session.scalars(select(SubjectParticipant.user_id).where(
        SubjectParticipant.subject_type == "document", SubjectParticipant.subject_id == str(document.id))))
    assert {office.clerk.id, office.leader.id, lead_head.id, lead_specialist.id, support_specialist.id} <= participants


def test_refusal_ends_the_case_and_takes_no_number(office, bring_in, db):
    document = bring_in(office, origin="internal", actor=None).document
    receive = only_task(db, document, "receive")
    assert candidate_ids(receive) == {office.clerk.id}  # a delivery goes to every clerk of the agency
    complete_task(receive.task_uuid, {"receive_decision": "refuse", "refusal_reason": "Gửi nhầm cơ quan"},
                  actor=office.clerk)
    assert document.status_code == "02" and document.refusal_reason == "Gửi nhầm cơ quan"
    assert document.arrival_number is None and open_tasks(db, document) == []
    assert trail(document) == ["01", "02"]
    assert document.statuses[-1].note == "Gửi nhầm cơ quan"

    second = bring_in(office, number="126").document
    complete_task(only_task(db, second, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    assert second.arrival_number == 1  # the refused document consumed nothing


def test_clerk_routes_directly_to_a_unit_with_the_default_deadline(office, bring_in, db):
    document = bring_in(office).document
    lead_unit, lead_head, _specialist = office.units[0]
    complete_task(only_task(db, document, "register").task_uuid, {"route": "unit", "lead_department_id": lead_unit.id},
                  actor=office.clerk)
    assert document.status_code == "04" and trail(document) == ["01", "03", "04"]
    assert document.due_date == work_calendar().add_working_days(vietnam_today(), 10)
    assert candidate_ids(only_task(db, document, "dispatch_lead")) == {lead_head.id}


def test_extension_moves_the_deadline_and_return_goes_back_to_the_leader(office, bring_in, db):
    document = bring_in(office).document
    (unit_a, head_a, specialist_a), (unit_b, head_b, specialist_b) = office.units
    complete_task(only_task(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(only_task(db, document, "assign").task_uuid,
                  {"lead_department_id": unit_a.id, "lead_user": specialist_a.username, "due_date": DUE},
                  actor=office.leader)
    handle = only_task(db, document, "handle")  # a lead person skips the unit head
    assert handle.assigned_user_id == specialist_a.id
    later = (vietnam_today() + timedelta(days=20)).isoformat()
    complete_task(handle.task_uuid, {"handling_action": "extension", "handling_note": "Cần thêm số liệu",
                                     "requested_due_date": later}, actor=specialist_a)
    complete_task(only_task(db, document, "decide_extension").task_uuid,
                  {"extension_granted": True, "new_due_date": later}, actor=office.leader)
    assert document.due_date.isoformat() == later
    handle = only_task(db, document, "handle")
    complete_task(handle.task_uuid, {"handling_action": "return", "handling_note": "Không thuộc chức năng phòng"},
                  actor=specialist_a)
    complete_task(only_task(db, document, "reassign").task_uuid,
                  {"lead_department_id": unit_b.id, "lead_user": None, "due_date": later}, actor=office.leader)
    assert document.lead_department_id == unit_b.id
    assert candidate_ids(only_task(db, document, "dispatch_lead")) == {head_b.id}


def test_extension_after_a_unit_head_dispatched_goes_to_the_leader(office, bring_in, db):
    document = bring_in(office).document
    unit, head, specialist = office.units[0]
    complete_task(only_task(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(only_task(db, document, "assign").task_uuid, {"lead_department_id": unit.id, "due_date": DUE},
                  actor=office.leader)
    complete_task(only_task(db, document, "dispatch_lead").task_uuid, {"specialist": specialist.username}, actor=head)
    later = (vietnam_today() + timedelta(days=20)).isoformat()
    complete_task(only_task(db, document, "handle").task_uuid, {"handling_action": "extension", "handling_note": "x",
                                                                "requested_due_date": later}, actor=specialist)
    assert candidate_ids(only_task(db, document, "decide_extension")) == {office.leader.id}


def test_a_deadline_in_the_past_is_refused_by_the_operator(office, bring_in, db):
    document = bring_in(office).document
    complete_task(only_task(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    yesterday = (vietnam_today() - timedelta(days=1)).isoformat()
    with pytest.raises(ProcessFailed, match="Hạn xử lý đã qua"):
        complete_task(only_task(db, document, "assign").task_uuid,
                      {"lead_department_id": office.units[0][0].id, "due_date": yesterday}, actor=office.leader)


def test_secret_documents_take_the_secret_book(office, bring_in, db):
    plain = bring_in(office).document
    secret = bring_in(office, number="7", secrecy="1").document
    for document in (plain, secret):
        complete_task(only_task(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    assert plain.book.code == "den" and secret.book.code == "den-mat"
    assert plain.arrival_number == 1 and secret.arrival_number == 1
