"""Số đến: consecutive per book and year, no gaps or duplicates under 20 parallel registrations."""
import random
from datetime import datetime, timezone

from sqlalchemy import select

from app.documents.models import NumberSequence, RegisterBook
from app.documents.numbering import (
    default_books,
    formatted_number,
    outgoing_book_and_likely_number,
    register_year,
    take_incoming_number,
    take_number,
)
from app.extensions import db as _db

from ..factories import Factory
from ..parallel import run_in_parallel


def _books(make, db):
    agency = make.agency()
    books = default_books(agency.id)
    db.session.add_all(books)
    db.session.flush()
    return {book.code: book for book in books}


def test_numbers_are_consecutive_per_book_and_restart_each_year(make, db):
    books = _books(make, db)
    assert [take_number(books["den"], year=2026) for _ in range(3)] == [1, 2, 3]
    assert take_number(books["den-mat"], year=2026) == 1  # secret documents have their own sequence
    assert take_number(books["den"], year=2027) == 1
    assert take_number(books["den"], year=2026) == 4
    assert formatted_number(5) == "05" and formatted_number(123) == "123"


def test_an_incoming_number_comes_with_its_book(make, db):
    books = _books(make, db)
    agency_id = books["den"].agency_id
    book, number = take_incoming_number(agency_id, secret=False, year=2026)
    assert (book.id, book.code, book.name, number) == (books["den"].id, "den", "Sổ văn bản đến", 1)
    assert take_incoming_number(agency_id, secret=False, year=2026)[1] == 2
    book, number = take_incoming_number(agency_id, secret=True, year=2026)  # the secret book's own sequence
    assert (book.code, number) == ("den-mat", 1)
    assert take_number(books["den"], year=2026) == 3  # one sequence, however it is taken


def test_an_agency_without_books_gets_them_at_its_first_incoming_number(make, db):
    agency = make.agency()
    book, number = take_incoming_number(agency.id, secret=False, year=2026)
    assert (book.code, number) == ("den", 1)
    assert db.session.scalar(select(RegisterBook.id).where(RegisterBook.agency_id == agency.id,
                                                           RegisterBook.code == "di-mat")) is not None


def test_the_outgoing_book_comes_with_the_number_it_would_give(make, db):
    books = _books(make, db)
    agency_id = books["di"].agency_id
    assert outgoing_book_and_likely_number(agency_id, secret=False, year=2026) == (books["di"], 1)
    take_number(books["di"], year=2026)
    take_number(books["di"], year=2025)  # another year's sequence says nothing of this one's
    assert outgoing_book_and_likely_number(agency_id, secret=False, year=2026) == (books["di"], 2)
    assert outgoing_book_and_likely_number(agency_id, secret=True, year=2026) == (books["di-mat"], 1)
    assert take_number(books["di"], year=2026) == 2  # only a guess: nothing was taken


def test_an_agency_without_books_gets_them_at_its_first_outgoing_guess(make, db):
    agency = make.agency()
    book, likely = outgoing_book_and_likely_number(agency.id, secret=True, year=2026)
    assert (book.code, likely) == ("di-mat", 1)


def test_a_rolled_back_registration_gives_its_number_back(make, db):
    books = _books(make, db)
    assert take_number(books["den"], year=2026) == 1
    savepoint = db.session.begin_nested()
    assert take_number(books["den"], year=2026) == 2
    savepoint.rollback()  # e.g. the clerk's registration failed half-way
    assert take_number(books["den"], year=2026) == 2


def test_the_year_is_the_vietnamese_calendar_year():
    # 31 December 2025, 18:00 UTC is already 1 January 2026 in Hà Nội.
    assert register_year(datetime(2025, 12, 31, 18, 0, tzinfo=timezone.utc)) == 2026


def test_twenty_parallel_registrations_leave_no_gap_and_no_duplicate(app, committed_db):
    agency = Factory(committed_db).agency()
    book = RegisterBook(agency_id=agency.id, code="den", name="Sổ văn bản đến", direction="incoming")
    committed_db.session.add(book)
    committed_db.session.commit()
    book_id = book.id
    committed_db.session.remove()
    workers, per_worker, kept = 20, 5, []

    def register(worker: int):
        rng = random.Random(worker)
        for _ in range(per_worker):
            number = take_number(_db.session.get(RegisterBook, book_id), year=2026)
            if rng.random() < 0.2:
                _db.session.rollback()  # a failed registration: its number must come back
            else:
                _db.session.commit()
                kept.append(number)

    errors = run_in_parallel(app, workers, register)
    assert errors == []
    assert sorted(kept) == list(range(1, len(kept) + 1))  # consecutive from 1: no gap, no duplicate
    last = committed_db.session.scalar(select(NumberSequence.last_number).where(NumberSequence.book_id == book_id))
    assert last == len(kept)
