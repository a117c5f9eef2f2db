"""Timestamps for PAdES B-T: a configured TSA over HTTP, or the install's own DEMO TSA, usable offline.

SIGNING_TSA_URL names a real RFC 3161 service (production). Without it, an install that trusts its
DEMO PKI stamps with the DEMO TSA certificate in-process; SIGNING_DEMO_TSA=0 signs B-B instead.
"""
from functools import lru_cache
from pathlib import Path

from asn1crypto import cms, core, keys, tsp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign import general
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .demo_pki import ensure_demo_pki
from .signer import SignerCredentials


class DemoTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA, keeping its parsed key (the parent re-parses it for every token, ~45 ms)."""

    def __init__(self, credentials: SignerCredentials):
        pkcs8 = credentials.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption())
        super().__init__(credentials.certificate, keys.PrivateKeyInfo.load(pkcs8),
                         certs_to_embed=credentials.ca_chain)
        self._private_key = credentials.private_key
        # Built structures are re-encoded each time a wrapping level reads them (see signer.CachedKeySigner):
        # the certificate's value is parsed once, and the signed attributes are handed on parsed from their DER.
        self._signing_certificate = tsp.SigningCertificate.load(general.as_signing_certificate(self.tsa_cert).dump())

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt):
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        encoded = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            simple_cms_attribute("signing_certificate", self._signing_certificate),
            simple_cms_attribute("message_digest", digest.finalize()),
        ]).dump()
        signature = self._private_key.sign(encoded, PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, cms.CMSAttributes.load(encoded)


_demo_stampers: dict[Path, DemoTimeStamper] = {}


@lru_cache(maxsize=8)
def _http_stamper(url: str, timeout: float):
    """One stamper per TSA for the process: pyHanko keeps the first answer it gets as the size sample for
    every later signature, so a new stamper per signature asked the TSA twice for each (size, then token)."""
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=timeout)


def timestamper_from_config(config):
    """The timestamper signatures use, or None for B-B."""
    url = config.get("SIGNING_TSA_URL")
    if url:
        return _http_stamper(url, config.get("SIGNING_TSA_TIMEOUT", 10))
    if config.get("TRUST_DEMO_PKI") and config.get("SIGNING_DEMO_TSA", True):
        directory = Path(config["PKI_DIR"]).resolve()
        stamper = _demo_stampers.get(directory)
        if stamper is None:
            stamper = DemoTimeStamper(ensure_demo_pki(directory).issue_timestamping())
            _demo_stampers[directory] = stamper
        return stamper
    return None
