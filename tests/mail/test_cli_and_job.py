"""`flask mail test|digest`, and the digest as a scheduled job run by concurrent workers."""
import email
import threading
from email import policy

import pytest

from app.jobs.runner import JOBS, run_job, schedule_for
from app.notifications.models import Notification

from ..factories import Factory
from .test_digest import MORNING, make_notice, parsed


def test_mail_test_sends_a_vietnamese_message(app, db, mail_on):
    result = app.test_cli_runner().invoke(args=["mail", "test", "thu@yenbai.gov.vn"])
    assert result.exit_code == 0 and "Đã gửi thư thử tới thu@yenbai.gov.vn." in result.output
    [(recipients, raw)] = mail_on.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert recipients == ["thu@yenbai.gov.vn"] and message["Subject"] == "[Liên Thông] Thư thử — tiếng Việt có dấu"
    assert "máy chủ thư đã được cấu hình đúng" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("args, settings, reason", [
    (["mail", "test", "khong-hop-le"], {}, "Địa chỉ thư không hợp lệ"),
    (["mail", "test", "thu@yenbai.gov.vn"], {"SMTP_HOST": None}, "Chưa cấu hình máy chủ thư (SMTP_HOST)."),
    (["mail", "test", "thu@yenbai.gov.vn"], {"SMTP_TLS": "tls"}, "SMTP_TLS không hợp lệ"),
    (["mail", "test", "thu@yenbai.gov.vn"], {"SMTP_PORT": 1}, "Không gửi được thư: Không kết nối được máy chủ thư"),
    (["mail", "digest"], {"MAIL_DIGEST_ENABLED": False}, "Chưa bật gửi thư"),
    (["mail", "test"], {}, "Thiếu tham số"),
])
def test_mail_commands_fail_in_vietnamese(app, db, mail_on, monkeypatch, args, settings, reason):
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and reason in result.output
    assert "Traceback" not in result.output and "Error:" not in result.output
    assert mail_on.messages == []


def test_mail_digest_sends_now_whatever_the_hour_and_reports_failures(app, db, make, mail_on, monkeypatch):
    person = make.user(email="huong@yenbai.gov.vn")
    make_notice(db, person)
    real_port = app.config["SMTP_PORT"]
    monkeypatch.setitem(app.config, "SMTP_PORT", 1)
    failed = app.test_cli_runner().invoke(args=["mail", "digest"])
    assert failed.exit_code == 1 and "Không gửi được 1 bản tin" in failed.output and "Lần chạy sau" in failed.output
    monkeypatch.setitem(app.config, "SMTP_PORT", real_port)
    result = app.test_cli_runner().invoke(args=["mail", "digest"])
    assert result.exit_code == 0 and "Đã gửi 1 bản tin." in result.output
    assert len(mail_on.messages) == 1


def test_the_digest_job_is_scheduled_only_when_email_is_on(app, mail_on, monkeypatch):
    assert JOBS["send_email_digests"] and schedule_for(app.config)["send_email_digests"] == 900.0
    monkeypatch.setitem(app.config, "MAIL_DIGEST_ENABLED", False)
    assert "send_email_digests" not in schedule_for(app.config)


def test_concurrent_workers_send_one_digest_a_person(app, committed_db, mail_on):
    make = Factory(committed_db)
    people = [make.user(email=f"nguoi{n}@yenbai.gov.vn") for n in range(4)]
    for person in people:
        make_notice(committed_db, person)
        make_notice(committed_db, person, minutes_ago=5)
    committed_db.session.commit()
    errors = []

    def work():
        try:
            run_job(app, "send_email_digests", now=MORNING.isoformat())
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    assert sorted(recipients[0] for recipients, _raw in mail_on.messages) == sorted(p.email for p in people)
    assert all("2 thông báo mới" in parsed(raw)[0]["Subject"] for _r, raw in mail_on.messages)
    committed_db.session.expire_all()
    assert committed_db.session.query(Notification).filter(Notification.emailed_at.is_(None)).count() == 0
