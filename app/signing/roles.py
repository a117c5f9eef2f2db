"""Whose signature it is, in the words on the page: "Người ký" or "Con dấu cơ quan", never a field name.

Our own documents name their fields (ChuKyNguoiKy, ChuKyCoQuan…); documents from elsewhere use whatever
their software chose ("Signature1", "Signature2"), so there the certificate decides (validation.signer_kind).
"""
from flask_babel import lazy_gettext as _l

from .attachment import ATTACHMENT_FIELD
from .visible import AGENCY_FIELD, SIGNER_FIELD

KIND_OF_FIELD = {SIGNER_FIELD: "person", AGENCY_FIELD: "organisation", ATTACHMENT_FIELD: "organisation"}
ROLE_LABELS = {"person": _l("Người ký"), "organisation": _l("Con dấu cơ quan")}


def signature_role(verdict: dict) -> str:
    """The role label of a verdict (as kept in JSON): by our field name, else by its certificate."""
    kind = KIND_OF_FIELD.get(verdict.get("field_name") or "") or verdict.get("signer_kind")
    return str(ROLE_LABELS.get(kind, _l("Chữ ký số")))
