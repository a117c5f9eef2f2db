"""Run the same work in several threads that start together, each with its own session."""
import threading

from app.extensions import db


def run_in_parallel(app, workers: int, work) -> list[str]:
    """Call work(worker) in `workers` threads; return the errors they raised (empty when all went well)."""
    start, errors = threading.Barrier(workers), []

    def run(worker: int):
        with app.test_request_context():
            try:
                # Meet before touching the database: on SQLite the first query takes the write lock.
                start.wait(timeout=30)
                work(worker)
            except Exception as error:  # collected for the test to assert on
                errors.append(repr(error))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
