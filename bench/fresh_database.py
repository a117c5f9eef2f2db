"""A freshly migrated database for a benchmark run; a PostgreSQL URL's public schema is dropped first."""
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402


def database_urls(argv: list[str]) -> list[str]:
    """The URLs given on the command line, or a temporary SQLite file."""
    return argv or [f"sqlite:///{tempfile.mkdtemp()}/bench.db"]


@contextmanager
def fresh_app(url: str, **config):
    """Yield an app (inside its app context) on an empty, migrated database at `url`."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", **config})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        yield app
