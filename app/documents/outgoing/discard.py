"""Hủy dự thảo: the author abandons a draft that waits for them and was never numbered."""
from flask_babel import gettext as _

from app.workflow.errors import OperatorRefused
from app.workflow.registry import OperatorContext

from ..case_subject import SUBJECT_TYPE
from .drafting import case_draft
from .models import DISCARDED


def check_discard(context: OperatorContext) -> None:
    """Refuse a draft under review or numbered; mark a saved draft discarded (it leaves "Dự thảo")."""
    if context.subject_id(SUBJECT_TYPE) is None:
        return  # never saved: the case is all there is to cancel
    draft = case_draft(context.instance)
    if draft.stage != "drafting" or draft.document.number:
        raise OperatorRefused(_("Dự thảo đã trình duyệt hoặc đã cấp số, không thể hủy."))
    draft.stage = DISCARDED
