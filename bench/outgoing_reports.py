"""Tình hình giải quyết văn bản đi and the monthly signed report at a province-year.

Usage: .venv/bin/python bench/outgoing_reports.py [DATABASE_URL ...] [--documents N] [--runs R] [--reuse]
Fills like bench/reports.py (a PostgreSQL URL's public schema is DROPPED first: a database of its own),
then gives every axis recipient a status trail (01, 03 a few hours to days later, 06 for most), and times:
the outgoing handling page (province by agency, one agency by unit), its API, its year exports, and the
monthly job making and signing the largest agency's report of one month.
"""
import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from fresh_database import database_urls, fresh_app
from reports import (
    _p,
    analyze,
    fill_directory,
    fill_documents,
    reused_app,
    signed_in,
    timed_refresh,
    world_from_database,
)
from sqlalchemy import insert, select

from app.directory.models import Agency
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from app.extensions import db
from app.reports.monthly import run_monthly_reports
from app.reports.recipient_facts import refresh_recipient_facts
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki
from app.vietnam_time import vietnam_today


def fill_trails(rng) -> int:
    """01, then 03 and usually 06 for every recipient over the axis, in bulk."""
    rows = []
    for recipient_id, released in db.session.execute(select(OutgoingRecipient.id, OutgoingDraft.released_at).join(
            OutgoingDraft, OutgoingDraft.document_id == OutgoingRecipient.draft_id).where(
            OutgoingRecipient.exchange_state != "")):
        moment = released + timedelta(hours=rng.randint(1, 20))
        for code in ("01", "03", "06")[:rng.choice((1, 2, 3, 3))]:
            rows.append({"recipient_id": recipient_id, "code": code, "at": moment, "description": "", "staff": "",
                         "received_at": moment, "package_sha256": "0" * 64})
            moment += timedelta(hours=rng.choice((2, 30, 80)))
    for start in range(0, len(rows), 20000):
        db.session.execute(insert(ExternalRecipientStatus), rows[start:start + 20000])
    db.session.commit()
    return len(rows)


def bench(url: str, args) -> None:
    rng = random.Random(20261206)
    work = tempfile.mkdtemp(prefix="bench-outgoing-")
    year = vietnam_today().year - 1
    opened = reused_app if args.reuse else fresh_app
    with opened(url, FILES_DIR=f"{work}/files", PKI_DIR=f"{work}/pki", BACKGROUND_JOBS=False) as app:
        backend = db.engine.dialect.name
        if args.reuse:
            world = world_from_database()
        else:
            started = time.perf_counter()
            world = fill_directory(rng)
            fill_documents(world, args.documents, year, rng)
            trails = fill_trails(rng)
            analyze()
            print(f"{backend}: filled {args.documents:,} documents and {trails:,} recipient statuses in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
            db.session.remove()
            timed_refresh(app, full=True)
            started = time.perf_counter()
            documents = refresh_recipient_facts(full=True)
            db.session.commit()
            print(f"{backend}: recipient facts, full run: {documents:,} documents in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            analyze()
        db.session.remove()
        largest = max(world["agencies"], key=lambda a: world["weights"][a] * len(world["units"][a]))
        auditor = signed_in(app, world["auditor"])
        year_args = {"period": "year", "year": year}
        cases = [("outgoing, province by agency, year", "/bao-cao/giai-quyet-van-ban-di", year_args),
                 ("outgoing, agency by unit, year", "/bao-cao/giai-quyet-van-ban-di", {**year_args, "agency": largest}),
                 ("outgoing, province, one month", "/bao-cao/giai-quyet-van-ban-di",
                  {"period": "month", "year": year, "month": 5})]
        print(f"{'':40s} {'runs':>5s} {'p50 ms':>8s} {'p95 ms':>8s}")
        for name, url_path, query in cases:
            assert auditor.get(url_path, query_string=query).status_code == 200
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                assert auditor.get(url_path, query_string=query).status_code == 200
                timings.append(time.perf_counter() - started)
            print(f"{name:40s} {len(timings):5d} {_p(timings, 50):8.1f} {_p(timings, 95):8.1f}", flush=True)
        for output in ("xlsx", "csv", "pdf"):
            started = time.perf_counter()
            answer = auditor.get("/bao-cao/giai-quyet-van-ban-di", query_string={**year_args, "dinh-dang": output})
            assert answer.status_code == 200
            print(f"export outgoing handling, province year, {output}: {time.perf_counter() - started:.2f} s")
        agency = db.session.get(Agency, largest)
        issue_demo_agency_key(ensure_demo_pki(Path(work) / "pki"), agency, app.config["SIGNING_KEY_PASSPHRASE"])
        db.session.commit()
        started = time.perf_counter()
        outcome = run_monthly_reports(f"{year}-05", agency.code)[0]
        print(f"{backend}: monthly report of the largest agency, {year}-05, made and signed: {outcome.made} "
              f"in {time.perf_counter() - started:.2f} s", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", metavar="DATABASE_URL")
    parser.add_argument("--documents", type=int, default=271_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run filled")
    args = parser.parse_args(argv)
    for url in database_urls(args.urls):
        bench(url, args)


if __name__ == "__main__":
    main()
