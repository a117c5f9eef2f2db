"""The report charts: the canvas's numbers equal the table beside it, and both equal counts made by hand
from the documents themselves, in the same scope as the report tables."""
import html
import json
import re
from collections import Counter
from datetime import date

import pytest

from app.reports.charts import AGE_BANDS, backlog_age, band_of, trend_months
from app.reports.facts import refresh_document_facts
from app.reports.periods import Period
from app.workflow.scripting_runtime import work_calendar

from .conftest import (
    PERIOD_END,
    PERIOD_START,
    YEAR,
    _days_between,
    counted_incoming,
    released_outgoing,
    vn_day,
)

QUARTER = {"period": "quarter", "year": YEAR, "quarter": 2}
OPEN = ("01", "03", "04", "05")


@pytest.fixture
def facts(app, db, province):
    refresh_document_facts()
    return province


def _island(page: str, key: str) -> dict:
    match = re.search(rf'<script type="application/json" id="chart-{key}-data">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def _number(text: str) -> float:
    return float(html.unescape(text).strip().replace(".", "").replace(",", "."))


def _table(page: str, key: str) -> tuple[list[str], list[list[float]]]:
    """The row headings and the numbers of the chart's table, as a person reads them."""
    body = re.search(rf'id="chart-{key}-table">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    labels, rows = [], []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        labels.append(html.unescape(re.search(r'<th scope="row">(.*?)</th>', row, re.S).group(1)))
        rows.append([_number(cell) for cell in re.findall(r'<td class="text-end">(.*?)</td>', row, re.S)])
    return labels, rows


def _chart_equals_table(page: str, key: str) -> dict:
    data = _island(page, key)
    labels, rows = _table(page, key)
    assert labels == data["labels"]
    assert rows == [[series["values"][i] for series in data["series"]] for i in range(len(labels))]
    return data


def test_trend_by_month_equals_the_table_and_the_documents(app, db, facts, login):
    agency = facts.agencies[0]
    page = login(facts.leaders[agency.id]).get("/bao-cao/thong-ke", query_string=QUARTER).get_data(as_text=True)
    assert "chart.umd.min.js" in page and "report_charts.js" in page
    data = _chart_equals_table(page, "trend")
    assert data["labels"] == ["04/2025", "05/2025", "06/2025"]
    incoming = Counter(vn_day(d.received_at).month for d in counted_incoming(facts, {agency.id}))
    outgoing = Counter(d.document_date.month for d in released_outgoing(db, facts, {agency.id}))
    assert data["series"][0]["values"] == [incoming[m] for m in (4, 5, 6)]
    assert data["series"][1]["values"] == [outgoing[m] for m in (4, 5, 6)]
    assert sum(data["series"][0]["values"]) > 0  # the other agency's documents are not in it


def test_a_month_shows_the_year_that_ends_with_it(app, db, facts, login):
    agency = facts.agencies[1]
    page = login(facts.leaders[agency.id]).get("/bao-cao/thong-ke", query_string={
        "period": "month", "year": YEAR, "month": 4}).get_data(as_text=True)
    data = _chart_equals_table(page, "trend")
    assert data["labels"][0] == "05/2024" and data["labels"][-1] == "04/2025" and len(data["labels"]) == 12
    march = len(counted_incoming(facts, {agency.id}, date(YEAR, 3, 1), date(YEAR, 3, 31)))
    assert march and data["series"][0]["values"][-2] == march


def test_trend_months_cross_the_year():
    start, end, months = trend_months(Period("month", date(2025, 2, 1), date(2025, 2, 28)))
    assert (start, end) == (date(2024, 3, 1), date(2025, 2, 28))
    assert months[0] == (2024, 3) and months[9] == (2024, 12) and months[10] == (2025, 1) and len(months) == 12
    assert trend_months(Period("custom", date(2025, 1, 20), date(2025, 3, 5)))[2] == [(2025, 1), (2025, 2), (2025, 3)]


def test_on_time_share_per_unit_equals_the_documents(app, db, facts, login):
    agency = facts.agencies[1]
    page = login(facts.leaders[agency.id]).get("/bao-cao/hieu-qua-xu-ly", query_string=QUARTER).get_data(as_text=True)
    data = _chart_equals_table(page, "on-time")
    today = date.today()
    incoming = counted_incoming(facts, {agency.id})
    expected = {}
    for department in facts.units[agency.id]:
        mine = [d for d in incoming if d.lead_department_id == department.id]
        done = [d for d in mine if d.status_code == "06"]
        verdicts = [sum(vn_day(d.completed_at) <= d.due_date for d in done),
                    sum(vn_day(d.completed_at) > d.due_date for d in done),
                    sum(d.status_code in OPEN and d.due_date is not None and d.due_date < today for d in mine)]
        if sum(verdicts):
            expected[department.name] = [round(100 * n / sum(verdicts), 1) for n in verdicts]
    assert expected
    assert {label: [s["values"][i] for s in data["series"]] for i, label in enumerate(data["labels"])} == expected
    assert data["unit"] == "%" and data["stacked"] is True


def test_backlog_age_counts_the_open_documents_by_working_days(app, db, facts, login):
    agency = facts.agencies[0]
    calendar = work_calendar()
    still_open = [d for d in counted_incoming(facts, {agency.id}) if d.status_code in OPEN]
    assert still_open
    page = login(facts.leaders[agency.id]).get("/bao-cao/hieu-qua-xu-ly", query_string=QUARTER).get_data(as_text=True)
    data = _chart_equals_table(page, "backlog")
    assert sum(data["series"][0]["values"]) == len(still_open)  # the table's "Đang xử lý"
    # A day inside the quarter spreads the same documents over the bands; the band edges are inclusive.
    today = date(YEAR, 6, 20)
    chart = backlog_age(Period("quarter", PERIOD_START, PERIOD_END), (agency.id,), today=today, calendar=calendar)
    by_hand = [0] * (len(AGE_BANDS) + 1)
    for d in still_open:
        by_hand[band_of(max(_days_between(calendar, vn_day(d.received_at), today), 0))] += 1
    assert chart.series[0].values == by_hand
    assert sum(1 for n in by_hand if n) > 1
    assert [band_of(n) for n in (0, 2, 3, 5, 6, 10, 11, 20, 21, 400)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_province_page_charts_every_agency_with_numbers(app, db, facts, login, make):
    admin = make.user(agency=facts.agencies[0], roles=("admin",), province_wide=True)
    page = login(admin).get("/bao-cao/hieu-qua-xu-ly", query_string=QUARTER).get_data(as_text=True)
    labels = _chart_equals_table(page, "on-time")["labels"]
    assert {a.name for a in facts.agencies} <= set(labels)
