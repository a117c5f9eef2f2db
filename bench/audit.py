"""Audit figures: replay time per incoming-document instance, and chain verification against raw SHA-256.

Usage: .venv/bin/python bench/audit.py [--instances N] [--events E] [DATABASE_URL ...]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: point it at a
database of its own, never at one a test run uses.

Replay: N incoming documents are driven through the whole process (register, assign with a supporting
unit, two dispatches, a contribution, finish: ~15 recorded events with the service tasks' answers),
then each instance is replayed (app.workflow.replay) and timed; median and p95 printed.
Chain: E events are appended to the chain (hashes computed as `record` does, inserted in batches),
then `verify_chain` walks them all; its events per second are printed next to hashlib.sha256 over
the same canonical event bodies, and the ratio. Targets: replay ≤ 50 ms per instance; verification
≥ 30 % of raw hashing.
"""
import argparse
import hashlib
import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import timedelta

from fresh_database import database_urls, fresh_app
from incoming import _metadata_values, _request, drive_one, setup
from sqlalchemy import insert, select, update

from app.audit.canonical import canonical_body, canonical_json
from app.audit.models import AuditChainHead, AuditEvent
from app.audit.services import HEAD_ID
from app.audit.verification import verify_chain
from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.workflow.history import instance_events
from app.workflow.models import ProcessInstance
from app.workflow.replay import replay

REPLAY_TARGET_MS, RATIO_TARGET = 50.0, 0.30
BATCH = 5000


def bench_replay(app, instances: int) -> tuple[list[float], float]:
    context = setup(app)
    rng, today = random.Random(7), vietnam_today()
    for _ in range(instances + 2):
        drive_one(app, context, _metadata_values(rng, today), defaultdict(list), {})
    with _request(app):
        ids = list(db.session.scalars(select(ProcessInstance.id).where(
            ProcessInstance.process_id == "incoming_document").order_by(ProcessInstance.id)))
        events = statistics.median(len(instance_events(i)) for i in ids)
    timings = []
    for instance_id in ids:
        with _request(app):
            instance = db.session.get(ProcessInstance, instance_id)
            started = time.perf_counter()
            result = replay(instance)
            elapsed = (time.perf_counter() - started) * 1000
            assert result.matches, (instance_id, result.problem)
            timings.append(elapsed)
    return timings[2:], events  # the first two warm the caches


def append_events(app, count: int) -> list[bytes]:
    """Append `count` events the way record() hashes them; returns their canonical bodies (for raw hashing)."""
    bodies = []
    with _request(app):
        head = db.session.get(AuditChainHead, HEAD_ID)
        seq, previous = head.seq, head.hash
        moment = utcnow()
        rows = []
        for n in range(count):
            seq += 1
            moment += timedelta(milliseconds=1)
            data = {"step": n, "note": "Sự kiện đo hiệu năng", "instance_id": n % 997}
            body = canonical_body(seq, "bench_event", moment, None, None, None, "bench", str(seq),
                                  canonical_json(data)).encode()
            bodies.append(body)
            digest = hashlib.sha256(previous.encode() + body).hexdigest()
            rows.append({"seq": seq, "event_type": "bench_event", "occurred_at": moment, "actor_id": None,
                         "on_behalf_of_id": None, "agency_id": None, "subject_type": "bench", "subject_id": str(seq),
                         "data": data, "prev_hash": previous, "hash": digest})
            previous = digest
            if len(rows) == BATCH:
                db.session.execute(insert(AuditEvent), rows)
                rows = []
        if rows:
            db.session.execute(insert(AuditEvent), rows)
        db.session.execute(update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(seq=seq, hash=previous))
        db.session.commit()
    return bodies


def bench_chain(app, count: int) -> tuple[float, float, int]:
    bodies = append_events(app, count)
    started = time.perf_counter()
    digest = "0" * 64
    for body in bodies:
        digest = hashlib.sha256(digest.encode() + body).hexdigest()
    raw_rate = len(bodies) / (time.perf_counter() - started)
    with _request(app):
        started = time.perf_counter()
        report = verify_chain()
        verify_rate = report.verified / (time.perf_counter() - started)
        assert report.intact, report.problem
    return verify_rate, raw_rate, report.verified


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", metavar="DATABASE_URL")
    parser.add_argument("--instances", type=int, default=30)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    for url in database_urls(args.urls):
        files = tempfile.mkdtemp()
        with fresh_app(url, FILES_DIR=f"{files}/files", PKI_DIR=f"{files}/pki") as app:
            timings, events = bench_replay(app, args.instances)
            verify_rate, raw_rate, verified = bench_chain(app, args.events)
        backend = url.split(":")[0]
        median = statistics.median(timings)
        p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
        print(f"\n{backend}: replay of {len(timings)} incoming-document instances (median {events:.0f} recorded "
              f"events each): median {median:.1f} ms, p95 {p95:.1f} ms; target ≤ {REPLAY_TARGET_MS:g} ms: "
              f"{'ok' if median <= REPLAY_TARGET_MS else 'OVER TARGET'}")
        ratio = verify_rate / raw_rate
        print(f"{backend}: chain verification over {verified:,} events: {verify_rate:,.0f} events/s; raw SHA-256 of "
              f"the same bodies {raw_rate:,.0f}/s; ratio {ratio:.1%}; target ≥ {RATIO_TARGET:.0%}: "
              f"{'ok' if ratio >= RATIO_TARGET else 'UNDER TARGET'}")


if __name__ == "__main__":
    main()
