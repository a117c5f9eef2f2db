"""The email preferences form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError

from app.directory.forms import MultiCheckboxField
from app.notifications.models import KINDS

from .preferences import KIND_LABELS, address_problem


class EmailPreferencesForm(FlaskForm):
    email = StringField(_l("Địa chỉ thư điện tử"), filters=[lambda value: (value or "").strip()])
    kinds = MultiCheckboxField(_l("Nhận qua email các thông báo"), validate_choice=False,
                               choices=[(kind, KIND_LABELS[kind]) for kind in KINDS])

    def validate_email(self, field):
        if len(field.raw_data or ()) > 1:
            raise ValidationError(_l("Chỉ nhập một địa chỉ thư."))
        if field.data and (problem := address_problem(field.data)):
            raise ValidationError(problem)

    def validate_kinds(self, field):
        # Checkboxes send known values; anything else was not typed by a person.
        if len(field.data) > len(KINDS) or any(kind not in KINDS for kind in field.data):
            raise ValidationError(_l("Loại thông báo không hợp lệ."))
