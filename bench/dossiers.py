"""Closing a dossier of 200 documents: PDF/A conversion of every file, then the short closing transaction.

Usage: .venv/bin/python bench/dossiers.py [DATABASE_URL ...] [--documents N] [--workers W] [--package]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: a database of
its own. Fills one agency, N handled documents (each its own PDF: a two-page letter rendered by WeasyPrint
with the bundled fonts; every fourth one PAdES-signed by a demo person, every fifth one with a one-page
attachment written in unembedded Helvetica), files them into one dossier, and times `run_closing`:
conversion alone, the whole closing, and the export of the closed dossier. Target: closing and
packaging < 60 s.

--package: also builds and verifies the preservation package of the closed dossier (handover.build_package:
originals and PDF/A copies, the signed hand-over papers) and prints close + package.

--compact N: N incoming documents driven through their whole case (registered, assigned, dispatched,
handled), filed, closed and handed over; then times `flask dossiers compact-history`'s service on them and
prints the engine state's bytes before and after (JSON and as stored, compressed), then checks the audit
chain and replays every compacted case against its summary.
--compact-demo: the same measure on `flask seed-demo`'s province: every agency's dossiers of this year
holding handled documents are closed and handed over, then their cases compacted.
"""
import argparse
import io
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from fresh_database import database_urls, fresh_app
from sqlalchemy import func, select

from app.audit.verification import verify_chain
from app.auth.passwords import hash_password
from app.directory.models import Agency, Department, User
from app.documents.metadata import parse_metadata
from app.documents.models import COMPLETED, Document, DocumentFile
from app.documents.receiving import receive_document
from app.dossiers import closing, preservation
from app.dossiers.compaction import compact_archived_history, stored_length
from app.dossiers.export import export_dossier
from app.dossiers.filing import file_document
from app.dossiers.handover import build_package
from app.dossiers.models import OPEN, Dossier, DossierDocument, RetentionPeriod
from app.dossiers.package_verify import verify_package
from app.dossiers.services import create_dossier
from app.extensions import db
from app.filestore import store_pdf
from app.rendering.pdf import render_pdf
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki
from app.signing.pades import sign_pdf
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.replay import replay
from app.workflow.runtime import complete_task
from tests.pdf_samples import minimal_pdf

LETTER = """<html><head><meta charset="utf-8"><style>@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
body {{ font-family: "LT Serif"; font-size: 14pt; }} p {{ text-align: justify; }}</style></head><body>
<p style="text-align:center"><b>UBND TỈNH YÊN BÁI<br>SỞ NỘI VỤ</b></p>
<p style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</p>
<p>Số: {n}/SNV-TCBC</p><p><b>V/v báo cáo công tác tổ chức cán bộ, văn bản số {n}</b></p>
{paragraphs}
<p style="page-break-before: always">Nơi nhận: như trên; lưu VT, TCBC.</p></body></html>"""
PARAGRAPH = ("<p>Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư, "
             "Sở Nội vụ báo cáo tình hình thực hiện nhiệm vụ đến ngày {day} như sau: các đơn vị đã lập hồ sơ, "
             "lưu trữ văn bản điện tử đúng quy định; đề nghị các cơ quan tiếp tục triển khai.</p>")


def setup(app, count: int) -> tuple[int, int]:
    """An agency, its clerk, `count` handled documents filed into one dossier; (dossier id, clerk id)."""
    files_dir = Path(app.config["FILES_DIR"])
    pki = ensure_demo_pki(Path(tempfile.mkdtemp(prefix="bench-pki-")))
    person = pki.issue_person("bench.lanhdao", "Trần Văn Lãnh Đạo", "Sở Nội vụ đo hiệu năng")
    with app.test_request_context():
        agency = Agency(code="000.00.97.B01", name="Sở Nội vụ đo hiệu năng", short_name="SNVĐO", kind="department")
        db.session.add(agency)
        db.session.flush()
        clerk = User(agency=agency, username="bench.vanthu", full_name="Nguyễn Thị Văn Thư",
                     password_hash=hash_password("Mat-khau-bench-2026"))
        clerk.set_roles(["clerk"])
        period = db.session.scalar(select(RetentionPeriod).where(RetentionPeriod.years == 10))
        db.session.add(clerk)
        db.session.flush()
        dossier = create_dossier(actor=clerk, year=2025, notation="TCBC.01", title="Hồ sơ công tác tổ chức cán bộ",
                                 department_id=None, responsible_id=None, retention_id=period.id, access="public",
                                 note="")
        started = time.perf_counter()
        for n in range(1, count + 1):
            day = date(2025, 1, 2) + timedelta(days=n % 360)
            pdf = render_pdf(LETTER.format(n=n, paragraphs="".join(PARAGRAPH.format(day=day) for _ in range(6))))
            if n % 4 == 0:
                pdf = sign_pdf(pdf, person, reason="Phê duyệt")
            stored = store_pdf(io.BytesIO(pdf), f"van-ban-{n}.pdf", files_dir=files_dir, max_bytes=20 << 20)
            document = Document(agency_id=agency.id, direction="incoming", doc_type="CV", number=str(n),
                                notation="SNV-TCBC", issuer_name="Sở Nội vụ", document_date=day,
                                subject=f"V/v báo cáo công tác tổ chức cán bộ số {n}", status_code=COMPLETED,
                                page_count=2)
            document.files.append(DocumentFile(role="main", sha256=stored.sha256, name=stored.name, size=stored.size))
            if n % 5 == 0:
                extra = store_pdf(io.BytesIO(minimal_pdf(f"Phu luc {n}")), f"phu-luc-{n}.pdf", files_dir=files_dir,
                                  max_bytes=20 << 20)
                document.files.append(DocumentFile(role="attachment", position=1, sha256=extra.sha256,
                                                   name=extra.name, size=extra.size))
            db.session.add(document)
            db.session.flush()
            file_document(document, [dossier.id], actor=clerk)
        db.session.commit()
        print(f"  filled {count} documents in {time.perf_counter() - started:.1f} s")
        return dossier.id, clerk.id


def time_packaging(app, dossier_id: int, clerk_id: int, out_dir: Path) -> tuple[float, int]:
    """Build the closed dossier's preservation package as its clerk (handover.build_package: both
    representations, signed Mục lục and Biên bản giao nhận, the hand-over recorded) and verify it;
    (seconds to build, bytes)."""
    with app.test_request_context():
        dossier, clerk = db.session.get(Dossier, dossier_id), db.session.get(User, clerk_id)
        issue_demo_agency_key(ensure_demo_pki(Path(app.config["PKI_DIR"])), dossier.agency,
                              app.config["SIGNING_KEY_PASSPHRASE"])
        db.session.commit()
        out = out_dir / "goi-nop-luu.zip"
        started = time.perf_counter()
        built = build_package(dossier.agency.code, [dossier.code], out, actor=clerk, config=app.config, now=utcnow())
        db.session.commit()
        packaging = time.perf_counter() - started
        started = time.perf_counter()
        problems = verify_package(out)
        verifying = time.perf_counter() - started
    print(f"  package {built.package_id}: {built.document_count} documents, {built.file_count} files + PDF/A "
          f"copies, {out.stat().st_size / 1e6:.1f} MB in {packaging:.1f} s; verify-package {verifying:.1f} s "
          f"({'whole' if not problems else f'{len(problems)} problems'})")
    return packaging, out.stat().st_size


def bench(url: str, args) -> None:
    files_dir = tempfile.mkdtemp(prefix="bench-dossiers-")
    with fresh_app(url, FILES_DIR=files_dir, PKI_DIR=tempfile.mkdtemp(prefix="bench-pki-")) as app:
        print(f"{url.split('://')[0]}: {args.documents} documents")
        dossier_id, clerk_id = setup(app, args.documents)
        with app.test_request_context():
            files = db.session.scalar(select(func.count(DocumentFile.id))) or 0
            clerk = db.session.get(User, clerk_id)
            sources = [sha for _id, sha, _name in closing.files_needing_copies(dossier_id)]
            db.session.rollback()
            started = time.perf_counter()
            converted = preservation.convert_files(sources, Path(files_dir), workers=args.workers)
            converting = time.perf_counter() - started
            preservation.discard(converted, Path(files_dir))  # the real closing below converts again
            started = time.perf_counter()
            result = closing.run_closing(db.session.get(Dossier, dossier_id), actor=clerk,
                                         files_dir=Path(files_dir), workers=args.workers)
            total = time.perf_counter() - started
            started = time.perf_counter()
            exported = export_dossier(db.session.get(Dossier, dossier_id), actor=clerk, files_dir=Path(files_dir))
            exporting = time.perf_counter() - started
            db.session.rollback()
        print(f"  {files} files; conversion alone {converting:.1f} s; closing (convert + transaction) {total:.1f} s; "
              f"{result.converted} PDF/A copies, {len(result.failures)} not converted")
        print(f"  export (PDF + XML, ZIP of {len(exported.data) / 1e6:.1f} MB): {exporting:.1f} s")
        if args.package:
            packaging, _size = time_packaging(app, dossier_id, clerk_id, Path(tempfile.mkdtemp(prefix="bench-goi-")))
            print(f"  close + package: {total + packaging:.1f} s (target < 60 s)")


def _task_uuid(instance_id: int, spec_id: str) -> str:
    return db.session.scalar(select(HumanTask.task_uuid).where(HumanTask.instance_id == instance_id,
                                                               HumanTask.spec_id == spec_id))


def fill_cases(app, count: int) -> tuple[int, int]:
    """An agency (clerk, leader, a unit's head and specialist) and `count` incoming documents through their
    whole case, filed into one dossier; (dossier id, clerk id)."""
    files_dir = Path(app.config["FILES_DIR"])
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        agency = Agency(code="000.00.96.B01", name="Sở Nội vụ thu gọn", short_name="SNVTG", kind="department")
        db.session.add(agency)
        db.session.flush()
        unit = Department(agency_id=agency.id, name="Phòng Tổ chức", abbreviation="TC")
        db.session.add(unit)
        db.session.flush()
        people = {}
        for username, role in (("tg.vanthu", "clerk"), ("tg.lanhdao", "leader"), ("tg.truongphong", "unit_head"),
                               ("tg.chuyenvien", "specialist")):
            person = User(agency=agency, username=username, full_name=username, department_id=unit.id,
                          password_hash=hash_password("Mat-khau-bench-2026"))
            person.set_roles([role])
            db.session.add(person)
            people[role] = person
        period = db.session.scalar(select(RetentionPeriod).where(RetentionPeriod.years == 10))
        db.session.flush()
        dossier = create_dossier(actor=people["clerk"], year=vietnam_today().year, notation="TC.01",
                                 title="Hồ sơ công văn thu gọn", department_id=None, responsible_id=None,
                                 retention_id=period.id, access="public", note="")
        pdf = render_pdf(LETTER.format(n=1, paragraphs=PARAGRAPH.format(day=vietnam_today())))
        stored = store_pdf(io.BytesIO(pdf), "van-ban.pdf", files_dir=files_dir, max_bytes=20 << 20)
        db.session.commit()
        started = time.perf_counter()
        due = (vietnam_today() + timedelta(days=10)).isoformat()
        for n in range(1, count + 1):
            metadata = parse_metadata({"doc_type": "CV", "number": str(n), "notation": "UBND-VP", "issuer_code": "",
                                       "issuer_name": "UBND huyện Văn Yên",
                                       "document_date": vietnam_today().strftime("%d/%m/%Y"),
                                       "subject": f"V/v báo cáo công tác số {n}", "urgency": "0", "secrecy": "0"})
            document = receive_document(agency_id=agency.id, metadata=metadata, main_file=stored,
                                        actor=people["clerk"]).document
            instance_id = document.instance_id
            for spec_id, data, role in (
                    ("register", {"route": "leader"}, "clerk"),
                    ("assign", {"directing_opinion": "Chủ trì", "lead_department_id": unit.id, "due_date": due},
                     "leader"),
                    ("dispatch_lead", {"specialist": "tg.chuyenvien"}, "unit_head"),
                    ("handle", {"handling_action": "finish", "handling_note": "Xong", "reply_reference": ""},
                     "specialist")):
                complete_task(_task_uuid(instance_id, spec_id), data, actor=people[role])
            file_document(document, [dossier.id], actor=people["clerk"])
            db.session.commit()
        print(f"  {count} cases driven to their end and filed in {time.perf_counter() - started:.1f} s")
        return dossier.id, people["clerk"].id


def hand_over(app, dossier_ids: list[int], clerk_id: int, out_dir: Path) -> None:
    """Close the dossiers (PDF/A copies) and hand them over in one package of their agency."""
    with app.test_request_context():
        clerk = db.session.get(User, clerk_id)
        for dossier_id in dossier_ids:
            dossier = db.session.get(Dossier, dossier_id)
            if dossier.status == OPEN:
                closing.run_closing(dossier, actor=clerk, files_dir=Path(app.config["FILES_DIR"]))
        dossiers = [db.session.get(Dossier, i) for i in dossier_ids]
        issue_demo_agency_key(ensure_demo_pki(Path(app.config["PKI_DIR"])), clerk.agency,
                              app.config["SIGNING_KEY_PASSPHRASE"])
        build_package(clerk.agency.code, [d.code for d in dossiers], out_dir / f"{clerk.agency.code}.zip",
                      actor=clerk, config=app.config, now=utcnow())
        db.session.commit()


def time_compaction(app) -> None:
    """Compact every qualifying case; print the bytes before and after, the time, and the checks after."""
    with app.test_request_context():
        every = list(db.session.scalars(select(ProcessInstance.id)))
        all_before = stored_length(every)
        started = time.perf_counter()
        report = compact_archived_history(commit=db.session.commit)
        elapsed = time.perf_counter() - started
        all_after = stored_length(every)
        count = len(report.instances)
        if not count:
            print("  compaction: no case qualifies")
            return
        saved = report.stored_before - report.stored_after
        print(f"  compaction: {count} cases in {elapsed:.2f} s ({1000 * elapsed / count:.1f} ms a case); engine state "
              f"{report.state_bytes:,} B JSON -> summaries {report.summary_bytes:,} B; as stored (compressed) "
              f"{report.stored_before:,} -> {report.stored_after:,} B (saved {saved:,} B, "
              f"{100 * saved / max(report.stored_before, 1):.0f} %); every case's state column {all_before:,} -> "
              f"{all_after:,} B")
        started = time.perf_counter()
        chain = verify_chain()
        verifying = time.perf_counter() - started
        started = time.perf_counter()
        results = [replay(db.session.get(ProcessInstance, i)) for i in report.instances]
        replaying = time.perf_counter() - started
        matched = sum(1 for r in results if r.matches and r.compacted_seq)
        print(f"  after: audit verify {'intact' if chain.intact else 'BROKEN'} ({chain.verified} events, "
              f"{verifying:.2f} s); replay of the compacted cases: {matched}/{count} match their summaries "
              f"({replaying:.1f} s)")
        db.session.rollback()


def bench_compaction(url: str, count: int) -> None:
    files_dir = tempfile.mkdtemp(prefix="bench-compact-")
    with fresh_app(url, FILES_DIR=files_dir, PKI_DIR=tempfile.mkdtemp(prefix="bench-pki-")) as app:
        print(f"{url.split('://')[0]}: compaction of {count} handed-over cases")
        dossier_id, clerk_id = fill_cases(app, count)
        hand_over(app, [dossier_id], clerk_id, Path(tempfile.mkdtemp(prefix="bench-goi-")))
        time_compaction(app)


def bench_compaction_demo(url: str) -> None:
    """seed-demo, then every agency's dossiers of this year that hold documents closed and handed over."""
    files_dir = tempfile.mkdtemp(prefix="bench-compact-demo-")
    with fresh_app(url, FILES_DIR=files_dir, PKI_DIR=tempfile.mkdtemp(prefix="bench-pki-")) as app:
        print(f"{url.split('://')[0]}: compaction on the demo province")
        seeded = app.test_cli_runner().invoke(args=["seed-demo"])
        assert seeded.exit_code == 0, (seeded.output, seeded.exception)
        out_dir = Path(tempfile.mkdtemp(prefix="bench-goi-"))
        with app.test_request_context():
            rows = db.session.execute(select(Dossier.agency_id, Dossier.id).where(
                Dossier.year == vietnam_today().year, Dossier.id.in_(select(DossierDocument.dossier_id)))
                .order_by(Dossier.agency_id, Dossier.id)).all()
            by_agency: dict[int, list[int]] = {}
            for agency_id, dossier_id in rows:
                by_agency.setdefault(agency_id, []).append(dossier_id)
            clerks = {agency_id: db.session.scalar(select(Dossier.created_by_id).where(Dossier.id == ids[0]))
                      for agency_id, ids in by_agency.items()}
            db.session.rollback()
        started = time.perf_counter()
        for agency_id, ids in by_agency.items():
            hand_over(app, ids, clerks[agency_id], out_dir)
        print(f"  {sum(map(len, by_agency.values()))} dossiers of {len(by_agency)} agencies closed and handed over "
              f"in {time.perf_counter() - started:.1f} s")
        time_compaction(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None, help="Ghostscript processes at once (default: CPUs)")
    parser.add_argument("--package", action="store_true", help="also time the preservation package")
    parser.add_argument("--compact", type=int, default=None, metavar="N",
                        help="time compacting N handed-over cases instead (bytes before/after)")
    parser.add_argument("--compact-demo", action="store_true", help="measure compaction on the seeded demo instead")
    args = parser.parse_args()
    for url in database_urls(args.urls):
        if args.compact_demo:
            bench_compaction_demo(url)
        elif args.compact:
            bench_compaction(url, args.compact)
        else:
            bench(url, args)


if __name__ == "__main__":
    main()
