"""What someone with write access to the database would do to the audit chain, for the anchor tests."""
from sqlalchemy import select, update

from app.audit.anchors import anchor_chain, verify_anchors
from app.audit.models import AuditChainHead, AuditEvent
from app.audit.services import HEAD_ID, event_hash, record


def anchored_events(app, make, count=6):
    """`count` events, the last one anchored (in the database and the log)."""
    actor = make.user()
    events = [record("thing_done", actor=actor, subject=actor, step=n) for n in range(count)]
    with app.test_request_context():
        anchor = anchor_chain(app.config)
        assert anchor is not None and anchor.seq == events[-1].seq and anchor_chain(app.config) is None
        assert verify_anchors(app.config).intact
    return events, anchor


def rehash_from(db, seq: int) -> None:
    """Recompute every hash from `seq` on, so the chain's own walk finds nothing."""
    db.session.expire_all()
    previous = db.session.scalars(select(AuditEvent).where(AuditEvent.seq == seq - 1)).one().hash
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)):
        event.prev_hash = previous
        event.hash = previous = event_hash(event)
    db.session.flush()
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(hash=previous))
