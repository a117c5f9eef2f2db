"""How many processes and threads production mode starts, from the CPU count unless the environment says."""
import os
from dataclasses import dataclass

from app.config import SettingRefused


@dataclass(frozen=True)
class Sizing:
    host: str
    port: int
    web_workers: int
    web_threads: int
    job_workers: int
    web_timeout_seconds: int


def _count(env, name: str, default: int, *, low: int = 1, high: int = 256) -> int:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise SettingRefused(f"{name}: “{text[:20]}” phải là số nguyên từ {low} đến {high}. / "
                             f"“{text[:20]}” must be a whole number from {low} to {high}.")
    return int(text)


def sizing_from_environment(env=None) -> Sizing:
    """Web processes 2 × CPU + 1 (gunicorn's rule: one computes while the others wait on the database), one
    thread each; one job process per CPU.

    One thread: two requests computing in one process take turns on its interpreter lock every few
    milliseconds and move between cores each time. Measured with bench/province.py on 2 cores (8 clients, the
    customer's mix of incoming and outgoing): 5 × 4 threads 202 ms of CPU per document, 5 × 2 196 ms, 5 × 1
    169 ms; outgoing alone 364 → 318 ms, incoming alone 103 → 109 ms (it waits on PostgreSQL more than it
    computes). THREADS raises it where requests mostly wait."""
    env = os.environ if env is None else env
    cpus = os.cpu_count() or 1
    return Sizing(host=(env.get("HOST") or "127.0.0.1").strip(), port=_count(env, "PORT", 5000, high=65535),
                  web_workers=_count(env, "WORKERS", 2 * cpus + 1), web_threads=_count(env, "THREADS", 1),
                  job_workers=_count(env, "CELERY_CONCURRENCY", cpus),
                  web_timeout_seconds=_count(env, "WEB_TIMEOUT_SECONDS", 120, low=10, high=3600))
