"""The monthly report per agency: made by the job, signed with the agency's key, numbers equal hand counts,
kept once per agency and month, retried after a failure, listed and downloaded within the agency's scope."""
import shutil
import subprocess
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.documents.models import Document
from app.reports.monthly import run_monthly_reports
from app.reports.monthly_models import MonthlyReport
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures

from ..factories import bearer_headers
from .conftest import counted_incoming
from .recipients import add_recipients, hand_counts
from .test_outgoing_handling import COLUMN_ORDER

MAY = (date(2025, 5, 1), date(2025, 5, 31))


@pytest.fixture
def sent(app, db, province):
    add_recipients(db, province)
    return province


def _give_key(app, agency):
    issue_demo_agency_key(ensure_demo_pki(Path(app.config["PKI_DIR"])), agency, app.config["SIGNING_KEY_PASSPHRASE"])


def _outcomes(province, month="2025-05"):
    codes = {a.code for a in province.agencies}
    return {o.agency_code: o for o in run_monthly_reports(month) if o.agency_code in codes}


def _row(db, agency) -> MonthlyReport | None:
    return db.session.scalars(select(MonthlyReport).where(MonthlyReport.agency_id == agency.id)).first()


def _pdf_text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def _numbers_after(text: str, marker: str, how_many: int) -> list[int]:
    return [int(word.replace(".", "")) for word in text.split(marker, 1)[1].split()[:how_many]]


def test_job_signs_each_agency_report_and_its_numbers_equal_hand_counts(app, db, sent, tmp_path):
    first, second = sent.agencies
    _give_key(app, first)
    outcomes = _outcomes(sent)
    assert outcomes[first.code].made and not outcomes[first.code].failure
    assert not outcomes[second.code].made and "chưa có chứng thư số" in outcomes[second.code].failure
    row = _row(db, first)
    path = Path(app.config["FILES_DIR"]) / row.file_sha256[:2] / row.file_sha256
    pdf = path.read_bytes()
    assert len(pdf) == row.file_size and first.name in row.signer_subject
    verdicts = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                       crls=crls_from_config(app.config))
    assert [v.verdict for v in verdicts] == ["valid"]
    text = _pdf_text(path)
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", f"/BC-{first.short_name}",
                  "Tình hình giải quyết văn bản đến, văn bản đi tháng 05/2025", "Nơi nhận:",
                  "Từ ngày 01/05/2025 đến ngày 31/05/2025", "I. Tình hình giải quyết văn bản đến",
                  "II. Tình hình giải quyết văn bản đi"):
        assert words in text, words
    incoming, outgoing = text.split("II. Tình hình giải quyết văn bản đi", 1)
    # Every incoming document, the copies delivered by the other agency's releases included.
    mine = counted_incoming(SimpleNamespace(documents=db.session.query(Document).all()), {first.id}, *MAY)
    assert _numbers_after(incoming, "Tổng cộng", 2) == [len(mine), sum(d.status_code == "06" for d in mine)]
    hand = hand_counts(db, sent, {first.id}, *MAY)
    assert hand["released"] and hand["recipients"]
    assert _numbers_after(outgoing, "Tổng cộng", len(COLUMN_ORDER)) == [hand[key] for key in COLUMN_ORDER]
    if shutil.which("pdfsig"):
        output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert output.count("Signature is Valid.") == 1, output


def test_one_report_per_agency_and_month_and_a_failure_is_retried(app, db, sent):
    first, second = sent.agencies
    _give_key(app, first)
    _outcomes(sent)
    made = _row(db, first).file_sha256
    again = _outcomes(sent)
    assert first.code not in again and not again[second.code].made  # made once; the other agency still waits
    assert _row(db, second).attempts == 2 and _row(db, first).file_sha256 == made
    _give_key(app, second)
    assert _outcomes(sent)[second.code].made
    assert db.session.query(MonthlyReport).filter(MonthlyReport.agency_id.in_([first.id, second.id])).count() == 2


def test_a_failure_after_signing_leaves_no_file_and_no_report(app, db, sent, tmp_path, monkeypatch):
    first = sent.agencies[0]
    _give_key(app, first)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setitem(app.config, "FILES_DIR", str(blocked / "files"))
    outcome = _outcomes(sent)[first.code]
    assert not outcome.made and "lỗi hệ thống" in outcome.failure
    row = _row(db, first)
    assert row.file_sha256 is None and row.failure == outcome.failure
    assert not any(tmp_path.rglob("*.pdf")) and blocked.read_text() == ""


def test_month_and_agency_are_checked(app, db, sent):
    runner = app.test_cli_runner()
    for args, words in ((["--month", "9999-99"], "Tháng không hợp lệ"), (["--month", "2025-5\x00"], "Tháng không hợp lệ"),
                        (["--month", "2100-01"], "chưa kết thúc"), (["--agency", "KHONG-CO"], "Không có cơ quan")):
        result = runner.invoke(args=["reports", "monthly", *args])
        assert result.exit_code == 1 and words in result.output, result.output
        assert "Error" not in result.output
    result = runner.invoke(args=["reports", "monthly", "--month", "2025-05", "--agency", sent.agencies[0].code])
    assert result.exit_code == 1 and "chưa lập được" in result.output


def test_list_and_download_within_the_agency_scope(app, db, sent, make, login, post_form):
    first, second = sent.agencies
    for agency in sent.agencies:
        _give_key(app, agency)
    _outcomes(sent)
    mine, theirs = _row(db, first), _row(db, second)
    client = login(sent.leaders[first.id])
    page = client.get("/bao-cao/dinh-ky").get_data(as_text=True)
    assert first.name in page and second.name not in page and "Tải PDF đã ký" in page
    download = client.get(f"/bao-cao/dinh-ky/{mine.id}/tep")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert client.get(f"/bao-cao/dinh-ky/{theirs.id}/tep").status_code == 404
    assert client.get("/bao-cao/dinh-ky/99999999999/tep").status_code == 404
    assert "Tháng không hợp lệ" in client.get("/bao-cao/dinh-ky", query_string={"thang": "9999-99"}).get_data(as_text=True)
    headers = bearer_headers(client, sent.leaders[first.id])
    listed = client.get("/api/v1/reports/monthly", headers=headers).get_json()["reports"]
    assert [(r["agency_code"], r["month"], r["sha256"]) for r in listed] == [(first.code, "2025-05", mine.file_sha256)]
    assert client.get(listed[0]["file_url"], headers=headers).data.startswith(b"%PDF-")
    assert client.get(f"/api/v1/reports/monthly/{theirs.id}/file", headers=headers).status_code == 404
    assert client.get("/api/v1/reports/monthly", query_string={"month": "9999-99"}, headers=headers).status_code == 400
    assert client.get("/api/v1/reports/monthly", query_string={"month": "2025-05\x00"}, headers=headers).status_code == 400
    auditor = make.user(agency=first, roles=("auditor",), province_wide=True)
    post_form("/", "/dang-xuat")
    auditor_page = login(auditor).get("/bao-cao/dinh-ky", query_string={"thang": "2025-05"}).get_data(as_text=True)
    assert first.name in auditor_page and second.name in auditor_page


def test_an_agency_key_held_in_a_pkcs11_token_signs_the_report(app, db, sent, softhsm_token, tmp_path, monkeypatch):
    from ..signing.token_setup import register_command

    first = sent.agencies[0]
    base = register_command(app, first, softhsm_token, tmp_path, monkeypatch)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=[*base, "--key", "con-dau"]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["reports", "monthly", "--month", "2025-05", "--agency", first.code])
    assert result.exit_code == 0 and "đã lập và ký số" in result.output, result.output
    row = _row(db, first)
    pdf = (Path(app.config["FILES_DIR"]) / row.file_sha256[:2] / row.file_sha256).read_bytes()
    verdicts = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                       crls=crls_from_config(app.config))
    assert [(v.verdict, v.signer_name) for v in verdicts] == [("valid", first.name)]
