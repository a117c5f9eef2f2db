"""pyHanko's issuer-and-serial match, with the cheap checks first and the same answers.

pyHanko matches a certificate to a signer identifier (every CMS it reads: each signature, each timestamp
token) and to the signing-certificate attribute by comparing issuer names first. Its byte-for-byte shortcut
never fires for the attribute (the name there is wrapped in an explicit tag, so its bytes always differ), and
for every other certificate of the CMS the names differ anyway: each of those comparisons ran RFC 4518
string preparation over Vietnamese names, the largest certificate cost of issuing an outgoing document.
Here the serial numbers are compared first (a mismatch is a mismatch either way), then the names' bytes
without the tag, and only then, as before, RFC 5280 name matching.
"""
from asn1crypto import x509
from pyhanko.sign import general

_pyhanko_match = general.match_issuer_serial


def match_issuer_serial(expected_issuer_serial, cert: x509.Certificate) -> bool:
    """True when `cert` has the issuer and serial number of `expected_issuer_serial`, as pyHanko judges it."""
    if expected_issuer_serial["serial_number"] != cert["tbs_certificate"]["serial_number"]:
        return False
    expected_issuer = expected_issuer_serial["issuer"]
    if isinstance(expected_issuer, x509.GeneralNames):
        if len(expected_issuer) != 1 or expected_issuer[0].name != "directory_name":
            return False
        expected_issuer = expected_issuer[0].chosen
    try:
        same_bytes = expected_issuer.chosen.dump() == cert.issuer.chosen.dump()
    except ValueError:  # an unparsable name: pyHanko's own match says what it says about it
        same_bytes = False
    return same_bytes or _pyhanko_match(expected_issuer_serial, cert)


def install() -> None:
    """Make pyHanko's signer lookup and signing-certificate check use `match_issuer_serial`."""
    general.match_issuer_serial = match_issuer_serial
