"""What a task is about, shown beside its form: each domain registers a panel for its subject type.

The workflow package knows no domain: a task whose instance names a subject of type "document" gets the
documents package's panel (the PDF, its signatures, its timeline) without workflow importing it.
"""
from typing import Callable

from flask import Flask, current_app
from markupsafe import Markup

from .models import HumanTask

_KEY = "lienthong.subject_panels"


def register_subject_panel(app: Flask, subject_type: str, render: Callable[[str, object], Markup | None]) -> None:
    app.extensions.setdefault(_KEY, {})[subject_type] = render


def subject_panel(row: HumanTask, actor) -> Markup | None:
    render = current_app.extensions.get(_KEY, {}).get(row.subject_type or "")
    return render(row.subject_id, actor) if render and row.subject_id else None


# A line for the confirmation after a completed task (e.g. "Lưu hồ sơ" once a document is handled).
_NOTES_KEY = "lienthong.completion_notes"


def register_completion_note(app: Flask, subject_type: str, render: Callable[[str, object], Markup | None]) -> None:
    app.extensions.setdefault(_NOTES_KEY, {})[subject_type] = render


def completion_note(subject_type: str | None, subject_id: str | None, actor) -> Markup | None:
    """What the subject's domain adds to a completion's confirmation, read in the completion's transaction
    after its changes (so it sees the document it left handled)."""
    render = current_app.extensions.get(_NOTES_KEY, {}).get(subject_type or "")
    return render(subject_id, actor) if render and subject_id else None
