"""Validation trusts exactly the configured roots: SIGNING_TRUST_ROOTS files and, if enabled, the demo one."""
import pytest

from app.signing.pades import sign_pdf
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures


def test_demo_root_is_trusted_only_when_enabled(demo_pki):
    enabled = {"SIGNING_TRUST_ROOTS": [], "PKI_DIR": str(demo_pki.directory), "TRUST_DEMO_PKI": True}
    assert [r.dump() for r in trust_roots_from_config(enabled)] == [demo_pki.trust_root.dump()]
    assert len(crls_from_config(enabled)) == 2
    disabled = dict(enabled, TRUST_DEMO_PKI=False)
    assert trust_roots_from_config(disabled) == [] and crls_from_config(disabled) == []


def test_roots_are_read_from_pem_and_der_files(demo_pki, person, make_pdf, tmp_path):
    pem = tmp_path / "root.pem"
    pem.write_bytes((demo_pki.directory / "root.pem").read_bytes())
    der = tmp_path / "root.cer"
    der.write_bytes(demo_pki.trust_root.dump())
    config = {"SIGNING_TRUST_ROOTS": [str(pem), str(der)], "PKI_DIR": "/nonexistent", "TRUST_DEMO_PKI": False}
    roots = trust_roots_from_config(config)
    assert [r.dump() for r in roots] == [demo_pki.trust_root.dump()] * 2
    [verdict] = validate_pdf_signatures(sign_pdf(make_pdf(), person), trust_roots=roots, crls=demo_pki.crls())
    assert verdict.verdict == "valid"


def test_misconfigured_root_file_fails_loudly(tmp_path):
    with pytest.raises(FileNotFoundError):
        trust_roots_from_config({"SIGNING_TRUST_ROOTS": [str(tmp_path / "missing.pem")]})
    empty = tmp_path / "empty.pem"
    empty.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ValueError):
        trust_roots_from_config({"SIGNING_TRUST_ROOTS": [str(empty)]})
