"""Gói nộp lưu: fixity from the file store, METS/PREMIS valid, signed hand-over papers, tampering caught,
refusals in Vietnamese with nothing left behind."""
import hashlib
import shutil
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.dossiers import filing
from app.dossiers.handover import LIST_NAME, RECORD_NAME, build_package
from app.dossiers.models import CLOSED
from app.dossiers.package import PackageRefused
from app.dossiers.package_mets import METS, PREMIS, schema_errors
from app.dossiers.package_verify import verify_package
from app.filestore import path_for
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures

from ..conftest import csrf_token_from
from ..pdf_samples import minimal_pdf

NOW = datetime(2027, 1, 15, 3, 0, tzinfo=timezone.utc)


def _give_key(app, agency):
    issue_demo_agency_key(ensure_demo_pki(Path(app.config["PKI_DIR"])), agency, app.config["SIGNING_KEY_PASSPHRASE"])


def _close(db, dossier):
    # Closing is its own service (another slice); here the state it leaves is set directly.
    dossier.status, dossier.closed_at = CLOSED, datetime(2027, 1, 10, 2, 0, tzinfo=timezone.utc)
    db.session.flush()


@pytest.fixture
def closed(app, db, office, document, dossier):
    """Two closed dossiers of the office with filed documents (one of them in both), and the agency's key."""
    _give_key(app, office.agency)
    first, second = dossier(office, "TC.01", year=2026), dossier(office, "TC.02", year=2026)
    documents = [document(office.agency, clerk=office.clerk, pdf=minimal_pdf(f"Van ban {n}")) for n in range(3)]
    with app.test_request_context():
        for handled in documents:
            filing.file_document(handled, [first.id], actor=office.clerk)
        filing.file_document(documents[0], [second.id], actor=office.clerk)
    _close(db, first)
    _close(db, second)
    return first, second, documents


def _build(app, office, codes, out, *, actor=None):
    with app.test_request_context():
        return build_package(office.agency.code, codes, out, actor=actor or office.clerk, config=app.config, now=NOW)


def _mets(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("METS.xml"))


def test_package_fixity_is_the_stored_files_and_mets_is_valid(app, db, office, closed, tmp_path):
    first, second, documents = closed
    out = tmp_path / "goi.zip"
    built = _build(app, office, [first.code, second.code], out)
    assert (built.dossier_count, built.document_count, built.file_count) == (2, 4, 4)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        mets_bytes = archive.read("METS.xml")
        assert names[0] == "METS.xml"
        assert schema_errors(mets_bytes) == []
        root = etree.fromstring(mets_bytes)
        ns = {"mets": METS, "premis": PREMIS}
        creator = root.find("mets:metsHdr/mets:agent[@ROLE='CREATOR'][@TYPE='ORGANIZATION']", ns)
        assert creator.findtext("mets:name", namespaces=ns) == office.agency.name
        assert root.findtext("mets:metsHdr/mets:altRecordID", namespaces=ns) == office.agency.code
        stored = {f.sha256 for d in documents for f in d.files}
        for obj in root.iterfind(".//premis:object", ns):
            path = obj.findtext("premis:objectIdentifier/premis:identifierValue", namespaces=ns)
            digest = obj.findtext(".//premis:messageDigest", namespaces=ns)
            assert hashlib.sha256(archive.read(path)).hexdigest() == digest
            if path.startswith("representations/"):
                assert digest in stored
                assert path_for(app.config["FILES_DIR"], digest).read_bytes() == archive.read(path)
        # dossier -> document -> file; the document filed twice is in both dossiers
        dossiers = root.findall("mets:structMap/mets:div/mets:div[@TYPE='ho-so']", ns)
        assert [d.get("LABEL") for d in dossiers] == [first.code, second.code]
        assert [len(d.findall("mets:div[@TYPE='van-ban']", ns)) for d in dossiers] == [3, 1]
        assert root.findtext(".//{urn:lienthong:luu-tru:ho-so:1}MaHoSo") == first.code
        # events from the audit chain: filing, with the clerk as agent and the chain's sequence number
        filed = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "document_filed")).all()
        seqs = {e.findtext("premis:eventIdentifier/premis:eventIdentifierValue", namespaces=ns)
                for e in root.iterfind(".//premis:event", ns)}
        assert {str(e.seq) for e in filed} <= seqs
        assert office.clerk.username in mets_bytes.decode()
        for name in (LIST_NAME, RECORD_NAME):
            pdf = archive.read(f"documentation/{name}")
            verdicts = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                               crls=crls_from_config(app.config))
            assert [v.verdict for v in verdicts] == ["valid"]
            if shutil.which("pdfsig"):
                (tmp_path / name).write_bytes(pdf)
                output = subprocess.run(["pdfsig", str(tmp_path / name)], capture_output=True, text=True).stdout
                assert output.count("Signature is Valid.") == 1, output
        record = subprocess.run(["pdftotext", "-", "-"], input=archive.read(f"documentation/{RECORD_NAME}"),
                                capture_output=True, check=True).stdout.decode()
        assert "BIÊN BẢN GIAO NHẬN" in record.upper() and "Số lượng hồ sơ: 2" in record
    assert verify_package(out) == []
    packaged = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "dossier_packaged")).all()
    assert {e.subject_id for e in packaged} == {str(first.id), str(second.id)}


def _rewrite(source: Path, target: Path, change):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = change(item.filename, old.read(item.filename))
            if data is not None:
                new.writestr(item, data)


def test_verify_catches_a_changed_byte_and_a_removed_file(app, db, office, closed, tmp_path):
    first = closed[0]
    out = tmp_path / "goi.zip"
    _build(app, office, [first.code], out)
    target = "representations/original/data/" + first.code + "/0002/01-main.pdf"

    def flip(name, data):
        return data[:-3] + bytes([data[-3] ^ 1]) + data[-2:] if name == target else data
    _rewrite(out, tmp_path / "sua.zip", flip)
    problems = verify_package(tmp_path / "sua.zip")
    assert len(problems) == 1 and f"Tệp {target} đã bị thay đổi" in problems[0]
    _rewrite(out, tmp_path / "thieu.zip", lambda name, data: None if name == target else data)
    assert verify_package(tmp_path / "thieu.zip") == [f"Thiếu tệp {target}."]
    # an unpacked directory is read the same way
    unpacked = tmp_path / "thu-muc"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(unpacked)
    assert verify_package(unpacked) == []
    (unpacked / target).write_bytes(b"%PDF-1.7 khac")
    assert "đã bị thay đổi" in verify_package(unpacked)[0]

    runner = app.test_cli_runner()
    result = runner.invoke(args=["dossiers", "verify-package", str(tmp_path / "sua.zip")])
    assert result.exit_code == 1 and "không nguyên vẹn: 1 điểm khác" in result.output
    assert runner.invoke(args=["dossiers", "verify-package", str(out)]).exit_code == 0
    broken = tmp_path / "hong.zip"
    _rewrite(out, broken, lambda name, data: data.replace(b"mets:fileSec", b"mets:fileSex") if name == "METS.xml"
             else data)
    result = runner.invoke(args=["dossiers", "verify-package", str(broken)])
    assert result.exit_code == 1 and "không hợp lệ theo lược đồ" in result.output


def test_cli_builds_a_package(app, db, office, closed, tmp_path):
    first, second, _documents = closed
    out = tmp_path / "cli.zip"
    result = app.test_cli_runner().invoke(args=["dossiers", "package", "--agency", office.agency.code,
                                                "--dossier", first.code, "--dossier", second.code, "--out", str(out),
                                                "--user", office.clerk.username])
    assert result.exit_code == 0, result.output
    assert "2 hồ sơ, 4 văn bản, 4 tệp" in result.output and verify_package(out) == []


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(app, db, office, closed, dossier, document,
                                                                   tmp_path):
    first = closed[0]
    open_one = dossier(office, "TC.09", year=2026)
    other = dossier(type(office)(office.other_agency, office.other_clerk, office.other_clerk, [], office.agency,
                                 office.clerk, office.period), "KH.01", year=2026)
    _close(db, other)
    out = tmp_path / "goi.zip"
    cases = [([open_one.code], "chưa đóng"), ([other.code], "không có hồ sơ mã"), (["TC\x00.01"], "không hợp lệ"),
             ([f"X.{n}" for n in range(201)], "tối đa 200"), ([""], "ít nhất một")]
    for codes, words in cases:
        with pytest.raises(PackageRefused) as refused:
            _build(app, office, codes, out)
        assert words in str(refused.value), codes
    with pytest.raises(PackageRefused, match="Chỉ văn thư, lãnh đạo"):
        _build(app, office, [first.code], out, actor=office.other_clerk)
    # a stored file whose bytes no longer give its name stops the build, and the half-written ZIP goes
    victim = path_for(app.config["FILES_DIR"], closed[2][1].files[0].sha256)
    kept = victim.read_bytes()
    victim.write_bytes(kept + b"x")
    try:
        with pytest.raises(PackageRefused, match="đã bị thay đổi"):
            _build(app, office, [first.code], out)
    finally:
        victim.write_bytes(kept)
    assert _leftovers(tmp_path) == []
    # last: the command's rollback ends the test's transaction
    result = app.test_cli_runner().invoke(args=["dossiers", "package", "--agency", office.other_agency.code,
                                                "--dossier", first.code, "--out", str(out)])
    assert result.exit_code == 1 and "không có hồ sơ mã" in result.output
    assert _leftovers(tmp_path) == []


def test_a_secret_document_is_packaged_only_by_someone_who_may_read_it(app, db, office, document, dossier,
                                                                         make, tmp_path):
    _give_key(app, office.agency)
    target = dossier(office, "MAT.01", year=2026)
    secret = document(office.agency, clerk=office.clerk, secrecy=1, pdf=minimal_pdf("Van ban mat"))
    with app.test_request_context():
        filing.file_document(secret, [target.id], actor=office.clerk)
    _close(db, target)
    outsider = make.user(agency=office.agency, roles=("clerk",))
    with pytest.raises(PackageRefused, match="văn bản mật"):
        _build(app, office, [target.code], tmp_path / "goi.zip", actor=outsider)
    assert _leftovers(tmp_path) == []
    _build(app, office, [target.code], tmp_path / "goi.zip")  # the clerk who registered it may read it
    root = _mets(tmp_path / "goi.zip")
    assert root.findtext(".//{urn:lienthong:luu-tru:ho-so:1}DoMat") == "1"
    (tmp_path / "goi.zip").unlink()
    # the command without --user packages as the operator, who reads no secret document
    result = app.test_cli_runner().invoke(args=["dossiers", "package", "--agency", office.agency.code,
                                                "--dossier", target.code, "--out", str(tmp_path / "goi.zip")])
    assert result.exit_code == 1 and "văn bản mật" in result.output
    assert _leftovers(tmp_path) == []


def test_the_closed_dossier_page_offers_the_package_and_downloads_it(app, db, office, closed, login, tmp_path):
    first = closed[0]
    client = login(office.clerk)
    page = client.get(f"/ho-so/{first.id}").get_data(as_text=True)
    assert "Lập gói nộp lưu" in page
    response = client.post(f"/ho-so/{first.id}/goi-nop-luu", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    (tmp_path / "tai-ve.zip").write_bytes(response.get_data())
    response.close()
    assert verify_package(tmp_path / "tai-ve.zip") == []


def test_an_open_dossier_offers_no_package_and_is_refused(app, db, office, dossier, login):
    target = dossier(office, "TC.05", year=2026)
    client = login(office.clerk)
    page = client.get(f"/ho-so/{target.id}").get_data(as_text=True)
    assert "Lập gói nộp lưu" not in page
    token = csrf_token_from(client.get("/doi-mat-khau").get_data(as_text=True))
    response = client.post(f"/ho-so/{target.id}/goi-nop-luu", data={"csrf_token": token}, follow_redirects=True)
    assert "chưa đóng" in response.get_data(as_text=True)


def test_the_process_history_of_a_document_is_in_its_premis_events(app, db, office, closed, deployed, tmp_path):
    from app.audit.services import record
    from app.workflow.runtime import start_instance

    first, _second, documents = closed
    with app.test_request_context():
        instance = start_instance("assign_work", actor=office.leader)
        task_event = record("task_claimed", actor=office.clerk, subject=("task", "t-1"), instance_id=instance.id)
    documents[1].instance_id = instance.id
    db.session.flush()
    started = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "instance_started",
                                                          AuditEvent.subject_id == str(instance.id))).one()
    _build(app, office, [first.code], tmp_path / "goi.zip")
    root = _mets(tmp_path / "goi.zip")
    ns = {"mets": METS}
    document_div = root.find("mets:structMap//mets:div[@TYPE='van-ban'][@ORDER='2']", ns)
    linked = set(document_div.get("ADMID").split())
    assert {f"ev-{started.seq}", f"ev-{task_event.seq}"} <= linked
    other = root.find("mets:structMap//mets:div[@TYPE='van-ban'][@ORDER='1']", ns)
    assert f"ev-{started.seq}" not in other.get("ADMID").split()


def test_the_premis_part_is_checked_by_the_schema_too(app, db, office, closed, tmp_path):
    _build(app, office, [closed[0].code], tmp_path / "goi.zip")
    with zipfile.ZipFile(tmp_path / "goi.zip") as archive:
        mets = archive.read("METS.xml")
    assert schema_errors(mets) == []
    assert schema_errors(mets.replace(b"premis:messageDigestAlgorithm>", b"premis:digestAlgorithm>"))
    assert schema_errors(mets.replace(b"<hs:TongSoTaiLieu>3<", b"<hs:TongSoTaiLieu>ba<"))
    assert schema_errors(b"<mets") and "không đọc được" in schema_errors(b"<mets")[0]


def test_an_agency_without_a_key_gets_no_package(app, db, office, dossier, tmp_path):
    target = dossier(office, "TC.07", year=2026)
    _close(db, target)
    with pytest.raises(PackageRefused, match="chưa có chứng thư số"):
        _build(app, office, [target.code], tmp_path / "goi.zip")
    assert _leftovers(tmp_path) == []
