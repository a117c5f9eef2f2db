"""Two systems exchange packages through the real stand-in over HTTP, with the real adapter."""
import pytest

from app.exchange.axis import AxisRefused

from .conftest import AGENCY_A, AGENCY_B, AGENCY_B2

# Opaque bytes: a BOM, bytes before the declaration and non-UTF-8 bytes must all survive unchanged.
PACKAGE = (b"\xef\xbb\xbf  <?xml version='1.0' encoding='UTF-8'?><edXML:edXML "
           b"xmlns:edXML='http://www.mic.gov.vn/TBT/QCVN_102_2016'>V\xc4\x83n b\xe1\xba\xa3n \xff\x00</edXML:edXML>")
STATUS_PACKAGE = b"<edXML:Status>03</edXML:Status>"


def test_a_sends_and_b_gets_the_exact_bytes_then_acknowledges(system_a, system_b):
    sent_id = system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)

    [waiting] = system_b.get_received_edoc_list("edoc")
    assert (waiting.from_code, waiting.to_code, waiting.message_type) == (AGENCY_A, AGENCY_B, "edoc")
    assert waiting.doc_id != sent_id  # the receiver's id of its delivery, as getSentEdocList tells apart
    assert system_b.get_edoc(waiting.doc_id) == PACKAGE

    system_b.update_status(waiting.doc_id, "done")
    assert system_b.get_received_edoc_list("edoc") == []
    system_b.update_status(waiting.doc_id, "done")  # a receiver that crashed after acking acks again
    [row] = system_a.get_sent_edoc_list(sent_id)
    assert (row.sender_doc_id, row.receiver_doc_id, row.to_code) == (sent_id, waiting.doc_id, AGENCY_B)
    assert row.receive_status == "done" and row.received_time


def test_unacknowledged_packages_are_listed_again(system_a, system_b):
    system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
    [first] = system_b.get_received_edoc_list()
    system_b.get_edoc(first.doc_id)  # fetched, then the receiver crashed before acknowledging

    assert [item.doc_id for item in system_b.get_received_edoc_list()] == [first.doc_id]
    system_b.update_status(first.doc_id, "processing")
    [again] = system_b.get_received_edoc_list()
    assert (again.doc_id, again.status) == (first.doc_id, "processing")
    assert system_b.get_edoc(first.doc_id) == PACKAGE

    system_b.update_status(first.doc_id, "fail")
    assert system_b.get_received_edoc_list() == []
    assert system_a.get_sent_edoc_list()[0].receive_status == "fail"


def test_each_recipient_agency_gets_its_own_delivery(system_a, system_b):
    sent_id = system_a.send_edoc(PACKAGE, to=[AGENCY_B, AGENCY_B2, AGENCY_B], sender=AGENCY_A)

    waiting = system_b.get_received_edoc_list()
    assert sorted(item.to_code for item in waiting) == [AGENCY_B, AGENCY_B2]
    system_b.update_status(waiting[0].doc_id, "done")
    assert [item.doc_id for item in system_b.get_received_edoc_list()] == [waiting[1].doc_id]
    statuses = {row.to_code: row.receive_status for row in system_a.get_sent_edoc_list(sent_id)}
    assert statuses == {waiting[0].to_code: "done", waiting[1].to_code: "pending"}
    assert system_a.get_received_edoc_list() == []  # nothing was addressed to A


def test_status_packages_route_back_to_the_sender_system(system_a, system_b):
    system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
    system_b.send_edoc(STATUS_PACKAGE, to=[AGENCY_A], sender=AGENCY_B, message_type="status")

    assert system_a.get_received_edoc_list("edoc") == []
    [status] = system_a.get_received_edoc_list("status")
    assert (status.from_code, status.to_code, status.message_type) == (AGENCY_B, AGENCY_A, "status")
    assert system_a.get_edoc(status.doc_id) == STATUS_PACKAGE
    assert system_b.get_received_edoc_list("status") == []
    assert len(system_b.get_received_edoc_list("edoc")) == 1


def test_an_unknown_recipient_is_refused_and_nothing_is_queued(system_a, system_b):
    with pytest.raises(AxisRefused) as refused:
        system_a.send_edoc(PACKAGE, to=[AGENCY_B, "999.99.99.H99"], sender=AGENCY_A)

    assert refused.value.status_code == 400
    assert "999.99.99.H99" in refused.value.reason
    assert system_b.get_received_edoc_list() == []
    with pytest.raises(AxisRefused):
        system_a.send_edoc(PACKAGE, to=[], sender=AGENCY_A)


def test_a_system_cannot_send_as_another_systems_agency(system_a, system_b):
    with pytest.raises(AxisRefused) as refused:
        system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_B2)

    assert refused.value.status_code == 403
    assert system_b.get_received_edoc_list() == []


def test_a_system_cannot_read_or_acknowledge_another_systems_delivery(system_a, system_b):
    system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
    [waiting] = system_b.get_received_edoc_list()

    with pytest.raises(AxisRefused) as refused:
        system_a.get_edoc(waiting.doc_id)
    assert refused.value.status_code == 404
    with pytest.raises(AxisRefused):
        system_a.update_status(waiting.doc_id, "done")
    assert [item.doc_id for item in system_b.get_received_edoc_list()] == [waiting.doc_id]


def test_the_directory_lists_every_agency_and_takes_registrations(system_a, system_b):
    directory = {agency.code: agency for agency in system_a.get_agencies_list()}
    assert set(directory) == {AGENCY_A, AGENCY_B, AGENCY_B2}
    assert directory[AGENCY_B].name == "Sở Tài chính tỉnh B"
    assert directory[AGENCY_B].parent_code == "000.00.00.H00"

    system_a.register_agency(code="000.01.01.H63", name="Phòng Tổ chức", parent_code=AGENCY_A, mail="tc@a.vn")
    system_a.register_agency(code="000.01.01.H63", name="Phòng Tổ chức cán bộ", parent_code=AGENCY_A)
    renamed = {agency.code: agency.name for agency in system_b.get_agencies_list()}
    assert renamed["000.01.01.H63"] == "Phòng Tổ chức cán bộ"
    system_b.send_edoc(PACKAGE, to=["000.01.01.H63"], sender=AGENCY_B)
    assert [item.to_code for item in system_a.get_received_edoc_list()] == ["000.01.01.H63"]

    with pytest.raises(AxisRefused) as refused:
        system_a.register_agency(code=AGENCY_B, name="Chiếm mã của B")
    assert refused.value.status_code == 409
    assert {agency.code: agency.name for agency in system_b.get_agencies_list()}[AGENCY_B] == "Sở Tài chính tỉnh B"
