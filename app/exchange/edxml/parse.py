"""Read edXML document and status packages as real systems send them: tolerant, every deviation a warning.

Elements are found by local name, so a missing or different prefix, a default namespace or no namespace
at all read the same. Refused (PackageRefused) is only what cannot make a document: hostile or broken
XML, no sender, no attachment, an attachment that does not decode; for a status, no status code, a
code not in use, or 02/16 without a reason.
"""
import mimetypes

from flask_babel import gettext as _
from lxml import etree

from .archive import DEFAULT_MAX_ATTACHMENT_BYTES, decode_attachment
from .build import NS
from .model import (
    STATUS_CODES,
    STATUS_NEEDING_REASON,
    Attachment,
    Bussiness,
    BussinessDocumentInfo,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    OtherInfo,
    Parsed,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)
from .safe_xml import DEFAULT_MAX_BYTES, PackageRefused, parse_untrusted
from .values import document_id, is_agency_code, read_bool, read_date, read_int, read_timestamp

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"


def _name(element) -> str | None:
    return etree.QName(element).localname if isinstance(element.tag, str) else None


def _children(element, name: str) -> list:
    return [child for child in element if _name(child) == name] if element is not None else []


def _child(element, name: str):
    children = _children(element, name)
    return children[0] if children else None


def _text(element, name: str) -> str | None:
    child = _child(element, name)
    if child is None:
        return None
    text = (child.text or "").strip()
    return text or None


def _descendant(root, name: str):
    if _name(root) == name:
        return root
    return next((element for element in root.iter() if _name(element) == name), None)


def parse_any(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
              max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> Parsed:
    """A document package or a status package, whichever `data` is."""
    warnings: list[str] = []
    root = parse_untrusted(data, max_bytes=max_bytes, warnings=warnings)
    _check_namespaces(root, warnings)
    if _descendant(root, "MessageHeader") is not None:
        package = _document(root, warnings, max_attachment_bytes)
    elif _descendant(root, "Status") is not None:
        package = _status(_descendant(root, "Status"), warnings)
    else:
        raise PackageRefused([_("Tệp không phải gói tin edXML (không có MessageHeader hay Status).")])
    has_signature = any(_name(element) == "Signature" for element in root.iter())
    return Parsed(package=package, warnings=warnings, has_signature=has_signature, root=root)


def parse_package(data: bytes, **limits) -> Parsed:
    parsed = parse_any(data, **limits)
    if not isinstance(parsed.package, DocumentPackage):
        raise PackageRefused([_("Đây là gói trạng thái, không phải gói văn bản.")])
    return parsed


def parse_status(data: bytes, **limits) -> Parsed:
    parsed = parse_any(data, **limits)
    if not isinstance(parsed.package, StatusPackage):
        raise PackageRefused([_("Đây là gói văn bản, không phải gói trạng thái.")])
    return parsed


def _check_namespaces(root, warnings: list[str]) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace = etree.QName(element).namespace
        if namespace is None and _name(element) not in ("Signature",) and not _in_signature(element):
            warnings.append(_("Gói tin có phần tử không thuộc không gian tên edXML (ví dụ %(tag)s); "
                              "đã đọc theo tên.", tag=_name(element)))
            return
        if namespace not in (None, NS, DSIG_NS) and not _in_signature(element):
            warnings.append(_("Gói tin dùng không gian tên khác chuẩn edXML (%(namespace)s); đã đọc theo tên "
                              "phần tử.", namespace=namespace))
            return


def _in_signature(element) -> bool:
    return any(_name(ancestor) == "Signature" for ancestor in element.iterancestors())


def _organization(element, label: str, warnings: list[str]) -> Organization | None:
    if element is None:
        return None
    organization = Organization(
        organ_id=_text(element, "OrganId"), organization_in_charge=_text(element, "OrganizationInCharge"),
        organ_name=_text(element, "OrganName"), organ_add=_text(element, "OrganAdd"),
        email=_text(element, "Email"), telephone=_text(element, "Telephone"), fax=_text(element, "Fax"),
        website=_text(element, "Website"))
    if organization.organ_id and not is_agency_code(organization.organ_id):
        warnings.append(_("Mã định danh %(code)s của %(party)s không theo dạng 13 ký tự (ccc.cc.cc.Lnn).",
                          code=organization.organ_id, party=label))
    return organization


def _staff_info(element) -> StaffInfo | None:
    if element is None:
        return None
    return StaffInfo(department=_text(element, "Department"), staff=_text(element, "Staff"),
                     mobile=_text(element, "Mobile"), email=_text(element, "Email"))


def _response_for(element, warnings: list[str]) -> ResponseFor:
    return ResponseFor(organ_id=_text(element, "OrganId"), code=_text(element, "Code"),
                       promulgation_date=read_date(_text(element, "PromulgationDate"),
                                                   "ResponseFor/PromulgationDate", warnings),
                       document_id=_text(element, "DocumentId"))


def _document(root, warnings: list[str], max_attachment_bytes: int) -> DocumentPackage:
    header = _descendant(root, "MessageHeader")
    sender = _organization(_child(header, "From"), _("cơ quan gửi"), warnings)
    if sender is None or not sender.organ_id:
        raise PackageRefused([_("Gói tin không có mã định danh cơ quan gửi (From/OrganId).")])
    code = Code(code_number=_text(_child(header, "Code"), "CodeNumber"),
                code_notation=_text(_child(header, "Code"), "CodeNotation"))
    if code.code_number and not code.code_number.isdigit():
        warnings.append(_("Số văn bản \"%(number)s\" không phải là số; đã giữ nguyên.", number=code.code_number))
    promulgation_element = _child(header, "PromulgationInfo")
    promulgation = PromulgationInfo(
        place=_text(promulgation_element, "Place"),
        promulgation_date=read_date(_text(promulgation_element, "PromulgationDate"), _("Ngày ban hành"), warnings))
    package = DocumentPackage(
        sender=sender,
        to=[_organization(element, _("cơ quan nhận"), warnings) for element in _children(header, "To")],
        document_id=_text(header, "DocumentId"), code=code, promulgation=promulgation,
        document_type=_document_type(_child(header, "DocumentType"), warnings),
        subject=_text(header, "Subject"), content=_text(header, "Content"),
        signer=_signer(_child(header, "SignerInfo")),
        due_date=read_date(_text(header, "DueDate"), _("Hạn xử lý"), warnings),
        to_places=[text for element in _children(_child(header, "ToPlaces"), "Place")
                   if (text := (element.text or "").strip())],
        other_info=_other_info(_child(header, "OtherInfo"), warnings),
        response_for=[_response_for(element, warnings) for element in _children(header, "ResponseFor")],
        steering_type=read_int(_text(header, "SteeringType"), "SteeringType", warnings))
    if not package.document_id:
        package.document_id = document_id(sender.organ_id, promulgation.promulgation_date, code.code_number,
                                          code.code_notation)
        warnings.append(_("Gói tin không có DocumentId; đã lập %(id)s.", id=package.document_id))
    trace_list = _descendant(root, "TraceHeaderList")
    package.trace_headers = [
        TraceHeader(organ_id=_text(element, "OrganId"),
                    timestamp=read_timestamp(_text(element, "Timestamp"), "TraceHeader/Timestamp", warnings))
        for element in _children(trace_list, "TraceHeader")]
    package.bussiness = _bussiness(_child(trace_list, "Bussiness"), warnings)
    package.attachments = _attachments(root, warnings, max_attachment_bytes)
    return package


def _document_type(element, warnings: list[str]) -> DocumentType:
    return DocumentType(type=read_int(_text(element, "Type"), "DocumentType/Type", warnings),
                        type_detail=read_int(_text(element, "TypeDetail"), "DocumentType/TypeDetail", warnings),
                        type_name=_text(element, "TypeName"))


def _signer(element) -> SignerInfo | None:
    if element is None:
        return None
    return SignerInfo(competence=_text(element, "Competence"), position=_text(element, "Position"),
                      full_name=_text(element, "FullName"))


def _other_info(element, warnings: list[str]) -> OtherInfo | None:
    if element is None:
        return None
    return OtherInfo(
        priority=read_int(_text(element, "Priority"), _("Độ khẩn"), warnings),
        sphere_of_promulgation=_text(element, "SphereOfPromulgation"),
        typer_notation=_text(element, "TyperNotation"),
        promulgation_amount=read_int(_text(element, "PromulgationAmount"), _("Số bản phát hành"), warnings),
        page_amount=read_int(_text(element, "PageAmount"), _("Số trang"), warnings),
        direction=read_bool(_text(element, "Direction"), "Direction", warnings),
        appendixes=[text for appendix in _children(_child(element, "Appendixes"), "Appendix")
                    if (text := (appendix.text or "").strip())])


def _bussiness(element, warnings: list[str]) -> Bussiness | None:
    if element is None:
        return None
    doc_type = read_int(_text(element, "BussinessDocType"), "BussinessDocType", warnings)
    if doc_type not in (None, 0, 1, 2, 3):
        warnings.append(_("BussinessDocType %(value)s không được dùng; đã coi là văn bản mới.", value=doc_type))
    info_element = _child(element, "BussinessDocumentInfo")
    document_info = None
    if info_element is not None:
        document_info = BussinessDocumentInfo(
            document_info=_text(info_element, "DocumentInfo"),
            document_receiver=_text(info_element, "DocumentReceiver"),
            receivers=[Receiver(receiver_type=_text(item, "ReceiverType"), organ_id=_text(item, "OrganId"))
                       for item in _children(_child(info_element, "ReceiverList"), "Receiver")])
    return Bussiness(
        bussiness_doc_type=doc_type if doc_type in (1, 2, 3) else 0,
        bussiness_doc_reason=_text(element, "BussinessDocReason"), document_info=document_info,
        document_id=_text(element, "DocumentId"), staff_info=_staff_info(_child(element, "StaffInfo")),
        paper=read_int(_text(element, "Paper"), "Paper", warnings),
        replacements=[ReplacementInfo(document_id=_text(item, "DocumentId"),
                                      organ_ids=[text for organ in _children(_child(item, "OrganIdList"), "OrganId")
                                                 if (text := (organ.text or "").strip())])
                      for item in _children(_child(element, "ReplacementInfoList"), "ReplacementInfo")])


def _attachments(root, warnings: list[str], max_bytes: int) -> list[Attachment]:
    references = {}
    for reference in _children(_descendant(root, "edXMLManifest"), "Reference"):
        references.setdefault(_text(reference, "ContentId"), reference)
    attachments = []
    encoded = _descendant(root, "AttachmentEncoded")
    for index, element in enumerate(_children(encoded, "Attachment"), start=1):
        content_id = _text(element, "ContentId")
        reference = references.pop(content_id, None)
        if content_id is None:
            content_id = f"cid:{index}"
            warnings.append(_("Tệp đính kèm thứ %(index)s không có ContentId.", index=index))
        name = (_text(reference, "AttachmentName") or _text(element, "AttachmentName")
                or content_id.removeprefix("cid:"))
        data = decode_attachment(_text(element, "ContentTransferEncoded"), name, warnings, max_bytes=max_bytes)
        attachments.append(Attachment(
            content_id=content_id, name=name, data=data,
            content_type=_content_type(_text(reference, "ContentType") or _text(element, "ContentType"), name),
            description=_text(reference, "Description") or _text(element, "Description")))
    for content_id in references:
        warnings.append(_("Danh mục tệp có %(cid)s nhưng gói tin không kèm tệp đó.", cid=content_id))
    if not attachments:
        raise PackageRefused([_("Gói tin không có tệp đính kèm nào.")])
    return attachments


def _content_type(declared: str | None, name: str) -> str:
    # Some senders declare the transfer form (application/zip) in the manifest too: the name tells more.
    if declared and declared != "application/zip":
        return declared
    return mimetypes.guess_type(name)[0] or declared or "application/octet-stream"


def _status(element, warnings: list[str]) -> StatusPackage:
    sender = _organization(_child(element, "From"), _("cơ quan gửi trạng thái"), warnings)
    if sender is None or not sender.organ_id:
        raise PackageRefused([_("Gói trạng thái không có mã định danh cơ quan gửi (From/OrganId).")])
    code = _text(element, "StatusCode")
    if code and code.isdigit() and len(code) == 1:
        warnings.append(_("Mã trạng thái \"%(code)s\" thiếu số 0 đầu; đã hiểu là %(padded)s.",
                          code=code, padded=code.zfill(2)))
        code = code.zfill(2)
    if code not in STATUS_CODES:
        raise PackageRefused([_("Mã trạng thái \"%(code)s\" không được dùng.", code=code or "")])
    description = _text(element, "Description")
    if code in STATUS_NEEDING_REASON and not description:
        raise PackageRefused([_("Trạng thái %(code)s phải kèm lý do (Description).", code=code)])
    response_element = _child(element, "ResponseFor")
    response = _response_for(response_element, warnings) if response_element is not None else ResponseFor()
    if not response.document_id:
        if not (response.organ_id and response.code):
            raise PackageRefused([_("Gói trạng thái không cho biết văn bản nào (ResponseFor/DocumentId).")])
        response.document_id = document_id(response.organ_id, response.promulgation_date, response.code)
        warnings.append(_("Gói trạng thái không có DocumentId; đã lập %(id)s.", id=response.document_id))
    return StatusPackage(response_for=response, sender=sender, status_code=code, description=description,
                         timestamp=read_timestamp(_text(element, "Timestamp"), "Timestamp", warnings),
                         staff_info=_staff_info(_child(element, "StaffInfo")))
