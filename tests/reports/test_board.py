"""Theo dõi văn bản đi: each recipient's 01→06 times and flags as the documents say, secrecy, agency scope,
filters, downloads, the API, hostile parameters, and statements that do not grow with the page."""
import csv
import io
from datetime import timezone
from types import SimpleNamespace

import pytest
from flask import g

from app.reports.board import BoardFilters, build_board
from app.reports.periods import period_from_args

from ..factories import bearer_headers
from .board_setup import NOVEMBER, release, vn

EXTERNAL = ("000.00.00.G22", "Bộ Nội vụ")
# The session's user with roles and agency; the period's documents; the recipients with their outbox messages,
# their external statuses, the delivered documents and their statuses; the secret ones among the page and those
# the reader may open; the recipient choices; the layout's delegations banner, task count and unread notices.
PAGE_STATEMENTS = 13
# The token with its user and roles (one statement), then the page's own reads (no layout, no agency name).
API_STATEMENTS = 9


@pytest.fixture
def world(db, make):
    sender = make.agency(name="Sở Nội vụ thử bảng theo dõi")
    inside, late, other = make.agency(name="Sở Y tế thử"), make.agency(name="Sở Xây dựng thử"), make.agency()
    leader, clerk = make.user(agency=sender, roles=("leader",)), make.user(agency=sender, roles=("clerk",))
    # Nov 2 2026 is a Monday. Inside: 01→06 in four days. Outside: 01 on Tuesday, never 03 (slow).
    # Late: 01 on Friday, 03 on Tuesday after the weekend: past the one working day allowed (slow, accepted).
    ordinary = release(db, clerk, 1, vn(2, 8), internal=[
        (inside, [("01", vn(2, 9)), ("03", vn(2, 10)), ("04", vn(3, 9)), ("05", vn(4, 9)), ("06", vn(5, 15))]),
        (late, [("01", vn(6, 9)), ("03", vn(10, 9))])],
        external=[(*EXTERNAL, [("01", vn(3, 9))])])
    # Secret: registered by the clerk, never given to the leader; its only recipient got it and said nothing.
    secret = release(db, clerk, 2, vn(10, 8), secrecy=1, registered_by=clerk,
                     internal=[(inside, [("01", vn(10, 9))])])
    october = release(db, clerk, 3, vn(30, 8, month=10), internal=[(inside, [("01", vn(30, 9, month=10))])])
    unreleased = release(db, clerk, 4, vn(12, 8), stage="signing")
    foreign = release(db, make.user(agency=other, roles=("clerk",)), 5, vn(5, 8),
                      internal=[(inside, [("01", vn(5, 9))])])
    return SimpleNamespace(sender=sender, inside=inside, late=late, other=other, leader=leader, clerk=clerk,
                           ordinary=ordinary, secret=secret, october=october, unreleased=unreleased, foreign=foreign)


def _board(w, actor, **filters):
    return build_board(period_from_args(NOVEMBER), w.sender.id, BoardFilters(**filters), actor=actor)


def test_each_recipient_has_its_times_and_flags_as_the_documents_say(app, db, world):
    with app.test_request_context():
        board = _board(world, world.leader)
    assert [d.id for d in board.page.items] == [world.secret.id, world.ordinary.id]  # newest release first
    ordinary = board.page.items[1]
    rows = {r.status.code: r for r in ordinary.recipients}
    assert list(rows) == [world.inside.code, world.late.code, EXTERNAL[0]]
    inside, late, outside = rows[world.inside.code], rows[world.late.code], rows[EXTERNAL[0]]
    assert inside.steps == {"01": vn(2, 9), "03": vn(2, 10), "04": vn(3, 9), "05": vn(4, 9), "06": vn(5, 15)}
    assert (inside.status.status_code, inside.status.slow, inside.incomplete) == ("06", False, False)
    assert (late.status.status_code, late.status.slow, late.incomplete) == ("03", True, True)
    assert outside.status.internal is False and outside.steps == {"01": vn(3, 9)}
    assert (outside.status.status_code, outside.status.slow, outside.incomplete) == ("01", True, True)
    assert ordinary.slow and ordinary.incomplete and ordinary.subject == "Trích yếu văn bản đi số 1"
    assert board.recipient_choices == sorted([(world.inside.code, world.inside.name), (world.late.code, world.late.name),
                                              EXTERNAL], key=lambda c: (c[1], c[0]))


def test_filters_keep_the_flagged_documents_and_the_chosen_recipient(app, db, world):
    with app.test_request_context():
        only_inside = _board(world, world.clerk, recipient=world.inside.code)
        inside_incomplete = _board(world, world.clerk, recipient=world.inside.code, incomplete=True)
        late_slow = _board(world, world.clerk, recipient=world.late.code, slow=True)
        nobody = _board(world, world.clerk, recipient="999.99.99.X99")
    assert [d.id for d in only_inside.page.items] == [world.secret.id, world.ordinary.id]
    assert all(len(d.recipients) == 1 for d in only_inside.page.items)
    assert [d.id for d in inside_incomplete.page.items] == [world.secret.id]  # the ordinary one is done there
    assert [d.id for d in late_slow.page.items] == [world.ordinary.id]
    assert nobody.page.items == [] and nobody.page.total == 0


def test_a_secret_subject_shows_only_to_who_may_open_it(app, db, world, login, post_form):
    leader_page = login(world.leader).get("/bao-cao/theo-doi-van-ban-di", query_string=NOVEMBER)
    assert leader_page.status_code == 200
    text = leader_page.get_data(as_text=True)
    assert "Trích yếu văn bản đi số 1" in text and "Trích yếu văn bản đi số 2" not in text
    assert "Văn bản mật: không hiển thị trích yếu." in text
    assert f"/van-ban/{world.ordinary.id}\"" in text and f"/van-ban/{world.secret.id}\"" not in text
    post_form("/", "/dang-xuat")
    clerk_text = login(world.clerk).get("/bao-cao/theo-doi-van-ban-di", query_string=NOVEMBER).get_data(as_text=True)
    assert "Trích yếu văn bản đi số 2" in clerk_text and f"/van-ban/{world.secret.id}\"" in clerk_text


def test_only_the_agency_s_released_documents_of_the_period(app, db, world, login):
    client = login(world.leader)
    text = client.get("/bao-cao/theo-doi-van-ban-di", query_string=NOVEMBER).get_data(as_text=True)
    for absent in (world.october, world.unreleased, world.foreign):
        assert f'data-document="{absent.id}"' not in text
    assert "Chậm tiếp nhận" in text and "Chưa hoàn thành" in text
    assert client.get("/bao-cao/theo-doi-van-ban-di", query_string={**NOVEMBER, "agency": world.other.id}).status_code == 404


@pytest.mark.parametrize("output", ["csv", "xlsx"])
def test_downloads_list_every_recipient_and_hide_the_secret_subject(app, db, world, login, output):
    response = login(world.leader).get("/bao-cao/theo-doi-van-ban-di",
                                       query_string={**NOVEMBER, "dinh-dang": output})
    assert response.status_code == 200
    assert "theo-doi-van-ban-di-20261101-20261130" in response.headers["Content-Disposition"]
    if output == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        body = [r for r in rows if r and r[0] in ("1/SNV-VP", "2/SNV-VP")]
        assert len(body) == 4  # three recipients of the first, one of the secret one
        assert not any("số 2" in cell for row in body for cell in row)
        assert sum(1 for row in body if "Có" in row[-2]) == 3  # slow: late, outside, the secret one's


def test_the_api_answers_the_same_board(app, db, world, client, make):
    headers = bearer_headers(client, world.leader)
    answer = client.get("/api/v1/reports/outgoing-timeline", query_string={**NOVEMBER, "incomplete": "1"},
                        headers=headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert [d["id"] for d in body["items"]] == [world.secret.id, world.ordinary.id] and body["total"] == 2
    secret = body["items"][0]
    assert secret["subject"] is None and all(s["note"] is None for s in secret["recipients"][0]["timeline"])
    outside = body["items"][1]["recipients"][2]
    assert (outside["code"], outside["internal"], outside["slow"], outside["steps"]) == (
        EXTERNAL[0], False, True, {"01": vn(3, 9).astimezone(timezone.utc).isoformat()})
    assert client.get("/api/v1/reports/outgoing-timeline", query_string={**NOVEMBER, "agency": world.other.id},
                      headers=headers).status_code == 404
    for hostile in ({"page": "0"}, {"per_page": "100000"}, {"recipient": "x" * 40}, {"slow": "yes"}, {"month": "13"}):
        assert client.get("/api/v1/reports/outgoing-timeline", query_string={**NOVEMBER, **hostile},
                          headers=headers).status_code == 400, hostile
    specialist = bearer_headers(client, make.user(agency=world.sender, roles=("specialist",)))
    assert client.get("/api/v1/reports/outgoing-timeline", headers=specialist).status_code == 403


def test_hostile_parameters_get_a_page_never_an_error(app, db, world, login):
    client = login(world.clerk)
    url = "/bao-cao/theo-doi-van-ban-di"
    huge = client.get(url, query_string={**NOVEMBER, "page": "99999999999999999999"})
    assert huge.status_code == 200 and 'data-document="' in huge.get_data(as_text=True)  # the first page
    beyond = client.get(url, query_string={**NOVEMBER, "page": "500000"})
    assert beyond.status_code == 200 and 'data-document="' not in beyond.get_data(as_text=True)
    assert client.get(url, query_string={**NOVEMBER, "recipient": "a\x00b"}).status_code == 400
    arrays = client.get(f"{url}?period=month&year=2026&month=11&recipient={world.late.code}&recipient=x&slow=1&slow=0")
    assert arrays.status_code == 200 and f'data-document="{world.ordinary.id}"' in arrays.get_data(as_text=True)
    assert "Giá trị ngoài giới hạn" in client.get(url, query_string={**NOVEMBER, "month": "13"}).get_data(as_text=True)
    assert client.get(url, query_string={**NOVEMBER, "agency": "1e9"}).status_code == 404
    assert client.get(url, query_string={**NOVEMBER, "month": "13", "dinh-dang": "csv"}).status_code == 400


def _many(db, make, documents: int):
    sender, inside = make.agency(), make.agency()
    clerk = make.user(agency=sender, roles=("clerk",))
    for number in range(documents):
        release(db, clerk, number + 1, vn(2 + number, 8), secrecy=number % 2, registered_by=clerk,
                internal=[(inside, [("01", vn(2 + number, 9)), ("03", vn(2 + number, 10))])],
                external=[(*EXTERNAL, [("01", vn(3 + number, 9))])])
    return clerk


@pytest.mark.parametrize("documents", [2, 8])
@pytest.mark.parametrize("filters", [{}, {"slow": "1"}])
def test_a_page_costs_the_same_statements_for_any_number_of_documents(app, db, make, login, count_queries, filters,
                                                                       documents):
    client = login(_many(db, make, documents))
    # As a fresh request: nothing in the session, the signed-in user not yet loaded.
    db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as counted:
        page = client.get("/bao-cao/theo-doi-van-ban-di", query_string={**NOVEMBER, **filters})
    assert page.status_code == 200 and page.get_data(as_text=True).count('data-document="') == 2 * documents
    assert len(counted.statements) == PAGE_STATEMENTS, "\n".join(counted.statements)


@pytest.mark.parametrize("documents", [2, 8])
def test_an_api_page_costs_the_same_statements_for_any_number_of_documents(app, db, make, client, count_queries,
                                                                           documents):
    headers = bearer_headers(client, _many(db, make, documents))
    db.session.expunge_all()  # the test client's requests share the test's session: start as a request does
    with count_queries() as counted:
        answer = client.get("/api/v1/reports/outgoing-timeline", query_string=NOVEMBER, headers=headers)
    assert answer.status_code == 200 and len(answer.get_json()["items"]) == documents
    assert len(counted.statements) == API_STATEMENTS, "\n".join(counted.statements)
