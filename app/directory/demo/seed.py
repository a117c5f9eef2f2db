"""Fill an empty database with a demo province: Yên Bái's 91 agencies, their departments and 4,129 people by
default, or another of provinces.py."""
import random
import time
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import insert, select

from app.extensions import db

from ..models import Agency, Department, User, UserRole
from ..roles import (
    ADMIN,
    AUDITOR,
    CLERK,
    DESIGNER,
    FORMAT_CHECKER,
    LEADER,
    SPECIALIST,
    UNIT_HEAD,
)
from .agencies import AgencySpec
from .people import NameGenerator, UsernameRegistry, fold_to_ascii
from .provinces import YEN_BAI_PROVINCE, DemoProvince

# Head-count per agency, drawn in these ranges and then nudged so the total lands on the province's total_users.
SIZE_RANGES = {"department": (70, 90), "district": (100, 130), "commune": (12, 20), "service_unit": (25, 40)}
ROOT_SIZE = 11  # the chairman, two deputies, a clerk, a team head, a checker, three province-wide staff, two more
DEPUTY_LEADERS = {"province": (2, 2), "department": (2, 3), "district": (2, 3), "commune": (1, 2),
                  "service_unit": (1, 2)}
CLERKS = {"province": 1, "department": 2, "district": 2, "commune": 1, "service_unit": 1}
# Communes and the root have too few people to give every department a head of its own.
HEADED_DEPARTMENTS = {"province": 1, "commune": 2}
DEPUTY_HEAD_SHARE = {"province": 0.0, "department": 0.7, "district": 0.5, "commune": 0.0, "service_unit": 0.3}

# Titles of a department's head and deputy, by the first word(s) of its name; first match wins.
UNIT_HEAD_TITLES = (
    ("Văn phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("Thanh tra", "Chánh Thanh tra", "Phó Chánh Thanh tra"),
    ("Phòng", "Trưởng phòng", "Phó Trưởng phòng"),
    ("Khoa", "Trưởng khoa", "Phó Trưởng khoa"),
    ("Ban", "Trưởng ban", "Phó Trưởng ban"),
    ("Chi cục", "Chi cục trưởng", "Phó Chi cục trưởng"),
    ("Tổ", "Tổ trưởng", "Tổ phó"),
    ("Bộ phận", "Trưởng bộ phận", "Phó Trưởng bộ phận"),
)
CIVIL_SERVANT_TITLES = {"Chuyên viên": 66, "Chuyên viên chính": 26, "Chuyên viên cao cấp": 2, "Cán sự": 6}
SERVICE_UNIT_TITLES = ("Viên chức", "Viên chức", "Chuyên viên")

# The agency part of usernames for the People's Committee tiers, whose short names are all "UBND".
PLACE_MARKS = (("thành phố ", "tp"), ("thị xã ", "tx"), ("thị trấn ", "tt"), ("huyện ", ""),
               ("phường ", "p"), ("xã ", "x"))


class FixedAccount(NamedTuple):
    username: str
    role: str
    agency: str  # short name; "UBND" means the province itself
    description: str


# Accounts the README and the tests log in with; they take the place of generated people.
# (username, role, agency short name, department abbreviation, full name, description)
_FIXED = (
    ("vanthu.ubnd", CLERK, "VPUBND", "VP", "Nguyễn Thị Thu Hà", "Văn thư, Văn phòng UBND tỉnh"),
    ("lanhdao.ubnd", LEADER, "VPUBND", None, "Trần Quang Minh", "Chánh Văn phòng UBND tỉnh"),
    ("truongphong.ubnd", UNIT_HEAD, "VPUBND", "VP", "Lê Văn Hùng", "Trưởng phòng (VP), Văn phòng UBND tỉnh"),
    ("chuyenvien.ubnd", SPECIALIST, "VPUBND", "VP", "Phạm Thị Lan Anh", "Chuyên viên phòng VP, Văn phòng UBND tỉnh"),
    ("kiemtra.ubnd", FORMAT_CHECKER, "VPUBND", "VP", "Hoàng Minh Tuấn", "Kiểm tra thể thức, Văn phòng UBND tỉnh"),
    ("vanthu.snv", CLERK, "SNV", "VP", "Đỗ Thị Hương", "Văn thư, Sở Nội vụ"),
    ("lanhdao.snv", LEADER, "SNV", None, "Nguyễn Đức Thắng", "Giám đốc Sở Nội vụ"),
    ("truongphong.snv", UNIT_HEAD, "SNV", "VP", "Vũ Thị Ngọc Mai", "Chánh Văn phòng Sở Nội vụ"),
    ("chuyenvien.snv", SPECIALIST, "SNV", "VP", "Lò Văn Dũng", "Chuyên viên Văn phòng Sở Nội vụ"),
    ("thietke", DESIGNER, "UBND", "CĐS", "Bùi Quang Huy", "Thiết kế quy trình, toàn tỉnh"),
    ("kiemtoan", AUDITOR, "UBND", None, "Hà Thị Thanh Thủy", "Kiểm toán, toàn tỉnh"),
    ("quantri", ADMIN, "UBND", "CĐS", "Đặng Văn Khánh", "Quản trị hệ thống, toàn tỉnh"),
)
FIXED_ACCOUNTS = [FixedAccount(user, role, agency, note) for user, role, agency, _, _, note in _FIXED]
# Only the province's own staff see every agency.
PROVINCE_WIDE_ROLES = (DESIGNER, AUDITOR, ADMIN)


@dataclass(frozen=True)
class SeedSummary:
    agencies: int
    departments: int
    users: int
    elapsed_seconds: float


class _Slot(NamedTuple):
    """One position in an agency's roster, before a person is put in it."""

    role: str
    title: str
    department: str | None  # abbreviation
    female_share: float = 0.5


def seed_demo_province(*, password_hash: str, province: DemoProvince = YEN_BAI_PROVINCE) -> SeedSummary:
    """Insert the demo province and flush; the caller commits (or rolls back)."""
    started = time.perf_counter()
    agencies = _insert_agencies(province.agencies)
    department_ids = {
        (code, department.abbreviation): department.id
        for code, agency in agencies.items() for department in agency.departments
    }
    agency_ids = {code: agency.id for code, agency in agencies.items()}
    users, held_roles = _people(province, agency_ids, department_ids, password_hash)
    db.session.execute(insert(User), users)
    # Read the ids back by agency, not by 4,129 usernames: older SQLite builds bind at most 999 parameters.
    user_ids = dict(db.session.execute(
        select(User.username, User.id).where(User.agency_id.in_(agency_ids.values()))
    ).all())
    db.session.execute(insert(UserRole), [{"user_id": user_ids[name], "role": role} for name, role in held_roles])
    db.session.flush()
    return SeedSummary(
        agencies=len(agencies),
        departments=len(department_ids),
        users=len(users),
        elapsed_seconds=time.perf_counter() - started,
    )


def _insert_agencies(specs: tuple[AgencySpec, ...]) -> dict[str, Agency]:
    """The agency tree with its departments, keyed by code; flushed so ids are known."""
    agencies: dict[str, Agency] = {}
    for spec in specs:
        agency = Agency(code=spec.code, name=spec.name, short_name=spec.short_name, kind=spec.kind,
                        parent=agencies.get(spec.parent_code), active=True, is_demo=True)
        agency.departments = [Department(name=name, abbreviation=abbr) for name, abbr in spec.departments]
        agencies[spec.code] = agency
    db.session.add_all(agencies.values())
    db.session.flush()
    return agencies


def _people(province: DemoProvince, agency_ids, department_ids, password_hash) -> tuple[list[dict], list[tuple[str, str]]]:
    """Rows for the user table, and the (username, role) pairs they hold."""
    rng = random.Random(province.seed)
    names = NameGenerator(province.seed)
    usernames = UsernameRegistry()
    for fixed in _FIXED:
        usernames.reserve(fixed[0])
    sizes = _agency_sizes(province, rng)
    users, held_roles = [], []
    for spec in province.agencies:
        slots = _roster(spec, sizes[spec.code], rng)
        placed = _place_fixed_accounts(province, spec, slots)
        suffix = _username_suffix(spec)
        for index, slot in enumerate(slots):
            person = names.person(slot.female_share)
            if index in placed:
                username, full_name, slot = placed[index]
            else:
                username, full_name = usernames.claim(person.full_name, suffix), person.full_name
            users.append({
                "username": username,
                "full_name": full_name,
                "job_title": slot.title,
                "email": None,
                "agency_id": agency_ids[spec.code],
                "department_id": department_ids[spec.code, slot.department] if slot.department else None,
                "password_hash": password_hash,
                "active": True,
                "province_wide": spec.kind == "province" and slot.role in PROVINCE_WIDE_ROLES,
                "must_change_password": False,
            })
            held_roles.append((username, slot.role))
    return users, held_roles


def _agency_sizes(province: DemoProvince, rng: random.Random) -> dict[str, int]:
    """Head-count per agency code, summing to exactly the province's total_users."""
    sizes = {spec.code: ROOT_SIZE if spec.kind == "province" else rng.randint(*SIZE_RANGES[spec.kind])
             for spec in province.agencies}
    adjustable = [spec for spec in province.agencies if spec.kind != "province"]
    gap, stalled = province.total_users - sum(sizes.values()), 0
    # Walk the agencies round-robin, one person at a time, so the correction is spread thin.
    for spec in _cycle(adjustable):
        if not gap:
            break
        step = 1 if gap > 0 else -1
        low, high = SIZE_RANGES[spec.kind]
        if low <= sizes[spec.code] + step <= high:
            sizes[spec.code] += step
            gap -= step
            stalled = 0
        else:
            stalled += 1
            if stalled > len(adjustable):
                raise ValueError(f"SIZE_RANGES cannot add up to {province.total_users} users")
    return sizes


def _cycle(items):
    while True:
        yield from items


def _roster(spec: AgencySpec, size: int, rng: random.Random) -> list[_Slot]:
    """The positions of one agency: leadership, clerks, department heads, support roles, specialists."""
    kind = spec.kind
    department_names = {abbr: name for name, abbr in spec.departments}
    primary = spec.departments[0][1]  # the office that keeps the register
    slots = [_Slot(LEADER, spec.head_title, None, 0.25)]
    slots += [_Slot(LEADER, f"Phó {spec.head_title}", None, 0.35)
              for _ in range(rng.randint(*DEPUTY_LEADERS[kind]))]
    slots += [_Slot(CLERK, "Văn thư", primary, 0.85)] * CLERKS[kind]
    for name, abbr in spec.departments[:HEADED_DEPARTMENTS.get(kind)]:
        head, deputy = _unit_head_titles(name)
        if head == spec.head_title:  # the office inside VPUBND: its head is not a second Chánh Văn phòng
            head, deputy = "Trưởng phòng", "Phó Trưởng phòng"
        slots.append(_Slot(UNIT_HEAD, _commune_title(spec, name, head), abbr, 0.4))
        if rng.random() < DEPUTY_HEAD_SHARE[kind]:
            slots.append(_Slot(UNIT_HEAD, _commune_title(spec, name, deputy), abbr, 0.5))
    audit_home = "TTr" if "TTr" in department_names else primary
    office = department_names[primary]
    slots += [
        _Slot(FORMAT_CHECKER, _commune_title(spec, office, "Chuyên viên tổng hợp"), primary, 0.6),
        _Slot(DESIGNER, _commune_title(spec, office, "Chuyên viên công nghệ thông tin"), primary, 0.4),
        _Slot(AUDITOR, _commune_title(spec, office, "Thanh tra viên" if audit_home == "TTr" else
                                      "Chuyên viên kiểm soát nội bộ"), audit_home),
        _Slot(ADMIN, _commune_title(spec, office, "Quản trị hệ thống"), primary, 0.3),
    ]
    count = size - len(slots)
    if count < 1:
        raise ValueError(f"{spec.code}: {size} people cannot fill {len(slots) + 1} positions")
    # Every department gets a specialist before any gets a second one.
    abbrs = list(department_names)
    homes = abbrs[:count] + rng.choices(abbrs, k=max(0, count - len(abbrs)))
    slots += [_Slot(SPECIALIST, _specialist_title(spec, department_names[abbr], rng), abbr) for abbr in homes]
    return slots


def _unit_head_titles(department_name: str) -> tuple[str, str]:
    for prefix, head, deputy in UNIT_HEAD_TITLES:
        if department_name == prefix or department_name.startswith(prefix + " "):
            return head, deputy
    return "Trưởng bộ phận", "Phó Trưởng bộ phận"


def _commune_title(spec: AgencySpec, department_name: str, title: str) -> str:
    """Commune staff are all "công chức" of their field rather than heads or specialists."""
    return f"Công chức {department_name}" if spec.kind == "commune" else title


def _specialist_title(spec: AgencySpec, department_name: str, rng: random.Random) -> str:
    if spec.kind == "commune":
        return f"Công chức {department_name}"
    if spec.kind == "service_unit":
        return rng.choice(spec.staff_titles or SERVICE_UNIT_TITLES)
    return rng.choices(list(CIVIL_SERVANT_TITLES), list(CIVIL_SERVANT_TITLES.values()))[0]


def _place_fixed_accounts(province: DemoProvince, spec: AgencySpec,
                          slots: list[_Slot]) -> dict[int, tuple[str, str, _Slot]]:
    """Roster index -> (username, full name, slot) for the fixed accounts of this agency."""
    placed = {}
    for username, role, agency, department, full_name, _ in _FIXED:
        if _fixed_agency_code(province, agency) != spec.code:
            continue
        candidates = [i for i, slot in enumerate(slots) if slot.role == role and i not in placed]
        exact = [i for i in candidates if slots[i].department == department]
        index = (exact or candidates)[0]
        placed[index] = (username, province.fixed_names.get(username, full_name),
                         slots[index]._replace(department=department))
    return placed


def _fixed_agency_code(province: DemoProvince, short_name: str) -> str:
    """The first agency with this short name; the province comes first, so "UBND" is the province."""
    return next(spec.code for spec in province.agencies if spec.short_name == short_name)


def _username_suffix(spec: AgencySpec) -> str:
    """The agency part of its staff's usernames: the short name, or the place for the UBND tiers."""
    if spec.kind == "province":
        return "ubndtinh"
    if spec.kind not in ("district", "commune"):
        return fold_to_ascii(spec.short_name)
    place = spec.name.removeprefix("Ủy ban nhân dân ")
    for prefix, mark in PLACE_MARKS:
        if place.startswith(prefix):
            return mark + fold_to_ascii(place.removeprefix(prefix)).replace(" ", "")
    raise ValueError(f"no username suffix for {spec.name}")
