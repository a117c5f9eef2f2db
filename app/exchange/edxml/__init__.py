"""edXML (QCVN 102:2016) packages: the typed model, the builder, the safe and tolerant parser, XML-DSig."""
from .build import build_package, build_status
from .model import (
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
from .parse import parse_any, parse_package, parse_status
from .safe_xml import PackageRefused
from .values import document_id

__all__ = [
    "Attachment", "Bussiness", "BussinessDocumentInfo", "Code", "DocumentPackage", "DocumentType", "Organization",
    "OtherInfo", "PackageRefused", "Parsed", "PromulgationInfo", "Receiver", "ReplacementInfo", "ResponseFor",
    "SignerInfo", "StaffInfo", "StatusPackage", "TraceHeader", "build_package", "build_status", "document_id",
    "parse_any", "parse_package", "parse_status",
]
