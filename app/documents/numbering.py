"""Numbers in a register book: consecutive within the year, no gaps, no duplicates, under concurrency.

One upsert takes the next number and locks the sequence row until the caller's transaction ends,
so a registration that rolls back gives its number back instead of leaving a gap.
"""
from datetime import datetime, timezone
from functools import cache

from sqlalchemy import Integer, and_, bindparam, literal, select
from sqlalchemy.dialects import postgresql

from app.database import CONFLICT_INSERTS, built_once, conflict_insert
from app.extensions import db
from app.vietnam_time import VIETNAM

from .models import NumberSequence, RegisterBook


def register_year(moment: datetime | None = None) -> int:
    """The numbering year of a moment, by the Vietnamese calendar day (not UTC)."""
    return (moment or datetime.now(timezone.utc)).astimezone(VIETNAM).year


def take_number(book: RegisterBook, *, year: int | None = None) -> int:
    """Take the next number of the book for the year, in the caller's transaction."""
    statement = _take_statement(db.session.get_bind().dialect.name)
    return db.session.execute(statement, {"number_book": book.id, "number_year": year or register_year()}).scalar_one()


@cache
def _take_statement(dialect_name: str):
    """The upsert of the next number, built once per database (its ON CONFLICT spelling differs)."""
    table = NumberSequence.__table__
    return built_once(CONFLICT_INSERTS[dialect_name](table)
                      .values(book_id=bindparam("number_book"), year=bindparam("number_year"), last_number=1)
                      .on_conflict_do_update(index_elements=[table.c.book_id, table.c.year],
                                             set_={"last_number": table.c.last_number + 1})
                      .returning(table.c.last_number))


_LAST_NUMBER = select(NumberSequence.last_number).where(NumberSequence.book_id == bindparam("book_id"),
                                                        NumberSequence.year == bindparam("year"))


def likely_next_number(book: RegisterBook, *, year: int) -> int:
    """The number `take_number` would give now, read without taking or locking anything.

    Only a guess to prepare slow work with before the book is locked (the seal over a filled-in number):
    the number kept is always `take_number`'s, and work prepared with another guess is done again.
    """
    last = db.session.execute(_LAST_NUMBER, {"book_id": book.id, "year": year}).scalar()
    return (last or 0) + 1


def outgoing_book_and_likely_number(agency_id: int, *, secret: bool, year: int) -> tuple[RegisterBook, int]:
    """`outgoing_book_for` and `likely_next_number` in it, read in one statement (the agency has books)."""
    found = db.session.execute(_OUTGOING_WITH_LAST[secret], {"agency_id": agency_id, "year": year}).first()
    if found is None:  # no books yet: book_for writes the defaults
        book = outgoing_book_for(agency_id, secret=secret)
        return book, likely_next_number(book, year=year)
    book, last = found
    return book, (last or 0) + 1


def formatted_number(number: int) -> str:
    """Numbers below 10 are written with a leading zero (Decree 30): 01, 02 … 09, 10."""
    return f"{number:02d}"


def default_books(agency_id: int) -> list[RegisterBook]:
    """The books every agency starts with: incoming, incoming secret, outgoing, outgoing secret."""
    return [
        RegisterBook(agency_id=agency_id, code="den", name="Sổ văn bản đến", direction="incoming"),
        RegisterBook(agency_id=agency_id, code="den-mat", name="Sổ văn bản đến mật", direction="incoming",
                     secret=True),
        RegisterBook(agency_id=agency_id, code="di", name="Sổ văn bản đi", direction="outgoing"),
        RegisterBook(agency_id=agency_id, code="di-mat", name="Sổ văn bản đi mật", direction="outgoing",
                     secret=True),
    ]


def ensure_default_books(agency_id: int) -> None:
    """Create the agency's default books if it has none yet; safe when two clerks do it at once."""
    rows = [{"agency_id": b.agency_id, "code": b.code, "name": b.name, "direction": b.direction,
             "secret": bool(b.secret), "active": True} for b in default_books(agency_id)]
    db.session.execute(conflict_insert(RegisterBook.__table__).values(rows).on_conflict_do_nothing())


def incoming_book_for(agency_id: int, *, secret: bool) -> RegisterBook:
    """The active incoming book for the document: secret documents have their own sequence."""
    return book_for(agency_id, "incoming", secret=secret)


def outgoing_book_for(agency_id: int, *, secret: bool) -> RegisterBook:
    """The active outgoing book: one sequence for the agency's documents, secret ones apart."""
    return book_for(agency_id, "outgoing", secret=secret)


def book_for(agency_id: int, direction: str, *, secret: bool) -> RegisterBook:
    """The agency's first active book of the direction and secrecy.

    The default books are written only for an agency that has none yet, not on every registration.
    """
    statement = _BOOKS.get((direction, secret))
    if statement is None:  # a direction registration does not use: built for this call
        statement = _books_statement(direction, secret)
    book = db.session.scalars(statement, {"agency_id": agency_id}).first()
    if book is None:
        ensure_default_books(agency_id)
        book = db.session.scalars(statement, {"agency_id": agency_id}).first()
    return book


def _books_statement(direction: str, secret: bool):
    """An agency's active books of a direction and secrecy, first created first."""
    return (select(RegisterBook).where(RegisterBook.agency_id == bindparam("agency_id"),
                                       RegisterBook.direction == direction, RegisterBook.secret.is_(secret),
                                       RegisterBook.active.is_(True))
            .order_by(RegisterBook.id))


# Built once for the directions registration uses (no statement building per registration).
_BOOKS = {(direction, secret): _books_statement(direction, secret)
          for direction in ("incoming", "outgoing") for secret in (False, True)}


def _with_last_number(direction: str, secret: bool):
    """book_for's query with the book's last number of the year (None before its first), first book only."""
    sequence = and_(NumberSequence.book_id == RegisterBook.id, NumberSequence.year == bindparam("year"))
    return (_books_statement(direction, secret).add_columns(NumberSequence.last_number)
            .outerjoin(NumberSequence, sequence).limit(1))


_OUTGOING_WITH_LAST = {secret: _with_last_number("outgoing", secret) for secret in (False, True)}


def take_incoming_number(agency_id: int, *, secret: bool, year: int):
    """The incoming book for the document (its id, code and name) and the next number taken in it.

    PostgreSQL finds the book and takes the number in one statement; elsewhere, and for an agency
    without books yet, the book is read first. The number's row is locked until the caller's
    transaction ends either way.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        taken = db.session.execute(_TAKE_INCOMING[secret], {"agency_id": agency_id, "number_year": year}).first()
        if taken is not None:
            return taken, taken.number
    book = incoming_book_for(agency_id, secret=secret)
    return book, take_number(book, year=year)


def _take_in_first_book(direction: str, secret: bool):
    """The upsert of take_number fed by book_for's query, answering with the book (PostgreSQL only)."""
    table = NumberSequence.__table__
    book = (_books_statement(direction, secret).with_only_columns(RegisterBook.id, RegisterBook.code,
                                                                  RegisterBook.name).limit(1).cte("book"))
    taken = (postgresql.insert(table)
             .from_select(["book_id", "year", "last_number"],
                          select(book.c.id, bindparam("number_year", type_=Integer), literal(1, Integer)))
             .on_conflict_do_update(index_elements=[table.c.book_id, table.c.year],
                                    set_={"last_number": table.c.last_number + 1})
             .returning(table.c.book_id, table.c.last_number).cte("taken"))
    # The ON CONFLICT inside gives the whole statement no cache key: built once, it is keyed by itself.
    return built_once(select(book.c.id, book.c.code, book.c.name, taken.c.last_number.label("number")).join_from(
        book, taken, taken.c.book_id == book.c.id))


_TAKE_INCOMING = {secret: _take_in_first_book("incoming", secret) for secret in (False, True)}
