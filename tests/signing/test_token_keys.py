"""An agency seal key inside a PKCS#11 token (a real SoftHSM2 token): registered, then sealing outgoing documents."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.documents.models import Document
from app.signing.keystore import active_agency_credential
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures

from ..documents.outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft
from .token_setup import TOKEN, register_command


def test_a_token_key_registered_by_the_operator_seals_outgoing_documents(app, db, make, deployed, softhsm_token,
                                                                        tmp_path, monkeypatch):
    sender = make_sender(app, make)
    base = register_command(app, sender.agency, softhsm_token, tmp_path, monkeypatch)
    db.session.commit()  # the command rolls back its own failures: keep the setup out of their reach
    runner = app.test_cli_runner()

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


def test_a_token_key_signs_edxml_packages_without_leaving_the_token(app, db, make, softhsm_token, tmp_path,
                                                                     monkeypatch):
    from app.exchange.edxml import build_package
    from app.exchange.edxml.signature import sign_package_with_agency_key, verify_signature
    from app.signing.demo_pki import ensure_demo_pki

    from ..exchange.edxml.samples import full_package

    agency = make.agency()
    base = register_command(app, agency, softhsm_token, tmp_path, monkeypatch)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=[*base, "--key", "con-dau"]).exit_code == 0
    signed = sign_package_with_agency_key(build_package(full_package()), agency.id, app.config)
    pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
    verdict = verify_signature(signed, trust_roots=[pki.trust_root], crls=pki.crls())
    assert (verdict.verdict, verdict.signer_name) == ("valid", agency.name)
    assert b"rsa-sha256" in signed
