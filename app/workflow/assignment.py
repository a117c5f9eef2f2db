"""Who may take a ready user task: lane = role in the instance's agency, or the named lane owners."""
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ScalarSelect, Select, bindparam, case, false, func, select

from app.directory.models import User, UserRole
from app.directory.roles import ROLE_LABELS, ROLES
from app.extensions import db
from app.vietnamese_order import vietnamese

_ROLE_BY_LABEL = {str(label).lower(): key for key, label in ROLE_LABELS.items()}


def lane_role(lane: str | None) -> str | None:
    """Map a lane name (role key or its Vietnamese name) to a role key."""
    if not lane:
        return None
    lane = lane.strip()
    return lane if lane in ROLES else _ROLE_BY_LABEL.get(lane.lower())


_USERS, _USER_ROLES = User.__table__, UserRole.__table__
# The kinds of rule; each has one statement shape, built once, its values given as bind parameters.
OWNERS, ROLE, ROLE_IN_DEPARTMENT, NOBODY = "owners", "role", "role_in_department", "nobody"


@dataclass(frozen=True)
class Assignment:
    """Who may take a ready task, as a rule the database resolves: the named lane owners (active people
    of the agency), or else the holders of the lane's role there, narrowed to a department when the
    task data names one. The inbox writes candidates with INSERT … SELECT from `people_select`, so
    saving a state waits for no read of the people (each read is a round trip on the completion path).
    """

    role: str | None
    department_id: int | None
    owners: tuple[str, ...]
    agency_id: int

    @property
    def kind(self) -> str:
        if self.owners:
            return OWNERS
        if not self.role:
            return NOBODY
        return ROLE if self.department_id is None else ROLE_IN_DEPARTMENT

    @property
    def parameters(self) -> dict:
        """The values for `people_select(self.kind, …)`."""
        return {"people_agency_id": self.agency_id, "people_owners": list(self.owners),
                "people_role": self.role, "people_department_id": self.department_id}

    def candidate_ids(self) -> list[int]:
        """The people the rule names today, in the order pages list them."""
        return list(db.session.scalars(people_select(self.kind).order_by(vietnamese(_USERS.c.full_name), _USERS.c.id),
                                       self.parameters))


@cache
def people_select(kind: str, *leading) -> Select:
    """SELECT the `leading` columns with the id of every person a rule of this kind names (parameters:
    Assignment.parameters)."""
    statement = select(*leading, _USERS.c.id).where(_USERS.c.agency_id == bindparam("people_agency_id"),
                                                   _USERS.c.active.is_(True))
    if kind == OWNERS:
        return statement.where(_USERS.c.username.in_(bindparam("people_owners", expanding=True)))
    if kind == NOBODY:
        return statement.where(false())
    statement = statement.join(_USER_ROLES, _USER_ROLES.c.user_id == _USERS.c.id).where(
        _USER_ROLES.c.role == bindparam("people_role"))
    if kind == ROLE_IN_DEPARTMENT:
        statement = statement.where(_USERS.c.department_id == bindparam("people_department_id"))
    return statement


def sole_owner() -> ScalarSelect:
    """SQL for the holder of a task with named owners: the owner when exactly one is found (spiff-arena's
    convention), otherwise nobody yet (the candidates claim it)."""
    found = people_select(OWNERS).subquery()
    return select(case((func.count(found.c.id) == 1, func.min(found.c.id)))).scalar_subquery()


def assign(lane: str | None, data: dict, agency_id: int) -> Assignment:
    """Work out the rule for a task in `lane` with the task's current data."""
    role = lane_role(lane)
    owners = (data.get("lane_owners") or {}).get(lane) if isinstance(data.get("lane_owners"), dict) else None
    if not lane and not owners and data.get("started_by"):
        owners = [data["started_by"]]  # spiff-arena's convention: a task outside any lane is the starter's
    if owners:
        # Named owners must be active people of the same agency: task data cannot leak work across.
        return Assignment(role, None, tuple(str(owner) for owner in owners), agency_id)
    department_id = data.get("department_id") if isinstance(data.get("department_id"), int) else None
    # Role holders only: delegation is applied when the inbox is read (workflow.access).
    return Assignment(role, department_id, (), agency_id)
