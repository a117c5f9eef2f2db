"""Time the outgoing pipeline for N documents: render, signer's signature, number, agency seal, release.

Usage: .venv/bin/python bench/outgoing.py [--documents N] [DATABASE_URL ...]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: point it
at a database of its own, never at one a test run uses.

Each document is a two-page công văn to one agency of the installation, driven through the services
people use (draft, two reviews, then `sign_and_complete` for the signer with their PIN and for the
clerk, each committed). The real pipeline functions are wrapped with timers while they run in those
completions, so the per-step figures come from the service path itself:
render (WeasyPrint, cache miss), signer signature (both signature fields created and the visible PAdES
signature in one update; key opened with the PIN, then cached), agency signature (number and date filled into
the form fields and the seal in one update; the signer's signature judged in the sealed file), validate both
(pyHanko, demo trust root and CRLs), release (receive_document at the recipient: validation, status 01, its
process started).
Targets: visible signature ≤ 100 ms median, validation of both ≤ 120 ms, 2-page render ≤ 600 ms.
"""
import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

from fresh_database import database_urls, fresh_app
from sqlalchemy import select

from app.auth.passwords import hash_password
from app.directory.models import Agency, Department, User
from app.documents.models import Document
from app.documents.outgoing import letter, release, signing_steps
from app.extensions import db
from app.signing.demo_keys import issue_demo_agency_key, issue_demo_person_key
from app.signing.demo_pki import ensure_demo_pki
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task, start_instance
from app.workflow.signing_tasks import sign_and_complete

PIN = "135790"
TARGETS = {"signer signature": 100.0, "validate both": 120.0, "render (2 pages)": 600.0}
BODY = "\n".join(
    f"{n}. Các cơ quan, đơn vị rà soát, thống kê đầy đủ văn bản đi, văn bản đến trong năm, đối chiếu với sổ "
    f"đăng ký và hệ thống quản lý văn bản điện tử; báo cáo kết quả, khó khăn, vướng mắc và đề xuất giải pháp "
    f"khắc phục trước ngày {n + 1} tháng 12 năm 2026 để Văn phòng tổng hợp, trình Chủ tịch Ủy ban nhân dân tỉnh."
    for n in range(1, 15))


class Timings:
    def __init__(self):
        self.steps: dict[str, list[float]] = defaultdict(list)

    def wrap(self, module, name: str, label: str):
        original = getattr(module, name)

        @wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.steps[label].append((time.perf_counter() - started) * 1000)
        setattr(module, name, timed)
        return original

    def add(self, label: str, started: float) -> None:
        self.steps[label].append((time.perf_counter() - started) * 1000)


@contextmanager
def _request(app):
    with app.app_context(), app.test_request_context():
        yield


def _setup(app) -> dict[str, int]:
    with _request(app):
        password = hash_password("Mat-khau-bench-2026")
        parent = Agency(code="000.00.00.B98", name="Ủy ban nhân dân tỉnh Đo", short_name="UBND", kind="department")
        agency = Agency(code="000.01.00.B98", name="Văn phòng UBND tỉnh Đo", short_name="VPUBND",
                        kind="department", parent=parent)
        recipient = Agency(code="000.02.00.B98", name="Sở Nội vụ tỉnh Đo", short_name="SNV", kind="department")
        unit = Department(agency=agency, name="Phòng Tổng hợp", abbreviation="TH")
        people = {}
        for key, owner, role, department in (("specialist", agency, "specialist", unit),
                                             ("head", agency, "unit_head", unit),
                                             ("checker", agency, "format_checker", None),
                                             ("leader", agency, "leader", None), ("clerk", agency, "clerk", None),
                                             ("recipient_clerk", recipient, "clerk", None)):
            user = User(agency=owner, username=f"bench.{key}", full_name=f"Người đo {key}", job_title="Chánh Văn phòng",
                        password_hash=password, department=department)
            user.set_roles([role])
            db.session.add(user)
            people[key] = user
        db.session.add_all([parent, agency, recipient, unit])
        report = sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        assert report.problems == [], report.problems
        db.session.flush()
        pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
        issue_demo_person_key(pki, people["leader"], agency.name, PIN)
        issue_demo_agency_key(pki, agency, app.config["SIGNING_KEY_PASSPHRASE"])
        db.session.commit()
        return {**{key: user.id for key, user in people.items()}, "recipient": recipient.id}


def _task(instance_id: int, spec_id: str) -> str:
    return db.session.scalars(select(HumanTask.task_uuid).where(HumanTask.instance_id == instance_id,
                                                                HumanTask.spec_id == spec_id)).one()


def _one_document(app, ids: dict, n: int, timings: Timings) -> None:
    with _request(app):
        people = {key: db.session.get(User, value) for key, value in ids.items() if key != "recipient"}
        recipient = db.session.get(Agency, ids["recipient"])
        instance_id = start_instance("outgoing_document", actor=people["specialist"]).id
        complete_task(_task(instance_id, "draft"), {
            "doc_type": "CV", "subject": f"Rà soát văn bản đi, văn bản đến năm 2026 (đợt {n})", "body": BODY,
            "recipients": [recipient.code], "signer": people["leader"].username, "authority": "TL.",
            "authority_of": "Chủ tịch", "urgency": 0, "secrecy": 0}, actor=people["specialist"])
        complete_task(_task(instance_id, "review_content"), {"decision": "approve"}, actor=people["head"])
        complete_task(_task(instance_id, "check_format"), {"decision": "approve"}, actor=people["checker"])
        db.session.commit()
    with _request(app):
        started = time.perf_counter()
        sign_and_complete(_task(instance_id, "sign"), {"decision": "sign"}, actor=db.session.get(
            User, ids["leader"]), pin=PIN)
        db.session.commit()
        timings.add("signing step (service, committed)", started)
    with _request(app):
        started = time.perf_counter()
        sign_and_complete(_task(instance_id, "issue"), {}, actor=db.session.get(User, ids["clerk"]), pin="")
        db.session.commit()
        timings.add("issue + seal + release (service, committed)", started)
        document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
        pdf = Path(app.config["FILES_DIR"], document.main_file.sha256[:2], document.main_file.sha256).read_bytes()
        started = time.perf_counter()
        verdicts = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                           crls=crls_from_config(app.config))
        timings.add("validate both", started)
        assert [v.verdict for v in verdicts] == ["valid", "valid"], verdicts


def bench(app, documents: int, warmup: int) -> Timings:
    ids = _setup(app)
    pages = []
    original_render = letter.render_pdf_document

    def counting_render(*args, **kwargs):
        rendered = original_render(*args, **kwargs)
        pages.append(len(rendered.document.pages))
        return rendered
    letter.render_pdf_document = counting_render
    timings = Timings()
    for n in range(warmup):
        _one_document(app, ids, n, Timings())
    timings.wrap(letter, "render_pdf_document", "render (2 pages)")
    timings.wrap(signing_steps, "prepare_and_sign_as_signer", "signer signature")
    timings.wrap(signing_steps, "fill_and_seal_unjudged", "agency signature")
    timings.wrap(release, "receive_document", "release to one recipient")
    for n in range(warmup, warmup + documents):
        _one_document(app, ids, n, timings)
    assert set(pages) == {2}, f"the bench letter should fill two pages, got {sorted(set(pages))}"
    return timings


def print_figures(backend: str, timings: Timings) -> None:
    print(f"\n{backend}: {len(timings.steps['signer signature'])} documents (2-page công văn, one recipient)")
    print(f"{'step':45s} | {'median ms':>9s} | {'p95 ms':>8s} | target")
    for label, values in timings.steps.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        median = statistics.median(values)
        target = TARGETS.get(label)
        verdict = "" if target is None else f"≤ {target:g} ms: {'ok' if median <= target else 'OVER TARGET'}"
        print(f"{label:45s} | {median:9.1f} | {p95:8.1f} | {verdict}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", metavar="DATABASE_URL")
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args(argv)
    for url in database_urls(args.urls):
        files = tempfile.mkdtemp()
        with fresh_app(url, FILES_DIR=f"{files}/files", PKI_DIR=f"{files}/pki",
                       SIGNING_KEY_PASSPHRASE="bench-passphrase") as app:
            print_figures(url.split(":")[0], bench(app, args.documents, args.warmup))


if __name__ == "__main__":
    main()
