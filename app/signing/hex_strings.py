"""pyHanko reads a PDF hex string one byte at a time; this reads it in one go, with the same result.

A signature's /Contents is a hex string of 16–32 K digits, and every reading of a signed file parses it
again (inspecting, judging, signing on top of it, the difference analysis): pyHanko's byte-by-byte
tokenizer made that the largest single cost of issuing an outgoing document. The fast path takes the
common case only: the closing ">" is found, and what precedes it is hex digits and PDF whitespace. Anything
else (a "%" pyHanko would treat as a comment, a stray byte, a string cut off by the end of the file) goes to
pyHanko's own reader from the same position, so errors and odd cases read exactly as before.
"""
import binascii
import os

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

HEX_DIGITS = b"0123456789abcdefABCDEF"
CHUNK = 64 * 1024
_pyhanko_reader = generic.read_hex_string_from_stream


def read_hex_string(stream):
    """Read "<…>" at the stream's position into a PDF string object, as pyHanko's reader does."""
    start = stream.tell()
    stream.read(1)  # "<"
    body = _until_closing(stream)
    digits = body.translate(None, PDF_WHITESPACE) if body is not None else None
    if digits is None or digits.translate(None, HEX_DIGITS):
        stream.seek(start)
        return _pyhanko_reader(stream)
    if len(digits) % 2:
        digits += b"0"  # PDF 32000-1 7.3.4.3: a final odd digit is followed by an implied 0
    return generic.pdf_string(binascii.unhexlify(digits))


def _until_closing(stream) -> bytes | None:
    """The bytes before the next ">", the stream left just after it; None when the file ends first."""
    chunks = []
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return None
        end = chunk.find(b">")
        if end >= 0:
            chunks.append(chunk[:end])
            stream.seek(end + 1 - len(chunk), os.SEEK_CUR)
            return b"".join(chunks)
        chunks.append(chunk)


def install() -> None:
    """Make pyHanko's parser (readers and incremental writers alike) use `read_hex_string`."""
    generic.read_hex_string_from_stream = read_hex_string
