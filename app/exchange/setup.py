"""Wire the exchange into an app: the axis transport when one is configured, the import the inbox runs,
and the status listener that tells external senders their documents' milestones."""
from flask import Flask


def received_package(data: bytes) -> list[int]:
    """The inbox's import: the system takes the package (no clerk), flushing only; the inbox commits."""
    from .dispatch import receive_any

    return receive_any(data, actor=None).document_ids


def init_exchange(app: Flask) -> None:
    """AXIS_ENDPOINT set: the outbox sends and the inbox polls through the axis (or its stand-in)."""
    from app.documents.status import add_status_listener

    from .status_notices import notify_sender

    if app.config.get("EXCHANGE_TRANSPORT") is None and app.config.get("AXIS_ENDPOINT"):
        from .axis.client import client_from_config
        from .axis.transport import AxisTransport

        app.config["EXCHANGE_TRANSPORT"] = AxisTransport(client_from_config(app.config))
    # The settings carry the key with None (config.py), so a setdefault would leave the inbox without an import.
    if app.config.get("EXCHANGE_IMPORT") is None:
        app.config["EXCHANGE_IMPORT"] = received_package
    add_status_listener(app, notify_sender)
