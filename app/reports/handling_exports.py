"""The outgoing handling report as a table, and both handling reports as Decree 30 PDFs."""
from flask import Response, render_template
from flask_babel import gettext as _

from app.directory.models import Agency
from app.rendering.tables import Column

from .decree_layout import Letterhead, Section, render_decree_report
from .exports import FORMATS
from .outgoing_handling import OutgoingHandling


def outgoing_columns(group: str) -> list[Column]:
    first = _("Cơ quan, đơn vị") if group == "agency" else _("Đơn vị soạn thảo")
    return [Column("name", first, 45), Column("released", _("Văn bản đi phát hành")), Column("signed", _("Ký số")),
            Column("electronic", _("Gửi điện tử")), Column("axis", _("Qua trục liên thông")),
            Column("secret", _("Mật")), Column("recipients", _("Nơi nhận")),
            Column("accepted_on_time", _("Tiếp nhận đúng hạn")), Column("slow", _("Chậm tiếp nhận")),
            Column("waiting", _("Chưa tiếp nhận (còn hạn)")), Column("completed", _("Đã hoàn thành")),
            Column("not_completed", _("Chưa hoàn thành"))]


def outgoing_rows(report: OutgoingHandling) -> list[dict]:
    return [*({"name": row.name, **row.counts} for row in report.rows),
            {"name": _("Tổng cộng"), **report.total.counts}]


def letterhead_for(agency: Agency, place: str) -> Letterhead:
    return Letterhead(agency.name, agency.short_name, place, agency.parent.name if agency.parent else None)


def decree_pdf_download(*, letterhead: Letterhead, subject: str, name: str, columns, rows, period) -> Response:
    """One handling report as a Decree 30 PDF to save."""
    body = render_decree_report(letterhead, subject=subject, start=period.start, end=period.end,
                                sections=[Section("", columns, rows)], render=render_template)
    filename = f"{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf"
    return Response(body, mimetype=FORMATS["pdf"], headers={"Content-Disposition": f'attachment; filename="{filename}"'})
