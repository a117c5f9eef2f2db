"""Thu hồi: the sender asks (13); one recipient's clerk agrees (15: out of the lists, handling cancelled),
another refuses (16, with the note); the sender sees both."""
import pytest
from sqlalchemy import select

from app.documents.models import Document
from app.documents.outgoing.page import recipient_statuses
from app.documents.outgoing.recall import request_recall
from app.documents.search import IncomingFilters, incoming_query
from app.workflow.errors import OperatorRefused
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task

from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft, task_of


@pytest.fixture
def released(app, db, make, deployed):
    sender = make_sender(app, make)
    second = make.agency(name="Sở Tài chính tỉnh Thử", short_name="STC")
    second_clerk = make.user(agency=second, roles=("clerk",))
    instance_id = start_draft(app, db, sender, recipients=[sender.recipient.code, second.code])
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    return sender, document, second_clerk


def copy_at(db, document, agency_id) -> Document:
    return db.session.scalars(select(Document).where(Document.source_document_id == document.id,
                                                     Document.agency_id == agency_id)).one()


def test_recall_is_agreed_by_one_recipient_and_refused_by_the_other(app, db, released):
    sender, document, second_clerk = released
    first_copy = copy_at(db, document, sender.recipient.id)
    second_copy = copy_at(db, document, second_clerk.agency_id)
    with app.test_request_context():
        with pytest.raises(OperatorRefused, match="Nêu lý do"):
            request_recall(document, actor=sender.clerk, reason=" ")
        with pytest.raises(OperatorRefused, match="văn thư hoặc lãnh đạo"):
            request_recall(document, actor=sender.specialist, reason="Sai số liệu")
        assert request_recall(document, actor=sender.clerk, reason="Sai số liệu ở đoạn 2") == 2
    assert (first_copy.status_code, second_copy.status_code) == ("13", "13")

    agree = task_of(db, _recall_instance(db, first_copy), "decide")
    assert {c.user_id for c in agree.candidates} == {sender.recipient_clerk.id}
    with app.test_request_context():
        complete_task(agree.task_uuid, {"recall_decision": "agree", "recall_note": None},
                      actor=sender.recipient_clerk)
        complete_task(task_of(db, _recall_instance(db, second_copy), "decide").task_uuid,
                      {"recall_decision": "refuse", "recall_note": "Đã triển khai, đề nghị ban hành văn bản đính chính"},
                      actor=second_clerk)
    assert first_copy.status_code == "15" and second_copy.status_code == "16"
    handling = db.session.get(ProcessInstance, first_copy.instance_id)
    assert handling.status == "cancelled"
    assert db.session.scalars(select(HumanTask).where(HumanTask.instance_id == handling.id)).all() == []
    with app.test_request_context():
        listed = db.session.scalars(incoming_query(sender.recipient_clerk, IncomingFilters.from_args({}))).all()
    assert first_copy not in listed
    lines = {line.name: line for line in recipient_statuses(_draft(db, document))}
    assert lines["Sở Nội vụ tỉnh Thử"].status_code == "15"
    assert (lines["Sở Tài chính tỉnh Thử"].status_code, lines["Sở Tài chính tỉnh Thử"].note) == (
        "16", "Đã triển khai, đề nghị ban hành văn bản đính chính")


def _recall_instance(db, copy: Document) -> int:
    return db.session.scalars(select(HumanTask.instance_id).where(HumanTask.subject_id == str(copy.id),
                                                                  HumanTask.spec_id == "decide")).one()


def _draft(db, document):
    from app.documents.outgoing.models import OutgoingDraft
    return db.session.get(OutgoingDraft, document.id)


def test_a_replacement_supersedes_the_released_document_at_each_recipient(app, db, released, login, client):
    from app.documents.models import DocumentLink
    from app.documents.outgoing.models import OutgoingDraft
    from app.documents.outgoing.replacement import replacement_data
    from app.workflow.runtime import start_instance

    from .outgoing_setup import approve_reviews, issue, sign

    sender, document, _second_clerk = released
    old_copy = copy_at(db, document, sender.recipient.id)
    with app.test_request_context():
        instance = start_instance("outgoing_document", actor=sender.specialist,
                                  data=replacement_data(db.session.get(OutgoingDraft, document.id)))
        draft_task = task_of(db, instance.id, "draft")
        complete_task(draft_task.task_uuid, {"subject": document.subject + " (thay thế)"}, actor=sender.specialist)
    approve_reviews(app, db, sender, instance.id)
    sign(app, db, sender, instance.id)
    issue(app, db, sender, instance.id)
    replacement = db.session.scalars(select(Document).where(Document.instance_id == instance.id)).one()
    assert replacement.symbol == "02/VPUBND-TH"
    assert db.session.get(OutgoingDraft, document.id).stage == "replaced"
    new_copy = copy_at(db, replacement, sender.recipient.id)
    links = {(link.document_id, link.kind, link.related_id) for link in db.session.scalars(select(DocumentLink))}
    assert (new_copy.id, "replaces", old_copy.id) in links and (old_copy.id, "replaced_by", new_copy.id) in links
    assert (replacement.id, "replaces", document.id) in links
    login(sender.recipient_clerk)
    page = client.get(f"/van-ban/{old_copy.id}").get_data(as_text=True)
    assert "Được thay thế bởi" in page and f'href="/van-ban/{new_copy.id}"' in page
