"""The cached-key signer produces exactly what pyHanko's SimpleSigner produces, and is built once."""
from pyhanko.sign.signers import SimpleSigner


def test_cached_key_signer_matches_simple_signer(person):
    signer = person.signer
    assert person.signer is signer
    plain = SimpleSigner(signing_cert=signer.signing_cert, signing_key=signer.signing_key,
                         cert_registry=signer.cert_registry)
    data = "Văn bản cần ký".encode()
    # RSA PKCS#1 v1.5 is deterministic: the same key and data give the same bytes.
    assert signer.sign_raw(data, "sha256") == plain.sign_raw(data, "sha256")
