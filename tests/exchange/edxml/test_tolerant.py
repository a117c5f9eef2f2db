"""Messy real-world packages still make a document, each problem a Vietnamese warning; only what
cannot make a document is refused."""
import base64
from datetime import date

import pytest

from app.exchange.edxml import PackageRefused, parse_any, parse_package, parse_status

from .samples import PDF, messy_package, zipped_b64


def parse(text: str, **kwargs):
    return parse_package(text.encode("utf-8"), **kwargs)


def test_the_axis_sample_style_reads_without_warnings():
    parsed = parse(messy_package())
    assert parsed.warnings == []
    package = parsed.package
    assert package.sender.organ_id == "000.00.00.G22"
    assert package.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert package.promulgation.promulgation_date == date(2015, 9, 30)
    assert package.attachments[0].data == PDF
    # The manifest declared the transfer form (application/zip): the file name tells the real type.
    assert package.attachments[0].content_type == "application/pdf"


@pytest.mark.parametrize("prefix", ["\ufeff", "  \r\n\t", "\ufeff\n"])
def test_a_bom_or_whitespace_before_the_declaration_is_dropped_silently(prefix):
    assert parse(messy_package(prefix=prefix)).warnings == []


def test_stray_bytes_before_the_declaration_are_dropped_with_a_warning():
    parsed = parse(messy_package(prefix="1212"))
    assert parsed.package.sender.organ_id == "000.00.00.G22"
    assert parsed.warnings == ["Có 4 byte lạ trước khai báo XML; đã bỏ qua."]


def test_elements_in_no_namespace_are_read_by_name_with_a_warning():
    parsed = parse(messy_package(namespace=False))
    assert parsed.package.subject == "V/v kết nối"
    assert len(parsed.warnings) == 1 and "không gian tên" in parsed.warnings[0]


def test_mixed_prefixes_read_the_same():
    text = messy_package().replace("<Subject>V/v kết nối</Subject>",
                                   '<e:Subject xmlns:e="http://www.mic.gov.vn/TBT/QCVN_102_2016">V/v kết nối</e:Subject>')
    parsed = parse(text)
    assert parsed.warnings == [] and parsed.package.subject == "V/v kết nối"


def test_an_agency_code_off_the_pattern_is_kept_with_a_warning():
    parsed = parse(messy_package(organ_id="vxp.saas.03"))
    assert parsed.package.sender.organ_id == "vxp.saas.03"
    assert parsed.warnings == ["Mã định danh vxp.saas.03 của cơ quan gửi không theo dạng 13 ký tự (ccc.cc.cc.Lnn)."]


def test_a_code_number_that_is_not_a_number_is_kept_as_text_with_a_warning():
    parsed = parse(messy_package(code_number="74fass22"))
    assert parsed.package.code.code_number == "74fass22"
    assert parsed.warnings == ['Số văn bản "74fass22" không phải là số; đã giữ nguyên.']


@pytest.mark.parametrize(("text", "day"), [
    ("30/09/2015", date(2015, 9, 30)), ("2015-09-30", date(2015, 9, 30)),
    ("2015-09-30T08:15:00+07:00", date(2015, 9, 30)), ("30/09/2015 08:15:00", date(2015, 9, 30))])
def test_dates_in_other_forms_are_understood_with_a_warning(text, day):
    parsed = parse(messy_package(date_text=text))
    assert parsed.package.promulgation.promulgation_date == day
    assert parsed.warnings == [f'Ngày ban hành "{text}" không theo dạng yyyy/MM/dd; đã hiểu là 30/09/2015.']


def test_an_unreadable_date_is_left_empty_with_a_warning():
    parsed = parse(messy_package(date_text="ngày 30 tháng 9"))
    assert parsed.package.promulgation.promulgation_date is None
    assert parsed.warnings == ['Ngày ban hành "ngày 30 tháng 9" không đọc được là ngày; đã bỏ qua.']


def test_a_missing_document_id_is_derived_from_sender_date_and_code():
    parsed = parse(messy_package(document_id_element=""))
    assert parsed.package.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert parsed.warnings == ["Gói tin không có DocumentId; đã lập 000.00.00.G22,2015/09/30,7816/VPCP-TTĐT."]


def test_bad_numbers_in_optional_fields_are_dropped_with_a_warning():
    parsed = parse(messy_package(other="<OtherInfo><Priority>khẩn</Priority><Direction>có</Direction></OtherInfo>"
                                       "<SteeringType>1</SteeringType>"))
    assert parsed.package.other_info.priority is None and parsed.package.steering_type == 1
    assert parsed.warnings == ['Độ khẩn "khẩn" không phải là số; đã bỏ qua.',
                               'Direction "có" không phải là true/false; đã bỏ qua.']


def test_an_attachment_sent_without_zip_is_kept_with_a_warning():
    raw = base64.b64encode(PDF).decode()
    parsed = parse(messy_package(attachments=[("cid:1", "application/pdf", "a.pdf", raw)]))
    assert parsed.package.attachments[0].data == PDF
    assert parsed.warnings == ['Tệp đính kèm "a.pdf" không được nén zip như quy định; đã nhận nguyên bản.']


def test_a_manifest_reference_without_its_attachment_is_a_warning():
    text = messy_package().replace("</edXMLManifest>", "<Reference><ContentId>cid:404</ContentId></Reference>"
                                                        "</edXMLManifest>")
    assert parse(text).warnings == ["Danh mục tệp có cid:404 nhưng gói tin không kèm tệp đó."]


@pytest.mark.parametrize(("text", "reason"), [
    (messy_package(attachments=[]), "không có tệp đính kèm"),
    (messy_package(organ_id=""), "không có mã định danh cơ quan gửi"),
    (messy_package(attachments=[("cid:1", "application/pdf", "a.pdf", "@@@ not base64 @@@")]), "base64 hỏng"),
    (messy_package(attachments=[("cid:1", "application/pdf", "a.pdf", base64.b64encode(b"PK\x03\x04broken").decode())]),
     "zip hỏng"),
])
def test_what_cannot_make_a_document_is_refused(text, reason):
    with pytest.raises(PackageRefused) as refused:
        parse(text)
    assert reason in refused.value.reasons[0]


SOAP_STATUS = """<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header>
<edXML:Status xmlns:edXML="http://schemas.xmlsoap.org/soap/envelope/"><edXML:ResponseFor>
<edXML:OrganId>000.00.00.H63</edXML:OrganId><edXML:Code>125/UBND-VP</edXML:Code>
<edXML:PromulgationDate>04/03/2026</edXML:PromulgationDate>{document_id}</edXML:ResponseFor>
<edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:From><edXML:StatusCode>{code}</edXML:StatusCode>
<edXML:Description>{description}</edXML:Description><edXML:Timestamp>04/03/2026 10:05:00</edXML:Timestamp>
<edXML:StaffInfo><edXML:Department>VT</edXML:Department><edXML:Staff>Lê Văn C</edXML:Staff></edXML:StaffInfo>
</edXML:Status></SOAP-ENV:Header><SOAP-ENV:Body/></SOAP-ENV:Envelope>"""


def status(code="3", description="", document_id="<edXML:DocumentId>000.00.00.H63,2026/03/04,125/UBND-VP</edXML:DocumentId>"):
    return SOAP_STATUS.format(code=code, description=description, document_id=document_id).encode()


def test_a_status_in_the_soap_form_of_some_gateways_is_read_with_warnings():
    parsed = parse_status(status())
    assert parsed.package.status_code == "03"
    assert parsed.package.response_for.promulgation_date == date(2026, 3, 4)
    assert parsed.package.staff_info.staff == "Lê Văn C"
    assert parsed.warnings == [
        "Gói tin dùng không gian tên khác chuẩn edXML (http://schemas.xmlsoap.org/soap/envelope/); "
        "đã đọc theo tên phần tử.",
        'Mã trạng thái "3" thiếu số 0 đầu; đã hiểu là 03.',
        'ResponseFor/PromulgationDate "04/03/2026" không theo dạng yyyy/MM/dd; đã hiểu là 04/03/2026.',
        'Timestamp "04/03/2026 10:05:00" không theo dạng yyyy/MM/dd HH:mm:ss.']


def test_a_status_without_document_id_is_correlated_by_sender_date_and_code():
    parsed = parse_status(status(document_id=""))
    assert parsed.package.response_for.document_id == "000.00.00.H63,2026/03/04,125/UBND-VP"


@pytest.mark.parametrize(("code", "description", "reason"), [
    ("02", "", "phải kèm lý do"), ("16", "", "phải kèm lý do"), ("09", "x", "không được dùng"),
    ("", "x", "không được dùng")])
def test_a_status_that_cannot_be_applied_is_refused(code, description, reason):
    with pytest.raises(PackageRefused) as refused:
        parse_status(status(code, description))
    assert reason in refused.value.reasons[0]


def test_the_wrong_kind_of_package_is_refused_by_the_specific_parsers():
    with pytest.raises(PackageRefused, match="gói trạng thái"):
        parse_package(status())
    with pytest.raises(PackageRefused, match="gói văn bản"):
        parse_status(messy_package().encode())
    assert parse_any(status()).package.status_code == "03"


def test_zipped_attachment_helper_matches_the_axis_form():
    assert base64.b64decode(zipped_b64("x.pdf", PDF)).startswith(b"PK\x03\x04")
