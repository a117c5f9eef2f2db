"""Time `flask processes upgrade-states` over stored states of the oldest format.

Usage: .venv/bin/python bench/upgrade_states.py [--instances N] [--batch B] [DATABASE_URL ...]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: point it
at a database of its own (createdb -h 127.0.0.1 -U postgres bench), never at one a test run uses.

N copies of the waiting case saved by the first release (tests/workflow/fixtures/states/format1-*,
a plain-text state with its pending timer) are stored as that release wrote them; the command's
batches (load under the lock, serialise, write) are then timed: states per second, and the stored
bytes before and after.
"""
import argparse
import json
import time
from pathlib import Path

from fresh_database import database_urls, fresh_app
from sqlalchemy import func, insert, select, text

from app.directory.models import Agency
from app.extensions import db
from app.workflow.models import ProcessInstance, ProcessVersion
from app.workflow.state_upgrade import upgrade_state_batch, upgrade_versions

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "workflow" / "fixtures" / "states"


def _store(instances: int) -> None:
    fixture = json.loads(next(FIXTURES.glob("format1-*.json")).read_text(encoding="utf-8"))
    agency = Agency(code="000.00.99.B01", name="Cơ quan đo", short_name="CQĐ", kind="department")
    version = ProcessVersion(process_id="fixture_sign", number=1, content_sha256=fixture["bpmn_sha256"],
                             bpmn_xml=(FIXTURES / "fixture_sign.bpmn").read_text(encoding="utf-8"), forms={},
                             spec_json=fixture["spec_json"], serializer_version=fixture["version_serializer_version"])
    db.session.add_all([agency, version])
    db.session.flush()
    rows = [{"process_version_id": version.id, "process_id": "fixture_sign", "agency_id": agency.id,
             "title": f"Hồ sơ {n}", "status": "running", "state_json": "{}", "serializer_version": "1.5",
             "lock_version": 1} for n in range(instances)]
    db.session.execute(insert(ProcessInstance.__table__), rows)
    # As the first release stored it: plain text, past today's compressing column type.
    db.session.execute(text("UPDATE process_instance SET state_json = :state"), {"state": fixture["state_json"]})
    db.session.commit()


def _stored_bytes() -> int:
    return db.session.scalar(select(func.sum(func.length(text("state_json")))).select_from(ProcessInstance))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("urls", nargs="*")
    args = parser.parse_args()
    for url in database_urls(args.urls):
        with fresh_app(url):
            _store(args.instances)
            before = _stored_bytes()
            started = time.perf_counter()
            upgrade_versions()
            db.session.commit()
            done, after_id = 0, 0
            while (batch := upgrade_state_batch(after_id=after_id, limit=args.batch)) is not None:
                db.session.commit()
                done, after_id = done + batch.upgraded, batch.last_id
                assert not batch.failed, batch.failed
            seconds = time.perf_counter() - started
            print(f"{url.split(':')[0]}: {done} states upgraded in {seconds:.2f} s = {done / seconds:.0f} states/s "
                  f"(batches of {args.batch}); stored {before / done / 1024:.1f} KB -> "
                  f"{_stored_bytes() / done / 1024:.1f} KB per state")


if __name__ == "__main__":
    main()
