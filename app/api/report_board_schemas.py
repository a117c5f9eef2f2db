"""The outgoing timeline board's bodies (/api/v1/reports/outgoing-timeline), beside report_schemas.py."""
from typing import Literal

from pydantic import Field

from app.web.routing import MAX_ID

from .report_schemas import ReportPeriod, ReportQuery
from .schemas import MAX_PAGE_SIZE, Strict


class OutgoingTimelineQuery(ReportQuery):
    page: int = Field(1, ge=1, le=MAX_ID)
    per_page: int = Field(25, ge=1, le=MAX_PAGE_SIZE)
    slow: Literal["", "0", "1"] = Field("", description="chỉ văn bản có nơi nhận chậm tiếp nhận")
    incomplete: Literal["", "0", "1"] = Field("", description="chỉ văn bản có nơi nhận chưa hoàn thành")
    recipient: str = Field("", pattern=r"^[A-Za-z0-9._-]{0,32}$", description="mã định danh của một nơi nhận")


class TimelineStepOut(Strict):
    code: str
    at: str
    note: str | None


class TimelineRecipientOut(Strict):
    code: str
    name: str
    internal: bool
    status: str | None
    at: str | None
    outbox_state: str | None
    steps: dict[str, str] = Field(description="mã trạng thái 01–06 → thời điểm đầu tiên đạt trạng thái đó")
    timeline: list[TimelineStepOut]
    slow: bool = Field(description="chậm tiếp nhận: 01 chưa có 03 (hoặc 02) trong số ngày làm việc quy định")
    incomplete: bool = Field(description="chưa hoàn thành: chưa 06, chưa từ chối (02), chưa đồng ý lấy lại (15)")


class TimelineDocumentOut(Strict):
    id: int
    symbol: str
    document_date: str | None
    released_at: str
    subject: str | None = Field(description="null: văn bản mật mà người hỏi không được đọc")
    secrecy: int
    urgency: int
    stage: str
    slow: bool
    incomplete: bool
    recipients: list[TimelineRecipientOut]


class RecipientChoiceOut(Strict):
    code: str
    name: str


class OutgoingTimelineOut(Strict):
    period: ReportPeriod
    agency_id: int
    items: list[TimelineDocumentOut]
    total: int
    page: int
    pages: int
    recipients: list[RecipientChoiceOut]
