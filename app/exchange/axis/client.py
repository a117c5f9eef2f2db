"""The axis adapter: one method per VDXP operation, packages as opaque bytes.

Errors come in two kinds the outbox acts on differently: `AxisUnavailable` (network, timeout, 5xx,
an answer that is not the axis' JSON: try again later) and `AxisRefused` (4xx or an answer with
status FAIL: the axis read the request and said no, with its reason; sending again will not help).
"""
import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

import requests
from flask_babel import gettext as _

from ..transport import TransportError, TransportRefused, TransportUnavailable
from .wire import sdk_timestamp, signed_headers

# Statuses the SDK's updateStatus accepts for a received package (transport acknowledgement only).
ACK_STATUSES = ("done", "fail", "processing")
MESSAGE_TYPES = ("edoc", "status")
# Answers that say "not now" rather than "no": retried like a network fault.
TRANSIENT_CODES = (408, 425, 429)


class AxisError(TransportError):
    """A call to the axis did not succeed; `reason` is for people (Vietnamese)."""

    def __init__(self, reason: str, *, operation: str, status_code: int | None = None,
                 error_code: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.operation = operation
        self.status_code = status_code
        self.error_code = error_code


class AxisUnavailable(AxisError, TransportUnavailable):
    """The axis could not be reached or failed on its side: transient, retry later."""


class AxisRefused(AxisError, TransportRefused):
    """The axis refused the request with a reason: permanent, do not retry unchanged."""


@dataclass(frozen=True)
class AxisAgency:
    code: str
    name: str
    parent_code: str
    mail: str
    id: str


@dataclass(frozen=True)
class ReceivedEdoc:
    doc_id: str
    message_type: str
    service_type: str
    from_code: str
    to_code: str
    status: str
    status_desc: str
    created_time: str
    updated_time: str


@dataclass(frozen=True)
class SentEdoc:
    sender_doc_id: str
    receiver_doc_id: str
    from_code: str
    to_code: str
    send_status: str
    send_status_desc: str
    receive_status: str
    receive_status_desc: str
    sent_time: str
    received_time: str


class AxisClient:
    """Speak the VDXP operations to the axis at `endpoint` as system `system_id`."""

    def __init__(self, endpoint: str, system_id: str, secret: str, timeout: float = 30,
                 session: requests.Session | None = None):
        self.endpoint = endpoint.rstrip("/")
        self.system_id = system_id
        self._secret = secret
        self.timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # never the secret, which would end up in logs
        return f"AxisClient({self.endpoint!r}, {self.system_id!r})"

    def get_agencies_list(self) -> list[AxisAgency]:
        """Return the directory of agencies connected to the axis."""
        answer = self._call("getAgenciesList", {})
        return [AxisAgency(code=_text(row, "code"), name=_text(row, "name"), parent_code=_text(row, "pid"),
                           mail=_text(row, "mail"), id=_text(row, "id"))
                for row in _rows(answer, "getAgenciesList")]

    def register_agency(self, *, code: str, name: str, parent_code: str = "", mail: str = "",
                        mobile: str = "", fax: str = "") -> None:
        """Register (or update) one of this system's agencies on the axis."""
        body = {"id": "", "pcode": parent_code, "code": code, "name": name, "mail": mail,
                "mobile": mobile, "fax": fax}
        self._call("registerAgency", {}, json_body=body)

    def send_edoc(self, package: bytes, *, to: list[str], sender: str | None = None,
                  message_type: str = "edoc") -> str:
        """Send a package (a document or a status package) to agencies by code; return the axis' doc id."""
        if message_type not in MESSAGE_TYPES:
            raise ValueError(message_type)
        fields = {"from": sender or self.system_id, "servicetype": "eDoc", "messagetype": message_type,
                  # The SDK puts the JSON of the `to` element in the header: a list of agency codes.
                  "to": json.dumps(list(to)), "hash-file": hashlib.sha256(package).hexdigest()}
        files = {"file_doc": ("edoc.edxml", package, "application/octet-stream")}
        answer = self._call("sendEdoc", fields, files=files)
        doc_id = answer.get("DocId")
        if not isinstance(doc_id, str) or not doc_id:
            raise AxisUnavailable(_("Trục liên thông không trả về mã gói tin đã gửi."), operation="sendEdoc")
        return doc_id

    def get_received_edoc_list(self, message_type: str = "edoc") -> list[ReceivedEdoc]:
        """Return what waits for this system: documents (`edoc`) or status packages (`status`)."""
        if message_type not in MESSAGE_TYPES:
            raise ValueError(message_type)
        answer = self._call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": message_type})
        return [ReceivedEdoc(doc_id=_text(row, "docId"), message_type=_text(row, "messageType"),
                             service_type=_text(row, "serviceType"), from_code=_text(row, "from"),
                             to_code=_text(row, "to"), status=_text(row, "status"),
                             status_desc=_text(row, "status_desc"), created_time=_text(row, "created_time"),
                             updated_time=_text(row, "updated_time"))
                for row in _rows(answer, "getReceivedEdocList")]

    def get_edoc(self, doc_id: str) -> bytes:
        """Return the exact bytes of a received package."""
        answer = self._call("getEdoc", {"filePath": "xml", "docId": doc_id})
        data = answer.get("data")
        try:
            return base64.b64decode(data, validate=True)
        except (TypeError, ValueError, binascii.Error):
            raise AxisUnavailable(_("Trục liên thông trả về gói tin không đọc được."), operation="getEdoc") from None

    def update_status(self, doc_id: str, status: str) -> None:
        """Acknowledge a received package: done, fail or processing."""
        if status not in ACK_STATUSES:
            raise ValueError(status)
        self._call("updateStatus", {"status": status, "docId": doc_id})

    def get_sent_edoc_list(self, doc_id: str | None = None) -> list[SentEdoc]:
        """Return the delivery state of what this system sent (one row per recipient)."""
        fields = {"servicetype": "eDoc", "messagetype": "edoc"}
        if doc_id:
            fields["docId"] = doc_id
        answer = self._call("getSentEdocList", fields)
        return [SentEdoc(sender_doc_id=_text(row, "senderDocId"), receiver_doc_id=_text(row, "receiverDocId"),
                         from_code=_text(row, "fromCode"), to_code=_text(row, "toCode"),
                         send_status=_text(row, "sendStatus"), send_status_desc=_text(row, "sendStatusDesc"),
                         receive_status=_text(row, "receiveStatus"),
                         receive_status_desc=_text(row, "receiveStatusDesc"),
                         sent_time=_text(row, "sentTime"), received_time=_text(row, "receivedTime"))
                for row in _rows(answer, "getSentEdocList")]

    def _call(self, operation: str, fields: dict[str, str], *, json_body=None, files=None) -> dict:
        headers = signed_headers({**fields, "systemid": self.system_id, "timestamp": sdk_timestamp()},
                                 self._secret)
        try:
            response = self._session.post(f"{self.endpoint}/{operation}", headers=headers, json=json_body,
                                          files=files, timeout=self.timeout)
        except requests.RequestException as exc:
            raise AxisUnavailable(_("Không kết nối được trục liên thông (%(kind)s).", kind=type(exc).__name__),
                                  operation=operation) from exc
        return _answer(operation, response)


def _answer(operation: str, response: requests.Response) -> dict:
    code = response.status_code
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        answer = None
    if code >= 500 or code in TRANSIENT_CODES or (answer is None and code < 400):
        raise AxisUnavailable(_("Trục liên thông đang gặp sự cố (HTTP %(code)s).", code=code),
                              operation=operation, status_code=code)
    error_code = str((answer or {}).get("ErrorCode") or "") or None
    if code >= 400 or str(answer.get("status", "")).upper() != "OK":
        reason = (answer or {}).get("ErrorDesc") or _("không nêu lý do")
        raise AxisRefused(_("Trục liên thông từ chối: %(reason)s", reason=reason), operation=operation,
                          status_code=code, error_code=error_code)
    return answer


def _rows(answer: dict, operation: str) -> list[dict]:
    rows = answer.get("data")
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise AxisUnavailable(_("Trục liên thông trả về danh sách không đọc được."), operation=operation)
    return [row for row in rows if isinstance(row, dict)]


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def client_from_config(config) -> AxisClient | None:
    """Return the client configured by AXIS_* settings, or None when no axis is configured."""
    if not config.get("AXIS_ENDPOINT"):
        return None
    return AxisClient(config["AXIS_ENDPOINT"], config.get("AXIS_SYSTEM_ID") or "", config.get("AXIS_SECRET") or "",
                      timeout=float(config.get("AXIS_TIMEOUT_SECONDS") or 30))
