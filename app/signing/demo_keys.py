"""DEMO signing keys for the demo people and agencies, kept like any other key (SigningCredential).

A leader's key is a PKCS#12 encrypted with the documented demo PIN (DEMO_SIGNING_PIN, 123456 by
default), showing a generated blue signature; an agency's with the server passphrase, showing its
generated red seal. Issued by the install's own DEMO PKI and trusted nowhere else.
"""
from .demo_pki import DemoPki
from .images import seal_png, signature_png
from .keystore import credential_row, pkcs12_bytes, replace_credential
from .models import SigningCredential


def issue_demo_person_key(pki: DemoPki, user, agency_name: str, pin: str) -> SigningCredential:
    credentials = pki.issue_person(user.username, user.full_name, agency_name)
    return replace_credential(credential_row(
        credentials, kind="person", agency_id=user.agency_id, user_id=user.id,
        pkcs12_data=pkcs12_bytes(credentials, pin.encode(), user.full_name),
        image_png=signature_png(user.full_name)))


def issue_demo_agency_key(pki: DemoPki, agency, passphrase: str) -> SigningCredential:
    credentials = pki.issue_organisation(agency.code, agency.name)
    return replace_credential(credential_row(
        credentials, kind="organisation", agency_id=agency.id, user_id=None,
        pkcs12_data=pkcs12_bytes(credentials, passphrase.encode(), agency.name),
        image_png=seal_png(agency.name)))
