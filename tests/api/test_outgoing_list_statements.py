"""The outgoing list in the API reads every recipient's status and outbox state of a page at once: the same
statements for a page of two documents as for a page of eight (no query per document)."""
from datetime import date, datetime, timedelta

import pytest

from app.documents.models import Document, StatusChange
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from app.exchange.outbox import queue_message
from app.vietnam_time import VIETNAM

from ..factories import bearer_headers

AT = datetime(2026, 12, 1, 9, 0, tzinfo=VIETNAM)
# The token with its user and roles (one statement), the page's rows and count, the drafts with drafter and signer, the recipients
# with their outbox messages, the delivered documents, their statuses and the external statuses.
LIST_STATEMENTS = 8


def _released(db, sender, recipient_agency, number: int) -> None:
    """An outgoing document released to one agency here (delivered, at 03) and one outside (01, then 03)."""
    document = Document(agency_id=sender.agency_id, direction="outgoing", origin="internal", doc_type="CV",
                        number=str(number), notation="SNV-VP", issuer_name="Sở Nội vụ", document_date=date(2026, 12, 1),
                        subject=f"Văn bản đi {number}", status_code="01")
    delivered = Document(agency_id=recipient_agency.id, direction="incoming", origin="internal", doc_type="CV",
                         number=str(number), notation="SNV-VP", issuer_name="Sở Nội vụ",
                         document_date=date(2026, 12, 1), subject=f"Văn bản đến {number}", status_code="03")
    db.session.add_all([document, delivered])
    db.session.flush()
    delivered.statuses = [StatusChange(code="01", at=AT), StatusChange(code="03", at=AT + timedelta(hours=1))]
    message = queue_message(agency_id=sender.agency_id, kind="edoc", package=b"<edXML/>",
                            recipient_codes=["000.00.00.G22"], document_id=document.id)
    outside = OutgoingRecipient(draft_id=document.id, position=1, code="000.00.00.G22", name="Bộ Nội vụ",
                                exchange_state="sent", outbox_message=message)
    outside.external_statuses = [ExternalRecipientStatus(code=code, at=AT + timedelta(hours=hours), package_sha256="0" * 64)
                                 for code, hours in (("01", 0), ("03", 2))]
    db.session.add_all([
        OutgoingDraft(document_id=document.id, stage="released", drafter_id=sender.id, signer_id=sender.id,
                      released_at=AT),
        OutgoingRecipient(draft_id=document.id, position=0, agency_id=recipient_agency.id, code=recipient_agency.code,
                          name=recipient_agency.name, delivered_document_id=delivered.id),
        outside])
    db.session.flush()


@pytest.mark.parametrize("documents", [2, 8])
def test_the_outgoing_list_costs_the_same_statements_for_any_page(client, db, make, count_queries, documents):
    sender_agency = make.agency(code="000.00.01.H63")
    clerk = make.user(agency=sender_agency, roles=("clerk",))
    recipient_agency = make.agency(code="000.00.02.H63")
    for number in range(documents):
        _released(db, clerk, recipient_agency, number + 1)
    headers = bearer_headers(client, clerk)
    db.session.expunge_all()  # the test client's requests share the test's session: start as a request does
    with count_queries() as counted:
        listed = client.get("/api/v1/documents/outgoing?per_page=20", headers=headers)
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert len(items) == documents
    recipients = items[0]["outgoing"]["recipients"]
    assert [(r["code"], r["status"], r["outbox_state"]) for r in recipients] == [
        ("000.00.02.H63", "03", None), ("000.00.00.G22", "03", "pending")]
    assert [step["code"] for step in recipients[1]["timeline"]] == ["01", "03"]
    assert len(counted.statements) == LIST_STATEMENTS, "\n".join(counted.statements)
