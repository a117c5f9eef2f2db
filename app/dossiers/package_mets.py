"""METS.xml of a preservation package: header with the agency as CREATOR, hồ sơ fields (dmdSec), PREMIS
objects with their SHA-256 fixity and the audit chain's events (amdSec), files and dossier → document →
file structure; and validation against the vendored METS 1.12 / PREMIS 3 subset schemas (schemas/)."""
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

METS = "http://www.loc.gov/METS/"
PREMIS = "http://www.loc.gov/premis/v3"
XLINK = "http://www.w3.org/1999/xlink"
HS = "urn:lienthong:luu-tru:ho-so:1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"mets": METS, "premis": PREMIS, "xlink": XLINK, "hs": HS, "xsi": XSI}
SCHEMAS = Path(__file__).with_name("schemas")
PROFILE = "urn:lienthong:luu-tru:goi:1"
DIGEST_ORIGINATOR = "Kho tệp Liên Thông (địa chỉ nội dung SHA-256)"


@dataclass(frozen=True)
class PackageFile:
    """A file written into the package: its path there, fixity, size, and what it is."""

    file_id: str
    path: str
    sha256: str
    size: int
    content_type: str
    original_name: str
    use: str  # fileGrp USE: a representation's name or "Documentation"
    # A preservation copy: the package path of the original it was migrated from, by which converter, when.
    derived_from: str | None = None
    converter: str | None = None
    migrated_at: datetime | None = None


@dataclass(frozen=True)
class Event:
    seq: int
    event_type: str
    occurred_at: datetime
    event_hash: str
    agent: str | None  # username
    object_id: str  # the dossier code or the document's id in the package


@dataclass
class DocumentEntry:
    dmd_id: str
    position: int
    fields: dict  # hs:TaiLieu element name -> value
    files: list[PackageFile] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass
class DossierEntry:
    dmd_id: str
    code: str
    fields: dict  # hs:HoSo element name -> value
    documents: list[DocumentEntry] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _sub(parent, tag: str, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = _text(text)
    return element


def _text(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _wrap(section, mdtype: str, other: str | None = None):
    wrap = _sub(section, _q(METS, "mdWrap"), MDTYPE=mdtype, OTHERMDTYPE=other)
    return _sub(wrap, _q(METS, "xmlData"))


def _descriptive(root, dmd_id: str, element: str, fields: dict) -> None:
    data = _wrap(_sub(root, _q(METS, "dmdSec"), ID=dmd_id), "OTHER", "TT05-2025-BNV")
    holder = _sub(data, _q(HS, element))
    for name, value in fields.items():
        if value is not None:
            _sub(holder, _q(HS, name), value)


def _premis_file(amd, item: PackageFile) -> None:
    data = _wrap(_sub(amd, _q(METS, "techMD"), ID=f"tech-{item.file_id}"), "PREMIS:OBJECT")
    obj = _sub(data, _q(PREMIS, "object"), **{f"{{{XSI}}}type": "premis:file"})
    identifier = _sub(obj, _q(PREMIS, "objectIdentifier"))
    _sub(identifier, _q(PREMIS, "identifierType"), "local")
    _sub(identifier, _q(PREMIS, "identifierValue"), item.path)
    characteristics = _sub(obj, _q(PREMIS, "objectCharacteristics"))
    _sub(characteristics, _q(PREMIS, "compositionLevel"), 0)
    fixity = _sub(characteristics, _q(PREMIS, "fixity"))
    _sub(fixity, _q(PREMIS, "messageDigestAlgorithm"), "SHA-256")
    _sub(fixity, _q(PREMIS, "messageDigest"), item.sha256)
    _sub(fixity, _q(PREMIS, "messageDigestOriginator"), DIGEST_ORIGINATOR)
    _sub(characteristics, _q(PREMIS, "size"), item.size)
    designation = _sub(_sub(characteristics, _q(PREMIS, "format")), _q(PREMIS, "formatDesignation"))
    _sub(designation, _q(PREMIS, "formatName"), item.content_type)
    _sub(obj, _q(PREMIS, "originalName"), item.original_name)
    if item.derived_from:
        relationship = _sub(obj, _q(PREMIS, "relationship"))
        _sub(relationship, _q(PREMIS, "relationshipType"), "derivation")
        _sub(relationship, _q(PREMIS, "relationshipSubType"), "is derived from")
        related = _sub(relationship, _q(PREMIS, "relatedObjectIdentifier"))
        _sub(related, _q(PREMIS, "relatedObjectIdentifierType"), "local")
        _sub(related, _q(PREMIS, "relatedObjectIdentifierValue"), item.derived_from)
        event = _sub(relationship, _q(PREMIS, "relatedEventIdentifier"))
        _sub(event, _q(PREMIS, "relatedEventIdentifierType"), "local")
        _sub(event, _q(PREMIS, "relatedEventIdentifierValue"), f"mig-{item.file_id}")


def _premis_migration(amd, item: PackageFile) -> None:
    """The migration event of a preservation copy: converter and time from preservation_copy, the original
    as its source and the copy as its outcome."""
    data = _wrap(_sub(amd, _q(METS, "digiprovMD"), ID=f"mig-{item.file_id}"), "PREMIS:EVENT")
    element = _sub(data, _q(PREMIS, "event"))
    identifier = _sub(element, _q(PREMIS, "eventIdentifier"))
    _sub(identifier, _q(PREMIS, "eventIdentifierType"), "local")
    _sub(identifier, _q(PREMIS, "eventIdentifierValue"), f"mig-{item.file_id}")
    _sub(element, _q(PREMIS, "eventType"), "migration")
    _sub(element, _q(PREMIS, "eventDateTime"), item.migrated_at)
    _sub(_sub(element, _q(PREMIS, "eventDetailInformation")), _q(PREMIS, "eventDetail"),
         f"Chuyển sang PDF/A-2b khi đóng hồ sơ bằng {item.converter}")
    _sub(_sub(element, _q(PREMIS, "eventOutcomeInformation")), _q(PREMIS, "eventOutcome"), "thành công")
    agent = _sub(element, _q(PREMIS, "linkingAgentIdentifier"))
    _sub(agent, _q(PREMIS, "linkingAgentIdentifierType"), "phan-mem")
    _sub(agent, _q(PREMIS, "linkingAgentIdentifierValue"), item.converter)
    _sub(agent, _q(PREMIS, "linkingAgentRole"), "executing program")
    for path, role in ((item.derived_from, "source"), (item.path, "outcome")):
        linked = _sub(element, _q(PREMIS, "linkingObjectIdentifier"))
        _sub(linked, _q(PREMIS, "linkingObjectIdentifierType"), "local")
        _sub(linked, _q(PREMIS, "linkingObjectIdentifierValue"), path)
        _sub(linked, _q(PREMIS, "linkingObjectRole"), role)


def _premis_event(amd, event: Event) -> str:
    event_id = f"ev-{event.seq}"
    data = _wrap(_sub(amd, _q(METS, "digiprovMD"), ID=event_id), "PREMIS:EVENT")
    element = _sub(data, _q(PREMIS, "event"))
    identifier = _sub(element, _q(PREMIS, "eventIdentifier"))
    _sub(identifier, _q(PREMIS, "eventIdentifierType"), "chuoi-kiem-toan-seq")
    _sub(identifier, _q(PREMIS, "eventIdentifierValue"), event.seq)
    _sub(element, _q(PREMIS, "eventType"), event.event_type)
    _sub(element, _q(PREMIS, "eventDateTime"), event.occurred_at)
    _sub(_sub(element, _q(PREMIS, "eventDetailInformation")), _q(PREMIS, "eventDetail"),
         f"hash={event.event_hash}")
    if event.agent:
        agent = _sub(element, _q(PREMIS, "linkingAgentIdentifier"))
        _sub(agent, _q(PREMIS, "linkingAgentIdentifierType"), "tai-khoan")
        _sub(agent, _q(PREMIS, "linkingAgentIdentifierValue"), event.agent)
    linked = _sub(element, _q(PREMIS, "linkingObjectIdentifier"))
    _sub(linked, _q(PREMIS, "linkingObjectIdentifierType"), "local")
    _sub(linked, _q(PREMIS, "linkingObjectIdentifierValue"), event.object_id)
    return event_id


def _premis_agents(amd, agents: dict[str, str]) -> None:
    for number, (username, name) in enumerate(sorted(agents.items()), 1):
        data = _wrap(_sub(amd, _q(METS, "digiprovMD"), ID=f"agent-{number}"), "PREMIS:AGENT")
        agent = _sub(data, _q(PREMIS, "agent"))
        identifier = _sub(agent, _q(PREMIS, "agentIdentifier"))
        _sub(identifier, _q(PREMIS, "agentIdentifierType"), "tai-khoan")
        _sub(identifier, _q(PREMIS, "agentIdentifierValue"), username)
        _sub(agent, _q(PREMIS, "agentName"), name)
        _sub(agent, _q(PREMIS, "agentType"), "person")


def _file(group, item: PackageFile) -> None:
    element = _sub(group, _q(METS, "file"), ID=item.file_id, MIMETYPE=item.content_type, SIZE=item.size,
                   CHECKSUM=item.sha256, CHECKSUMTYPE="SHA-256", ADMID=f"tech-{item.file_id}")
    _sub(element, _q(METS, "FLocat"), LOCTYPE="URL", **{f"{{{XLINK}}}type": "simple",
                                                          f"{{{XLINK}}}href": item.path})


def build_mets(*, package_id: str, agency_name: str, agency_code: str, created_at: datetime,
               dossiers: list[DossierEntry], documentation: list[PackageFile], agents: dict[str, str]) -> bytes:
    """METS.xml as bytes (UTF-8, declared)."""
    root = etree.Element(_q(METS, "mets"), nsmap=NSMAP, OBJID=package_id, TYPE="SIP", PROFILE=PROFILE,
                         LABEL=f"Gói hồ sơ nộp lưu của {agency_name}")
    header = _sub(root, _q(METS, "metsHdr"), CREATEDATE=created_at.isoformat(), RECORDSTATUS="NEW")
    creator = _sub(header, _q(METS, "agent"), ROLE="CREATOR", TYPE="ORGANIZATION")
    _sub(creator, _q(METS, "name"), agency_name)
    _sub(creator, _q(METS, "note"), f"Mã định danh: {agency_code}")
    software = _sub(header, _q(METS, "agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _sub(software, _q(METS, "name"), "Liên Thông")
    _sub(header, _q(METS, "altRecordID"), agency_code, TYPE="MaDinhDanhCoQuan")
    for dossier in dossiers:
        _descriptive(root, dossier.dmd_id, "HoSo", dossier.fields)
        for document in dossier.documents:
            _descriptive(root, document.dmd_id, "TaiLieu", document.fields)
    amd = _sub(root, _q(METS, "amdSec"), ID="amd-1")
    every_file = [f for d in dossiers for doc in d.documents for f in doc.files] + documentation
    for item in every_file:
        _premis_file(amd, item)
    written: set[int] = set()
    for dossier in dossiers:
        for event in dossier.events + [e for doc in dossier.documents for e in doc.events]:
            if event.seq not in written:
                written.add(event.seq)
                _premis_event(amd, event)
    for item in every_file:
        if item.derived_from:
            _premis_migration(amd, item)
    _premis_agents(amd, agents)
    file_sec = _sub(root, _q(METS, "fileSec"))
    for use in dict.fromkeys(item.use for item in every_file):
        group = _sub(file_sec, _q(METS, "fileGrp"), USE=use, ID=f"grp-{len(file_sec)}")
        for item in every_file:
            if item.use == use:
                _file(group, item)
    struct = _sub(root, _q(METS, "structMap"), TYPE="PHYSICAL", LABEL="Hồ sơ – văn bản – tệp")
    top = _sub(struct, _q(METS, "div"), TYPE="goi-nop-luu", LABEL=package_id)
    for dossier in dossiers:
        div = _sub(top, _q(METS, "div"), TYPE="ho-so", LABEL=dossier.code, DMDID=dossier.dmd_id,
                   ADMID=" ".join(f"ev-{e.seq}" for e in dossier.events) or None)
        for document in dossier.documents:
            inner = _sub(div, _q(METS, "div"), TYPE="van-ban", ORDER=document.position, DMDID=document.dmd_id,
                         ADMID=" ".join(dict.fromkeys(f"ev-{e.seq}" for e in document.events)) or None)
            for item in document.files:
                _sub(inner, _q(METS, "fptr"), FILEID=item.file_id)
    if documentation:
        div = _sub(top, _q(METS, "div"), TYPE="tai-lieu-giao-nhan", LABEL="Mục lục và biên bản giao nhận")
        for item in documentation:
            _sub(div, _q(METS, "fptr"), FILEID=item.file_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "package.xsd")))


def schema_errors(mets_bytes: bytes) -> list[str]:
    """What in METS.xml breaks the schemas (empty when valid); an unreadable file is one error."""
    try:
        document = etree.fromstring(mets_bytes, etree.XMLParser(resolve_entities=False, no_network=True,
                                                                huge_tree=False))
    except etree.XMLSyntaxError as error:
        return [f"METS.xml không đọc được: {error}"]
    schema = _schema()
    if schema.validate(document):
        return []
    return [f"dòng {e.line}: {e.message}" for e in schema.error_log]


def files_in(mets_bytes: bytes) -> list[tuple[str, str, int]]:
    """(path, sha256 from PREMIS fixity, size) of every file METS.xml names."""
    document = etree.fromstring(mets_bytes, etree.XMLParser(resolve_entities=False, no_network=True))
    fixity = {}
    for obj in document.iter(_q(PREMIS, "object")):
        path = obj.findtext(f"{_q(PREMIS, 'objectIdentifier')}/{_q(PREMIS, 'identifierValue')}")
        characteristics = obj.find(_q(PREMIS, "objectCharacteristics"))
        digest = characteristics.findtext(f"{_q(PREMIS, 'fixity')}/{_q(PREMIS, 'messageDigest')}")
        fixity[path] = (digest, int(characteristics.findtext(_q(PREMIS, "size"))))
    found = []
    for element in document.iter(_q(METS, "FLocat")):
        path = element.get(_q(XLINK, "href"))
        digest, size = fixity.get(path, ("", -1))
        found.append((path, digest, size))
    return found
