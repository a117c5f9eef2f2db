"""The timer job: fire due timers instance by instance, one transaction each."""
import logging
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.sqltypes import utcnow
from app.workflow.case_changes import mark_instance_failed
from app.workflow.errors import TaskConflict
from app.workflow.runtime import fire_timers
from app.workflow.timers import due_instance_ids

log = logging.getLogger(__name__)


def fire_due_timers(now: datetime | None = None, *, limit: int = 100) -> int:
    """Fire the timers due by `now`, committing per instance; return how many instances moved on.

    A job boundary: a failing step leaves its case in an incident (runtime.fire_timers); a case the
    engine cannot even load is rolled back alone and put into an incident, and the others go on.
    """
    fired_instances = 0
    for instance_id in due_instance_ids(now or utcnow(), limit=limit):
        try:
            if fire_timers(instance_id):
                fired_instances += 1
            db.session.commit()
        except (TaskConflict, SQLAlchemyError):
            # Someone else holds or changed the instance, or the database hiccupped: the timer
            # stays in the index and the next run tries again.
            db.session.rollback()
            log.warning("Timers of instance %s deferred", instance_id, exc_info=True)
        except Exception as error:
            db.session.rollback()
            log.exception("Timers of instance %s failed", instance_id)
            _mark_failed(instance_id, error)
    return fired_instances


def _mark_failed(instance_id: int, error: Exception) -> None:
    try:
        mark_instance_failed(instance_id, error)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("Could not mark instance %s failed", instance_id)
