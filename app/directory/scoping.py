"""Agency isolation in the data layer: every query for agency-owned rows goes through here.

`scoped(stmt, actor)` adds a criterion to every AgencyScoped entity the statement loads,
including those reached through joins and relationship loads, so a view cannot forget it.
"""
from sqlalchemy import BindParameter, select
from sqlalchemy.orm import with_loader_criteria

from app.extensions import db

from .models import Agency, AgencyScoped


def visible_agency_ids(actor) -> tuple[int, ...] | None:
    """Return the agencies the actor may see, or None when the actor sees the whole province."""
    if actor.province_wide:
        return None
    return (actor.agency_id,)


def scoped(stmt, actor):
    """Restrict a select statement to rows of the agencies visible to the actor."""
    agency_ids = visible_agency_ids(actor)
    if agency_ids is None:
        return stmt
    entity = stmt.column_descriptions[0]["entity"]
    if entity is Agency:
        # Only a listing of agencies is narrowed: a visible row may still name its parent agency.
        stmt = stmt.where(Agency.id.in_(agency_ids))
    elif isinstance(entity, type) and issubclass(entity, AgencyScoped):
        # Stated in WHERE as well: the loader criterion does not reach a subquery built from this
        # statement, such as the COUNT behind every paginated total.
        stmt = stmt.where(entity.agency_id.in_(agency_ids))
    if isinstance(agency_ids[0], BindParameter):
        # A statement built once for every reader, the agency given per request (documents.access's case
        # statement), states its entities in WHERE as above: SQLAlchemy analyses the criterion's lambda
        # once per code location and would bind the parameter object itself as a value.
        return stmt
    return stmt.options(agency_loader_criteria(agency_ids))


def agency_loader_criteria(agency_ids):
    """The criterion scoped() gives every AgencyScoped entity a statement loads, later loads included."""
    return with_loader_criteria(AgencyScoped, lambda cls: cls.agency_id.in_(agency_ids), include_aliases=True)


def get_visible(model, object_id, *, actor):
    """Return the object when it exists and is visible to the actor, else None."""
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalars(scoped(select(model).where(model.id == object_id), actor)).first()
