"""Factories for directory objects; every call makes unique, valid rows."""
import itertools
from functools import cache

from app.auth.passwords import hash_password
from app.directory.models import Agency, Department, User

_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(Factory.PASSWORD)


class Factory:
    PASSWORD = "Mat-khau-2026"

    def __init__(self, db):
        self.db = db

    def agency(self, **fields) -> Agency:
        n = next(_counter)
        defaults = {"code": f"{n % 1000:03d}.{n // 1000 % 100:02d}.99.T{n % 100:02d}", "name": f"Cơ quan thử {n}",
                    "short_name": f"CQ{n}", "kind": "department"}
        agency = Agency(**{**defaults, **fields})
        self.db.session.add(agency)
        self.db.session.flush()
        return agency

    def department(self, agency=None, **fields) -> Department:
        n = next(_counter)
        department = Department(agency=agency or self.agency(),
                                **{"name": f"Phòng thử {n}", "abbreviation": f"P{n}", **fields})
        self.db.session.add(department)
        self.db.session.flush()
        return department

    def user(self, agency=None, roles=("specialist",), **fields) -> User:
        n = next(_counter)
        agency = agency or self.agency()
        defaults = {"username": f"nguoidung{n}", "full_name": f"Nguyễn Văn Thử {n}",
                    "job_title": "Chuyên viên", "password_hash": _password_hash()}
        user = User(agency=agency, **{**defaults, **fields})
        user.set_roles(roles)
        self.db.session.add(user)
        self.db.session.flush()
        return user


def bearer_headers(client, user, password: str = Factory.PASSWORD) -> dict:
    """Log in through the API and return the Authorization header its token makes."""
    token = client.post("/api/v1/auth/login", json={"username": user.username,
                                                    "password": password}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}
