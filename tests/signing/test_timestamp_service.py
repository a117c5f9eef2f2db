"""PAdES B-T through a timestamp service over HTTP (SIGNING_TSA_URL), played here by the DEMO TSA on loopback."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import tsp

from app.signing.pades import sign_pdf
from app.signing.timestamping import DemoTimeStamper, timestamper_from_config
from app.signing.validation import validate_pdf_signatures

from ..pdf_samples import minimal_pdf


def serve_tsa(stamper: DemoTimeStamper):
    requests_seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests_seen.append(self.headers["Content-Type"])
            response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, requests_seen


def test_a_configured_timestamp_service_stamps_the_signature(demo_pki, person, trust):
    server, seen = serve_tsa(DemoTimeStamper(demo_pki.issue_timestamping()))
    try:
        timestamper = timestamper_from_config({"SIGNING_TSA_URL": f"http://127.0.0.1:{server.server_port}/tsa"})
        signed = sign_pdf(minimal_pdf(), person, timestamper=timestamper)
    finally:
        server.shutdown()
    assert seen and set(seen) == {"application/timestamp-query"}  # pyHanko may ask twice (size, then token)
    [verdict] = validate_pdf_signatures(signed, **trust)
    assert verdict.verdict == "valid" and verdict.timestamp_time is not None


def test_without_a_service_the_demo_tsa_stamps_only_when_the_demo_pki_is_trusted(demo_pki, tmp_path):
    assert timestamper_from_config({"TRUST_DEMO_PKI": False, "PKI_DIR": str(tmp_path)}) is None
    assert timestamper_from_config({"TRUST_DEMO_PKI": True, "SIGNING_DEMO_TSA": False, "PKI_DIR": str(tmp_path)}) is None
    assert isinstance(timestamper_from_config({"TRUST_DEMO_PKI": True, "PKI_DIR": str(tmp_path)}), DemoTimeStamper)


def test_the_service_is_asked_once_per_signature_after_the_first(demo_pki, person, trust):
    server, seen = serve_tsa(DemoTimeStamper(demo_pki.issue_timestamping()))
    config = {"SIGNING_TSA_URL": f"http://127.0.0.1:{server.server_port}/tsa"}
    try:
        sign_pdf(minimal_pdf(), person, timestamper=timestamper_from_config(config))
        first = len(seen)
        signed = sign_pdf(minimal_pdf(), person, timestamper=timestamper_from_config(config))
    finally:
        server.shutdown()
    # The first signature's size sample serves the next one: one request for its token, no second sample.
    assert len(seen) - first == 1
    [verdict] = validate_pdf_signatures(signed, **trust)
    assert verdict.verdict == "valid" and verdict.timestamp_time is not None
