"""API endpoints: health, login, current user, directory objects of the caller's agency."""
from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import text

from app.auth.services import authenticate, issue_api_token, revoke_api_token
from app.auth.throttle import LoginThrottled, ThrottlePolicy
from app.directory.models import Department, User
from app.directory.scoping import get_visible
from app.extensions import db

from .auth import bearer_token, password_change_response, token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented, openapi_document
from .schemas import DepartmentOut, Health, LoginAnswer, LoginBody, UserOut
from .serializers import department_json, user_json


@bp.route("/healthz")
@documented("Kiểm tra tình trạng dịch vụ", response=Health, secured=False,
            extra_responses={"503": {"description": "Không kết nối được cơ sở dữ liệu",
                                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}})
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means the same thing to a load balancer
        db.session.rollback()
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/api/v1/openapi.json")
@documented("Tài liệu OpenAPI 3.1 của API", secured=False, response=dict)
def openapi():
    return jsonify(openapi_document(current_app))


@bp.route("/api/v1/auth/login", methods=["POST"])
@documented("Đăng nhập, nhận mã truy cập (Bearer token)", body=LoginBody, response=LoginAnswer,
            errors=(401, 403, 429), secured=False)
def api_login(body: LoginBody):
    config = current_app.config
    try:
        user = authenticate(body.username, body.password, address=request.remote_addr or "-",
                            policy=ThrottlePolicy.from_config(config))
    except LoginThrottled as throttled:
        return api_error_response(
            429, _("Đăng nhập sai quá nhiều lần. Vui lòng chờ %(n)s giây rồi thử lại.",
                   n=throttled.wait_seconds), headers={"Retry-After": str(throttled.wait_seconds)})
    if user is None:
        db.session.commit()
        return api_error_response(401, _("Tên đăng nhập hoặc mật khẩu không đúng."))
    if user.must_change_password:
        db.session.commit()  # keeps the audited login; no token for a temporary password
        return password_change_response()
    token, row = issue_api_token(user, hours=config["API_TOKEN_HOURS"])
    db.session.commit()
    return jsonify(token=token, token_type="Bearer", expires_at=row.expires_at.isoformat(),
                   user=user_json(user))


@bp.route("/api/v1/auth/logout", methods=["POST"])
@token_required
@documented("Đăng xuất: thu hồi mã truy cập đang dùng", response=None, status=204)
def api_logout():
    revoke_api_token(bearer_token(), actor=g.api_user)
    db.session.commit()
    return "", 204


@bp.route("/api/v1/me")
@token_required
@documented("Người dùng hiện tại", response=UserOut)
def me():
    return jsonify(user_json(g.api_user))


@bp.route("/api/v1/users/<int:user_id>")
@token_required
@documented("Một người dùng của cơ quan mình", response=UserOut)
def get_user(user_id: int):
    user = get_visible(User, user_id, actor=g.api_user)
    if user is None:
        return api_error_response(404, _("Không tìm thấy người dùng."))
    return jsonify(user_json(user))


@bp.route("/api/v1/departments/<int:department_id>")
@token_required
@documented("Một phòng ban của cơ quan mình", response=DepartmentOut)
def get_department(department_id: int):
    department = get_visible(Department, department_id, actor=g.api_user)
    if department is None:
        return api_error_response(404, _("Không tìm thấy phòng ban."))
    return jsonify(department_json(department))
