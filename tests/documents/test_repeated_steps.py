"""A step that runs again (a loop in bpmn/) starts clean and shows its earlier rounds read-only above the form."""
import re
from datetime import timedelta

from sqlalchemy import select

from app.vietnam_time import vietnam_today
from app.workflow.forms import TaskForm, load_form
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task
from app.workflow.task_rounds import form_values


def _only(db, document, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def _handling(office, bring_in, db):
    document = bring_in(office).document
    unit, _head, specialist = office.units[0]
    complete_task(_only(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(_only(db, document, "assign").task_uuid,
                  {"lead_department_id": unit.id, "lead_user": specialist.username,
                   "due_date": (vietnam_today() + timedelta(days=5)).isoformat()}, actor=office.leader)
    return document, specialist


def test_a_refused_extension_is_not_offered_again(office, bring_in, login, post_form, client, db):
    document, specialist = _handling(office, bring_in, db)
    login(specialist)
    asked = (vietnam_today() + timedelta(days=20))
    first = f"/cong-viec/{_only(db, document, 'handle').task_uuid}"
    page = client.get(first).get_data(as_text=True)
    assert "Các lần trước của bước này" not in page
    sent = post_form(first, data={"handling_action": "extension", "handling_note": "Cần thêm số liệu quý IV",
                                  "requested_due_date": asked.strftime("%d/%m/%Y")})
    assert sent.status_code == 302
    complete_task(_only(db, document, "decide_extension").task_uuid,
                  {"extension_granted": False, "extension_comment": "Không gia hạn"}, actor=office.leader)

    again = f"/cong-viec/{_only(db, document, 'handle').task_uuid}"
    page = client.get(again).get_data(as_text=True)
    form = page[page.index('id="task-form"'):page.index("</form>", page.index('id="task-form"'))]
    assert "checked" not in form and asked.strftime("%d/%m/%Y") not in form
    assert "Cần thêm số liệu" not in form
    assert re.search(r'<textarea[^>]*id="f-handling_note"[^>]*></textarea>', form)
    rounds = page[page.index("Các lần trước của bước này"):page.index('id="task-form"')]
    assert "Lần 1" in rounds and specialist.full_name in rounds
    assert "<dt class=\"col-sm-4\">Thao tác</dt><dd class=\"col-sm-8 mb-1 keep-lines\">Xin gia hạn</dd>" in rounds
    assert "Cần thêm số liệu quý IV" in rounds and asked.strftime("%d/%m/%Y") in rounds
    assert "extension" not in rounds  # the choice's label, never its value

    # A note recorded twice in a row shows both rounds, oldest first; each new round still starts clean.
    post_form(again, data={"handling_action": "progress", "handling_note": "Đã xin số liệu Phòng Tài chính"})
    third = client.get(f"/cong-viec/{_only(db, document, 'handle').task_uuid}").get_data(as_text=True)
    rounds = third[third.index("Các lần trước của bước này"):third.index('id="task-form"')]
    assert rounds.index("Lần 1") < rounds.index("Cần thêm số liệu") < rounds.index("Lần 2") \
        < rounds.index("Đã xin số liệu")
    assert "Đã xin số liệu" not in third[third.index('id="task-form"'):]


def test_fields_other_steps_filled_are_still_offered(office, bring_in, login, client, db):
    document, specialist = _handling(office, bring_in, db)
    complete_task(_only(db, document, "handle").task_uuid,
                  {"handling_action": "return", "handling_note": "Không thuộc chức năng phòng"}, actor=specialist)
    login(office.leader)
    page = client.get(f"/cong-viec/{_only(db, document, 'reassign').task_uuid}").get_data(as_text=True)
    due = (vietnam_today() + timedelta(days=5)).strftime("%d/%m/%Y")
    assert re.search(rf'value="{due}"[^>]*id="f-due_date"', page)  # the assignment's deadline, a different step
    assert "Các lần trước của bước này" not in page


class _Completed:
    event_type, subject_type = "task_completed", "task"

    def __init__(self, answer):
        self.data = {"data": answer}


def test_a_form_may_keep_its_previous_answer_by_schema_or_field(app):
    with app.test_request_context():
        draft = load_form(app.config["FORMS_DIR"], "outgoing_document/draft.schema.json",
                          "outgoing_document/draft.uischema.json")
    data = {"subject": "V/v cũ", "body": "Nội dung", "other": 1}
    assert form_values(draft, data, [_Completed({"subject": "V/v cũ", "body": "Nội dung"})]) == data

    schema = {"type": "object", "properties": {"note": {"type": "string"}, "kept": {"type": "string",
              "x-keepPreviousAnswer": True}, "carried": {"type": "string"}}}
    form = TaskForm(schema, {"carried": {"ui:widget": "hidden"}}, "t")
    data = {"note": "a", "kept": "b", "carried": "c", "from_elsewhere": "d"}
    answered = [_Completed({"note": "a", "kept": "b", "carried": "c"})]
    assert form_values(form, data, answered) == {"kept": "b", "carried": "c", "from_elsewhere": "d"}
    assert form_values(form, data, []) == data
