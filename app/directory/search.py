"""Finding people accent-insensitively, the way documents are found: every word of the query must occur in
the person's accent-free `search_text` ("nguyen van" finds "Nguyễn Văn", "chuyen vien" a Chuyên viên)."""
from app.documents.folding import fold

from .models import User


def where_matches(statement, query: str):
    """The statement limited to people whose search text holds every word of the query."""
    for word in fold(query).split()[:8]:
        statement = statement.where(User.search_text.contains(word, autoescape=True))
    return statement
