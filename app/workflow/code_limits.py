"""Size limits for designers' code: an operation whose result can outgrow its operands is measured first.

A huge power (7 ** (3 * 7 ** 8)) or repetition ('a' * 10**9) is ONE operation in C: the scripts' time
guard, a tracer, only runs between operations, and while the operation runs it holds the GIL, so every
other request of the server waits. These functions estimate the result's size from the operands and
refuse before computing. Scripts (script_policy rewrites the operators into calls to them) and
instruction templates (instructions.py intercepts the same operators) share them.
"""
import math
import operator
import re

MAX_INT_BITS = 10_000  # ≈ 3,000 decimal digits; Python will not print more than 4,300 anyway
MAX_SIZE = 1_000_000  # characters of a text or items of a list, counted through nested values
MAX_WIDTH = 1_000  # padding width or precision in a format
MAX_RANGE = 1_000  # RestrictedPython's own limit for range() in scripts
MAX_ROUND_DIGITS = 400  # beyond a float's 17 digits rounding changes nothing; int rounding builds 10**n

_TEXTS = (str, bytes, bytearray)
_SEQUENCES = (str, bytes, bytearray, list, tuple)
# %-format conversions: flags, width, precision (a `*` takes them from the arguments).
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
# A str.format spec's width and precision: the digit runs after fill/align/sign.
_FORMAT_NUMBERS = re.compile(r"(\d+)")


class ScriptPolicyError(Exception):
    """A script or expression uses something the sandbox forbids, is too long, or would grow too large."""


def _refuse(what: str):
    raise ScriptPolicyError(f"Phép tính bị từ chối vì quá lớn: {what}.")


def _is_int(value) -> bool:
    return isinstance(value, int)


def size_of(value, limit: int = MAX_SIZE) -> int:
    """Characters and items in `value`, through nested lists and dicts; stops counting once past `limit`."""
    if isinstance(value, _TEXTS):  # the common case, without the walk
        return len(value)
    total, pending = 0, [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, _TEXTS):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            if total <= limit:
                pending.extend(item.keys())
                pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item)
            if total <= limit:
                pending.extend(item)
        else:
            total += 1
    return total


def check_size(value, what: str = "giá trị"):
    """Refuse `value` when turning it into text would pass MAX_SIZE characters."""
    if size_of(value) > MAX_SIZE:
        _refuse(f"{what} quá lớn (hơn {MAX_SIZE:,} ký tự hoặc phần tử)")
    return value


def _check_int_bits(bits: float, what: str):
    if bits > MAX_INT_BITS:
        _refuse(f"{what} cho kết quả khoảng {int(bits):,} bit (tối đa {MAX_INT_BITS:,})")


def _check_power(base, exponent):
    if _is_int(base) and _is_int(exponent) and exponent > 1 and abs(base) > 1:
        # log2 works on ints of any size; the estimate is what the result would take, before computing it.
        _check_int_bits(exponent * math.log2(abs(base)), "lũy thừa")


def _check_multiply(a, b):
    if _is_int(a) and _is_int(b):
        _check_int_bits(a.bit_length() + b.bit_length(), "phép nhân")
    elif isinstance(a, _SEQUENCES) and _is_int(b):
        _check_repeat(a, b)
    elif isinstance(b, _SEQUENCES) and _is_int(a):
        _check_repeat(b, a)


def _check_repeat(sequence, count: int):
    if count > 1 and size_of(sequence, MAX_SIZE // count) * count > MAX_SIZE:
        _refuse(f"lặp chuỗi/danh sách {count:,} lần cho kết quả hơn {MAX_SIZE:,} ký tự hoặc phần tử")


def _check_lshift(a, b):
    if _is_int(a) and _is_int(b) and a and b > 0:
        _check_int_bits(a.bit_length() + b, "phép dịch bit")


def _check_add(a, b):
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_SIZE:
        _refuse(f"nối chuỗi/danh sách cho kết quả hơn {MAX_SIZE:,} ký tự hoặc phần tử")


def check_format_width(width: str | None, what: str = "định dạng"):
    """Refuse a padding width or precision taken from the arguments (`*`) or above MAX_WIDTH."""
    if width == "*":
        _refuse(f"{what} lấy độ rộng từ tham số (*)")
    if width and int(width) > MAX_WIDTH:
        _refuse(f"{what} có độ rộng {int(width):,} (tối đa {MAX_WIDTH:,})")


def check_format_spec(spec: str):
    """Refuse a str.format / f-string spec whose width or precision passes MAX_WIDTH."""
    if "{" in (spec or ""):
        _refuse("định dạng lấy độ rộng từ tham số ({...} lồng nhau)")
    for number in _FORMAT_NUMBERS.findall(spec or ""):
        check_format_width(number, "định dạng")


def _check_modulo(a, b):
    if isinstance(a, _TEXTS):
        text = a if isinstance(a, str) else a.decode("latin-1")
        for width, precision in _PERCENT_SPEC.findall(text):
            check_format_width(width, "định dạng %")
            check_format_width(precision, "định dạng %")
        check_size(b, "tham số định dạng")


def format_value(value, conversion: int, spec: str):
    """One {...} of an f-string: the value measured, converted (!s, !r, !a) and formatted."""
    check_format_spec(spec)
    check_size(value, "giá trị trong f-string")
    if conversion != -1:
        value = {115: str, 114: repr, 97: ascii}[conversion](value)
    return format(value, spec)


def _guarded(check, compute):
    def guarded(a, b):
        check(a, b)
        return compute(a, b)
    guarded.__name__ = compute.__name__
    return guarded


# The operators a designer's code runs through these checks; the others cannot outgrow their operands.
BINARY = {
    "+": _guarded(_check_add, operator.add), "*": _guarded(_check_multiply, operator.mul),
    "**": _guarded(_check_power, operator.pow), "<<": _guarded(_check_lshift, operator.lshift),
    "%": _guarded(_check_modulo, operator.mod),
}
# Augmented assignment keeps Python's in-place meaning (a list shared elsewhere is extended, not copied).
INPLACE = {
    "+=": _guarded(_check_add, operator.iadd), "*=": _guarded(_check_multiply, operator.imul),
    "**=": _guarded(_check_power, operator.ipow), "<<=": _guarded(_check_lshift, operator.ilshift),
    "%=": _guarded(_check_modulo, operator.imod), "-=": operator.isub, "/=": operator.itruediv,
    "//=": operator.ifloordiv, ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior,
    "^=": operator.ixor,
}


def bounded_pow(base, exponent, modulus=None):
    """pow() with the power's size checked; with a modulus the exponent and modulus are bounded instead."""
    if modulus is None:
        return BINARY["**"](base, exponent)
    if _is_int(exponent) and _is_int(modulus):
        _check_int_bits(max(exponent.bit_length(), modulus.bit_length()), "lũy thừa theo môđun")
    return pow(base, exponent, modulus)


def bounded_range(*args):
    """range() of at most MAX_RANGE numbers."""
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:  # longer than the machine can even count
        count = MAX_RANGE + 1
    if count > MAX_RANGE:
        _refuse(f"range() có {'hơn ' if count == MAX_RANGE + 1 else ''}{count:,} số (tối đa {MAX_RANGE:,})")
    return numbers


def bounded_round(number, ndigits=None):
    """round() refusing a digit count whose power of ten would be huge (round(1, -10**8))."""
    if _is_int(ndigits) and abs(ndigits) > MAX_ROUND_DIGITS:
        _refuse(f"round() với {ndigits:,} chữ số (tối đa {MAX_ROUND_DIGITS})")
    return round(number) if ndigits is None else round(number, ndigits)


def bounded_sum(iterable, start=0):
    """sum() of numbers: adding lists with sum() copies the growing list at every step."""
    if not isinstance(start, (int, float, complex)):
        _refuse("sum() chỉ cộng các số; hãy nối danh sách bằng +")
    return sum(iterable, start)


def bounded_repr(value) -> str:
    """repr() of a value whose text stays under MAX_SIZE characters."""
    return repr(check_size(value, "giá trị cần đổi thành chuỗi"))


class _TextType(type):
    # `str` stays usable as a type (isinstance(x, str), str.upper) while str(x) is measured first.
    def __instancecheck__(cls, value):
        return isinstance(value, str)

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, str)

    def __getattr__(cls, name):
        if name in ("format", "format_map"):  # what safer_getattr refuses on the real str type
            raise ScriptPolicyError("Không được dùng str.format (hãy dùng f-string hoặc %).")
        return getattr(str, name)

    def __call__(cls, value="", *args):
        return str(value, *args) if args else str(check_size(value, "giá trị cần đổi thành chuỗi"))


class bounded_str(metaclass=_TextType):  # noqa: N801  (stands in for the builtin `str`)
    """str() whose result stays under MAX_SIZE characters."""


def _check_width(text, name, width, *_args):
    if _is_int(width) and width > MAX_SIZE:
        _refuse(f"{name}() với độ rộng {width:,} (tối đa {MAX_SIZE:,})")


def _check_expandtabs(text, name, tabsize=8):
    tabs = text.count("\t" if isinstance(text, str) else b"\t")
    if _is_int(tabsize) and len(text) + tabs * tabsize > MAX_SIZE:
        _refuse(f"expandtabs() cho chuỗi hơn {MAX_SIZE:,} ký tự")


def _check_replace(text, name, old, new, count=-1):
    found = (len(text) + 1) if not old else text.count(old)
    found = found if count is None or count < 0 else min(found, count)
    if len(text) + found * max(len(new) - len(old), 0) > MAX_SIZE:
        _refuse(f"replace() cho chuỗi hơn {MAX_SIZE:,} ký tự")


def _check_translate(text, name, table):
    values = table.values() if isinstance(table, dict) else ()
    if len(text) * max((len(v) for v in values if isinstance(v, _TEXTS)), default=1) > MAX_SIZE:
        _refuse(f"translate() cho chuỗi hơn {MAX_SIZE:,} ký tự")


_TEXT_CHECKS = {"center": _check_width, "ljust": _check_width, "rjust": _check_width, "zfill": _check_width,
                "expandtabs": _check_expandtabs, "replace": _check_replace, "translate": _check_translate}


def check_text_method(text, name: str, *args):
    """Refuse text.name(*args) (center, ljust, replace, ...) when its result would pass MAX_SIZE."""
    _TEXT_CHECKS[name](text, name, *args)


def _bounded_join(separator, join):
    def bounded(iterable):
        items = list(iterable)
        total = sum(len(item) for item in items if isinstance(item, _TEXTS)) + len(separator) * len(items)
        if total > MAX_SIZE:
            _refuse(f"join() cho chuỗi hơn {MAX_SIZE:,} ký tự")
        return join(items)
    return bounded


def _bounded_method(text, name, method):
    check = _TEXT_CHECKS[name]

    def bounded(*args, **kwargs):
        check(text, name, *args, **kwargs)
        return method(*args, **kwargs)
    return bounded


def _bounded_extend(owner, extend):
    def bounded(iterable):
        items = list(iterable)
        _check_add(owner, items)
        return extend(items)
    return bounded


def _bounded_to_bytes(to_bytes):
    def bounded(length=1, *args, **kwargs):
        if _is_int(length) and length > MAX_SIZE:
            _refuse(f"to_bytes() dài {length:,} byte (tối đa {MAX_SIZE:,})")
        return to_bytes(length, *args, **kwargs)
    return bounded


def bounded_attribute(owner, name: str, value):
    """`value` (owner.name) itself, or a wrapper that measures the result first for the methods that can grow."""
    if isinstance(owner, _TEXTS):
        if name == "join":
            return _bounded_join(owner, value)
        return _bounded_method(owner, name, value) if name in _TEXT_CHECKS else value
    if name == "extend" and isinstance(owner, list):
        return _bounded_extend(owner, value)
    if name == "to_bytes" and _is_int(owner):
        return _bounded_to_bytes(value)
    return value
