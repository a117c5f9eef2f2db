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
"""
import argparse
import io
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from fresh_database import database_urls, fresh_app
from sqlalchemy import func, select

from app.auth.passwords import hash_password
from app.directory.models import Agency, User
from app.documents.models import COMPLETED, Document, DocumentFile
from app.dossiers import closing, preservation
from app.dossiers.export import export_dossier
from app.dossiers.filing import file_document
from app.dossiers.handover import build_package
from app.dossiers.models import Dossier, RetentionPeriod
from app.dossiers.package_verify import verify_package
from app.dossiers.services import create_dossier
from app.extensions import db
from app.filestore import store_pdf
from app.rendering.pdf import render_pdf
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki
from app.signing.pades import sign_pdf
from app.sqltypes import utcnow
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None, help="Ghostscript processes at once (default: CPUs)")
    parser.add_argument("--package", action="store_true", help="also time the preservation package")
    args = parser.parse_args()
    for url in database_urls(args.urls):
        bench(url, args)


if __name__ == "__main__":
    main()
