"""Error pages in Vietnamese for people, JSON errors for the API; never a stack trace."""
from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.api.errors import api_error_response
from app.extensions import db


def _messages():
    return {
        400: (_("Yêu cầu không hợp lệ"), _("Dữ liệu gửi lên không đúng. Vui lòng kiểm tra và thử lại.")),
        401: (_("Cần đăng nhập"), _("Vui lòng đăng nhập để tiếp tục.")),
        403: (_("Không có quyền truy cập"), _("Bạn không có quyền thực hiện thao tác này.")),
        404: (_("Không tìm thấy trang"), _("Trang hoặc hồ sơ bạn tìm không tồn tại hoặc bạn không được xem.")),
        405: (_("Thao tác không được phép"), _("Thao tác này không dùng được theo cách đó.")),
        409: (_("Xung đột dữ liệu"), _("Dữ liệu đã được người khác thay đổi. Vui lòng tải lại trang.")),
        413: (_("Tệp quá lớn"), _("Tệp tải lên vượt quá dung lượng cho phép.")),
        429: (_("Quá nhiều yêu cầu"), _("Vui lòng chờ một lát rồi thử lại.")),
        500: (_("Lỗi hệ thống"), _("Đã có lỗi xảy ra. Thao tác chưa được lưu. Vui lòng thử lại sau.")),
    }


def _render(status: int, detail: str | None = None):
    title, message = _messages().get(status, _messages()[500])
    if request.path.startswith("/api/") or request.path == "/healthz":
        return api_error_response(status, detail or message)
    try:
        return render_template("errors/error.html", status=status, title=title,
                               message=detail or message), status
    except SQLAlchemyError:
        # The page's frame reads the signed-in person and their inbox count; with the database gone (restarting,
        # connections cut) that fails again, and the person would get the server's bare English error. The same
        # message without the frame, which needs nothing from the database.
        db.session.rollback()
        current_app.logger.warning("error page shown without its frame: the database is unreachable")
        bare = current_app.jinja_env.get_template("errors/bare.html").render(
            status=status, title=title, message=detail or message, home=_("Về trang chủ"), lang=get_locale())
        return bare, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                              "Vui lòng tải lại trang và thử lại."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Our own refusals carry a Vietnamese `detail`; werkzeug's English descriptions are never shown.
        return _render(error.code or 500, getattr(error, "detail", None))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Log the real error for operators; the person sees a Vietnamese page, nothing half-saved.
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _render(InternalServerError.code)
