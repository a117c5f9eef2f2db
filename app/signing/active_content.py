"""Find what a PDF viewer would run or do by itself: JavaScript, open actions, additional actions."""
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

# /JS and /JavaScript hold scripts (actions, the document's name tree); /OpenAction and /AA run actions
# on opening a document, a page or a field; /Launch starts a program.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}


def has_active_content(pdf_bytes: bytes) -> bool:
    """True when anything reachable from the document catalogue is a script or an automatic action.

    Walks the object graph (dictionaries and arrays, through references, each object once) rather than
    searching the bytes: in compressed object streams the names are not visible as text. A file that
    cannot be read counts as active, to be on the safe side.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes))
        return _walk(reader.root)
    except Exception:  # untrusted bytes: any parser failure means "do not trust it"
        return True


def _walk(start) -> bool:
    stack, seen = [start], set()
    while stack:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, generic.DictionaryObject):  # stream dictionaries too; their data is not read
            if ACTIVE_KEYS.intersection(item.keys()) or item.get("/S") in ACTIVE_ACTIONS:
                return True
            stack.extend(value for name, value in item.items() if name not in ("/Parent", "/P"))
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item)
    return False
