"""Task forms from JSON Schema: loading, field views, parsing posted strings, Vietnamese errors, rendering."""
import json
import re

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from app import PROJECT_ROOT
from app.workflow.form_submission import parse_submission, validate_data
from app.workflow.forms import Choice, FormDefinitionError, TaskForm, load_form, walk_views

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Xử lý văn bản đến",
    "type": "object",
    "required": ["subject", "deadline", "lead", "attachment"],
    "properties": {
        "subject": {"type": "string", "title": "Trích yếu", "minLength": 5, "maxLength": 200},
        "opinion": {"type": "string", "title": "Ý kiến chỉ đạo"},
        "pages": {"type": "integer", "title": "Số trang", "minimum": 1},
        "budget": {"type": "number", "title": "Kinh phí"},
        "deadline": {"type": "string", "format": "date", "title": "Hạn xử lý"},
        "urgency": {"type": "string", "title": "Độ khẩn", "enum": ["thuong", "khan", "hoa_toc"],
                    "enumNames": ["Thường", "Khẩn", "Hỏa tốc"], "default": "thuong"},
        "decision": {"type": "string", "title": "Quyết định",
                     "oneOf": [{"const": "approve", "title": "Đồng ý"}, {"const": "return", "title": "Trả lại"}]},
        "notify": {"type": "boolean", "title": "Báo gấp"},
        "channels": {"type": "array", "title": "Hình thức gửi", "uniqueItems": True,
                     "items": {"type": "string", "enum": ["email", "paper"], "enumNames": ["Thư điện tử", "Bản giấy"]}},
        "lead": {"type": "integer", "title": "Người chủ trì"},
        "lead_department": {"type": "string", "title": "Phòng chủ trì"},
        "supporting": {"type": "array", "title": "Đơn vị phối hợp", "items": {"type": "integer"}},
        "attachment": {"type": "string", "title": "Tệp đính kèm"},
        "document_id": {"type": "integer"},
        "contact": {"type": "object", "title": "Liên hệ", "required": ["phone"],
                    "properties": {"name": {"type": "string", "title": "Họ tên"},
                                   "phone": {"type": "string", "title": "Điện thoại", "pattern": "^[0-9]{9,11}$"}}},
    },
}
UI = {
    "ui:order": ["decision", "subject", "*", "document_id"],
    "opinion": {"ui:widget": "textarea", "ui:help": "Ghi rõ yêu cầu.", "ui:placeholder": "Nhập ý kiến"},
    "decision": {"ui:widget": "radio"},
    "urgency": {"ui:widget": "select"},
    "channels": {"ui:widget": "checkboxes"},
    "lead": {"ui:widget": "user"},
    "lead_department": {"ui:widget": "department"},
    "supporting": {"ui:widget": "agency"},
    "attachment": {"ui:widget": "file"},
    "document_id": {"ui:widget": "hidden"},
}
CHOICES = {"lead": [Choice(7, "Nguyễn Văn A"), Choice(8, "Trần Thị B")], "lead_department": [Choice("vp", "Văn phòng")],
           "supporting": [Choice(1, "Sở Tài chính"), Choice(2, "Sở Nội vụ")]}
VALID_POST = {"subject": "Về việc báo cáo quý I", "opinion": "Dòng 1\r\nDòng 2", "pages": "4.129", "budget": "1,5",
              "deadline": "15/03/2026", "urgency": "khan", "decision": "approve", "notify": "true",
              "channels": ["email", "paper"], "lead": "7", "lead_department": "vp", "supporting": ["1", "2"],
              "document_id": "42", "contact.name": "Lan", "contact.phone": "0912345678"}


def _write(directory, name, content):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), "utf-8")
    return name


@pytest.fixture
def form(tmp_path):
    _write(tmp_path, "forms/incoming/handle.schema.json", SCHEMA)
    _write(tmp_path, "forms/incoming/handle.uischema.json", UI)
    return load_form(tmp_path / "forms", "incoming/handle.schema.json", "incoming/handle.uischema.json")


def _post(overrides=None, drop=()):
    data = {**VALID_POST, **(overrides or {})}
    return MultiDict([(k, v) for k, value in data.items() if k not in drop
                      for v in (value if isinstance(value, list) else [value])])


def test_fields_follow_ui_order_then_schema_order_with_widget_kinds(form):
    views = form.fields()
    assert [v.name for v in views] == ["decision", "subject", "opinion", "pages", "budget", "deadline", "urgency",
                                       "notify", "channels", "lead", "lead_department", "supporting", "attachment",
                                       "contact", "document_id"]
    kinds = {v.name: v.widget for v in views}
    assert kinds == {"decision": "radio", "subject": "text", "opinion": "textarea", "pages": "integer",
                     "budget": "number", "deadline": "date", "urgency": "select", "notify": "checkbox",
                     "channels": "multiselect", "lead": "user", "lead_department": "department",
                     "supporting": "agency", "attachment": "file", "contact": "group", "document_id": "hidden"}
    by_name = {v.name: v for v in views}
    assert by_name["urgency"].options == [("thuong", "Thường"), ("khan", "Khẩn"), ("hoa_toc", "Hỏa tốc")]
    assert by_name["urgency"].value == "thuong"  # the schema default preselects
    assert by_name["decision"].options == [("approve", "Đồng ý"), ("return", "Trả lại")]
    assert by_name["subject"].required and not by_name["opinion"].required
    assert by_name["opinion"].help == "Ghi rõ yêu cầu." and by_name["opinion"].placeholder == "Nhập ý kiến"
    assert by_name["deadline"].placeholder == "dd/mm/yyyy"
    assert [c.name for c in by_name["contact"].children] == ["contact.name", "contact.phone"]
    assert form.file_fields == ("attachment",) and by_name["attachment"].required
    assert form.name == "incoming/handle"


def test_every_widget_round_trips_to_typed_json(form):
    data, errors = parse_submission(form, _post(), CHOICES)
    assert errors == {}
    assert data == {"decision": "approve", "subject": "Về việc báo cáo quý I", "opinion": "Dòng 1\nDòng 2",
                    "pages": 4129, "budget": 1.5, "deadline": "2026-03-15", "urgency": "khan", "notify": True,
                    "channels": ["email", "paper"], "lead": 7, "lead_department": "vp", "supporting": [1, 2],
                    "contact": {"name": "Lan", "phone": "0912345678"}, "document_id": 42}
    assert validate_data(form, data, CHOICES) == {}
    views = {v.name: v for v in form.fields(data, {}, CHOICES)}
    assert views["deadline"].display == "15/03/2026"
    assert views["lead"].options == [("7", "Nguyễn Văn A"), ("8", "Trần Thị B")] and views["lead"].selected("7")
    assert views["supporting"].selected("1") and views["supporting"].selected("2")


def test_iso_dates_are_accepted_and_empty_values_are_absent(form):
    post = _post({"deadline": "2026-03-15", "opinion": "  ", "pages": "", "channels": [], "supporting": []},
                 drop=("notify", "contact.name"))
    data, errors = parse_submission(form, post, CHOICES)
    assert errors == {}
    assert data["deadline"] == "2026-03-15" and data["notify"] is False and data["contact"] == {"phone": "0912345678"}
    assert not {"opinion", "pages", "channels", "supporting"} & data.keys()


def test_vietnamese_errors_and_values_kept_for_redisplay(form):
    post = _post({"subject": "Ngắn", "deadline": "31/02/2026", "pages": "abc", "budget": "1,2,3",
                  "urgency": "mat", "contact.phone": "12"}, drop=("lead",))
    data, errors = parse_submission(form, post, CHOICES)
    assert errors == {"subject": "Tối thiểu 5 ký tự.", "deadline": "Ngày không hợp lệ (dd/mm/yyyy).",
                      "pages": "Giá trị phải là số nguyên.", "budget": "Giá trị phải là số.",
                      "urgency": "Giá trị không nằm trong danh sách cho phép.", "lead": "Trường này bắt buộc.",
                      "contact.phone": "Giá trị không đúng định dạng yêu cầu."}
    views = {v.name: v for v in form.fields(data, errors, CHOICES)}
    assert views["deadline"].display == "31/02/2026" and views["pages"].display == "abc"
    assert views["subject"].value == "Ngắn" and views["urgency"].selected("mat")
    assert views["deadline"].error == "Ngày không hợp lệ (dd/mm/yyyy)."
    assert views["contact"].children[1].error == "Giá trị không đúng định dạng yêu cầu."


def test_json_api_errors_are_the_same_vietnamese_messages(form):
    errors = validate_data(form, {"subject": 12, "deadline": "2026-02-31", "lead": 7, "pages": 0,
                                  "channels": ["email", "email"], "contact": {}}, CHOICES)
    assert errors == {"subject": "Giá trị phải là văn bản.", "deadline": "Ngày không hợp lệ (dd/mm/yyyy).",
                      "pages": "Giá trị phải lớn hơn hoặc bằng 1.", "channels": "Các mục không được trùng nhau.",
                      "contact.phone": "Trường này bắt buộc."}
    assert "__form__" in validate_data(form, ["not", "an", "object"])


def test_picker_values_outside_the_offered_choices_are_refused(form):
    _data, errors = parse_submission(form, _post({"lead": "99", "supporting": ["1", "5"]}), CHOICES)
    assert errors == {"lead": "Lựa chọn không hợp lệ.", "supporting": "Lựa chọn không hợp lệ."}
    _data, errors = parse_submission(form, _post(), {})  # nothing offered, nothing accepted
    assert errors["lead_department"] == "Lựa chọn không hợp lệ."
    assert validate_data(form, {"subject": "Về việc A", "deadline": "2026-03-01", "lead": 9}, CHOICES) == {
        "lead": "Lựa chọn không hợp lệ."}


def test_numbers_and_dates_in_vietnamese_notation(form):
    data, errors = parse_submission(form, _post({"pages": "12", "budget": "2.5", "deadline": "1/3/2026"}), CHOICES)
    assert errors == {} and (data["pages"], data["budget"], data["deadline"]) == (12, 2.5, "2026-03-01")
    _data, errors = parse_submission(form, _post({"pages": "1,5"}), CHOICES)
    assert errors == {"pages": "Giá trị phải là số nguyên."}


def test_refuses_invalid_schema_bad_json_unknown_widget_and_paths_outside(tmp_path):
    forms = tmp_path / "forms"
    _write(forms, "bad.schema.json", {"type": "object", "properties": {"a": {"type": "strng"}}})
    with pytest.raises(FormDefinitionError, match=r"bad\.schema\.json không phải JSON Schema hợp lệ"):
        load_form(forms, "bad.schema.json", None)
    _write(forms, "broken.schema.json", "{ not json")
    with pytest.raises(FormDefinitionError, match=r"broken\.schema\.json không phải JSON hợp lệ \(dòng 1"):
        load_form(forms, "broken.schema.json", None)
    _write(tmp_path, "secret.schema.json", SCHEMA)
    with pytest.raises(FormDefinitionError, match="nằm ngoài thư mục biểu mẫu"):
        load_form(forms, "../secret.schema.json", None)
    with pytest.raises(FormDefinitionError, match="nằm ngoài thư mục biểu mẫu"):
        load_form(forms, str(tmp_path / "secret.schema.json"), None)
    _write(forms, "ok.schema.json", SCHEMA)
    with pytest.raises(FormDefinitionError, match="nằm ngoài thư mục biểu mẫu"):
        load_form(forms, "ok.schema.json", "../secret.schema.json")
    with pytest.raises(FormDefinitionError, match="Không tìm thấy tệp biểu mẫu missing.json"):
        load_form(forms, "missing.json", None)
    _write(forms, "odd.uischema.json", {"subject": {"ui:widget": "colour"}})
    with pytest.raises(FormDefinitionError, match="trường subject: không hỗ trợ ui:widget"):
        load_form(forms, "ok.schema.json", "odd.uischema.json")
    _write(forms, "order.uischema.json", {"ui:order": ["nope", "*"]})
    with pytest.raises(FormDefinitionError, match="ui:order nêu trường không có: nope"):
        load_form(forms, "ok.schema.json", "order.uischema.json")
    _write(forms, "rows.schema.json", {"type": "object", "properties": {
        "rows": {"type": "array", "items": {"type": "object", "properties": {}}}}})
    with pytest.raises(FormDefinitionError, match="trường rows: danh sách phải có items là kiểu đơn giản"):
        load_form(forms, "rows.schema.json", None)


def test_draft7_schemas_are_accepted(tmp_path):
    _write(tmp_path, "d7.schema.json", {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                                        "required": ["day"],
                                        "properties": {"day": {"type": "string", "format": "date"}}})
    form = load_form(tmp_path, "d7.schema.json", None)
    assert parse_submission(form, MultiDict({"day": "30/02/2026"}))[1] == {"day": "Ngày không hợp lệ (dd/mm/yyyy)."}
    assert parse_submission(form, MultiDict({"day": ""}))[1] == {"day": "Trường này bắt buộc."}


@pytest.fixture(scope="module")
def app():
    """Only the templates and Babel: the macro must not depend on the rest of the application."""
    application = Flask("forms_test", template_folder=str(PROJECT_ROOT / "app" / "templates"))
    application.config["BABEL_DEFAULT_LOCALE"] = "vi"  # as in the application: English only when chosen
    Babel(application)
    return application


def _render(app, views):
    with app.test_request_context():
        return render_template_string(
            '{% from "workflow/_task_form.html" import task_form_fields %}{{ task_form_fields(fields) }}',
            fields=views)


def test_macro_renders_accessible_bootstrap_fields(app, form):
    data, errors = parse_submission(form, _post({"deadline": "31/02/2026", "subject": "<b>x"}), CHOICES)
    html = _render(app, form.fields(data, errors, CHOICES))
    subject = re.search(r'<input[^>]*id="f-subject"[^>]*>', html).group(0)
    assert '<label for="f-subject" class="form-label">Trích yếu <span class="text-danger" aria-hidden="true">*' in html
    assert 'is-invalid' in subject and 'aria-invalid="true"' in subject and 'aria-required="true"' in subject
    assert 'aria-describedby="f-subject-error"' in subject and 'value="&lt;b&gt;x"' in subject
    assert '<div id="f-subject-error" class="invalid-feedback d-block">Tối thiểu 5 ký tự.</div>' in html
    deadline = re.search(r'<input[^>]*id="f-deadline"[^>]*>', html).group(0)
    assert 'type="text"' in deadline and 'inputmode="numeric"' in deadline
    assert 'placeholder="dd/mm/yyyy"' in deadline and 'value="31/02/2026"' in deadline
    assert re.search(r'<textarea[^>]*rows="4"[^>]*aria-describedby="f-opinion-help"', html)
    assert '<div id="f-opinion-help" class="form-text">Ghi rõ yêu cầu.</div>' in html
    assert re.search(r'<fieldset class="mb-3" id="f-decision" data-field="decision" data-label="Quyết định">\s*<legend class="form-label fs-6">Quyết định</legend>',
                     html)
    assert re.search(r'type="radio"\s+id="f-decision-1" name="decision" value="approve" checked>', html)
    assert '<label class="form-check-label" for="f-channels-2">Bản giấy</label>' in html
    assert 'type="checkbox" value="true" id="f-notify" name="notify" checked>' in html
    assert '<select class="form-select" data-picker id="f-lead" name="lead" aria-required="true">' in html
    assert '<option value="7" selected>Nguyễn Văn A</option>' in html
    assert 'type="file" class="form-control" accept="application/pdf" id="f-attachment" name="attachment"' in html
    assert '<input type="hidden" name="document_id" value="42">' in html
    assert 'name="contact.phone"' in html and '<legend class="fs-6 fw-semibold">Liên hệ</legend>' in html


def test_select_offers_a_blank_choice_unless_required_with_default(app, tmp_path):
    schema = {"type": "object", "required": ["kind"], "properties": {
        "kind": {"type": "string", "enum": ["a", "b"], "default": "a"},
        "other": {"type": "string", "enum": ["a", "b"], "default": "a"}}}
    _write(tmp_path, "s.schema.json", schema)
    html = _render(app, load_form(tmp_path, "s.schema.json", None).fields())
    kind, other = html.split('id="f-other"')
    assert "— Chọn —" not in kind and "— Chọn —" in other
    assert '<option value="a" selected>' in kind


def test_file_fields_read_without_views_name_what_the_views_name():
    schema = {"type": "object", "properties": {
        "scan": {"type": "string"}, "note": {"type": "string"},
        "annex": {"type": "object", "properties": {"copy": {"type": "string"}, "page": {"type": "string",
                                                                                     "format": "data-url"}}}}}
    ui = {"ui:order": ["annex", "*"], "scan": {"ui:widget": "file"}, "annex": {"copy": {"ui:widget": "file"}}}
    form = TaskForm(schema, ui, "annexes")
    assert form.file_fields == ("annex.copy", "annex.page", "scan")
    assert list(form.file_fields) == [view.name for view in walk_views(form.fields()) if view.widget == "file"]


def test_checked_fields_name_the_pickers_and_dates_the_views_name():
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"], "reply_by": {"type": "string", "format": "date",
                                                                            "x-notInPast": True}}}
    schema["properties"]["contact"] = {**schema["properties"]["contact"], "properties": {
        **schema["properties"]["contact"]["properties"], "owner": {"type": "integer"}}}
    form = TaskForm(schema, {**UI, "contact": {"owner": {"ui:widget": "user"}}}, "checked")
    assert form.checked_fields == tuple((view.name, view.widget in ("user", "department", "agency"), view.not_in_past)
                                        for view in walk_views(form.fields()))
    assert [name for name, picker, _late in form.checked_fields if picker] == [
        "lead", "lead_department", "supporting", "contact.owner"]
    assert [name for name, _picker, late in form.checked_fields if late] == ["reply_by"]


def test_a_required_choice_whose_value_is_empty_is_a_choice_not_a_gap():
    from app.workflow.forms import TaskForm

    form = TaskForm({"type": "object", "required": ["authority"], "properties": {"authority": {
        "type": "string", "enum": ["", "TL."], "enumNames": ["Ký trực tiếp", "Thừa lệnh"]}}}, {}, "sign")
    assert parse_submission(form, MultiDict({"authority": ""})) == ({"authority": ""}, {})
    data, errors = parse_submission(form, MultiDict())
    assert data == {} and "authority" in errors  # nothing posted at all is still missing


def test_error_summary_follows_the_form_and_puts_whole_answer_errors_first():
    from app.workflow.forms import TaskForm, error_summary

    schema = {"type": "object", "properties": {
        "decision": {"type": "string", "title": "Quyết định", "enum": ["a", "b"]},
        "note": {"type": "string", "title": "Ghi chú"},
        "carried": {"type": "string", "title": "Mang theo"}}}
    ui = {"decision": {"ui:widget": "radio"}, "carried": {"ui:widget": "hidden"}}
    errors = {"note": "N", "carried": "C", "decision": "D", "__form__": "F"}
    summary = error_summary(TaskForm(schema, ui, "t").fields({}, errors), errors)
    assert [(e.label, e.message, e.target) for e in summary] == [
        ("", "F", None), ("Quyết định", "D", "f-decision-1"), ("Ghi chú", "N", "f-note"), ("Mang theo", "C", None)]


def test_conditions_on_one_field_are_told_to_the_browser_others_are_left_to_the_server():
    from app.workflow.forms import TaskForm

    schema = {"type": "object", "properties": {
        "authority": {"type": "string", "enum": ["", "KT."]}, "of": {"type": "string"},
        "a": {"type": "boolean"}, "b": {"type": "string"}, "c": {"type": "string"}},
        "if": {"properties": {"authority": {"enum": ["KT."]}}, "required": ["authority"]},
        "then": {"required": ["of"], "properties": {"of": {"minLength": 2}}},
        "allOf": [{"if": {"properties": {"a": {"const": True}}}, "then": {"required": ["b"]}},
                  {"if": {"properties": {"a": {"const": True}, "b": {"const": "x"}}}, "then": {"required": ["c"]}}]}
    views = {v.name: v for v in TaskForm(schema, {}, "t").fields()}
    assert views["of"].required_if == {"name": "authority", "values": ["KT."], "min": 2}
    assert views["b"].required_if == {"name": "a", "values": ["true"], "min": None}
    assert views["c"].required_if is None and views["authority"].required_if is None
