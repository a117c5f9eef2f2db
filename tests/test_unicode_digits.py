"""Numbers in query strings: "²" is a digit to str.isdigit() but not to int(), and a number of thirty
digits is past SQLite's integer; both are ignored or refused like any other junk, never a server error."""
import pytest
from flask import g

from .conftest import csrf_token_from
from .factories import Factory

JUNK = ("²", "١²", "9" * 30)


@pytest.mark.parametrize("junk", JUNK)
def test_lists_and_searches_ignore_numbers_int_cannot_read(app, db, make, junk):
    agency = make.agency()
    people = {"clerk": make.user(agency=agency, roles=("clerk",)),
              "leader": make.user(agency=agency, roles=("leader",)),
              "auditor": make.user(roles=("auditor",), province_wide=True)}
    db.session.commit()
    urls = {"clerk": [f"/van-ban-den?agency={junk}", f"/van-ban-den?lead_department={junk}",
                      f"/van-ban-di?agency={junk}"],
            "leader": [f"/bao-cao/thong-ke?agency={junk}", f"/bao-cao/thong-ke?department={junk}"],
            "auditor": [f"/kiem-toan?so={junk}", f"/kiem-toan?so={junk}/QĐ-UBND"]}
    for role, paths in urls.items():
        client = app.test_client()
        for name in list(g):  # the test's app context keeps the last signed-in user in g
            g.pop(name)
        page = client.get("/dang-nhap").get_data(as_text=True)
        client.post("/dang-nhap", data={"username": people[role].username, "password": Factory.PASSWORD,
                                        "csrf_token": csrf_token_from(page)})
        for path in paths:
            for name in list(g):
                g.pop(name)
            assert client.get(path).status_code < 500, (role, path)


@pytest.mark.parametrize("junk", JUNK)
def test_dossier_fields_refuse_numbers_int_cannot_read(app, junk):
    from werkzeug.datastructures import MultiDict

    from app.dossiers.filing import dossier_ids_from
    from app.dossiers.forms import _optional_id, year_from
    from app.dossiers.services import DossierRefused

    with app.test_request_context():
        errors = {}
        assert year_from(junk, errors) is None and "year" in errors
        assert _optional_id(MultiDict({"department_id": junk}), "department_id", errors, "x") is None
        assert errors["department_id"] == "x"
        with pytest.raises(DossierRefused):
            dossier_ids_from([junk])
