"""A task form's answer: posted strings (Vietnamese dates and numbers) to typed JSON, and the JSON checked
against the schema and the choices the person was offered, with errors in Vietnamese beside each field."""
import re
from datetime import date

from flask_babel import gettext as _

from app.vietnam_time import vietnam_today

from .form_errors import FORM_ERROR_KEY, error_message, error_paths
from .forms import (
    ISO_DATE,
    TaskForm,
    option_text,
    ordered_properties,
    schema_type,
    widget_for,
)

_VN_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# Vietnamese writes 4.129 for four thousand and 1,5 for one and a half; "2.5" stays a decimal point.
_GROUPED_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _BadInput(ValueError):
    """Posted text that cannot become the schema's type; the message is shown next to the field."""


def parse_submission(form: TaskForm, formdata, choices: dict | None = None) -> tuple[dict, dict]:
    """Typed data and Vietnamese errors (field name → message) from posted form strings."""
    errors, bad = {}, {}
    data = _parse_object(form.schema, form.ui_schema, formdata, "", errors, bad)
    for path, message in _validate(form, data, choices).items():
        errors.setdefault(path, message)  # a parse error explains more than "required" or "type"
    for path, raw in bad.items():
        _set_path(data, path, raw)  # keep what was typed so the person can correct it
    return data, errors


def as_answer(form: TaskForm, data: dict) -> dict:
    """The form's answer as a whole: a field left blank clears the value an earlier task left in the data.

    Without this, clearing an optional field (e.g. the lead person on a reassignment) would silently keep
    the old value, because task data is merged, not replaced. Uploads are handled by the caller.
    """
    blank = {name: None for name, _sub, _ui in ordered_properties(form.schema, form.ui_schema)
             if name not in data and name not in form.file_fields}
    return {**blank, **data}


def declared_only(schema: dict, data: dict, prefix: str = "") -> tuple[dict, list[str]]:
    """The values of the fields the schema declares (groups recursively), and the names of the rest.

    Task data is user input: an undeclared key (e.g. "document_id") must never reach the task data,
    the operators or the audit event as if the form had asked for it.
    """
    properties = schema.get("properties", {})
    kept, ignored = {}, []
    for name, value in data.items():
        sub = properties.get(name)
        if sub is None:
            ignored.append(prefix + str(name))
        elif isinstance(value, dict) and schema_type(sub) == "object" and "properties" in sub:
            kept[name], deeper = declared_only(sub, value, f"{prefix}{name}.")
            ignored += deeper
        else:
            kept[name] = value
    return kept, ignored


def validate_data(form: TaskForm, data: dict, choices: dict | None = None) -> dict:
    """Vietnamese errors for JSON data posted directly (the API); picker values are checked against `choices`."""
    if not isinstance(data, dict):
        return {FORM_ERROR_KEY: _("Dữ liệu phải là một đối tượng JSON.")}
    return _validate(form, data, choices)


def _parse_object(schema, ui, formdata, prefix, errors, bad) -> dict:
    out = {}
    for name, sub, sub_ui in ordered_properties(schema, ui):
        path, widget = prefix + name, widget_for(sub, sub_ui)
        if widget == "file":
            continue  # uploads arrive in request.files and are stored by the caller
        if widget == "group":
            nested = _parse_object(sub, sub_ui, formdata, path + ".", errors, bad)
            if nested or name in schema.get("required", []):
                out[name] = nested
        elif widget == "checkbox":
            out[name] = formdata.get(path) in ("true", "on", "1")  # an unticked box posts nothing
        elif schema_type(sub) == "array":
            texts = [t.strip() for t in formdata.getlist(path) if t and t.strip()]
            try:
                if items := [_convert(t, sub["items"], "") for t in texts]:
                    out[name] = items
            except _BadInput as exc:
                errors[path], bad[path] = str(exc), texts
        elif text := (formdata.get(path) or "").replace("\r\n", "\n").strip():  # empty means absent
            try:
                out[name] = _convert(text, sub, widget)
            except _BadInput as exc:
                errors[path], bad[path] = str(exc), text
        elif path in formdata and "" in sub.get("enum", ()):
            out[name] = ""  # a choice whose value is empty (e.g. "Ký trực tiếp") was chosen, not left out
    return out


def _convert(text: str, schema: dict, widget: str):
    kind = schema_type(schema)
    if widget == "date" or schema.get("format") == "date":
        return _iso_date(text)
    if kind in ("integer", "number"):
        normal = re.sub(r"\s", "", text)
        normal = (normal.replace(".", "") if _GROUPED_NUMBER.fullmatch(normal) else normal).replace(",", ".")
        if not _NUMBER.fullmatch(normal) or (kind == "integer" and "." in normal):
            raise _BadInput(_("Giá trị phải là số nguyên.") if kind == "integer" else _("Giá trị phải là số."))
        return float(normal) if "." in normal else int(normal)
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        raise _BadInput(_("Giá trị không hợp lệ."))
    return text


def _iso_date(text: str) -> str:
    try:
        if match := _VN_DATE.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1])).isoformat()
        if match := ISO_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        pass  # 31/02/2026 has the right shape but is no day
    raise _BadInput(_("Ngày không hợp lệ (dd/mm/yyyy)."))


def _set_path(data: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def value_at(data: dict, dotted: str):
    """The value at a field's dotted path ("group.field"), or None."""
    for part in dotted.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _validate(form: TaskForm, data: dict, choices: dict | None) -> dict:
    uploads = set(form.file_fields)  # the caller checks and stores uploads; a form post never carries them
    errors = {}
    for error in form.validator.iter_errors(data):
        for path in error_paths(error):
            if path not in uploads:
                errors.setdefault(path, error_message(error))
    # Pickers offer only what the caller scoped (same agency, active users…); anything else was forged.
    for name, picker, not_in_past in form.checked_fields:
        value = value_at(data, name)
        if picker and value is not None:
            offered = {option_text(choice.value) for choice in (choices or {}).get(name, [])}
            if any(option_text(v) not in offered for v in (value if isinstance(value, list) else [value])):
                errors.setdefault(name, _("Lựa chọn không hợp lệ."))
        if not_in_past and isinstance(value, str) and ISO_DATE.fullmatch(value) and value < _today_iso():
            errors.setdefault(name, _("Ngày này đã qua; chọn từ hôm nay trở đi."))
    return errors


def _today_iso() -> str:
    return vietnam_today().isoformat()
