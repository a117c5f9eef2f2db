"""Reading documents follows the roles: lane roles and auditors read, designers and administrators do not."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.documents.access import open_case, open_document, visible_documents

from ..conftest import csrf_token_from
from ..factories import Factory
from .world import build_world


def test_document_reading_follows_the_roles_held(app, db, make, deployed):
    world = build_world(app, db, make)
    document_id, instance_id = world.values["document_id"], world.values["instance_id"]
    for role in ("designer", "admin"):
        actor = world.users[role]
        assert db.session.scalars(visible_documents(actor)).all() == []
        assert open_document(document_id, actor) is None and open_case(instance_id, actor) is None
    # A person holding a reading role beside the administrator's reads as that role allows.
    clerk_and_admin = make.user(agency=world.users["clerk"].agency, roles=("clerk", "admin"))
    assert open_document(document_id, clerk_and_admin).id == document_id
    assert open_case(instance_id, clerk_and_admin).document_id == document_id


def test_the_menu_offers_documents_and_audit_only_to_their_readers(app, db, make, deployed, client, login):
    world = build_world(app, db, make)
    pages = {}
    for role in ("clerk", "auditor", "designer", "admin"):
        login(world.users[role])
        pages[role] = client.get("/").get_data(as_text=True)
        client.post("/dang-xuat", data={"csrf_token": csrf_token_from(pages[role])})
    assert all('href="/van-ban-den"' in pages[role] for role in ("clerk", "auditor"))
    assert not any('href="/van-ban-den"' in pages[role] or 'href="/du-thao"' in pages[role]
                   for role in ("designer", "admin"))
    assert 'href="/kiem-toan"' in pages["auditor"] and 'href="/kiem-toan"' not in pages["admin"]
    # Hồ sơ hold documents: the same readers.
    assert all('href="/ho-so"' in pages[role] for role in ("clerk", "auditor"))
    assert not any('href="/ho-so"' in pages[role] for role in ("designer", "admin"))
    assert 'href="/quan-tri/su-co"' in pages["admin"]



def test_reading_a_secret_documents_case_through_the_api_is_audited(app, db, make, deployed, client):
    world = build_world(app, db, make)
    clerk, secret = world.users["clerk"], world.variants["secret"]
    token = client.post("/api/v1/auth/login", json={"username": clerk.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    response = client.get(f"/api/v1/instances/{secret['instance_id']}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    # The test shares the requests' session; a server's request end rolls back what was not committed.
    db.session.rollback()
    opened = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "secret_document_opened",
                                                         AuditEvent.actor_id == clerk.id)).all()
    assert [event.subject_id for event in opened] == [str(secret["document_id"])]
