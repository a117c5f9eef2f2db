"""A real axis stand-in served over HTTP on a free port, with two connected systems."""
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from app.exchange.axis import AxisClient
from app.exchange.axis.hub import create_hub_app
from app.exchange.axis.hub import store as hub_store

# Two installations: A (one agency) and B (two agencies), as `flask exchange hub-register` would set them up.
SYSTEMS = {
    "lienthong.a": ("secret-of-a", [("000.00.01.H63", "Sở Nội vụ tỉnh A")]),
    "lienthong.b": ("secret-of-b", [("000.00.02.H38", "Sở Tài chính tỉnh B"), ("000.00.03.H38", "Sở Y tế tỉnh B")]),
}
AGENCY_A = "000.00.01.H63"
AGENCY_B = "000.00.02.H38"
AGENCY_B2 = "000.00.03.H38"


@dataclass
class RunningHub:
    url: str
    engine: object
    stop: object  # stops serving (the outage tests); the fixture's teardown does it anyway

    def client(self, system_id: str, secret: str | None = None, timeout: float = 5) -> AxisClient:
        return AxisClient(self.url, system_id, secret or SYSTEMS[system_id][0], timeout=timeout)


@contextmanager
def served(wsgi_app):
    """Serve a WSGI app on a free loopback port in a thread; yield (url, stop)."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stopped = []

    def stop():
        if not stopped:
            server.shutdown()
            server.server_close()
            thread.join(5)
            stopped.append(True)

    try:
        yield f"http://127.0.0.1:{server.server_port}", stop
    finally:
        stop()


@pytest.fixture
def hub(tmp_path):
    hub_app = create_hub_app(f"sqlite:///{tmp_path / 'axis-hub.db'}")
    engine = hub_app.extensions["axis_hub_engine"]
    with engine.begin() as conn:
        for system_id, (secret, agencies) in SYSTEMS.items():
            hub_store.register_system(conn, system_id, secret=secret)
            for code, name in agencies:
                hub_store.register_agency(conn, system_id, code=code, name=name, parent_code="000.00.00.H00")
    with served(hub_app) as (url, stop):
        yield RunningHub(url=url, engine=engine, stop=stop)
    engine.dispose()


@pytest.fixture
def system_a(hub) -> AxisClient:
    return hub.client("lienthong.a")


@pytest.fixture
def system_b(hub) -> AxisClient:
    return hub.client("lienthong.b")
