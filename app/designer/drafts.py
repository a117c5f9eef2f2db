"""Designers' drafts: open one from the version in use, save the diagram or a form, check it.

A draft is one per process and shared. Saving never publishes; it records who saved, checks the draft
with the same checks as `flask processes sync` (plus the structural ones) and keeps the problems for
the editor to list and highlight. A save over a newer save by someone else is refused, not merged.
"""
import json
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import record
from app.directory.models import User
from app.extensions import db
from app.sqltypes import utcnow
from app.workflow.deployment import Candidate, check_process, latest_version
from app.workflow.diagram_layout import with_diagram
from app.workflow.forms import FormDefinitionError, FormFiles, load_form
from app.workflow.registry import catalogue

from .models import ProcessDraft

MAX_BPMN_BYTES = 2 * 1024 * 1024
MAX_FORM_BYTES = 256 * 1024
FORM_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*\.(schema|uischema)\.json$")


class DesignError(ValueError):
    """A refusal to show the designer, in Vietnamese."""

    status = 400


class DraftConflict(DesignError):
    status = 409


@dataclass
class CheckResult:
    problems: list[dict]
    candidate: Candidate | None


def definition_of(process_id: str):
    definition = catalogue().processes.get(process_id)
    if definition is None:
        raise DesignError(_("Không có quy trình %(id)s trong danh mục.", id=process_id))
    return definition


def open_draft(process_id: str, *, actor: User) -> ProcessDraft:
    """The process's draft; a new one starts from the version in use (laid out, so the modeler can draw it)."""
    definition_of(process_id)
    draft = draft_of(process_id)
    if draft is not None:
        return draft
    version = latest_version(process_id)
    if version is None:
        raise DesignError(_("Quy trình %(id)s chưa được triển khai lần nào.", id=process_id))
    draft = ProcessDraft(process_id=process_id, bpmn_xml=with_diagram(version.bpmn_xml).decode("utf-8"), forms={},
                         based_on_version_id=version.id, problems=[], checked=False, updated_by_id=actor.id,
                         updated_at=utcnow())
    db.session.add(draft)
    db.session.flush()
    return draft


def form_files(draft: ProcessDraft) -> FormFiles:
    """The draft's forms: its edits over the forms of the version it started from, over forms/."""
    pinned = draft.based_on.forms if draft.based_on is not None else {}
    return FormFiles(current_app.config["FORMS_DIR"], {**pinned, **(draft.forms or {})})


def check_draft(draft: ProcessDraft) -> CheckResult:
    definition = definition_of(draft.process_id)
    candidate, problems = check_process(definition, draft.bpmn_xml.encode("utf-8"), form_files(draft),
                                        catalogue().operators)
    return CheckResult([{"element_id": p.element_id, "message": p.message} for p in problems], candidate)


def save_diagram(process_id: str, bpmn_xml: "str | bytes", *, actor: User, lock_version: int | None) -> ProcessDraft:
    """Store the diagram (text from the editor, or an uploaded file's bytes) as the draft, after the XML
    itself is sound, and check it. A file without diagram interchange is laid out for the editor."""
    raw = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bpmn_xml
    if len(raw) > MAX_BPMN_BYTES:
        raise DesignError(_("Tệp BPMN quá lớn (tối đa %(mb)s MB).", mb=MAX_BPMN_BYTES // (1024 * 1024)))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DesignError(_("Tệp không phải văn bản UTF-8.")) from None
    _well_formed(raw)
    draft = _draft_to_change(process_id, actor, lock_version)
    draft.bpmn_xml = with_diagram(raw).decode("utf-8")
    return _store_check(draft, actor, "process_draft_saved")


def save_form(process_id: str, name: str, schema_text: str, ui_text: str, *, actor: User,
              lock_version: int | None) -> ProcessDraft:
    """Store a form's JSON Schema and UI schema in the draft, refused with the reason when not a valid form."""
    if not FORM_NAME.match(name or ""):
        raise DesignError(_("Tên tệp biểu mẫu phải có dạng thu_muc/ten.schema.json (chữ thường, số, gạch dưới)."))
    if max(len(schema_text.encode()), len(ui_text.encode())) > MAX_FORM_BYTES:
        raise DesignError(_("Biểu mẫu quá lớn (tối đa %(kb)s KB).", kb=MAX_FORM_BYTES // 1024))
    preview_form(name, schema_text, ui_text)  # raises with the reason
    draft = _draft_to_change(process_id, actor, lock_version)
    draft.forms = {**(draft.forms or {}), name: schema_text, ui_file_for(name): ui_text or "{}"}
    return _store_check(draft, actor, "process_form_saved", form=name)


def ui_file_for(schema_file: str) -> str:
    """The UI schema that goes with a form's JSON Schema file (the shipped forms' naming)."""
    return schema_file.removesuffix(".schema.json") + ".uischema.json"


def preview_form(name: str, schema_text: str, ui_text: str):
    """The form as staff would see it, from texts not yet saved; DesignError with the reason if invalid."""
    ui_name = ui_file_for(name)
    try:
        return load_form(FormFiles(current_app.config["FORMS_DIR"], {name: schema_text, ui_name: ui_text or "{}"}),
                         name, ui_name)
    except FormDefinitionError as error:
        raise DesignError(str(error)) from None


def forms_in_use(process_id: str) -> FormFiles:
    """The draft's forms when there is a draft, else the version in use's."""
    draft = draft_of(process_id)
    if draft is not None:
        return form_files(draft)
    version = latest_version(process_id)
    return FormFiles(current_app.config["FORMS_DIR"], dict(version.forms) if version else {})


def form_texts(files: FormFiles, name: str) -> tuple[str, str]:
    """A form's schema and UI schema texts (a new, empty form when the file does not exist yet)."""
    try:
        schema = files.read_text(name)
    except FormDefinitionError:
        schema = json.dumps({"type": "object", "properties": {}}, indent=2)
    try:
        ui = files.read_text(ui_file_for(name))
    except FormDefinitionError:
        ui = "{}"
    return schema, ui


def discard_draft(process_id: str, *, actor: User) -> None:
    draft = draft_of(process_id)
    if draft is not None:
        db.session.delete(draft)
        record("process_draft_discarded", actor=actor, subject=("process", process_id), process_id=process_id)


def _well_formed(raw: bytes) -> None:
    try:
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as error:
        raise DesignError(_("Tệp không phải XML hợp lệ: %(reason)s", reason=error.msg)) from None
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        # Entities are never expanded anyway; a diagram has no use for a DTD, so none is kept.
        raise DesignError(_("Tệp BPMN không được chứa khai báo DOCTYPE hay ENTITY."))
    if etree.QName(root).localname != "definitions":
        raise DesignError(_("Tệp không phải sơ đồ BPMN 2.0 (thiếu phần tử definitions)."))


def draft_of(process_id: str) -> ProcessDraft | None:
    return db.session.scalars(select(ProcessDraft).where(ProcessDraft.process_id == process_id)).first()


def _draft_to_change(process_id: str, actor: User, lock_version: int | None) -> ProcessDraft:
    """The draft to write into, given the lock version the editor opened (0: there was no draft then)."""
    existing = draft_of(process_id)
    if existing is None:
        if lock_version:
            raise DraftConflict(_("Bản nháp bạn đang sửa vừa được xuất bản hoặc bỏ đi; tải lại trang để bắt đầu từ "
                                  "phiên bản đang dùng."))
        return open_draft(process_id, actor=actor)
    if lock_version is not None and lock_version != existing.lock_version:
        who = existing.updated_by.full_name if existing.updated_by else "?"
        raise DraftConflict(_("Bản nháp vừa được %(name)s lưu sau khi bạn mở; tải lại để xem thay đổi của họ trước khi "
                              "lưu.", name=who))
    return existing


def _store_check(draft: ProcessDraft, actor: User, event: str, **details) -> ProcessDraft:
    result = check_draft(draft)
    draft.problems, draft.checked = result.problems, True
    draft.updated_by_id, draft.updated_at = actor.id, utcnow()
    try:
        db.session.flush()
    except StaleDataError:  # someone saved between our read and our write
        raise DraftConflict(_("Bản nháp vừa được người khác lưu; tải lại để xem thay đổi của họ.")) from None
    record(event, actor=actor, subject=("process", draft.process_id), process_id=draft.process_id,
           problems=len(result.problems), **details)
    if result.problems:
        _audit_failed_check(draft.process_id, result.problems, actor)
    return draft


def record_failed_check(draft: ProcessDraft, problems: list[dict], actor: User) -> None:
    """Keep the problems on the draft (the editor lists them) and audit the failed check."""
    draft.problems, draft.checked = problems, True
    _audit_failed_check(draft.process_id, problems, actor)


def _audit_failed_check(process_id: str, problems: list[dict], actor: User) -> None:
    record("process_check_failed", actor=actor, subject=("process", process_id), process_id=process_id,
           problems=problems[:20])
