"""The documents' office and bring_in fixtures, and a way to read who was told what."""
import pytest
from sqlalchemy import select

from app.notifications.models import Notification

from ..documents.conftest import bring_in, office  # noqa: F401  (fixtures)


@pytest.fixture
def notices(db):
    """(user id, kind, document id) of every notice, in order of writing."""

    def read(**where):
        statement = select(Notification).order_by(Notification.id)
        for key, value in where.items():
            statement = statement.where(getattr(Notification, key) == value)
        return [(n.user_id, n.kind, n.document_id) for n in db.session.scalars(statement)]

    return read
