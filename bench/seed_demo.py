"""Time `flask seed-demo` (the 4,129-account demo province) on fresh databases.

Usage: .venv/bin/python bench/seed_demo.py [DATABASE_URL ...]
Without arguments: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first.
"""
import sys
import time

from fresh_database import database_urls, fresh_app
from sqlalchemy import func, select

from app.directory.models import User
from app.extensions import db


def bench(url: str) -> None:
    with fresh_app(url) as app:
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        elapsed = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        users = db.session.scalar(select(func.count(User.id)))
        backend = db.engine.dialect.name
    print(f"{backend:10s} seed-demo: {users} accounts in {elapsed:.2f} s (target < 30 s)")


if __name__ == "__main__":
    for database_url in database_urls(sys.argv[1:]):
        bench(database_url)
