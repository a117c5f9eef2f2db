"""Đóng hồ sơ: frozen, PDF/A copies beside the untouched signed original, audited; legal hold; one winner."""
import io
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.documents.models import DocumentFile
from app.dossiers import closing, filing, preservation, services
from app.dossiers.models import CLOSED, Dossier
from app.dossiers.pdfa import check_pdfa
from app.dossiers.preservation import PreservationCopy
from app.extensions import db as _db
from app.filestore import path_for
from app.signing.demo_pki import ensure_demo_pki
from app.signing.pades import sign_pdf
from app.signing.validation import validate_pdf_signatures

from ..parallel import run_in_parallel
from ..pdf_samples import minimal_pdf
from .conftest import Office, add_document, add_dossier


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    demo = ensure_demo_pki(tmp_path_factory.mktemp("pki"))
    return demo, demo.issue_person("nguyenvanan", "Nguyễn Văn An", "Sở Nội vụ thử")


def _refusal(call) -> str:
    with pytest.raises(services.DossierRefused) as refused:
        call()
    return next(iter(refused.value.fields.values()))


def _filed(app, office, dossier, *documents):
    with app.test_request_context():
        for document in documents:
            filing.file_document(document, [dossier.id], actor=office.clerk)


def _close(app, db, dossier, actor):
    db.session.commit()  # the caller's work is saved; closing ends the read transaction before converting
    with app.test_request_context():
        return closing.run_closing(dossier, actor=actor, files_dir=Path(app.config["FILES_DIR"]))


def _blobs(app) -> set[str]:
    return {path.name for path in Path(app.config["FILES_DIR"]).rglob("*") if path.is_file()}


def test_an_empty_dossier_is_not_closed(app, db, office, dossier):
    empty = dossier(office)
    with app.test_request_context():
        reason = _refusal(lambda: closing.check_closable(empty, actor=office.clerk))
    assert reason.startswith("Hồ sơ chưa có văn bản nào, không đóng được.")
    assert empty.is_open


def test_closing_keeps_the_signed_original_and_adds_a_pdfa_copy(app, db, office, document, dossier, pki):
    demo, person = pki
    signed_bytes = sign_pdf(minimal_pdf("Quyet dinh da ky", pages=2), person, reason="Phê duyệt")
    signed = document(office.agency, pdf=signed_bytes)
    plain = document(office.agency, pdf=minimal_pdf("Cong van thuong"))
    target = dossier(office)
    _filed(app, office, target, signed, plain)
    result = _close(app, db, target, office.leader)

    closed = db.session.get(Dossier, target.id)
    assert (closed.status, result.documents, result.converted, result.failures) == (CLOSED, 2, 2, [])
    assert closed.closed_at is not None
    main = signed.main_file
    copy = db.session.scalar(select(PreservationCopy).where(PreservationCopy.document_file_id == main.id))
    assert copy.source_sha256 == main.sha256 and copy.pdfa_sha256 != main.sha256
    assert copy.converter.startswith("Ghostscript") and copy.failure is None
    # The original is where it was, byte for byte, and its signature still validates.
    original = path_for(Path(app.config["FILES_DIR"]), main.sha256).read_bytes()
    assert original == signed_bytes
    [verdict] = validate_pdf_signatures(original, trust_roots=[demo.trust_root], crls=demo.crls())
    assert verdict.verdict == "valid"
    assert db.session.scalar(select(DocumentFile.sha256).where(DocumentFile.id == main.id)) == main.sha256
    # The copy is PDF/A-2b with the pages of the original.
    copy_path = path_for(Path(app.config["FILES_DIR"]), copy.pdfa_sha256)
    report = check_pdfa(copy_path)
    assert report.ok and (report.part, report.conformance) == ("2", "B")
    with pikepdf.open(copy_path) as pdf:
        assert len(pdf.pages) == 2
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "dossier_closed")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.subject_id == str(target.id) and event.data["documents"] == 2
    assert {c["pdfa_sha256"] for c in event.data["preservation_copies"]} == {
        c.pdfa_sha256 for c in db.session.scalars(select(PreservationCopy).where(PreservationCopy.dossier_id == target.id))}


def test_a_closed_dossier_refuses_every_change_and_closing_again(app, db, office, document, dossier):
    target = dossier(office)
    _filed(app, office, target, document(office.agency))
    _close(app, db, target, office.clerk)
    target = db.session.get(Dossier, target.id)
    later = document(office.agency)
    with app.test_request_context():
        assert "đã đóng" in _refusal(lambda: filing.file_document(later, [target.id], actor=office.clerk))
        assert "đã đóng" in _refusal(lambda: services.update_dossier(
            target, actor=office.clerk, notation="TC.09", title="Đổi", department_id=None, responsible_id=None,
            retention_id=office.period.id, access="public", note=""))
        assert "không mở lại được" in _refusal(lambda: closing.check_closable(target, actor=office.clerk))


def test_a_file_that_cannot_be_converted_is_recorded_and_the_dossier_closes(app, db, office, document, dossier):
    from tests.signing.conftest import _make_pdf
    locked = document(office.agency, pdf=_make_pdf("Bi mat", owner_password="chu", user_password="khach"))
    broken = document(office.agency, pdf=b"%PDF-1.7\n1 0 obj <<hong\n%%EOF\n")  # Ghostscript answers 0 pages
    fine = document(office.agency)
    target = dossier(office)
    _filed(app, office, target, locked, fine, broken)
    result = _close(app, db, target, office.clerk)
    assert result.converted == 1
    [(name, reason), (_broken_name, broken_reason)] = result.failures
    assert name == "van-ban.pdf" and "mã hóa" in reason
    assert broken_reason == "Tệp PDF hỏng hoặc không có trang nào, không chuyển được sang PDF/A."
    row = db.session.scalar(select(PreservationCopy).where(PreservationCopy.document_file_id == locked.main_file.id))
    assert row.pdfa_sha256 is None and row.failure == reason
    with app.test_request_context():
        summary = closing.preservation_summary(db.session.get(Dossier, target.id))
    assert summary["copies"] == 1 and summary["failures"] == [(1, "van-ban.pdf", reason), (3, "van-ban.pdf", broken_reason)]


def test_a_failed_closing_leaves_no_copy_in_the_store(app, db, office, document, dossier):
    target = dossier(office)
    handled = document(office.agency, pdf=minimal_pdf("Khong de lai tep mo coi"))
    _filed(app, office, target, handled)
    db.session.commit()
    before = _blobs(app)
    files_dir = Path(app.config["FILES_DIR"])
    converted = preservation.convert_files([handled.main_file.sha256], files_dir)
    assert converted[0].placed and _blobs(app) - before == {converted[0].pdfa_sha256}
    # Someone else closed it meanwhile: this closing's transaction fails and its copy goes away.
    db.session.execute(_db.update(Dossier).where(Dossier.id == target.id).values(status=CLOSED))
    with app.test_request_context():
        reason = _refusal(lambda: closing.close_dossier(target, converted, actor=office.clerk))
    db.session.rollback()
    preservation.discard(converted, files_dir)
    assert "không mở lại được" in reason
    assert _blobs(app) == before


def test_the_legal_hold_is_audited_and_allowed_on_a_closed_dossier(app, db, office, document, dossier):
    target = dossier(office)
    _filed(app, office, target, document(office.agency))
    _close(app, db, target, office.clerk)
    target = db.session.get(Dossier, target.id)
    with app.test_request_context():
        assert _refusal(lambda: closing.set_legal_hold(target, actor=office.clerk, hold=True, reason=" \x00 ")) \
            == "Nhập lý do (văn bản, yêu cầu của cơ quan có thẩm quyền)."
        assert "Chỉ văn thư" in _refusal(lambda: closing.set_legal_hold(
            target, actor=office.units[0][1], hold=True, reason="Thanh tra"))
        assert "Chỉ văn thư" in _refusal(lambda: closing.set_legal_hold(
            target, actor=office.other_clerk, hold=True, reason="Thanh tra"))
        closing.set_legal_hold(target, actor=office.leader, hold=True, reason="Quyết định thanh tra số 12/QĐ-TTr")
        assert "đang được giữ" in _refusal(lambda: closing.set_legal_hold(
            target, actor=office.leader, hold=True, reason="Lần nữa"))
    assert target.legal_hold
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.event_type, event.data["reason"]) == ("dossier_legal_hold_set", "Quyết định thanh tra số 12/QĐ-TTr")


def test_two_clicks_at_once_close_once(app, committed_db):
    from ..factories import Factory
    make = Factory(committed_db)
    agency = make.agency(code="000.00.23.H63")
    clerk, leader = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("leader",))
    from app.dossiers.models import RetentionPeriod
    period = RetentionPeriod(name="Thử đóng song song", years=5, examples="")
    committed_db.session.add(period)
    committed_db.session.flush()
    office = Office(agency, clerk, leader, [], None, None, period)
    with app.test_request_context():
        documents = [add_document(app, committed_db, agency, pdf=minimal_pdf(f"Dong song song {n}")) for n in range(3)]
        target = add_dossier(office, "TH.01")
        for handled in documents:
            filing.file_document(handled, [target.id], actor=clerk)
    committed_db.session.commit()
    dossier_id, people = target.id, [clerk.id, leader.id]
    blobs_before = _blobs(app)
    committed_db.session.remove()

    def close(worker: int):
        from app.directory.models import User
        closing.run_closing(_db.session.get(Dossier, dossier_id), actor=_db.session.get(User, people[worker]),
                            files_dir=Path(app.config["FILES_DIR"]))

    errors = run_in_parallel(app, 2, close)
    assert len(errors) == 1 and "không mở lại được" in errors[0]
    copies = committed_db.session.scalars(select(PreservationCopy.pdfa_sha256)).all()
    assert len(copies) == 3
    assert _blobs(app) - blobs_before == set(copies)  # the loser's copies were removed
    assert committed_db.session.scalar(select(_db.func.count()).select_from(AuditEvent).where(
        AuditEvent.event_type == "dossier_closed")) == 1


def test_the_pdfa_check_refuses_a_plain_pdf_with_an_unembedded_font(tmp_path, app):
    plain = tmp_path / "thuong.pdf"
    plain.write_bytes(minimal_pdf("Helvetica khong nhung"))
    report = check_pdfa(plain)
    assert not report.ok
    assert "Phông chữ chưa được nhúng: Helvetica." in report.problems
    assert any("pdfaid" in problem for problem in report.problems)
    assert any("OutputIntent" in problem for problem in report.problems)
    # A PDF/A claim in the metadata alone is not enough.
    claimed = tmp_path / "gia.pdf"
    with pikepdf.open(io.BytesIO(minimal_pdf("Gia mao"))) as pdf:
        with pdf.open_metadata() as meta:
            meta["pdfaid:part"], meta["pdfaid:conformance"] = "2", "B"
        pdf.save(claimed)
    faked = check_pdfa(claimed)
    assert faked.part == "2" and not faked.ok and len(faked.problems) == 2

    runner = app.test_cli_runner()
    refused = runner.invoke(args=["dossiers", "check-pdfa", str(plain)])
    assert refused.exit_code == 1 and "Phông chữ chưa được nhúng" in refused.output
    converted = preservation.convert_files([_store(app, plain)], Path(app.config["FILES_DIR"]))[0]
    passed = runner.invoke(args=["dossiers", "check-pdfa",
                                 str(path_for(Path(app.config["FILES_DIR"]), converted.pdfa_sha256))])
    assert passed.exit_code == 0 and "Đạt: PDF/A-2b" in passed.output
    missing = runner.invoke(args=["dossiers", "check-pdfa", str(tmp_path / "khong-co.pdf")])
    assert missing.exit_code == 1 and "Không có tệp" in missing.output
    preservation.discard([converted], Path(app.config["FILES_DIR"]))


def _store(app, path: Path) -> str:
    from app.filestore import store_pdf
    with open(path, "rb") as stream:
        return store_pdf(stream, path.name, files_dir=Path(app.config["FILES_DIR"]), max_bytes=1 << 20).sha256
