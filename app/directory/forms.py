"""Administration forms for agencies, departments, users, delegations and CSV import."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    EmailField,
    Field,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.vietnam_time import parse_day

from .roles import ROLE_LABELS

REQUIRED = _l("Trường này bắt buộc.")
INVALID_DAY = _l("Nhập ngày hợp lệ.")

AGENCY_KIND_LABELS = {
    "province": _l("UBND tỉnh"),
    "department": _l("Sở, ban, ngành"),
    "district": _l("UBND huyện, thị xã, thành phố"),
    "commune": _l("UBND xã, phường, thị trấn"),
    "service_unit": _l("Đơn vị sự nghiệp"),
}


class DayField(Field):
    """A day typed dd/mm/yyyy like every other date of the system (a native date input shows the browser's
    own format and calendar); ISO yyyy-mm-dd is accepted too."""
    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if self.data else ""

    def process_formdata(self, valuelist):
        text = (valuelist or [""])[0].strip()
        self.data = None
        if text:
            try:
                self.data = parse_day(text)
            except ValueError as error:
                raise ValueError(str(INVALID_DAY)) from error

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # one message: "required" would repeat what the parse error says


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# wtforms' Email() needs the email_validator package, which is not installed: a plain shape check instead.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Địa chỉ thư không hợp lệ."))


def _stripped(value) -> str:
    return (value or "").strip()


class AgencyForm(FlaskForm):
    code = StringField(_l("Mã định danh"), validators=[DataRequired(REQUIRED), Length(max=13)],
                       filters=[lambda v: (v or "").strip().upper()])
    name = StringField(_l("Tên cơ quan"), validators=[DataRequired(REQUIRED), Length(max=255)])
    short_name = StringField(_l("Tên viết tắt (dùng trong ký hiệu văn bản)"),
                             validators=[DataRequired(REQUIRED), Length(max=20)])
    kind = SelectField(_l("Loại cơ quan"), choices=list(AGENCY_KIND_LABELS.items()))
    parent_id = SelectField(_l("Cơ quan cấp trên"), coerce=int, choices=[])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=255)], filters=[_stripped])
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), Length(max=255), EMAIL], filters=[_stripped])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=64)], filters=[_stripped])
    website = StringField(_l("Trang thông tin điện tử"), validators=[Optional(), Length(max=255)], filters=[_stripped])


class DepartmentForm(FlaskForm):
    name = StringField(_l("Tên phòng ban"), validators=[DataRequired(REQUIRED), Length(max=255)])
    abbreviation = StringField(_l("Chữ viết tắt"), validators=[DataRequired(REQUIRED), Length(max=20)],
                               filters=[lambda v: (v or "").strip()])


class UserForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(REQUIRED), Length(max=64)],
                           filters=[lambda v: (v or "").strip().lower()])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=255)])
    job_title = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=255)])
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), EMAIL],
                       filters=[lambda v: (v or "").strip() or None])
    department_id = SelectField(_l("Phòng ban"), coerce=int, choices=[])
    roles = MultiCheckboxField(_l("Vai trò"), choices=list(ROLE_LABELS.items()),
                               validators=[DataRequired(_l("Chọn ít nhất một vai trò."))])


class NewUserForm(UserForm):
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[DataRequired(REQUIRED), Length(max=128)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu tạm thời"), validators=[DataRequired(REQUIRED), Length(max=128)])


class DelegationForm(FlaskForm):
    role = SelectField(_l("Vai trò ủy quyền"), choices=[])
    delegate_id = SelectField(_l("Người được ủy quyền"), coerce=int, choices=[])
    starts_on = DayField(_l("Từ ngày"), validators=[DataRequired(INVALID_DAY)])
    ends_on = DayField(_l("Đến ngày"), validators=[DataRequired(INVALID_DAY)])
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])


class ImportUsersForm(FlaskForm):
    file = FileField(_l("Tệp CSV (UTF-8)"), validators=[
        FileRequired(_l("Chọn tệp CSV.")), FileAllowed(["csv"], _l("Chỉ nhận tệp .csv."))])
