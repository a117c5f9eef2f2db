"""Wire the exchange into an app: the axis transport when one is configured, and the import the inbox runs."""
from flask import Flask


def received_package(data: bytes) -> list[int]:
    """The inbox's import: the system takes the package (no clerk), flushing only; the inbox commits."""
    from .importing import import_package

    return import_package(data, actor=None).document_ids


def init_exchange(app: Flask) -> None:
    """AXIS_ENDPOINT set: the outbox sends and the inbox polls through the axis (or its stand-in)."""
    if app.config.get("EXCHANGE_TRANSPORT") is None and app.config.get("AXIS_ENDPOINT"):
        from .axis.client import client_from_config
        from .axis.transport import AxisTransport

        app.config["EXCHANGE_TRANSPORT"] = AxisTransport(client_from_config(app.config))
    if app.config.get("EXCHANGE_IMPORT") is None:
        app.config["EXCHANGE_IMPORT"] = received_package
