"""Paged lists in the API: ?page and ?per_page (checked by PageQuery), answered as {items, total, page, pages}."""
from flask import jsonify

from app.extensions import db

from .schemas import PageQuery


def paged_json(statement, serialize, query: PageQuery):
    page = db.paginate(statement, page=query.page, per_page=query.per_page, error_out=False)
    return jsonify(items=[serialize(item) for item in page.items], total=page.total, page=page.page,
                   pages=page.pages)
