"""Refuse a NUL character anywhere in the text a request carries (path, query, form fields, JSON).

PostgreSQL's text types cannot hold one (the driver refuses the whole statement) and nobody types one, so it is
refused once, here, before any view or search helper sees it — on both databases alike. Uploaded files are
bytes and are not looked at.
"""
from flask import Flask, request
from flask_babel import gettext as _

from app.strict_json import StrictJSONProvider

from .refusals import BadInput

NUL = "\x00"


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def refuse_nul(value) -> None:
    """BadInput when `value` (text, or JSON made of dicts and lists) holds a NUL character.

    For JSON that travels inside a form field (the API's multipart `metadata`), which only its view decodes."""
    if _holds_nul(value):
        raise BadInput(_("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."))


def refuse_nul_characters() -> None:
    refuse_nul([request.path, *request.args.keys(), *request.args.values()])
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        refuse_nul([*request.form.keys(), *request.form.values()])
    if request.is_json:
        refuse_nul(request.get_json(silent=True))


def init_request_checks(app: Flask) -> None:
    app.json = StrictJSONProvider(app)  # NaN and ±Infinity in a body are malformed JSON (app.strict_json)
    app.before_request(refuse_nul_characters)
