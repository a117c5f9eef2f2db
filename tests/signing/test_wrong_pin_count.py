"""Wrong PINs sent at once (to different web processes, here threads with their own connections) are each counted."""
from datetime import datetime, timezone

from app.extensions import db as _db
from app.signing.keystore import PIN_ATTEMPTS, record_wrong_pin
from app.signing.models import SigningCredential

from ..factories import Factory
from ..parallel import run_in_parallel


def _credential(app) -> int:
    with app.test_request_context():
        make = Factory(_db)
        person = make.user(roles=("leader",))
        row = SigningCredential(kind="person", agency_id=person.agency_id, user_id=person.id, pkcs12=b"-",
                                subject_name=person.full_name, serial="1", image_png=b"",
                                not_after=datetime(2099, 1, 1, tzinfo=timezone.utc))
        _db.session.add(row)
        _db.session.commit()
        credential_id = row.id
        _db.session.remove()
    return credential_id


def _counted(committed_db, credential_id):
    row = committed_db.session.get(SigningCredential, credential_id, populate_existing=True)
    try:
        return row.failed_pins, row.locked_until
    finally:
        committed_db.session.rollback()


def test_wrong_pins_at_once_are_all_counted(app, committed_db):
    credential_id = _credential(app)

    def wrong_pin(_worker: int):
        record_wrong_pin(credential_id)
        _db.session.commit()

    assert run_in_parallel(app, PIN_ATTEMPTS - 1, wrong_pin) == []
    assert _counted(committed_db, credential_id) == (PIN_ATTEMPTS - 1, None)
    assert run_in_parallel(app, 1, wrong_pin) == []
    failed, locked_until = _counted(committed_db, credential_id)
    assert failed == 0 and locked_until is not None  # the last one in the row rests the key
