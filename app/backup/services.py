"""A backup of the whole installation (database, file store, anchor log, the instance's keys) and its
restore onto an empty installation.

A backup is a directory: `manifest.json` and the files it lists, each with its size and SHA-256 —
`database/<table>.jsonl.gz` (app.backup.tables), `files/…` (FILES_DIR as it is), `anchor-log/…`
(AUDIT_ANCHOR_LOG up to the chain head of the dump), and under `instance/` what the data needs to be
used (the demo PKI under PKI_DIR, the passphrase agencies' keys are encrypted with, when it is kept in
the instance folder). Restore checks every hash before it writes anything and writes the database in
one transaction, placing the files just before it commits.
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
from sqlalchemy.exc import SQLAlchemyError

from app.audit.anchor_log import anchor_log_path
from app.audit.models import AuditChainHead
from app.audit.services import HEAD_ID, record
from app.extensions import db
from app.sqltypes import utcnow

from .tables import dump_table, load_table, restart_sequences, row_counts, table_file, tables

FORMAT = "lienthong-backup/1"
MANIFEST = "manifest.json"
PASSPHRASE_FILE = "signing_key_passphrase"
CHUNK = 1 << 20
# Tables a fresh installation already fills (its migrations do): restore replaces their rows.
SEEDED_TABLES = ("audit_chain_head", "retention_period")
_BLOB = re.compile(r"[0-9a-f]{64}")
_PARTS = ("database/", "files/", "anchor-log/", "instance/pki/", f"instance/{PASSPHRASE_FILE}")


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
    summary = _summary(target, manifest)
    record("backup_created", actor=None, audit_seq=summary.audit_seq, rows=summary.rows, files=summary.files,
           manifest_sha256=_sha256_file(target / MANIFEST)[0])
    return summary


def _summary(path: Path, manifest: dict) -> BackupSummary:
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
        listing[table_file(table)] = _entry(*_sha256_file(work / table_file(table)))
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


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_hashed(source: Path, target: Path) -> tuple[str, int]:
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
    return {name: _entry(*_copy_hashed(source, work / name))}


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
            entry = _entry(*_copy_hashed(source, work / prefix / relative))
            if check_blobs and _BLOB.fullmatch(name) and entry["sha256"] != name:
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
    return {f"anchor-log/{target.name}": _entry(*_sha256_file(target))}


# Restore.

def read_manifest(source: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its size and hash and nothing else is."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupRefused(_("Không có %(name)s trong %(path)s: đây không phải bản sao lưu.", name=MANIFEST,
                              path=source)) from None
    except (OSError, ValueError):
        raise BackupRefused(_("Tệp %(name)s hỏng, không đọc được.", name=MANIFEST)) from None
    if not _well_formed(manifest):
        raise BackupRefused(_("Bản sao lưu không đúng định dạng %(format)s.", format=FORMAT))
    listed = manifest["files"]
    for name, entry in listed.items():
        if not _safe_name(name) or not isinstance(entry, dict):
            raise BackupRefused(_("Bản kê liệt kê một đường dẫn không hợp lệ: %(name)s.", name=name[:200]))
    present = set()
    for directory, _folders, names in os.walk(source):
        for name in names:
            path = Path(directory) / name
            relative = path.relative_to(source).as_posix()
            if relative == MANIFEST:
                continue
            if path.is_symlink() or relative not in listed:
                raise BackupRefused(_("Tệp %(name)s không có trong bản kê: bản sao lưu đã bị thêm tệp.", name=relative))
            present.add(relative)
    for name, entry in sorted(listed.items()):
        if name not in present:
            raise BackupRefused(_("Thiếu tệp %(name)s mà bản kê liệt kê: bản sao lưu không đầy đủ.", name=name))
        if _sha256_file(source / name) != (entry.get("sha256"), entry.get("size")):
            raise BackupRefused(_("Tệp %(name)s không khớp mã băm SHA-256 trong bản kê: bản sao lưu đã bị sửa hoặc "
                                  "hỏng, không khôi phục.", name=name))
    return manifest


def _well_formed(manifest) -> bool:
    """The manifest has the parts restore reads, of their types (a hand-edited one is refused, not a traceback)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        return False
    database, head = manifest.get("database"), manifest.get("audit_head")
    tables = database.get("tables") if isinstance(database, dict) else None
    return (isinstance(tables, dict) and isinstance(head, dict) and _count(head.get("seq"))
            and all(isinstance(entry, dict) and _count(entry.get("rows")) for entry in tables.values()))


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _safe_name(name) -> bool:
    if not isinstance(name, str) or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts) and name.startswith(_PARTS)


@dataclass
class _Targets:
    files_dir: Path
    anchor_log: Path
    pki_dir: Path
    passphrase_file: Path


def restore_backup(source: Path, config, *, instance_path: str) -> BackupSummary:
    """Restore the backup at `source` onto this installation, which must be empty; all or nothing."""
    source = Path(source)
    manifest = read_manifest(source)
    targets = _Targets(Path(config["FILES_DIR"]), anchor_log_path(config), Path(config["PKI_DIR"]),
                       Path(instance_path) / PASSPHRASE_FILE)
    _check_compatible(manifest, config, targets)
    _check_empty(targets, manifest)
    staged = _Staged(source, manifest, targets)
    try:
        staged.prepare()
        _load_database(source, manifest)
        staged.place()
        record("backup_restored", actor=None, audit_seq=manifest["audit_head"]["seq"],
               created_at=manifest.get("created_at"), source_database=manifest.get("source_database"),
               manifest_sha256=_sha256_file(source / MANIFEST)[0])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        staged.undo()
        raise
    staged.cleanup()
    return _summary(source, manifest)


def _check_compatible(manifest: dict, config, targets: _Targets) -> None:
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    if manifest.get("alembic_revision") != revision:
        raise BackupRefused(_(
            "Bản sao lưu có lược đồ cơ sở dữ liệu %(backup)s, hệ thống này %(here)s: khôi phục bằng đúng phiên bản "
            "phần mềm đã sao lưu (rồi nâng cấp), hoặc chạy `flask db upgrade` trước.",
            backup=manifest.get("alembic_revision"), here=revision))
    expected = {table.name for table in tables()}
    listed = manifest.get("database", {}).get("tables", {})
    if set(listed) != expected or any(table_file(t) not in manifest["files"] for t in tables()):
        raise BackupRefused(_("Bản sao lưu không có đủ các bảng của lược đồ %(revision)s.", revision=revision))
    passphrase = config.get("SIGNING_KEY_PASSPHRASE") or ""
    same = hashlib.sha256(passphrase.encode()).hexdigest() == manifest.get("signing_key_passphrase_sha256")
    carried = f"instance/{PASSPHRASE_FILE}" in manifest["files"]
    from_file = targets.passphrase_file.exists() and targets.passphrase_file.read_text().strip() == passphrase
    if not same and not (carried and from_file):
        raise BackupRefused(_(
            "Khóa ký số của các cơ quan được mã hóa bằng SIGNING_KEY_PASSPHRASE của hệ thống đã sao lưu, khác với "
            "hệ thống này: đặt biến đó đúng giá trị cũ (hoặc bỏ nó để dùng giá trị trong bản sao lưu)."))


def _check_empty(targets: _Targets, manifest: dict) -> None:
    counts = row_counts()
    filled = sorted(name for name, count in counts.items() if count and name not in SEEDED_TABLES)
    head = db.session.get(AuditChainHead, HEAD_ID)
    if filled or (head is not None and head.seq):
        raise BackupRefused(_(
            "Chỉ khôi phục vào một hệ thống trống: cơ sở dữ liệu đã có dữ liệu (bảng %(tables)s). Tạo cơ sở dữ liệu "
            "mới, chạy `flask db upgrade` rồi khôi phục.", tables=", ".join(filled[:5]) or "audit_event"))
    if _has_files(targets.files_dir):
        raise BackupRefused(_("Chỉ khôi phục vào một hệ thống trống: kho tệp %(path)s (FILES_DIR) đã có tệp.",
                              path=targets.files_dir))
    if targets.anchor_log.exists() and targets.anchor_log.stat().st_size:
        raise BackupRefused(_("Chỉ khôi phục vào một hệ thống trống: sổ neo %(path)s đã có mốc neo.",
                              path=targets.anchor_log))
    if any(name.startswith("instance/pki/") for name in manifest["files"]) and _has_files(targets.pki_dir):
        raise BackupRefused(_("Chỉ khôi phục vào một hệ thống trống: thư mục khóa %(path)s (PKI_DIR) đã có tệp.",
                              path=targets.pki_dir))


def _has_files(directory: Path) -> bool:
    return directory.exists() and any(path.is_file() for path in directory.rglob("*"))


def _load_database(source: Path, manifest: dict) -> None:
    for name in SEEDED_TABLES:
        db.session.execute(db.metadata.tables[name].delete())
    for table in tables():
        try:
            loaded = load_table(table, source / table_file(table))
        except (OSError, EOFError, ValueError, KeyError, TypeError, SQLAlchemyError):
            # The file matched its hash, so it was written so (a forged manifest, another schema).
            raise BackupRefused(_("Không nạp được bảng %(table)s từ bản sao lưu (dữ liệu không khớp lược đồ).",
                                  table=table.name)) from None
        if loaded != manifest["database"]["tables"][table.name]["rows"]:
            raise BackupRefused(_("Bảng %(table)s có %(n)s dòng, bản kê ghi %(m)s.", table=table.name, n=loaded,
                                  m=manifest["database"]["tables"][table.name]["rows"]))
    restart_sequences()
    db.session.flush()


class _Staged:
    """The backup's files copied beside where they go (checked again as they are copied), moved into place
    only once the database is written, and taken back if the commit fails."""

    def __init__(self, source: Path, manifest: dict, targets: _Targets):
        self.source, self.listed, self.targets = source, manifest["files"], targets
        self.moves: list[tuple[Path, Path]] = []  # (staged, final)
        self.placed: list[Path] = []
        self.replaced_passphrase: str | None = None
        self._token = secrets.token_hex(4)

    def _stage_dir(self, final: Path) -> Path:
        final.parent.mkdir(parents=True, exist_ok=True)
        return final.parent / f".{final.name}.restoring-{self._token}"

    def prepare(self) -> None:
        for prefix, final in (("files/", self.targets.files_dir), ("instance/pki/", self.targets.pki_dir)):
            names = [name for name in self.listed if name.startswith(prefix)]
            if not names:
                continue
            staged = self._stage_dir(final)
            for name in names:
                self._copy(name, staged / name[len(prefix):])
            self.moves.append((staged, final))
        for name in self.listed:
            if name.startswith("anchor-log/"):
                staged = self._stage_dir(self.targets.anchor_log)
                self._copy(name, staged)
                self.moves.append((staged, self.targets.anchor_log))
        name = f"instance/{PASSPHRASE_FILE}"
        if name in self.listed:
            staged = self._stage_dir(self.targets.passphrase_file)
            self._copy(name, staged)
            self.moves.append((staged, self.targets.passphrase_file))

    def _copy(self, name: str, target: Path) -> None:
        entry = self.listed[name]
        if _copy_hashed(self.source / name, target) != (entry["sha256"], entry["size"]):
            raise BackupRefused(_("Tệp %(name)s đã thay đổi trong lúc khôi phục: không khôi phục.", name=name))

    def place(self) -> None:
        for staged, final in self.moves:
            if final == self.targets.passphrase_file and final.exists():
                self.replaced_passphrase = final.read_text()
            if final.is_dir():
                shutil.rmtree(final)  # checked empty (of files) before
            elif final.exists() and final != self.targets.passphrase_file:
                final.unlink()  # an empty anchor log
            os.replace(staged, final)
            self.placed.append(final)

    def undo(self) -> None:
        for final in self.placed:
            if final == self.targets.passphrase_file and self.replaced_passphrase is not None:
                final.write_text(self.replaced_passphrase)
            elif final.is_dir():
                shutil.rmtree(final, ignore_errors=True)
            else:
                final.unlink(missing_ok=True)
        self.cleanup()

    def cleanup(self) -> None:
        for staged, _final in self.moves:
            if staged.is_dir():
                shutil.rmtree(staged, ignore_errors=True)
            else:
                staged.unlink(missing_ok=True)
