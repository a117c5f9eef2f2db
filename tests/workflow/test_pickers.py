"""Pickers in task forms: people grouped by department and tagged with it, agencies by kind; the plain
select (what a browser without JavaScript uses) carries the groups, static/pickers.js the rest."""
from app.workflow.forms import Choice, FieldView
from app.workflow.task_pages import _load_choices


def _render(app, view: FieldView) -> str:
    with app.test_request_context():
        macro = app.jinja_env.get_template("workflow/_task_form.html").module.task_form_fields
        return str(macro([view]))


def test_people_are_grouped_by_department_in_vietnamese_order_and_tagged_with_it(make, db):
    agency = make.agency()
    office = make.department(agency=agency, name="Văn phòng")
    finance = make.department(agency=agency, name="Phòng Cải cách hành chính")
    actor = make.user(agency=agency, full_name="Vũ Văn Vĩnh", department_id=office.id)
    make.user(agency=agency, full_name="Đặng Thị Đào", department_id=office.id)
    make.user(agency=agency, full_name="Bùi Văn Bình", department_id=finance.id)
    make.user(agency=agency, full_name="An Văn Không", job_title="")
    make.user(full_name="Người Cơ Quan Khác")
    people = _load_choices("user", {}, actor)
    assert [(c.label.split(" — ")[0], c.group) for c in people] == [
        ("Bùi Văn Bình", "Phòng Cải cách hành chính"), ("Đặng Thị Đào", "Văn phòng"), ("Vũ Văn Vĩnh", "Văn phòng"),
        ("An Văn Không", "Không thuộc phòng ban")]
    assert [c.unit for c in people] == [str(finance.id), str(office.id), str(office.id), ""]
    assert people[-1].label == "An Văn Không"  # no dangling dash without a job title


def test_agencies_are_grouped_by_kind(make, db):
    actor = make.user()
    make.agency(name="UBND xã Thử", kind="commune")
    make.agency(name="Sở Thử", kind="department")
    make.agency(name="UBND huyện Thử", kind="district")
    groups = [c.group for c in _load_choices("agency", {}, actor) if c.label.endswith("Thử")]
    assert groups == ["Sở, ban, ngành", "UBND huyện, thị xã, thành phố", "UBND xã, phường, thị trấn"]


def test_select_has_optgroups_units_and_the_field_it_follows(app):
    choices = [Choice("lan", "Đỗ Thị Lan", "Phòng Tổ chức", "3"), Choice("hung", "Vũ Văn Hùng", "Phòng Tổ chức", "3"),
               Choice("an", "An Văn Không", "Không thuộc phòng ban", "")]
    view = FieldView(name="lead_user", label="Người chủ trì", widget="user", value="hung",
                     picker_options={"unitField": "lead_department_id"})
    view.options = [(c.value, c.label) for c in choices]
    view.option_places = {c.value: (c.group, c.unit) for c in choices}
    html = _render(app, view)
    assert 'data-picker' in html and 'data-unit-field="f-lead_department_id"' in html
    assert html.count("<optgroup") == 2
    first, second = html.index('<optgroup label="Phòng Tổ chức">'), html.index('<optgroup label="Không thuộc phòng ban">')
    assert first < html.index('value="lan"') < html.index('value="hung"') < second < html.index('value="an"')
    assert 'value="hung" selected data-unit="3"' in html and 'value="an">' in html


def test_select_without_groups_has_no_optgroup(app):
    view = FieldView(name="lead_department_id", label="Đơn vị chủ trì", widget="department")
    view.options = [("1", "Phòng A"), ("2", "Phòng B")]
    html = _render(app, view)
    assert "<optgroup" not in html and "data-unit-field" not in html and html.count("<option") == 3
