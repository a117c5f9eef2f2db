"""How a request's transaction ends on PostgreSQL: one that only read ends with COMMIT, so psycopg keeps
the statements it prepared on the server; one that wrote, or left changes pending, is rolled back."""
import pytest
from sqlalchemy import func, select, text

from app.directory.models import Agency

CODE = "000.00.99.T01"


@pytest.fixture
def postgresql_db(committed_db):
    if committed_db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    return committed_db


def _agency() -> Agency:
    return Agency(code=CODE, name="Cơ quan thử giao dịch", short_name="CQTGD", kind="department")


def _agencies_with_code(app, db) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Agency).where(Agency.code == CODE))


def test_requests_that_only_read_leave_the_connections_their_prepared_statements(app, postgresql_db):
    # psycopg prepares a statement on a connection's sixth run; thirty requests reach that on every pooled connection.
    for _ in range(30):
        with app.app_context():
            postgresql_db.session.execute(select(Agency.id).where(Agency.code == CODE)).all()
    with app.app_context():
        prepared = postgresql_db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
        assert any("FROM agency" in statement for statement in prepared)


def test_a_request_that_wrote_without_committing_leaves_nothing(app, postgresql_db):
    with app.app_context():
        postgresql_db.session.add(_agency())
        postgresql_db.session.flush()  # written, never committed
    assert _agencies_with_code(app, postgresql_db) == 0


def test_a_request_with_changes_pending_leaves_nothing(app, postgresql_db):
    with app.app_context():
        postgresql_db.session.execute(select(Agency.id)).all()
        postgresql_db.session.add(_agency())  # not even flushed
    assert _agencies_with_code(app, postgresql_db) == 0


def test_searches_are_sent_unprepared_and_everything_else_is_prepared(app, postgresql_db):
    # A generic plan cannot judge a LIKE pattern it does not know (the document search slowed 2–3×), while
    # planning once is most of the gain on short statements: only statements holding a pattern skip it.
    with app.app_context():
        session = postgresql_db.session
        assert session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
        for word in ("quyet", "dinh", "ubnd", "so", "noi", "vu", "tai"):
            session.execute(select(func.count()).select_from(Agency).where(Agency.name.contains(word))).scalar()
            session.execute(select(Agency.id).where(Agency.code == word)).all()
        prepared = session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        assert any("agency.code = " in statement for statement in prepared)
        assert not any("LIKE" in statement for statement in prepared)
