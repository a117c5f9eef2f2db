"""An agency seal key inside a PKCS#11 token (a real SoftHSM2 token): registered, then sealing outgoing documents."""
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
from sqlalchemy import select

from app.documents.models import Document
from app.signing.demo_pki import ensure_demo_pki
from app.signing.keystore import active_agency_credential
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures

from ..documents.outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft

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


def test_a_token_key_registered_by_the_operator_seals_outgoing_documents(app, db, make, deployed, softhsm_token,
                                                                        tmp_path, monkeypatch):
    sender = make_sender(app, make)
    pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
    certificate = pki.certify_organisation_key(sender.agency.code, sender.agency.name, softhsm_token)
    certificate_file = tmp_path / "con-dau.pem"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    chain_file = tmp_path / "issuing.pem"
    chain_file.write_bytes((Path(app.config["PKI_DIR"]) / "issuing.pem").read_bytes())
    monkeypatch.setitem(app.config, "SIGNING_PKCS11_MODULE", MODULE)
    monkeypatch.setitem(app.config, "SIGNING_PKCS11_PIN", USER_PIN)
    db.session.commit()  # the command rolls back its own failures: keep the setup out of their reach
    runner = app.test_cli_runner()
    base = ["signing", "register-token-key", sender.agency.code, "--token", TOKEN, "--certificate",
            str(certificate_file), "--chain", str(chain_file)]

    wrong_key = runner.invoke(args=[*base, "--key", "khong-co"])
    assert wrong_key.exit_code != 0 and "Không ký thử được bằng khóa khong-co" in wrong_key.output
    registered = runner.invoke(args=[*base, "--key", "con-dau"])
    assert registered.exit_code == 0, registered.output
    stored = active_agency_credential(sender.agency.id)
    assert (stored.pkcs11_token, stored.pkcs11_key, stored.pkcs12) == (TOKEN, "con-dau", None)

    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    pdf = Path(app.config["FILES_DIR"], document.main_file.sha256[:2], document.main_file.sha256).read_bytes()
    verdicts = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                       crls=crls_from_config(app.config))
    assert [v.verdict for v in verdicts] == ["valid", "valid"] and document.number == "01"

    monkeypatch.setitem(app.config, "SIGNING_PKCS11_PIN", "0000")  # the token refuses the server's login
    other = start_draft(app, db, sender, subject="Văn bản thứ hai")
    approve_reviews(app, db, sender, other)
    sign(app, db, sender, other)
    with pytest.raises(Exception, match="Không kết nối được thiết bị ký số"):
        issue(app, db, sender, other)
