"""`flask exchange hub` and `hub-register`: a developer sets up the stand-in for two installations."""
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from app.exchange.axis import AxisClient, AxisRefused
from app.exchange.axis.hub import create_hub_app

from .axis.conftest import served

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _settings(output: str) -> dict:
    return dict(re.findall(r"^(AXIS_[A-Z_]+)=(.*)$", output, re.MULTILINE))


@pytest.fixture
def hub_register(app, db, tmp_path):
    url = f"sqlite:///{tmp_path / 'axis-hub.db'}"
    runner = app.test_cli_runner()

    def register(*args):
        return runner.invoke(args=["exchange", "hub-register", *args, "--database", url])

    register.database_url = url
    return register


def test_two_installations_registered_from_the_command_line_can_exchange(hub_register):
    first = hub_register("yenbai.h63", "--name", "Yên Bái", "--agency", "000.00.01.H63=Sở Nội vụ",
                         "--agency", "000.00.02.H63=Sở Tài chính", "--parent", "000.00.00.H63")
    second = hub_register("laocai.h38", "--agency", "000.00.01.H38")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "Đã đăng ký hệ thống yenbai.h63 trên trục mô phỏng với 2 đơn vị." in first.output
    a, b = _settings(first.output), _settings(second.output)
    assert a["AXIS_SYSTEM_ID"] == "yenbai.h63" and len(a["AXIS_SECRET"]) >= 32
    assert a["AXIS_SECRET"] != b["AXIS_SECRET"]

    with served(create_hub_app(hub_register.database_url)) as (url, _stop):
        client_a = AxisClient(url, a["AXIS_SYSTEM_ID"], a["AXIS_SECRET"], timeout=5)
        client_b = AxisClient(url, b["AXIS_SYSTEM_ID"], b["AXIS_SECRET"], timeout=5)
        directory = {agency.code: agency for agency in client_b.get_agencies_list()}
        assert directory["000.00.02.H63"].name == "Sở Tài chính"
        assert directory["000.00.02.H63"].parent_code == "000.00.00.H63"
        client_b.send_edoc(b"<edXML/>", to=["000.00.02.H63"], sender="000.00.01.H38")
        [waiting] = client_a.get_received_edoc_list()
        assert client_a.get_edoc(waiting.doc_id) == b"<edXML/>"


def test_registering_again_keeps_or_replaces_the_secret(hub_register):
    original = _settings(hub_register("yenbai.h63").output)["AXIS_SECRET"]

    again = hub_register("yenbai.h63", "--agency", "000.00.01.H63")
    assert "Đã cập nhật hệ thống yenbai.h63" in again.output
    assert _settings(again.output)["AXIS_SECRET"] == original
    replaced = hub_register("yenbai.h63", "--secret", "a-new-secret")
    assert _settings(replaced.output)["AXIS_SECRET"] == "a-new-secret"

    with served(create_hub_app(hub_register.database_url)) as (url, _stop):
        with pytest.raises(AxisRefused):
            AxisClient(url, "yenbai.h63", original, timeout=5).get_agencies_list()
        assert AxisClient(url, "yenbai.h63", "a-new-secret", timeout=5).get_agencies_list()


def test_an_agency_code_of_another_system_is_refused_with_the_reason(hub_register):
    hub_register("yenbai.h63", "--agency", "000.00.01.H63")

    taken = hub_register("laocai.h38", "--agency", "000.00.01.H63")
    assert taken.exit_code != 0
    assert "Mã định danh 000.00.01.H63 đã được hệ thống khác đăng ký." in taken.output
    assert "Traceback" not in taken.output


def test_the_hub_command_serves_the_stand_in(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    command = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "exchange", "hub",
               "--port", str(port), "--database", f"sqlite:///{tmp_path / 'hub.db'}"]
    help_text = subprocess.run([*command[:5], "--help"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                               text=True, timeout=60).stdout
    assert "BẢN MÔ PHỎNG" in help_text
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/")
        assert "KHÔNG phải Trục liên thông văn bản quốc gia" in page.text
        assert (tmp_path / "hub.db").exists()
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "BẢN MÔ PHỎNG" in output


def _wait_for(url: str, seconds: float = 30) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _told_in_vietnamese(result, expected: str, exit_code: int = 1) -> None:
    """The reason on its own: no click "Error:"/"Usage:" lines, no English, no traceback."""
    assert result.exit_code == exit_code, result.output
    assert expected in result.output
    assert "Error" not in result.output and "Usage" not in result.output and "Traceback" not in result.output


def test_hub_register_tells_a_refusal_without_an_english_prefix(hub_register):
    hub_register("yenbai.h63", "--agency", "000.00.01.H63")
    _told_in_vietnamese(hub_register("laocai.h38", "--agency", "000.00.01.H63"),
                        "Mã định danh 000.00.01.H63 đã được hệ thống khác đăng ký.")


def test_export_tells_why_it_writes_nothing(app, db, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "goi.edxml"
    _told_in_vietnamese(runner.invoke(args=["exchange", "export", "987654", "-o", str(target)]),
                        "Không có văn bản đi số 987654.")
    assert not target.exists()
    _told_in_vietnamese(runner.invoke(args=["exchange", "export", "so-muoi", "-o", str(target)]),
                        "Giá trị không hợp lệ cho 'DOCUMENT_ID'", exit_code=2)
    _told_in_vietnamese(runner.invoke(args=["exchange", "export", "1"]), "Thiếu tùy chọn '-o' / '--output'",
                        exit_code=2)


def test_usage_mistakes_and_missing_files_are_told_in_vietnamese(app, db, tmp_path):
    runner = app.test_cli_runner()
    _told_in_vietnamese(runner.invoke(args=["exchange", "import", str(tmp_path / "khong-co.edxml")]),
                        "khong-co.edxml: BỊ TỪ CHỐI — không đọc được tệp")
    _told_in_vietnamese(runner.invoke(args=["exchange", "nhap"]), "Không có lệnh nhap", exit_code=2)
    _told_in_vietnamese(runner.invoke(args=["exchange", "import", "--khong-co", "x"]),
                        "Không có tùy chọn --khong-co", exit_code=2)
