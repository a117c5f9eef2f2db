"""Register books (sổ văn bản) and their number sequences."""
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db

DIRECTIONS = ("incoming", "outgoing")


class RegisterBook(AgencyScoped, db.Model):
    """A numbered register of an agency: incoming, outgoing, or a separate one (e.g. secret documents)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    direction: Mapped[str] = mapped_column(String(10))
    secret: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    agency = relationship("Agency")

    __table_args__ = (UniqueConstraint("agency_id", "code"),
                      CheckConstraint(f"direction IN {DIRECTIONS}", name="direction_known"))


class NumberSequence(db.Model):
    """The last number given in a book in a year; numbers restart at 1 on 1 January."""

    book_id: Mapped[int] = mapped_column(ForeignKey("register_book.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
