"""Paged lists in the API: ?page and ?per_page (checked by PageQuery), answered as {items, total, page, pages}."""
from flask import jsonify

from app.extensions import db

from .schemas import PageQuery


def paged_json(statement, serialize, query: PageQuery, *, whole_page: bool = False):
    """`serialize` takes one item, or with `whole_page` the page's items at once (to read what they share
    in a few queries instead of some per item)."""
    page = db.paginate(statement, page=query.page, per_page=query.per_page, error_out=False)
    items = serialize(page.items) if whole_page else [serialize(item) for item in page.items]
    return jsonify(items=items, total=page.total, page=page.page, pages=page.pages)
