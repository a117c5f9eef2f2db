"""In-test transports: real objects that record every call and answer as scripted.

The real transports (axis adapter, stand-in) are built in another slice of issue 14; these stand in
for them here and exercise the same Protocols (app/exchange/transport.py).
"""
import threading
import time
from datetime import date

from app.documents.models import Document
from app.exchange.edxml.safe_xml import PackageRefused
from app.exchange.transport import TransportUnavailable
from app.extensions import db


class RecordingTransport:
    """send() answers from `outcomes` in turn ("ok" or an exception to raise), then "ok"."""

    def __init__(self, outcomes=(), *, pause: float = 0.0):
        self.outcomes, self.pause = list(outcomes), pause
        self.sent: list[tuple[bytes, list[str]]] = []
        self._lock = threading.Lock()

    def send(self, package: bytes, recipient_codes: list[str], *, sender_code: str, kind: str) -> str:
        time.sleep(self.pause)  # long enough for a second sender to come looking
        with self._lock:
            outcome = self.outcomes.pop(0) if self.outcomes else "ok"
            if outcome != "ok":
                raise outcome
            self.sent.append((package, list(recipient_codes)))
            return f"axis-{len(self.sent)}"


class RecordingInbox:
    """The axis' side of receiving: packages waiting by id, fetches and acknowledgements recorded."""

    def __init__(self, packages: dict[str, bytes]):
        self.packages = dict(packages)
        self.fetched: list[str] = []
        self.acknowledged: list[tuple[str, str]] = []
        self.crash_on_ack = 0  # how many acknowledgements end the process instead of reaching the axis
        self.unavailable = False
        self._lock = threading.Lock()

    def received(self) -> list[str]:
        return list(self.packages)

    def fetch(self, remote_id: str) -> bytes:
        if self.unavailable:
            raise TransportUnavailable("Không kết nối được trục liên thông.")
        with self._lock:
            self.fetched.append(remote_id)
        return self.packages[remote_id]

    def acknowledge(self, remote_id: str, outcome: str) -> None:
        with self._lock:
            if self.crash_on_ack:
                self.crash_on_ack -= 1
                raise SystemExit("the process died between the commit and the acknowledgement")
            self.acknowledged.append((remote_id, outcome))


class DocumentImport:
    """A stand-in for the edXML import: one Document per package, refusals and faults on demand."""

    def __init__(self, agency_id: int, *, pause: float = 0.0):
        self.agency_id, self.pause = agency_id, pause
        self.calls = 0
        self.refuse = False
        self.faults = 0  # this many calls write a document and then fail

    def __call__(self, package: bytes) -> list[int]:
        self.calls += 1
        if self.refuse:
            raise PackageRefused(["Gói tin không có tệp đính kèm."])
        document = Document(agency_id=self.agency_id, doc_type="CV", issuer_name="Bộ Nội vụ",
                            document_date=date(2026, 12, 1), subject=package.decode())
        db.session.add(document)
        db.session.flush()
        time.sleep(self.pause)
        if self.faults:
            self.faults -= 1
            raise RuntimeError("parser bug")
        return [document.id]
