"""Golden tests of built packages: strict prefixes, element order, attachment encoding."""
import base64
import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from app.exchange.edxml import build_package, build_status
from app.exchange.edxml.build import NS

from .samples import PDF, full_package, full_status

GOLDEN = Path(__file__).parent / "golden"
_ENCODED = re.compile(r"(<edXML:ContentTransferEncoded>)[^<]*(</edXML:ContentTransferEncoded>)")


def normalised(xml: bytes) -> str:
    """The package text with the attachment bytes (zlib's output may vary by version) blanked."""
    return _ENCODED.sub(r"\1…\2", xml.decode("utf-8"))


@pytest.mark.parametrize(("built", "golden"), [
    (lambda: build_package(full_package()), "document.xml"),
    (lambda: build_status(full_status()), "status.xml"),
])
def test_built_package_matches_the_golden_file(built, golden):
    assert normalised(built()) == (GOLDEN / golden).read_text(encoding="utf-8")


def test_every_element_carries_the_edxml_prefix():
    xml = build_package(full_package())
    root = etree.fromstring(xml)
    elements = list(root.iter())
    assert len(elements) > 80
    assert {element.prefix for element in elements} == {"edXML"}
    assert {etree.QName(element).namespace for element in elements} == {NS}
    assert b"xmlns=" not in xml  # no default namespace anywhere


def test_message_header_children_follow_the_standard_order():
    root = etree.fromstring(build_package(full_package()))
    header = root.find(f".//{{{NS}}}MessageHeader")
    assert [etree.QName(child).localname for child in header] == [
        "From", "To", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content",
        "SignerInfo", "DueDate", "ToPlaces", "OtherInfo", "ResponseFor", "SteeringType"]


def test_attachments_are_zipped_then_base64_with_the_same_ids_as_the_manifest():
    root = etree.fromstring(build_package(full_package()))
    references = root.findall(f".//{{{NS}}}Reference")
    attachments = root.findall(f"{{{NS}}}AttachmentEncoded/{{{NS}}}Attachment")
    assert [r.findtext(f"{{{NS}}}ContentId") for r in references] == ["cid:1", "cid:2"]
    assert [a.findtext(f"{{{NS}}}ContentId") for a in attachments] == ["cid:1", "cid:2"]
    assert attachments[0].findtext(f"{{{NS}}}ContentType") == "application/zip"
    assert references[0].findtext(f"{{{NS}}}ContentType") == "application/pdf"
    raw = base64.b64decode(attachments[0].findtext(f"{{{NS}}}ContentTransferEncoded"))
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.namelist() == ["125-UBND-VP.pdf"]
        assert archive.read("125-UBND-VP.pdf") == PDF


def test_the_same_package_builds_to_the_same_bytes():
    assert build_package(full_package()) == build_package(full_package())


def test_a_package_without_attachment_is_not_built():
    package = full_package()
    package.attachments = []
    with pytest.raises(ValueError, match="tệp đính kèm"):
        build_package(package)


@pytest.mark.parametrize(("code", "description", "message"), [
    ("02", None, "lý do"), ("16", "  ", "lý do"), ("07", "x", "không được dùng")])
def test_a_status_without_its_reason_or_with_a_code_not_in_use_is_not_built(code, description, message):
    with pytest.raises(ValueError, match=message):
        build_status(full_status(code, description))
