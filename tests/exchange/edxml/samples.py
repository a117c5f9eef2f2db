"""Packages for the edXML tests: one with every field filled, and a messy real-world style text."""
import base64
import io
import zipfile
from datetime import date, datetime

from app.exchange.edxml import (
    Attachment,
    Bussiness,
    BussinessDocumentInfo,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    document_id,
)
from app.vietnam_time import VIETNAM

PDF = b"%PDF-1.7\n% t\xe1\xbb\x87p th\xe1\xbb\xad\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


def full_package() -> DocumentPackage:
    """A package with every header field of DOMAIN.md filled (an update, so BussinessDocumentInfo too)."""
    return DocumentPackage(
        sender=Organization("000.00.00.H63", "Ủy ban nhân dân tỉnh Yên Bái", "Văn phòng UBND tỉnh Yên Bái",
                            "Số 2 Hòa Bình, TP Yên Bái", "vanthu@yenbai.gov.vn", "0216 3852 456", "0216 3852 457",
                            "https://yenbai.gov.vn"),
        to=[Organization("000.00.00.G22", "Văn phòng Chính phủ", "Văn phòng Chính phủ"),
            Organization("000.00.12.H63", organ_name="Sở Nội vụ tỉnh Yên Bái")],
        document_id=document_id("000.00.00.H63", date(2026, 3, 4), "125", "UBND-VP"),
        code=Code("125", "UBND-VP"),
        promulgation=PromulgationInfo("Yên Bái", date(2026, 3, 4)),
        document_type=DocumentType(1, 0, "Công văn"),
        subject="V/v triển khai liên thông văn bản điện tử & <thử> ký tự đặc biệt",
        content="Nội dung tóm tắt: đề nghị các cơ quan phối hợp.",
        signer=SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn Thắng"),
        due_date=date(2026, 3, 20),
        to_places=["Như trên", "Lưu: VT, NC"],
        other_info=OtherInfo(priority=2, sphere_of_promulgation="Liên thông văn bản quốc gia", typer_notation="VT",
                             promulgation_amount=5, page_amount=3, direction=True,
                             appendixes=["Phụ lục I: Danh sách cơ quan", "Phụ lục II"]),
        response_for=[ResponseFor("000.00.00.G22", "7816/VPCP-TTĐT", date(2015, 9, 30),
                                  "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")],
        steering_type=1,
        trace_headers=[TraceHeader("000.00.00.H63", datetime(2026, 3, 4, 9, 30, 15, tzinfo=VIETNAM)),
                       TraceHeader("000.00.00.G22", datetime(2026, 3, 4, 9, 31, tzinfo=VIETNAM))],
        bussiness=Bussiness(
            bussiness_doc_type=2, bussiness_doc_reason="Cập nhật nơi nhận",
            document_info=BussinessDocumentInfo("1", "1", [Receiver("1", "000.00.12.H63"),
                                                           Receiver("0", "000.00.13.H63")]),
            document_id="000.00.00.H63,2026/03/04,125/UBND-VP",
            staff_info=StaffInfo("Văn thư", "Trần Thị Bình", "0912000001", "binh@yenbai.gov.vn"), paper=1,
            replacements=[ReplacementInfo("000.00.00.H63,2026/03/01,120/UBND-VP",
                                          ["000.00.12.H63", "000.00.13.H63"])]),
        attachments=[Attachment("cid:1", "125-UBND-VP.pdf", PDF, "application/pdf", "Công văn 125"),
                     Attachment("cid:2", "Phụ lục I.docx", b"PK-not-really-docx" * 10,
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])


def full_status(code: str = "03", description: str | None = "Đã vào sổ văn bản đến") -> StatusPackage:
    return StatusPackage(
        response_for=ResponseFor("000.00.00.H63", "125/UBND-VP", date(2026, 3, 4),
                                 "000.00.00.H63,2026/03/04,125/UBND-VP"),
        sender=Organization("000.00.00.G22", "Văn phòng Chính phủ", "Văn phòng Chính phủ", "1 Hoàng Hoa Thám",
                            "vanthu@chinhphu.vn", "080 43100", "080 44130", "https://chinhphu.vn"),
        status_code=code, description=description,
        timestamp=datetime(2026, 3, 4, 10, 5, 0, tzinfo=VIETNAM),
        staff_info=StaffInfo("Phòng Hành chính", "Lê Văn Cường", "0912000002", "cuong@chinhphu.vn"))


def zipped_b64(name: str, data: bytes) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return base64.b64encode(buffer.getvalue()).decode()


def messy_package(*, organ_id="000.00.00.G22", code_number="7816", date_text="2015/09/30",
                  document_id_element="<DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</DocumentId>",
                  attachments=None, prefix="", namespace=True, other="") -> str:
    """A package written like the national axis samples: default namespace, unprefixed children."""
    if attachments is None:
        attachments = [("cid:209", "application/zip", "QD-TTg.pdf", zipped_b64("QD-TTg.pdf", PDF))]
    xmlns = ' xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"' if namespace else ""
    references = "".join(f"<Reference><ContentId>{cid}</ContentId><ContentType>{ctype}</ContentType>"
                         f"<AttachmentName>{name}</AttachmentName></Reference>" for cid, ctype, name, _b in attachments)
    encoded = "".join(f"<Attachment><ContentId>{cid}</ContentId><AttachmentName>{name}</AttachmentName>"
                      f"<ContentTransferEncoded>{b64}</ContentTransferEncoded></Attachment>"
                      for cid, _t, name, b64 in attachments)
    return (f'{prefix}<?xml version="1.0" encoding="UTF-8"?>\n<edXML{xmlns}><edXMLEnvelope><edXMLHeader>'
            f'<MessageHeader><From><OrganId>{organ_id}</OrganId><OrganName>Văn phòng Chính phủ</OrganName></From>'
            f'<To><OrganId>000.00.00.H63</OrganId></To>{document_id_element}'
            f'<Code><CodeNumber>{code_number}</CodeNumber><CodeNotation>VPCP-TTĐT</CodeNotation></Code>'
            f'<PromulgationInfo><Place>Hà Nội</Place><PromulgationDate>{date_text}</PromulgationDate>'
            f'</PromulgationInfo><Subject>V/v kết nối</Subject>{other}</MessageHeader>'
            f'<TraceHeaderList><TraceHeader><OrganId>000.00.00.G22</OrganId>'
            f'<Timestamp>2018/09/28 00:00:00</Timestamp></TraceHeader></TraceHeaderList></edXMLHeader>'
            f'<edXMLBody><edXMLManifest version="1.0">{references}</edXMLManifest></edXMLBody></edXMLEnvelope>'
            f'<AttachmentEncoded>{encoded}</AttachmentEncoded></edXML>')
