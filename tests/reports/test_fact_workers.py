"""Two runners (the embedded thread and a Celery worker) making the facts' very first run at once."""
import threading

import pytest
from sqlalchemy import select

from app.jobs.runner import run_job
from app.reports.models import FactRefresh


@pytest.mark.parametrize(("job", "mark_id"), [("refresh_document_facts", 1), ("refresh_recipient_facts", 2)])
def test_two_first_runs_at_once_both_finish(app, committed_db, job, mark_id):
    assert committed_db.session.get(FactRefresh, mark_id) is None
    committed_db.session.rollback()  # on SQLite a reading session would hold the write lock
    start, done, errors = threading.Barrier(2), [], []

    def runner():
        start.wait(timeout=30)
        try:
            done.append(run_job(app, job))
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(repr(error))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(done) == 2
    assert committed_db.session.scalars(select(FactRefresh.id).where(FactRefresh.id == mark_id)).all() == [mark_id]
