"""A dossier closed through the real closing service (Ghostscript makes the PDF/A copies) is packaged with two
representations — the signed originals and their PDF/A copies, linked by a PREMIS migration event — and the
package is its hand-over: recorded on the dossier, shown on its pages, and the retention sweep stops telling."""
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from app.dossiers import closing, filing, retention
from app.dossiers.handover import LIST_NAME, RECORD_NAME, build_package
from app.dossiers.models import CLOSED, Dossier
from app.dossiers.package_mets import METS, PREMIS, schema_errors
from app.dossiers.package_verify import verify_package
from app.dossiers.preservation import PreservationCopy
from app.notifications.models import DOSSIER_DUE, Notification

from ..factories import bearer_headers
from ..pdf_samples import minimal_pdf
from .test_package import NOW, _give_key, _rewrite

NS = {"mets": METS, "premis": PREMIS}


def _closed_for_real(app, db, office, document, dossier, notation="TC.01"):
    _give_key(app, office.agency)
    target = dossier(office, notation, year=2026)
    documents = [document(office.agency, clerk=office.clerk, pdf=minimal_pdf(f"Van ban luu tru {notation} {n}"))
                 for n in range(2)]
    with app.test_request_context():
        for handled in documents:
            filing.file_document(handled, [target.id], actor=office.clerk)
    db.session.commit()
    with app.test_request_context():
        result = closing.run_closing(target, actor=office.clerk, files_dir=Path(app.config["FILES_DIR"]))
    assert result.converted == 2 and result.failures == []
    return db.session.get(Dossier, target.id), documents


def _build(app, office, codes, out):
    with app.test_request_context():
        return build_package(office.agency.code, codes, out, actor=office.clerk, config=app.config, now=NOW)


def test_a_closed_dossier_is_packaged_with_its_pdfa_copies_as_a_second_representation(app, db, office, document,
                                                                                         dossier, tmp_path):
    target, documents = _closed_for_real(app, db, office, document, dossier)
    copies = {c.document_file_id: c for c in db.session.scalars(select(PreservationCopy))}
    out = tmp_path / "goi.zip"
    _build(app, office, [target.code], out)
    assert verify_package(out) == []
    folder = f"{target.code}/0001"
    original = f"representations/original/data/{folder}/01-main.pdf"
    copy = f"representations/preservation/data/{folder}/01-main.pdf"
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        mets = archive.read("METS.xml")
        copy_bytes = archive.read(copy)
    assert {original, copy} <= names
    assert len([n for n in names if n.startswith("representations/preservation/")]) == 2
    assert schema_errors(mets) == []
    root = etree.fromstring(mets)
    assert {g.get("USE") for g in root.iterfind("mets:fileSec/mets:fileGrp", NS)} >= {
        "Representations/original", "Representations/preservation"}
    made = copies[documents[0].files[0].id]
    assert copy_bytes.startswith(b"%PDF") and made.pdfa_sha256 in mets.decode()
    # the copy's PREMIS object: its own fixity, and derived from the original by a migration event
    obj = next(o for o in root.iter(f"{{{PREMIS}}}object")
               if o.findtext("premis:objectIdentifier/premis:identifierValue", namespaces=NS) == copy)
    assert obj.findtext("premis:objectCharacteristics/premis:fixity/premis:messageDigest", namespaces=NS) \
        == made.pdfa_sha256
    relationship = obj.find("premis:relationship", NS)
    assert relationship.findtext("premis:relationshipType", namespaces=NS) == "derivation"
    assert relationship.findtext("premis:relatedObjectIdentifier/premis:relatedObjectIdentifierValue",
                                 namespaces=NS) == original
    event_id = relationship.findtext("premis:relatedEventIdentifier/premis:relatedEventIdentifierValue",
                                     namespaces=NS)
    event = root.find(f"mets:amdSec/mets:digiprovMD[@ID='{event_id}']//premis:event", NS)
    assert event.findtext("premis:eventType", namespaces=NS) == "migration"
    assert datetime.fromisoformat(event.findtext("premis:eventDateTime", namespaces=NS)) == made.made_at
    assert event.findtext("premis:linkingAgentIdentifier/premis:linkingAgentIdentifierValue",
                          namespaces=NS) == made.converter
    linked = {(e.findtext("premis:linkingObjectIdentifierValue", namespaces=NS),
               e.findtext("premis:linkingObjectRole", namespaces=NS))
              for e in event.iterfind("premis:linkingObjectIdentifier", NS)}
    assert linked == {(original, "source"), (copy, "outcome")}
    # the document's div points at both representations
    div = root.find("mets:structMap//mets:div[@TYPE='van-ban'][@ORDER='1']", NS)
    assert len(div.findall("mets:fptr", NS)) == 2

    # a changed PDF/A copy is caught, the originals untouched
    def flip(name, data):
        return data[:-5] + bytes([data[-5] ^ 1]) + data[-4:] if name == copy else data
    _rewrite(out, tmp_path / "sua.zip", flip)
    problems = verify_package(tmp_path / "sua.zip")
    assert len(problems) == 1 and f"Tệp {copy} đã bị thay đổi" in problems[0]
    _rewrite(out, tmp_path / "thieu.zip", lambda name, data: None if name == copy else data)
    assert verify_package(tmp_path / "thieu.zip") == [f"Thiếu tệp {copy}."]


def test_the_package_is_the_hand_over_recorded_shown_and_no_longer_due(app, db, office, document, dossier, login,
                                                                         tmp_path):
    target, _documents = _closed_for_real(app, db, office, document, dossier)
    other = dossier(office, "TC.02", year=2026)
    client = login(office.clerk)
    assert "Đã nộp lưu" not in client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    built = _build(app, office, [target.code], tmp_path / "goi.zip")
    db.session.refresh(target)
    assert target.handed_over_at == NOW and target.handover_package_id == built.package_id
    assert other.handed_over_at is None
    page = client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    assert "Đã nộp lưu ngày 15/01/2027 10:00" in page and built.package_id in page
    listing = client.get(f"/ho-so?nam={target.year}").get_data(as_text=True)
    assert listing.count("Đã nộp lưu ngày 15/01/2027 10:00") == 1
    headers = bearer_headers(client, office.clerk)
    assert client.get(f"/api/v1/dossiers/{target.id}", headers=headers).get_json()["handed_over_at"] == NOW.isoformat()
    assert client.get(f"/api/v1/dossiers/{other.id}", headers=headers).get_json()["handed_over_at"] is None

    # the sweep tells about the closed dossier not handed over, and not about the handed-over one
    for item, day in ((target, 20), (other, 21)):
        item.status, item.closed_at = CLOSED, datetime(2026, 11, day, tzinfo=timezone.utc)
    db.session.flush()
    assert retention.notify_due_dossiers(datetime(2027, 12, 10).date()) == 1
    notes = db.session.scalars(select(Notification.note).where(Notification.kind == DOSSIER_DUE)).all()
    assert notes and all(other.code in note and target.code not in note for note in notes)


def test_the_hand_over_papers_count_originals_and_pdfa_copies_as_the_package_holds_them(app, db, office, document,
                                                                                       dossier, tmp_path):
    target, documents = _closed_for_real(app, db, office, document, dossier)
    # one more file that could not be converted: an original without a PDF/A copy
    extra = document(office.agency, clerk=office.clerk, pdf=minimal_pdf("Van ban them"))
    with app.test_request_context():
        second = dossier(office, "TC.03", year=2026)
        filing.file_document(extra, [second.id], actor=office.clerk)
    db.session.add(PreservationCopy(document_file_id=extra.files[0].id, source_sha256=extra.files[0].sha256,
                                    converter="Ghostscript", failure="Tệp PDF hỏng", dossier_id=second.id))
    second.status = CLOSED
    db.session.commit()
    out = tmp_path / "goi.zip"
    built = _build(app, office, [target.code, second.code], out)
    assert (built.file_count, built.copy_count) == (3, 2)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        papers = {name: subprocess.run(["pdftotext", "-", "-"], input=archive.read(f"documentation/{name}"),
                                       capture_output=True, check=True).stdout.decode()
                  for name in (LIST_NAME, RECORD_NAME)}
    originals = [n for n in names if n.startswith("representations/original/")]
    copies = [n for n in names if n.startswith("representations/preservation/")]
    assert (len(originals), len(copies)) == (built.file_count, built.copy_count)
    record = " ".join(papers[RECORD_NAME].split())
    assert "Số lượng tệp gốc (bản gốc, giữ nguyên chữ ký số): 3" in record
    assert "Số lượng bản sao bảo quản (PDF/A-2b, chuyển từ bản gốc): 2" in record
    assert "Tổng số tệp tài liệu trong gói: 5" in record
    listing = " ".join(papers[LIST_NAME].split())
    assert "3 tệp gốc và 2 bản PDF/A" in listing and "tổng cộng 5 tệp" in listing
