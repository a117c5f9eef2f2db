"""Who may take a ready user task: lane = role in the instance's agency, or the named lane owners."""
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from app.directory.models import User, UserRole
from app.directory.roles import ROLE_LABELS, ROLES
from app.extensions import db

_ROLE_BY_LABEL = {str(label).lower(): key for key, label in ROLE_LABELS.items()}


def lane_role(lane: str | None) -> str | None:
    """Map a lane name (role key or its Vietnamese name) to a role key."""
    if not lane:
        return None
    lane = lane.strip()
    return lane if lane in ROLES else _ROLE_BY_LABEL.get(lane.lower())


@dataclass
class Assignment:
    role: str | None
    department_id: int | None
    candidate_ids: list[int]
    assigned_id: int | None


# Built once: every new task runs one of them; the index needs the people's ids only.
_LANE_OWNERS = (select(User.id).where(User.username.in_(bindparam("usernames", expanding=True)),
                                      User.agency_id == bindparam("agency_id"), User.active.is_(True))
                .order_by(User.id))
_ROLE_HOLDERS = (select(User.id).join(UserRole)
                 .where(User.agency_id == bindparam("agency_id"), User.active.is_(True),
                        UserRole.role == bindparam("role"))
                 .order_by(User.full_name, User.id))


def assign(lane: str | None, data: dict, agency_id: int) -> Assignment:
    """Work out the candidates for a task in `lane` with the task's current data."""
    role = lane_role(lane)
    owners = (data.get("lane_owners") or {}).get(lane) if isinstance(data.get("lane_owners"), dict) else None
    if not lane and not owners and data.get("started_by"):
        owners = [data["started_by"]]  # spiff-arena's convention: a task outside any lane is the starter's
    if owners:
        # Named owners must be active people of the same agency: task data cannot leak work across.
        ids = list(db.session.scalars(_LANE_OWNERS, {"usernames": [str(o) for o in owners],
                                                     "agency_id": agency_id}))
        return Assignment(role, None, ids, ids[0] if len(ids) == 1 else None)
    department_id = data.get("department_id") if isinstance(data.get("department_id"), int) else None
    # Role holders only: delegation is applied when the inbox is read (workflow.access).
    if not role:
        return Assignment(None, department_id, [], None)
    holders = _ROLE_HOLDERS if department_id is None else _ROLE_HOLDERS.where(User.department_id == department_id)
    ids = list(db.session.scalars(holders, {"agency_id": agency_id, "role": role}))
    return Assignment(role, department_id, ids, None)
