"""Who reads reports, and about which agencies: the agency scope rule of app.directory.scoping, once.

Leaders and clerks (who keep the Decree 30 statistics) see their own agency; province-wide staff
(the provincial office's, auditors, administrators) see every agency. Reports are counts: a secret
document is counted like any other and described nowhere.
"""
from app.directory.models import Agency
from app.directory.roles import ADMIN, AUDITOR, CLERK, LEADER
from app.directory.scoping import visible_agency_ids
from app.extensions import db

REPORT_ROLES = (LEADER, CLERK, AUDITOR, ADMIN)


class AgencyNotVisible(LookupError):
    """The agency asked for does not exist or is outside the actor's scope (answered as not found)."""


def reads_reports(actor) -> bool:
    return actor.has_role(*REPORT_ROLES)


def report_agency_ids(actor, agency_id: int | None = None) -> tuple[int, ...] | None:
    """The agencies a report covers: the one asked for when the actor may see it, else the actor's scope
    (None: the whole province)."""
    visible = visible_agency_ids(actor)
    if agency_id is None:
        return visible
    if (visible is not None and agency_id not in visible) or db.session.get(Agency, agency_id) is None:
        raise AgencyNotVisible(agency_id)
    return (agency_id,)


# The board of outgoing documents (Theo dõi văn bản đi) names documents: the sending agency's leaders and
# clerks follow what it sent, not the province-wide auditors and administrators who read counts.
BOARD_ROLES = (LEADER, CLERK)


def reads_board(actor) -> bool:
    return actor.has_role(*BOARD_ROLES)


def board_agency_id(actor, agency_id: int | None = None) -> int:
    """The sending agency a board shows: the one asked for when the actor may see it, else the actor's own."""
    if agency_id is None:
        return actor.agency_id
    return report_agency_ids(actor, agency_id)[0]
