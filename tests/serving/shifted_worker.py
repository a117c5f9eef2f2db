"""A real Celery worker process whose engine clock reads a given moment, as the in-process timer tests shift it:
`python -m tests.serving.shifted_worker 2026-12-31T17:00:01+00:00 worker --pool=solo …`."""
import sys
from datetime import datetime

import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_module

from app.jobs import timers as timer_job


def shift_clock(moment: datetime) -> None:
    offset = moment - datetime.now(moment.tzinfo)

    class ShiftedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + offset

    timer_module.datetime = ShiftedDatetime  # a process of the test's own: nothing else runs in it
    timer_job.utcnow = lambda: datetime.now(moment.tzinfo) + offset


if __name__ == "__main__":
    shift_clock(datetime.fromisoformat(sys.argv[1]))
    from celery.bin.celery import main

    sys.argv = ["celery", "-A", "app.jobs.celery_app", *sys.argv[2:]]
    sys.exit(main())
