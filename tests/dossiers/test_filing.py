"""Lưu hồ sơ: a link, never a copy; numbers in filing order; refusals; secrecy; two people at once."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.documents.access import open_document
from app.documents.models import DocumentFile
from app.dossiers import filing, services
from app.dossiers.models import DossierDocument
from app.extensions import db as _db

from ..factories import Factory
from ..parallel import run_in_parallel
from ..pdf_samples import minimal_pdf
from .conftest import Office, add_document, add_dossier


def _stored_files(app) -> int:
    return sum(1 for path in Path(app.config["FILES_DIR"]).rglob("*") if path.is_file())


def _file(app, document, dossiers, actor):
    with app.test_request_context():
        return filing.file_document(document, [d.id for d in dossiers], actor=actor)


def _refusal(call) -> dict:
    with pytest.raises(services.DossierRefused) as refused:
        call()
    return refused.value.fields


def test_filing_into_two_dossiers_keeps_one_stored_file(app, db, office, document, dossier):
    handled = document(office.agency, pdf=minimal_pdf("Quyet dinh luu hai ho so"))
    first, second = dossier(office, "TC.01"), dossier(office, "TC.02")
    files_before = _stored_files(app)
    rows_before = db.session.scalar(select(func.count(DocumentFile.id)))
    links = _file(app, handled, [first, second], office.clerk)
    assert [(link.dossier_id, link.position) for link in links] == [(first.id, 1), (second.id, 1)]
    assert _stored_files(app) == files_before  # nothing copied in the file store
    assert db.session.scalar(select(func.count(DocumentFile.id))) == rows_before  # nor a second file row
    assert [d.code for d, _position in filing.dossiers_of(handled)] == [first.code, second.code]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "document_filed")
                                .order_by(AuditEvent.seq)).all()[-2:]
    assert [(e.subject_id, e.data["document_id"], e.data["position"]) for e in events] == [
        (str(first.id), handled.id, 1), (str(second.id), handled.id, 1)]


def test_documents_are_numbered_in_filing_order(app, db, office, document, dossier):
    from datetime import date
    target = dossier(office)
    later, earlier = (document(office.agency, document_date=date(2026, 5, 1)),
                      document(office.agency, document_date=date(2026, 1, 5)))
    for handled in (later, earlier):
        _file(app, handled, [target], office.clerk)
    with app.test_request_context():
        rows = filing.contents(target, office.clerk)
    assert [(row.position, row.document_id) for row in rows] == [(1, later.id), (2, earlier.id)]


def test_filing_the_same_document_twice_is_refused_and_nothing_half_written(app, db, office, document, dossier):
    handled = document(office.agency)
    first, second = dossier(office, "TC.01"), dossier(office, "TC.02")
    _file(app, handled, [first], office.clerk)
    with app.test_request_context():
        message = _refusal(lambda: filing.file_document(handled, [first.id, second.id], actor=office.leader))
    assert message == {"dossier_ids": f"Văn bản đã có trong hồ sơ {first.code}."}
    assert db.session.scalar(select(func.count()).where(DossierDocument.dossier_id == second.id)) == 0


def test_only_handled_documents_of_the_agency_go_into_its_open_dossiers(app, db, office, document, dossier):
    open_one = document(office.agency, status="05")
    handled = document(office.agency)
    target = dossier(office)
    foreign = dossier(office, "TC.09", actor=office.other_clerk)
    with app.test_request_context():
        assert "đã xử lý xong" in _refusal(lambda: filing.file_document(open_one, [target.id], actor=office.clerk))[
            "__form__"]
        assert _refusal(lambda: filing.file_document(handled, [foreign.id], actor=office.clerk)) == {
            "dossier_ids": "Chọn hồ sơ trong danh mục của cơ quan."}
        target.status = "closed"
        assert "đã đóng" in _refusal(lambda: filing.file_document(handled, [target.id], actor=office.clerk))[
            "dossier_ids"]


@pytest.mark.parametrize("values, message", [
    ([], "Chọn ít nhất một hồ sơ."),
    (["abc"], "Chọn hồ sơ trong danh mục của cơ quan."),
    (["99999999999999999999"], "Chọn hồ sơ trong danh mục của cơ quan."),
    (["-1"], "Chọn hồ sơ trong danh mục của cơ quan."),
    ([str(n) for n in range(1, 60)], "Chọn tối đa 50 hồ sơ một lần."),
])
def test_chosen_dossier_ids_are_read_strictly(app, values, message):
    with app.test_request_context():
        assert _refusal(lambda: filing.dossier_ids_from(values)) == {"dossier_ids": message}


def test_who_may_file(app, db, office, document, make):
    (_unit, handler), (_other_unit, bystander) = office.units
    handled = document(office.agency, lead_user=handler)
    assert filing.may_file(handled, office.clerk) and filing.may_file(handled, office.leader)
    assert filing.may_file(handled, handler) and not filing.may_file(handled, bystander)
    assert not filing.may_file(handled, make.user(agency=office.agency, roles=("format_checker",)))
    assert not filing.may_file(handled, office.other_clerk)
    auditor = make.user(roles=("auditor",), province_wide=True)
    assert not filing.may_file(handled, auditor)
    # Outgoing: released (or recalled since) counts as handled; its drafter may file it.
    released = document(office.agency, direction="outgoing", drafter=handler, status="01")
    drafting = document(office.agency, direction="outgoing", drafter=handler, stage="signing", status="01")
    assert filing.is_handled(released) and not filing.is_handled(drafting)
    assert filing.may_file(released, handler) and not filing.may_file(released, bystander)


def test_a_secret_documents_subject_is_hidden_in_the_contents_from_those_who_may_not_read_it(
        app, db, office, document, dossier):
    secret = document(office.agency, secrecy=1, clerk=office.clerk, subject="V/v phương án bảo vệ bí mật")
    ordinary = document(office.agency)
    target = dossier(office)
    with app.test_request_context():
        assert open_document(secret.id, office.leader) is None  # the single rule: only its clerk here
        _file(app, secret, [target], office.clerk)
        _file(app, ordinary, [target], office.leader)
        for_clerk = filing.contents(target, office.clerk)
        for_leader = filing.contents(target, office.leader)
    assert [r.subject for r in for_clerk][0] == "V/v phương án bảo vệ bí mật"
    hidden = for_leader[0]
    assert hidden.hidden and (hidden.subject, hidden.symbol, hidden.author) == ("", "", "")
    assert not for_leader[1].hidden and for_leader[1].subject == ordinary.subject


def _office_committed(app, committed_db) -> tuple[Office, list[int], int]:
    """An office, eight handled documents and one dossier, committed so that threads see them."""
    make = Factory(committed_db)
    agency = make.agency(code="000.00.22.H63")
    clerk, leader = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("leader",))
    from app.dossiers.models import RetentionPeriod
    period = RetentionPeriod(name="Thử song song", years=5, examples="")
    committed_db.session.add(period)
    committed_db.session.flush()
    office = Office(agency, clerk, leader, [], None, None, period)
    with app.test_request_context():
        documents = [add_document(app, committed_db, agency, pdf=minimal_pdf(f"Van ban {n}")).id for n in range(8)]
        target = add_dossier(office, "TH.01")
    committed_db.session.commit()
    return office, documents, target.id


def test_people_filing_at_once_get_different_numbers(app, committed_db):
    office, documents, dossier_id = _office_committed(app, committed_db)
    clerk_id, leader_id = office.clerk.id, office.leader.id
    committed_db.session.remove()

    def file_one(worker: int):
        from app.directory.models import User
        from app.documents.models import Document
        actor = _db.session.get(User, clerk_id if worker % 2 else leader_id)
        filing.file_document(_db.session.get(Document, documents[worker]), [dossier_id], actor=actor)
        _db.session.commit()

    assert run_in_parallel(app, len(documents), file_one) == []
    positions = committed_db.session.scalars(select(DossierDocument.position).where(
        DossierDocument.dossier_id == dossier_id).order_by(DossierDocument.position)).all()
    assert positions == list(range(1, len(documents) + 1))


def test_the_same_document_filed_twice_at_once_is_filed_once(app, committed_db):
    office, documents, dossier_id = _office_committed(app, committed_db)
    clerk_id, leader_id, document_id = office.clerk.id, office.leader.id, documents[0]
    committed_db.session.remove()

    def file_same(worker: int):
        from app.directory.models import User
        from app.documents.models import Document
        actor = _db.session.get(User, clerk_id if worker else leader_id)
        filing.file_document(_db.session.get(Document, document_id), [dossier_id], actor=actor)
        _db.session.commit()

    errors = run_in_parallel(app, 2, file_same)
    assert len(errors) == 1 and "Văn bản đã có trong hồ sơ" in errors[0]
    assert committed_db.session.scalar(select(func.count()).where(DossierDocument.dossier_id == dossier_id)) == 1


def test_the_service_itself_refuses_a_secret_document_to_a_leader_who_may_not_read_it(app, db, office, document,
                                                                                      dossier):
    secret = document(office.agency, secrecy=1, clerk=office.clerk)
    target = dossier(office)
    with app.test_request_context():
        assert "__form__" in _refusal(lambda: filing.file_document(secret, [target.id], actor=office.leader))
        assert filing.file_document(secret, [target.id], actor=office.clerk)[0].position == 1
