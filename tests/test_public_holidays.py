"""PUBLIC_HOLIDAYS from the environment: read into the working calendar, a mistyped day stops the start."""
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app import create_app
from app.config import SettingRefused, public_holidays
from app.workflow.scripting_runtime import work_calendar

PROJECT = Path(__file__).resolve().parent.parent


def test_days_are_read_in_either_form_sorted_and_once():
    assert public_holidays("") == ()
    assert public_holidays(" 2026-04-30, 01/01/2026,,2026-01-01 ") == ("2026-01-01", "2026-04-30")


@pytest.mark.parametrize("text", ["2026-02-30", "31/04/2026", "mùng 1 Tết", "2026-13-01", "1/1", "2026-01-01;2026-01-02"])
def test_a_day_that_does_not_exist_is_refused_in_both_languages(text):
    with pytest.raises(SettingRefused) as refused:
        public_holidays(text)
    assert "PUBLIC_HOLIDAYS" in str(refused.value)
    assert "không phải là một ngày" in str(refused.value) and "is not a date" in str(refused.value)


def test_the_working_calendar_keeps_the_configured_days_off(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_HOLIDAYS", "2026-04-30,2026-05-01")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "k", "TESTING": True})
    with app.app_context():
        calendar = work_calendar()
    assert calendar.holidays == {date(2026, 4, 30), date(2026, 5, 1)}
    # Wednesday 29 April plus one working day: Thursday and Friday are off, so Monday 4 May.
    assert calendar.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


def test_the_server_does_not_start_with_a_mistyped_holiday(tmp_path):
    environment = {**os.environ, "INSTANCE_PATH": str(tmp_path), "PUBLIC_HOLIDAYS": "2026-01-01,2026-02-30"}
    started = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=PROJECT, env=environment,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 1
    assert "“2026-02-30” không phải là một ngày" in started.stderr and "Traceback" not in started.stderr
