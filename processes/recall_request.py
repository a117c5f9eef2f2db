"""Thu hồi: the recipient's clerk answers a sender's request to recall a delivered document."""
from app.documents.models import RECALL_AGREED, RECALL_REFUSED
from app.documents.recall import decide_recall
from app.workflow.registry import ProcessDefinition

DEFINITION = ProcessDefinition(
    process_id="recall_request",
    bpmn_file="recall_request.bpmn",
    title="Xử lý yêu cầu thu hồi văn bản",
    starter_roles=(),  # started by the sender's recall, never by hand
    operators={"documents.decide_recall": decide_recall},
    # The sender hears the answer to its recall: 15 agreed, 16 refused with the reason.
    status_milestones=(RECALL_AGREED, RECALL_REFUSED),
)
