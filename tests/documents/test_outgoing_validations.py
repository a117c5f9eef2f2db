"""How many times an outgoing document's PDF is really judged and inspected (pyHanko opens it) at signing
and at issuing, and how the seal is made before the number is taken.

The clerk's completion seals the file and releases it to every recipient inside the installation; each
recipient used to inspect and judge the sealed bytes again. Within one completion the same bytes against
the same roots and CRLs are judged once, and inspected once (signing.validation.verdicts_reused).
"""
from io import BytesIO
from pathlib import Path

import pytest
from flask import current_app
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from app.documents.models import Document
from app.documents.outgoing import signing_steps
from app.filestore import path_for
from app.signing import validation
from app.signing.visible import NUMBER_FIELD
from app.workflow.errors import SigningRefused

from ..call_count import count_calls
from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft


@pytest.fixture
def judged(monkeypatch):
    return count_calls(monkeypatch, validation, "_signatures_in")


@pytest.fixture
def inspected(monkeypatch):
    return count_calls(monkeypatch, validation, "_inspected")


def test_signing_and_issuing_each_judge_their_file_once_whatever_the_recipients(app, db, make, deployed,
                                                                                judged, inspected):
    sender = make_sender(app, make)
    third = make.agency(name="Sở Tài chính tỉnh Thử", short_name="STC")
    make.user(agency=third, roles=("clerk",))
    instance_id = start_draft(app, db, sender, recipients=[sender.recipient.code, third.code])
    approve_reviews(app, db, sender, instance_id)
    assert judged == [] and inspected == []

    sign(app, db, sender, instance_id)
    # The signer's fresh signature; its page count comes from the reader that judged it.
    assert len(judged) == 1 and inspected == []

    issue(app, db, sender, instance_id)
    # The sealed file only (the signer's signature must hold in it, as in the filled-in file it was sealed
    # from); the two recipients' copies reuse its verdicts instead of judging it twice more.
    assert len(judged) == 2
    assert inspected == []  # the sealed file's page count, for the sender and both recipients, from its judging
    source = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    copies = db.session.scalars(select(Document).where(Document.source_document_id == source.id)).all()
    assert {c.agency_id for c in copies} == {sender.recipient.id, third.id}
    assert all(c.signature_verdicts == source.signature_verdicts for c in copies)
    assert [(v["field_name"], v["verdict"]) for v in source.signature_verdicts] == [
        ("ChuKyNguoiKy", "valid"), ("ChuKyCoQuan", "valid")]


def _issued(db, instance_id: int) -> tuple[Document, bytes]:
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    return document, path_for(Path(current_app.config["FILES_DIR"]), document.main_file.sha256).read_bytes()


def _number_field(pdf: bytes) -> str:
    fields = PdfFileReader(BytesIO(pdf)).root["/AcroForm"]["/Fields"]
    return next(str(f.get_object()["/V"]) for f in fields if f.get_object().get("/T") == NUMBER_FIELD)


def test_the_seal_is_made_before_the_book_is_locked(app, db, make, deployed, monkeypatch):
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    order = []
    real_take, real_seal = signing_steps.take_number, signing_steps._sealed
    monkeypatch.setattr(signing_steps, "take_number", lambda *a, **k: order.append("take") or real_take(*a, **k))
    monkeypatch.setattr(signing_steps, "_sealed", lambda *a: order.append(("seal", a[1])) or real_seal(*a))

    issue(app, db, sender, instance_id)
    assert order == [("seal", 1), "take"]  # the book's row is locked only once the slow work is done
    with app.test_request_context():
        document, pdf = _issued(db, instance_id)
        assert (document.number, document.arrival_number, _number_field(pdf)) == ("01", 1, "01")


def test_a_number_taken_meanwhile_is_sealed_again_with_the_number_kept(app, db, make, deployed, monkeypatch):
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    real_book_and_guess = signing_steps.outgoing_book_and_likely_number
    monkeypatch.setattr(signing_steps, "outgoing_book_and_likely_number",  # a stale guess
                        lambda *a, **k: (real_book_and_guess(*a, **k)[0], 7))
    sealed = count_calls(monkeypatch, signing_steps, "_sealed")

    issue(app, db, sender, instance_id)
    assert [call[1] for call in sealed] == [7, 1]
    with app.test_request_context():
        document, pdf = _issued(db, instance_id)
        assert (document.number, document.arrival_number, _number_field(pdf)) == ("01", 1, "01")
        assert document.symbol.startswith("01/")
        assert [(v["field_name"], v["verdict"]) for v in document.signature_verdicts] == [
            ("ChuKyNguoiKy", "valid"), ("ChuKyCoQuan", "valid")]


def test_a_signer_signature_broken_before_issuing_is_refused_and_numbers_nothing(app, db, make, deployed):
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    with app.test_request_context():
        document, signed = _issued(db, instance_id)
        path = path_for(Path(current_app.config["FILES_DIR"]), document.main_file.sha256)
    assert b"WeasyPrint" in signed[:signed.index(b"/ByteRange")]  # the rendered letter's, which the signer signed
    path.write_bytes(signed.replace(b"WeasyPrint", b"WeasyPrinT", 1))

    savepoint = db.session.begin_nested()
    with pytest.raises(SigningRefused, match="Chữ ký số của người ký không hợp lệ .*không thể đóng dấu"):
        issue(app, db, sender, instance_id)
    savepoint.rollback()
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    assert (document.number, document.arrival_number, len(document.signature_verdicts)) == ("", None, 1)
