"""Addressing by mã định danh: which agency of this installation takes a package addressed to a code.

A body without clerks of its own is received for by another agency: the provincial People's Committee
by its Văn phòng (EXCHANGE_RECEIVING_AGENCIES maps code -> code; by default each province's
`000.00.00.Lnn` maps to `000.00.01.Lnn`, the first department-level body, as the demo and the
provinces' coding decisions number the Văn phòng UBND tỉnh). A configured pair always applies: the
People's Committee's own staff (chairman, deputies) are not who registers its mail.
"""
from collections.abc import Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.directory.models import Agency, User, UserRole
from app.directory.roles import CLERK
from app.extensions import db

from .directory import ExternalAgency, normalise_code

OFFICE_GROUPS = "000.00.01"  # the Văn phòng under a province's People's Committee `000.00.00.Lnn`


class RecipientRefused(Exception):
    """No agency here takes the package; `reason` is Vietnamese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _active_agency(code: str) -> Agency | None:
    return db.session.scalars(select(Agency).where(Agency.code == code, Agency.active.is_(True))).first()


def has_clerk(agency: Agency) -> bool:
    return db.session.scalar(select(User.id).join(UserRole).where(
        User.agency_id == agency.id, User.active.is_(True), UserRole.role == CLERK).limit(1)) is not None


def receiving_code_for(code: str, configured: Mapping | None) -> str | None:
    """The code of the agency configured to receive for `code`, or the default rule's, or None."""
    if configured is not None:
        mapping = {normalise_code(key): normalise_code(value) for key, value in configured.items()}
        return mapping.get(code)
    groups = code.rsplit(".", 1)
    if len(groups) != 2 or groups[0] != "000.00.00":
        return None
    province = _active_agency(code)
    if province is None or province.kind != "province":
        return None
    return f"{OFFICE_GROUPS}.{groups[1]}"


def resolve_recipient(code: str, *, override: str | None = None, configured: Mapping | None = None) -> Agency:
    """The agency of this installation that receives a package addressed to `code` (To/OrganId).

    `override` is the operator's `--to CODE`; `configured` defaults to EXCHANGE_RECEIVING_AGENCIES.
    """
    if override:
        agency = _active_agency(normalise_code(override))
        if agency is None:
            raise RecipientRefused(_("Cơ quan được chỉ định %(code)s không có trong hệ thống.",
                                     code=normalise_code(override)))
        return agency
    code = normalise_code(code)
    if not code:
        raise RecipientRefused(_("Gói tin không ghi mã định danh của cơ quan nhận."))
    if configured is None:
        configured = current_app.config.get("EXCHANGE_RECEIVING_AGENCIES")
    receiving = receiving_code_for(code, configured)
    if receiving:
        agency = _active_agency(receiving)
        if agency is None and configured is None:
            agency = _addressed_agency(code)  # a young installation without its Văn phòng yet
        if agency is None:
            raise RecipientRefused(_("Văn bản gửi %(code)s được cấu hình chuyển cho %(receiving)s, nhưng cơ quan "
                                     "này không có trong hệ thống.", code=code, receiving=receiving))
        return agency
    return _addressed_agency(code)


def _addressed_agency(code: str) -> Agency:
    agency = _active_agency(code)
    if agency is None:
        external = db.session.scalars(select(ExternalAgency).where(ExternalAgency.code == code)).first()
        if external is not None:
            raise RecipientRefused(_("Gói tin gửi %(name)s (%(code)s), không phải cơ quan trong hệ thống này.",
                                     name=external.name, code=code))
        raise RecipientRefused(_("Mã định danh %(code)s không thuộc cơ quan nào trong hệ thống.", code=code))
    if not has_clerk(agency):
        raise RecipientRefused(_("%(name)s (%(code)s) không có văn thư tiếp nhận và chưa được cấu hình cơ quan "
                                 "nhận thay.", name=agency.name, code=code))
    return agency
