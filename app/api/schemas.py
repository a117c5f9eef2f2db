"""The API's bodies, declared once: pydantic checks what comes in and the OpenAPI document is derived from them.

Request models refuse unknown keys; response models do too, so the fuzz run (tests/api/test_fuzz.py) notices
a serializer that grew a field the document does not name. Times are ISO 8601 strings as the views write them.
"""
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.web.routing import MAX_ID

MAX_PAGE_SIZE = 100


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests -------------------------------------------------------------------------------------------


class LoginBody(Strict):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class RecallBody(Strict):
    reason: str = Field(max_length=2000)


class UpdateBody(Strict):
    reason: str = Field(max_length=2000, description="lý do cập nhật, nơi nhận thấy lý do này")


class PrepareSigningBody(Strict):
    certificate: str = Field(description="base64 DER")
    chain: list[str] = Field(default_factory=list, description="base64 DER, từ chứng thư trung gian đến gốc")
    data: dict[str, Any] = Field(default_factory=dict, description="dữ liệu biểu mẫu của bước ký")


class FinishSigningBody(Strict):
    signature: str = Field(description="base64: RSA PKCS#1 v1.5 hoặc ECDSA trên signed_attributes")


class PageQuery(BaseModel):
    # Query strings carry whatever a link adds (utm, cache busters): unknown keys are ignored, not refused.
    page: int = Field(1, ge=1, le=MAX_ID)
    per_page: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class DocumentQuery(PageQuery):
    q: str = Field("", max_length=200)
    from_: str = Field("", alias="from", description="dd/mm/yyyy hoặc yyyy-mm-dd")
    to: str = Field("", description="dd/mm/yyyy hoặc yyyy-mm-dd")
    status: str = ""
    urgency: str = ""
    overdue: str = ""
    sort: str = ""
    dir: str = ""


class OutgoingQuery(PageQuery):
    q: str = Field("", max_length=200)
    drafts: Literal["", "0", "1"] = ""


# --- responses ------------------------------------------------------------------------------------------


class Health(Strict):
    status: Literal["ok", "error"]
    database: Literal["ok", "unreachable"]


class AgencyOut(Strict):
    id: int
    code: str
    name: str
    short_name: str | None
    kind: str | None


class DepartmentRef(Strict):
    id: int
    name: str
    abbreviation: str | None


class DepartmentOut(DepartmentRef):
    agency: AgencyOut
    active: bool


class UserOut(Strict):
    id: int
    username: str
    full_name: str
    job_title: str | None
    roles: list[str]
    active: bool
    province_wide: bool
    agency: AgencyOut
    department: DepartmentRef | None


class LoginAnswer(Strict):
    token: str
    token_type: Literal["Bearer"]
    expires_at: str
    user: UserOut


class Issuer(Strict):
    code: str | None
    name: str | None


class Status(Strict):
    code: str | None
    label: str


class FileOut(Strict):
    id: int
    role: str
    name: str
    size: int
    sha256: str
    # The PDF carries scripts or automatic actions (JavaScript, OpenAction, AA, Launch): served only as a download.
    active_content: bool


class StatusStep(Strict):
    code: str
    at: str
    note: str | None
    actor: str | None


class DocumentOut(Strict):
    id: int
    direction: str
    doc_type: str | None
    number: str | None
    notation: str | None
    symbol: str | None
    issuer: Issuer
    document_date: str
    subject: str
    urgency: int
    secrecy: int
    received_at: str
    arrival_number: int | None
    arrival_year: int | None
    book: str | None
    due_date: str | None
    status: Status


class DocumentFull(DocumentOut):
    page_count: int | None
    signer_name: str | None
    signatures: list[dict[str, Any]]
    refusal_reason: str | None
    files: list[FileOut]
    status_trail: list[StatusStep]
    current_holders: list[str]
    instance_id: int | None


class RecipientStep(Strict):
    code: str
    at: str
    note: str | None


class Recipient(Strict):
    code: str | None
    name: str
    internal: bool
    status: str | None
    at: str | None
    note: str | None
    exchange: str | None
    # External: the state of the outbox message carrying its package (pending, sending, sent, dead,
    # cancelled); null inside the installation.
    outbox_state: str | None
    timeline: list[RecipientStep]  # by the recipient's own clock; external ones from its status packages
    slow: bool  # chậm tiếp nhận: 01 not followed by 03 within EXCHANGE_SLOW_ACCEPT_WORKING_DAYS


class OutgoingOut(Strict):
    stage: str
    drafter: str | None
    signer: str | None
    authority: str
    signed_at: str | None
    issued_at: str | None
    released_at: str | None
    recipients: list[Recipient]


class OutgoingListed(DocumentOut):
    outgoing: OutgoingOut


class OutgoingFull(DocumentFull):
    outgoing: OutgoingOut


class CheckedFile(Strict):
    id: int
    role: str
    name: str
    sha256: str
    signatures: list[dict[str, Any]]


class SignatureCheck(Strict):
    document_id: int
    signatures: list[dict[str, Any]]
    files: list[CheckedFile]


class RecallAnswer(Strict):
    asked: Any = Field(description="nơi nhận được đề nghị thu hồi")
    outgoing: OutgoingOut


class UpdateAnswer(Strict):
    asked: int = Field(description="nơi nhận ngoài hệ thống được gửi gói cập nhật")
    outgoing: OutgoingOut


class PreparedSigning(Strict):
    session: str
    signed_attributes: str
    digest: str
    digest_algorithm: Literal["sha256"]
    expires_at: str


class Completion(Strict):
    status: Literal["completed"]
    task_spec: str
    signature: dict[str, Any] | None


class TaskOut(Strict):
    id: str
    title: str | None
    spec_id: str
    lane: str | None
    instance_id: int
    process_id: str
    candidate_role: str | None
    assigned_to: str | None
    due_at: str | None
    urgency: int | None
    created_at: str


class NotificationOut(Strict):
    id: int
    kind: str
    label: str
    text: str
    # The document's subject through the document access rule; a neutral label for a secret or unreadable one.
    subject: str
    document_id: int | None
    task_id: str | None
    created_at: str
    read_at: str | None


class TaskDetail(TaskOut):
    schema_: dict[str, Any] | None = Field(alias="schema")
    ui_schema: dict[str, Any] | None
    data: dict[str, Any]
    instructions: str
    choices: dict[str, list[Any]]


class ActiveTask(Strict):
    id: str
    spec_id: str  # the step's id in the process (e.g. "register"): which form it takes
    title: str | None
    lane: str | None


class HistoryEvent(Strict):
    seq: int
    type: str
    at: str
    actor: str | None
    on_behalf_of: str | None
    task_spec: str | None
    timers: Any = None


class InstanceOut(Strict):
    id: int
    process_id: str
    title: str | None
    status: str
    version: int
    started_at: str
    completed_at: str | None
    active_tasks: list[ActiveTask] | None = None
    history: list[HistoryEvent] | None = None


class IncomingReceived(DocumentFull):
    active_tasks: list[ActiveTask]  # the new case's open tasks: the clerk's next step, without asking


class TaskCompletion(Completion):
    instance: InstanceOut  # with the case's open tasks after this step (no history)
    # Keys of the answer the step's form does not declare: left out of the task data, told back.
    ignored_fields: list[str] = []


class ReplayOut(Strict):
    instance_id: int
    matches: bool
    events: int
    divergent_seq: int | None
    problem: str | None
    summary: str


@cache
def page_of(item: type[BaseModel]) -> type[BaseModel]:
    """The {items, total, page, pages} envelope of a paged list of `item`."""
    return type(f"{item.__name__}Page", (Strict,), {"__annotations__": {
        "items": list[item], "total": int, "page": int, "pages": int}})


class PackageImported(Strict):
    """An edXML package received: the documents it made (one per agency here it is addressed to)."""

    document_ids: list[int]
    warnings: list[str]
