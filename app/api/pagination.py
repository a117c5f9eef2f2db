"""Paged lists in the API: ?page and ?per_page (at most 100), answered as {items, total, page, pages}."""
from flask import jsonify, request

from app.extensions import db

MAX_PAGE_SIZE = 100
PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
]


def paged_json(statement, serialize):
    per_page = min(max(request.args.get("per_page", 25, type=int), 1), MAX_PAGE_SIZE)
    page = db.paginate(statement, page=request.args.get("page", 1, type=int), per_page=per_page, error_out=False)
    return jsonify(items=[serialize(item) for item in page.items], total=page.total, page=page.page,
                   pages=page.pages)
