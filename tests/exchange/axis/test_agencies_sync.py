"""The external directory kept in line with the axis: `flask exchange agencies-sync` and the daily job,
against the real stand-in (its registered agencies are the axis' directory)."""
from sqlalchemy import select

from app.exchange.axis.transport import AxisTransport
from app.exchange.directory import ExternalAgency
from app.jobs.runner import run_job, schedule_for

from .conftest import AGENCY_A, AGENCY_B, AGENCY_B2


def _directory(db) -> dict[str, tuple]:
    return {a.code: (a.name, a.parent_code, a.active, a.source) for a in db.session.scalars(select(ExternalAgency))}


def _sync(app):
    return app.test_cli_runner().invoke(args=["exchange", "agencies-sync"])


def test_agencies_sync_takes_the_axis_directory_and_changes_nothing_the_second_time(app, db, hub, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", AxisTransport(hub.client("lienthong.a")))
    first = _sync(app)
    assert first.exit_code == 0, first.output
    assert "Đã thêm 3, cập nhật 0, giữ nguyên 0, ngừng hoạt động 0 cơ quan." in first.output
    assert _directory(db) == {
        AGENCY_A: ("Sở Nội vụ tỉnh A", "000.00.00.H00", True, "axis"),
        AGENCY_B: ("Sở Tài chính tỉnh B", "000.00.00.H00", True, "axis"),
        AGENCY_B2: ("Sở Y tế tỉnh B", "000.00.00.H00", True, "axis")}
    second = _sync(app)
    assert second.exit_code == 0 and "Đã thêm 0, cập nhật 0, giữ nguyên 3" in second.output


def test_agencies_sync_without_an_axis_or_with_the_axis_down_says_why_and_fails(app, db, hub, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", None)
    monkeypatch.setitem(app.config, "AXIS_ENDPOINT", None)
    unconfigured = _sync(app)
    assert unconfigured.exit_code == 1
    assert unconfigured.output.strip() == ("Chưa cấu hình trục liên thông (AXIS_ENDPOINT); "
                                           "không đồng bộ được danh bạ.")
    monkeypatch.setitem(app.config, "AXIS_ENDPOINT", hub.url)  # the settings alone are enough
    monkeypatch.setitem(app.config, "AXIS_SYSTEM_ID", "lienthong.a")
    monkeypatch.setitem(app.config, "AXIS_SECRET", "not-the-secret")
    refused = _sync(app)
    assert refused.exit_code == 1 and refused.output.startswith("Không đồng bộ được danh bạ: Trục liên thông từ chối")
    hub.stop()
    monkeypatch.setitem(app.config, "AXIS_SECRET", "secret-of-a")
    down = _sync(app)
    assert down.exit_code == 1 and "Traceback" not in down.output
    assert down.output.startswith("Không đồng bộ được danh bạ: Không kết nối được trục liên thông")
    assert _directory(db) == {}


def test_the_daily_sync_job_runs_only_with_an_axis_and_fills_the_directory(app, db, hub, monkeypatch):
    from tests.exchange.doubles import RecordingTransport

    monkeypatch.setitem(app.config, "AXIS_ENDPOINT", None)
    assert "sync_exchange_agencies" not in schedule_for(app.config)
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", RecordingTransport())  # a transport, not an axis
    assert "sync_exchange_agencies" not in schedule_for(app.config)
    assert run_job(app, "sync_exchange_agencies") == {}
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", AxisTransport(hub.client("lienthong.b")))
    assert schedule_for(app.config)["sync_exchange_agencies"] == 24 * 3600.0
    monkeypatch.setitem(app.config, "EXCHANGE_AGENCIES_SYNC_HOURS", 6)
    assert schedule_for(app.config)["sync_exchange_agencies"] == 6 * 3600.0
    assert run_job(app, "sync_exchange_agencies") == {"created": 3, "updated": 0, "unchanged": 0,
                                                      "deactivated": 0, "errors": 0}
    assert set(_directory(db)) == {AGENCY_A, AGENCY_B, AGENCY_B2}
