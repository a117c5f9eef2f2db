"""Văn bản đi: a specialist drafts; unit head, format checker and signer review; the clerk numbers and releases."""
from app.documents.outgoing.discard import check_discard
from app.documents.outgoing.operators import OPERATORS
from app.workflow.registry import ProcessDefinition, Withdrawal

DEFINITION = ProcessDefinition(
    process_id="outgoing_document",
    bpmn_file="outgoing_document.bpmn",
    title="Soạn thảo văn bản đi",
    starter_roles=("specialist", "unit_head", "leader"),
    starter_lane="Chuyên viên",
    title_field="subject",
    operators=OPERATORS,
    samples={"outgoing.save_draft": lambda data: {"document_id": 0, "department_id": None,
                                                  "signer": data.get("signer") or "lanhdao",
                                                  "secrecy": int(data.get("secrecy") or 0),
                                                  "external": bool(data.get("external_recipients"))}},
    sample_start={"lane_owners": {"Chuyên viên": ["chuyenvien"]}},
    # The author may give up a draft while it waits for them (new or returned), never once numbered.
    withdrawal=Withdrawal(tasks=("draft",), label="Hủy dự thảo",
                          confirm="Hủy dự thảo này? Dự thảo bị bỏ, không trình duyệt tiếp và không thể hoàn tác.",
                          check=check_discard),
)
