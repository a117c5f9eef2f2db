"""Sổ văn bản: offered and opened by the same rule, read by auditors within their scope, and a secret
book marked as such on its page and printouts (its numbers restart at 1 and would read as duplicates)."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from app.documents import register_views
from app.documents.models import RegisterBook
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task


def _menu(page: str) -> str:
    return page[page.index('id="side-menu"'):page.index("</nav>", page.index('id="side-menu"'))]


def _registered(office, bring_in, db, **overrides):
    document = bring_in(office, **overrides).document
    row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(row.task_uuid, {"route": "leader"}, actor=office.clerk)
    return document


@pytest.mark.parametrize("roles", (("specialist",), ("format_checker",), ("designer",), ("admin",)))
def test_people_who_may_not_read_registers_are_not_offered_them(roles, office, make, login, client):
    login(make.user(agency=office.agency, roles=roles, province_wide=roles[0] in ("designer", "admin")))
    assert "Sổ văn bản" not in _menu(client.get("/").get_data(as_text=True))
    if roles[0] in ("specialist", "format_checker"):  # they read the incoming list, whose button it was
        assert "/so-van-ban" not in client.get("/van-ban-den").get_data(as_text=True)
    assert client.get("/so-van-ban/den").status_code == 403
    assert client.get("/so-van-ban/di").status_code == 403


@pytest.mark.parametrize("role", ("clerk", "leader", "unit_head"))
def test_register_keepers_are_offered_and_open_them(role, office, make, login, client):
    login(make.user(agency=office.agency, roles=(role,)))
    assert "/so-van-ban/den" in _menu(client.get("/").get_data(as_text=True))
    assert client.get("/so-van-ban/den").status_code == 200


def test_a_province_wide_auditor_reads_any_agencys_register_and_writes_no_book(office, bring_in, make, login,
                                                                               client, db):
    document = _registered(office, bring_in, db, number="15", notation="QĐ-UBND", doc_type="QĐ")
    bare = make.agency(name="Sở chưa có sổ")
    auditor = make.user(roles=("auditor",), province_wide=True)
    login(auditor)
    assert "/so-van-ban/den" in _menu(client.get("/").get_data(as_text=True))
    page = client.get(f"/so-van-ban/den?co_quan={office.agency.id}").get_data(as_text=True)
    assert document.symbol in page and office.agency.name in page and 'id="co_quan"' in page
    books = db.session.scalar(select(func.count(RegisterBook.id)))
    empty = client.get(f"/so-van-ban/den?co_quan={bare.id}")
    assert empty.status_code == 200 and "chưa có sổ văn bản" in empty.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RegisterBook.id))) == books  # reading wrote nothing
    csv = client.get(f"/so-van-ban/den?co_quan={office.agency.id}&dinh-dang=csv").data.decode("utf-8-sig")
    assert "15/QĐ-UBND" in csv


def test_an_agency_auditor_reads_only_their_own_agencys_register(office, bring_in, make, login, client, db):
    document = _registered(office, bring_in, db, number="15", notation="QĐ-UBND", doc_type="QĐ")
    other = make.agency(name="Sở khác")
    login(make.user(agency=other, roles=("auditor",)))
    page = client.get(f"/so-van-ban/den?co_quan={office.agency.id}").get_data(as_text=True)
    assert document.symbol not in page and 'id="co_quan"' not in page and "Sở khác" in page


def test_the_secret_book_is_marked_on_its_page_and_exports(office, bring_in, login, client, db, monkeypatch):
    _registered(office, bring_in, db, number="7", notation="UBND", secrecy="1")
    _registered(office, bring_in, db, number="8", notation="UBND")
    login(office.clerk)
    ordinary = client.get("/so-van-ban/den?so=den").get_data(as_text=True)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in ordinary and 'id="secret-book"' not in ordinary
    secret = client.get("/so-van-ban/den?so=den-mat").get_data(as_text=True)
    assert "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN" in secret and 'id="secret-book"' in secret and "7/UBND" in secret
    assert "(Sổ mật)" in secret  # in the book choice too
    xlsx = client.get("/so-van-ban/den?so=den-mat&dinh-dang=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.data)).properties.title == "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN"
    printed = {}
    monkeypatch.setattr(register_views, "render_register_pdf", lambda **kw: printed.update(kw) or b"%PDF-")
    client.get("/so-van-ban/den?so=den-mat&loai=theo-doi&dinh-dang=pdf")
    assert printed["title"] == "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN MẬT ĐẾN"
