"""The API's one error shape: {"error": {"code", "message", "fields"}}, and "reasons" for a refused whole."""
from flask import jsonify

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    422: "unprocessable_entity", 429: "too_many_requests", 500: "internal_error",
    503: "service_unavailable",
}


def api_error_response(status: int, message: str, fields: dict | None = None, headers=None, *,
                       reasons: list[str] | None = None):
    body = {"error": {"code": CODES.get(status, "error"), "message": message, "fields": fields or {}}}
    if reasons is not None:
        body["reasons"] = list(reasons)
    return jsonify(body), status, headers or {}
