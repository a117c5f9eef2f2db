"""Running engine steps and telling what went wrong: an operator's refusal keeps its own words, the
database failing underneath is raised as itself, and any other failure becomes ProcessFailed (a person is
there to be told) or an incident's Failure (run_steps, for the steps that run without one)."""
from flask_babel import gettext as _
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.exc import SQLAlchemyError

from .errors import ProcessFailed, WorkflowError
from .failures import PERSON_FIXES, Failure, classify


def run_engine(step):
    """Run engine steps; an operator's refusal keeps its own words, any other engine error becomes ProcessFailed."""
    try:
        step()
    except SpiffWorkflowException as error:
        if isinstance(error.__cause__, WorkflowError):
            # An operator's deliberate refusal (e.g. a draft without recipients): its own words, no wrapping.
            raise error.__cause__ from None
        database = _database_failure(error)
        if database is not None:
            # The database failed under an operator (restarting, connection cut), not the process: raised as
            # itself, the request's boundary rolls back and says so plainly, and a job defers the case instead
            # of marking it failed. Its text (SQL, driver words) never reaches a person.
            raise database from None
        raise ProcessFailed(_("Quy trình gặp lỗi: %(error)s", error=_engine_message(error))) from error


def run_steps(step, workflow, *, person_present: bool) -> Failure | None:
    """Run engine steps; return the failure of a system step for an incident instead of raising.

    A person completing a task is still refused at once where they can fix it (their own data, their
    own task's scripts): nothing is kept and they are told. Every other failure leaves the failed step in
    the engine's ERROR state, to save with the case in the "error" status and an incident.
    """
    try:
        step()
    except SpiffWorkflowException as error:
        if person_present and isinstance(error.__cause__, WorkflowError):
            raise error.__cause__ from None
        database = _database_failure(error)
        if database is not None:  # not the process's fault: no incident, the caller rolls back (see run_engine)
            raise database from None
        failure = classify(error, workflow)
        if person_present and (failure.kind in PERSON_FIXES or failure.manual):
            raise ProcessFailed(_("Quy trình gặp lỗi: %(error)s", error=_engine_message(error))) from error
        return failure
    return None


def _database_failure(error: BaseException) -> SQLAlchemyError | None:
    seen = error.__cause__
    for _depth in range(10):  # a cause chain is short; a cycle must not loop
        if seen is None or isinstance(seen, SQLAlchemyError):
            return seen
        seen = seen.__cause__
    return None


def _engine_message(error: SpiffWorkflowException) -> str:
    cause = error.__cause__ or getattr(error, "error", None)
    return str(cause) if cause and str(cause) not in str(error) else str(error).splitlines()[0]
