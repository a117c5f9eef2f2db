"""What the outbox and the inbox need from a transport (the axis adapter, the stand-in, a test double).

The adapters live elsewhere (app/exchange/axis); they raise subclasses of the two errors below, so
the outbox can tell a failure worth retrying from a refusal that no retry will change.
"""
from typing import Protocol


class TransportError(Exception):
    """A transport failure; `reason` is Vietnamese and may be shown to a clerk as it is."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


class TransportUnavailable(TransportError):
    """Transient: the axis did not answer, timed out or answered 5xx. The outbox tries again later."""


class TransportRefused(TransportError):
    """Permanent: the axis refused the package (unknown recipient, bad signature). No retry."""


class Transport(Protocol):
    def send(self, package: bytes, recipient_codes: list[str], *, sender_code: str, kind: str) -> str:
        """Hand the package (kind "edoc" or "status") from the sending agency to the axis for the
        recipients; return the axis' id for it."""


class InboxTransport(Protocol):
    def received(self) -> list[str]:
        """The axis ids of the packages waiting for this installation (getReceivedEdocList)."""

    def fetch(self, remote_id: str) -> bytes:
        """The package's bytes (getEdoc)."""

    def acknowledge(self, remote_id: str, outcome: str) -> None:
        """Tell the axis the package was taken: outcome "done" or "fail" (updateStatus)."""
