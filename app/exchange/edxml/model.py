"""The typed content of an edXML document package and of a status package (QCVN 102:2016).

Field names follow the elements (snake_case); codes that the standard defines as numbers are ints, and
an incoming value that is not one is kept as None with a warning by the parser. Dates are `date`,
timestamps aware `datetime` (the wire form is Vietnam time without a zone).
"""
from dataclasses import dataclass, field
from datetime import date, datetime

# BussinessDocType: what a document package does to the document it names.
BUSINESS_NEW, BUSINESS_RECALL, BUSINESS_UPDATE, BUSINESS_REPLACE = 0, 1, 2, 3

# Status codes exchanged between systems (DOMAIN.md); 02 and 16 must carry a reason.
STATUS_CODES = ("01", "02", "03", "04", "05", "06", "13", "15", "16")
STATUS_NEEDING_REASON = ("02", "16")


@dataclass
class Organization:
    organ_id: str
    organization_in_charge: str | None = None
    organ_name: str | None = None
    organ_add: str | None = None
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


@dataclass
class Code:
    code_number: str | None = None  # kept as text: real packages carry "74fass22" and the like
    code_notation: str | None = None


@dataclass
class PromulgationInfo:
    place: str | None = None
    promulgation_date: date | None = None


@dataclass
class DocumentType:
    type: int | None = None
    type_detail: int | None = None
    type_name: str | None = None


@dataclass
class SignerInfo:
    competence: str | None = None
    position: str | None = None
    full_name: str | None = None


@dataclass
class OtherInfo:
    priority: int | None = None  # 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ
    sphere_of_promulgation: str | None = None
    typer_notation: str | None = None
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: bool | None = None
    appendixes: list[str] = field(default_factory=list)


@dataclass
class ResponseFor:
    organ_id: str | None = None
    code: str | None = None
    promulgation_date: date | None = None
    document_id: str | None = None


@dataclass
class StaffInfo:
    department: str | None = None
    staff: str | None = None
    mobile: str | None = None
    email: str | None = None


@dataclass
class Receiver:
    receiver_type: str | None = None
    organ_id: str | None = None


@dataclass
class BussinessDocumentInfo:
    """What an update (BussinessDocType 2) changes and for whom."""

    document_info: str | None = None
    document_receiver: str | None = None
    receivers: list[Receiver] = field(default_factory=list)


@dataclass
class ReplacementInfo:
    document_id: str | None = None
    organ_ids: list[str] = field(default_factory=list)


@dataclass
class Bussiness:
    bussiness_doc_type: int = BUSINESS_NEW
    bussiness_doc_reason: str | None = None
    document_info: BussinessDocumentInfo | None = None
    document_id: str | None = None
    staff_info: StaffInfo | None = None
    paper: int | None = None
    replacements: list[ReplacementInfo] = field(default_factory=list)


@dataclass
class TraceHeader:
    organ_id: str | None = None
    timestamp: datetime | None = None


@dataclass
class Attachment:
    """One file of the package: the manifest reference and the decoded (unzipped) bytes."""

    content_id: str  # "cid:…"
    name: str
    data: bytes = field(repr=False)
    content_type: str = "application/octet-stream"
    description: str | None = None


@dataclass
class DocumentPackage:
    sender: Organization
    to: list[Organization] = field(default_factory=list)
    document_id: str | None = None
    code: Code = field(default_factory=Code)
    promulgation: PromulgationInfo = field(default_factory=PromulgationInfo)
    document_type: DocumentType = field(default_factory=DocumentType)
    subject: str | None = None
    content: str | None = None
    signer: SignerInfo | None = None
    due_date: date | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo | None = None
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int | None = None  # meaning unsettled: kept and shown, never acted on
    trace_headers: list[TraceHeader] = field(default_factory=list)
    bussiness: Bussiness | None = None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class StatusPackage:
    """A status (01–06, 13, 15, 16) about a document, sent back to its issuer."""

    response_for: ResponseFor
    sender: Organization
    status_code: str
    description: str | None = None
    timestamp: datetime | None = None
    staff_info: StaffInfo | None = None


@dataclass
class Parsed:
    """What the parser understood, with a Vietnamese warning per problem it tolerated."""

    package: DocumentPackage | StatusPackage
    warnings: list[str] = field(default_factory=list)
    has_signature: bool = False
    root: object = field(default=None, repr=False, compare=False)  # the lxml root, for verify_signature
