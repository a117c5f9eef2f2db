"""The cached-key signer produces exactly what pyHanko's SimpleSigner produces, and is built once."""
import asyncio
import hashlib
from datetime import datetime, timezone

from asn1crypto import cms, core
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.hashes import SHA256
from pyhanko.sign import general
from pyhanko.sign.signers import SimpleSigner

from app.signing.signer import parsed_signing_certificate_v2
from app.signing.timestamping import DemoTimeStamper


def test_cached_key_signer_matches_simple_signer(person):
    signer = person.signer
    assert person.signer is signer
    plain = SimpleSigner(signing_cert=signer.signing_cert, signing_key=signer.signing_key,
                         cert_registry=signer.cert_registry)
    data = "Văn bản cần ký".encode()
    # RSA PKCS#1 v1.5 is deterministic: the same key and data give the same bytes.
    assert signer.sign_raw(data, "sha256") == plain.sign_raw(data, "sha256")


def test_signed_attributes_are_simple_signers_with_the_certificate_value_parsed_once(person):
    signer = person.signer
    plain = SimpleSigner(signing_cert=signer.signing_cert, signing_key=signer.signing_key,
                         cert_registry=signer.cert_registry)
    digest = hashlib.sha256(b"document").digest()
    ours = asyncio.run(signer.signed_attrs(digest, "sha256", use_pades=True))
    hits = parsed_signing_certificate_v2.cache_info().hits
    again = asyncio.run(signer.signed_attrs(digest, "sha256", use_pades=True))
    assert parsed_signing_certificate_v2.cache_info().hits == hits + 1
    theirs = asyncio.run(plain.signed_attrs(digest, "sha256", use_pades=True))
    assert ours.dump() == again.dump() == theirs.dump()
    assert "signing_certificate_v2" in {attribute["type"].native for attribute in ours}


def test_demo_tsa_signs_the_attributes_pyhanko_would_build(demo_pki):
    credentials = demo_pki.issue_timestamping()
    stamper = DemoTimeStamper(credentials)
    moment = datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)
    signature, attrs = stamper._sign_tst_info(b"tst-info", "sha256", moment)
    built = cms.CMSAttributes([
        general.simple_cms_attribute("content_type", "tst_info"),
        general.simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(moment)})),
        general.simple_cms_attribute("signing_certificate", general.as_signing_certificate(credentials.certificate)),
        general.simple_cms_attribute("message_digest", hashlib.sha256(b"tst-info").digest()),
    ])
    assert attrs.dump() == built.dump()
    credentials.private_key.public_key().verify(signature, built.dump(), PKCS1v15(), SHA256())
