"""`make serve`: check the settings, prepare the database once, start gunicorn + Celery worker + beat, and
stop them together.

Several machines run the same command with SERVE_ROLES naming what each runs (web, worker, beat); exactly
one machine runs beat. Preparing (migrations, the demo data on an empty database, the shipped processes)
holds a PostgreSQL advisory lock, so two machines starting at the same moment prepare one after the other,
and the second finds nothing left to do.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from app.config import SettingRefused

from .sizing import Sizing, sizing_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ROLES = ("web", "worker", "beat")
# pg_advisory_lock key of the preparation ("LTsv"): any constant other code does not use.
PREPARE_LOCK = 0x4C547376
STOP_TIMEOUT_SECONDS = 45
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class NotReady(SystemExit):
    """A missing or unreachable dependency, said in Vietnamese (then English) without a traceback."""


def required_settings(env: Mapping[str, str]) -> tuple[str, str]:
    """DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis), or NotReady saying what to set."""
    database_url = (env.get("DATABASE_URL") or "").strip()
    broker_url = (env.get("CELERY_BROKER_URL") or "").strip()
    problems = []
    if not database_url.startswith("postgresql"):
        problems.append(
            "DATABASE_URL phải trỏ tới PostgreSQL, ví dụ "
            "DATABASE_URL=postgresql+psycopg://lienthong:MẬT_KHẨU@127.0.0.1:5432/lienthong "
            "(đang là: " + _scheme(database_url) + ").")
    if not broker_url.startswith(("redis://", "rediss://")):
        problems.append("CELERY_BROKER_URL phải trỏ tới Redis cho việc nền, ví dụ "
                        "CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (đang là: " + _scheme(broker_url) + ").")
    if problems:
        raise NotReady("Chế độ triển khai (make serve) cần PostgreSQL và Redis:\n  - " + "\n  - ".join(problems)
                       + "\nChạy thử trên một máy không cần cả hai: make run."
                       "\n(Production mode needs DATABASE_URL to PostgreSQL and CELERY_BROKER_URL to Redis.)")
    return database_url, broker_url


def _scheme(url: str) -> str:
    # Only the scheme: the rest of a URL may hold a password, and this goes to a terminal or a log.
    return url.split(":", 1)[0][:20] + ":…" if url else "trống"


def serve_roles(env: Mapping[str, str]) -> tuple[str, ...]:
    text = env.get("SERVE_ROLES") or ",".join(ROLES)
    roles = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [role for role in roles if role not in ROLES]
    if unknown or not roles:
        raise SettingRefused(f"SERVE_ROLES: “{text[:40]}” — chỉ gồm web, worker, beat, cách nhau bởi dấu phẩy. / "
                             "Only web, worker and beat, comma-separated.")
    return roles


def check_reachable(database_url: str, broker_url: str) -> None:
    """Say plainly which of PostgreSQL and Redis cannot be reached, instead of a driver's stack trace."""
    import redis
    from sqlalchemy import create_engine, text

    engine = None
    try:  # a URL that does not parse (a port that is not a number) is said the same way, not as a traceback
        engine = create_engine(database_url, connect_args={"connect_timeout": 5})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means the same to the person starting the server
        raise NotReady(f"Không kết nối được PostgreSQL theo DATABASE_URL ({_first_line(error)}). Kiểm tra máy chủ "
                       "PostgreSQL đã chạy, tên cơ sở dữ liệu, người dùng và mật khẩu.") from None
    finally:
        if engine is not None:
            engine.dispose()
    try:
        redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
    except Exception as error:  # likewise: refused, unknown host, wrong password
        raise NotReady(f"Không kết nối được Redis theo CELERY_BROKER_URL ({_first_line(error)}). Chạy Redis, ví dụ "
                       "`redis-server --daemonize yes --bind 127.0.0.1`.") from None


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:160]


# Kept under instance/ when unset: right for one machine; every machine must share them (or their values).
SHARED_SETTINGS = ("SECRET_KEY", "SIGNING_KEY_PASSPHRASE", "FILES_DIR", "PKI_DIR", "AUDIT_ANCHOR_LOG")


def unshared_settings(env: Mapping[str, str]) -> list[str]:
    return [name for name in SHARED_SETTINGS if not env.get(name)]


def child_environment(env: Mapping[str, str]) -> dict[str, str]:
    """What every child process runs with: the caller's settings, the Flask app, no embedded job thread."""
    return {**env, "FLASK_APP": "wsgi.py", "BACKGROUND_JOBS": "0", "PYTHONUNBUFFERED": "1"}


def prepare_database(database_url: str, env: Mapping[str, str]) -> None:
    """Migrations, the demo province on an empty database (SEED_DEMO=0 skips it), the shipped processes: once,
    under an advisory lock held across the three commands."""
    from sqlalchemy import create_engine, text

    steps = [["db", "upgrade"], ["processes", "sync"]]
    if env.get("SEED_DEMO", "1") != "0":
        steps.insert(1, ["seed-demo"])
    engine = create_engine(database_url, connect_args={"connect_timeout": 5}, poolclass=_no_pool())
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PREPARE_LOCK})
        try:
            for step in steps:
                subprocess.run([sys.executable, "-m", "flask", *step], cwd=PROJECT_ROOT, env=env, check=True)
        except subprocess.CalledProcessError as failed:
            raise NotReady(f"Chuẩn bị cơ sở dữ liệu không xong ở bước `flask {' '.join(failed.cmd[3:])}`: "
                           "xem thông báo ở trên.") from None
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PREPARE_LOCK})
    engine.dispose()


def _no_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def commands(roles: tuple[str, ...], sizing: Sizing) -> dict[str, list[str]]:
    """The command line of each role's process."""
    python = sys.executable
    every = {
        "web": [python, "-m", "gunicorn", "-c", "python:app.serving.gunicorn_config", "wsgi:app"],
        # Gossip and mingle only matter for remote control; without them a restart is quicker.
        "worker": [python, "-m", "celery", "-A", "app.jobs.celery_app", "worker", "--loglevel=INFO",
                   f"--concurrency={sizing.job_workers}", "--without-gossip", "--without-mingle"],
        "beat": [python, "-m", "celery", "-A", "app.jobs.celery_app", "beat", "--loglevel=INFO"],
    }
    return {role: every[role] for role in roles}


class Supervisor:
    """The children of one `make serve`: started together; when one ends or Ctrl-C comes, all are stopped."""

    def __init__(self, lines: dict[str, list[str]], env: Mapping[str, str]):
        self.lines, self.env = lines, dict(env)
        self.children: dict[str, subprocess.Popen] = {}
        self._stopping = False

    def start(self) -> None:
        for role, line in self.lines.items():
            # Their own session: Ctrl-C reaches this process only, which then stops each child in order.
            self.children[role] = subprocess.Popen(line, cwd=PROJECT_ROOT, env=self.env, start_new_session=True,
                                                   preexec_fn=_end_with_parent)

    def _ask_to_stop(self, _signum, _frame) -> None:
        self._stopping = True

    def run(self) -> int:
        """Wait until a child ends or a signal asks to stop; stop the rest; return the exit code."""
        # SIGHUP too: a closed terminal must stop the children, which are in sessions of their own.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._ask_to_stop)
        self.start()
        ended = None
        while not self._stopping and ended is None:
            time.sleep(0.5)
            ended = next((role for role, child in self.children.items() if child.poll() is not None), None)
        if ended is not None:
            print(f"Tiến trình {ended} đã dừng (mã {self.children[ended].returncode}): dừng các tiến trình còn lại.",
                  file=sys.stderr, flush=True)
        self.stop()
        return 0 if ended is None else 1

    def stop(self) -> None:
        """SIGTERM each child (gunicorn finishes its requests, Celery its jobs), SIGKILL what is left after a while."""
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _end_with_parent() -> None:
    """In the child before it runs: ask Linux for SIGTERM when this supervisor dies (even by kill -9), so no
    web or job process outlives it unseen."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: Ctrl-C and SIGTERM still stop every child
        pass


def main() -> int:
    env = dict(os.environ)
    try:
        database_url, broker_url = required_settings(env)
        roles, sizing = serve_roles(env), sizing_from_environment(env)
    except SettingRefused as refused:
        raise NotReady(str(refused)) from None
    check_reachable(database_url, broker_url)
    children_env = child_environment(env)
    if env.get("SERVE_PREPARE", "1") != "0":
        prepare_database(database_url, children_env)
    if "web" in roles:
        print(f"Liên Thông (chế độ triển khai): http://{sizing.host}:{sizing.port} — {sizing.web_workers} tiến trình web "
              f"× {sizing.web_threads} luồng; Ctrl+C để dừng tất cả.", flush=True)
    if "worker" in roles:
        print(f"Việc nền: Celery {sizing.job_workers} tiến trình" + (", cùng lịch (beat)" if "beat" in roles else "")
              + ".", flush=True)
    unshared = unshared_settings(env)
    if unshared:
        print("Lưu ý: " + ", ".join(unshared) + " chưa đặt nên nằm trong thư mục instance/ của máy này — đủ khi chạy "
              "một máy; chạy nhiều máy thì đặt chúng giống nhau (thư mục dùng chung) trên mọi máy.", flush=True)
    return Supervisor(commands(roles, sizing), children_env).run()
