"""The outgoing process's service-task operators, by the names the BPMN uses."""
from .drafting import record_content_review, record_format_check, record_signing, save_draft
from .release import release

OPERATORS = {
    "outgoing.save_draft": save_draft,
    "outgoing.record_content_review": record_content_review,
    "outgoing.record_format_check": record_format_check,
    "outgoing.record_signing": record_signing,
    "outgoing.release": release,
}
