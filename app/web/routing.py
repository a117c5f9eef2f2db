"""Whole numbers read from URLs and query strings stay within the database's integer.

Ids are PostgreSQL `integer` columns: a larger number in a query overflows the driver (SQLite past 2⁶³,
PostgreSQL past 2³¹ − 1) and would surface as a server error instead of "not found".
"""
from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


# 0 … 2147483647 digit by digit: a larger number matches no rule at all. Refused only at conversion, it would
# match the path of a rule for another method first, and a PATCH beside a GET would answer 405, not 404.
UP_TO_MAX_ID = (r"0*(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
                r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that does not match numbers past MAX_ID (so the URL answers 404)."""

    regex = UP_TO_MAX_ID

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bounded_int(text: str) -> int:
    """`type=` for request.args.get: a number within 0..MAX_ID, else ValueError (the default is used)."""
    number = int(text)
    if not 0 <= number <= MAX_ID:
        raise ValueError(text)
    return number


def init_routing(app: Flask) -> None:
    # Before any blueprint is registered: rules pick their converter class when they are added.
    app.url_map.converters["int"] = BoundedIntegerConverter
