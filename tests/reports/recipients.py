"""Recipients with status trails for the province's released outgoing documents, and the outgoing
handling numbers counted by hand through the sender's page rule (never through the report's queries)."""
import random
from datetime import timedelta

from app.documents.models import Document, StatusChange
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from app.documents.outgoing.page import recipient_statuses_by_draft

from .conftest import at, released_outgoing, vn_day

TRAILS = ((), ("01",), ("01", "03"), ("01", "02"), ("01", "03", "04", "06"), ("01", "03", "06"), ("03",))


def add_recipients(db, province) -> None:
    """0–3 recipients per outgoing document: inside (an incoming document with its trail) or outside
    (status packages), each step some days after the previous one; weekends and nights included."""
    rng = random.Random(30)
    drafts = {d.document_id: d for d in db.session.query(OutgoingDraft)}
    for document in province.documents:
        draft = drafts.get(document.id)
        if document.direction != "outgoing" or draft is None or draft.released_at is None:
            continue
        db.session.query(OutgoingRecipient).filter_by(draft_id=document.id).delete()
        for n in range(rng.randint(0, 3)):
            other = next(a for a in province.agencies if a.id != document.agency_id)
            trail, moment = rng.choice(TRAILS), draft.released_at + timedelta(hours=rng.randint(1, 30))
            steps = []
            for code in trail:
                steps.append((code, moment))
                moment += timedelta(hours=rng.choice((2, 20, 50, 80)))
            if rng.random() < 0.5:
                copy = Document(agency_id=other.id, direction="incoming", origin="internal", doc_type="CV",
                                number=str(n), issuer_name="Sở thử", subject="Bản nhận",
                                document_date=vn_day(draft.released_at), received_at=at(
                                    vn_day(draft.released_at), 12), status_code=trail[-1] if trail else "01",
                                source_document_id=document.id,
                                completed_at=steps[-1][1] if trail and trail[-1] == "06" else None)
                db.session.add(copy)
                db.session.flush()
                db.session.add_all(StatusChange(document_id=copy.id, code=c, at=t) for c, t in steps)
                db.session.add(OutgoingRecipient(draft_id=document.id, position=n, agency_id=other.id, code=f"{other.code}.{n}",
                                                 name=other.name, delivered_document_id=copy.id))
            else:
                recipient = OutgoingRecipient(draft_id=document.id, position=n, code=f"000.00.{n}.H99",
                                              name="Ngoài tỉnh", exchange_state="sent" if trail else "queued")
                db.session.add(recipient)
                db.session.flush()
                db.session.add_all(ExternalRecipientStatus(recipient_id=recipient.id, code=c, at=t, package_sha256="0" * 64)
                                   for c, t in steps)
    db.session.flush()
    db.session.expire_all()


def hand_counts(db, province, agency_ids, start, end) -> dict:
    """The outgoing handling numbers of the agencies, counted document by document."""
    documents = released_outgoing(db, province, agency_ids, start, end)
    drafts = {d.document_id: d for d in db.session.query(OutgoingDraft)}
    rows = {r.draft_id: [] for r in db.session.query(OutgoingRecipient)}
    for r in db.session.query(OutgoingRecipient):
        rows[r.draft_id].append(r)
    statuses = recipient_statuses_by_draft([d.id for d in documents])
    counts = dict.fromkeys(("released", "signed", "electronic", "axis", "secret", "recipients", "accepted_on_time",
                            "slow", "waiting", "completed", "not_completed"), 0)
    for document in documents:
        mine = rows.get(document.id, [])
        counts["released"] += 1
        counts["signed"] += drafts[document.id].signed_at is not None
        counts["electronic"] += any(r.delivered_document_id or r.exchange_state for r in mine)
        counts["axis"] += any(r.exchange_state for r in mine)
        counts["secret"] += document.secrecy > 0
        for status in statuses[document.id]:
            codes = [step.code for step in status.timeline]
            counts["recipients"] += 1
            counts["completed" if "06" in codes else "not_completed"] += 1
            answered = "03" in codes or "02" in codes
            counts["slow" if status.slow else "accepted_on_time" if answered else "waiting"] += 1
    return counts
