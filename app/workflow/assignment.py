"""Who may take a ready user task: lane = role in the instance's agency, or the named lane owners."""
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload

from app.directory.delegation import role_holders
from app.directory.models import User
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
    candidates: list[User]
    assigned: User | None


# Built once: every new task in a lane with named owners runs it; their roles are not needed here.
_LANE_OWNERS = (select(User).options(lazyload(User.role_rows))
                .where(User.username.in_(bindparam("usernames", expanding=True)),
                       User.agency_id == bindparam("agency_id"), User.active.is_(True))
                .order_by(User.id))


def assign(lane: str | None, data: dict, agency_id: int) -> Assignment:
    """Work out the candidates for a task in `lane` with the task's current data."""
    role = lane_role(lane)
    owners = (data.get("lane_owners") or {}).get(lane) if isinstance(data.get("lane_owners"), dict) else None
    if not lane and not owners and data.get("started_by"):
        owners = [data["started_by"]]  # spiff-arena's convention: a task outside any lane is the starter's
    if owners:
        # Named owners must be active people of the same agency: task data cannot leak work across.
        users = db.session.scalars(_LANE_OWNERS, {"usernames": [str(o) for o in owners],
                                                  "agency_id": agency_id}).all()
        return Assignment(role, None, list(users), users[0] if len(users) == 1 else None)
    department_id = data.get("department_id") if isinstance(data.get("department_id"), int) else None
    # Role holders only: delegation is applied when the inbox is read (workflow.access).
    holders = role_holders(agency_id, role, department_id=department_id) if role else []
    return Assignment(role, department_id, holders, None)
