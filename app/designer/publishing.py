"""Publish a checked draft as the version new instances start on; restore an older version; compare two.

Running instances keep the version they started on until a designer moves them
(app.workflow.instance_migration). A restore publishes the older content again under a new
number, so the log of what was in use when stays complete.
"""
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from lxml import etree
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.directory.models import User
from app.extensions import db
from app.workflow.deployment import check_process, deploy, latest_version
from app.workflow.forms import FormFiles
from app.workflow.models import ProcessVersion
from app.workflow.registry import catalogue

from .drafts import DesignError, DraftConflict, check_draft, definition_of, record_failed_check
from .models import ProcessDraft

MAX_NOTE = 500
DI_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
                 "http://www.omg.org/spec/DD/20100524/DI")


def publish(process_id: str, *, actor: User, note: str) -> ProcessVersion:
    note = (note or "").strip()
    if not note:
        raise DesignError(_("Ghi chú thay đổi là bắt buộc khi xuất bản."))
    definition_of(process_id)
    # The draft row's lock makes two designers publishing at once take turns: the second then finds
    # the draft gone (published) instead of a clash of version numbers.
    draft = db.session.scalars(select(ProcessDraft).where(ProcessDraft.process_id == process_id)
                               .with_for_update()).first()
    if draft is None:
        raise DraftConflict(_("Không còn bản nháp để xuất bản: có thể người khác vừa xuất bản. Tải lại trang."))
    result = check_draft(draft)
    if result.problems:
        record_failed_check(draft, result.problems, actor)
        raise DesignError(_("Chưa xuất bản được: bản nháp còn %(n)s lỗi.", n=len(result.problems)))
    version = _numbered(lambda: deploy(result.candidate, actor=actor, note=note[:MAX_NOTE], source="designer"))
    if version is None:
        raise DesignError(_("Bản nháp giống hệt phiên bản đang dùng: không có gì để xuất bản."))
    record("process_published", actor=actor, subject=version, process_id=process_id, number=version.number,
           note=note[:MAX_NOTE])
    db.session.delete(draft)
    return version


def restore(process_id: str, number: int, *, actor: User, note: str = "") -> ProcessVersion:
    """Publish version `number`'s content again (a rollback), through the same checks and deployment as
    a draft: an old version that today's roles, forms or operators no longer accept is refused."""
    definition = definition_of(process_id)
    old = db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                          ProcessVersion.number == number)).first()
    if old is None:
        raise DesignError(_("Không có phiên bản %(n)s.", n=number))
    if latest_version(process_id).content_sha256 == old.content_sha256:
        raise DesignError(_("Phiên bản %(n)s đang được dùng.", n=number))
    candidate, problems = check_process(definition, old.bpmn_xml.encode("utf-8"),
                                        FormFiles(current_app.config["FORMS_DIR"], dict(old.forms)),
                                        catalogue().operators)
    if problems:
        raise DesignError(_("Không khôi phục được phiên bản %(n)s: %(problem)s", n=number, problem=problems[0].message))
    note = ((note or "").strip() or _("Khôi phục phiên bản %(n)s", n=number))[:MAX_NOTE]
    version = _numbered(lambda: deploy(candidate, actor=actor, note=note, source="designer"))
    record("process_rolled_back", actor=actor, subject=version, process_id=process_id, number=version.number,
           restored=number, content_sha256=old.content_sha256)
    return version


def _numbered(store):
    """Run `store` (which takes the next version number); someone else taking it first is a conflict to
    report, not an error page (the number is unique per process)."""
    try:
        with db.session.begin_nested():
            return store()
    except IntegrityError:
        raise DraftConflict(_("Có người vừa xuất bản một phiên bản khác của quy trình này. Tải lại trang rồi thử "
                              "lại.")) from None


@dataclass
class VersionDiff:
    added: list[tuple[str, str]]  # (element id, "kind: name")
    removed: list[tuple[str, str]]
    changed: list[tuple[str, str]]
    forms_changed: list[str]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.forms_changed)


def diff_versions(old: ProcessVersion, new: ProcessVersion) -> VersionDiff:
    """Elements added, removed and changed (by id; layout moves are not changes), and form files changed."""
    before, after = _elements(old.bpmn_xml), _elements(new.bpmn_xml)
    changed = [(i, after[i][0]) for i in after.keys() & before.keys() if after[i][1] != before[i][1]]
    forms = sorted(n for n in old.forms.keys() | new.forms.keys() if old.forms.get(n) != new.forms.get(n))
    return VersionDiff(sorted((i, after[i][0]) for i in after.keys() - before.keys()),
                       sorted((i, before[i][0]) for i in before.keys() - after.keys()), sorted(changed), forms)


def _elements(bpmn_xml: str) -> dict[str, tuple[str, bytes]]:
    """id → (label, canonical XML without diagram interchange and without child elements that have ids)."""
    root = etree.fromstring(bpmn_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                     remove_comments=True,
                                                                     remove_blank_text=True))
    found = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        if etree.QName(element).namespace in DI_NAMESPACES:
            continue
        copy = etree.fromstring(etree.tostring(element))
        for child in list(copy):
            if isinstance(child.tag, str) and child.get("id"):
                copy.remove(child)  # a child with an id is compared on its own
        label = f"{etree.QName(element).localname}: {element.get('name') or element.get('id')}"
        found[element.get("id")] = (label, etree.tostring(copy, method="c14n", exclusive=True))
    return found
