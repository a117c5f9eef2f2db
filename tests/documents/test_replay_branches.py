"""Replay matches along every branch of the shipped processes: refusal, extension, return and reassignment,
giao việc's extension and rework, a recall agreed (the recipient's case cancelled) and its own case."""
from datetime import timedelta

from sqlalchemy import select

from app.documents.models import Document
from app.documents.outgoing.recall import request_recall
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.replay import replay
from app.workflow.runtime import complete_task, start_instance

from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft

LATER = (vietnam_today() + timedelta(days=20)).isoformat()


def _task(db, instance_id, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.spec_id == spec_id)).first()


def _assert_matches(app, db, instance_id):
    db.session.expire_all()
    with app.test_request_context():
        result = replay(db.session.get(ProcessInstance, instance_id))
    assert result.matches, (instance_id, result.divergent_seq, result.problem)


def test_a_refused_delivery_replays(app, db, office, bring_in):
    document = bring_in(office, origin="internal", actor=None).document
    complete_task(_task(db, document.instance_id, "receive").task_uuid,
                  {"receive_decision": "refuse", "refusal_reason": "Gửi nhầm cơ quan"}, actor=office.clerk)
    _assert_matches(app, db, document.instance_id)


def test_extension_return_and_reassignment_replay(app, db, office, bring_in):
    document = bring_in(office).document
    (unit_a, _head_a, specialist_a), (unit_b, head_b, specialist_b) = office.units
    instance_id = document.instance_id
    complete_task(_task(db, instance_id, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(_task(db, instance_id, "assign").task_uuid, {"lead_department_id": unit_a.id,
                  "lead_user": specialist_a.username, "due_date": LATER}, actor=office.leader)
    complete_task(_task(db, instance_id, "handle").task_uuid, {"handling_action": "extension",
                  "handling_note": "Cần thêm số liệu", "requested_due_date": LATER}, actor=specialist_a)
    complete_task(_task(db, instance_id, "decide_extension").task_uuid,
                  {"extension_granted": True, "new_due_date": LATER}, actor=office.leader)
    complete_task(_task(db, instance_id, "handle").task_uuid,
                  {"handling_action": "return", "handling_note": "Không thuộc chức năng phòng"}, actor=specialist_a)
    complete_task(_task(db, instance_id, "reassign").task_uuid,
                  {"lead_department_id": unit_b.id, "lead_user": None, "due_date": LATER}, actor=office.leader)
    complete_task(_task(db, instance_id, "dispatch_lead").task_uuid, {"specialist": specialist_b.username},
                  actor=head_b)
    _assert_matches(app, db, instance_id)


def test_giao_viec_with_extension_and_rework_replays(app, db, make, deployed):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    specialist = make.user(agency=agency, roles=("specialist",))
    due = (vietnam_today() + timedelta(days=5)).isoformat()
    with app.test_request_context():
        instance = start_instance("assign_work", actor=leader)
        steps = [("assign", leader, {"work_title": "Tổng hợp báo cáo quý", "description": "Số liệu các phòng",
                                     "assignee": specialist.username, "due_date": due}),
                 ("report", specialist, {"report_kind": "extension", "progress_note": "Cần thêm thời gian",
                                         "requested_due_date": LATER}),
                 ("decide_extension", leader, {"extension_granted": True, "new_due_date": LATER}),
                 ("report", specialist, {"report_kind": "finished", "progress_note": "Đã xong"}),
                 ("review", leader, {"review_decision": "rework", "review_comment": "Bổ sung số liệu"}),
                 ("report", specialist, {"report_kind": "finished", "progress_note": "Đã bổ sung"}),
                 ("review", leader, {"review_decision": "accept"})]
        for spec_id, actor, data in steps:
            complete_task(_task(db, instance.id, spec_id).task_uuid, data, actor=actor)
    assert db.session.get(ProcessInstance, instance.id).status == "completed"
    _assert_matches(app, db, instance.id)


def test_an_agreed_recall_replays_on_both_sides(app, db, make, deployed):
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    copy = db.session.scalars(select(Document).where(Document.source_document_id == document.id)).one()
    with app.test_request_context():
        request_recall(document, actor=sender.clerk, reason="Sai số liệu")
        decide = db.session.scalars(select(HumanTask).where(HumanTask.subject_id == str(copy.id),
                                                            HumanTask.spec_id == "decide")).one()
        complete_task(decide.task_uuid, {"recall_decision": "agree", "recall_note": None},
                      actor=sender.recipient_clerk)
    assert db.session.get(ProcessInstance, copy.instance_id).status == "cancelled"
    for replayed in (instance_id, copy.instance_id, decide.instance_id):
        _assert_matches(app, db, replayed)
