"""Time `flask backup create` on an installation and `flask backup restore` of it onto a fresh one.

Usage: INSTANCE_PATH=… [DATABASE_URL=…] .venv/bin/python bench/backup.py [TARGET_DATABASE_URL]
The installation is the one the environment names (e.g. after `flask seed-demo`); it is only read
(the backup's own audit event is rolled back). The restore goes to TARGET_DATABASE_URL, whose public
schema is DROPPED first (PostgreSQL: a database of its own), or to a temporary SQLite file, with a
temporary instance folder. Prints rows, files and megabytes, and the seconds of each step.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

from fresh_database import fresh_app

from app import create_app
from app.audit.verification import verify_chain
from app.backup.restore import restore_backup
from app.backup.services import create_backup
from app.extensions import db


def main() -> None:
    work = Path(tempfile.mkdtemp())
    source = create_app()
    with source.app_context():
        started = time.perf_counter()
        summary = create_backup(work / "backup", source.config, instance_path=source.instance_path)
        created = time.perf_counter() - started
        db.session.rollback()
        passphrase = source.config["SIGNING_KEY_PASSPHRASE"]
    print(f"create: {summary.rows} rows, {summary.files} files, {summary.bytes / 1_048_576:.1f} MB in {created:.1f} s "
          f"({summary.rows / created:.0f} rows/s)")
    target_url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{work / 'restored.db'}"
    os.environ["INSTANCE_PATH"] = str(work / "instance")
    with fresh_app(target_url, FILES_DIR=str(work / "instance" / "files"), PKI_DIR=str(work / "instance" / "pki"),
                   AUDIT_ANCHOR_LOG=str(work / "instance" / "audit-anchors.log"),
                   SIGNING_KEY_PASSPHRASE=passphrase) as target:
        started = time.perf_counter()
        restore_backup(work / "backup", target.config, instance_path=target.instance_path)
        restored = time.perf_counter() - started
        started = time.perf_counter()
        report = verify_chain()
        verified = time.perf_counter() - started
    print(f"restore onto {target_url.split(':')[0]}: {restored:.1f} s ({summary.rows / restored:.0f} rows/s); "
          f"chain {'intact' if report.intact else report.problem}, {report.verified} events in {verified:.1f} s")


if __name__ == "__main__":
    main()
