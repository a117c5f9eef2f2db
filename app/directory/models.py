"""Agencies, their departments, the people who work in them, and delegations between them."""
import re

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.documents.folding import fold
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow
from app.vietnamese_order import vietnamese

from . import roles as role_names

# Mã định danh (QCVN 102:2016): four dot-separated groups written lowest level first,
# the last one a letter and two digits (H63 = Yên Bái People's Committee).
AGENCY_CODE_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")

AGENCY_KINDS = ("province", "department", "district", "commune", "service_unit")


class AgencyScoped:
    """Mixin for rows that belong to one agency; `directory.scoping` filters on it."""

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)


class ContactDetails:
    """How to reach an agency, as edXML's From/To carry it (OrganAdd, Email, Telephone, Website)."""

    address: Mapped[str] = mapped_column(String(255), default="", server_default="")
    email: Mapped[str] = mapped_column(String(255), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    website: Mapped[str] = mapped_column(String(255), default="", server_default="")


CONTACT_FIELDS = ("address", "email", "phone", "website")


class Agency(ContactDetails, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)

    parent: Mapped["Agency | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Agency"]] = relationship(back_populates="parent")
    departments: Mapped[list["Department"]] = relationship(
        back_populates="agency", order_by=lambda: vietnamese(Department.name)
    )

    __table_args__ = (CheckConstraint(f"kind IN {AGENCY_KINDS}", name="kind_known"),)

    def __repr__(self):
        return f"<Agency {self.code} {self.short_name}>"


class Department(AgencyScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    abbreviation: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship(back_populates="departments")

    __table_args__ = (UniqueConstraint("agency_id", "abbreviation"),)


class User(AgencyScoped, UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    job_title: Mapped[str] = mapped_column(String(255), default="")
    # Name, username and job title without accents, for search (directory.search); kept by _fold_for_search.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    email: Mapped[str | None] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Province-wide staff (designers, auditors, administrators of the installation) see every agency.
    province_wide: Mapped[bool] = mapped_column(default=False)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    last_login_at = mapped_column(UtcDateTime)

    agency: Mapped[Agency] = relationship()
    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("full_name", "username", "job_title")
    def _fold_for_search(self, key: str, value):
        """Whoever writes a name (services, CSV import, demo seeding) keeps the search text in step."""
        parts = {"full_name": self.full_name, "username": self.username, "job_title": self.job_title, key: value}
        self.search_text = user_search_text(parts["username"], parts["full_name"], parts["job_title"])
        return value

    @property
    def is_active(self):
        return self.active

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *wanted: str) -> bool:
        return bool(self.roles.intersection(wanted))

    def set_roles(self, wanted) -> None:
        unknown = set(wanted) - set(role_names.ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        self.role_rows.extend(UserRole(role=r) for r in sorted(set(wanted) - self.roles))

    def __repr__(self):
        return f"<User {self.username}>"


def user_search_text(username: str | None, full_name: str | None, job_title: str | None) -> str:
    """What a search of people looks through: name, username and job title, folded."""
    return fold(" ".join((full_name or "", username or "", job_title or "")))


class UserRole(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class Delegation(AgencyScoped, db.Model):
    """A holder of a role hands its tasks to another person of the same agency for a date range."""

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    starts_on = mapped_column(db.Date, nullable=False)
    ends_on = mapped_column(db.Date, nullable=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    revoked_at = mapped_column(UtcDateTime)

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="range_ordered"),)
