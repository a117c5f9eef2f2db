"""Delegation (ủy quyền): who holds a role, and which roles are handed to whom on a given day."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Exists, exists, select

from app.audit.services import record
from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today

from .models import Delegation, User
from .roles import DELEGABLE_ROLES
from .services import DirectoryError


def _active_delegations(on: date):
    return select(Delegation).where(
        Delegation.revoked_at.is_(None), Delegation.starts_on <= on, Delegation.ends_on >= on)


@dataclass(frozen=True)
class DelegationView:
    """One person's delegations in force on a day: roles handed away, and whom they act for."""

    handed_away: frozenset[str]
    acting_for: dict[str, tuple[int, ...]]  # role -> ids of the people who delegated it to this user


NO_DELEGATIONS = DelegationView(frozenset(), {})


def _touching(user_id):
    return (Delegation.delegator_id == user_id) | (Delegation.delegate_id == user_id)


def any_delegation_in_force(user_id, on) -> Exists:
    """SQL: does the person hand away or hold any role by delegation on `on`? (Values or bind
    parameters: a hot query asks it as a column and reads the delegations only when they exist.)"""
    return exists(_active_delegations(on).where(_touching(user_id)))


def delegations_in_force(user: User, *, on: date | None = None) -> DelegationView:
    rows = db.session.scalars(_active_delegations(on or vietnam_today()).where(_touching(user.id))).all()
    acting: dict[str, list[int]] = {}
    for row in rows:
        if row.delegate_id == user.id:
            acting.setdefault(row.role, []).append(row.delegator_id)
    return DelegationView(frozenset(r.role for r in rows if r.delegator_id == user.id),
                          {role: tuple(ids) for role, ids in acting.items()})


def create_delegation(*, actor: User, delegator: User, delegate: User, role: str,
                      starts_on: date, ends_on: date, note: str = "") -> Delegation:
    """Hand the delegator's `role` to the delegate for a date range."""
    errors = {}
    if role not in DELEGABLE_ROLES or not delegator.has_role(role):
        errors["role"] = _("Người ủy quyền không giữ vai trò này.")
    if delegate.id == delegator.id:
        errors["delegate_id"] = _("Không thể tự ủy quyền cho chính mình.")
    elif delegate.agency_id != delegator.agency_id or not delegate.active:
        errors["delegate_id"] = _("Người được ủy quyền phải đang làm việc tại cùng cơ quan.")
    if ends_on < starts_on:
        errors["ends_on"] = _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
    elif ends_on < vietnam_today():
        errors["ends_on"] = _("Khoảng thời gian ủy quyền đã qua.")
    if not errors and _overlapping(delegator, role, starts_on, ends_on):
        errors["starts_on"] = _("Đã có ủy quyền vai trò này trùng thời gian.")
    if errors:
        raise DirectoryError(errors)
    delegation = Delegation(agency_id=delegator.agency_id, delegator=delegator, delegate=delegate,
                            role=role, starts_on=starts_on, ends_on=ends_on, note=note)
    db.session.add(delegation)
    db.session.flush()
    record("delegation_created", actor=actor, subject=delegation, agency_id=delegation.agency_id,
           delegator_id=delegator.id, delegate_id=delegate.id, role=role,
           starts_on=starts_on, ends_on=ends_on, note=note)
    return delegation


def _overlapping(delegator: User, role: str, starts_on: date, ends_on: date) -> bool:
    return db.session.scalar(select(Delegation.id).where(
        Delegation.delegator_id == delegator.id, Delegation.role == role,
        Delegation.revoked_at.is_(None),
        Delegation.starts_on <= ends_on, Delegation.ends_on >= starts_on)) is not None


def revoke_delegation(delegation: Delegation, *, actor: User) -> None:
    """End a delegation now; tasks go back to the delegator."""
    if delegation.revoked_at is None:
        delegation.revoked_at = utcnow()
        record("delegation_revoked", actor=actor, subject=delegation,
               agency_id=delegation.agency_id)
        db.session.flush()


def acting_for_any(user: User, *, on: date | None = None) -> list[Delegation]:
    """Return the delegations in force today that name this user as the delegate."""
    stmt = _active_delegations(on or vietnam_today()).where(Delegation.delegate_id == user.id)
    return list(db.session.scalars(stmt))
