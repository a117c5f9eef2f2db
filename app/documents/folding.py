"""Accent-free text for Vietnamese search: "Quyết định" and "quyet dinh" fold to the same words."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, without tone marks or diacritics; đ becomes d (it is a letter, not an accent)."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()
