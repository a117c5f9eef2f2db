"""Two workers running the monthly job at once make one report per agency and month, and one file."""
import threading
from pathlib import Path

from sqlalchemy import select

from app.directory.models import Agency
from app.jobs.runner import run_job
from app.reports.facts import refresh_document_facts
from app.reports.monthly_models import MonthlyReport
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki


def test_two_workers_make_one_report(app, committed_db):
    db = committed_db
    agency = Agency(code="000.00.77.H77", name="Sở Thử hai tiến trình", short_name="STHTT", kind="department")
    db.session.add(agency)
    db.session.flush()
    issue_demo_agency_key(ensure_demo_pki(Path(app.config["PKI_DIR"])), agency, app.config["SIGNING_KEY_PASSPHRASE"])
    refresh_document_facts()  # the facts are up to date, as the hourly job finds them
    db.session.commit()
    files_before = set(Path(app.config["FILES_DIR"]).rglob("*"))
    start, made, errors = threading.Barrier(2), [], []

    def worker():
        start.wait()
        try:
            made.append(run_job(app, "make_monthly_reports"))
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and sorted(made) == [0, 1]
    rows = db.session.scalars(select(MonthlyReport)).all()
    assert len(rows) == 1 and rows[0].done and rows[0].attempts == 1
    new_files = [p for p in set(Path(app.config["FILES_DIR"]).rglob("*")) - files_before if p.is_file()]
    assert [p.name for p in new_files] == [rows[0].file_sha256]
    db.session.rollback()  # end this session's read: on SQLite it holds the database's write lock
    assert run_job(app, "make_monthly_reports") == 0  # the hourly run after: nothing more
