"""Report pages, downloads and API as each role: scope, 404 for another agency, the list behind a number."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.reports.facts import refresh_document_facts

from ..factories import bearer_headers
from .conftest import YEAR, counted_incoming

QUARTER = {"period": "quarter", "year": YEAR, "quarter": 2}


@pytest.fixture
def facts(app, db, province):
    refresh_document_facts()
    return province


def _total_on_list(client, url) -> int:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r"Tổng số: ([\d.]+)", page)
    return int(match.group(1).replace(".", "")) if match else 0


def test_leader_sees_own_agency_and_not_another(app, db, facts, login):
    first, second = facts.agencies
    client = login(facts.leaders[first.id])
    page = client.get("/bao-cao/thong-ke", query_string=QUARTER)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert first.name in text and second.name not in text
    assert "Báo cáo, thống kê" in text  # the menu entry
    assert "Số liệu cập nhật lúc" in text
    assert client.get("/bao-cao/thong-ke", query_string={**QUARTER, "agency": second.id}).status_code == 404
    assert client.get("/bao-cao/hieu-qua-xu-ly", query_string={**QUARTER, "agency": second.id}).status_code == 404
    department = facts.units[second.id][0]
    assert client.get("/bao-cao/hieu-qua-xu-ly", query_string={**QUARTER, "department": department.id}).status_code == 404
    assert client.get("/bao-cao/hieu-qua-xu-ly", query_string={**QUARTER, "agency": "99999999"}).status_code == 404


def test_before_the_first_run_the_page_says_the_numbers_are_coming(app, db, province, login):
    page = login(province.leaders[province.agencies[0].id]).get("/bao-cao/hieu-qua-xu-ly").get_data(as_text=True)
    assert "Số liệu đang được tổng hợp lần đầu" in page


def test_specialist_is_refused_and_has_no_menu_entry(app, db, facts, login):
    client = login(facts.people[facts.agencies[0].id][0])
    assert client.get("/bao-cao/thong-ke").status_code == 403
    assert client.get("/api/v1/reports/statistics", headers=bearer_headers(client, facts.people[
        facts.agencies[0].id][0])).status_code == 403
    assert "Báo cáo, thống kê" not in client.get("/").get_data(as_text=True)


def test_downloads_carry_the_same_numbers(app, db, facts, login):
    agency = facts.agencies[0]
    client = login(facts.clerks[agency.id])
    expected = len(counted_incoming(facts, {agency.id}))
    xlsx = client.get("/bao-cao/thong-ke", query_string={**QUARTER, "dinh-dang": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(row[0] == agency.name and row[1] == expected for row in values)
    rows = list(csv.reader(io.StringIO(client.get("/bao-cao/thong-ke", query_string={
        **QUARTER, "dinh-dang": "csv"}).data.decode("utf-8-sig"))))
    assert [agency.name, str(expected)] == rows[1][:2]
    pdf = client.get("/bao-cao/hieu-qua-xu-ly", query_string={**QUARTER, "dinh-dang": "pdf"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/bao-cao/thong-ke", query_string={"period": "custom", "from": "31/02/2025",
                                                         "dinh-dang": "pdf"}).status_code == 400


def test_a_wrong_period_is_said_not_shown_as_an_error_page(app, db, facts, login):
    client = login(facts.leaders[facts.agencies[0].id])
    page = client.get("/bao-cao/thong-ke", query_string={"period": "custom", "from": "01/06/2025", "to": "01/01/2025"})
    assert page.status_code == 200 and "Ngày kết thúc phải sau ngày bắt đầu." in page.get_data(as_text=True)


def test_the_list_behind_a_number_has_that_many_documents(app, db, facts, login, make):
    agency = facts.agencies[0]
    clerk = facts.clerks[agency.id]  # received every document: sees the secret ones too
    client = login(clerk)
    page = client.get("/bao-cao/hieu-qua-xu-ly", query_string=QUARTER).get_data(as_text=True)
    links = re.findall(r'href="(/van-ban-den\?[^"]*outcome=(\w+)[^"]*)">([\d.]+)</a>', page)
    assert {outcome for _url, outcome, _n in links} >= {"counted", "completed", "open"}
    for url, _outcome, number in links:
        assert _total_on_list(client, url.replace("&amp;", "&")) == int(number.replace(".", "")), url
    page = client.get("/bao-cao/thong-ke", query_string=QUARTER).get_data(as_text=True)
    links = re.findall(r'href="(/van-ban-den\?[^"]*outcome=(\w+)[^"]*)">([\d.]+)</a>', page)
    assert {outcome for _url, outcome, _n in links} >= {"counted", "electronic", "paper", "axis", "signed", "secret"}
    for url, _outcome, number in links:
        assert _total_on_list(client, url.replace("&amp;", "&")) == int(number.replace(".", "")), url


def test_province_wide_auditor_and_admin_see_every_agency(app, db, facts, make, client):
    auditor = make.user(agency=facts.agencies[0], roles=("auditor",), province_wide=True)
    headers = bearer_headers(client, auditor)
    answer = client.get("/api/v1/reports/statistics", query_string=QUARTER, headers=headers)
    assert answer.status_code == 200
    rows = {row["agency_id"]: row for row in answer.get_json()["agencies"]}
    for agency in facts.agencies:
        assert rows[agency.id]["incoming"] == len(counted_incoming(facts, {agency.id}))
    performance = client.get("/api/v1/reports/performance", query_string={**QUARTER, "agency": facts.agencies[1].id,
                                                                          "group": "person"}, headers=headers)
    assert performance.status_code == 200 and performance.get_json()["group"] == "person"
    admin = make.user(agency=facts.agencies[0], roles=("admin",), province_wide=True)
    answer = client.get("/api/v1/reports/performance", query_string=QUARTER, headers=bearer_headers(client, admin))
    assert answer.get_json()["group"] == "agency"
    assert answer.get_json()["total"]["counts"]["counted"] >= len(counted_incoming(facts, {a.id for a in facts.agencies}))


def test_api_scope_and_period_refusals(app, db, facts, client):
    first, second = facts.agencies
    headers = bearer_headers(client, facts.leaders[first.id])
    assert client.get("/api/v1/reports/statistics", query_string={**QUARTER, "agency": second.id},
                      headers=headers).status_code == 404
    assert client.get("/api/v1/reports/statistics", query_string={"period": "week"}, headers=headers).status_code == 400
    assert client.get("/api/v1/reports/performance", query_string={"period": "custom", "from": "01/01/2024",
                                                                   "to": "01/06/2025"}, headers=headers).status_code == 400
    mine = client.get("/api/v1/reports/statistics", query_string=QUARTER, headers=headers).get_json()
    assert [row["agency_id"] for row in mine["agencies"]] == [first.id]
    assert client.get("/api/v1/reports/statistics").status_code == 401


def test_openapi_names_the_report_schemas(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/api/v1/reports/statistics"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"] == {"$ref": "#/components/schemas/StatisticsOut"}
    assert "PerformanceOut" in document["components"]["schemas"]
