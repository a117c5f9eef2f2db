"""A real SoftHSM2 token holding one RSA key (session-wide: the module reads its configuration once per
process, so every test shares one token), and the operator's registration of that key for an agency."""
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from app.signing.demo_pki import ensure_demo_pki

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, USER_PIN = "lt-seal", "5678"


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory):
    """A fresh SoftHSM2 token holding one RSA key generated inside it; returns the key's public key."""
    if not Path(MODULE).exists():
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2; .ci/run installs it)")
    import pkcs11

    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    # The module reads its configuration when first loaded in this process: set before pkcs11.lib().
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", "1234", "--pin",
                    USER_PIN], check=True, capture_output=True)
    token = pkcs11.lib(MODULE).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=USER_PIN) as session:
        public, _private = session.generate_keypair(pkcs11.KeyType.RSA, 2048, label="con-dau", store=True)
        numbers = RSAPublicNumbers(int.from_bytes(public[pkcs11.Attribute.PUBLIC_EXPONENT], "big"),
                                   int.from_bytes(public[pkcs11.Attribute.MODULUS], "big"))
    return numbers.public_key()


def register_command(app, agency, public_key, tmp_path, monkeypatch) -> list[str]:
    """Certify the token's key for `agency` with the demo CA, point the app at the token; return the
    `flask signing register-token-key` arguments but --key."""
    pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
    certificate = pki.certify_organisation_key(agency.code, agency.name, public_key)
    certificate_file = tmp_path / "con-dau.pem"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    chain_file = tmp_path / "issuing.pem"
    chain_file.write_bytes((Path(app.config["PKI_DIR"]) / "issuing.pem").read_bytes())
    monkeypatch.setitem(app.config, "SIGNING_PKCS11_MODULE", MODULE)
    monkeypatch.setitem(app.config, "SIGNING_PKCS11_PIN", USER_PIN)
    return ["signing", "register-token-key", agency.code, "--token", TOKEN, "--certificate",
            str(certificate_file), "--chain", str(chain_file)]
