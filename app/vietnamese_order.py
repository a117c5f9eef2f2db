"""Vietnamese alphabetical order, the same in Python, SQLite and PostgreSQL.

Code-point order puts "Phòng Công chức" before "Phòng Cải cách" and every "Đ…" after "Vũ". The Vietnamese
alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: ă, â, đ, ê, ô, ơ, ư are letters of
their own, while the five tone marks only break ties (a < à < ả < ã < á < ạ), as in CLDR's Vietnamese
collation. PostgreSQL orders with that collation (ICU, "vi-VN-x-icu"); PyICU has no wheel for this
machine, so Python and SQLite use `vietnamese_sort_key`, which tests hold to the ICU order.
"""
import unicodedata
from functools import lru_cache

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import String

POSTGRESQL_COLLATION = "vi-VN-x-icu"
SQLITE_COLLATION = "vietnamese"

# Latin letters outside the Vietnamese alphabet (f, j, w, z) keep their usual place.
_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
             "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Marks that make a letter of their own (breve, circumflex, horn) versus the five tones.
_LETTER_MARKS = frozenset({"\u0306", "\u0302", "\u031b"})
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# ICU's groups: spaces, then punctuation and symbols, then digits, then letters, then anything else.
_SPACE, _PUNCTUATION, _DIGIT, _LETTER, _OTHER = range(5)
_GROUP = 0x110000
# ASCII punctuation and symbols in ICU's root order; other symbols follow them by code point.
_PUNCTUATION_RANK = {mark: rank for rank, mark in enumerate("_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$")}


def _primary(base: str) -> int:
    lower = base.lower()
    if lower in _LETTER_RANK:
        return _LETTER * _GROUP + _LETTER_RANK[lower]
    if base.isspace():
        return _SPACE * _GROUP + ord(base)
    if base.isdigit():
        return _DIGIT * _GROUP + ord(base)
    if base.isalpha():
        return _OTHER * _GROUP + ord(lower)
    return _PUNCTUATION * _GROUP + _PUNCTUATION_RANK.get(base, 128 + ord(base))


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """Split into (letter, tone, upper-case) triples; a letter keeps the marks that make it a letter."""
    letters: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFD", text):
        if not unicodedata.combining(char):
            letters.append((char, 0, char != char.lower()))
        elif letters and char in _TONE_RANK:
            base, _tone, upper = letters[-1]
            letters[-1] = (base, _TONE_RANK[char], upper)
        elif letters and char in _LETTER_MARKS:
            base, tone, upper = letters[-1]
            letters[-1] = (unicodedata.normalize("NFC", base + char), tone, upper)
    return letters


@lru_cache(maxsize=65536)
def vietnamese_sort_key(text: str | None) -> tuple:
    """A key that sorts strings in Vietnamese order: letters first, then tones, then case (lower first)."""
    letters = _letters(text or "")
    # The text itself breaks the last ties, as PostgreSQL does for its deterministic collations.
    return (tuple(_primary(base) for base, _tone, _upper in letters),
            tuple(tone for _base, tone, _upper in letters),
            tuple(upper for _base, _tone, upper in letters),
            text or "")


def compare_vietnamese(left: str | None, right: str | None) -> int:
    """SQLite's collation callback: negative, zero or positive."""
    left_key, right_key = vietnamese_sort_key(left), vietnamese_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


class VietnameseOrder(ColumnElement):
    """A string column compared in Vietnamese order; compiled per database below."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]
    type = String()

    def __init__(self, column):
        self.column = column


def vietnamese(column) -> VietnameseOrder:
    """`.order_by(vietnamese(Agency.name))`: the column in Vietnamese order on either database."""
    return VietnameseOrder(column)


@compiles(VietnameseOrder)
def _collate_sqlite(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} COLLATE {SQLITE_COLLATION}"


@compiles(VietnameseOrder, "postgresql")
def _collate_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.column, **kw)} COLLATE "{POSTGRESQL_COLLATION}"'
