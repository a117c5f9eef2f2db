"""The liên thông demo as the README runs it: `flask exchange hub --demo` (make hub) registers Yên Bái and Lào
Cai and writes their AXIS_* settings; each installation reads its file, seeds its province (make run-axis,
make run-peer) and a letter of Yên Bái's Sở Nội vụ reaches Lào Cai's, its 01 coming back."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.exchange.axis.hub import store as hub_store
from app.exchange.demo_hub import MINISTRIES_SYSTEM, register_demo_systems, write_env_files

ROOT = Path(__file__).resolve().parents[2]
MINISTRY_CODES = {"000.00.00.G09", "000.00.00.G12", "000.00.00.G15", "000.00.00.G22"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _settings(env_file: Path) -> dict[str, str]:
    """What `set -a; . axis-KEY.env` puts in the environment (the Makefile's way of reading it)."""
    lines = env_file.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_demo_registration_is_idempotent_and_keeps_the_secrets(tmp_path):
    engine = hub_store.open_hub_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    with engine.begin() as conn:
        first = register_demo_systems(conn)
    with engine.begin() as conn:
        again = register_demo_systems(conn)
        owners = dict(conn.execute(select(hub_store.hub_agency.c.code, hub_store.hub_agency.c.system_id)).all())
        names = dict(conn.execute(select(hub_store.hub_agency.c.code, hub_store.hub_agency.c.name)).all())
    engine.dispose()
    assert again == first and set(first) == {"yenbai.demo", "laocai.demo"} and len(set(first.values())) == 2
    assert len(owners) == 91 + 35 + len(MINISTRY_CODES)
    assert {code for code, system in owners.items() if system == MINISTRIES_SYSTEM} == MINISTRY_CODES
    # Other systems tell the two Sở Nội vụ apart by name.
    assert names["000.00.02.H63"] == "Sở Nội vụ tỉnh Yên Bái" and names["000.00.02.H38"] == "Sở Nội vụ tỉnh Lào Cai"
    assert names["000.00.09.H38"] == "Ủy ban nhân dân thành phố Lào Cai"

    [yen_bai, lao_cai] = write_env_files(tmp_path, "http://127.0.0.1:8900", first)
    assert oct(lao_cai.stat().st_mode & 0o777) == "0o600"
    assert _settings(lao_cai) == {"AXIS_ENDPOINT": "http://127.0.0.1:8900", "AXIS_SYSTEM_ID": "laocai.demo",
                                  "AXIS_SECRET": first["laocai.demo"]}
    assert _settings(yen_bai)["AXIS_SYSTEM_ID"] == "yenbai.demo"


@pytest.fixture
def demo_hub(tmp_path):
    """`make hub`: the stand-in serving on a free port, the demo registered, the env files written."""
    port, folder = _free_port(), tmp_path / "hub"
    env = {**os.environ, "FLASK_APP": "wsgi.py", "INSTANCE_PATH": str(folder)}
    env.pop("AXIS_HUB_DATABASE_URL", None)
    env.pop("TEST_DATABASE_URL", None)
    hub = subprocess.Popen([sys.executable, "-m", "flask", "exchange", "hub", "--demo", "--port", str(port)],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert hub.poll() is None, hub.stderr.read().decode()[-3000:]
            time.sleep(0.2)
    yield folder, f"http://127.0.0.1:{port}"
    hub.terminate()
    hub.wait(10)


def _installation_env(tmp_path: Path, hub_folder: Path, province: str) -> dict[str, str]:
    # As run-axis and run-peer: its own instance (database, files), one demo CA for both.
    env = {**os.environ, "FLASK_APP": "wsgi.py", "INSTANCE_PATH": str(tmp_path / province),
           "PKI_DIR": str(tmp_path / "pki"), "DEMO_PROVINCE": province,
           **_settings(hub_folder / f"axis-{province}.env")}
    for name in ("TEST_DATABASE_URL", "DATABASE_URL", "FILES_DIR", "AUDIT_ANCHOR_LOG"):
        env.pop(name, None)
    return env


def _run(env, *command) -> str:
    done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


# The demo runs on its own SQLite files whatever TEST_DATABASE_URL says: the PostgreSQL pass of the suite would
# repeat the same two minutes for nothing.
@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the demo pair runs on its own SQLite files")
def test_a_letter_from_yen_bai_reaches_lao_cai_through_the_demo_hub(tmp_path, demo_hub):
    hub_folder, endpoint = demo_hub
    yen_bai, lao_cai = (_installation_env(tmp_path, hub_folder, key) for key in ("yenbai", "laocai"))
    assert yen_bai["AXIS_ENDPOINT"] == endpoint and lao_cai["AXIS_SYSTEM_ID"] == "laocai.demo"
    # Both set up at once, as in two terminals: migrate, seed their province (the processes deployed with it).
    setups = [subprocess.Popen(
        ["sh", "-c", f"{sys.executable} -m flask db upgrade && {sys.executable} -m flask seed-demo"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for env in (yen_bai, lao_cai)]
    outputs = [setup.communicate(timeout=240)[0] for setup in setups]
    assert all(setup.returncode == 0 for setup in setups), [output[-2000:] for output in outputs]
    assert "Đã tạo tỉnh minh họa Lào Cai: 35 cơ quan" in outputs[1]

    def step(env, *arguments) -> dict:
        return json.loads(_run(env, "tests.exchange.demo_pair_steps", *arguments).strip().splitlines()[-1])

    released = step(yen_bai, "snv-releases")
    # The new letter, and the demo's letter to Văn phòng Chính phủ that waited in the outbox, both leave.
    assert released["sent"] == {"sent": 2, "retry": 0, "dead": 0, "lost": 0}
    taken = step(lao_cai, "lao-cai-takes")
    # Lào Cai's directory of agencies outside it, from the axis: Yên Bái's by their names there, the ministries.
    assert taken["directory"]["000.00.02.H63"] == "Sở Nội vụ tỉnh Yên Bái"
    assert MINISTRY_CODES <= set(taken["directory"])
    assert taken["jobs"][0]["taken"]["imported"] == 1 and taken["jobs"][1]["sent"]["sent"] == 1
    [arrived] = taken["documents"]
    assert (arrived["status"], arrived["origin"], arrived["symbol"]) == ("01", "edxml", released["symbol"])
    assert arrived["issuer"][0] == "000.00.02.H63"
    assert arrived["verdicts"] and set(arrived["verdicts"]) == {"valid"}  # one demo CA trusted by both

    seen = step(yen_bai, "yen-bai-sees", str(released["document_id"]))
    assert seen["timeline"] == ["01"]
    assert [state for _codes, state, _error in seen["outbox"]] == ["sent", "sent"]
    assert sorted(codes[0] for codes, _state, _error in seen["outbox"]) == ["000.00.00.G22", "000.00.02.H38"]
