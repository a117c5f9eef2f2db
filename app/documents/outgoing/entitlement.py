"""Who may sign a draft now: its named signer, once the format check has passed and before anyone signed."""
from flask_babel import gettext as _

from app.workflow.errors import SigningRefused

from .models import OutgoingDraft


def require_named_signer(draft: OutgoingDraft, actor) -> None:
    if draft.signer_id != actor.id:
        raise SigningRefused(_("Chỉ người ký được chỉ định trong dự thảo (%(name)s) được ký văn bản này.",
                               name=draft.signer.full_name if draft.signer else "?"))
    if draft.stage != "signing":
        raise SigningRefused(_("Dự thảo chưa qua kiểm tra thể thức hoặc đã được ký."))
