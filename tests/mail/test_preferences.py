"""A person's email page: the address and the kinds they choose; what an attacker may send instead."""
import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.mail.models import DEFAULT_KINDS, EmailPreference
from app.mail.preferences import chosen_kinds
from app.notifications import models as notices
from app.notifications.models import KINDS

PAGE = "/tai-khoan/thong-bao-email"


@pytest.fixture
def person(make, login):
    user = make.user(roles=("specialist",), email="cu@yenbai.gov.vn")
    login(user)
    return user


def test_the_page_shows_the_address_and_the_default_kinds_ticked(client, person):
    page = client.get(PAGE).get_data(as_text=True)
    assert 'value="cu@yenbai.gov.vn"' in page
    for kind in KINDS:
        assert _checked(page, kind) == (kind in DEFAULT_KINDS), kind


def _checked(page: str, kind: str) -> bool:
    start = page.index(f'value="{kind}"')
    tag = page[page.rindex("<input", 0, start):page.index(">", start)]
    return "checked" in tag


def test_the_account_pages_link_to_it(client, person):
    assert PAGE in client.get("/doi-mat-khau").get_data(as_text=True)


def test_saving_keeps_the_address_and_exactly_the_ticked_kinds(db, client, post_form, person):
    response = post_form(PAGE, data={"email": "  moi@yenbai.gov.vn ",
                                     "kinds": [notices.STATUS_RECEIVED, notices.REMINDER]})
    assert response.status_code == 302
    db.session.expire_all()
    assert person.email == "moi@yenbai.gov.vn"
    assert chosen_kinds(person) == (notices.STATUS_RECEIVED, notices.REMINDER)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "email_preferences_changed")).one()
    assert event.actor_id == person.id

    post_form(PAGE, data={"email": ""})  # nothing ticked, no address
    db.session.expire_all()
    assert person.email is None and chosen_kinds(person) == ()
    assert _checked(client.get(PAGE).get_data(as_text=True), notices.NEW_TASK) is False


@pytest.mark.parametrize("data, message", [
    ({"email": "khong-phai-dia-chi"}, "Địa chỉ thư không hợp lệ"),
    ({"email": "a@b.vn\r\nBcc: ke-gian@example.com"}, "Địa chỉ thư không hợp lệ"),
    ({"email": "Nguyễn@yenbai.gov.vn"}, "Địa chỉ thư không hợp lệ"),
    ({"email": "a" * 300 + "@yenbai.gov.vn"}, "Địa chỉ thư dài quá 254 ký tự."),
    ({"email": ["mot@yenbai.gov.vn", "hai@yenbai.gov.vn"]}, "Chỉ nhập một địa chỉ thư."),
    ({"email": "moi@yenbai.gov.vn", "kinds": ["new_task", "xoa_het"]}, "Loại thông báo không hợp lệ."),
    ({"email": "moi@yenbai.gov.vn", "kinds": ["new_task"] * 50}, "Loại thông báo không hợp lệ."),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_kept(db, client, post_form, person, data, message):
    response = post_form(PAGE, data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert person.email == "cu@yenbai.gov.vn" and db.session.get(EmailPreference, person.id) is None


def test_a_nul_byte_is_refused_before_the_page(db, client, post_form, person):
    response = post_form(PAGE, data={"email": "a\x00@yenbai.gov.vn"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    db.session.expire_all()
    assert person.email == "cu@yenbai.gov.vn"


def test_the_form_changes_only_the_signed_in_persons_own_settings(db, make, client, post_form, person):
    other = make.user(agency=person.agency, email="khac@yenbai.gov.vn")
    post_form(PAGE, data={"email": "moi@yenbai.gov.vn", "user_id": str(other.id), "kinds": ["overdue"]})
    db.session.expire_all()
    assert other.email == "khac@yenbai.gov.vn" and db.session.get(EmailPreference, other.id) is None
    assert db.session.execute(text("SELECT count(*) FROM email_preference")).scalar() == 1
