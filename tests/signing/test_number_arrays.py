"""The one-go array reader reads every array as pyHanko's own reader does, errors included."""
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic

from app.signing import number_arrays

CASES = [b"[]", b"[ ]", b"[0 0 595 842]", b"[1 [500 600.5 -7] 10 20 300]>>", b"[.5 -.25 +3 5. 0.0]",
         b"[\x00\t\r\n\x0c 1 2 ] rest", b"[1 [2 [3 [4]]] 5] 1 0 obj", b"[1 [" + b"512 " * 5000 + b"]]",
         b"[/Name 1 2]", b"[1 2 (text) 3]", b"[1 % comment ]\n 2]", b"[<4142> 3]",
         b"[1 2 true]", b"[1 2 null]"]
BROKEN = [b"[1 2", b"[1-2]", b"[1.2.3]", b"[1 [2 3]", b"[+]"]


def _read(reader, data: bytes):
    stream = BytesIO(data)
    return reader(stream, None), stream.tell()


@pytest.mark.parametrize("data", CASES)
def test_same_array_and_same_position_as_pyhanko(data):
    ours, theirs = _read(number_arrays.read_array, data), _read(number_arrays._pyhanko_reader, data)
    assert ours == theirs
    assert _types(ours[0]) == _types(theirs[0])


def _types(array) -> list:
    return [_types(item) if isinstance(item, generic.ArrayObject) else type(item) for item in array]


@pytest.mark.parametrize("data", BROKEN)
def test_same_refusal_as_pyhanko(data):
    with pytest.raises(Exception) as theirs:
        _read(number_arrays._pyhanko_reader, data)
    with pytest.raises(Exception) as ours:
        _read(number_arrays.read_array, data)
    assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)


def test_numbers_are_tied_to_their_container():
    container = generic.Reference(7, 0)
    array = number_arrays.read_array(BytesIO(b"[1 [2.5]]"), container)
    assert array[0].container_ref is container and array[1].container_ref is container
    assert array[1][0].container_ref is container


def test_installed_for_every_pyhanko_reader():
    import app.signing.validation  # noqa: F401  (installs it)

    assert generic.ArrayObject.read_from_stream is number_arrays.read_array
    assert generic.read_object(BytesIO(b"[1 [2 3.5]]"), None) == [1, [2, generic.FloatObject("3.5")]]


def test_references_are_read_by_pyhanko():
    array = number_arrays.read_array(BytesIO(b"[1 0 R 2 0 R]"), generic.Reference(7, 0, None))
    assert [type(item) for item in array] == [generic.IndirectObject] * 2
