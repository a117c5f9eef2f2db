"""The outbox's and the inbox's transport over the national axis (or its stand-in): the Protocols of
app/exchange/transport.py spoken with the VDXP operations of the axis client."""
from .client import AxisClient, client_from_config


class AxisTransport:
    def __init__(self, client: AxisClient):
        self.client = client

    def send(self, package: bytes, recipient_codes: list[str], *, sender_code: str, kind: str) -> str:
        return self.client.send_edoc(package, to=recipient_codes, sender=sender_code, message_type=kind)

    def received(self) -> list[str]:
        """Documents first, then status packages: a status may answer a document received in the same poll."""
        return [edoc.doc_id for kind in ("edoc", "status") for edoc in self.client.get_received_edoc_list(kind)]

    def fetch(self, remote_id: str) -> bytes:
        return self.client.get_edoc(remote_id)

    def acknowledge(self, remote_id: str, outcome: str) -> None:
        self.client.update_status(remote_id, outcome)


def configured_axis_client(config) -> AxisClient | None:
    """The axis client the exchange speaks through: the configured transport's, else one from the AXIS_*
    settings; None when no axis is configured."""
    transport = config.get("EXCHANGE_TRANSPORT")
    return transport.client if isinstance(transport, AxisTransport) else client_from_config(config)
