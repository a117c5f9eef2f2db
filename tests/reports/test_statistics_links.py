"""Every number of the statistics page opens the list of exactly those documents: the outgoing columns and the
tables by type and urgency, as the incoming columns already do."""
import re
from collections import Counter
from urllib.parse import unquote

import pytest

from app.reports.facts import refresh_document_facts

from .conftest import YEAR, counted_incoming, released_outgoing

QUARTER = {"period": "quarter", "year": YEAR, "quarter": 2}
LINK = r'href="(/van-ban-(?:den|di)\?[^"]*)">([\d.]+)</a>'


@pytest.fixture
def facts(app, db, province):
    refresh_document_facts()
    return province


def _total_on_list(client, url) -> int:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r"Tổng số: ([\d.]+)", page)
    return int(match.group(1).replace(".", "")) if match else 0


def _links(page: str, table_id: str) -> list[tuple[str, int]]:
    table = re.search(rf'id="{table_id}">(.*?)</table>', page, re.S).group(1)
    return [(url.replace("&amp;", "&"), int(n.replace(".", ""))) for url, n in re.findall(LINK, table)]


def test_outgoing_numbers_open_the_released_documents_they_count(app, db, facts, login):
    agency = facts.agencies[0]
    client = login(facts.clerks[agency.id])  # the clerk who received every document: sees the secret ones too
    page = client.get("/bao-cao/thong-ke", query_string=QUARTER).get_data(as_text=True)
    outgoing = [(url, n) for url, n in _links(page, "statistics-table") if url.startswith("/van-ban-di?")]
    assert {re.search(r"outcome=(\w+)", url).group(1) for url, _n in outgoing} >= {"counted", "signed", "secret"}
    for url, number in outgoing:
        assert _total_on_list(client, url) == number, url
    counted = next(n for url, n in outgoing if "outcome=counted" in url)
    assert counted == len(released_outgoing(db, facts, {agency.id}))  # and the number is what the documents say


def test_the_tables_by_type_and_urgency_link_to_their_lists(app, db, facts, login):
    agency = facts.agencies[1]
    client = login(facts.clerks[agency.id])
    page = client.get("/bao-cao/thong-ke", query_string=QUARTER).get_data(as_text=True)
    incoming, outgoing = counted_incoming(facts, {agency.id}), released_outgoing(db, facts, {agency.id})
    for table, attribute in (("by-doc_type", "doc_type"), ("by-urgency", "urgency")):
        links = _links(page, table)
        assert links, table
        by_incoming = Counter(str(getattr(d, attribute)) for d in incoming)
        by_outgoing = Counter(str(getattr(d, attribute)) for d in outgoing)
        for url, number in links:
            key = re.search(rf"{attribute}=([^&]+)", url).group(1)
            expected = (by_incoming if url.startswith("/van-ban-den") else by_outgoing)[unquote(key)]
            assert number == expected, url
            assert _total_on_list(client, url) == number, url


def test_the_released_list_ignores_filters_that_make_no_sense(app, db, facts, login):
    agency = facts.agencies[0]
    client = login(facts.clerks[agency.id])
    every = _total_on_list(client, "/van-ban-di")
    for junk in ("outcome=overdue", "urgency=9", "doc_type=" + "X" * 40, "agency=abc", "from=99/99/9999"):
        assert client.get(f"/van-ban-di?{junk}").status_code == 200
        assert _total_on_list(client, f"/van-ban-di?{junk}") == every, junk
    other = facts.agencies[1]
    assert _total_on_list(client, f"/van-ban-di?agency={other.id}&outcome=counted") == 0  # another agency's: none
