"""Move SpiffWorkflow's timer clock: timers compare their due time with the wall clock, never with ours."""
from datetime import datetime

import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_module


def shift_engine_clock(monkeypatch, moment: datetime) -> None:
    """Make the engine's timers believe it is `moment` (aware) for the rest of the test."""
    offset = moment - datetime.now(moment.tzinfo)

    class ShiftedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + offset

    monkeypatch.setattr(timer_module, "datetime", ShiftedDatetime)
