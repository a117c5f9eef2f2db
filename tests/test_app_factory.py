"""The factory honours its configuration; migrations have one head and build exactly the models."""
import warnings
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SAWarning

from app import create_app
from app.database import schema_item_filter
from app.extensions import db as _db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_factory_uses_given_config(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/ignored.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "k",
                      "TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["SECRET_KEY"] == "k"
    assert app.testing


def test_environment_defaults_are_embedded_mode(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lienthong.db'}"
    assert app.config["PORT"] == 5000
    assert app.config["CELERY_BROKER_URL"] is None
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == app.config["SECRET_KEY"] and len(app.config["SECRET_KEY"]) == 64
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    # The key survives restarts, so sessions do too.
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_migrations_have_a_single_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgraded_database_matches_the_models(app):
    with app.app_context(), _db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite's reflection skips expression indexes (ix_audit_event_instance_id), and says so.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": schema_item_filter(connection.dialect.name)})
        assert compare_metadata(context, _db.metadata) == []


def test_migration_file_names_are_date_prefixed_with_a_slug():
    for path in (MIGRATIONS / "versions").glob("*.py"):
        stem = path.stem
        assert stem[:8].isdigit() and len(stem.split("_", 2)) == 3, stem
