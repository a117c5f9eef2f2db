"""OpenAPI 3 document built from the routes themselves, so it cannot drift from them."""
from flask import Flask

API_TITLE = "Liên Thông API"
API_VERSION = "1"

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
}


def documented(**operation):
    """Attach an OpenAPI operation object to a view; `openapi_document` collects it."""

    def attach(view):
        view.openapi = operation
        return view

    return attach


def _openapi_path(rule: str) -> str:
    # /users/<int:user_id> -> /users/{user_id}
    parts = []
    for part in rule.split("/"):
        if part.startswith("<") and part.endswith(">"):
            part = "{" + part[1:-1].split(":")[-1] + "}"
        parts.append(part)
    return "/".join(parts)


def openapi_document(app: Flask) -> dict:
    """Return the OpenAPI document for every documented API route."""
    paths: dict = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        operation = getattr(view, "openapi", None)
        if operation is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(_openapi_path(rule.rule), {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": API_TITLE, "version": API_VERSION},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
    }


def error_responses(*statuses: int) -> dict:
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {str(status): {"description": "Lỗi", **ref} for status in statuses}
