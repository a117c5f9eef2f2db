"""Both reports as tables (columns and rows), and as XLSX, CSV or PDF files."""
from flask import Response, render_template
from flask_babel import gettext as _

from app.rendering.formats import period_text
from app.rendering.registers import render_register_pdf
from app.rendering.tables import Column, to_csv, to_xlsx

from .performance import Performance
from .statistics import Statistics

FORMATS = {"pdf": "application/pdf", "csv": "text/csv",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def statistics_columns() -> list[Column]:
    return [Column("name", _("Cơ quan, đơn vị"), 50), Column("incoming", _("Văn bản đến")),
            Column("incoming_electronic", _("Đến: điện tử")), Column("incoming_paper", _("Đến: giấy")),
            Column("from_axis", _("Đến qua trục liên thông")), Column("incoming_signed", _("Đến: có chữ ký số")),
            Column("incoming_unsigned", _("Đến: không có chữ ký số")), Column("incoming_secret", _("Đến: mật")),
            Column("outgoing", _("Văn bản đi")), Column("outgoing_signed", _("Đi: ký số")),
            Column("outgoing_unsigned", _("Đi: không ký số")), Column("to_axis", _("Đi qua trục liên thông")),
            Column("outgoing_secret", _("Đi: mật"))]


def statistics_rows(statistics: Statistics) -> list[dict]:
    rows = [vars(counts) for counts in statistics.agencies]
    return [*rows, {**vars(statistics.total), "name": _("Tổng cộng")}]


def performance_columns(group: str) -> list[Column]:
    first = {"agency": _("Cơ quan, đơn vị"), "unit": _("Đơn vị chủ trì"), "person": _("Người chủ trì")}[group]
    columns = [Column("name", first, 45), Column("counted", _("Văn bản đến")), Column("completed", _("Đã hoàn thành")),
               Column("on_time", _("Đúng hạn")), Column("late", _("Trễ hạn")), Column("open", _("Đang xử lý")),
               Column("overdue", _("Quá hạn chưa xong"))]
    for timing, label in timing_labels().items():
        columns += [Column(f"{timing}_average", _("%(step)s: trung bình (ngày làm việc)", step=label)),
                    Column(f"{timing}_p90", _("%(step)s: 90%% trong (ngày làm việc)", step=label))]
    return columns


def timing_labels() -> dict[str, str]:
    return {"registration": _("Đến → vào sổ"), "assignment": _("Đến → phân công"), "completion": _("Đến → hoàn thành")}


def performance_rows(performance: Performance) -> list[dict]:
    def flat(row, name):
        values = {"name": name, **row.counts}
        for timing, numbers in row.timings.items():
            values[f"{timing}_average"], values[f"{timing}_p90"] = numbers.average, numbers.p90
        return values

    return [*(flat(row, row.name) for row in performance.rows), flat(performance.total, _("Tổng cộng"))]


def download(*, output: str, title: str, name: str, columns, rows, period, agency_name: str) -> Response:
    """The table as a file to save (`output` one of FORMATS)."""
    if output == "pdf":
        body = render_register_pdf(title=title, agency_name=agency_name, period_text=period_text(period.start,
                                   period.end), columns=columns, rows=rows, render=render_template)
    elif output == "csv":
        body = to_csv(columns, rows)
    else:
        body = to_xlsx(columns, rows, title=title, sheet_name=title[:31])
    filename = f"{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{output}"
    return Response(body, mimetype=FORMATS[output], headers={"Content-Disposition": f'attachment; filename="{filename}"'})
