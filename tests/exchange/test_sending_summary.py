"""How far the packages of a released document went outside: a few words per document in "Văn bản đi", and
`outbox_state` on each recipient of the outgoing API (the document page shows it already)."""
import re
from datetime import timedelta

from sqlalchemy import select

from app.directory.models import Agency
from app.exchange.outbox import queue_message, send_due_messages
from app.exchange.transport import TransportRefused

from ..factories import bearer_headers
from .doubles import RecordingTransport
from .test_status_receipt import AT, OURS, THEIRS, make_outgoing, receive, status

MINISTRY = "000.00.00.G03"


def _sent_to_two(app, db, make):
    """Our document to two agencies outside, each by its own package: one on the axis, one refused by it;
    the first answered 01 then 03."""
    document, draft = make_outgoing(db, make, recipients=((THEIRS, "Sở Tài chính tỉnh B"), (MINISTRY, "Bộ Nội vụ")))
    for recipient in draft.recipients:
        recipient.outbox_message_id = queue_message(agency_id=document.agency_id, kind="edoc", package=b"<edXML/>",
                                                    recipient_codes=[recipient.code], document_id=document.id).id
    clerk = make.user(agency=db.session.scalars(select(Agency).where(Agency.code == OURS)).one(), roles=("clerk",))
    db.session.commit()
    transport = RecordingTransport(["ok", TransportRefused("Mã định danh không có trên trục.")])
    assert send_due_messages(transport) == {"sent": 1, "retry": 0, "dead": 1, "lost": 0}
    receive(app, status("03", AT + timedelta(hours=1)))
    receive(app, status("01", AT))  # arrived late: the latest is still 03
    db.session.commit()
    return document, clerk


def test_the_released_list_sums_up_the_sending_outside(app, db, make, client, login):
    document, clerk = _sent_to_two(app, db, make)
    login(clerk)
    page = client.get("/van-ban-di").get_data(as_text=True)
    [summary] = re.findall(r"<div[^>]*data-external-sending>(.*?)</div>", page, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    assert text == "2 nơi ngoài: 1 đã gửi, 1 gửi lỗi; mới nhất 03 · Đã tiếp nhận Sở Tài chính tỉnh B"


def test_a_package_not_yet_queued_counts_as_waiting_and_inside_recipients_are_not_counted(db, make):
    from app.documents.outgoing.lists import external_sending

    document, _draft = make_outgoing(db, make)
    assert external_sending([document])[document.id].counts() == ["1 chờ gửi"]
    internal = make.agency()
    for recipient in _draft.recipients:
        recipient.agency_id = internal.id
    db.session.flush()
    assert external_sending([document]) == {}


def test_the_outgoing_api_gives_each_recipient_its_outbox_state(app, db, make, client):
    document, clerk = _sent_to_two(app, db, make)
    auth = bearer_headers(client, clerk)
    outgoing = client.get(f"/api/v1/documents/{document.id}/outgoing", headers=auth).get_json()["outgoing"]
    assert [(r["code"], r["outbox_state"], r["status"]) for r in outgoing["recipients"]] == [
        (THEIRS, "sent", "03"), (MINISTRY, "dead", None)]
    [listed] = client.get("/api/v1/documents/outgoing", headers=auth).get_json()["items"]
    assert [r["outbox_state"] for r in listed["outgoing"]["recipients"]] == ["sent", "dead"]


def test_the_summary_costs_the_same_statements_for_one_document_or_three(app, db, make, client, login,
                                                                         count_queries):
    document, clerk = _sent_to_two(app, db, make)
    login(clerk)

    def statements() -> int:
        db.session.expire_all()  # the test client's requests share the test's session: nothing loaded is reused
        with count_queries() as counted:
            assert client.get("/van-ban-di").status_code == 200
        return len(counted.statements)

    one = statements()
    for number in ("16", "17"):
        make_outgoing(db, make, number=number, recipients=((THEIRS, "Sở Tài chính tỉnh B"), (MINISTRY, "Bộ Nội vụ")))
    db.session.commit()
    assert statements() == one
