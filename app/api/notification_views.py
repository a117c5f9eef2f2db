"""Thông báo in JSON: my notices, newest first, and marking one read (the same services as the centre)."""
from flask import g, jsonify
from flask_babel import gettext as _

from app.extensions import db
from app.notifications.centre import NoticeRow, notice_rows
from app.notifications.services import my_notices, open_notice

from .auth import token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented
from .pagination import paged_json
from .schemas import NotificationOut, PageQuery, page_of


def notice_json(row: NoticeRow) -> dict:
    notice = row.notice
    return {"id": notice.id, "kind": notice.kind, "label": row.label, "text": row.text, "subject": row.subject,
            "document_id": notice.document_id, "task_id": notice.task_uuid,
            "created_at": notice.created_at.isoformat(),
            "read_at": notice.read_at.isoformat() if notice.read_at else None}


@bp.route("/api/v1/notifications")
@token_required
@documented("Thông báo của tôi, mới nhất trước", query=PageQuery, response=page_of(NotificationOut))
def list_notifications(query: PageQuery):
    return paged_json(my_notices(g.api_user), lambda notices: [notice_json(row) for row in
                                                              notice_rows(notices, g.api_user)],
                      query, whole_page=True)


@bp.route("/api/v1/notifications/<int:notice_id>/read", methods=["POST"])
@token_required
@documented("Đánh dấu một thông báo đã đọc", response=NotificationOut, errors=(404,))
def read_notification(notice_id: int):
    notice = open_notice(notice_id, actor=g.api_user)
    if notice is None:
        return api_error_response(404, _("Không tìm thấy thông báo."))
    db.session.commit()
    [row] = notice_rows([notice], g.api_user)
    return jsonify(notice_json(row))
