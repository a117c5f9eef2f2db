"""Văn bản đến: every incoming document runs this process, started by documents.receive_document."""
from app.documents.incoming_steps import OPERATORS
from app.documents.models import ACCEPTED, ASSIGNED, COMPLETED, IN_PROGRESS, RECEIVED, REFUSED
from app.workflow.registry import ProcessDefinition

# Test-run answers of the service tasks whose results the scripts read.
SAMPLES = {
    "documents.register": lambda data: {"arrival_number": 1, "book": "DEN", "due_date": data.get("due_date")},
    "documents.assign": lambda data: {"support_department_ids": list(data.get("support_department_ids") or []),
                                      "lead_user": data.get("lead_user") or None},
    "documents.decide_extension": lambda data: {
        "due_date": data.get("new_due_date") if data.get("extension_granted") else data.get("due_date")},
}

DEFINITION = ProcessDefinition(
    process_id="incoming_document",
    bpmn_file="incoming_document.bpmn",
    title="Xử lý văn bản đến",
    # Nobody starts it by hand: the document's arrival (receive_document) does.
    starter_roles=(),
    operators=OPERATORS,
    # A document received from another system tells its sender each of these (02 with the reason).
    status_milestones=(RECEIVED, REFUSED, ACCEPTED, ASSIGNED, IN_PROGRESS, COMPLETED),
    samples=SAMPLES,
    sample_start={"document_id": 0, "origin": "paper", "secrecy": 0, "urgency": 0, "subject_type": "document",
                  "subject_id": 0},
)
