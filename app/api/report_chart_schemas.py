"""The numbers behind the report charts (/api/v1/reports/charts), beside report_schemas.py."""
from typing import Literal

from pydantic import Field

from .report_schemas import ReportPeriod
from .schemas import Strict


class SeriesOut(Strict):
    label: str
    values: list[float] = Field(description="một giá trị cho mỗi nhãn, cùng thứ tự")
    tone: Literal["incoming", "outgoing", "good", "late", "overdue"]


class ChartOut(Strict):
    key: Literal["trend", "on-time", "backlog"]
    title: str
    kind: Literal["bar", "line"]
    row_title: str
    labels: list[str]
    series: list[SeriesOut]
    stacked: bool
    unit: str = Field(description="\"%\" cho tỷ lệ; rỗng cho số văn bản")


class ChartsOut(Strict):
    period: ReportPeriod
    group: Literal["agency", "unit", "person"] = Field(description="nhóm của biểu đồ tỷ lệ đúng hạn")
    charts: list[ChartOut]
