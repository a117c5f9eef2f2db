"""Where bench/province.py's server spends its CPU: the processes' CPU seconds from /proc (web, worker,
database backends, the machine) and a py-spy profile of the web workers, summarised by package and by
the app's functions."""
import os
import subprocess
import threading
import time
from collections import defaultdict
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# --- CPU of the processes, from /proc ----------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[parent].append(int(entry))
    return children


def descendants(pid: int) -> list[int]:
    tree, found, todo = _children_map(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _machine_busy() -> tuple[float, float]:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), sum(values) / os.sysconf("SC_CLK_TCK")


class CpuMonitor:
    """CPU seconds per group (web, worker, database, PostgreSQL shared, bench) between start() and stop(),
    sampled every second: each pid's last reading minus its first (a pid born in the window counts from 0)."""

    def __init__(self, server_pid: int, database: str, others: dict[int, str] | None = None):
        # `others`: processes outside the server's tree to count too (pid → group), e.g. the axis stand-in.
        self.server_pid, self.database, self.others = server_pid, database, others or {}
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _group(self, pid: int, ours: set[int]) -> str | None:
        line = _cmdline(pid)
        if pid == os.getpid():
            return "bench (clients)"
        if pid in self.others:
            return self.others[pid]
        if pid in ours:
            if "gunicorn" in line:
                return "web (gunicorn)"
            if "celery" in line:
                return "worker (celery worker + beat)"
            return "supervisor + flask"
        if line.startswith("postgres:"):
            return "database (this db's backends)" if f" {self.database} " in line else "postgres shared/others"
        return None

    def sample(self, initial: bool = False) -> None:
        ours = set(descendants(self.server_pid)) | {self.server_pid}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            group = self._group(pid, ours)
            seconds = _cpu_seconds(pid) if group else None
            if seconds is None:
                continue
            if pid not in self.first:
                self.first[pid] = seconds if initial else 0.0
            self.last[pid] = (group, seconds)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def start(self) -> None:
        self.sample(initial=True)
        self.machine_start, self.started = _machine_busy(), time.monotonic()
        self._thread.start()

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        self.sample()
        busy_end, total_end = _machine_busy()
        wall = time.monotonic() - self.started
        groups = defaultdict(float)
        for pid, (group, seconds) in self.last.items():
            groups[group] += seconds - self.first[pid]
        machine_busy = busy_end - self.machine_start[0]
        return {"wall": wall, "groups": dict(groups), "machine_busy": machine_busy,
                "machine_capacity": total_end - self.machine_start[1]}


# --- Where the web processes' time goes (py-spy) ---------------------------------------------------

def start_profile(py_spy: str, server_pid: int, seconds: float, output: Path) -> subprocess.Popen:
    """py-spy sampling every gunicorn worker while it holds the GIL (its CPU in Python) for the window."""
    master = next(pid for pid in descendants(server_pid) if "gunicorn" in _cmdline(pid))
    return subprocess.Popen([py_spy, "record", "--pid", str(master), "--subprocesses", "--format", "raw",
                             "--rate", "50", "--nonblocking", "--gil", "--function", "--full-filenames", "--duration", str(int(seconds)),
                             "--output", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _frame(frame: str) -> str:
    """"name (/full/path/file.py:line)" → "name (package/file.py)": one row per function, its path from the
    project's root, from site-packages, or "stdlib/…"."""
    if not (frame.endswith(")") and "(" in frame):
        return frame
    name, _, path = frame[:-1].rpartition(" (")
    path = path.rsplit(":", 1)[0]
    if "/site-packages/" in path:
        path = path.split("/site-packages/", 1)[1]
    elif path.startswith(f"{PROJECT_ROOT}/"):
        path = path[len(f"{PROJECT_ROOT}/"):]
    elif path.startswith("/"):
        path = "stdlib/" + path.rsplit("/", 1)[1]
    return f"{name} ({path})"


def _package(frame: str) -> str:
    """The package a frame's code is in: its path's first part ("sqlalchemy"), "app/<area>" for ours."""
    path = frame.rpartition("(")[2].rstrip(")")
    parts = path.split("/")
    if parts[0] == "app" and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0] if len(parts) > 1 else path


def print_profile(output: Path, top: int = 20) -> None:
    """Where the web workers' CPU goes: samples holding the GIL, as shares of them, by package of the running
    function, then the app's functions on the stack (inclusive), then single functions (self)."""
    inclusive, own, packages, total = defaultdict(int), defaultdict(int), defaultdict(int), 0
    for line in output.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += int(count)
        own[frames[-1]] += int(count)
        packages[_package(frames[-1])] += int(count)
        for frame in set(frames):
            if "(app/" in frame and "app/api/" not in frame and "app/serving/" not in frame:
                inclusive[frame] += int(count)
    if not total:
        print("profile: no samples")
        return

    def rows(title: str, counts: dict) -> None:
        print(title)
        for name, count in sorted(counts.items(), key=lambda item: -item[1])[:top]:
            print(f"  {100 * count / total:5.1f}%  {name}")

    print(f"\nProfile of the web workers: {total} samples holding the GIL (py-spy, 50 Hz per process)")
    rows("self time by package:", packages)
    rows("the app's functions on the stack (inclusive; API glue left out):", inclusive)
    rows("self time by function:", own)
