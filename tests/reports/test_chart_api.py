"""The charts' numbers through the API: what the pages draw, counted by hand from the documents, in scope."""
import pytest

from app.reports.facts import refresh_document_facts

from ..factories import bearer_headers
from .conftest import YEAR, counted_incoming, released_outgoing, vn_day

QUARTER = {"period": "quarter", "year": YEAR, "quarter": 2}


@pytest.fixture
def facts(app, db, province):
    refresh_document_facts()
    return province


def test_the_charts_numbers_equal_the_documents(app, db, facts, client):
    agency = facts.agencies[0]
    headers = bearer_headers(client, facts.leaders[agency.id])
    answer = client.get("/api/v1/reports/charts", query_string=QUARTER, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    charts = {chart["key"]: chart for chart in body["charts"]}
    assert list(charts) == ["trend", "on-time", "backlog"] and body["group"] == "unit"
    trend = charts["trend"]
    assert trend["labels"] == [f"{m:02d}/{YEAR}" for m in (4, 5, 6)]
    incoming, outgoing = (s["values"] for s in trend["series"])
    by_month = [sum(1 for d in counted_incoming(facts, {agency.id}) if vn_day(d.received_at).month == m) for m in (4, 5, 6)]
    assert incoming == by_month
    assert sum(outgoing) == len(released_outgoing(db, facts, {agency.id}))
    on_time = charts["on-time"]
    assert on_time["unit"] == "%" and on_time["stacked"] is True
    for column in zip(*(s["values"] for s in on_time["series"])):
        assert sum(column) == pytest.approx(100, abs=0.2)
    open_now = [d for d in counted_incoming(facts, {agency.id}) if d.status_code in ("01", "03", "04", "05")]
    assert sum(charts["backlog"]["series"][0]["values"]) == len(open_now)


def test_the_charts_keep_to_the_scope(app, db, facts, client):
    first, second = facts.agencies
    headers = bearer_headers(client, facts.clerks[first.id])
    assert client.get("/api/v1/reports/charts", query_string={**QUARTER, "agency": second.id},
                      headers=headers).status_code == 404
    assert client.get("/api/v1/reports/charts", query_string={**QUARTER, "department": facts.units[second.id][0].id},
                      headers=headers).status_code == 404
    for hostile in ({"month": "13", "period": "month"}, {"agency": "x"}, {"group": "all"}, {"year": "1e9"}):
        assert client.get("/api/v1/reports/charts", query_string={**QUARTER, **hostile},
                          headers=headers).status_code == 400, hostile
    repeated = client.get("/api/v1/reports/charts?period=year&period=month&year=2025", headers=headers)
    assert repeated.status_code == 200 and repeated.get_json()["period"]["kind"] == "year"  # the first one counts
    specialist = bearer_headers(client, facts.people[first.id][0])
    assert client.get("/api/v1/reports/charts", headers=specialist).status_code == 403


def test_the_openapi_document_describes_the_charts(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/charts"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ChartsOut")
    assert "ChartOut" in spec["components"]["schemas"] and "OutgoingTimelineOut" in spec["components"]["schemas"]
