"""Vietnamese order: the Python key and both databases agree with the alphabet and CLDR's tone order."""
import random
import unicodedata

from sqlalchemy import Column, MetaData, String, Table, select

from app.vietnamese_order import vietnamese, vietnamese_sort_key

# The alphabet with each vowel's tones (none, huyền, hỏi, ngã, sắc, nặng), then names seen in lists.
# This is the order of ICU's "vi" collation, which PostgreSQL's "vi-VN-x-icu" applies.
VIETNAMESE_ORDER = [
    "12 Điều", "2 Anh",
    "a", "A", "à", "ả", "ã", "á", "ạ", "a b", "a-b", "aà", "àa", "ab", "An",
    "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "ăn", "Ăn", "â", "ầ", "ẩ", "ẫ", "ấ", "ậ", "Ân",
    "b", "c", "Ca Màu", "Cà Mau", "d", "đ", "Đ", "Đà Nẵng", "Đinh", "e", "è", "ê", "ế", "Foo", "g", "h",
    "i", "ì", "Jan", "k", "l", "m", "n", "Nghệ", "Ngô", "Nguyễn Thị Ánh", "Nguyễn Văn A", "Nguyễn Văn Á",
    "Nguyễn Vân", "Nhà", "o", "ò", "ô", "ồ", "ơ", "ờ", "p", "Phòng", "Phòng Cải", "Phòng Cải cách",
    "Phòng Công chức", "q", "r", "s", "Sở Nội vụ", "Sở Nông nghiệp", "Sở Y tế", "t", "u", "ù",
    "UBND tỉnh", "Uỷ ban", "Ùy ban", "Ủy ban", "ư", "ừ", "v", "Vũ", "William", "x", "y", "ỳ", "Zoe",
]


def _shuffled(words, seed=15):
    mixed = list(words)
    random.Random(seed).shuffle(mixed)
    return mixed


def _database_order(db, words) -> list[str]:
    """The words as the database orders them, from a temporary table that the rollback drops."""
    table = Table("vietnamese_words", MetaData(), Column("word", String(20)), prefixes=["TEMPORARY"])
    connection = db.session.connection()
    table.create(connection)
    connection.execute(table.insert(), [{"word": word} for word in words])
    return list(connection.scalars(select(table.c.word).order_by(vietnamese(table.c.word))))


def test_key_sorts_the_word_list_in_vietnamese_order():
    assert sorted(_shuffled(VIETNAMESE_ORDER), key=vietnamese_sort_key) == VIETNAMESE_ORDER
    assert sorted(["Vũ", "Đinh", "Phòng Công chức", "Phòng Cải cách"], key=vietnamese_sort_key) == [
        "Đinh", "Phòng Cải cách", "Phòng Công chức", "Vũ"]


def test_key_ignores_unicode_normalisation_form():
    decomposed = unicodedata.normalize("NFD", "Ủy ban")
    assert vietnamese_sort_key(decomposed)[:3] == vietnamese_sort_key("Ủy ban")[:3]
    assert vietnamese_sort_key(None) == vietnamese_sort_key("")


def test_database_orders_the_word_list_in_vietnamese_order(db):
    assert _database_order(db, _shuffled(VIETNAMESE_ORDER)) == VIETNAMESE_ORDER


def test_database_and_key_agree_on_random_strings(db):
    """Letters, tones, case, digits, spaces and punctuation mixed at random: one order everywhere."""
    rng = random.Random(2026)
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz  _-,;:!?.'\"()[]/&#%+<=>$0123456789"
    tones = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]

    def word():
        chars = []
        for _ in range(rng.randint(1, 5)):
            char = rng.choice(letters)
            if char in "aăâeêioôơuưy":
                char = unicodedata.normalize("NFC", char + rng.choice(tones))
            chars.append(char.upper() if rng.random() < 0.3 else char)
        return "".join(chars)

    words = sorted({word() for _ in range(1500)})
    assert _database_order(db, words) == sorted(words, key=vietnamese_sort_key)
