"""Restoring a backup (see app.backup.services for its layout) onto an empty installation: every hash is
checked before anything is written, the database is written in one transaction, and the files are
placed just before it commits and taken back if it fails."""
import hashlib
import json
import os
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

from .services import (
    BACKUP_PARTS,
    FORMAT,
    MANIFEST,
    PASSPHRASE_FILE,
    SEEDED_TABLES,
    BackupRefused,
    BackupSummary,
    copy_hashed,
    sha256_file,
    summary_of,
)
from .tables import load_table, restart_sequences, row_counts, table_file, tables


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
        if sha256_file(source / name) != (entry.get("sha256"), entry.get("size")):
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
    return all(part not in ("", ".", "..") for part in parts) and name.startswith(BACKUP_PARTS)


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
               manifest_sha256=sha256_file(source / MANIFEST)[0])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        staged.undo()
        raise
    staged.cleanup()
    return summary_of(source, manifest)


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
        if copy_hashed(self.source / name, target) != (entry["sha256"], entry["size"]):
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
