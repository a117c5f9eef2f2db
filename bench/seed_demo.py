"""Time `flask seed-demo` (the 4,129-account demo province) on fresh databases.

Usage: .venv/bin/python bench/seed_demo.py [DATABASE_URL ...]
Without arguments: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first.
"""
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.directory.models import User  # noqa: E402
from app.extensions import db  # noqa: E402


def bench(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        elapsed = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        users = db.session.scalar(select(func.count(User.id)))
        backend = db.engine.dialect.name
    print(f"{backend:10s} seed-demo: {users} accounts in {elapsed:.2f} s (target < 30 s)")


if __name__ == "__main__":
    urls = sys.argv[1:] or [f"sqlite:///{tempfile.mkdtemp()}/bench.db"]
    for database_url in urls:
        bench(database_url)
