"""Names are prepared for comparison once per process, with the same keys and answers as asn1crypto's own."""
import pytest
from asn1crypto import x509

from app.signing import name_keys, validation
from app.signing.pades import sign_pdf
from app.signing.validation import validate_pdf_signatures

from ..call_count import count_calls


@pytest.fixture
def asn1crypto_alone(monkeypatch):
    """Put asn1crypto's own preparation and key back (for the test's duration) and return a way to undo it."""
    def restore():
        monkeypatch.setattr(x509.NameTypeAndValue, "_ldap_string_prep", name_keys._asn1crypto_prep)
        monkeypatch.setattr(x509.Name, "hashable", property(lambda name: name_keys._asn1crypto_hashable(name.chosen)))
        monkeypatch.setattr(x509.Name, "__eq__", name_keys._asn1crypto_equal)
    return restore


def _multi_valued(*pairs) -> x509.Name:
    """A name of one RDN holding several attributes."""
    rdn = x509.RelativeDistinguishedName([x509.NameTypeAndValue({
        "type": kind, "value": x509.DirectoryString(name="utf8_string", value=value)})
                                          for kind, value in pairs])
    return x509.Name(name="", value=x509.RDNSequence([rdn]))


def _names(person, organisation, demo_pki, trust) -> list[x509.Name]:
    """The person's subject and its respelling, a PrintableString name and its UTF8String respelling, then
    the seal's subject, the CAs' names, a name too long to keep, and multi-valued RDNs (one attribute
    repeated, the same attributes in another order)."""
    subject = person.certificate.subject.native
    names = [person.certificate.subject,
             x509.Name.build({key: f"  {value.upper()}  " if key == "common_name" else value
                              for key, value in subject.items()}),
             x509.Name.build({"common_name": "Nguyen  Van An", "country_name": "VN"}, use_printable=True),
             x509.Name.build({"common_name": " NGUYEN van an", "country_name": "VN"}),
             organisation.certificate.subject, person.certificate.issuer, demo_pki.trust_root.subject,
             *(crl.issuer for crl in trust["crls"]),
             x509.Name.build({"common_name": "x" * (name_keys.MAX_KEPT_LENGTH + 1)}),
             _multi_valued(("common_name", "An"), ("common_name", "An")), _multi_valued(("common_name", "An")),
             _multi_valued(("common_name", "An"), ("organization_name", "Sở")),
             _multi_valued(("organization_name", "SỞ"), ("common_name", " an"))]
    return [x509.Name.load(name.dump()) for name in names]  # fresh objects: no memo of asn1crypto's own


def test_installed_for_asn1crypto():
    """Importing validation (the app does at start) installs it."""
    assert validation.name_keys is name_keys
    assert x509.Name.hashable.fget is name_keys.name_hashable
    assert x509.NameTypeAndValue._ldap_string_prep is name_keys._string_prep
    assert x509.Name.__eq__ is name_keys.names_equal


def test_same_keys_and_equality_as_asn1crypto_alone(person, organisation, demo_pki, trust, asn1crypto_alone):
    kept = [(name.hashable, [name == other for other in _names(person, organisation, demo_pki, trust)])
            for name in _names(person, organisation, demo_pki, trust)]
    again = [name.hashable for name in _names(person, organisation, demo_pki, trust)]  # now from the caches
    asn1crypto_alone()
    alone = [(name.hashable, [name == other for other in _names(person, organisation, demo_pki, trust)])
             for name in _names(person, organisation, demo_pki, trust)]
    assert kept == alone and again == [key for key, _equal in alone]
    # Respelled names equal the originals (case, spaces, PrintableString or UTF8String); the seal's does not.
    assert kept[0][1][1] and kept[2][1][3] and not kept[0][1][4]
    assert not kept[-4][1][-3] and kept[-4][0] == kept[-3][0] and kept[-2][1][-1]


def test_a_name_that_cannot_be_prepared_raises_every_time_as_before():
    private_use = x509.Name.build({"country_name": "VN", "common_name": "Sở \ue000 Nội vụ"})
    other_country = x509.Name.build({"country_name": "LA", "common_name": "Sở Nội vụ"})
    for _ in range(2):
        with pytest.raises(ValueError, match="private use"):
            x509.Name.load(private_use.dump()).hashable
        with pytest.raises(ValueError, match="private use"):
            x509.Name.load(private_use.dump()) == private_use
        # asn1crypto stops at the first RDN that differs, before the value it cannot prepare.
        assert x509.Name.load(private_use.dump()) != other_country
        assert name_keys._asn1crypto_equal(x509.Name.load(private_use.dump()), other_country) is False


def test_a_second_validation_prepares_no_name_again(make_pdf, person, organisation, trust, monkeypatch):
    pdf = sign_pdf(sign_pdf(make_pdf("Cong van"), person), organisation, field_name="Signature2")
    name_keys._prepared.cache_clear()
    name_keys._forms_of.cache_clear()
    prepared = count_calls(monkeypatch, name_keys, "_asn1crypto_prep")
    keyed = count_calls(monkeypatch, name_keys, "_asn1crypto_hashable")
    compared = count_calls(monkeypatch, name_keys, "_asn1crypto_equal")

    first = validate_pdf_signatures(pdf, **trust)
    counts = len(prepared), len(keyed)
    second = validate_pdf_signatures(pdf, **trust)

    assert [v.verdict for v in first] == ["valid", "valid"] and second == first
    assert counts[0] > 0 and counts[1] > 0
    assert (len(prepared), len(keyed)) == counts  # the same names, parsed afresh, are not prepared again
    assert compared == []  # and are compared by their kept forms
