"""Fixtures: a session-wide app on a freshly migrated database, a rolled-back `db` per test."""
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app import create_app
from app.extensions import db as _db

from .factories import Factory
from .signing.token_setup import softhsm_token  # noqa: F401  (one token per process, shared by every test)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _fresh_schema(url: str) -> None:
    if url.startswith("postgresql"):
        with _db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "FILES_DIR": str(tmp_path_factory.mktemp("files")),
        "PKI_DIR": str(tmp_path_factory.mktemp("pki")),
        "SIGNING_KEY_PASSPHRASE": "test-signing-passphrase",
        "AUDIT_ANCHOR_LOG": str(tmp_path_factory.mktemp("anchors") / "audit-anchors.log"),
    })
    with application.app_context():
        _fresh_schema(url)
        upgrade()
    return application


@pytest.fixture
def db(app):
    """The database inside a transaction that is rolled back after the test; commits become savepoints."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = scoped_session(
            sessionmaker(class_=Session, bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id)
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()
            _forget_anchor_log(app)


@pytest.fixture
def committed_db(app):
    """The real database for tests that need several connections; emptied afterwards."""
    with app.app_context():
        try:
            yield _db
        finally:
            _db.session.remove()
            with _db.engine.begin() as connection:
                for table in reversed(_db.metadata.sorted_tables):
                    connection.execute(table.delete())
                connection.execute(text(
                    "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, :genesis)"),
                    {"genesis": "0" * 64})
            _forget_anchor_log(app)


def _forget_anchor_log(app) -> None:
    """The anchor log goes with the database it anchors: the next test starts a new chain."""
    Path(app.config["AUDIT_ANCHOR_LOG"]).unlink(missing_ok=True)


@pytest.fixture
def make(db):
    return Factory(db)


@pytest.fixture
def client(app, db):
    return app.test_client()


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def login(client):
    """Log a user in through the real login form; returns the client."""

    def log_in(user, password=Factory.PASSWORD):
        page = client.get("/dang-nhap")
        response = client.post("/dang-nhap", data={
            "username": user.username, "password": password,
            "csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return log_in


@pytest.fixture
def post_form(client):
    """POST a form the way a browser does: fetch the page for its CSRF token first."""

    def post(form_page: str, url: str | None = None, data=None, **kwargs):
        page = client.get(form_page)
        payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **(data or {})}
        return client.post(url or form_page, data=payload, **kwargs)

    return post


@pytest.fixture
def deployed(app, db):
    """The catalogue's processes deployed inside the test transaction."""
    from app.workflow.deployment import sync_processes
    from app.workflow.registry import catalogue

    with app.test_request_context():
        report = sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        assert report.problems == []
        yield report


@dataclass
class Counted:
    statements: list = field(default_factory=list)
    state_loads: int = 0


@pytest.fixture
def count_queries(app, db, monkeypatch):
    """Count the SQL statements and engine-state loads inside a `with count_queries() as counted:` block."""
    from sqlalchemy import event

    from app.workflow import instance_state

    @contextmanager
    def counting():
        counted = Counted()
        original = instance_state.workflow_from_state

        def loading(*args, **kwargs):
            counted.state_loads += 1
            return original(*args, **kwargs)

        def executing(_conn, _cursor, statement, _parameters, _context, _executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):  # the test's own
                counted.statements.append(statement)

        monkeypatch.setattr(instance_state, "workflow_from_state", loading)
        event.listen(_db.engine, "before_cursor_execute", executing)
        try:
            yield counted
        finally:
            event.remove(_db.engine, "before_cursor_execute", executing)
            monkeypatch.setattr(instance_state, "workflow_from_state", original)

    return counting
