"""Workflow test fixtures."""
import pytest

from .engine_clock import shift_engine_clock


@pytest.fixture
def engine_clock(monkeypatch):
    """Move the engine's clock to a moment, so timers fire without waiting for them."""
    return lambda moment: shift_engine_clock(monkeypatch, moment)
