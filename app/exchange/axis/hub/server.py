"""The axis stand-in as a small WSGI app: the VDXP operations over HTTP, with its own database.

It is a stand-in for development, tests and demos, never the national axis (Trục liên thông văn bản
quốc gia): the index page says so and every answer carries the `X-Axis-Stand-In` header. Its reasons
are plain Vietnamese strings: it is a separate server without the application's translations.
"""
import base64
from html import escape

from flask import Flask, Response, jsonify, request

from ..wire import STAND_IN_HEADER, UnsignedRequest, signature_matches, unverified_fields
from . import store

BANNER = ("BẢN MÔ PHỎNG trục liên thông — dùng để phát triển, kiểm thử và trình diễn; "
          "KHÔNG phải Trục liên thông văn bản quốc gia.")


def create_hub_app(database_url: str, *, max_package_mb: int = 100) -> Flask:
    """Return the stand-in WSGI app storing its state at `database_url`."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max_package_mb * 1024 * 1024
    engine = store.open_hub_engine(database_url)
    app.extensions["axis_hub_engine"] = engine

    @app.after_request
    def mark_stand_in(response: Response) -> Response:
        response.headers[STAND_IN_HEADER] = "1"
        return response

    @app.errorhandler(store.HubRefusal)
    def refused(exc: store.HubRefusal):
        return _answer(exc.http_status, status="FAIL", code=exc.error_code, desc=exc.reason)

    @app.errorhandler(413)
    def too_large(_exc):
        return _answer(413, status="FAIL", code="413", desc=f"Gói tin vượt quá {max_package_mb} MB.")

    @app.errorhandler(404)
    def unknown_operation(_exc):
        return _answer(404, status="FAIL", code="404", desc="Không có thao tác này trên trục.")

    @app.errorhandler(405)
    def wrong_method(_exc):
        return _answer(405, status="FAIL", code="405", desc="Thao tác này dùng phương thức POST.")

    @app.errorhandler(500)
    def failed(_exc):
        return _answer(500, status="FAIL", code="500", desc="Trục mô phỏng gặp lỗi nội bộ.")

    @app.get("/")
    def index():
        with engine.connect() as conn:
            counts = store.hub_counts(conn)
        page = (f"<!doctype html><html lang='vi'><meta charset='utf-8'><title>Trục liên thông (bản mô phỏng)</title>"
                f"<body><p role='alert' style='background:#b00020;color:#fff;padding:1em;font-weight:bold'>"
                f"{escape(BANNER)}</p><p>Hệ thống kết nối: {counts['systems']} · Đơn vị: {counts['agencies']}"
                f" · Gói tin chờ nhận: {counts['pending']}</p></body></html>")
        return Response(page, mimetype="text/html")

    @app.post("/getAgenciesList")
    def get_agencies_list():
        with engine.connect() as conn:
            _caller(conn)
            return _ok(data=store.list_agencies(conn))

    @app.post("/registerAgency")
    def register_agency():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise store.HubRefusal(400, "Thân yêu cầu phải là JSON mô tả đơn vị.")
        with engine.begin() as conn:
            system_id, _fields = _caller(conn)
            store.register_agency(conn, system_id, code=str(body.get("code") or ""), name=str(body.get("name") or ""),
                                  parent_code=str(body.get("pcode") or ""), mail=str(body.get("mail") or ""),
                                  mobile=str(body.get("mobile") or ""), fax=str(body.get("fax") or ""))
        return _ok()

    @app.post("/sendEdoc")
    def send_edoc():
        upload = request.files.get("file_doc")
        if upload is None:
            raise store.HubRefusal(400, "Thiếu tệp gói tin (file_doc).")
        content = upload.read()
        with engine.begin() as conn:
            system_id, fields = _caller(conn)
            doc_id = store.send_edoc(
                conn, system_id, from_code=fields.get("from") or system_id,
                to_codes=store.recipient_codes(fields.get("to", "")),
                message_type=fields.get("messagetype", "edoc"), service_type=fields.get("servicetype", "eDoc"),
                content=content, claimed_sha256=fields.get("hash-file", ""))
        return _ok(DocId=doc_id)

    @app.post("/getReceivedEdocList")
    def get_received_edoc_list():
        with engine.connect() as conn:
            system_id, fields = _caller(conn)
            return _ok(data=store.list_received(conn, system_id, fields.get("messagetype", "")))

    @app.post("/getEdoc")
    def get_edoc():
        with engine.connect() as conn:
            system_id, fields = _caller(conn)
            content = store.get_edoc(conn, system_id, fields.get("docid", ""))
        return _ok(data=base64.b64encode(content).decode("ascii"))

    @app.post("/updateStatus")
    def update_status():
        with engine.begin() as conn:
            system_id, fields = _caller(conn)
            store.update_status(conn, system_id, fields.get("docid", ""), fields.get("status", ""))
        return _ok()

    @app.post("/getSentEdocList")
    def get_sent_edoc_list():
        with engine.connect() as conn:
            system_id, fields = _caller(conn)
            return _ok(data=store.list_sent(conn, system_id, fields.get("docid", "")))

    return app


def _caller(conn) -> tuple[str, dict[str, str]]:
    """Return (system id, signed fields) of the request, or refuse it with 401."""
    try:
        fields, sign_header, claimed = unverified_fields(request.headers)
    except UnsignedRequest:
        raise store.HubRefusal(401, "Yêu cầu chưa được ký (thiếu XroadVnpt-sign-header).", "401") from None
    system_id = fields.get("systemid", "")
    secret = store.secret_of(conn, system_id) if system_id else None
    # One answer for an unknown system and a wrong secret: the reason must not confirm which ids exist.
    if secret is None or not signature_matches(sign_header, claimed, secret):
        raise store.HubRefusal(401, "Sai mã hệ thống hoặc khóa bí mật.", "401")
    return system_id, fields


def _ok(**payload):
    return _answer(200, status="OK", code="0", desc="Success", **payload)


def _answer(http_status: int, *, status: str, code: str, desc: str, **payload):
    response = jsonify({"status": status, "ErrorCode": code, "ErrorDesc": desc, **payload})
    response.status_code = http_status
    return response
