"""Tình hình giải quyết văn bản đi: the numbers equal hand counts (both databases); page, downloads, API."""
import csv
import io
from datetime import timedelta

import pytest

from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from app.reports.facts import refresh_document_facts
from app.reports.outgoing_handling import build_outgoing_handling
from app.reports.periods import Period
from app.reports.recipient_facts import refresh_recipient_facts
from app.sqltypes import utcnow

from ..factories import bearer_headers
from .conftest import PERIOD_END, PERIOD_START, YEAR, vn_day
from .recipients import add_recipients, hand_counts

QUARTER = Period("quarter", PERIOD_START, PERIOD_END)
QUARTER_ARGS = {"period": "quarter", "year": YEAR, "quarter": 2}


@pytest.fixture
def sent(app, db, province):
    add_recipients(db, province)
    refresh_document_facts()
    refresh_recipient_facts()
    return province


def test_numbers_per_agency_equal_hand_counts(app, db, sent):
    report = build_outgoing_handling(QUARTER, None, "agency")
    rows = {row.key: row.counts for row in report.rows}
    for agency in sent.agencies:
        hand = hand_counts(db, sent, {agency.id}, PERIOD_START, PERIOD_END)
        assert rows[agency.id] == hand
        assert hand["released"] and hand["recipients"] and hand["slow"] and hand["completed"] and hand["secret"]
    both = hand_counts(db, sent, {a.id for a in sent.agencies}, PERIOD_START, PERIOD_END)
    assert {k: report.total.counts[k] for k in both} == {k: sum(rows[a.id][k] for a in sent.agencies) for k in both}


def test_per_drafting_unit_within_one_agency(app, db, sent):
    agency = sent.agencies[1]
    report = build_outgoing_handling(QUARTER, (agency.id,), "unit")
    assert report.group == "unit"
    drafting_unit = sent.units[agency.id][0]
    rows = {row.key: row.counts for row in report.rows}
    assert rows[drafting_unit.id] == hand_counts(db, sent, {agency.id}, PERIOD_START, PERIOD_END)
    assert rows[sent.units[agency.id][1].id]["released"] == 0


def test_page_downloads_and_api_as_a_leader(app, db, sent, login):
    first, second = sent.agencies
    hand = hand_counts(db, sent, {first.id}, PERIOD_START, PERIOD_END)
    client = login(sent.leaders[first.id])
    page = client.get("/bao-cao/giai-quyet-van-ban-di", query_string=QUARTER_ARGS)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Chậm tiếp nhận" in text and second.name not in text
    assert client.get("/bao-cao/giai-quyet-van-ban-di", query_string={**QUARTER_ARGS, "agency": second.id}).status_code == 404
    assert client.get("/bao-cao/giai-quyet-van-ban-di", query_string={**QUARTER_ARGS, "agency": "1\x00"}).status_code == 400
    rows = list(csv.DictReader(io.StringIO(client.get("/bao-cao/giai-quyet-van-ban-di", query_string={
        **QUARTER_ARGS, "dinh-dang": "csv"}).get_data(as_text=True).lstrip("\ufeff"))))
    assert int(rows[-1]["Chậm tiếp nhận"]) == hand["slow"]
    assert int(rows[-1]["Nơi nhận"]) == hand["recipients"]
    xlsx = client.get("/bao-cao/giai-quyet-van-ban-di", query_string={**QUARTER_ARGS, "dinh-dang": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    api = client.get("/api/v1/reports/outgoing-handling", query_string=QUARTER_ARGS,
                     headers=bearer_headers(client, sent.leaders[first.id])).get_json()
    assert api["total"]["counts"] == hand
    assert client.get("/api/v1/reports/outgoing-handling", query_string={**QUARTER_ARGS, "agency": second.id},
                      headers=bearer_headers(client, sent.leaders[first.id])).status_code == 404


def test_pdf_export_is_in_the_decree_30_layout(app, db, sent, login, tmp_path):
    import subprocess

    first = sent.agencies[0]
    hand = hand_counts(db, sent, {first.id}, PERIOD_START, PERIOD_END)
    client = login(sent.clerks[first.id])
    texts = {}
    for url, subject in (("/bao-cao/giai-quyet-van-ban-di", "Tình hình giải quyết văn bản đi"),
                         ("/bao-cao/hieu-qua-xu-ly", "Tình hình giải quyết văn bản đến")):
        response = client.get(url, query_string={**QUARTER_ARGS, "dinh-dang": "pdf"})
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
        (tmp_path / "r.pdf").write_bytes(response.data)
        text = " ".join(subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], check=True,
                                       capture_output=True, text=True).stdout.split())
        for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", subject,
                      f"/BC-{first.short_name}", "Nơi nhận:", "Từ ngày 01/04/2025 đến ngày 30/06/2025",
                      "tháng năm", first.name.upper()):
            assert words in text, words
        texts[subject] = text
    assert total_row(texts["Tình hình giải quyết văn bản đi"]) == [hand[key] for key in COLUMN_ORDER]


COLUMN_ORDER = ("released", "signed", "electronic", "axis", "secret", "recipients", "accepted_on_time", "slow",
                "waiting", "completed", "not_completed")


def total_row(text: str) -> list[int]:
    """The numbers after "Tổng cộng" in the PDF's text (thousands written 4.129)."""
    after = text.split("Tổng cộng", 1)[1].split()
    return [int(word.replace(".", "")) for word in after[:len(COLUMN_ORDER)]]


def test_a_year_of_the_province_is_four_statements(app, db, sent, count_queries):
    """Documents, documents sent electronically, recipients (grouped by days), names: however many there are."""
    year = Period("year", PERIOD_START.replace(month=1, day=1), PERIOD_END.replace(month=12, day=31))
    with count_queries() as counted:
        build_outgoing_handling(year, None, "agency")
    assert len(counted.statements) == 4, counted.statements


def test_a_status_received_later_reaches_the_report_on_the_next_run(app, db, sent):
    agency = sent.agencies[0]
    before = build_outgoing_handling(QUARTER, (agency.id,), "agency").total.counts
    # A document of the quarter already sent over the axis: one more recipient there, answering later.
    draft = next(d for d in db.session.query(OutgoingDraft).order_by(OutgoingDraft.document_id)
                 if d.released_at is not None and d.document.agency_id == agency.id
                 and PERIOD_START <= vn_day(d.released_at) <= PERIOD_END and any(r.exchange_state for r in d.recipients))
    target = OutgoingRecipient(draft_id=draft.document_id, position=9, code="000.00.99.H98", name="Nhận sau",
                               exchange_state="sent")
    db.session.add(target)
    db.session.flush()
    released = draft.released_at
    db.session.add_all([ExternalRecipientStatus(recipient_id=target.id, code=code, at=released + timedelta(hours=hours),
                                                received_at=utcnow(), package_sha256="1" * 64)
                        for code, hours in (("01", 2), ("03", 3), ("06", 4))])
    db.session.flush()
    refresh_recipient_facts()
    after = build_outgoing_handling(QUARTER, (agency.id,), "agency").total.counts
    assert after == hand_counts(db, sent, {agency.id}, PERIOD_START, PERIOD_END)
    assert [after[k] - before[k] for k in ("recipients", "completed", "accepted_on_time")] == [1, 1, 1]
