"""What the incident pages show: the list's labels and filters, and one incident with its case's
diagram marks and data (only for those who may see the case: secrecy is asked of case_secrecy)."""
import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.directory.models import Agency
from app.extensions import db

from .case_secrecy import case_titles, may_see_case
from .failures import INCIDENT_KINDS_LABELS, plain_message, retry_policy
from .incidents import PROTECTED_KEYS, IncidentFilters
from .instance_state import load_workflow
from .models import Incident
from .registry import catalogue

STATUS_LABELS = {"retrying": _l("Đang tự thử lại"), "open": _l("Chờ xử lý"), "resolved": _l("Đã xử lý")}
RESOLUTION_LABELS = {"retried": _l("Chạy lại"), "data_edited": _l("Sửa dữ liệu và chạy lại"),
                     "skipped": _l("Bỏ qua bước"), "cancelled": _l("Hủy hồ sơ"),
                     "passed": _l("Hồ sơ đã qua bước này")}


def parse_filters(args, actor) -> IncidentFilters:
    """The list's filters from the query string; anything unknown is ignored, never an error."""
    kind = args.get("kind", "")
    status = args.get("status", "unresolved")
    age = args.get("age", "")
    agency = args.get("agency", "")
    return IncidentFilters(
        process_id=args.get("process", "")[:64] if args.get("process", "") in catalogue().processes else "",
        agency_id=int(agency) if agency.isascii() and agency.isdigit() and actor.province_wide and len(agency) < 10 else None,
        kind=kind if kind in INCIDENT_KINDS_LABELS else "",
        min_age_days=int(age) if age.isascii() and age.isdigit() and 0 < len(age) < 5 else None,
        status=status if status in ("unresolved", "open", "retrying", "resolved", "all") else "unresolved")


def filter_choices(actor) -> dict:
    agencies = (db.session.execute(select(Agency.id, Agency.name).order_by(Agency.name)).all()
                if actor.province_wide else [])
    return {"processes": sorted((pid, d.title) for pid, d in catalogue().processes.items()),
            "agencies": agencies, "kinds": INCIDENT_KINDS_LABELS, "statuses": STATUS_LABELS}


def list_titles(actor, incidents: list[Incident]) -> dict[int, str]:
    return case_titles(actor, [i.instance for i in incidents])


@dataclass
class IncidentPage:
    incident: Incident
    title: str
    may_see_data: bool
    data_json: str | None  # the failed step's data, when readable and allowed
    snapshot: dict = field(default_factory=dict)
    skippable: bool = False
    protected: tuple = PROTECTED_KEYS
    message: str = ""  # the failure in words; without the error's own words (they may quote the data) when
    detail: str | None = None  # not allowed, and no technical detail then either


def incident_page(incident: Incident, actor) -> IncidentPage:
    instance = incident.instance
    allowed = may_see_case(actor, instance)
    page = IncidentPage(incident, case_titles(actor, [instance])[instance.id], allowed, None,
                        message=incident.message if allowed else plain_message(incident.kind, incident.message,
                                                                                incident.task_name),
                        detail=incident.detail if allowed else None)
    try:
        workflow = load_workflow(instance, actor)
    except Exception:  # an unloadable state is what the incident is about: shown without diagram marks
        return page
    failed = [t for t in workflow.get_tasks(state=TaskState.ERROR)]
    step = [t for t in failed if t.task_spec.name == incident.task_spec] or failed
    page.skippable = bool(step) and all(retry_policy(t.task_spec).skippable for t in step)
    if allowed and step:
        page.data_json = json.dumps(step[0].data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    names = lambda state: sorted({t.task_spec.name for t in workflow.get_tasks(state=state)})  # noqa: E731
    page.snapshot = {"seq": 1, "number": 1, "completed": names(TaskState.COMPLETED),
                     "active": names(TaskState.READY | TaskState.WAITING | TaskState.STARTED),
                     "cancelled": [], "failed": [incident.task_spec] if incident.task_spec else [],
                     "data": json.loads(page.data_json) if page.data_json else {}, "changed": []}
    return page
