"""Template styles parsed once per process: the same PDF as WeasyPrint parsing them in the document."""
from app.rendering.pdf import _parsed_style, render_pdf_document, split_plain_styles


def test_bare_styles_are_taken_out_in_order_and_the_rest_left_in():
    html = ("<style>p { margin: 0 }</style><style media='print'>b { color: red }</style>"
            "<style>h1 { font-size: 2em }</style><style>body { background: url(x.png) }</style>"
            "<style>p { color: red !important }</style><p>&lt;style&gt;</p>")
    rest, texts = split_plain_styles(html)
    assert texts == ["p { margin: 0 }", "h1 { font-size: 2em }"]
    assert rest == ("<style media='print'>b { color: red }</style><style>body { background: url(x.png) }"
                    "</style><style>p { color: red !important }</style><p>&lt;style&gt;</p>")


def test_the_letter_renders_byte_for_byte_as_with_its_style_in_the_document(render, letter_context):
    html = render("print/official_letter.html", **{**letter_context, "number": None, "issued_on": None,
                                                     "number_fields": True})
    # A <style> with an attribute is not taken out: WeasyPrint parses it as an author stylesheet.
    in_document = html.replace("<style>", '<style media="all">')
    assert split_plain_styles(in_document)[1] == []

    cached = render_pdf_document(html, pdf_forms=True).pdf
    assert render_pdf_document(in_document, pdf_forms=True).pdf == cached
    assert render_pdf_document(html, pdf_forms=True).pdf == cached


def test_each_style_text_is_parsed_once():
    _parsed_style.cache_clear()
    for _ in range(3):
        render_pdf_document("<html><head><style>p { margin: 1mm }</style></head><body><p>Một</p></body></html>")
    assert _parsed_style.cache_info().misses == 1
    assert _parsed_style.cache_info().hits == 2
