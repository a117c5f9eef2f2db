"""Refusals and failures of the workflow runtime, each with the HTTP status its message goes out with."""


class WorkflowError(Exception):
    """A refusal or failure to show the person in Vietnamese."""

    status = 400

    def __init__(self, message: str, *, after_rollback=None):
        super().__init__(message)
        self.message = message
        # Something to keep although the completion rolls back (e.g. counting a wrong PIN); the
        # caller runs it after the rollback and commits.
        self.after_rollback = after_rollback


class TaskConflict(WorkflowError):
    status = 409


class TaskNotFound(WorkflowError):
    status = 404


class TaskForbidden(WorkflowError):
    status = 403


class ProcessFailed(WorkflowError):
    status = 422


class OperatorRefused(WorkflowError):
    """A service task refuses the data it was given; the message says what to fix."""

    status = 422


class SigningRefused(WorkflowError):
    """Nothing was signed: wrong PIN, unusable certificate, a signature that does not validate."""

    status = 422
