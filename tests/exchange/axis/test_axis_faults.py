"""Refusals are permanent (`AxisRefused`), outages transient (`AxisUnavailable`): against real servers."""
import json
import socket

import pytest
import requests
from sqlalchemy import text

from app.exchange.axis import AxisClient, AxisRefused, AxisUnavailable, client_from_config
from app.exchange.axis.hub import create_hub_app
from app.exchange.axis.hub import store as hub_store
from app.exchange.axis.wire import SIGN_HEADER, STAND_IN_HEADER, sdk_timestamp, signed_headers

from .conftest import AGENCY_A, AGENCY_B, served

PACKAGE = b"<edXML/>"


def test_a_wrong_secret_or_unknown_system_is_refused_with_401(hub, system_b):
    for client in (hub.client("lienthong.a", secret="not-the-secret"), hub.client("no.such.system", "x")):
        with pytest.raises(AxisRefused) as refused:
            client.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
        assert refused.value.status_code == 401
        with pytest.raises(AxisRefused):
            client.get_agencies_list()
    assert system_b.get_received_edoc_list() == []


def _raw(hub, operation: str, fields: dict, secret: str = "secret-of-b", **kwargs):
    headers = signed_headers({**fields, "systemid": "lienthong.b", "timestamp": sdk_timestamp()}, secret)
    return headers, lambda h=headers: requests.post(f"{hub.url}/{operation}", headers=h, timeout=5, **kwargs)


def test_signed_fields_cannot_be_altered_or_left_out(hub, system_a, system_b):
    system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
    [waiting] = system_b.get_received_edoc_list()
    headers, post = _raw(hub, "updateStatus", {"status": "processing", "docId": waiting.doc_id})
    assert post().status_code == 200

    tampered = dict(headers)
    tampered[SIGN_HEADER] = headers[SIGN_HEADER].replace("processing", "done")
    assert post(tampered).status_code == 401
    assert requests.post(f"{hub.url}/getReceivedEdocList", timeout=5).status_code == 401
    [still] = system_b.get_received_edoc_list()
    assert still.status == "processing"


def test_a_package_that_does_not_match_its_hash_is_refused(hub, system_a):
    _headers, post = _raw(hub, "sendEdoc", {"from": "000.00.02.H38", "messagetype": "edoc",
                                            "to": json.dumps([AGENCY_A]), "hash-file": "0" * 64},
                          files={"file_doc": ("edoc.edxml", PACKAGE)})
    answer = post()
    assert answer.status_code == 400 and answer.json()["status"] == "FAIL"
    assert system_a.get_received_edoc_list() == []


def test_an_unknown_acknowledgement_status_is_refused(hub, system_a, system_b):
    system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
    [waiting] = system_b.get_received_edoc_list()
    _headers, post = _raw(hub, "updateStatus", {"status": "acceptance", "docId": waiting.doc_id})
    assert post().status_code == 400
    with pytest.raises(ValueError):
        system_b.update_status(waiting.doc_id, "acceptance")
    assert len(system_b.get_received_edoc_list()) == 1


def test_a_package_over_the_size_limit_is_refused(tmp_path):
    small_hub = create_hub_app(f"sqlite:///{tmp_path / 'small-hub.db'}", max_package_mb=1)
    with small_hub.extensions["axis_hub_engine"].begin() as conn:
        hub_store.register_system(conn, "lienthong.a", secret="secret-of-a")
        hub_store.register_agency(conn, "lienthong.a", code=AGENCY_A, name="A")
    with served(small_hub) as (url, _stop), pytest.raises(AxisRefused) as refused:
        AxisClient(url, "lienthong.a", "secret-of-a").send_edoc(b"x" * (1024 * 1024 + 1), to=[AGENCY_A])
    assert refused.value.status_code == 413 and "1 MB" in refused.value.reason


def test_a_stopped_hub_is_unavailable(hub, system_a):
    hub.stop()

    with pytest.raises(AxisUnavailable) as unavailable:
        system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
    assert unavailable.value.operation == "sendEdoc" and unavailable.value.status_code is None
    with pytest.raises(AxisUnavailable):
        system_a.get_received_edoc_list()


def test_a_failing_hub_is_unavailable(hub, system_a, system_b):
    with hub.engine.begin() as conn:  # the stand-in's database loses a table under it: it answers 500
        conn.execute(text("DROP TABLE hub_delivery"))

    with pytest.raises(AxisUnavailable) as unavailable:
        system_a.send_edoc(PACKAGE, to=[AGENCY_B], sender=AGENCY_A)
    assert unavailable.value.status_code == 500


def test_a_silent_axis_times_out_as_unavailable():
    with socket.socket() as listener:  # accepts connections into its backlog and never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = AxisClient(f"http://127.0.0.1:{listener.getsockname()[1]}", "lienthong.a", "s", timeout=0.3)
        with pytest.raises(AxisUnavailable):
            client.get_agencies_list()


@pytest.mark.parametrize("status", ["200 OK", "502 Bad Gateway"])
def test_a_proxy_page_instead_of_the_axis_is_unavailable(status):
    def maintenance_page(_environ, start_response):  # what a reverse proxy answers while the axis is down
        start_response(status, [("Content-Type", "text/html; charset=utf-8")])
        return ["<html><body>Hệ thống đang bảo trì</body></html>".encode()]

    with served(maintenance_page) as (url, _stop), pytest.raises(AxisUnavailable) as unavailable:
        AxisClient(url, "lienthong.a", "secret-of-a").get_received_edoc_list()
    assert unavailable.value.status_code == int(status[:3])


def test_the_stand_in_says_it_is_a_stand_in(hub):
    page = requests.get(hub.url + "/", timeout=5)
    assert "BẢN MÔ PHỎNG" in page.text and "KHÔNG phải Trục liên thông văn bản quốc gia" in page.text
    assert page.headers[STAND_IN_HEADER] == "1"
    assert requests.post(hub.url + "/getAgenciesList", timeout=5).headers[STAND_IN_HEADER] == "1"


def test_the_client_comes_from_the_settings():
    assert client_from_config({"AXIS_ENDPOINT": None}) is None
    client = client_from_config({"AXIS_ENDPOINT": "http://axis.example/", "AXIS_SYSTEM_ID": "vxp.h63",
                                 "AXIS_SECRET": "s3cret", "AXIS_TIMEOUT_SECONDS": 7.5})
    assert (client.endpoint, client.system_id, client.timeout) == ("http://axis.example", "vxp.h63", 7.5)
    assert "s3cret" not in repr(client)
