"""Giao việc: a leader or unit head assigns work; the assignee reports or asks for more time."""
from app.directory.roles import LEADER, UNIT_HEAD
from app.workflow.registry import ProcessDefinition

DEFINITION = ProcessDefinition(
    process_id="assign_work",
    bpmn_file="assign_work.bpmn",
    title="Giao việc",
    starter_roles=(LEADER, UNIT_HEAD),
    starter_lane="Lãnh đạo",
    title_field="work_title",
)
