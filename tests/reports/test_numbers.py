"""The reports' numbers equal what counting the documents by hand gives, on both databases."""
import math
from collections import Counter
from datetime import date, timedelta

from app.documents.models import Document, DocumentNote
from app.reports.facts import refresh_document_facts
from app.reports.performance import build_performance, timing_from_histogram
from app.reports.periods import Period
from app.reports.statistics import build_statistics
from app.sqltypes import utcnow
from app.workflow.scripting_runtime import work_calendar

from .conftest import (
    PERIOD_END,
    PERIOD_START,
    YEAR,
    counted_incoming,
    released_outgoing,
    vn_day,
    working_days,
)

QUARTER = Period("quarter", PERIOD_START, PERIOD_END)


def test_statistics_per_agency_equal_hand_counts(app, db, province):
    refresh_document_facts()
    report = build_statistics(QUARTER, None)
    rows = {row.agency_id: row for row in report.agencies}
    for agency in province.agencies:
        incoming = counted_incoming(province, {agency.id})
        outgoing = released_outgoing(db, province, {agency.id})
        row = rows[agency.id]
        assert row.incoming == len(incoming) > 0
        assert row.incoming_paper == sum(d.origin == "paper" for d in incoming)
        assert row.incoming_electronic == sum(d.origin != "paper" for d in incoming)
        assert row.from_axis == sum(d.origin == "edxml" for d in incoming)
        assert row.incoming_signed == sum(bool(d.signature_verdicts) for d in incoming)
        assert row.incoming_unsigned == row.incoming - row.incoming_signed
        assert row.incoming_secret == sum(d.secrecy > 0 for d in incoming) > 0
        assert row.outgoing == len(outgoing) > 0
        assert row.outgoing_secret == sum(d.secrecy > 0 for d in outgoing)
    both = {a.id for a in province.agencies}
    by_type = {row.key: (row.incoming, row.outgoing) for row in report.by_type}
    hand = Counter((d.doc_type, "in") for d in counted_incoming(province, both))
    hand.update((d.doc_type, "out") for d in released_outgoing(db, province, both))
    for code in ("CV", "QĐ", "BC", "TB"):
        assert by_type.get(code, (0, 0)) == (hand[(code, "in")], hand[(code, "out")])
    urgency = {row.key: row.incoming for row in report.by_urgency}
    assert urgency == {str(level): sum(d.urgency == level for d in counted_incoming(province, both))
                       for level in range(4)}


def test_leader_scope_counts_only_the_agency(app, db, province):
    refresh_document_facts()
    first = province.agencies[0]
    report = build_statistics(QUARTER, (first.id,))
    assert [row.agency_id for row in report.agencies] == [first.id]
    assert report.total.incoming == len(counted_incoming(province, {first.id}))


def test_performance_per_unit_and_person_equals_hand_counts(app, db, province):
    refresh_document_facts()
    calendar = work_calendar()
    agency = province.agencies[1]
    today = date.today()
    incoming = counted_incoming(province, {agency.id})
    report = build_performance(QUARTER, (agency.id,), "unit")
    rows = {row.key: row for row in report.rows}
    for department in province.units[agency.id]:
        mine = [d for d in incoming if d.lead_department_id == department.id]
        done = [d for d in mine if d.status_code == "06"]
        counts = rows[department.id].counts
        assert counts["counted"] == len(mine)
        assert counts["completed"] == len(done)
        assert counts["on_time"] == sum(vn_day(d.completed_at) <= d.due_date for d in done)
        assert counts["late"] == sum(vn_day(d.completed_at) > d.due_date for d in done)
        assert counts["overdue"] == sum(d.status_code in ("01", "03", "04", "05") and d.due_date is not None
                                        and d.due_date < today for d in mine)
        completion = sorted(working_days(calendar, d.received_at, d.completed_at) for d in done)
        timing = rows[department.id].timings["completion"]
        assert timing.count == len(completion)
        if completion:
            assert timing.average == round(sum(completion) / len(completion), 1)
            assert timing.p90 == completion[math.ceil(0.9 * len(completion)) - 1]
        assignment = [working_days(calendar, d.received_at, province.assigned_at[d.id]) for d in mine]
        assert rows[department.id].timings["assignment"].count == len(assignment)
    unassigned = [d for d in incoming if d.lead_department_id is None]
    assert rows[None].counts["counted"] == len(unassigned)
    registration = [working_days(calendar, d.received_at, d.registered_at) for d in incoming if d.registered_at]
    assert report.total.timings["registration"].average == round(sum(registration) / len(registration), 1)
    people = build_performance(QUARTER, (agency.id,), "person")
    assert {row.key: row.counts["counted"] for row in people.rows} == dict(Counter(d.lead_user_id for d in incoming))


def test_a_change_is_read_again_and_a_holiday_rebuilds(app, db, province):
    refresh_document_facts()
    document = next(d for d in counted_incoming(province, {province.agencies[0].id}) if d.status_code == "05")
    before = build_performance(QUARTER, (document.agency_id,), "agency").total.counts["completed"]
    from app.documents.status import change_status
    with app.test_request_context():
        change_status(document, "06")
    assert refresh_document_facts() < len(province.documents)  # only what changed is read again
    assert build_performance(QUARTER, (document.agency_id,), "agency").total.counts["completed"] == before + 1
    arrival = vn_day(document.received_at)
    alone = Period("custom", arrival, arrival)
    days_before = build_performance(alone, (document.agency_id,), "person").rows
    days_before = next(r for r in days_before if r.key == document.lead_user_id).timings["completion"]
    assert days_before.count == 1
    holidays = [arrival + timedelta(days=n) for n in range(1, 40)]
    old = app.config.get("PUBLIC_HOLIDAYS", ())
    app.config["PUBLIC_HOLIDAYS"] = [d.isoformat() for d in holidays]
    try:
        assert refresh_document_facts(now=utcnow()) == db.session.query(Document).count()
        after = next(r for r in build_performance(alone, (document.agency_id,), "person").rows
                     if r.key == document.lead_user_id).timings["completion"]
        assert after.average == days_before.average - sum(d.weekday() < 5 for d in holidays)
    finally:
        app.config["PUBLIC_HOLIDAYS"] = old


def test_percentile_is_the_nearest_rank():
    assert timing_from_histogram({0: 9, 5: 1}).p90 == 0
    assert timing_from_histogram({0: 8, 5: 2}).p90 == 5
    assert timing_from_histogram({}).count == 0


def test_a_handler_without_a_named_lead_is_the_person_and_an_extension_is_read(app, db, province):
    refresh_document_facts()
    agency = province.agencies[0]
    document = next(d for d in counted_incoming(province, {agency.id})
                    if d.lead_user_id is None and d.status_code in ("04", "05"))
    handler = province.people[agency.id][1]

    def person_counts():
        rows = build_performance(QUARTER, (agency.id,), "person").rows
        return {row.key: row.counts for row in rows}

    before = person_counts()
    document.due_date = date(YEAR + 5, 1, 1)  # what a granted extension does, with only a note to show for it
    db.session.add(DocumentNote(document_id=document.id, kind="progress", author_id=handler.id, text="Đang xử lý"))
    db.session.flush()
    refresh_document_facts()
    after = person_counts()
    assert after[handler.id]["counted"] == before.get(handler.id, {}).get("counted", 0) + 1
    assert after[None]["counted"] == before[None]["counted"] - 1
    assert sum(row["overdue"] for row in after.values()) == sum(row["overdue"] for row in before.values()) - 1
