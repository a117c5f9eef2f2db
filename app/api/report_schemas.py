"""The reports API's bodies (/api/v1/reports/...): the period asked for, and the statistics and
handling-performance tables answered; the OpenAPI document is derived from them like the rest of schemas.py."""
from typing import Literal

from pydantic import BaseModel, Field

from app.web.routing import MAX_ID

from .schemas import Strict


class ReportQuery(BaseModel):
    # Unknown keys are ignored, as for the other query strings.
    period: Literal["month", "quarter", "year", "custom"] = "month"
    year: int | None = Field(None, ge=1900, le=2200)
    month: int | None = Field(None, ge=1, le=12)
    quarter: int | None = Field(None, ge=1, le=4)
    from_: str = Field("", alias="from", description="dd/mm/yyyy hoặc yyyy-mm-dd (kỳ custom)")
    to: str = Field("", description="dd/mm/yyyy hoặc yyyy-mm-dd (kỳ custom)")
    agency: int | None = Field(None, ge=1, le=MAX_ID)


class PerformanceQuery(ReportQuery):
    department: int | None = Field(None, ge=1, le=MAX_ID)
    group: Literal["", "agency", "unit", "person"] = ""


class ReportPeriod(Strict):
    kind: Literal["month", "quarter", "year", "custom"]
    start: str
    end: str
    label: str


class AgencyCountsOut(Strict):
    agency_id: int | None
    name: str
    incoming: int
    incoming_electronic: int
    incoming_paper: int
    from_axis: int
    incoming_signed: int
    incoming_unsigned: int
    incoming_secret: int
    outgoing: int
    outgoing_signed: int
    outgoing_unsigned: int
    to_axis: int
    outgoing_secret: int


class BreakdownOut(Strict):
    key: str
    label: str
    incoming: int
    outgoing: int


class StatisticsOut(Strict):
    period: ReportPeriod
    agencies: list[AgencyCountsOut]
    total: AgencyCountsOut
    by_type: list[BreakdownOut]
    by_urgency: list[BreakdownOut]


class TimingOut(Strict):
    count: int
    average: float | None = Field(description="ngày làm việc")
    p90: int | None = Field(description="ngày làm việc: 90% văn bản trong số ngày này")


class PerformanceCounts(Strict):
    counted: int
    completed: int
    on_time: int
    late: int
    open: int
    overdue: int


class PerformanceRowOut(Strict):
    key: int | None
    name: str
    counts: PerformanceCounts
    timings: dict[Literal["registration", "assignment", "completion"], TimingOut]


class PerformanceOut(Strict):
    period: ReportPeriod
    group: Literal["agency", "unit", "person"]
    rows: list[PerformanceRowOut]
    total: PerformanceRowOut
