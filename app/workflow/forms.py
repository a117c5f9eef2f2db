"""JSON-Schema forms of BPMN user tasks (spiff-arena files, react-jsonschema-form ui schema), rendered server-side."""
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from jsonschema import FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.validators import Draft202012Validator, validator_for

from app.vietnam_time import vietnam_today

from .form_errors import FORM_ERROR_KEY, error_message, error_paths

PICKERS = ("user", "department", "agency")
UI_WIDGETS = {"text", "textarea", "radio", "select", "checkboxes", "checkbox", "hidden", "date", "updown", "file",
              *PICKERS}
SCALARS = ("string", "integer", "number", "boolean")

_VN_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Vietnamese writes 4.129 for four thousand and 1,5 for one and a half; "2.5" stays a decimal point.
_GROUPED_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class FormDefinitionError(ValueError):
    """A schema or ui schema file that cannot be used; the message names the file for the process designer."""


class _BadInput(ValueError):
    """Posted text that cannot become the schema's type; the message is shown next to the field."""


@dataclass
class FieldView:
    """One field as the template renders it; `value` is the data value, or the raw text after a parse error."""
    name: str
    label: str
    widget: str
    required: bool = False
    help: str | None = None
    placeholder: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    value: object = None
    error: str | None = None
    multiple: bool = False
    has_default: bool = False
    # "x-notInPast": a date that may not lie before today in Vietnam (deadlines).
    not_in_past: bool = False
    # "ui:confirm" {value: question}: choosing that value asks before the form is sent (e.g. refusing).
    confirm: dict = field(default_factory=dict)
    # Pickers: "ui:options" {"role": "specialist", "sameDepartment": true} narrows the people offered.
    picker_options: dict = field(default_factory=dict)
    children: list["FieldView"] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def described_by(self) -> str:
        return " ".join(i for i, on in ((self.id + "-help", self.help), (self.id + "-error", self.error)) if on)

    @property
    def value_texts(self) -> list[str]:
        values = self.value if isinstance(self.value, list) else [self.value]
        return [_option_text(v) for v in values if v is not None]

    @property
    def display(self) -> str:
        """The value as input text: ISO dates shown as dd/mm/yyyy, anything unparseable as typed."""
        if self.value is None or isinstance(self.value, list):
            return ""
        if self.widget == "date" and isinstance(self.value, str) and _ISO_DATE.fullmatch(self.value):
            return f"{self.value[8:10]}/{self.value[5:7]}/{self.value[0:4]}"
        return _option_text(self.value)

    @property
    def blank_option(self) -> bool:
        # A required select with a default has a sensible preselection; otherwise force a conscious choice.
        return not (self.required and self.has_default)

    def selected(self, option_value: str) -> bool:
        return option_value in self.value_texts


@dataclass
class TaskForm:
    """A loaded task form: its JSON Schema, its ui schema and its name (the schema path without suffix)."""
    schema: dict
    ui_schema: dict
    name: str

    @property
    def file_fields(self) -> list[str]:
        return [view.name for view in _walk(self.fields()) if view.widget == "file"]

    def fields(self, values: dict | None = None, errors: dict | None = None,
               choices: dict | None = None) -> list[FieldView]:
        """Views of the properties in ui:order then schema order; picker options come from `choices`."""
        return _views(self.schema, self.ui_schema, values or {}, errors or {}, choices or {}, "")


def load_form(forms: "Path | FormFiles", schema_file: str, ui_file: str | None = None) -> TaskForm:
    """Read and check a form definition; raises FormDefinitionError naming the file and the reason."""
    schema = _read_json(forms, schema_file)
    ui = _read_json(forms, ui_file) if ui_file else {}
    if not isinstance(schema, dict) or not isinstance(ui, dict):
        raise FormDefinitionError(_("Tệp biểu mẫu %(file)s phải chứa một đối tượng JSON.",
                                    file=schema_file if not isinstance(schema, dict) else ui_file))
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        raise FormDefinitionError(_("Tệp %(file)s không phải JSON Schema hợp lệ (%(where)s: %(reason)s).",
                                    file=schema_file, where=exc.json_path, reason=exc.message)) from exc
    _check_definition(schema, ui, schema_file, "")
    return TaskForm(schema=schema, ui_schema=ui, name=schema_file.removesuffix(".json").removesuffix(".schema"))


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
    blank = {name: None for name, _sub, _ui in _ordered(form.schema, form.ui_schema)
             if name not in data and name not in form.file_fields}
    return {**blank, **data}


def validate_data(form: TaskForm, data: dict, choices: dict | None = None) -> dict:
    """Vietnamese errors for JSON data posted directly (the API); picker values are checked against `choices`."""
    if not isinstance(data, dict):
        return {FORM_ERROR_KEY: _("Dữ liệu phải là một đối tượng JSON.")}
    return _validate(form, data, choices)


@dataclass(frozen=True)
class FormFiles:
    """Form files by name: texts given here (a version's pinned forms, a designer's edits) over the
    files of the forms/ directory."""
    directory: Path
    texts: dict = field(default_factory=dict)

    def read_text(self, relative: str) -> str:
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            raise FormDefinitionError(_("Đường dẫn %(file)s nằm ngoài thư mục biểu mẫu.", file=relative))
        if relative in self.texts:
            return self.texts[relative]
        root = Path(self.directory).resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            raise FormDefinitionError(_("Đường dẫn %(file)s nằm ngoài thư mục biểu mẫu.", file=relative))
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise FormDefinitionError(_("Không tìm thấy tệp biểu mẫu %(file)s.", file=relative)) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise FormDefinitionError(_("Không đọc được tệp biểu mẫu %(file)s: %(reason)s",
                                        file=relative, reason=exc)) from exc


def form_files(forms) -> FormFiles:
    return forms if isinstance(forms, FormFiles) else FormFiles(Path(forms))


def _read_json(forms, relative: str):
    text = form_files(forms).read_text(relative)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormDefinitionError(_("Tệp %(file)s không phải JSON hợp lệ (dòng %(line)s, cột %(col)s).",
                                    file=relative, line=exc.lineno, col=exc.colno)) from exc


def _check_definition(schema: dict, ui: dict, file: str, prefix: str) -> None:
    """Refuse what the renderer cannot show, at load time rather than in front of a clerk."""
    def fail(where: str, reason: str):
        raise FormDefinitionError(_("Biểu mẫu %(file)s, trường %(field)s: %(reason)s",
                                    file=file, field=where or "/", reason=reason))

    if _type(schema) != "object" or not isinstance(schema.get("properties"), dict):
        fail(prefix.rstrip("."), _("cần kiểu object có properties."))
    order = ui.get("ui:order", [])
    unknown = [n for n in order if n != "*" and n not in schema["properties"]] if isinstance(order, list) else None
    if unknown is None or unknown:
        fail(prefix.rstrip("."), _("ui:order nêu trường không có: %(names)s", names=", ".join(unknown or [str(order)])))
    for name, sub in schema["properties"].items():
        path, sub_ui = prefix + name, ui.get(name, {})
        if not isinstance(sub, dict) or _type(sub) is None:
            fail(path, _("thiếu kiểu (type) hoặc kiểu không được hỗ trợ."))
        if not isinstance(sub_ui, dict):
            fail(path, _("ui schema của trường phải là một đối tượng."))
        if sub_ui.get("ui:widget", "text") not in UI_WIDGETS:
            fail(path, _("không hỗ trợ ui:widget “%(widget)s”.", widget=sub_ui["ui:widget"]))
        widget = _widget(sub, sub_ui)
        if widget == "group":
            _check_definition(sub, sub_ui, file, path + ".")
        elif _type(sub) == "array":
            if not isinstance(sub.get("items"), dict) or _type(sub["items"]) not in SCALARS:
                fail(path, _("danh sách phải có items là kiểu đơn giản."))
            if widget == "multiselect" and not _options(sub["items"]):
                fail(path, _("danh sách lựa chọn cần enum hoặc oneOf trong items."))
        elif widget in ("select", "radio") and not _options(sub):
            fail(path, _("trường lựa chọn cần enum hoặc oneOf."))


def _type(schema: dict) -> str | None:
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):  # ["string", "null"] is how optional values are often written
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if kind in (*SCALARS, "array", "object") else None


def _ordered(schema: dict, ui: dict) -> list[tuple[str, dict, dict]]:
    props = schema.get("properties", {})
    order = list(ui.get("ui:order") or ["*"])
    if "*" not in order:
        order.append("*")  # rjsf insists on "*" when not every field is listed; we put the rest last
    rest = [n for n in props if n not in order]
    names = [n for entry in order for n in (rest if entry == "*" else [entry])]
    return [(n, props[n], ui.get(n) or {}) for n in names]


def _widget(schema: dict, ui: dict) -> str:
    kind, asked = _type(schema), ui.get("ui:widget")
    if asked == "file":  # a stored file is an object {sha256, size, name, content_type}
        return "file"
    if kind == "object":
        return "group"
    if asked in ("hidden", "file", *PICKERS):
        return asked
    if kind == "array":
        return "multiselect"
    if kind == "boolean":
        return asked if asked in ("radio", "select") else "checkbox"
    if asked in ("textarea", "radio", "select", "date"):
        return asked
    if _options(schema):
        return "select"
    if schema.get("format") == "date":
        return "date"
    if schema.get("format") == "data-url":
        return "file"
    return kind if kind in ("integer", "number") else "text"


def _options(schema: dict) -> list[tuple[object, str]]:
    if "enum" in schema:
        names = schema.get("enumNames") or []
        return [(v, str(names[i]) if i < len(names) else _option_text(v)) for i, v in enumerate(schema["enum"])]
    for key in ("oneOf", "anyOf"):
        if schema.get(key) and all(isinstance(s, dict) and "const" in s for s in schema[key]):
            return [(s["const"], str(s.get("title", _option_text(s["const"])))) for s in schema[key]]
    if _type(schema) == "boolean":
        return [(True, _("Có")), (False, _("Không"))]
    return []


def _option_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _views(schema, ui, values, errors, choices, prefix) -> list[FieldView]:
    required = set(schema.get("required", []))
    views = []
    for name, sub, sub_ui in _ordered(schema, ui):
        path, widget = prefix + name, _widget(sub, sub_ui)
        value = values.get(name, sub.get("default")) if isinstance(values, dict) else None
        view = FieldView(
            name=path, label=str(sub_ui.get("ui:title") or sub.get("title") or name), widget=widget,
            required=name in required, help=sub_ui.get("ui:help") or sub.get("description"),
            placeholder=sub_ui.get("ui:placeholder") or ("dd/mm/yyyy" if widget == "date" else None),
            value=value, error=errors.get(path), multiple=_type(sub) == "array", has_default="default" in sub,
            not_in_past=bool(sub.get("x-notInPast")),
            confirm={_option_text(k): str(v) for k, v in (sub_ui.get("ui:confirm") or {}).items()},
            picker_options=dict(sub_ui.get("ui:options") or {}) if widget in PICKERS else {})
        if widget == "group":
            view.children, view.value = _views(sub, sub_ui, value or {}, errors, choices, path + "."), None
        elif widget in PICKERS:
            view.options = [(_option_text(v), str(label)) for v, label in choices.get(path, [])]
        else:
            view.options = [(_option_text(v), label) for v, label in _options(sub.get("items", sub))]
        views.append(view)
    return views


def _walk(views: list[FieldView]):
    for view in views:
        yield view
        yield from _walk(view.children)


def _parse_object(schema, ui, formdata, prefix, errors, bad) -> dict:
    out = {}
    for name, sub, sub_ui in _ordered(schema, ui):
        path, widget = prefix + name, _widget(sub, sub_ui)
        if widget == "file":
            continue  # uploads arrive in request.files and are stored by the caller
        if widget == "group":
            nested = _parse_object(sub, sub_ui, formdata, path + ".", errors, bad)
            if nested or name in schema.get("required", []):
                out[name] = nested
        elif widget == "checkbox":
            out[name] = formdata.get(path) in ("true", "on", "1")  # an unticked box posts nothing
        elif _type(sub) == "array":
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
    kind = _type(schema)
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
        if match := _ISO_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        pass  # 31/02/2026 has the right shape but is no day
    raise _BadInput(_("Ngày không hợp lệ (dd/mm/yyyy)."))


def _set_path(data: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _get_path(data: dict, dotted: str):
    for part in dotted.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _validate(form: TaskForm, data: dict, choices: dict | None) -> dict:
    validator = validator_for(form.schema, default=Draft202012Validator)(form.schema, format_checker=FormatChecker())
    uploads = set(form.file_fields)  # the caller checks and stores uploads; a form post never carries them
    errors = {}
    for error in validator.iter_errors(data):
        for path in error_paths(error):
            if path not in uploads:
                errors.setdefault(path, error_message(error))
    # Pickers offer only what the caller scoped (same agency, active users…); anything else was forged.
    for view in _walk(form.fields()):
        value = _get_path(data, view.name)
        if view.widget in PICKERS and value is not None:
            offered = {_option_text(v) for v, _label in (choices or {}).get(view.name, [])}
            if any(_option_text(v) not in offered for v in (value if isinstance(value, list) else [value])):
                errors.setdefault(view.name, _("Lựa chọn không hợp lệ."))
        if view.not_in_past and isinstance(value, str) and _ISO_DATE.fullmatch(value) and value < _today_iso():
            errors.setdefault(view.name, _("Ngày này đã qua; chọn từ hôm nay trở đi."))
    return errors


def _today_iso() -> str:
    return vietnam_today().isoformat()
