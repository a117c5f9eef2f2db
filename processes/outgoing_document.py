"""Văn bản đi: a specialist drafts; unit head, format checker and signer review; the clerk numbers and releases."""
from app.documents.outgoing.operators import OPERATORS
from app.workflow.registry import ProcessDefinition

DEFINITION = ProcessDefinition(
    process_id="outgoing_document",
    bpmn_file="outgoing_document.bpmn",
    title="Soạn thảo văn bản đi",
    starter_roles=("specialist", "unit_head", "leader"),
    starter_lane="Chuyên viên",
    title_field="subject",
    operators=OPERATORS,
    samples={"outgoing.save_draft": lambda data: {"document_id": 0, "department_id": None,
                                                  "signer": data.get("signer") or "lanhdao"}},
    sample_start={"lane_owners": {"Chuyên viên": ["chuyenvien"]}},
)
