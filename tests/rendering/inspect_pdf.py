"""Reading rendered output back in tests: PDF pages and fonts (pyHanko's reader), WeasyPrint layout."""
import io

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint.formatting_structure.boxes import LineBox, TextBox


def pdf_pages(pdf: bytes) -> list:
    reader = PdfFileReader(io.BytesIO(pdf))
    pages, stack = [], [reader.root["/Pages"]]
    while stack:  # the page tree may nest /Pages nodes
        node = stack.pop(0)
        if node["/Type"] == "/Pages":
            stack[:0] = [kid.get_object() for kid in node["/Kids"]]
        else:
            pages.append(node)
    return pages


def page_size(page) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(value) for value in page["/MediaBox"])
    return x1 - x0, y1 - y0


def embedded_fonts(pdf: bytes) -> list[TTFont]:
    """Every embedded font program of the PDF, parsed with fontTools (WeasyPrint embeds OpenType)."""
    fonts, seen = [], set()
    for page in pdf_pages(pdf):
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"]
                for key in ("/FontFile3", "/FontFile2", "/FontFile"):
                    if key in descriptor:
                        data = descriptor[key].get_object().data
                        if data not in seen:
                            seen.add(data)
                            fonts.append(TTFont(io.BytesIO(data)))
    return fonts


def postscript_name(font: TTFont) -> str:
    return font["name"].getDebugName(6)


def element_boxes(page, tag: str) -> list:
    """The principal box of each `tag` element laid out on a WeasyPrint page, in document order.

    Anonymous boxes inside an element share its element, and come after it in pre-order.
    """
    boxes, seen = [], set()
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None) == tag and id(element) not in seen:
            seen.add(id(element))
            boxes.append(box)
    return boxes


def box_lines(box) -> list[str]:
    """The text of each laid-out line inside `box` (the spaces where lines wrapped are gone)."""
    return ["".join(text.text for text in line.descendants() if isinstance(text, TextBox))
            for line in box.descendants() if isinstance(line, LineBox)]


def box_text(box) -> str:
    return " ".join(box_lines(box))


def margin_text(page, at_keyword: str) -> str:
    for box in page._page_box.children:
        if getattr(box, "at_keyword", None) == at_keyword:
            return box_text(box)
    return ""
