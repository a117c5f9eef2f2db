"""Hostile XML is refused with a reason before anything is expanded, fetched or read."""
import base64
import io
import zipfile

import pytest

from app.exchange.edxml import PackageRefused, build_package, parse_any, parse_package

from .samples import full_package, messy_package

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML><MessageHeader><From><OrganId>&secret;</OrganId></From></MessageHeader></edXML>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/evil.dtd"><edXML/>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x">%remote;]><edXML/>"""
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                             for i in range(1, 10))
                  + b']><edXML><MessageHeader><Subject>&lol9;</Subject></MessageHeader></edXML>')
QUADRATIC = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY a "' + b"A" * 50_000 + b'">]><edXML><Subject>'
             + b"&a;" * 50_000 + b"</Subject></edXML>")


@pytest.mark.parametrize("data", [XXE_FILE, EXTERNAL_DTD, PARAMETER_ENTITY, BILLION_LAUGHS, QUADRATIC],
                         ids=["xxe-file", "external-dtd", "parameter-entity", "billion-laughs", "quadratic"])
def test_entity_and_dtd_attacks_are_refused_with_a_reason(data):
    with pytest.raises(PackageRefused) as refused:
        parse_any(data)
    assert "DOCTYPE" in refused.value.reasons[0]
    assert "root:" not in str(refused.value)


def test_a_dtd_hidden_by_utf16_is_refused_after_parsing_without_being_expanded():
    data = XXE_FILE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises(PackageRefused) as refused:
        parse_any(data.encode("utf-16"))
    assert "DOCTYPE" in refused.value.reasons[0]


def test_an_oversized_package_is_refused_before_parsing():
    data = build_package(full_package())
    with pytest.raises(PackageRefused, match="vượt giới hạn"):
        parse_package(data, max_bytes=len(data) - 1)
    assert parse_package(data, max_bytes=len(data)).package.sender.organ_id == "000.00.00.H63"


def test_an_attachment_past_libxml2s_default_text_limit_is_read_whole():
    # A scan of a few dozen pages is one base64 text node over 10 MB; the package limit bounds it instead.
    text = messy_package(attachments=[("cid:1", "application/pdf", "big.pdf", "A" * 12_000_000)])
    parsed = parse_package(text.encode())
    assert len(parsed.package.attachments[0].data) == 9_000_000


def test_a_zip_bomb_attachment_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.pdf", b"\0" * 5_000_000)
    bomb = base64.b64encode(buffer.getvalue()).decode()
    data = messy_package(attachments=[("cid:1", "application/pdf", "bomb.pdf", bomb)]).encode()
    with pytest.raises(PackageRefused, match="vượt giới hạn"):
        parse_package(data, max_attachment_bytes=1_000_000)


@pytest.mark.parametrize(("data", "reason"), [
    (b"not xml at all", "không phải XML hợp lệ"),
    (b"<edXML><MessageHeader></edXML>", "không phải XML hợp lệ"),
    (b"<html><body>hello</body></html>", "không phải gói tin edXML"),
    (b"<edXML><x>&undefined;</x></edXML>", "không phải XML hợp lệ"),
])
def test_malformed_or_foreign_xml_is_refused(data, reason):
    with pytest.raises(PackageRefused, match=reason):
        parse_any(data)
