"""DEMO signature and seal images drawn by code (Pillow): a blue hand-signature and a red round seal.

They stand in for the scanned signature image and seal image an agency registers for real use. The
same inputs give the same PNG bytes (no randomness, no metadata); results are cached per name.
Text uses the bundled TeX Gyre Termes faces (full Vietnamese coverage, app.rendering.fonts).
"""
import hashlib
import math
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.images import PdfImage, pil_image
from pyhanko.pdf_utils.writer import PdfFileWriter

from app.rendering.fonts import font_files

SIGNATURE_SIZE = (800, 400)  # px; 2:1 like the 70 mm × 35 mm signature block
SIGNATURE_BLUE = (20, 45, 170, 255)
SEAL_SIZE = 800  # px, square
SEAL_RED = (215, 20, 30, 255)


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _seed(text: str) -> list[float]:
    """Numbers in [0, 1) derived from the text, so each name gets its own but repeatable flourish."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [byte / 256 for byte in digest]


@lru_cache(maxsize=256)
def signature_png(full_name: str) -> bytes:
    """A transparent PNG of `full_name` written as a slanted blue signature with an underline flourish."""
    width, height = SIGNATURE_SIZE
    # Drawn at twice the size and scaled down: smoother strokes.
    scale = 2
    image = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    seed = _seed(full_name)
    # The given name and the last word of the family name, as people sign: "An Nguyễn" → large.
    words = full_name.split()
    text = words[-1] if len(words) == 1 else f"{words[-1]} {words[0]}"
    size = 150 * scale
    font = ImageFont.truetype(str(font_files()["bolditalic"]), size)
    while draw.textlength(text, font=font) > width * scale * 0.85 and size > 40:
        size -= 10
        font = ImageFont.truetype(str(font_files()["bolditalic"]), size)
    text_width = draw.textlength(text, font=font)
    x = (width * scale - text_width) / 2
    y = height * scale * 0.22
    draw.text((x, y), text, font=font, fill=SIGNATURE_BLUE)
    # A flourish under the name: a sweeping wave that runs back and forth once.
    points = []
    left, right = width * scale * 0.08, width * scale * 0.92
    base = height * scale * (0.70 + 0.06 * seed[0])
    amplitude = height * scale * (0.05 + 0.04 * seed[1])
    waves = 1.5 + seed[2]
    for step in range(201):
        t = step / 200
        px = left + (right - left) * t
        py = base + amplitude * math.sin(2 * math.pi * waves * t + seed[3] * math.pi) - 30 * scale * t
        points.append((px, py))
    draw.line(points, fill=SIGNATURE_BLUE, width=7 * scale, joint="curve")
    image = image.resize((width, height), Image.LANCZOS)
    return _png(image)


def _star(center: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((center + radius * math.cos(angle), center + radius * math.sin(angle)))
    return points


@lru_cache(maxsize=64)
def seal_png(agency_name: str) -> bytes:
    """A transparent PNG of a red round seal: `agency_name` in capitals around the ring, a star inside."""
    scale = 2
    size = SEAL_SIZE * scale
    centre = size / 2
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    outer = size * 0.48
    draw.ellipse([centre - outer, centre - outer, centre + outer, centre + outer],
                 outline=SEAL_RED, width=int(size * 0.025))
    ring_inner = size * 0.31
    draw.ellipse([centre - ring_inner, centre - ring_inner, centre + ring_inner, centre + ring_inner],
                 outline=SEAL_RED, width=int(size * 0.012))
    draw.polygon(_star(centre, size * 0.22, size * 0.088), fill=SEAL_RED)

    # The name around the top of the ring, clockwise, each letter's foot towards the centre.
    text = " ".join(agency_name.upper().split())
    font_size = int(size * 0.075)
    font = ImageFont.truetype(str(font_files()["bold"]), font_size)
    text_radius = (outer + ring_inner) / 2
    widths = [draw.textlength(character, font=font) for character in text]
    total = sum(widths)
    available = 2 * math.pi * text_radius * 0.88
    if total > available:  # a long name: smaller letters rather than overlapping ones
        font_size = int(font_size * available / total)
        font = ImageFont.truetype(str(font_files()["bold"]), font_size)
        widths = [draw.textlength(character, font=font) for character in text]
        total = sum(widths)
    spread = min(total * 1.08, available) / text_radius  # radians covered by the text
    angle = -math.pi / 2 - spread / 2  # centred on the top of the ring
    step_scale = spread / (total / text_radius)
    for character, width in zip(text, widths):
        half = width * step_scale / 2 / text_radius
        angle += half
        if character.strip():
            glyph_box = int(font_size * 1.6)
            glyph = Image.new("RGBA", (glyph_box, glyph_box), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text((glyph_box / 2, glyph_box / 2), character, font=font,
                                       fill=SEAL_RED, anchor="mm")
            glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
            gx = centre + text_radius * math.cos(angle) - glyph_box / 2
            gy = centre + text_radius * math.sin(angle) - glyph_box / 2
            image.alpha_composite(glyph, (int(round(gx)), int(round(gy))))
        angle += half
    image = image.resize((SEAL_SIZE, SEAL_SIZE), Image.LANCZOS)
    return _png(image)


def png_image(png: bytes) -> Image.Image:
    """The PNG as a loaded Pillow image (what pyHanko's PdfImage takes)."""
    image = Image.open(BytesIO(png))
    image.load()
    return image


class PrecompressedImage(PdfImage):
    """A stamp background whose image XObject (and soft mask) is decoded and compressed once per PNG.

    pyHanko's PdfImage decodes the PNG and deflates its pixels (an 800 px seal: several MB raw) for every
    signature; the signer's image and the agency's seal are the same bytes each time, so the compressed
    streams are kept per process and only copied into each signed file.
    """

    def __init__(self, png: bytes, **kwargs):
        self._png = png
        super().__init__(_loaded(png), **kwargs)

    @property
    def image_ref(self) -> generic.IndirectObject:
        image_ref = self._image_ref
        if image_ref is None or image_ref.get_pdf_handler() is not self.writer:
            self._image_ref = image_ref = _add_stream(self.writer, _compressed_streams(self._png))
        return image_ref


@lru_cache(maxsize=64)
def _loaded(png: bytes) -> Image.Image:
    return png_image(png)  # only its size is read, by PdfImage's box


@lru_cache(maxsize=64)
def _compressed_streams(png: bytes) -> tuple:
    """(entries, compressed data, soft mask's own tuple or None) of the image XObject pyHanko would write."""
    return _frozen(pil_image(_loaded(png), PdfFileWriter()).get_object())


def _frozen(stream: generic.StreamObject) -> tuple:
    soft_mask = stream.get("/SMask")
    entries = tuple((key, value) for key, value in stream.items() if key not in ("/SMask", "/Length"))
    return entries, stream.encoded_data, _frozen(soft_mask.get_object()) if soft_mask is not None else None


def _add_stream(writer, frozen: tuple) -> generic.IndirectObject:
    entries, data, soft_mask = frozen
    dictionary = generic.DictionaryObject(dict(entries))
    if soft_mask is not None:
        dictionary[generic.pdf_name("/SMask")] = _add_stream(writer, soft_mask)
    return writer.add_object(generic.StreamObject(dictionary, encoded_data=data))
