"""The case history as leaders and auditors read it: the diagram's and forms' words, names instead of ids,
one numbering for the list, the diagram and the data panel; the exact record only for auditors."""
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.jobs.timers import fire_due_timers
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task
from app.workflow.scripting import iso_end_of_day
from app.workflow.scripting_runtime import work_calendar

from ..workflow.engine_clock import shift_engine_clock

RAW = ("documents.register", "documents.assign", "lead_department_id", "remind_before_deadline", "route",
       "'leader'", "{'", "None", "True")


def _task(db, document, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


@pytest.fixture
def reminded(office, bring_in, db, monkeypatch):
    """Registered, assigned (lead unit and a supporting one), dispatched; the reminder timer has fired."""
    document = bring_in(office).document
    (unit, head, specialist), (support, _h, _s) = office.units
    due = work_calendar().add_working_days(vietnam_today(), 3)
    complete_task(_task(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(_task(db, document, "assign").task_uuid,
                  {"lead_department_id": unit.id, "support_department_ids": [support.id],
                   "due_date": due.isoformat(), "directing_opinion": "Khẩn trương"}, actor=office.leader)
    complete_task(_task(db, document, "dispatch_lead").task_uuid,
                  {"specialist": specialist.username, "dispatch_note": "Làm ngay"}, actor=head)
    reminder_at = datetime.fromisoformat(iso_end_of_day(work_calendar().add_working_days(due, -1))
                                         ).astimezone(timezone.utc) + timedelta(seconds=1)
    shift_engine_clock(monkeypatch, reminder_at)
    assert fire_due_timers(reminder_at) == 1
    db.session.commit()
    return document


def _visible(page: str) -> str:
    """What the browser shows: without the diagram's JSON and the auditors' folded raw data."""
    page = re.sub(r'<script type="application/json" id="step-snapshots">.*?</script>', "", page, flags=re.S)
    return re.sub(r'<details class="small mt-1 raw-data">.*?</details>', "", page, flags=re.S)


def _snapshots(page: str) -> list[dict]:
    return json.loads(re.search(r'id="step-snapshots">(.*?)</script>', page, re.S).group(1))


def test_a_leader_reads_names_labels_and_vietnamese_steps_never_engine_data(office, reminded, login, client):
    login(office.leader)
    page = client.get(f"/kiem-toan/ho-so/{reminded.instance_id}").get_data(as_text=True)
    shown = _visible(page)
    for raw in RAW:
        assert raw not in shown, raw
    (unit, _head, specialist), (support, _h, _s) = office.units
    assert "Bước tự động: Cấp số đến (03)" in shown and "Đến giờ hẹn: Nhắc trước hạn một ngày làm việc" in shown
    assert "Chuyển tiếp" in shown and "Trình lãnh đạo phân công" in shown
    assert f"Đơn vị chủ trì</dt><dd class=\"col-sm-9 mb-0 text-break\" style=\"white-space: pre-line\">{unit.name}" in shown
    assert support.name in shown and specialist.full_name in shown and specialist.username not in shown
    assert "Xử lý văn bản đến" in shown  # the process by its title
    assert "raw-data" not in page and '"raw"' not in page  # the exact record is the auditors' alone
    snapshots = _snapshots(page)
    assert all("data" not in s for s in snapshots)
    labels = {label for s in snapshots for label, _text, _changed in s["fields"]}
    assert {"Đơn vị xử lý", "Chuyên viên xử lý", "Hạn xử lý", "Đơn vị phối hợp"} <= labels and "lead_department_id" not in labels
    # One numbering: the list's badges 1…n, and each snapshot carries the number of its step.
    badges = [int(n) for n in re.findall(r'<span class="badge text-bg-light border" title="[^"]*">(\d+)</span>', page)]
    assert badges == list(range(1, len(badges) + 1))
    assert {s["number"] for s in snapshots} <= set(badges)
    assert "sau sự kiện #" not in page and "sau bước " in page


def test_an_auditor_also_gets_the_exact_record_readable_as_json(office, reminded, login, client, make, db):
    auditor = make.user(agency=office.agency, roles=("auditor",))
    db.session.commit()
    login(auditor)
    page = client.get(f"/kiem-toan/ho-so/{reminded.instance_id}").get_data(as_text=True)
    for raw in RAW:
        assert raw not in _visible(page), raw
    folded = "".join(re.findall(r'<details class="small mt-1 raw-data">.*?</details>', page, flags=re.S))
    assert "Dữ liệu gốc" in folded and "documents.register" in folded and "lead_department_id" in folded
    assert "{&#39;" not in folded and "None" not in folded  # JSON, never a Python repr
    assert all("raw" in s for s in _snapshots(page))


def test_the_task_pages_history_names_timers_in_words(office, reminded, login, client, db):
    login(office.units[0][2])
    page = client.get(f"/cong-viec/{_task(db, reminded, 'handle').task_uuid}").get_data(as_text=True)
    history = page[page.index('id="history-title"'):]
    assert "Đến giờ hẹn: Nhắc trước hạn một ngày làm việc" in history and "remind_before_deadline" not in history

