"""A refused answer comes back with a summary at the top of the form that links to each field, in Vietnamese."""
import html
import json
import re

from sqlalchemy import select

from app.workflow.models import HumanTask


def _receive_task(office, bring_in, db):
    document = bring_in(office, origin="internal", actor=None).document
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()


def test_refusing_without_a_reason_lists_the_reason_in_the_summary(office, bring_in, login, post_form, db):
    row = _receive_task(office, bring_in, db)
    login(office.clerk)
    url = f"/cong-viec/{row.task_uuid}"
    refused = post_form(url, data={"receive_decision": "refuse", "refusal_reason": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    summary = page[page.index("data-error-summary"):page.index("</ul>", page.index("data-error-summary"))]
    assert 'href="#f-refusal_reason">Lý do từ chối: Trường này bắt buộc.</a>' in summary
    assert "required" not in summary.replace("data-error-summary", "")
    # The summary sits at the top of the form, before the first field.
    assert page.index('id="task-form"') < page.index("data-error-summary") < page.index('id="f-receive_decision"')


def test_a_choice_error_links_to_its_first_option(office, bring_in, login, post_form, db):
    row = _receive_task(office, bring_in, db)
    login(office.clerk)
    page = post_form(f"/cong-viec/{row.task_uuid}", data={"receive_decision": "maybe"}).get_data(as_text=True)
    assert 'href="#f-receive_decision-1">Quyết định: Giá trị không nằm trong danh sách cho phép.</a>' in page


def test_fields_say_when_the_browser_must_ask_for_them_before_confirming(office, bring_in, login, client, db):
    row = _receive_task(office, bring_in, db)
    login(office.clerk)
    page = client.get(f"/cong-viec/{row.task_uuid}").get_data(as_text=True)
    decision = re.search(r'<fieldset[^>]*data-field="receive_decision"[^>]*>', page).group(0)
    assert "data-required" in decision
    reason = re.search(r'<div[^>]*data-field="refusal_reason"[^>]*>', page).group(0)
    rule = json.loads(html.unescape(re.search(r"data-required-if='([^']*)'", reason).group(1)))
    assert rule == {"name": "receive_decision", "values": ["refuse"], "min": 5}
    assert 'data-min-message="Tối thiểu 5 ký tự."' in reason and "data-required " not in reason
    assert 'data-msg-required="Trường này bắt buộc."' in page
