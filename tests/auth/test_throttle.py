"""Login throttling: per account and address, a slower account cap, and no slipping past under parallel guessing."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import LoginThrottle
from app.auth.services import authenticate
from app.auth.throttle import Limit, LoginThrottled, ThrottlePolicy

from ..factories import Factory
from ..parallel import run_in_parallel

POLICY = ThrottlePolicy(per_account_address=Limit(5, 60), per_account=Limit(8, 900), per_address=Limit(100, 900))


def _try(username, password, address, policy=POLICY):
    try:
        return authenticate(username, password, address=address, policy=policy) is not None
    except LoginThrottled:
        return "throttled"


def test_guessing_from_one_address_does_not_lock_the_account_elsewhere(app, make, db):
    user = make.user()
    with app.test_request_context():
        assert [_try(user.username, "sai", "10.0.0.66") for _ in range(6)] == [False] * 5 + ["throttled"]
        assert _try(user.username, Factory.PASSWORD, "10.0.0.66") == "throttled"
        assert _try(user.username, Factory.PASSWORD, "192.168.1.20") is True


def test_the_account_cap_holds_across_addresses(app, make, db):
    user = make.user()
    with app.test_request_context():
        outcomes = [_try(user.username, "sai", f"10.0.{n}.1") for n in range(8)]
        assert outcomes == [False] * 8
        assert _try(user.username, Factory.PASSWORD, "192.168.1.20") == "throttled"


def test_a_window_that_is_over_starts_afresh(app, make, db):
    user = make.user()
    with app.test_request_context():
        for _ in range(5):
            _try(user.username, "sai", "10.0.0.66")
        assert _try(user.username, Factory.PASSWORD, "10.0.0.66") == "throttled"
        for row in db.session.scalars(select(LoginThrottle)):
            row.window_started -= timedelta(seconds=61)
        db.session.flush()
        assert _try(user.username, Factory.PASSWORD, "10.0.0.66") is True


def test_success_clears_the_pair_and_gives_back_the_account_count(app, make, db):
    user = make.user()
    with app.test_request_context():
        for _ in range(3):
            _try(user.username, "sai", "10.0.0.66")
        assert _try(user.username, Factory.PASSWORD, "10.0.0.66") is True
        counts = dict(db.session.execute(select(LoginThrottle.key, LoginThrottle.attempts)).all())
    assert counts[f"u:{user.username}"] == 3
    assert f"u:{user.username}|a:10.0.0.66" not in counts


def test_parallel_guesses_get_no_more_than_the_limit(app, committed_db):
    username = Factory(committed_db).user().username
    committed_db.session.commit()
    outcomes = []

    def guess(worker):
        outcome = _try(username, f"sai-{worker}", "10.9.9.9")
        committed_db.session.commit()
        outcomes.append(outcome)

    assert run_in_parallel(app, 12, guess) == []
    assert outcomes.count(False) == 5 and outcomes.count("throttled") == 7
