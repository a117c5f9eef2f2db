"""The issuer-and-serial match answers as pyHanko's own does, for every certificate a signature carries."""
import pytest
from asn1crypto import cms, tsp, x509
from pyhanko.sign import general

from app.signing import issuer_serial, validation


def _certificates(person, demo_pki):
    return [person.certificate, *person.ca_chain, demo_pki.trust_root]


def _signer_identifier(certificate) -> cms.IssuerAndSerialNumber:
    return cms.IssuerAndSerialNumber({"issuer": certificate.issuer, "serial_number": certificate.serial_number})


def _ess_issuer_serial(certificate) -> tsp.IssuerSerial:
    """As in a signing-certificate attribute: the issuer wrapped in GeneralNames (an explicit tag)."""
    return general.as_signing_certificate_v2(certificate)["certs"][0]["issuer_serial"]


def test_installed_for_pyhanko():
    """Importing validation (the app does at start) installs it."""
    assert validation.issuer_serial is issuer_serial
    assert general.match_issuer_serial is issuer_serial.match_issuer_serial


@pytest.mark.parametrize("identify", [_signer_identifier, _ess_issuer_serial])
def test_same_answer_as_pyhanko_for_each_certificate(identify, person, organisation, demo_pki):
    expected = identify(person.certificate)
    for certificate in _certificates(person, demo_pki) + [organisation.certificate]:
        assert issuer_serial.match_issuer_serial(expected, certificate) == issuer_serial._pyhanko_match(
            expected, certificate)
    assert issuer_serial.match_issuer_serial(expected, person.certificate)
    assert not issuer_serial.match_issuer_serial(expected, organisation.certificate)


def test_same_serial_other_issuer_does_not_match(person):
    other_issuer = x509.Name.build({"common_name": "Không phải CA này", "organization_name": "Khác"})
    expected = cms.IssuerAndSerialNumber({"issuer": other_issuer, "serial_number": person.certificate.serial_number})
    assert not issuer_serial.match_issuer_serial(expected, person.certificate)
    assert not issuer_serial._pyhanko_match(expected, person.certificate)


def test_equal_name_in_another_encoding_still_matches(person):
    """RFC 5280 matching (case, spaces, PrintableString vs UTF8String) stays: bytes are only a shortcut."""
    issuer = person.certificate.issuer.native
    respelled = x509.Name.build({key: f"  {value.upper()} " if key == "common_name" else value
                                 for key, value in issuer.items()}, use_printable=False)
    assert respelled.dump() != person.certificate.issuer.dump()
    expected = cms.IssuerAndSerialNumber({"issuer": respelled, "serial_number": person.certificate.serial_number})
    assert issuer_serial.match_issuer_serial(expected, person.certificate)
    assert issuer_serial._pyhanko_match(expected, person.certificate)
