"""Demo incoming documents: forty of them in every state, so a new user logs in to a living system.

Each is a real Decree 30 letter rendered by WeasyPrint, once per letter: a letter sent to several
agencies of the demo is the same file in each. Letters that another agency of the installation
delivered are signed with the demo PKI (one with a certificate from outside it, one altered after
signing). Letters from outside the province come in as paper scans that the clerk enters. All of them
come in through `receive_document` and go through the incoming process with the same `complete_task`
calls that the task pages make. So numbers, notes, participants and the audit chain are all real.

Only the clock is faked (demo back-dating). Each step of a document's life is stamped afterwards
with a moment in office hours over the last three weeks. The audit chain keeps the real time of the
seeding. Deadlines in the past cannot be set through the process (the operators refuse them), so
completed and overdue documents get theirs moved back directly; see `_move_deadline`.
"""
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select

from app.audit.services import record, recorded_as_of
from app.directory.models import Agency, Department, User, UserRole
from app.directory.roles import CLERK, LEADER, SPECIALIST, UNIT_HEAD
from app.extensions import db
from app.filestore import store_pdf
from app.rendering.jinja import environment_renderer
from app.rendering.pdf import render_pdf
from app.signing.demo_pki import ensure_demo_pki
from app.vietnam_time import vietnam_today
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task

from ..folding import fold
from ..metadata import IncomingMetadata
from ..models import ASSIGNED, COMPLETED, REFUSED, Document
from ..receiving import receive_document
from ..vocabulary import DOCUMENT_TYPES
from .clock import DemoClock
from .letters import (
    COMPLETED_DEADLINE_DAYS,
    CONTRIBUTIONS,
    EXTERNAL_ISSUERS,
    LETTERS,
    PROGRESS_NOTES,
    STAGES,
    DemoLetter,
    Issuer,
    Receipt,
)
from .signatures import _self_made_credentials, _sign
from .wording import ADDRESSED_TYPES, directing_opinion, paragraphs, parent_line, place_of, recipients


@dataclass(frozen=True)
class DemoDocumentsSummary:
    documents: int
    by_status: dict[str, int]
    overdue: int
    elapsed_seconds: float


def seed_demo_documents() -> DemoDocumentsSummary:
    """Bring the demo letters in and drive each copy to its stage; flushes, the caller commits.

    Needs the demo province (app.directory.demo). Deploys the catalogue's processes itself, which does
    nothing when they are deployed already.
    """
    started = time.perf_counter()
    config = current_app.config
    report = sync_processes(catalogue(), Path(config["BPMN_DIR"]), Path(config["FORMS_DIR"]))
    if report.problems:
        raise RuntimeError("; ".join(str(problem) for problem in report.problems))
    seeding = _Seeding()
    planned = sorted(
        ((seeding.clock.arrival(letter.days, number, copy), number, copy)
         for number, letter in enumerate(LETTERS) for copy in range(len(letter.receipts))))
    # In order of arrival, so that the số đến of each book follow the days the documents were registered.
    documents = [seeding.bring_in(number, copy, arrival) for arrival, number, copy in planned]
    by_status = dict(sorted(Counter(d.status_code for d in documents).items()))
    overdue = sum(1 for d in documents if d.status_code not in (COMPLETED, REFUSED) and d.due_date
                  and d.due_date < vietnam_today())
    record("demo_documents_seeded", documents=len(documents), by_status=by_status, overdue=overdue,
           note="Văn bản minh họa; thời điểm trên văn bản được lùi về các tuần trước (nhật ký giữ giờ thật).")
    db.session.flush()
    return DemoDocumentsSummary(len(documents), by_status, overdue, time.perf_counter() - started)


class _Office(NamedTuple):
    """The people of a receiving agency who handle its documents."""

    agency: Agency
    clerk: User
    leader: User
    departments: dict[str, Department]  # by abbreviation
    heads: dict[int, User]  # by department id
    specialists: dict[int, User]


class _Issued(NamedTuple):
    """A letter as issued: the PDF every receiver gets, and what the clerk reads off it."""

    pdf: bytes
    document_date: date
    code: str
    name: str
    signer_name: str


class _Seeding:
    """One run: the PKI, the renderer, the offices, the letters issued so far and the demo clock."""

    def __init__(self):
        config = current_app.config
        self.files_dir = Path(config["FILES_DIR"])
        self.max_bytes = config["MAX_TASK_FILE_MB"] * 1024 * 1024
        self.pki = ensure_demo_pki(Path(config["PKI_DIR"]))
        self.render = environment_renderer()
        self.clock = DemoClock()
        self.year = vietnam_today().year
        self._offices: dict[str, _Office] = {}
        self._agencies: dict[str, Agency] = {}
        self._heads: dict[int, User] = {}
        self._issued: dict[int, _Issued] = {}

    # --- people and senders -------------------------------------------------------------------------

    def agency(self, code: str) -> Agency:
        if code not in self._agencies:
            agency = db.session.scalars(select(Agency).where(Agency.code == code)).first()
            if agency is None:
                raise LookupError(f"demo documents need the demo province: no agency {code}")
            self._agencies[code] = agency
        return self._agencies[code]

    def office(self, code: str) -> _Office:
        if code not in self._offices:
            agency = self.agency(code)
            holders: dict[str, list[User]] = {}
            for user, role in db.session.execute(
                    select(User, UserRole.role).join(UserRole).where(User.agency_id == agency.id, User.active)
                    .order_by(User.id)):
                holders.setdefault(role, []).append(user)
            # The first holder of each role is the demo's fixed account where there is one (vanthu.snv …).
            heads, specialists = {}, {}
            for user in holders.get(UNIT_HEAD, []):
                heads.setdefault(user.department_id, user)
            for user in holders.get(SPECIALIST, []):
                specialists.setdefault(user.department_id, user)
            self._offices[code] = _Office(agency, holders[CLERK][0], holders[LEADER][0],
                                          {d.abbreviation: d for d in agency.departments}, heads, specialists)
        return self._offices[code]

    def head_of(self, agency: Agency) -> User:
        """Who signs for the agency: its head, the first leader of its roster."""
        if agency.id not in self._heads:
            self._heads[agency.id] = db.session.scalars(select(User).join(UserRole).where(
                User.agency_id == agency.id, UserRole.role == LEADER).order_by(User.id)).first()
        return self._heads[agency.id]

    # --- one copy of a letter -----------------------------------------------------------------------

    def bring_in(self, number: int, copy: int, arrival: datetime) -> Document:
        letter = LETTERS[number]
        receipt = letter.receipts[copy]
        office = self.office(receipt.to)
        delivered = letter.issuer not in EXTERNAL_ISSUERS
        if number not in self._issued:  # rendered and signed once, whoever receives it
            self._issued[number] = self.issue(letter, number, arrival)
        issued = self._issued[number]
        subject = letter.subject.format(y=self.year, n=self.year + 1)
        filename = fold(f"{letter.number}-{letter.notation}").replace(" ", "-") + ".pdf"
        stored = store_pdf(BytesIO(issued.pdf), filename, files_dir=self.files_dir, max_bytes=self.max_bytes)
        metadata = IncomingMetadata(
            doc_type=letter.doc_type, number=letter.number, notation=letter.notation, issuer_code=issued.code,
            issuer_name=issued.name, document_date=issued.document_date,
            subject=f"V/v {subject}" if letter.doc_type == "CV" else subject, urgency=letter.urgency,
            secrecy=letter.secrecy, signer_name=issued.signer_name)
        # Deliveries keep a broken signature, so that the clerk sees the verdict at Tiếp nhận.
        with recorded_as_of(arrival):
            document = receive_document(
                agency_id=office.agency.id, metadata=metadata, main_file=stored,
                origin="internal" if delivered else "paper", actor=None if delivered else office.clerk,
                refuse_broken_signatures=False).document
        _Life(self, receipt, office, document, arrival, number + copy).live()
        return document

    def issue(self, letter: DemoLetter, number: int, arrival: datetime) -> _Issued:
        """The letter as its sender issued it: rendered, and signed when it is delivered electronically."""
        external = EXTERNAL_ISSUERS.get(letter.issuer)
        if external:
            sender, parent = external, external.parent
        else:
            agency = self.agency(letter.issuer)
            head = self.head_of(agency)
            local = agency.kind in ("province", "district", "commune")
            authority = "TM. Ủy ban nhân dân" if local else None
            sender = Issuer(agency.code, agency.name, place_of(agency), authority, head.job_title,
                            head.full_name)
            parent = parent_line(agency)
        document_date = self.clock.document_date(arrival, external is None, number)
        receivers = [self.agency(receipt.to).name for receipt in letter.receipts]
        addressees = list(letter.addressees) or receivers[:1]
        subject = letter.subject.format(y=self.year, n=self.year + 1)
        pdf = render_pdf(self.render(
            "print/official_letter.html", parent_agency=parent, agency_name=sender.name, number=letter.number,
            symbol=letter.notation, place=sender.place, issued_on=document_date,
            type_name=None if letter.doc_type == "CV" else DOCUMENT_TYPES[letter.doc_type][0],
            subject=subject,
            addressees=addressees if letter.doc_type in ADDRESSED_TYPES else [],
            paragraphs=paragraphs(letter, sender.name, addressees[0], self.year),
            recipients=recipients(letter, receivers), authority=sender.authority,
            signer_position=sender.signer_position, signer_name=sender.signer_name))
        if external is None:
            moment = self.clock.signing_time(document_date, arrival)
            pdf = self.sign(pdf, letter, self.agency(letter.issuer), moment)
        return _Issued(pdf, document_date, sender.code, sender.name, sender.signer_name)

    def sign(self, pdf: bytes, letter: DemoLetter, agency: Agency, moment: datetime) -> bytes:
        head = self.head_of(agency)
        if letter.signature == "untrusted":
            return _sign(pdf, _self_made_credentials(head.full_name, agency.name), "Signature1", moment)
        seal = self.pki.issue_organisation(agency.code, agency.name)
        if letter.signature == "signer":
            person = self.pki.issue_person(head.username, head.full_name, agency.name)
            pdf = _sign(pdf, person, "Signature1", moment)
            return _sign(pdf, seal, "Signature2", moment + timedelta(minutes=3))
        pdf = _sign(pdf, seal, "Signature1", moment)
        if letter.signature == "tampered":
            # Altered after signing: one byte of the header's binary comment, which no reader looks at
            # but the signature's digest covers. The file still opens; the verdict is "Không hợp lệ".
            at = pdf.index(b"\n%") + 2
            pdf = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
        return pdf


class _Life:
    """Drives one received copy through the incoming process to its stage, stamping each step's moment."""

    def __init__(self, seeding: _Seeding, receipt: Receipt, office: _Office, document: Document,
                 arrival: datetime, index: int):
        self.seeding, self.receipt, self.office, self.document = seeding, receipt, office, document
        self.clock, self.index = seeding.clock, index
        self.arrival = self.moment = arrival
        self.clock.stamp(document, arrival)

    def step(self, hours: float, spec_id: str, data: dict, actor: User, *, department_id: int | None = None):
        """Complete the ready task `spec_id` as `actor`, `hours` working hours after the last step."""
        self.moment = self.clock.after(self.moment, hours)
        with recorded_as_of(self.moment):  # the history shows the step's moment, like the stamped rows
            complete_task(self.task(spec_id, actor, department_id).task_uuid, data, actor=actor)
        self.clock.stamp(self.document, self.moment)

    def task(self, spec_id: str, actor: User, department_id: int | None = None) -> HumanTask:
        """The ready task `spec_id` of the document (of that unit; the actor's own when it is assigned)."""
        ready = select(HumanTask).where(HumanTask.instance_id == self.document.instance_id,
                                        HumanTask.spec_id == spec_id).order_by(HumanTask.id)
        rows = [row for row in db.session.scalars(ready)
                if (department_id is None or row.candidate_department_id == department_id)
                and row.assigned_user_id in (None, actor.id)]
        if not rows:
            raise LookupError(f"demo document {self.document.symbol}: no task {spec_id}")
        return rows[0]

    def live(self) -> None:
        try:
            self._live(self.receipt, self.office)
        finally:
            self.clock.settle(self.document)

    def _live(self, receipt: Receipt, office: _Office) -> None:
        stage = receipt.stage
        if stage not in STAGES:
            raise ValueError(f"demo document {self.document.symbol}: unknown stage {stage}")
        if stage == "arrived":
            return
        if self.document.origin == "internal":
            decision = ({"receive_decision": "refuse", "refusal_reason": receipt.refusal}
                        if stage == "refused" else {"receive_decision": "accept"})
            self.step(0.4, "receive", decision, office.clerk)
            if stage == "refused":
                return
        lead = office.departments[receipt.lead] if receipt.lead else None
        supports = [office.departments[abbr] for abbr in receipt.supports]
        specialist = office.specialists[lead.id] if lead else None
        # Overdue ones go to a person directly: after a unit head's dispatch, the leader's extension
        # decision finds nobody to take it (the task keeps the lead unit's department_id).
        named = specialist if stage == "overdue" else None
        deadline = self.deadline()
        if receipt.route == "unit":
            self.step(0.3, "register", {"route": "unit", "lead_department_id": lead.id,
                                        "due_date": deadline.isoformat()}, office.clerk)
        else:
            self.step(0.3, "register", {"route": "leader"}, office.clerk)
            if stage == "registered":
                return
            self.step(4, "assign", {
                "directing_opinion": directing_opinion(lead, supports, named), "lead_department_id": lead.id,
                "lead_user": named.username if named else None,
                "support_department_ids": [d.id for d in supports], "due_date": deadline.isoformat()},
                office.leader)
        if stage == "assigned":
            return
        if not named:
            self.step(2, "dispatch_lead", {"specialist": specialist.username,
                                           "dispatch_note": "Đề nghị đồng chí nghiên cứu, tham mưu xử lý."},
                      office.heads[lead.id])
        for unit in supports:
            self.step(0.5, "dispatch_support", {"specialist": office.specialists[unit.id].username},
                      office.heads[unit.id], department_id=unit.id)
        if receipt.contributed or stage == "completed":
            for number, unit in enumerate(supports):
                text = CONTRIBUTIONS[(self.index + number) % len(CONTRIBUTIONS)].format(unit=unit.name)
                self.step(6, "contribute", {"contribution": text}, office.specialists[unit.id])
        progress = PROGRESS_NOTES[self.index % len(PROGRESS_NOTES)]
        self.step(8, "handle", {"handling_action": "progress", "handling_note": progress}, specialist)
        if stage == "overdue":
            self.fall_behind(specialist)
        elif stage == "completed":
            note = (f"Đã tham mưu văn bản trả lời số {receipt.reply}, trình lãnh đạo ký ban hành."
                    if receipt.reply else receipt.outcome)
            self.step(10, "handle", {"handling_action": "finish", "handling_note": note,
                                     "reply_reference": receipt.reply}, specialist)
            self.move_deadline_back()

    def intended_deadline(self) -> date:
        """Where a closed or overdue document's deadline would have been: ten working days after arrival."""
        return self.clock.calendar.add_working_days(self.clock.day(self.arrival), COMPLETED_DEADLINE_DAYS)

    def deadline(self) -> date:
        """The deadline given in the process, which refuses past dates (see `_move_deadline`).

        At least two working days ahead for documents whose deadline is moved afterwards: a nearer one
        would fire the reminder timer during the seeding, naming the date that is then replaced.
        """
        calendar, today = self.clock.calendar, vietnam_today()
        if self.receipt.stage == "overdue":
            return calendar.add_working_days(today, 2)
        if self.receipt.stage == "completed":
            return max(self.intended_deadline(), calendar.add_working_days(today, 2))
        return calendar.add_working_days(today, self.receipt.due)

    def fall_behind(self, specialist: User) -> None:
        """Overdue: the specialist asks for more time, the leader refuses, and the deadline passes.

        The leader's refusal sends the process back to the document's deadline, which is moved into the
        past just before. The process then gives that date to the specialist's new task and to its
        reminder and overdue timers, which fire at once.
        """
        calendar = self.clock.calendar
        deadline = calendar.add_working_days(self.clock.day(self.clock.after(self.moment, 8)), 2)
        if deadline >= vietnam_today():  # not enough past days for this one: overdue since yesterday
            deadline = calendar.previous_working_day(vietnam_today())
        _move_deadline(self.document, deadline)
        self.step(8, "handle", {
            "handling_action": "extension",
            "requested_due_date": calendar.add_working_days(deadline, 5).isoformat(),
            "handling_note": "Cần thêm thời gian tổng hợp số liệu của các đơn vị chưa gửi báo cáo."},
            specialist)
        self.step(3, "decide_extension", {
            "extension_granted": False,
            "extension_comment": "Đề nghị khẩn trương hoàn thành, báo cáo ngay trong tuần."},
            self.office.leader)
        self.clock.stamp_deadline_notes(self.document, deadline)

    def move_deadline_back(self) -> None:
        """A closed document keeps the deadline it would have had, ten working days after arrival."""
        if self.document.due_date != self.intended_deadline():
            _move_deadline(self.document, self.intended_deadline())


def _move_deadline(document: Document, deadline: date) -> None:
    """Demo back-dating: put a deadline the process would refuse (a past date) directly on the document.

    The assignment's status note names the deadline and is rewritten too; the audit chain keeps the
    date actually given in the process during the seeding.
    """
    if document.due_date:
        old, new = document.due_date.strftime("%d/%m/%Y"), deadline.strftime("%d/%m/%Y")
        for change in document.statuses:
            if change.code == ASSIGNED and old in change.note:
                change.note = change.note.replace(old, new)
    document.due_date = deadline
    db.session.flush()
