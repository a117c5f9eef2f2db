"""The bundled serif font: TeX Gyre Termes, Times-metric with full Vietnamese, from a pip package.

Decree 30 asks for Times New Roman. TeX Gyre Termes has the same metrics (a page of text breaks
the same way), covers every Vietnamese letter and, unlike a system font, arrives with
`pip install` (wheel `rinoh-typeface-texgyretermes`, GUST font licence). Its OTF files have 1000
units per em, which pyHanko's signature stamps need too (see docs/SIGNING.md).

The package is installed with --no-deps: its `__init__` imports rinohtype, which is absent, so it
is located with `find_spec` (which does not execute the package) and never imported.
"""
import importlib.util
from functools import cache
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
