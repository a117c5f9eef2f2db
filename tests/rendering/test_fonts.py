"""The bundled TeX Gyre Termes faces are found, declared, and actually used for Vietnamese text."""
import unicodedata
from io import BytesIO

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from app.rendering.fonts import (
    FIELD_CHARACTERS,
    FONT_FAMILY,
    field_font,
    field_font_face_css,
    field_font_urls,
    font_face_css,
    font_files,
)
from app.rendering.pdf import render_pdf

from .inspect_pdf import embedded_fonts, postscript_name

VOWELS = "aăâeêioôơuưy"
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # none, huyền, hỏi, ngã, sắc, nặng
LOWER = sorted({unicodedata.normalize("NFC", vowel + mark) for vowel in VOWELS for mark in TONE_MARKS} | {"đ"})
VIETNAMESE_LETTERS = "".join(LOWER) + "".join(LOWER).upper()


def test_the_four_faces_are_found_as_files():
    files = font_files()
    assert set(files) == {"regular", "bold", "italic", "bolditalic"}
    for path in files.values():
        assert path.is_absolute() and path.suffix == ".otf"
        assert path.read_bytes()[:4] == b"OTTO"  # OpenType with CFF outlines


def test_font_face_css_declares_each_face_with_a_file_url():
    css = font_face_css()
    assert css.count("@font-face") == 4
    assert css.count(f'font-family: "{FONT_FAMILY}"') == 4
    for path in font_files().values():
        assert f'url("{path.as_uri()}")' in css
    assert "font-weight: bold;\n  font-style: italic" in css


def test_every_vietnamese_letter_is_drawn_with_the_bundled_font_in_all_four_faces():
    assert len(VIETNAMESE_LETTERS) == 2 * 73
    html = (
        '<html lang="vi"><body style="font-family: \'LT Serif\'">'
        f"<p>{VIETNAMESE_LETTERS}</p><p><b>{VIETNAMESE_LETTERS}</b></p>"
        f"<p><i>{VIETNAMESE_LETTERS}</i></p><p><b><i>{VIETNAMESE_LETTERS}</i></b></p>"
        "</body></html>")
    fonts = embedded_fonts(render_pdf(html))

    names = sorted(postscript_name(font) for font in fonts)
    # Only the bundled faces: a missing glyph would have pulled in a system fallback font.
    assert names == ["TeXGyreTermes-Bold", "TeXGyreTermes-BoldItalic", "TeXGyreTermes-Italic",
                     "TeXGyreTermes-Regular"]
    for font in fonts:
        covered = set(font.getBestCmap())
        # A subset (the full faces map about 1,000 characters), yet with every letter.
        assert len(covered) < 250
        missing = [letter for letter in VIETNAMESE_LETTERS if ord(letter) not in covered]
        assert missing == [], postscript_name(font)


def test_the_field_characters_hold_numbers_notations_and_date_words():
    assert set(VIETNAMESE_LETTERS + "0123456789/-.() ") <= FIELD_CHARACTERS
    assert set("123/QĐ-UBND" + "ngày 05 tháng 01 năm 2026") <= FIELD_CHARACTERS


@pytest.mark.parametrize("face", ["regular", "italic"])
def test_a_field_face_is_the_full_face_cut_to_the_field_characters(face):
    full, cut = TTFont(font_files()[face]), TTFont(BytesIO(field_font(face)))
    assert set(cut.getBestCmap()) == {ord(character) for character in FIELD_CHARACTERS}
    full_glyphs, cut_glyphs = full.getGlyphSet(), cut.getGlyphSet()
    for character in FIELD_CHARACTERS:
        full_name, cut_name = full.getBestCmap()[ord(character)], cut.getBestCmap()[ord(character)]
        assert cut["hmtx"][cut_name] == full["hmtx"][full_name], character
        drawn = []
        for glyphs, name in ((full_glyphs, full_name), (cut_glyphs, cut_name)):
            pen = RecordingPen()
            glyphs[name].draw(pen)
            drawn.append(pen.value)
        assert drawn[0] == drawn[1], character  # the same outline: filled text looks as before
    for table, fields in (("hhea", ("ascent", "descent", "lineGap")), ("head", ("unitsPerEm",)),
                          ("OS/2", ("sTypoAscender", "sTypoDescender", "usWinAscent", "usWinDescent"))):
        assert [getattr(cut[table], name) for name in fields] == [getattr(full[table], name) for name in fields]


def test_field_font_face_css_declares_the_regular_and_italic_field_faces():
    css = field_font_face_css()
    assert css.count("@font-face") == 2
    assert all(f'url("{url}")' in css for url in field_font_urls())
    assert "font-style: italic" in css and "bold" not in css
