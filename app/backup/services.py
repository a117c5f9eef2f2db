"""A backup of the whole installation (database, file store, anchor log, the instance's keys) and its
restore onto an empty installation.

A backup is a directory: `manifest.json` and the files it lists, each with its size and SHA-256 —
`database/<table>.jsonl.gz` (app.backup.tables), `files/…` (FILES_DIR as it is), `anchor-log/…`
(AUDIT_ANCHOR_LOG up to the chain head of the dump), and under `instance/` what the data needs to be
used (the demo PKI under PKI_DIR, the passphrase agencies' keys are encrypted with, when it is kept in
the instance folder). Restoring one is app.backup.restore.
"""
import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import text

from app.audit.anchor_log import anchor_log_path
from app.audit.models import AuditChainHead
from app.audit.services import HEAD_ID, record
from app.extensions import db
from app.sqltypes import utcnow

from .tables import dump_table, table_file, tables

FORMAT = "lienthong-backup/1"
MANIFEST = "manifest.json"
PASSPHRASE_FILE = "signing_key_passphrase"
CHUNK = 1 << 20
# Tables a fresh installation already fills (its migrations do): restore replaces their rows.
SEEDED_TABLES = ("audit_chain_head", "retention_period")
BLOB_NAME = re.compile(r"[0-9a-f]{64}")
BACKUP_PARTS = ("database/", "files/", "anchor-log/", "instance/pki/", f"instance/{PASSPHRASE_FILE}")


class BackupRefused(Exception):
    """A backup that cannot be made or restored; the message says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BackupSummary:
    path: Path
    rows: int
    files: int
    bytes: int
    audit_seq: int


def create_backup(target: Path, config, *, instance_path: str) -> BackupSummary:
    """Write a backup of the installation to the directory `target` (absent or empty)."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused(_("Đích sao lưu %(path)s đã có dữ liệu: chọn một thư mục mới.", path=target))
    work = target.parent / f".{target.name}.partial-{secrets.token_hex(4)}"
    work.mkdir(parents=True, mode=0o700)
    try:
        manifest = _write_backup(work, config, instance_path)
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        if target.exists():
            target.rmdir()
        os.rename(work, target)  # the backup appears only whole
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    summary = summary_of(target, manifest)
    record("backup_created", actor=None, audit_seq=summary.audit_seq, rows=summary.rows, files=summary.files,
           manifest_sha256=sha256_file(target / MANIFEST)[0])
    return summary


def summary_of(path: Path, manifest: dict) -> BackupSummary:
    listed = manifest["files"]
    return BackupSummary(path, sum(table["rows"] for table in manifest["database"]["tables"].values()),
                         sum(1 for name in listed if name.startswith("files/")),
                         sum(entry["size"] for entry in listed.values()), manifest["audit_head"]["seq"])


def _write_backup(work: Path, config, instance_path: str) -> dict:
    # One snapshot for every table: REPEATABLE READ on PostgreSQL; SQLite's BEGIN IMMEDIATE holds writers off.
    # A backup writes nothing: whatever transaction the session had open is ended so the snapshot starts here.
    db.session.rollback()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    head = db.session.get(AuditChainHead, HEAD_ID)
    audit_head = {"seq": head.seq, "hash": head.hash}
    (work / "database").mkdir()
    counts = {table.name: {"rows": dump_table(table, work / table_file(table))} for table in tables()}
    dialect = db.session.get_bind().dialect.name
    db.session.rollback()  # read only: end the snapshot before the files are copied
    listing = {}
    for table in tables():
        listing[table_file(table)] = _entry(*sha256_file(work / table_file(table)))
    listing.update(_copy_tree(Path(config["FILES_DIR"]), work, "files", check_blobs=True))
    log = anchor_log_path(config)
    if log.exists():
        listing.update(_copy_anchor_log(log, work / "anchor-log" / log.name, audit_head["seq"]))
    pki = Path(config["PKI_DIR"])
    listing.update(_copy_tree(pki, work, "instance/pki"))
    passphrase = config.get("SIGNING_KEY_PASSPHRASE") or ""
    kept = Path(instance_path) / PASSPHRASE_FILE
    if kept.exists() and kept.read_text().strip() == passphrase:
        listing.update(_copy_tree_file(kept, work, f"instance/{PASSPHRASE_FILE}"))
    return {
        "format": FORMAT, "created_at": utcnow().isoformat(), "source_database": dialect,
        "alembic_revision": revision, "audit_head": audit_head,
        "signing_key_passphrase_sha256": hashlib.sha256(passphrase.encode()).hexdigest(),
        "database": {"tables": counts}, "files": listing,
    }


def _entry(sha256: str, size: int) -> dict:
    return {"sha256": sha256, "size": size}


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_hashed(source: Path, target: Path) -> tuple[str, int]:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as read, open(target, "wb") as write:
        while chunk := read.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            write.write(chunk)
    shutil.copymode(source, target)
    return digest.hexdigest(), size


def _copy_tree_file(source: Path, work: Path, name: str) -> dict:
    return {name: _entry(*copy_hashed(source, work / name))}


def _copy_tree(root: Path, work: Path, prefix: str, *, check_blobs: bool = False) -> dict:
    """Copy every regular file under `root` to work/prefix; a stored blob must still hash to its name."""
    listing = {}
    if not root.is_dir():
        return listing
    for directory, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            source = Path(directory) / name
            if name.startswith(".") or not source.is_file() or source.is_symlink():
                continue  # an upload still being written, or not a file of the store
            relative = source.relative_to(root).as_posix()
            entry = _entry(*copy_hashed(source, work / prefix / relative))
            if check_blobs and BLOB_NAME.fullmatch(name) and entry["sha256"] != name:
                raise BackupRefused(_("Tệp %(path)s trong kho tệp đã hỏng (nội dung không khớp mã băm là tên "
                                      "của nó): khôi phục tệp này trước khi sao lưu.", path=source))
            listing[f"{prefix}/{relative}"] = entry
    return listing


def _copy_anchor_log(log: Path, target: Path, head_seq: int) -> dict:
    """The log's lines up to the dump's chain head: an anchor made while the backup ran names events the
    dump does not have, and the restored chain would look cut."""
    kept = []
    for line in log.read_bytes().splitlines(keepends=True):
        try:
            if int(json.loads(line)["seq"]) > head_seq:
                continue
        except (ValueError, KeyError, TypeError):
            pass  # a damaged line is kept as it is: verify reports it there as here
        kept.append(line)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"".join(kept))
    return {f"anchor-log/{target.name}": _entry(*sha256_file(target))}


# Restore.
