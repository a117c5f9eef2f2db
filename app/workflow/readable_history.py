"""An instance's recorded history in people's words: step names from the diagram, labels and values from
the task forms, names instead of ids.

The document's process panel and the auditors' history read the record through this one module, so a
step's opinion reads the same on every page. Forms mark the fields that are a person's say on the case
(an opinion, a decision, a reason) with "x-opinion": true; the panel lists exactly those.
"""
import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.directory.models import Agency, Department, User
from app.extensions import db
from app.web.process_texts import process_text

from .forms import ISO_DATE, TaskForm, field_options, ordered_properties, schema_type, widget_for
from .instance_state import version_forms, version_specs
from .models import ProcessVersion


@dataclass(frozen=True)
class Shown:
    """One value as people read it: the form's label and the value's text."""
    label: str
    text: str
    changed: bool = False


@dataclass
class ReadableEvent:
    number: int  # 1, 2, … in this history: the list, the diagram and the data panel use the same number
    event: AuditEvent
    label: str
    lane: str
    values: list[Shown] = field(default_factory=list)
    opinions: list[Shown] = field(default_factory=list)
    raw: list[Shown] = field(default_factory=list)  # the exact keys and JSON values, for auditors


class Vocabulary:
    """What a process version's diagram and forms say about its elements and fields."""

    def __init__(self, version: ProcessVersion):
        spec, subprocess_specs = version_specs(version)
        forms = version_forms(version)
        self.titles: dict[str, str] = {}
        self.operators: dict[str, str] = {}
        self.forms: dict[str, TaskForm] = {}
        self.fields: dict[str, tuple[dict, dict]] = {}  # any form's field name -> (schema, ui) for the data panel
        for process in (spec, *subprocess_specs.values()):
            for name, task_spec in process.task_specs.items():
                title = getattr(task_spec, "bpmn_name", None)
                if title:
                    self.titles[name] = title
                    if getattr(task_spec, "operation_name", None):
                        self.operators.setdefault(task_spec.operation_name, title)
                form = _form_of(task_spec, forms)
                if form is not None:
                    self.forms[name] = form
                    for field_name, sub, sub_ui in ordered_properties(form.schema, form.ui_schema):
                        self.fields.setdefault(field_name, (sub, sub_ui))

    def title(self, spec_name: str | None) -> str:
        return process_text(self.titles.get(spec_name or "", "")) or _("bước không tên")


_VOCABULARIES: dict[tuple[int, str], Vocabulary] = {}


def vocabulary(version: ProcessVersion) -> Vocabulary:
    key = (version.id, version.content_sha256)
    if key not in _VOCABULARIES:
        _VOCABULARIES[key] = Vocabulary(version)
    return _VOCABULARIES[key]


def _form_of(task_spec, forms: dict) -> TaskForm | None:
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    schema_file = properties.get("formJsonSchemaFilename")
    if schema_file not in forms:
        return None
    ui_file = properties.get("formUiSchemaFilename")
    ui = json.loads(forms[ui_file]) if ui_file in forms else {}
    return TaskForm(json.loads(forms[schema_file]), ui, schema_file.removesuffix(".schema.json"))


class Names:
    """People, departments and agencies named in many values, each kind looked up once."""

    def __init__(self):
        self.wanted: dict[str, set] = {"user": set(), "department": set(), "agency": set()}
        self.found: dict[str, dict] = {}

    def want(self, kind: str, values) -> None:
        self.wanted[kind].update(v for v in values if v not in (None, ""))

    def load(self) -> None:
        users, departments, agencies = (self.wanted[k] for k in ("user", "department", "agency"))
        self.found["user"] = {u: n for u, n in db.session.execute(
            select(User.username, User.full_name).where(User.username.in_([str(v) for v in users])))} if users else {}
        ids = [int(v) for v in departments if str(v).isdigit()]
        self.found["department"] = {str(i): n for i, n in db.session.execute(
            select(Department.id, Department.name).where(Department.id.in_(ids)))} if ids else {}
        self.found["agency"] = {c: n for c, n in db.session.execute(
            select(Agency.code, Agency.name).where(Agency.code.in_([str(v) for v in agencies])))} if agencies else {}

    def of(self, kind: str, value) -> str:
        # Someone or something since removed still shows what was recorded rather than nothing.
        return self.found.get(kind, {}).get(str(value), str(value))


def _picker(sub: dict, sub_ui: dict) -> str | None:
    widget = widget_for(sub, sub_ui)
    return widget if widget in ("user", "department", "agency") else None


def _text(value, sub: dict, sub_ui: dict, names: Names) -> str:
    """A recorded value as the form offered it: option names, dd/mm/yyyy, Có/Không, names for ids."""
    picker = _picker(sub, sub_ui)
    if isinstance(value, list):
        items = sub.get("items") if isinstance(sub.get("items"), dict) else {}
        return ", ".join(_scalar_text(v, items, picker, names) for v in value)
    return _scalar_text(value, sub, picker, names)


def _scalar_text(value, sub: dict, picker: str | None, names: Names) -> str:
    if picker:
        return names.of(picker, value)
    options = {_key(v): label for v, label in field_options(sub)}
    if _key(value) in options:
        return options[_key(value)]
    if isinstance(value, dict):  # a stored file {sha256, name, size, …}
        return str(value.get("name") or _("(tệp)"))
    if isinstance(value, str) and sub.get("format") in ("date", "date-time") and ISO_DATE.fullmatch(value[:10]):
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def want_names(names: Names, fields, data: dict) -> None:
    for name, sub, sub_ui in fields:
        picker = _picker(sub, sub_ui)
        if picker and name in data:
            value = data[name]
            names.want(picker, value if isinstance(value, list) else [value])


def shown_values(fields, data: dict, names: Names, *, only_opinions=False, changed=()) -> list[Shown]:
    """`data`'s values for the given (name, schema, ui) fields, in their order, blanks left out."""
    return [Shown(process_text(str(sub_ui.get("ui:title") or sub.get("title") or name)), _text(data[name], sub, sub_ui, names),
                  name in changed)
            for name, sub, sub_ui in fields
            if name in data and not _blank(data[name]) and (sub.get("x-opinion") or not only_opinions)
            and schema_type(sub) is not None]


def raw_values(data: dict) -> list[Shown]:
    """The exact keys and values, as JSON text (never a Python repr)."""
    return [Shown(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str))
            for key, value in sorted(data.items())]


def _event_label(event: AuditEvent, words: Vocabulary) -> str:
    data = event.data
    step = process_text(data.get("task_title")) or words.title(data.get("task_spec"))
    if event.event_type == "timer_fired":
        return _("Đến giờ hẹn: %(timers)s", timers=", ".join(words.title(t) for t in data.get("timers") or []))
    if event.event_type == "service_task_completed":
        operator = words.operators.get(data.get("operator"))
        return _("Bước tự động: %(step)s", step=process_text(operator) if operator else _("thao tác của hệ thống"))
    labels = {
        "instance_started": _("Khởi tạo hồ sơ"),
        "task_completed": _("Hoàn thành: %(step)s", step=step),
        "task_claimed": _("Nhận việc: %(step)s", step=step),
        "task_released": _("Trả lại nhóm: %(step)s", step=step),
        "task_reassigned": _("Giao lại: %(step)s", step=step),
        "task_failed": _("Lỗi khi xử lý: %(step)s", step=step),
        "message_delivered": _("Nhận thông điệp từ bên ngoài"),
        "instance_failed": _("Hồ sơ gặp lỗi"),
        "instance_retried": _("Chạy lại hồ sơ"),
        "incident_opened": _("Sự cố ở bước: %(step)s", step=step),
        "incident_failed_again": _("Sự cố lặp lại ở bước: %(step)s", step=step),
        "incident_retried": _("Chạy lại bước lỗi: %(step)s", step=step),
        "incident_data_edited": _("Sửa dữ liệu và chạy lại: %(step)s", step=step),
        "incident_skipped": _("Bỏ qua bước lỗi: %(step)s", step=step),
        "instance_cancelled": _("Hủy hồ sơ"),
        "instance_replayed": _("Phát lại kiểm chứng"),
        "instance_migrated": _("Chuyển từ phiên bản %(old)s sang phiên bản %(new)s của quy trình",
                               old=data.get("from_version"), new=data.get("to_version")),
        "history_compacted": _("Thu gọn lịch sử xử lý (hồ sơ đã nộp lưu)"),
    }
    return labels.get(event.event_type, _("Sự kiện khác của hồ sơ"))


def readable_history(version: ProcessVersion, events: list[AuditEvent], *, with_raw=False) -> list[ReadableEvent]:
    """The events as people read them, numbered in order; `with_raw` keeps the exact data (auditors)."""
    words, names = vocabulary(version), Names()
    for event in events:
        form = words.forms.get(event.data.get("task_spec"))
        if form is not None and isinstance(event.data.get("data"), dict):
            want_names(names, ordered_properties(form.schema, form.ui_schema), event.data["data"])
    names.load()
    readable = []
    for number, event in enumerate(events, start=1):
        form = words.forms.get(event.data.get("task_spec"))
        data = event.data.get("data") if isinstance(event.data.get("data"), dict) else {}
        fields = ordered_properties(form.schema, form.ui_schema) if form is not None else []
        item = ReadableEvent(number, event, _event_label(event, words), _lane(event.data.get("lane")),
                             shown_values(fields, data, names), shown_values(fields, data, names, only_opinions=True))
        if with_raw:
            item.raw = raw_values(event.data)
        readable.append(item)
    return readable


def _lane(lane) -> str:
    return process_text(lane) if isinstance(lane, str) else ""


def readable_snapshots(version: ProcessVersion, snapshots: list[dict], numbers: dict[int, int], *,
                       with_raw=False) -> list[dict]:
    """The diagram walk's snapshots for the page: the step's number, and the case data under the forms'
    labels (keys no form declares only in the raw view, for auditors)."""
    words, names = vocabulary(version), Names()
    for snapshot in snapshots:
        want_names(names, _declared(words, snapshot["data"]), snapshot["data"])
    names.load()
    shown = []
    for snapshot in snapshots:
        data, changed = snapshot["data"], set(snapshot["changed"])
        item = {key: snapshot[key] for key in ("seq", "completed", "active", "cancelled")}
        item["number"] = numbers.get(snapshot["seq"], snapshot["seq"])
        item["fields"] = [[v.label, v.text, v.changed] for v in shown_values(_declared(words, data), data, names,
                                                                              changed=changed)]
        if with_raw:
            item["raw"] = [[v.label, v.text, v.label in changed] for v in raw_values(data)]
        shown.append(item)
    return shown


def _declared(words: Vocabulary, data: dict) -> list[tuple[str, dict, dict]]:
    """The data's fields some form of the version declares, in the forms' order."""
    return [(name, *words.fields[name]) for name in words.fields if name in data]
