"""JSON-Schema forms of BPMN user tasks (spiff-arena files, react-jsonschema-form ui schema): loading and
checking the definitions, and the field views the server renders. Posted answers: app.workflow.form_submission."""
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from flask_babel import gettext as _
from jsonschema import FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.validators import Draft202012Validator, validator_for

from app.web.process_texts import process_text

PICKERS = ("user", "department", "agency")
UI_WIDGETS = {"text", "textarea", "radio", "select", "checkboxes", "checkbox", "hidden", "date", "updown", "file",
              *PICKERS}
SCALARS = ("string", "integer", "number", "boolean")

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class FormDefinitionError(ValueError):
    """A schema or ui schema file that cannot be used; the message names the file for the process designer."""


class Choice(NamedTuple):
    """One option of a picker: the value kept in task data, the text shown, the heading it is listed under,
    and the unit (department id) it belongs to, by which a form may narrow the list on the page."""
    value: object
    label: str
    group: str = ""
    unit: str = ""


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
    # Pickers: {option value: (heading, unit)} from their Choice, for <optgroup> and narrowing by unit.
    option_places: dict = field(default_factory=dict)
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
    # "if"/"then" of the enclosing object: required (and a minimum length) only while another field holds one
    # of `values`, e.g. the refusal reason once "refuse" is chosen. The browser checks it before confirming.
    required_if: dict | None = None
    min_length: int | None = None
    children: list["FieldView"] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def focus_id(self) -> str | None:
        """The element an error link jumps to: the first choice of a group of radios or boxes."""
        if self.widget == "hidden":
            return None
        return self.id + "-1" if self.widget in ("radio", "multiselect") else self.id

    @property
    def described_by(self) -> str:
        return " ".join(i for i, on in ((self.id + "-help", self.help), (self.id + "-error", self.error)) if on)

    @property
    def value_texts(self) -> list[str]:
        values = self.value if isinstance(self.value, list) else [self.value]
        return [option_text(v) for v in values if v is not None]

    @property
    def display(self) -> str:
        """The value as input text: ISO dates shown as dd/mm/yyyy, anything unparseable as typed."""
        if self.value is None or isinstance(self.value, list):
            return ""
        if self.widget == "date" and isinstance(self.value, str) and ISO_DATE.fullmatch(self.value):
            return f"{self.value[8:10]}/{self.value[5:7]}/{self.value[0:4]}"
        return option_text(self.value)

    @property
    def blank_option(self) -> bool:
        # A required select with a default has a sensible preselection; otherwise force a conscious choice.
        return not (self.required and self.has_default)

    def selected(self, option_value: str) -> bool:
        return option_value in self.value_texts

    @property
    def grouped_options(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The options in runs under their heading ("" for none), for <optgroup>; the order is kept."""
        runs: list[tuple[str, list[tuple[str, str]]]] = []
        for value, text in self.options:
            group = self.option_places.get(value, ("", ""))[0]
            if not runs or runs[-1][0] != group:
                runs.append((group, []))
            runs[-1][1].append((value, text))
        return runs

    def unit_of(self, option_value: str) -> str:
        return self.option_places.get(option_value, ("", ""))[1]


@dataclass
class TaskForm:
    """A loaded task form: its JSON Schema, its ui schema and its name (the schema path without suffix)."""
    schema: dict
    ui_schema: dict
    name: str

    @cached_property
    def pickers(self) -> tuple[tuple[str, str, dict], ...]:
        """(name, widget, ui:options) of the top-level picker fields, as fields() gives them; read without
        building the views (labels, help, options), which the picker queries do not need."""
        return tuple((name, widget, dict(sub_ui.get("ui:options") or {}))
                     for name, sub, sub_ui in ordered_properties(self.schema, self.ui_schema)
                     if (widget := widget_for(sub, sub_ui)) in PICKERS)

    @cached_property
    def file_fields(self) -> tuple[str, ...]:
        """Dotted paths of the file fields, as fields() names them; read without building the views."""
        return tuple(_file_paths(self.schema, self.ui_schema, ""))

    @cached_property
    def validator(self):
        """The schema's validator, built once per form: a form is cached per version's files, so a new
        version's form (another object) gets its own. Validators keep no state between validations."""
        return validator_for(self.schema, default=Draft202012Validator)(self.schema, format_checker=FormatChecker())

    @cached_property
    def checked_fields(self) -> tuple[tuple[str, bool, bool], ...]:
        """(dotted name, is a picker, x-notInPast) of every field, groups' fields included, as fields() and
        walk_views give them: what checking an answer asks of the fields, without building their views."""
        return tuple((view.name, view.widget in PICKERS, view.not_in_past) for view in walk_views(self.fields()))

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

    if schema_type(schema) != "object" or not isinstance(schema.get("properties"), dict):
        fail(prefix.rstrip("."), _("cần kiểu object có properties."))
    order = ui.get("ui:order", [])
    unknown = [n for n in order if n != "*" and n not in schema["properties"]] if isinstance(order, list) else None
    if unknown is None or unknown:
        fail(prefix.rstrip("."), _("ui:order nêu trường không có: %(names)s", names=", ".join(unknown or [str(order)])))
    for name, sub in schema["properties"].items():
        path, sub_ui = prefix + name, ui.get(name, {})
        if not isinstance(sub, dict) or schema_type(sub) is None:
            fail(path, _("thiếu kiểu (type) hoặc kiểu không được hỗ trợ."))
        if not isinstance(sub_ui, dict):
            fail(path, _("ui schema của trường phải là một đối tượng."))
        if sub_ui.get("ui:widget", "text") not in UI_WIDGETS:
            fail(path, _("không hỗ trợ ui:widget “%(widget)s”.", widget=sub_ui["ui:widget"]))
        widget = widget_for(sub, sub_ui)
        if widget == "group":
            _check_definition(sub, sub_ui, file, path + ".")
        elif schema_type(sub) == "array":
            if not isinstance(sub.get("items"), dict) or schema_type(sub["items"]) not in SCALARS:
                fail(path, _("danh sách phải có items là kiểu đơn giản."))
            if widget == "multiselect" and not field_options(sub["items"]):
                fail(path, _("danh sách lựa chọn cần enum hoặc oneOf trong items."))
        elif widget in ("select", "radio") and not field_options(sub):
            fail(path, _("trường lựa chọn cần enum hoặc oneOf."))


def schema_type(schema: dict) -> str | None:
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):  # ["string", "null"] is how optional values are often written
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if kind in (*SCALARS, "array", "object") else None


def ordered_properties(schema: dict, ui: dict) -> list[tuple[str, dict, dict]]:
    props = schema.get("properties", {})
    order = list(ui.get("ui:order") or ["*"])
    if "*" not in order:
        order.append("*")  # rjsf insists on "*" when not every field is listed; we put the rest last
    rest = [n for n in props if n not in order]
    names = [n for entry in order for n in (rest if entry == "*" else [entry])]
    return [(n, props[n], ui.get(n) or {}) for n in names]


def widget_for(schema: dict, ui: dict) -> str:
    kind, asked = schema_type(schema), ui.get("ui:widget")
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
    if field_options(schema):
        return "select"
    if schema.get("format") == "date":
        return "date"
    if schema.get("format") == "data-url":
        return "file"
    return kind if kind in ("integer", "number") else "text"


def field_options(schema: dict) -> list[tuple[object, str]]:
    """A choice field's (value, label) pairs: enum with enumNames, oneOf consts with titles, Có/Không."""
    if "enum" in schema:
        names = schema.get("enumNames") or []
        return [(v, process_text(str(names[i])) if i < len(names) else option_text(v))
                for i, v in enumerate(schema["enum"])]
    for key in ("oneOf", "anyOf"):
        if schema.get(key) and all(isinstance(s, dict) and "const" in s for s in schema[key]):
            return [(s["const"], process_text(str(s["title"])) if "title" in s else option_text(s["const"]))
                    for s in schema[key]]
    if schema_type(schema) == "boolean":
        return [(True, _("Có")), (False, _("Không"))]
    return []


def option_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _conditions(schema: dict, prefix: str) -> dict:
    """Fields required under an "if" naming one field's value(s): field → {name, values, min}."""
    found = {}
    for rule in [schema, *(schema.get("allOf") or [])]:
        condition, then = rule.get("if"), rule.get("then")
        if not isinstance(condition, dict) or not isinstance(then, dict):
            continue
        tests = condition.get("properties") or {}
        if len(tests) != 1:
            continue  # a condition on several fields stays the server's to check
        (name, test), = tests.items()
        test = test if isinstance(test, dict) else {}
        values = [test["const"]] if "const" in test else test.get("enum")
        if not isinstance(values, list):
            continue
        for needed in then.get("required", []):
            minimum = ((then.get("properties") or {}).get(needed) or {}).get("minLength")
            found[needed] = {"name": prefix + name, "values": [option_text(v) for v in values], "min": minimum}
    return found


def _views(schema, ui, values, errors, choices, prefix) -> list[FieldView]:
    required = set(schema.get("required", []))
    conditional = _conditions(schema, prefix)
    views = []
    for name, sub, sub_ui in ordered_properties(schema, ui):
        path, widget = prefix + name, widget_for(sub, sub_ui)
        value = values.get(name, sub.get("default")) if isinstance(values, dict) else None
        view = FieldView(
            name=path, label=process_text(str(sub_ui.get("ui:title") or sub.get("title") or name)), widget=widget,
            required=name in required, help=process_text(sub_ui.get("ui:help") or sub.get("description")),
            placeholder=process_text(sub_ui.get("ui:placeholder")) or ("dd/mm/yyyy" if widget == "date" else None),
            value=value, error=errors.get(path), multiple=schema_type(sub) == "array", has_default="default" in sub,
            not_in_past=bool(sub.get("x-notInPast")), required_if=conditional.get(name),
            min_length=sub.get("minLength") if isinstance(sub.get("minLength"), int) else None,
            confirm={option_text(k): process_text(str(v)) for k, v in (sub_ui.get("ui:confirm") or {}).items()},
            picker_options=dict(sub_ui.get("ui:options") or {}) if widget in PICKERS else {})
        if widget == "group":
            view.children, view.value = _views(sub, sub_ui, value or {}, errors, choices, path + "."), None
        elif widget in PICKERS:
            offered = choices.get(path, [])
            view.options = [(option_text(c.value), str(c.label)) for c in offered]
            view.option_places = {option_text(c.value): (c.group, c.unit) for c in offered}
        else:
            view.options = [(option_text(v), label) for v, label in field_options(sub.get("items", sub))]
        views.append(view)
    return views


def _file_paths(schema: dict, ui: dict, prefix: str):
    for name, sub, sub_ui in ordered_properties(schema, ui):
        widget = widget_for(sub, sub_ui)
        if widget == "file":
            yield prefix + name
        elif widget == "group":
            yield from _file_paths(sub, sub_ui, prefix + name + ".")


def walk_views(views: list[FieldView]):
    for view in views:
        yield view
        yield from walk_views(view.children)




@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary above a refused form: the field's label, the error, where to jump."""
    label: str
    message: str
    target: str | None


def error_summary(views: list[FieldView], errors: dict) -> list[ErrorLink]:
    """The refused form's errors in the form's order; errors of no field (the whole answer) come first."""
    fields = {view.name: view for view in walk_views(views)}
    loose = [ErrorLink("", message, None) for path, message in errors.items() if path not in fields]
    return loose + [ErrorLink(view.label, view.error, view.focus_id) for view in fields.values() if view.error]
