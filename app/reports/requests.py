"""What a report request asks for (period, agency, grouping), checked against the actor's scope once
for the pages, the downloads and the API."""
from dataclasses import dataclass

from app.directory.models import Department
from app.extensions import db

from .access import AgencyNotVisible, report_agency_ids
from .performance import GROUPS
from .periods import Period, period_from_args


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    agency_ids: tuple[int, ...] | None  # None: the whole province
    agency_id: int | None  # the agency asked for, if any
    group: str
    department_id: int | None

    def as_args(self) -> dict:
        args = dict(self.period.as_args())
        for name, value in (("agency", self.agency_id), ("department", self.department_id)):
            if value is not None:
                args[name] = value
        return args


def _id(text) -> int | None:
    text = str(text or "")
    if not text:
        return None
    if not text.isdecimal() or len(text) > 9:  # "²".isdigit(), int() refuses it
        raise AgencyNotVisible(text)
    return int(text)


def read_report_request(args, actor) -> ReportRequest:
    """Raise PeriodRefused for a period that cannot be meant, AgencyNotVisible for an agency or unit outside
    the actor's scope (answered as not found, like any object of another agency)."""
    period = period_from_args(args)
    agency_id, department_id = _id(args.get("agency")), _id(args.get("department"))
    if department_id is not None:
        department = db.session.get(Department, department_id)
        if department is None or (agency_id is not None and department.agency_id != agency_id):
            raise AgencyNotVisible(department_id)
        agency_id = department.agency_id
    agency_ids = report_agency_ids(actor, agency_id)
    group = args.get("group") if args.get("group") in GROUPS else ("agency" if agency_ids is None else "unit")
    if agency_ids is None:
        group = "agency"  # units and people are shown within one agency
    elif department_id is not None:
        group = "person"
    return ReportRequest(period, agency_ids, agency_id, group, department_id)
