"""The DEMO PKI is made once per directory, reloaded from disk, and issues RSA-2048 signing certificates."""
import stat

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from app.signing import demo_pki as demo_pki_module
from app.signing.demo_pki import ensure_demo_pki
from app.signing.signer import SignerCredentials


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


def forget_loaded_pkis(monkeypatch):
    """Drop the in-process cache, so the next call reads the directory as a new worker process would."""
    monkeypatch.setattr(demo_pki_module, "_loaded", {})


def test_ensure_demo_pki_creates_the_authorities_once(tmp_path, monkeypatch):
    first = ensure_demo_pki(tmp_path / "pki")
    assert ensure_demo_pki(tmp_path / "pki") is first
    forget_loaded_pkis(monkeypatch)
    reloaded = ensure_demo_pki(tmp_path / "pki")
    assert reloaded is not first
    assert reloaded.trust_root.dump() == first.trust_root.dump()
    assert reloaded.ca_chain[0].dump() == first.ca_chain[0].dump()
    directory = tmp_path / "pki"
    for secret in ("root.key", "issuing.key", "passphrase"):
        assert mode_of(directory / secret) == 0o600, secret
    for public in ("root.pem", "issuing.pem", "root.crl", "issuing.crl", "README.txt"):
        assert (directory / public).is_file(), public


def test_issued_credentials_are_kept_and_reissued_only_when_the_subject_changes(tmp_path, monkeypatch):
    pki = ensure_demo_pki(tmp_path)
    office = "Văn phòng UBND tỉnh Yên Bái"
    first = pki.issue_person("tranthibinh", "Trần Thị Bình", office)
    assert first.pkcs12_path == tmp_path.resolve() / "people" / "tranthibinh.p12"
    assert mode_of(first.pkcs12_path) == 0o600
    assert pki.issue_person("tranthibinh", "Trần Thị Bình", office) is first

    forget_loaded_pkis(monkeypatch)
    reloaded = ensure_demo_pki(tmp_path).issue_person("tranthibinh", "Trần Thị Bình", office)
    assert reloaded.certificate.dump() == first.certificate.dump()

    renamed = ensure_demo_pki(tmp_path).issue_person("tranthibinh", "Trần Thị Bích", office)
    assert renamed.certificate.serial_number != first.certificate.serial_number
    assert renamed.subject_name == "Trần Thị Bích"


def test_person_certificate_profile(demo_pki, person):
    certificate = person.certificate
    assert certificate.public_key.bit_size == 2048
    assert certificate["signature_algorithm"].signature_algo == "rsassa_pkcs1v15"
    assert certificate["signature_algorithm"].hash_algo == "sha256"
    assert certificate.key_usage_value.native == {"digital_signature", "non_repudiation"}
    assert "key_usage" in certificate.critical_extensions
    assert not certificate.ca
    subject = {rdn[0]["type"].native: rdn[0]["value"] for rdn in certificate.subject.chosen}
    assert subject["common_name"].native == "Nguyễn Văn An"
    assert subject["organization_name"].native == "Sở Nội vụ tỉnh Yên Bái (DEMO)"
    assert subject["common_name"].name == subject["organization_name"].name == "utf8_string"
    assert certificate.issuer == demo_pki.ca_chain[0].subject
    root = demo_pki.trust_root
    assert root.self_signed == "maybe" and "DEMO" in root.subject.native["common_name"]


def test_organisation_certificate_names_the_agency(organisation):
    subject = organisation.certificate.subject.native
    assert subject["common_name"] == "Sở Nội vụ tỉnh Yên Bái"
    assert subject["organization_name"] == "Sở Nội vụ tỉnh Yên Bái (DEMO)"
    assert subject["organization_identifier"] == "000.00.31.H61"
    assert organisation.pkcs12_path.parent.name == "agencies"


def test_crls_are_empty_and_signed_by_each_ca(demo_pki):
    crls = demo_pki.crls()
    assert [c.issuer for c in crls] == [demo_pki.trust_root.subject, demo_pki.ca_chain[0].subject]
    assert all(len(c["tbs_cert_list"]["revoked_certificates"]) == 0 for c in crls)


def test_pkcs12_file_needs_the_install_passphrase(demo_pki, person):
    data = person.pkcs12_path.read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, b"wrong passphrase")
    passphrase = (demo_pki.directory / "passphrase").read_bytes().strip()
    loaded = SignerCredentials.from_pkcs12(data, passphrase)
    assert loaded.certificate.dump() == person.certificate.dump()


@pytest.mark.parametrize("username", ["../evil", "", ".hidden", "a/b"])
def test_usernames_that_are_not_file_names_are_refused(demo_pki, username):
    with pytest.raises(ValueError):
        demo_pki.issue_person(username, "Kẻ Gian", "Không rõ")


def test_credentials_left_from_an_earlier_pki_are_reissued(tmp_path, monkeypatch):
    first = ensure_demo_pki(tmp_path).issue_organisation("H61", "UBND tỉnh Yên Bái")
    (tmp_path / "root.pem").unlink()  # a new generation: new authorities and a new passphrase
    forget_loaded_pkis(monkeypatch)
    regenerated = ensure_demo_pki(tmp_path)
    again = regenerated.issue_organisation("H61", "UBND tỉnh Yên Bái")
    assert again.certificate.serial_number != first.certificate.serial_number
    assert again.certificate.issuer == regenerated.ca_chain[0].subject


def test_crls_are_signed_again_before_they_run_out(tmp_path, monkeypatch):
    pki = ensure_demo_pki(tmp_path)
    [root_crl, _issuing_crl] = pki.crls()
    first_next_update = root_crl["tbs_cert_list"]["next_update"].native
    later = demo_pki_module._now() + demo_pki_module.CRL_LIFETIME - demo_pki_module.CRL_REFRESH_BEFORE
    monkeypatch.setattr(demo_pki_module, "_now", lambda: later)
    [renewed_root_crl, _] = pki.crls()
    assert renewed_root_crl["tbs_cert_list"]["next_update"].native > first_next_update
    assert (tmp_path / "root.crl").read_bytes() == renewed_root_crl.dump()


def test_a_revocation_made_by_another_process_is_seen_at_once(tmp_path, monkeypatch):
    web = ensure_demo_pki(tmp_path)
    person = web.issue_person("nguoiky", "Người Ký", "Sở Thử")
    assert all(len(crl["tbs_cert_list"]["revoked_certificates"]) == 0 for crl in web.crls())
    forget_loaded_pkis(monkeypatch)
    command = ensure_demo_pki(tmp_path)  # the same directory loaded by another process (a command, a worker)
    assert command is not web
    command.revoke(person.certificate)
    [_root_crl, issuing_crl] = web.crls()
    assert [entry["user_certificate"].native for entry in issuing_crl["tbs_cert_list"]["revoked_certificates"]] == [
        person.certificate.serial_number]
