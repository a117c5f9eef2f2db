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


def _record(parent, name: str, *fields: tuple[str, object]) -> etree._Element:
    """Append `edXML:name` holding one child per (tag, value), in the order given."""
    element = _group(parent, name)
    for tag, value in fields:
        _add(element, tag, value)
    return element


def _organization(parent, name: str, organization: Organization) -> None:
    _record(parent, name, ("OrganId", organization.organ_id),
            ("OrganizationInCharge", organization.organization_in_charge), ("OrganName", organization.organ_name),
            ("OrganAdd", organization.organ_add), ("Email", organization.email),
            ("Telephone", organization.telephone), ("Fax", organization.fax), ("Website", organization.website))


def _response_for(parent, response: ResponseFor) -> None:
    _record(parent, "ResponseFor", ("OrganId", response.organ_id), ("Code", response.code),
            ("PromulgationDate", format_date(response.promulgation_date)), ("DocumentId", response.document_id))


def _staff_info(parent, staff: StaffInfo | None) -> None:
    if staff is not None:
        _record(parent, "StaffInfo", ("Department", staff.department), ("Staff", staff.staff),
                ("Mobile", staff.mobile), ("Email", staff.email))


def _list(parent, name: str, item: str, values: list[str]) -> None:
    if values:
        _record(parent, name, *((item, value) for value in values))


def _message_header(parent, package: DocumentPackage) -> None:
    header = _group(parent, "MessageHeader")
    _organization(header, "From", package.sender)
    for recipient in package.to:
        _organization(header, "To", recipient)
    _add(header, "DocumentId", package.document_id)
    _record(header, "Code", ("CodeNumber", package.code.code_number), ("CodeNotation", package.code.code_notation))
    _record(header, "PromulgationInfo", ("Place", package.promulgation.place),
            ("PromulgationDate", format_date(package.promulgation.promulgation_date)))
    _record(header, "DocumentType", ("Type", package.document_type.type),
            ("TypeDetail", package.document_type.type_detail), ("TypeName", package.document_type.type_name))
    _add(header, "Subject", package.subject)
    _add(header, "Content", package.content)
    if package.signer is not None:
        _record(header, "SignerInfo", ("Competence", package.signer.competence),
                ("Position", package.signer.position), ("FullName", package.signer.full_name))
    _add(header, "DueDate", format_date(package.due_date))
    _list(header, "ToPlaces", "Place", package.to_places)
    if package.other_info is not None:
        _other_info(header, package.other_info)
    for response in package.response_for:
        _response_for(header, response)
    _add(header, "SteeringType", package.steering_type)


def _other_info(parent, info) -> None:
    element = _record(parent, "OtherInfo", ("Priority", info.priority),
                      ("SphereOfPromulgation", info.sphere_of_promulgation), ("TyperNotation", info.typer_notation),
                      ("PromulgationAmount", info.promulgation_amount), ("PageAmount", info.page_amount),
                      ("Direction", info.direction))
    _list(element, "Appendixes", "Appendix", info.appendixes)


def _trace_header_list(parent, package: DocumentPackage) -> None:
    trace_list = _group(parent, "TraceHeaderList")
    for trace in package.trace_headers:
        _record(trace_list, "TraceHeader", ("OrganId", trace.organ_id),
                ("Timestamp", format_timestamp(trace.timestamp)))
    if package.bussiness is not None:
        _bussiness(trace_list, package.bussiness)


def _bussiness(parent, bussiness: Bussiness) -> None:
    element = _record(parent, "Bussiness", ("BussinessDocType", bussiness.bussiness_doc_type),
                      ("BussinessDocReason", bussiness.bussiness_doc_reason))
    if bussiness.document_info is not None:
        info = _record(element, "BussinessDocumentInfo", ("DocumentInfo", bussiness.document_info.document_info),
                       ("DocumentReceiver", bussiness.document_info.document_receiver))
        if bussiness.document_info.receivers:
            receivers = _group(info, "ReceiverList")
            for receiver in bussiness.document_info.receivers:
                _record(receivers, "Receiver", ("ReceiverType", receiver.receiver_type), ("OrganId", receiver.organ_id))
    _add(element, "DocumentId", bussiness.document_id)
    _staff_info(element, bussiness.staff_info)
    _add(element, "Paper", bussiness.paper)
    if bussiness.replacements:
        replacements = _group(element, "ReplacementInfoList")
        for replacement in bussiness.replacements:
            item = _record(replacements, "ReplacementInfo", ("DocumentId", replacement.document_id))
            _record(item, "OrganIdList", *(("OrganId", organ_id) for organ_id in replacement.organ_ids))


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
        _record(manifest, "Reference", ("ContentId", attachment.content_id),
                ("ContentType", attachment.content_type), ("Description", attachment.description),
                ("AttachmentName", attachment.name))
        _record(encoded, "Attachment", ("ContentId", attachment.content_id), ("AttachmentName", attachment.name),
                ("Description", attachment.description), ("ContentType", TRANSFER_CONTENT_TYPE),
                ("ContentTransferEncoded", encode_attachment(attachment.name, attachment.data)))
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
