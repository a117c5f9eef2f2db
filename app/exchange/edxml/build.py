"""Write document and status packages as QCVN 102:2016 edXML.

Every element carries the explicit `edXML:` prefix (the national hub rejected unprefixed children).
Element order: the order of the standard's field numbering (1.1 From … 1.13 SteeringType), with
DocumentId right after To as the Government Office SDK's samples place it; inside TraceHeaderList the
TraceHeaders come before Bussiness. Absent optional values are left out, never written empty.
"""
from flask_babel import gettext as _
from lxml import etree

from .archive import encode_attachment
from .model import (
    STATUS_CODES,
    STATUS_NEEDING_REASON,
    Bussiness,
    DocumentPackage,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusPackage,
)
from .values import format_date, format_timestamp

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
NSMAP = {"edXML": NS}
TRANSFER_CONTENT_TYPE = "application/zip"


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _add(parent, name: str, value=None) -> etree._Element | None:
    """Append `edXML:name` with `value` as text; None values are left out (returns None)."""
    if value is None:
        return None
    element = etree.SubElement(parent, q(name))
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value != "":
        element.text = str(value)
    return element


def _group(parent, name: str) -> etree._Element:
    return etree.SubElement(parent, q(name))


def _organization(parent, name: str, organization: Organization) -> None:
    element = _group(parent, name)
    for tag, value in (("OrganId", organization.organ_id),
                       ("OrganizationInCharge", organization.organization_in_charge),
                       ("OrganName", organization.organ_name), ("OrganAdd", organization.organ_add),
                       ("Email", organization.email), ("Telephone", organization.telephone),
                       ("Fax", organization.fax), ("Website", organization.website)):
        _add(element, tag, value)


def _response_for(parent, response: ResponseFor) -> None:
    element = _group(parent, "ResponseFor")
    _add(element, "OrganId", response.organ_id)
    _add(element, "Code", response.code)
    _add(element, "PromulgationDate", format_date(response.promulgation_date))
    _add(element, "DocumentId", response.document_id)


def _staff_info(parent, staff: StaffInfo | None) -> None:
    if staff is None:
        return
    element = _group(parent, "StaffInfo")
    _add(element, "Department", staff.department)
    _add(element, "Staff", staff.staff)
    _add(element, "Mobile", staff.mobile)
    _add(element, "Email", staff.email)


def _message_header(parent, package: DocumentPackage) -> None:
    header = _group(parent, "MessageHeader")
    _organization(header, "From", package.sender)
    for recipient in package.to:
        _organization(header, "To", recipient)
    _add(header, "DocumentId", package.document_id)
    code = _group(header, "Code")
    _add(code, "CodeNumber", package.code.code_number)
    _add(code, "CodeNotation", package.code.code_notation)
    promulgation = _group(header, "PromulgationInfo")
    _add(promulgation, "Place", package.promulgation.place)
    _add(promulgation, "PromulgationDate", format_date(package.promulgation.promulgation_date))
    document_type = _group(header, "DocumentType")
    _add(document_type, "Type", package.document_type.type)
    _add(document_type, "TypeDetail", package.document_type.type_detail)
    _add(document_type, "TypeName", package.document_type.type_name)
    _add(header, "Subject", package.subject)
    _add(header, "Content", package.content)
    if package.signer is not None:
        signer = _group(header, "SignerInfo")
        _add(signer, "Competence", package.signer.competence)
        _add(signer, "Position", package.signer.position)
        _add(signer, "FullName", package.signer.full_name)
    _add(header, "DueDate", format_date(package.due_date))
    if package.to_places:
        places = _group(header, "ToPlaces")
        for place in package.to_places:
            _add(places, "Place", place)
    if package.other_info is not None:
        _other_info(header, package.other_info)
    for response in package.response_for:
        _response_for(header, response)
    _add(header, "SteeringType", package.steering_type)


def _other_info(parent, info) -> None:
    element = _group(parent, "OtherInfo")
    _add(element, "Priority", info.priority)
    _add(element, "SphereOfPromulgation", info.sphere_of_promulgation)
    _add(element, "TyperNotation", info.typer_notation)
    _add(element, "PromulgationAmount", info.promulgation_amount)
    _add(element, "PageAmount", info.page_amount)
    _add(element, "Direction", info.direction)
    if info.appendixes:
        appendixes = _group(element, "Appendixes")
        for appendix in info.appendixes:
            _add(appendixes, "Appendix", appendix)


def _trace_header_list(parent, package: DocumentPackage) -> None:
    trace_list = _group(parent, "TraceHeaderList")
    for trace in package.trace_headers:
        element = _group(trace_list, "TraceHeader")
        _add(element, "OrganId", trace.organ_id)
        _add(element, "Timestamp", format_timestamp(trace.timestamp))
    if package.bussiness is not None:
        _bussiness(trace_list, package.bussiness)


def _bussiness(parent, bussiness: Bussiness) -> None:
    element = _group(parent, "Bussiness")
    _add(element, "BussinessDocType", bussiness.bussiness_doc_type)
    _add(element, "BussinessDocReason", bussiness.bussiness_doc_reason)
    if bussiness.document_info is not None:
        info = _group(element, "BussinessDocumentInfo")
        _add(info, "DocumentInfo", bussiness.document_info.document_info)
        _add(info, "DocumentReceiver", bussiness.document_info.document_receiver)
        if bussiness.document_info.receivers:
            receivers = _group(info, "ReceiverList")
            for receiver in bussiness.document_info.receivers:
                item = _group(receivers, "Receiver")
                _add(item, "ReceiverType", receiver.receiver_type)
                _add(item, "OrganId", receiver.organ_id)
    _add(element, "DocumentId", bussiness.document_id)
    _staff_info(element, bussiness.staff_info)
    _add(element, "Paper", bussiness.paper)
    if bussiness.replacements:
        replacements = _group(element, "ReplacementInfoList")
        for replacement in bussiness.replacements:
            item = _group(replacements, "ReplacementInfo")
            _add(item, "DocumentId", replacement.document_id)
            organ_ids = _group(item, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _add(organ_ids, "OrganId", organ_id)


def document_tree(package: DocumentPackage) -> etree._Element:
    """The package as an lxml tree (unsigned)."""
    if not package.attachments:
        raise ValueError(_("Gói tin phải có ít nhất một tệp đính kèm."))
    root = etree.Element(q("edXML"), nsmap=NSMAP)
    envelope = _group(root, "edXMLEnvelope")
    header = _group(envelope, "edXMLHeader")
    _message_header(header, package)
    _trace_header_list(header, package)
    manifest = _group(_group(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _group(root, "AttachmentEncoded")
    for attachment in package.attachments:
        reference = _group(manifest, "Reference")
        _add(reference, "ContentId", attachment.content_id)
        _add(reference, "ContentType", attachment.content_type)
        _add(reference, "Description", attachment.description)
        _add(reference, "AttachmentName", attachment.name)
        item = _group(encoded, "Attachment")
        _add(item, "ContentId", attachment.content_id)
        _add(item, "AttachmentName", attachment.name)
        _add(item, "Description", attachment.description)
        _add(item, "ContentType", TRANSFER_CONTENT_TYPE)
        _add(item, "ContentTransferEncoded", encode_attachment(attachment.name, attachment.data))
    return root


def status_tree(status: StatusPackage) -> etree._Element:
    """The status package as an lxml tree (unsigned); ValueError for a code not in use or a missing reason."""
    if status.status_code not in STATUS_CODES:
        raise ValueError(_("Mã trạng thái %(code)s không được dùng.", code=status.status_code))
    if status.status_code in STATUS_NEEDING_REASON and not (status.description or "").strip():
        raise ValueError(_("Trạng thái %(code)s phải kèm lý do.", code=status.status_code))
    root = etree.Element(q("edXMLEnvelope"), nsmap=NSMAP)
    header = _group(root, "edXMLHeader")
    element = _group(header, "Status")
    _response_for(element, status.response_for)
    _organization(element, "From", status.sender)
    _add(element, "StatusCode", status.status_code)
    _add(element, "Description", status.description)
    _add(element, "Timestamp", format_timestamp(status.timestamp))
    _staff_info(element, status.staff_info)
    _group(root, "edXMLBody")
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_package(package: DocumentPackage) -> bytes:
    """The unsigned package bytes; `signature.sign_package` adds the header signature."""
    return serialize(document_tree(package))


def build_status(status: StatusPackage) -> bytes:
    return serialize(status_tree(status))
