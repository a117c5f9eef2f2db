"""The VDXP wire shape shared by the axis adapter and the stand-in: fields in signed XroadVnpt headers.

The Government Office SDK (SDKVXP 2.0.1, com.vpcp.services.VnptService) sends every parameter of an
operation as a header `XroadVnpt-<name>`, lists the names in `XroadVnpt-sign-header-key`, puts the
JSON object of those headers in `XroadVnpt-sign-header` and its HMAC-SHA256 under the system's secret
(hex) in `XroadVnpt-hash-header`. The secret itself never travels; `systemid` and `timestamp` are
among the signed fields. The answer is JSON: `status` ("OK"/"FAIL"), `ErrorCode`, `ErrorDesc`, and
the operation's payload (`data`, `DocId`).
"""
import hashlib
import hmac
import json
from datetime import datetime

PREFIX = "XroadVnpt-"
SIGN_KEYS = "XroadVnpt-sign-header-key"
SIGN_HEADER = "XroadVnpt-sign-header"
HASH_HEADER = "XroadVnpt-hash-header"
VERSION_HEADER = "XroadVnpt-version"
PROTOCOL_VERSION = "3.0.201608"  # the SDK's constant; the axis may check it
# The stand-in marks every answer with this header so nobody mistakes it for the national axis.
STAND_IN_HEADER = "X-Axis-Stand-In"


def sdk_timestamp(moment: datetime | None = None) -> str:
    """Return the SDK's timestamp format ddMMyyyy'T'HHmmss+SSSS (milliseconds, four digits)."""
    moment = moment or datetime.now()
    return moment.strftime("%d%m%YT%H%M%S+") + f"{moment.microsecond // 1000:04d}"


def signature(sign_header: str, secret: str) -> str:
    """Return the hex HMAC-SHA256 of the signed-header JSON under the system's secret."""
    return hmac.new(secret.encode("utf-8"), sign_header.encode("utf-8"), hashlib.sha256).hexdigest()


def signed_headers(fields: dict[str, str], secret: str) -> dict[str, str]:
    """Return the HTTP headers that carry `fields` signed with `secret` the way the SDK signs them."""
    prefixed = {PREFIX + name: value for name, value in fields.items()}
    # ASCII-only JSON: header values must be Latin-1, and the receiver signs the exact string it got.
    sign_header = json.dumps(prefixed, separators=(",", ":"))
    headers = {name: _header_safe(value) for name, value in prefixed.items()}
    headers.update({
        SIGN_KEYS: ";".join(fields),
        SIGN_HEADER: sign_header,
        HASH_HEADER: signature(sign_header, secret),
        VERSION_HEADER: PROTOCOL_VERSION,
    })
    return headers


def _header_safe(value: str) -> str:
    return value.encode("ascii", "backslashreplace").decode("ascii")


class UnsignedRequest(Exception):
    """The request carries no readable signed header block."""


def unverified_fields(headers) -> tuple[dict[str, str], str, str]:
    """Return (fields by lower-case name, the signed JSON, the claimed signature) of a request.

    Only the signed JSON counts: the loose `XroadVnpt-*` headers are copies a proxy could alter.
    Names are compared without case because the SDK's own samples spell `docId` and `docid`.
    """
    sign_header = headers.get(SIGN_HEADER) or ""
    claimed = headers.get(HASH_HEADER) or ""
    try:
        signed = json.loads(sign_header)
    except ValueError:
        raise UnsignedRequest() from None
    if not isinstance(signed, dict) or not claimed:
        raise UnsignedRequest()
    fields = {}
    for name, value in signed.items():
        if isinstance(name, str) and name.startswith(PREFIX) and isinstance(value, str):
            fields[name[len(PREFIX):].lower()] = value
    return fields, sign_header, claimed


def signature_matches(sign_header: str, claimed: str, secret: str) -> bool:
    """Return whether `claimed` is the signature of `sign_header` under `secret` (constant time)."""
    return hmac.compare_digest(signature(sign_header, secret), claimed.strip().lower())
