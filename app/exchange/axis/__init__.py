"""Transport to the national axis (VDXP operations): the adapter and the stand-in (`hub`)."""
from .client import (
    AxisAgency,
    AxisClient,
    AxisError,
    AxisRefused,
    AxisUnavailable,
    ReceivedEdoc,
    SentEdoc,
    client_from_config,
)

__all__ = ["AxisAgency", "AxisClient", "AxisError", "AxisRefused", "AxisUnavailable", "ReceivedEdoc",
           "SentEdoc", "client_from_config"]
