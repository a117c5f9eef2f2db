"""Bodies of the outgoing handling report and the monthly reports list (/api/v1/reports/...)."""
from pydantic import BaseModel, Field

from .report_schemas import PerformanceQuery, ReportPeriod
from .schemas import Strict


class OutgoingHandlingQuery(PerformanceQuery):
    """As the handling report of incoming documents: `group` person is read as unit (the drafting unit)."""


class OutgoingCounts(Strict):
    released: int = Field(description="văn bản đi phát hành trong kỳ")
    signed: int
    electronic: int = Field(description="gửi điện tử cho ít nhất một nơi nhận")
    axis: int = Field(description="gửi qua trục liên thông")
    secret: int
    recipients: int
    accepted_on_time: int = Field(description="nơi nhận tiếp nhận (03) hoặc từ chối (02) đúng hạn")
    slow: int = Field(description="chậm tiếp nhận")
    waiting: int = Field(description="chưa tiếp nhận, còn hạn")
    completed: int = Field(description="nơi nhận đã hoàn thành (06)")
    not_completed: int


class OutgoingRowOut(Strict):
    key: int | None
    name: str
    counts: OutgoingCounts


class OutgoingHandlingOut(Strict):
    period: ReportPeriod
    group: str = Field(description="agency | unit")
    rows: list[OutgoingRowOut]
    total: OutgoingRowOut


class MonthlyQuery(BaseModel):
    month: str = Field("", max_length=7, description="YYYY-MM; trống: mọi tháng")


class MonthlyReportOut(Strict):
    id: int
    agency_id: int
    agency_code: str
    agency_name: str
    month: str
    done: bool
    signed_at: str | None
    signer_subject: str
    sha256: str | None
    size: int | None
    failure: str = Field(description="lý do chưa lập được (sẽ thử lại)")
    file_url: str | None


class MonthlyReportsOut(Strict):
    reports: list[MonthlyReportOut]
