"""Is this file PDF/A? The three things an archive checks first, read with pikepdf.

1. The PDF/A identification in the XMP metadata (pdfaid:part and pdfaid:conformance).
2. An OutputIntent of subtype GTS_PDFA1 with its ICC profile, so colours mean the same in 50 years.
3. Every font embedded: a FontFile, FontFile2 or FontFile3 in the descriptor of each font the pages,
   their form XObjects and annotation appearances use (Type 3 fonts are drawn by the file itself).

Not a full validator (veraPDF checks some hundred more rules); it catches what a conversion that went
wrong, or a plain PDF passed off as PDF/A, gets wrong.
"""
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

EMBEDDED_FONT_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")
MAX_DEPTH = 12  # forms nested in forms: a hostile file could loop, so the walk stops here


@dataclass
class PdfaReport:
    part: str = ""
    conformance: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_pdfa(path: Path) -> PdfaReport:
    """What keeps the file at `path` from being PDF/A (an empty `problems` list: it passes)."""
    report = PdfaReport()
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, pikepdf.PasswordError, OSError):
        report.problems.append("Không đọc được tệp PDF.")
        return report
    with pdf:
        _check_identification(pdf, report)
        _check_output_intent(pdf, report)
        missing = sorted(_unembedded_fonts(pdf))
        if missing:
            report.problems.append("Phông chữ chưa được nhúng: " + ", ".join(missing[:10]) + ".")
    return report


def _check_identification(pdf: pikepdf.Pdf, report: PdfaReport) -> None:
    try:
        metadata = pdf.open_metadata()
        report.part = str(metadata.get("pdfaid:part", "") or "")
        report.conformance = str(metadata.get("pdfaid:conformance", "") or "")
    except Exception:  # noqa: BLE001 — a broken XMP packet is one more reason, not a crash
        report.problems.append("Siêu dữ liệu XMP không đọc được.")
        return
    if not report.part or not report.conformance:
        report.problems.append("Thiếu nhận dạng PDF/A (pdfaid:part, pdfaid:conformance) trong siêu dữ liệu XMP.")
    elif report.part not in ("1", "2", "3", "4"):
        report.problems.append(f"Phần PDF/A không hợp lệ: {report.part}.")


def _check_output_intent(pdf: pikepdf.Pdf, report: PdfaReport) -> None:
    intents = pdf.Root.get("/OutputIntents")
    found = isinstance(intents, pikepdf.Array) and any(
        isinstance(intent, pikepdf.Dictionary) and intent.get("/S") == pikepdf.Name("/GTS_PDFA1")
        and isinstance(intent.get("/DestOutputProfile"), pikepdf.Stream) for intent in intents)
    if not found:
        report.problems.append("Thiếu OutputIntent PDF/A (GTS_PDFA1) kèm hồ sơ màu ICC.")


def _unembedded_fonts(pdf: pikepdf.Pdf) -> set[str]:
    missing: set[str] = set()
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        _walk_resources(page.obj.get("/Resources"), missing, seen, 0)
        for annotation in page.obj.get("/Annots", []) or []:
            appearance = annotation.get("/AP") if isinstance(annotation, pikepdf.Dictionary) else None
            if isinstance(appearance, pikepdf.Dictionary):
                for state in appearance.values():
                    for stream in state.values() if isinstance(state, pikepdf.Dictionary) else [state]:
                        if isinstance(stream, pikepdf.Stream):
                            _walk_resources(stream.get("/Resources"), missing, seen, 1)
    return missing


def _walk_resources(resources, missing: set[str], seen: set, depth: int) -> None:
    if not isinstance(resources, pikepdf.Dictionary) or depth > MAX_DEPTH:
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    for font in (resources.get("/Font") or {}).values():
        if isinstance(font, pikepdf.Dictionary) and not _embedded(font):
            missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    for xobject in (resources.get("/XObject") or {}).values():
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == pikepdf.Name("/Form"):
            _walk_resources(xobject.get("/Resources"), missing, seen, depth + 1)


def _embedded(font: pikepdf.Dictionary) -> bool:
    subtype = font.get("/Subtype")
    if subtype == pikepdf.Name("/Type3"):
        return True
    if subtype == pikepdf.Name("/Type0"):
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) == 0:
            return False
        font = descendants[0]
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(key in descriptor for key in EMBEDDED_FONT_KEYS)
