"""Backup of an installation with files, signed documents and anchors; restore onto a fresh one, in its
own process (`flask backup restore`), then `flask audit verify` there and every file's hash."""
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.audit.anchors import anchor_chain
from app.documents.models import Document, DocumentFile
from app.filestore import store_pdf

from ..conftest import TEST_DATABASE_URL
from ..documents.outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft
from ..factories import Factory
from ..pdf_samples import minimal_pdf

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the kind the suite runs on (PostgreSQL: a database of its own)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_restored"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def _flask(installation: Path, database: str, *args: str) -> subprocess.CompletedProcess:
    """Run `flask …` as another installation would: its own database and instance folder."""
    env = {**os.environ, "DATABASE_URL": database, "INSTANCE_PATH": str(installation),
           "SIGNING_KEY_PASSPHRASE": "test-signing-passphrase", "BACKGROUND_JOBS": "0", "FLASK_APP": "wsgi"}
    for name in ("FILES_DIR", "PKI_DIR", "AUDIT_ANCHOR_LOG"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def backed_up(app, committed_db, tmp_path, monkeypatch):
    """A committed installation with an outgoing document drafted, signed, issued and delivered (its PDFs
    in the file store), an anchored audit chain, and its backup."""
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "source-files"))
    make = Factory(committed_db)
    sender = make_sender(app, make)
    from app.workflow.deployment import sync_processes
    from app.workflow.registry import catalogue
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
    instance_id = start_draft(app, committed_db, sender)
    approve_reviews(app, committed_db, sender, instance_id)
    sign(app, committed_db, sender, instance_id)
    issue(app, committed_db, sender, instance_id)
    committed_db.session.commit()
    assert anchor_chain(app.config) is not None
    committed_db.session.commit()
    signed = committed_db.session.scalar(select(func.count()).select_from(DocumentFile))
    documents = committed_db.session.scalar(select(func.count()).select_from(Document))
    assert signed >= 1 and documents >= 2  # the outgoing document and the recipient's incoming copy
    return _backup(app, tmp_path / "backup")


@pytest.fixture
def small_backup(app, committed_db, tmp_path, monkeypatch):
    """A committed installation of one agency with one stored PDF, and its backup."""
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "source-files"))
    make = Factory(committed_db)
    make.user(agency=make.agency())
    store_pdf(io.BytesIO(minimal_pdf("Sao luu")), "a.pdf", files_dir=Path(app.config["FILES_DIR"]), max_bytes=1 << 20)
    committed_db.session.commit()
    return _backup(app, tmp_path / "backup")


def _backup(app, path: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output, result.output
    return path


def _hashes(directory: Path) -> dict[str, str]:
    return {path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in directory.rglob("*") if path.is_file()}


def _count(database: str, table: str) -> int:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
    finally:
        engine.dispose()


def test_tampered_backups_are_refused_then_the_backup_restores_and_verifies(backed_up, fresh_database, tmp_path):
    # One installation for every step: starting the app in a process of its own is what costs here.
    target = tmp_path / "restored"
    assert _flask(target, fresh_database, "db", "upgrade").returncode == 0
    _refuse_half_written_restore(backed_up, fresh_database, target, tmp_path / "half")

    manifest = json.loads((backed_up / "manifest.json").read_text(encoding="utf-8"))
    stored = {name[len("files/"):]: entry["sha256"] for name, entry in manifest["files"].items()
              if name.startswith("files/")}
    assert stored and manifest["audit_head"]["seq"] > 0
    assert any(name.startswith("anchor-log/") for name in manifest["files"])
    restored = _flask(target, fresh_database, "backup", "restore", str(backed_up))
    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout

    verify = _flask(target, fresh_database, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "toàn vẹn" in verify.stdout and "Mốc neo hợp lệ" in verify.stdout
    assert _hashes(target / "files") == stored
    engine = create_engine(fresh_database)
    with engine.connect() as connection:
        named = set(connection.execute(text("SELECT sha256 FROM document_file")).scalars())
        events = connection.execute(text("SELECT max(seq) FROM audit_event")).scalar()
    engine.dispose()
    assert named and all(stored.get(f"{sha[:2]}/{sha}") == sha for sha in named)
    assert events == manifest["audit_head"]["seq"] + 1  # and the restore itself, recorded on top

    again = _flask(target, fresh_database, "backup", "restore", str(backed_up))
    assert again.returncode == 1 and "hệ thống trống" in again.stderr


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="a PostgreSQL installation's backup restored into SQLite")
def test_a_postgresql_backup_restores_into_sqlite(backed_up, tmp_path):
    # The dump is the application's own: the way between embedded and scaled-out installations.
    target, database = tmp_path / "embedded", f"sqlite:///{tmp_path / 'embedded.db'}"
    assert _flask(target, database, "db", "upgrade").returncode == 0
    restored = _flask(target, database, "backup", "restore", str(backed_up))
    assert restored.returncode == 0, restored.stderr
    verify = _flask(target, database, "audit", "verify")
    assert verify.returncode == 0 and "toàn vẹn" in verify.stdout, verify.stdout + verify.stderr


def _refuse_half_written_restore(backed_up: Path, database: str, target: Path, tampered: Path) -> None:
    """A failure while the database is being written (here: a table with other rows than the manifest
    says) takes back the rows written and the files copied so far."""
    shutil.copytree(backed_up, tampered)
    manifest = json.loads((tampered / "manifest.json").read_text(encoding="utf-8"))
    manifest["database"]["tables"]["audit_event"]["rows"] += 1
    (tampered / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    refused = _flask(target, database, "backup", "restore", str(tampered))
    assert refused.returncode == 1 and "Bảng audit_event" in refused.stderr
    assert _count(database, "user") == 0 and _count(database, "audit_event") == 0
    assert not (target / "files").exists() or not any(path.is_file() for path in (target / "files").rglob("*"))
    assert not (target / "audit-anchors.log").exists()
    assert [path.name for path in target.iterdir() if ".restoring-" in path.name] == []


def test_a_backup_whose_files_do_not_match_its_manifest_is_refused(app, small_backup, tmp_path):
    # The manifest is checked before anything else, so this installation (not empty) is never reached.
    tampered = tmp_path / "tampered"
    shutil.copytree(small_backup, tampered)
    blob = next(path for path in (tampered / "files").rglob("*") if path.is_file())
    data = blob.read_bytes()
    blob.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit of the last byte
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(tampered)])
    assert refused.exit_code == 1
    assert "không khớp mã băm SHA-256" in refused.output and blob.name in refused.output

    shutil.rmtree(tampered)
    shutil.copytree(small_backup, tampered)
    (tampered / "files" / "them.pdf").write_bytes(b"%PDF-1.7 injected")
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(tampered)])
    assert refused.exit_code == 1 and "không có trong bản kê" in refused.output

    shutil.rmtree(tampered)
    shutil.copytree(small_backup, tampered)
    manifest = json.loads((tampered / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["files/../../etc/passwd"] = manifest["files"].popitem()[1]
    (tampered / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(tampered)])
    assert refused.exit_code == 1 and "đường dẫn không hợp lệ" in refused.output


def test_restore_refuses_an_installation_that_has_data(app, small_backup):
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(small_backup)])
    assert refused.exit_code == 1 and "hệ thống trống" in refused.output and "agency" in refused.output


def test_backup_refuses_a_target_with_files(app, db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    refused = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "old")])
    assert refused.exit_code == 1 and "đã có dữ liệu" in refused.output


@pytest.mark.parametrize("args, reason", [
    (["backup", "restore", "/khong/co"], "Giá trị không hợp lệ cho 'PATH'."),
    (["backup", "create"], "Thiếu tham số 'PATH'."),
])
def test_a_mistyped_command_says_why_in_vietnamese(app, db, args, reason):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2 and reason in result.output and "Usage:" not in result.output


@pytest.mark.parametrize("change", [lambda m: m.update(database=[]), lambda m: m["database"].update(tables=[]),
                                    lambda m: m.pop("audit_head"), lambda m: m.update(audit_head={"seq": "x"}),
                                    lambda m: next(iter(m["database"]["tables"].values())).pop("rows")])
def test_a_manifest_of_the_wrong_shape_is_refused_with_a_reason(app, small_backup, tmp_path, change):
    tampered = tmp_path / "tampered"
    shutil.copytree(small_backup, tampered)
    manifest = json.loads((tampered / "manifest.json").read_text(encoding="utf-8"))
    change(manifest)
    (tampered / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(tampered)])
    assert refused.exit_code == 1 and "Bản sao lưu không đúng định dạng" in refused.output, refused.output
