"""JSON read as RFC 8259 JSON: Python's reader also takes NaN and ±Infinity, which are no JSON, and reads a
number too large for a float (1e999) as infinity.

Such a value would travel into task data, engine states and the audit chain and break whatever reads it next
(an int() of Infinity, PostgreSQL's json type, another system's parser), so input holding one is malformed,
as any other bad JSON: `loads_strict` for JSON a view decodes itself (a multipart field),
`StrictJSONProvider` for every `request.get_json` (installed by app.web.request_checks).
"""
import json
import math

from flask.json.provider import DefaultJSONProvider


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is beyond a float")
    return value


STRICT = {"parse_constant": _refuse_constant, "parse_float": _finite_float}


def loads_strict(text: str | bytes):
    """json.loads without NaN, ±Infinity and numbers beyond a float (ValueError, as for any malformed JSON)."""
    return json.loads(text, **STRICT)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with request bodies read strictly (get_json(silent=True) then answers None)."""

    def loads(self, s: str | bytes, **kwargs):
        return json.loads(s, **{**STRICT, **kwargs})
