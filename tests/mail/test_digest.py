"""The daily digest through a real SMTP server on loopback: content, secrecy, preferences, retries."""
import email
import ssl
from datetime import date, datetime, timedelta, timezone
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.documents.models import Document
from app.mail.digest import send_daily_digests
from app.mail.models import EmailPreference
from app.mail.preferences import save_email_preferences
from app.notifications import models as notices
from app.notifications.models import Notification
from app.vietnam_time import VIETNAM

from .conftest import Inbox, free_port, self_signed_certificate

# 08:00 in Vietnam: after the default digest hour (07:00).
MORNING = datetime(2026, 12, 7, 8, 0, tzinfo=VIETNAM).astimezone(timezone.utc)
ORDINARY_SUBJECT = "V/v phòng chống lũ quét và sạt lở đất mùa mưa bão"
SECRET_SUBJECT = "Kế hoạch bảo vệ bí mật nhà nước về địa điểm kho dự trữ"
OTHER_SUBJECT = "Báo cáo tình hình của cơ quan khác"


def make_document(db, agency, subject: str, *, secrecy: int = 0, registered_by=None) -> Document:
    document = Document(agency_id=agency.id, direction="incoming", origin="paper", doc_type="CV",
                        issuer_name="UBND tỉnh", document_date=date(2026, 12, 1), subject=subject,
                        secrecy=secrecy, registered_by_id=registered_by.id if registered_by else None)
    db.session.add(document)
    db.session.flush()
    return document


def make_notice(db, user, kind=notices.NEW_TASK, *, document=None, task_uuid=None, note="", minutes_ago=60,
                actor=None) -> Notification:
    notice = Notification(user_id=user.id, kind=kind, document_id=document.id if document else None,
                          task_uuid=task_uuid, note=note, actor_id=actor.id if actor else None,
                          created_at=MORNING - timedelta(minutes=minutes_ago))
    db.session.add(notice)
    db.session.flush()
    return notice


def parsed(raw: bytes):
    message = email.message_from_bytes(raw, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return message, text, html


@pytest.fixture
def person(make):
    return make.user(roles=("specialist",), full_name="Trần Thị Hương", email="huong@yenbai.gov.vn")


def emailed(db, person):
    db.session.expire_all()
    return {n.id: n.emailed_at for n in db.session.scalars(select(Notification).where(Notification.user_id == person.id))}


def test_the_digest_lists_the_persons_notices_newest_first_with_links_in_vietnamese(db, make, mail_on, person):
    leader = make.user(agency=person.agency, roles=("leader",), full_name="Lê Văn Đức")
    document = make_document(db, person.agency, ORDINARY_SUBJECT)
    older = make_notice(db, person, notices.NEW_TASK, document=document, task_uuid="11111111-2222-4333-8444-555555555555",
                        minutes_ago=120)
    newer = make_notice(db, person, notices.REMINDER, document=document, note="Đề nghị khẩn trương xử lý",
                        actor=leader, minutes_ago=30)
    make_notice(db, make.user(), notices.NEW_TASK)  # someone else's (no address): not in this mail

    run = send_daily_digests(MORNING)

    assert run.sent == 1 and run.failures == []
    [(recipients, raw)] = mail_on.messages
    assert recipients == ["huong@yenbai.gov.vn"]
    message, text, html = parsed(raw)
    assert message["Subject"] == "[Liên Thông] 2 thông báo mới"
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0].lower()  # the Vietnamese subject travels encoded
    assert message["From"].addresses[0].display_name == "Liên Thông Yên Bái"
    assert message["To"].addresses[0].display_name == "Trần Thị Hương"
    assert "Kính gửi Trần Thị Hương," in text
    task_link = "https://lienthong.yenbai.gov.vn/vp/cong-viec/11111111-2222-4333-8444-555555555555"
    assert text.index("Đôn đốc của lãnh đạo") < text.index("Việc mới giao cho tôi")  # newest first
    assert ORDINARY_SUBJECT in text and "Đề nghị khẩn trương xử lý" in text and "Lê Văn Đức" in text
    assert task_link in text and f"https://lienthong.yenbai.gov.vn/vp/van-ban/{document.id}" in text
    assert f'href="{task_link}"' in html and ORDINARY_SUBJECT in html
    assert "https://lienthong.yenbai.gov.vn/vp/tai-khoan/thong-bao-email" in text
    marked = emailed(db, person)
    assert marked[older.id] == MORNING and marked[newer.id] == MORNING


def test_a_secret_subject_or_one_the_person_may_no_longer_read_never_reaches_the_mail(db, make, mail_on, person):
    secret = make_document(db, person.agency, SECRET_SUBJECT, secrecy=1, registered_by=person)  # they may open it
    elsewhere = make_document(db, make.agency(), OTHER_SUBJECT)
    make_notice(db, person, notices.REMINDER, document=secret, note=f"Xử lý ngay: {SECRET_SUBJECT}")
    make_notice(db, person, notices.NEW_TASK, document=elsewhere)

    assert send_daily_digests(MORNING).sent == 1

    [(_recipients, raw)] = mail_on.messages
    _message, text, html = parsed(raw)
    for body in (raw.decode("ascii", "replace"), text, html):
        assert SECRET_SUBJECT not in body and OTHER_SUBJECT not in body
    assert SECRET_SUBJECT.encode() not in raw
    assert text.count("Văn bản mật") == 1 and "Văn bản\n" in text  # the other agency's: a neutral label


def test_only_the_chosen_kinds_are_sent_and_the_others_are_handled_for_email(db, make, mail_on, person):
    save_email_preferences(person, email=person.email, kinds=[notices.STATUS_RECEIVED], actor=person)
    chosen = make_notice(db, person, notices.STATUS_RECEIVED, note="03")
    unchosen = make_notice(db, person, notices.NEW_TASK)

    assert send_daily_digests(MORNING).sent == 1

    _message, text, _html = parsed(mail_on.messages[0][1])
    assert "Trạng thái văn bản đi từ nơi nhận" in text and "Việc mới giao cho tôi" not in text
    assert emailed(db, person) == {chosen.id: MORNING, unchosen.id: MORNING}


def test_defaults_send_work_and_deadlines_but_not_the_other_kinds(db, make, mail_on, person):
    for kind in notices.KINDS:
        make_notice(db, person, kind)

    send_daily_digests(MORNING)

    _message, text, _html = parsed(mail_on.messages[0][1])
    assert "4 thông báo mới" in _message["Subject"]
    for label in ("Việc mới giao cho tôi", "Việc sắp đến hạn", "Việc quá hạn", "Đôn đốc của lãnh đạo"):
        assert label in text
    for label in ("Dự thảo bị trả lại", "Trạng thái văn bản đi", "Yêu cầu thu hồi"):
        assert label not in text


def test_one_digest_a_day_and_a_second_run_sends_nothing(db, make, mail_on, person):
    make_notice(db, person)
    assert send_daily_digests(MORNING).sent == 1
    make_notice(db, person, minutes_ago=-30)  # arrives after today's digest

    assert send_daily_digests(MORNING + timedelta(hours=1)).sent == 0
    assert len(mail_on.messages) == 1

    tomorrow = MORNING + timedelta(days=1)
    assert send_daily_digests(tomorrow).sent == 1
    assert len(mail_on.messages) == 2
    assert send_daily_digests(tomorrow + timedelta(minutes=15)).sent == 0


def test_nothing_goes_out_before_the_digest_hour_or_with_email_off(app, db, make, mail_on, person, monkeypatch):
    notice = make_notice(db, person)
    assert send_daily_digests(datetime(2026, 12, 7, 6, 59, tzinfo=VIETNAM)).sent == 0
    monkeypatch.setitem(app.config, "MAIL_DIGEST_ENABLED", False)
    assert send_daily_digests(MORNING).sent == 0
    assert mail_on.messages == [] and emailed(db, person)[notice.id] is None


def test_a_person_without_an_address_gets_nothing_and_their_notices_are_handled(db, make, mail_on):
    nobody = make.user(email=None)
    notice = make_notice(db, nobody)
    assert send_daily_digests(MORNING).sent == 0
    assert mail_on.messages == [] and emailed(db, nobody)[notice.id] == MORNING


def test_smtp_down_marks_nothing_and_a_later_run_delivers(app, db, make, mail_on, person, monkeypatch):
    notice = make_notice(db, person)
    real_port = app.config["SMTP_PORT"]
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there

    run = send_daily_digests(MORNING)

    assert run.sent == 0 and run.failures == ["Không kết nối được máy chủ thư 127.0.0.1:%s." % app.config["SMTP_PORT"]]
    assert emailed(db, person)[notice.id] is None
    assert db.session.get(EmailPreference, person.id).digest_day is None

    monkeypatch.setitem(app.config, "SMTP_PORT", real_port)
    assert send_daily_digests(MORNING + timedelta(minutes=15)).sent == 1
    assert emailed(db, person)[notice.id] is not None and len(mail_on.messages) == 1


def test_a_digest_claimed_by_another_runner_is_left_to_it_until_its_lease_ends(db, make, mail_on, person):
    make_notice(db, person)
    db.session.add(EmailPreference(user_id=person.id, digest_claimed_at=MORNING - timedelta(minutes=1)))
    db.session.flush()

    assert send_daily_digests(MORNING).sent == 0
    assert send_daily_digests(MORNING + timedelta(minutes=20)).sent == 1  # the other runner died
    assert len(mail_on.messages) == 1


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_encrypted_delivery_to_a_server_with_its_own_certificate(app, db, make, mail_on, person, monkeypatch,
                                                                 tmp_path, mode):
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    options = {"tls_context": context, "require_starttls": True} if mode == "starttls" else {"ssl_context": context}
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        for key_, value in {"SMTP_PORT": controller.port, "SMTP_TLS": mode}.items():
            monkeypatch.setitem(app.config, key_, value)
        notice = make_notice(db, person)
        # Not trusted yet: the certificate is nobody's the system knows.
        assert send_daily_digests(MORNING).failures == ["Không thiết lập được kết nối mã hóa (TLS) với máy chủ thư."]
        assert emailed(db, person)[notice.id] is None
        monkeypatch.setitem(app.config, "SMTP_CA_FILE", str(cert))
        assert send_daily_digests(MORNING).sent == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and "Kính gửi" in parsed(inbox.messages[0][1])[1]


def test_starttls_against_a_server_without_it_fails_in_vietnamese(app, db, make, mail_on, person, monkeypatch):
    make_notice(db, person)
    monkeypatch.setitem(app.config, "SMTP_TLS", "starttls")
    assert send_daily_digests(MORNING).failures == [
        "Máy chủ thư không hỗ trợ STARTTLS hoặc đăng nhập như đã cấu hình."]


def test_a_long_backlog_lists_the_newest_and_counts_the_rest(db, make, mail_on, person, monkeypatch):
    from app.mail import digest

    monkeypatch.setattr(digest, "MAX_LISTED", 2)
    ids = [make_notice(db, person, minutes_ago=minutes).id for minutes in (30, 20, 10)]
    assert send_daily_digests(MORNING).sent == 1
    message, text, _html = parsed(mail_on.messages[0][1])
    assert message["Subject"] == "[Liên Thông] 3 thông báo mới"
    assert text.count("Việc mới giao cho tôi") == 2 and "… và 1 thông báo khác" in text
    assert all(emailed(db, person)[notice_id] == MORNING for notice_id in ids)


def test_odd_directory_data_neither_breaks_the_mail_nor_stops_the_others(db, make, mail_on, person):
    person.full_name = "Trần Thị Hương\r\nBcc: ke-gian@example.com"
    imported = make.user(email="Nguyễn Văn A@yenbai")  # kept by an import, refused by the preferences page
    make_notice(db, person, note="<script>alert(1)</script>")
    skipped = make_notice(db, imported)

    assert send_daily_digests(MORNING).sent == 1

    [(recipients, raw)] = mail_on.messages
    message, _text, html = parsed(raw)
    assert recipients == ["huong@yenbai.gov.vn"] and "Bcc" not in message
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert emailed(db, imported)[skipped.id] == MORNING


def test_a_digest_that_cannot_be_composed_is_skipped_and_the_others_still_go(db, make, mail_on, person, monkeypatch):
    from app.mail import digest

    broken = make.user(email="hong@yenbai.gov.vn")
    kept = make_notice(db, broken)
    make_notice(db, person)
    compose = digest._digest_message
    monkeypatch.setattr(digest, "_digest_message", lambda user, *args: (
        1 / 0 if user.id == broken.id else compose(user, *args)))

    run = send_daily_digests(MORNING)

    assert run.sent == 1 and run.failures == ["Lỗi khi soạn thư (xem nhật ký máy chủ)."]
    assert [recipients for recipients, _raw in mail_on.messages] == [["huong@yenbai.gov.vn"]]
    assert emailed(db, broken)[kept.id] is None
    assert db.session.get(EmailPreference, broken.id).digest_claimed_at is None  # tried again next run
