"""The bundled serif font: TeX Gyre Termes, Times-metric with full Vietnamese, from a pip package.

Decree 30 asks for Times New Roman. TeX Gyre Termes has the same metrics (a page of text breaks
the same way), covers every Vietnamese letter and, unlike a system font, arrives with
`pip install` (wheel `rinoh-typeface-texgyretermes`, GUST font licence). Its OTF files have 1000
units per em, which pyHanko's signature stamps need too (see docs/SIGNING.md).

The package is installed with --no-deps: its `__init__` imports rinohtype, which is absent, so it
is located with `find_spec` (which does not execute the package) and never imported.

The number and date form fields of an outgoing letter use a family of their own, FIELD_FONT_FAMILY:
WeasyPrint embeds a form field's font whole (every glyph, its widths and ToUnicode), and with the
fields in "LT Serif" that was the whole regular and italic faces. The field faces are subsets cut
to FIELD_CHARACTERS, made once per process and served from memory (`field_font_urls`).
"""
import importlib.util
import unicodedata
from functools import cache
from io import BytesIO
from pathlib import Path

FONT_PACKAGE = "rinoh_typeface_texgyretermes"

# The family name the print templates use. A name of our own (not "Times New Roman") so a
# system font with that name can never be picked instead of the bundled files.
FONT_FAMILY = "LT Serif"

# Face name → (file name, CSS font-weight, CSS font-style).
_FACES = {
    "regular": ("texgyretermes-regular.otf", "normal", "normal"),
    "bold": ("texgyretermes-bold.otf", "bold", "normal"),
    "italic": ("texgyretermes-italic.otf", "normal", "italic"),
    "bolditalic": ("texgyretermes-bolditalic.otf", "bold", "italic"),
}


# The family and faces of the form fields (app.signing.visible fills them): the number sits on a regular
# line, the date on the italic date line.
FIELD_FONT_FAMILY = "LT Serif Fields"
_FIELD_FACES = {"regular": ("normal", "normal"), "italic": ("normal", "italic")}
FIELD_FONT_SCHEME = "lt-font"

_VIETNAMESE_VOWELS = "aăâeêioôơuưy"
_TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # none, huyền, hỏi, ngã, sắc, nặng

# What a field can be filled with: printable ASCII (digits, "/", "-", Latin letters of a notation such
# as "123/QĐ-UBND") and every Vietnamese letter in both cases (NFC), enough for any number, notation
# and date line. A character outside it has no glyph: filling it raises ValueError.
FIELD_CHARACTERS = frozenset(
    {chr(code) for code in range(0x20, 0x7F)}
    | {unicodedata.normalize("NFC", vowel + mark) for vowel in _VIETNAMESE_VOWELS + _VIETNAMESE_VOWELS.upper()
       for mark in _TONE_MARKS}
    | {"đ", "Đ"})


class FontFilesMissing(RuntimeError):
    """The font package is not installed, or lacks one of the four OTF files."""


@cache
def font_files() -> dict[str, Path]:
    """Absolute paths of the four faces: keys regular, bold, italic, bolditalic."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FontFilesMissing(
            f"{FONT_PACKAGE} is not installed; install it with `pip install --no-deps "
            "rinoh-typeface-texgyretermes` (see requirements.txt)")
    directory = Path(spec.submodule_search_locations[0]).resolve()
    files = {face: directory / file_name for face, (file_name, _, _) in _FACES.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise FontFilesMissing(f"font files missing: {', '.join(missing)}")
    return files


@cache
def font_face_css() -> str:
    """`@font-face` rules declaring FONT_FAMILY in four faces, with file:// URLs to the OTF files."""
    files = font_files()
    rules = []
    for face, (_, weight, style) in _FACES.items():
        rules.append(
            "@font-face {\n"
            f'  font-family: "{FONT_FAMILY}";\n'
            f'  src: url("{files[face].as_uri()}") format("opentype");\n'
            f"  font-weight: {weight};\n"
            f"  font-style: {style};\n"
            "}\n")
    return "".join(rules)


def field_font_urls() -> dict[str, str]:
    """URL → face of the field faces; RestrictedURLFetcher serves exactly these from `field_font`."""
    return {f"{FIELD_FONT_SCHEME}:fields-{face}": face for face in _FIELD_FACES}


@cache
def field_font(face: str) -> bytes:
    """The OTF of `face` ("regular" or "italic") cut to FIELD_CHARACTERS, made once per process.

    Outlines, hints and metrics are the full face's, so filled text looks the same as it did with
    the whole face embedded; only the glyph ids differ (the filler reads them from the embedded file).
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(layout_features=[], notdef_outline=True)
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]  # appearance text is written glyph by glyph, unshaped
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(character) for character in FIELD_CHARACTERS))
    font = TTFont(font_files()[face], recalcBBoxes=False)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@cache
def field_font_face_css() -> str:
    """`@font-face` rules declaring FIELD_FONT_FAMILY's faces, with the URLs of `field_font_urls`."""
    rules = []
    for url, face in field_font_urls().items():
        weight, style = _FIELD_FACES[face]
        rules.append(
            "@font-face {\n"
            f'  font-family: "{FIELD_FONT_FAMILY}";\n'
            f'  src: url("{url}") format("opentype");\n'
            f"  font-weight: {weight};\n"
            f"  font-style: {style};\n"
            "}\n")
    return "".join(rules)
