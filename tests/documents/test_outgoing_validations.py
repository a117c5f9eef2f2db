"""How many times an outgoing document's PDF is really judged and inspected (pyHanko opens it) at signing
and at issuing.

The clerk's completion seals the file and releases it to every recipient inside the installation; each
recipient used to inspect and judge the sealed bytes again. Within one completion the same bytes against
the same roots and CRLs are judged once, and inspected once (signing.validation.verdicts_reused).
"""
import pytest
from sqlalchemy import select

from app.documents.models import Document
from app.signing import validation

from ..call_count import count_calls
from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft


@pytest.fixture
def judged(monkeypatch):
    return count_calls(monkeypatch, validation, "_signatures_in")


@pytest.fixture
def inspected(monkeypatch):
    return count_calls(monkeypatch, validation, "_inspected")


def test_signing_judges_the_signed_file_once_and_issuing_twice_whatever_the_recipients(app, db, make, deployed,
                                                                                         judged, inspected):
    sender = make_sender(app, make)
    third = make.agency(name="Sở Tài chính tỉnh Thử", short_name="STC")
    make.user(agency=third, roles=("clerk",))
    instance_id = start_draft(app, db, sender, recipients=[sender.recipient.code, third.code])
    approve_reviews(app, db, sender, instance_id)
    assert judged == [] and inspected == []

    sign(app, db, sender, instance_id)
    assert len(judged) == 1 and len(inspected) == 1  # the signer's fresh signature; its page count

    issue(app, db, sender, instance_id)
    # The filled-in file before the seal (the signer's signature must hold), the sealed file after; the
    # two recipients' copies reuse the sealed file's verdicts instead of judging it twice more.
    assert len(judged) == 3
    assert len(inspected) == 2  # the sealed file's page count, for the sender and both recipients
    source = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    copies = db.session.scalars(select(Document).where(Document.source_document_id == source.id)).all()
    assert {c.agency_id for c in copies} == {sender.recipient.id, third.id}
    assert all(c.signature_verdicts == source.signature_verdicts for c in copies)
    assert [(v["field_name"], v["verdict"]) for v in source.signature_verdicts] == [
        ("ChuKyNguoiKy", "valid"), ("ChuKyCoQuan", "valid")]
