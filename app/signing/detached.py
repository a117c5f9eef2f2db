"""Detached CMS signatures over plain data (not PDF): what the installation signs about itself, e.g. the
audit chain's head. Signed with a signature timestamp (the configured TSA, or the DEMO TSA) and
judged with the same verdicts as PDF signatures.
"""
import asyncio
from dataclasses import dataclass

from asn1crypto import cms
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from .signer import SignerCredentials


def sign_detached(data: bytes, credentials: SignerCredentials, *, timestamper=None) -> bytes:
    """DER of a CMS SignedData over `data` (SHA-256, CAdES signed attributes), the data not included."""
    signed = asyncio.run(credentials.signer.async_sign_general_data(data, "sha256", detached=True, use_cades=True,
                                                                    timestamper=timestamper))
    return signed.dump()


@dataclass(frozen=True)
class DetachedVerdict:
    verdict: str  # valid | unknown | invalid (as app.signing.validation)
    signer_name: str | None
    timestamp_time: str | None


def verify_detached(data: bytes, signature: bytes, *, trust_roots, crls=()) -> DetachedVerdict:
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        context = ValidationContext(trust_roots=trust_roots, crls=list(crls), allow_fetching=False)
        status = asyncio.run(async_validate_detached_cms(data, signed_data, signer_validation_context=context,
                                                         ts_validation_context=context))
    except Exception:  # a signature that cannot even be read is no signature
        return DetachedVerdict("invalid", None, None)
    if not (status.intact and status.valid):
        verdict = "invalid"
    elif not status.trusted:
        verdict = "unknown"
    else:
        verdict = "valid"
    timestamp = status.timestamp_validity
    return DetachedVerdict(verdict, status.signing_cert.subject.native.get("common_name"),
                           timestamp.timestamp.isoformat() if timestamp else None)
