"""Pages and downloads refuse impossible dates, huge numbers and lying PDFs in Vietnamese, never with a 500."""
import pytest

from app.signing.validation import PdfRejected, inspect_pdf
from app.vietnam_time import parse_day, parse_day_or_none

from ..pdf_samples import minimal_pdf

DAY_MESSAGE = "Ngày không hợp lệ (dd/mm/yyyy, năm từ 1900 đến 2200)."


@pytest.mark.parametrize("text", ("31/12/9999", "9999-12-31", "01/01/0001", "1899-12-31", "1/1/2201"))
def test_days_outside_the_sane_years_are_refused(text):
    with pytest.raises(ValueError):
        parse_day(text)
    assert parse_day_or_none(text) is None


def test_days_at_the_edges_are_kept():
    assert parse_day("01/01/1900").year == 1900 and parse_day("2200-12-31").year == 2200


@pytest.fixture
def clerk(make, login):
    user = make.user(roles=("clerk", "leader"))
    login(user)
    return user


@pytest.mark.parametrize("period", ("to=31/12/9999", "from=9999-12-31&to=31/12/9999", "from=01/01/0001"))
def test_the_register_page_names_the_bad_day_and_shows_a_sane_period(client, clerk, period):
    response = client.get(f"/so-van-ban/den?{period}")
    assert response.status_code == 200
    assert DAY_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ("/so-van-ban/den?to=31/12/9999&dinh-dang=csv",
                                  "/so-van-ban/di?from=31/12/9999&dinh-dang=xlsx"))
def test_a_register_download_with_a_bad_day_is_refused(client, clerk, path):
    response = client.get(path)
    assert response.status_code == 400
    assert DAY_MESSAGE in response.get_data(as_text=True)


@pytest.fixture
def auditor(make, login):
    user = make.user(roles=("auditor",))
    login(user)
    return user


@pytest.mark.parametrize("query", ("to=31/12/9999", "from=31/12/9999&to=01/01/2020"))
def test_the_audit_csv_refuses_a_bad_day(client, auditor, query):
    response = client.get(f"/kiem-toan/su-kien.csv?{query}")
    assert response.status_code == 400
    assert DAY_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("number", ("3000000000", "9223372036854775808"))
def test_huge_numbers_in_query_strings_are_ignored_like_unreadable_ones(client, auditor, number):
    response = client.get(f"/kiem-toan/su-kien.csv?co_quan={number}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert client.get(f"/kiem-toan/ho-so?co_quan={number}&page={number}").status_code == 200


def test_huge_ids_in_page_urls_are_not_found(client, clerk):
    assert client.get("/van-ban/9223372036854775808").status_code == 404


@pytest.mark.parametrize("claimed", (99_999_999_999_999, 0, -3, 10_001))
def test_a_pdf_claiming_an_impossible_page_count_is_refused(claimed):
    with pytest.raises(PdfRejected, match="số trang"):
        inspect_pdf(minimal_pdf(pages=2, claimed_pages=claimed))
    assert inspect_pdf(minimal_pdf(pages=2, claimed_pages=10_000)).page_count == 10_000
