"""pyHanko reads a PDF array one byte and one number at a time; this reads an array of numbers in one go.

An embedded font's /W (glyph widths) and /Widths arrays hold thousands of numbers, nested one level in /W,
and every reading of a signed file parses them again: pyHanko's difference analysis walks every object of
every revision, and an outgoing document is read by each signature and each validation. The fast path takes
the common case only: numbers, nested brackets and PDF whitespace up to the array's closing "]". Anything
else (a name, a string, an indirect reference, a "%" comment, an odd number such as "1-2", the end of the
file) goes to pyHanko's own reader from the same position, so errors and odd cases read exactly as before.
"""
import re

from pyhanko.pdf_utils import generic

CHUNK = 4096
_OTHER = re.compile(rb"[^0-9+\-.\[\]\x00\t\n\x0c\r ]")
_BRACKET = re.compile(rb"[\[\]]")
_TOKEN = re.compile(rb"\[|\]|[^\[\]\x00\t\n\x0c\r ]+")
# What pyHanko itself reads as one number (a sign or digit first, then digits and at most one dot).
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)\Z")
_pyhanko_reader = generic.ArrayObject.read_from_stream


def read_array(stream, container_ref, in_content_stream=generic.ContentOpReading.NO):
    """Read "[…]" at the stream's position into an ArrayObject, as pyHanko's reader does."""
    start = stream.tell()
    body = _numbers_until_closing(stream)
    array = _parsed(body, container_ref) if body is not None else None
    if array is None:
        stream.seek(start)
        return _pyhanko_reader(stream, container_ref, in_content_stream=in_content_stream)
    stream.seek(start + 1 + len(body) + 1)
    return array


def _numbers_until_closing(stream) -> bytes | None:
    """What lies between "[" and its closing "]" when only numbers, brackets and whitespace do; else None."""
    if stream.read(1) != b"[":
        return None
    chunks, depth = [], 1
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return None
        other = _OTHER.search(chunk)
        limit = other.start() if other else len(chunk)
        for bracket in _BRACKET.finditer(chunk, 0, limit):
            depth += 1 if bracket.group() == b"[" else -1
            if depth == 0:
                chunks.append(chunk[:bracket.start()])
                return b"".join(chunks)
        if other:
            return None
        chunks.append(chunk)


def _parsed(body: bytes, container_ref) -> generic.ArrayObject | None:
    """The (nested) array of `body`'s numbers, each tied to `container_ref` as read_object ties it; None
    when a token is not a number pyHanko would read."""
    outer = generic.ArrayObject()
    open_arrays = [outer]
    for token in _TOKEN.findall(body):
        if token == b"[":
            nested = generic.ArrayObject()
            nested.container_ref = container_ref
            open_arrays[-1].append(nested)
            open_arrays.append(nested)
        elif token == b"]":
            open_arrays.pop()
        elif _NUMBER.match(token):
            text = token.decode("ascii")
            number = generic.FloatObject(text) if "." in text else generic.NumberObject(text)
            number.container_ref = container_ref
            open_arrays[-1].append(number)
        else:
            return None
    return outer


def install() -> None:
    """Make pyHanko's parser (readers and incremental writers alike) use `read_array`."""
    generic.ArrayObject.read_from_stream = staticmethod(read_array)
