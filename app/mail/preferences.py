"""Each person's email settings: their address and which kinds of notices reach them by email."""
import re

from flask_babel import lazy_gettext as _l

from app.audit.services import record
from app.extensions import db
from app.notifications import models as notices

from .models import DEFAULT_KINDS, EmailPreference

# What each kind of notice is called, on the preferences page and in the digest.
KIND_LABELS = {
    notices.NEW_TASK: _l("Việc mới giao cho tôi"),
    notices.DUE_TOMORROW: _l("Việc sắp đến hạn (ngày mai)"),
    notices.OVERDUE: _l("Việc quá hạn"),
    notices.REMINDER: _l("Đôn đốc của lãnh đạo"),
    notices.DRAFT_RETURNED: _l("Dự thảo bị trả lại"),
    notices.STATUS_RECEIVED: _l("Trạng thái văn bản đi từ nơi nhận"),
    notices.RECALL_REQUESTED: _l("Yêu cầu thu hồi văn bản"),
    notices.DOSSIER_DUE: _l("Hồ sơ đến hạn nộp lưu cơ quan"),
    notices.INCIDENT_OPENED: _l("Hồ sơ quy trình gặp sự cố"),
}

MAX_ADDRESS_LENGTH = 254  # RFC 5321's limit for a path
# An address people type: ASCII, one @, a dotted domain; no spaces, quotes or line breaks (it goes into
# a header). wtforms' Email() needs the email_validator package, which is not installed.
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def address_problem(address: str) -> str | None:
    """Why `address` cannot receive mail (Vietnamese), or None."""
    if len(address) > MAX_ADDRESS_LENGTH:
        return _l("Địa chỉ thư dài quá %(n)s ký tự.", n=MAX_ADDRESS_LENGTH)
    if not _ADDRESS.match(address):
        return _l("Địa chỉ thư không hợp lệ (ví dụ: ten@coquan.gov.vn).")
    return None


def chosen_kinds(user) -> tuple[str, ...]:
    preference = db.session.get(EmailPreference, user.id)
    return preference.chosen_kinds() if preference is not None else DEFAULT_KINDS


def save_email_preferences(user, *, email: str, kinds, actor) -> None:
    """Keep the person's address ("" = none) and chosen kinds (known kinds only; the form checked them)."""
    wanted = [kind for kind in notices.KINDS if kind in set(kinds)]
    preference = db.session.get(EmailPreference, user.id)
    if preference is None:
        preference = EmailPreference(user_id=user.id)
        db.session.add(preference)
    before = (user.email or "", preference.chosen_kinds())
    user.email = email or None
    preference.kinds = ",".join(wanted)
    if before != (email, tuple(wanted)):
        record("email_preferences_changed", actor=actor, subject=user, agency_id=user.agency_id,
               address_changed=before[0] != email, kinds=wanted)
    db.session.flush()
