"""Văn bản đến: every incoming document runs this process, started by documents.receive_document."""
from app.documents.incoming_steps import OPERATORS
from app.workflow.registry import ProcessDefinition

DEFINITION = ProcessDefinition(
    process_id="incoming_document",
    bpmn_file="incoming_document.bpmn",
    title="Xử lý văn bản đến",
    # Nobody starts it by hand: the document's arrival (receive_document) does.
    starter_roles=(),
    operators=OPERATORS,
)
