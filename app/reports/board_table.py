"""The board of outgoing documents as a table to download: one row per recipient of each document."""
from flask_babel import gettext as _

from app.documents.vocabulary import STATUS_LABELS
from app.rendering.tables import Column

from .board import STEP_CODES, BoardDocument


def board_columns() -> list[Column]:
    return [Column("symbol", _("Số/ký hiệu"), 25, grouped=False), Column("released_at", _("Ngày phát hành")),
            Column("subject", _("Trích yếu"), 60), Column("recipient", _("Nơi nhận"), 45),
            Column("code", _("Mã định danh"), 22, grouped=False), Column("channel", _("Kênh gửi")),
            Column("status", _("Trạng thái hiện tại")),
            *[Column(f"step_{code}", f"{code} {STATUS_LABELS[code]}") for code in STEP_CODES],
            Column("slow", _("Chậm tiếp nhận")), Column("incomplete", _("Chưa hoàn thành"))]


def board_rows(documents: list[BoardDocument]) -> list[dict]:
    rows = []
    for document in documents:
        subject = document.subject if document.subject is not None else _("(Văn bản mật)")
        for recipient in document.recipients:
            status = recipient.status
            rows.append({
                "symbol": document.symbol, "released_at": document.released_at, "subject": subject,
                "recipient": status.name, "code": status.code,
                "channel": _("Trong hệ thống") if status.internal else _("Qua trục liên thông"),
                "status": f"{status.status_code} {STATUS_LABELS.get(status.status_code, '')}".strip()
                if status.status_code else _("Chưa có trạng thái"),
                **{f"step_{code}": recipient.steps.get(code) for code in STEP_CODES},
                "slow": _("Có") if status.slow else "", "incomplete": _("Có") if recipient.incomplete else ""})
    return rows
