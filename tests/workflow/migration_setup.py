"""Two published versions of Giao việc for migration tests: the shipped one and an edited one."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.vietnam_time import vietnam_today
from app.workflow.deployment import check_process, deploy
from app.workflow.forms import FormFiles
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task, start_instance

from ..designer import bpmn_edits

DUE = (vietnam_today() + timedelta(days=5)).isoformat()


def publish_edit(process_id: str, edit) -> object:
    """Deploy `edit(xml of the version in use)` as the next version (as a designer's publish does)."""
    from app.workflow.deployment import latest_version
    current = latest_version(process_id)
    xml = edit(current.bpmn_xml)
    candidate, problems = check_process(catalogue().processes[process_id], xml.encode(),
                                        FormFiles(current_app.config["FORMS_DIR"], dict(current.forms)),
                                        catalogue().operators)
    assert problems == [], [str(p) for p in problems]
    return deploy(candidate, note="test", source="designer")


def rename(xml: str, old_id: str, new_id: str) -> str:
    """Give a step a new id (its flows, lane and boundary events follow)."""
    root = bpmn_edits.parse(xml)
    for element in root.iter():
        for attribute in ("id", "sourceRef", "targetRef", "attachedToRef"):
            if element.get(attribute) == old_id:
                element.set(attribute, new_id)
        if element.text == old_id and element.tag.endswith(("flowNodeRef",)):
            element.text = new_id
    return bpmn_edits.text(root)


def remove_boundary(xml: str, event_id: str) -> str:
    root = bpmn_edits.parse(xml)
    event = root.find(f".//*[@id='{event_id}']")
    gone, frontier = {event_id}, [event_id]
    flows = list(root.iter(bpmn_edits._q("sequenceFlow")))
    while frontier:  # the branch behind the event (a script, an end event) goes with it
        source = frontier.pop()
        for flow in flows:
            if flow.get("sourceRef") == source and flow.get("targetRef") not in gone:
                gone.add(flow.get("targetRef"))
                frontier.append(flow.get("targetRef"))
    for element in list(root.iter()):
        if element.get("id") in gone or element.get("sourceRef") in gone or (
                element.tag == bpmn_edits._q("flowNodeRef") and element.text in gone):
            element.getparent().remove(element)
    del event
    return bpmn_edits.text(root)


def task_of(db, instance_id, spec_id=None):
    statement = select(HumanTask).where(HumanTask.instance_id == instance_id)
    if spec_id:
        statement = statement.where(HumanTask.spec_id == spec_id)
    return db.session.scalars(statement).one()


def case_at_report(db, leader, specialist):
    instance = start_instance("assign_work", actor=leader)
    complete_task(task_of(db, instance.id).task_uuid, {"work_title": "Báo cáo quý", "description": "Chi tiết",
                                                       "assignee": specialist.username, "due_date": DUE}, actor=leader)
    return instance
