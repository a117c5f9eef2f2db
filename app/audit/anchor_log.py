"""The anchor log outside the database: one JSON line per anchor, appended and never rewritten.

Whoever can write to the database can delete its anchor rows; the log keeps a copy of each (its event
number, head hash, time and signature) where that person cannot reach it when AUDIT_ANCHOR_LOG names
a file or directory on another machine (a mount, append-only on its side). Lines are appended with
O_APPEND and fsync'd before the anchor's transaction commits, so a committed anchor is always logged;
an anchor whose transaction then rolled back stays logged, signed over a head that was committed.
"""
import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _

LOG_NAME = "audit-anchors.log"


@dataclass(frozen=True)
class LoggedAnchor:
    line: int
    seq: int
    head_hash: str
    created_at: datetime
    signature: bytes


class AnchorLogError(Exception):
    """The log cannot be read as anchors (the message is for people)."""


def anchor_log_path(config) -> Path:
    target = Path(config["AUDIT_ANCHOR_LOG"])
    return target / LOG_NAME if target.is_dir() else target


def append_to_anchor_log(config, anchor) -> None:
    """Append the anchor as one line and make it durable; OSError when the log cannot take it."""
    path = anchor_log_path(config)
    line = json.dumps({"seq": anchor.seq, "head_hash": anchor.head_hash, "created_at": anchor.created_at.isoformat(),
                       "signature": base64.b64encode(bytes(anchor.signature)).decode()}, separators=(",", ":"))
    data = (line + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        # One write: concurrent appenders (the job and `flask audit anchor`) never interleave lines.
        if os.write(fd, data) != len(data):
            raise OSError(f"short write to {path}")
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new file's name must survive a crash too
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def read_anchor_log(config) -> list[LoggedAnchor] | None:
    """Every anchor in the log, in order; None when there is no log file."""
    path = anchor_log_path(config)
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        return None
    except OSError:
        raise AnchorLogError(_("Không đọc được sổ neo %(path)s (không có quyền đọc hoặc lỗi thiết bị).",
                               path=path)) from None
    anchors = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            anchors.append(LoggedAnchor(number, int(entry["seq"]), str(entry["head_hash"]),
                                        datetime.fromisoformat(entry["created_at"]),
                                        base64.b64decode(entry["signature"], validate=True)))
        except (ValueError, KeyError, TypeError):
            raise AnchorLogError(_("Sổ neo %(path)s hỏng ở dòng %(line)s: dòng không đọc được là mốc neo (đã bị "
                                   "sửa, hoặc ghi dở khi máy dừng).", path=path, line=number)) from None
    return anchors
