"""A user of agency A never sees agency B's people or departments, through the UI or the API."""
from sqlalchemy import select

from app.directory.models import Department, User
from app.directory.scoping import get_visible, scoped

from ..factories import Factory


def _token(client, user):
    response = client.post("/api/v1/auth/login", json={"username": user.username, "password": Factory.PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_scoped_queries_only_return_the_actors_agency(make, db):
    a, b = make.agency(), make.agency()
    alice, bob = make.user(agency=a), make.user(agency=b)
    make.department(agency=b)
    names = set(db.session.scalars(scoped(select(User.username), alice)).all())
    assert alice.username in names and bob.username not in names
    assert db.session.scalars(scoped(select(Department).where(Department.agency_id == b.id), alice)).all() == []
    # The criterion is bound per call, not cached from the first actor.
    assert get_visible(User, bob.id, actor=alice) is None
    assert get_visible(User, bob.id, actor=bob) == bob
    province = make.user(agency=a, province_wide=True)
    assert get_visible(User, bob.id, actor=province) == bob


def test_scoping_reaches_joined_rows(make, db):
    a, b = make.agency(), make.agency()
    alice = make.user(agency=a)
    make.user(agency=b, department=make.department(agency=b))
    rows = db.session.execute(scoped(select(User, Department).join(Department), alice)).all()
    assert rows == []


def test_other_agencys_objects_are_404_in_the_ui(client, make, login):
    a, b = make.agency(), make.agency()
    admin = make.user(agency=a, roles=("admin",))
    stranger = make.user(agency=b)
    department = make.department(agency=b)
    login(admin)
    assert client.get(f"/quan-tri/nguoi-dung/{stranger.id}").status_code == 404
    assert client.get(f"/quan-tri/phong-ban/{department.id}").status_code == 404
    assert client.get(f"/quan-tri/co-quan/{b.id}").status_code == 404
    listing = client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert stranger.username not in listing and admin.username in listing
    page = client.get(f"/quan-tri/nguoi-dung/{stranger.id}").get_data(as_text=True)
    assert "Không tìm thấy trang" in page


def test_other_agencys_objects_are_404_in_the_api(client, make):
    a, b = make.agency(), make.agency()
    alice, colleague, stranger = make.user(agency=a), make.user(agency=a), make.user(agency=b)
    department = make.department(agency=b)
    headers = _token(client, alice)
    assert client.get(f"/api/v1/users/{colleague.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/users/{stranger.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/departments/{department.id}", headers=headers).status_code == 404


def test_admin_pages_need_the_admin_role(client, make, login):
    login(make.user(roles=("specialist",)))
    response = client.get("/quan-tri/nguoi-dung")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


def test_paginated_totals_count_only_the_actors_agency(make, db, app):
    mine, other = make.agency(), make.agency()
    actor = make.user(agency=mine, roles=("clerk",))
    for _ in range(3):
        make.user(agency=other)
    with app.test_request_context():
        page = db.paginate(scoped(select(User), actor), page=1, per_page=10)
    assert (page.total, [u.id for u in page.items]) == (1, [actor.id])
