"""asn1crypto's comparison forms of names, computed once per distinct name a process meets.

pyHanko's certificate validator files and finds certificates and CRLs by `Name.hashable`, and compares
names with `==` (issuer lookup, CRL scope); both run RFC 4518 string preparation over every attribute and
walk every attribute again at every call. asn1crypto's only memo sits on the parsed object, and every
validation parses the signer's, the CA's and the timestamp authority's certificates afresh from the PDF,
so the same Vietnamese names were prepared again for every signature of every document. The prepared form
of a string and the comparison forms of a name are pure functions of the string and of the name's DER
encoding, so they are kept in small bounded caches keyed by that whole input. Whatever they cannot compute
(a name that does not parse, a value RFC 4518 prohibits) asn1crypto computes as before, errors included.
"""
from functools import lru_cache
from typing import NamedTuple

from asn1crypto import x509

# An agency name, a person's or an authority's takes a few hundred bytes; a larger one (an odd or hostile
# certificate in an upload) is prepared as before without being kept, so the caches stay small.
MAX_KEPT_LENGTH = 1024
KEPT_NAMES = 1024
KEPT_STRINGS = 4096

_asn1crypto_prep = x509.NameTypeAndValue._ldap_string_prep
_asn1crypto_hashable = x509.RDNSequence.hashable.fget
_asn1crypto_equal = x509.Name.__eq__


def _string_prep(ntv: x509.NameTypeAndValue, string: str) -> str:
    """RFC 4518 string preparation of one attribute value, as asn1crypto does it."""
    if len(string) > MAX_KEPT_LENGTH:
        return _asn1crypto_prep(ntv, string)
    return _prepared(string)


@lru_cache(maxsize=KEPT_STRINGS)
def _prepared(string: str) -> str:
    return _asn1crypto_prep(None, string)  # asn1crypto's method never reads its instance


class _Forms(NamedTuple):
    hashable: str
    # What asn1crypto's RFC 5280 equality compares, RDN by RDN: the number of attributes and the prepared
    # value of each attribute type (a repeated type keeps its last value, as asn1crypto's comparison does).
    equality: tuple


def name_hashable(name: x509.Name) -> str:
    """`name.hashable`, the same string asn1crypto computes, from the name's DER encoding."""
    forms = _forms(name)
    return forms.hashable if forms is not None else _asn1crypto_hashable(name.chosen)


def names_equal(name: x509.Name, other) -> bool:
    """`name == other` (RFC 5280 name matching), the same answer asn1crypto gives."""
    if not isinstance(other, x509.Name):
        return False
    forms, other_forms = _forms(name), _forms(other)
    if forms is None or other_forms is None:
        return _asn1crypto_equal(name, other)
    return forms.equality == other_forms.equality


def _forms(name: x509.Name) -> _Forms | None:
    try:
        encoded = name.chosen.dump()
        return _forms_of(encoded) if len(encoded) <= MAX_KEPT_LENGTH else None
    except Exception:  # not kept: asn1crypto's own code answers (or raises) as it always did
        return None


@lru_cache(maxsize=KEPT_NAMES)
def _forms_of(encoded: bytes) -> _Forms:
    sequence = x509.RDNSequence.load(encoded)
    equality = tuple((len(rdn), tuple(sorted(rdn._get_values(rdn).items()))) for rdn in sequence)
    return _Forms(_asn1crypto_hashable(sequence), equality)


def install() -> None:
    """Make asn1crypto's names (so pyHanko's validator) use the kept comparison forms."""
    x509.NameTypeAndValue._ldap_string_prep = _string_prep
    x509.Name.hashable = property(name_hashable)
    x509.Name.__eq__ = names_equal
