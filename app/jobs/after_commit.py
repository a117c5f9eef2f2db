"""Jobs asked for inside a unit of work, enqueued once it commits.

A service cannot enqueue a job itself: its caller commits (one commit per unit of work), and a job
started before that commit would not see the rows it is for (or, on SQLite, would wait on the writer's
lock). The request is kept on the session and handed to `runner.enqueue` right after the commit; a
rolled-back unit of work enqueues nothing. Every channel (web, API, jobs, CLI) commits the same session,
so none of them has to remember to enqueue.
"""
import logging

from sqlalchemy import event

from app.extensions import db

log = logging.getLogger(__name__)

PENDING = "jobs_after_commit"


def enqueue_after_commit(name: str, **kwargs) -> None:
    """Enqueue the job `name` once the current transaction commits (once, however often it is asked)."""
    session = db.session()
    pending = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = []
        # On this session object only: a listener on the Session class would be a mutated library global.
        event.listen(session, "after_commit", _enqueue_pending)
        event.listen(session, "after_rollback", _forget_pending)
    if (name, kwargs) not in pending:
        pending.append((name, kwargs))


def _enqueue_pending(session) -> None:
    # Imported here: the runner imports the domains' jobs, which ask for jobs through this module.
    from .runner import enqueue

    jobs, session.info[PENDING] = list(session.info.get(PENDING) or ()), []
    for name, kwargs in jobs:
        try:
            enqueue(name, **kwargs)
        except Exception:  # the work is committed; the job's own schedule still picks it up
            log.exception("Job %s could not be enqueued after the commit", name)


def _forget_pending(session) -> None:
    session.info[PENDING] = []
