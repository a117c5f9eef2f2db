"""The exchange's periodic jobs, run by app.jobs (embedded thread or Celery beat).

They run only when a transport is configured: `EXCHANGE_TRANSPORT` (an object with send/received/
fetch/acknowledge, see transport.py) and, for the inbox, `EXCHANGE_IMPORT` (package bytes -> document ids).
"""
from flask import current_app

from .axis.transport import configured_axis_client
from .directory import sync_agencies
from .inbox import poll_inbox
from .outbox import send_due_messages

JOB_NAMES = ("send_outbox_messages", "poll_exchange_inbox")
AXIS_JOB_NAMES = ("sync_exchange_agencies",)


def exchange_configured(config) -> bool:
    return config.get("EXCHANGE_TRANSPORT") is not None


def axis_configured(config) -> bool:
    """An axis (or its stand-in) to ask for the directory: a file-only exchange has none."""
    return configured_axis_client(config) is not None


def send_outbox_messages() -> dict[str, int]:
    """Send what is due in the outbox (nothing without a transport)."""
    transport = current_app.config.get("EXCHANGE_TRANSPORT")
    return send_due_messages(transport) if transport is not None else {}


def poll_exchange_inbox() -> dict[str, int]:
    """Take the packages the axis holds for this installation (nothing without transport and import)."""
    transport, handle = current_app.config.get("EXCHANGE_TRANSPORT"), current_app.config.get("EXCHANGE_IMPORT")
    return poll_inbox(transport, handle) if transport is not None and handle is not None else {}


def sync_exchange_agencies() -> dict[str, int]:
    """Bring the external directory in line with the axis' getAgenciesList (nothing without an axis); an
    unreachable axis raises, so the runner logs it and the next run tries again."""
    client = configured_axis_client(current_app.config)
    if client is None:
        return {}
    summary = sync_agencies(client.get_agencies_list)
    return {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
            "deactivated": summary.deactivated, "errors": len(summary.errors)}
