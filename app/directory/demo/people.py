"""Deterministic, realistic Vietnamese names for the demo staff, and the usernames built from them."""
import random
import unicodedata
from typing import NamedTuple

# Rough shares of surnames in a northern mountain province: the Kinh majority plus the Thái
# (Lò, Lường), Hmông (Giàng, Sùng, Mùa), Dao (Triệu) and Tày (Hoàng, Hà) families of Yên Bái.
SURNAMES = {
    "Nguyễn": 30, "Trần": 9, "Lê": 8, "Phạm": 6, "Hoàng": 6, "Vũ": 4, "Hà": 3, "Đặng": 2, "Bùi": 2,
    "Đỗ": 2, "Ngô": 1, "Dương": 1, "Lý": 1, "Đinh": 1, "Lò": 2, "Lường": 1, "Giàng": 2, "Sùng": 1,
    "Mùa": 1, "Triệu": 1,
}
HMONG_SURNAMES = {"Giàng", "Sùng", "Mùa"}

MALE_MIDDLE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Mạnh")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Kim", "Thùy", "Hồng", "Phương")
# A second middle name after "Thị" is common for women ("Nguyễn Thị Thu Hằng").
FEMALE_SECOND_MIDDLE = ("Thu", "Ngọc", "Thanh", "Kim", "Hồng", "Minh", "Thúy", "Lan")

MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long", "Minh",
    "Nam", "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Hoàng",
    "Thành", "Đông", "Hưng", "Lâm", "Tú", "Kiên", "Tùng", "Quyết", "Chiến", "Định", "Hậu", "Lực",
)
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Huyền", "Lan", "Linh",
    "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Thủy",
    "Vân", "Yến", "Hiền", "Liên", "Ly", "Thư", "Tâm", "Duyên", "Hòa", "Lệ", "Nhàn", "Xuân",
)
# Hmông men carry the middle name "A"; given names are often Hmông ones.
HMONG_MALE_GIVEN = ("Páo", "Sình", "Chứ", "Dế", "Lử", "Tủa", "Nhìa", "Chính", "Tông", "Thào")
HMONG_FEMALE_GIVEN = ("Mỷ", "Dua", "Máy", "Pằng", "Sua", "Chà", "Mai", "Dính")

USERNAME_MAX = 64


class Person(NamedTuple):
    full_name: str
    female: bool


class NameGenerator:
    """Draws people from a seeded random source, so the same seed always gives the same staff."""

    def __init__(self, seed: int):
        self._rng = random.Random(seed)
        self._surnames = list(SURNAMES)
        self._surname_weights = list(SURNAMES.values())

    def person(self, female_share: float = 0.5) -> Person:
        """One person; `female_share` skews roles that are mostly held by women or men."""
        rng = self._rng
        female = rng.random() < female_share
        surname = rng.choices(self._surnames, self._surname_weights)[0]
        if surname in HMONG_SURNAMES:
            middle = ["Thị" if female else "A"]
            pool = (HMONG_FEMALE_GIVEN if female else HMONG_MALE_GIVEN) if rng.random() < 0.6 else (
                FEMALE_GIVEN if female else MALE_GIVEN)
        else:
            middle = [rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)]
            if female and middle[0] == "Thị" and rng.random() < 0.3:
                middle.append(rng.choice(FEMALE_SECOND_MIDDLE))
            pool = FEMALE_GIVEN if female else MALE_GIVEN
        return Person(" ".join([surname, *middle, rng.choice(pool)]), female)


def fold_to_ascii(text: str) -> str:
    """Lower-case ASCII: diacritics dropped, đ read as d ("Đồng Tâm" -> "dong tam")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def username_stem(full_name: str) -> str:
    """Given name followed by the initials of the others, as Vietnamese offices do: "annv"."""
    *others, given = fold_to_ascii(full_name).split()
    return given + "".join(word[0] for word in others)


class UsernameRegistry:
    """Hands out usernames unique across the province, numbering repeats ("annv2.snv")."""

    def __init__(self):
        self._taken: set[str] = set()

    def reserve(self, username: str) -> None:
        """Keep a fixed account's name out of the generated ones."""
        if username in self._taken:
            raise ValueError(f"username reserved twice: {username}")
        self._taken.add(username)

    def claim(self, full_name: str, suffix: str) -> str:
        """A free username for this person in the agency whose slug is `suffix`."""
        stem = username_stem(full_name)
        candidate, number = f"{stem}.{suffix}", 1
        while candidate in self._taken:
            number += 1
            candidate = f"{stem}{number}.{suffix}"
        if len(candidate) > USERNAME_MAX:
            raise ValueError(f"username too long: {candidate}")
        self._taken.add(candidate)
        return candidate
