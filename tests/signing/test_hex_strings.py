"""The one-go hex string reader reads every hex string as pyHanko's own reader does, errors included."""
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from app.signing import hex_strings

CASES = [b"<>", b"<41>", b"<4142 43\n44\t\r\x0c\x0045>", b"<414>", b"<aBcD>", b"<48656c6c6f> rest",
         b"<" + b"0f" * 40_000 + b"> 1 0 obj", b"<41 % a comment > still the comment\n 42>"]
BROKEN = [b"<41x2>", b"<4142", b"<41 % comment without end"]


def _pyhanko(data: bytes):
    stream = BytesIO(data)
    return hex_strings._pyhanko_reader(stream), stream.tell()


def _ours(data: bytes):
    stream = BytesIO(data)
    return hex_strings.read_hex_string(stream), stream.tell()


@pytest.mark.parametrize("data", CASES)
def test_same_string_and_same_position_as_pyhanko(data):
    ours, theirs = _ours(data), _pyhanko(data)
    assert ours == theirs
    assert type(ours[0]) is type(theirs[0])


@pytest.mark.parametrize("data", BROKEN)
def test_same_refusal_as_pyhanko(data):
    with pytest.raises(PdfStreamError) as theirs:
        _pyhanko(data)
    with pytest.raises(PdfStreamError) as ours:
        _ours(data)
    assert str(ours.value) == str(theirs.value)


def test_installed_for_every_pyhanko_reader():
    import app.signing.validation  # noqa: F401  (installs it)

    assert generic.read_hex_string_from_stream is hex_strings.read_hex_string
    assert generic.read_object(BytesIO(b"<4869>"), None) == "Hi"
