"""Workflow test fixtures."""
import threading
import time
from contextlib import contextmanager

import pytest

from .engine_clock import shift_engine_clock


@pytest.fixture
def engine_clock(monkeypatch):
    """Move the engine's clock to a moment, so timers fire without waiting for them."""
    return lambda moment: shift_engine_clock(monkeypatch, moment)


@pytest.fixture
def other_thread():
    """A context in which another thread ticks every 5 ms; yields the gaps between its ticks (seconds)."""
    @contextmanager
    def ticking():
        gaps, stop = [], threading.Event()

        def tick():
            last = time.monotonic()
            while not stop.is_set():
                time.sleep(0.005)
                gaps.append(time.monotonic() - last)
                last = time.monotonic()

        thread = threading.Thread(target=tick)
        thread.start()
        try:
            time.sleep(0.05)
            yield gaps
            time.sleep(0.05)
        finally:
            stop.set()
            thread.join()
    return ticking
