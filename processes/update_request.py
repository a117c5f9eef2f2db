"""Cập nhật: the recipient's clerk answers a sender's update of a document received from another system."""
from app.documents.models import RECALL_AGREED, RECALL_REFUSED
from app.documents.update import decide_update
from app.workflow.registry import ProcessDefinition

DEFINITION = ProcessDefinition(
    process_id="update_request",
    bpmn_file="update_request.bpmn",
    title="Xử lý đề nghị cập nhật văn bản",
    starter_roles=(),  # started by the sender's update package, never by hand
    operators={"documents.decide_update": decide_update},
    # The sender hears the answer to its update: 15 agreed, 16 refused with the reason.
    status_milestones=(RECALL_AGREED, RECALL_REFUSED),
)
