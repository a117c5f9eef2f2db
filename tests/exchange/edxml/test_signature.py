"""XML-DSig of packages: signed with the demo PKI, judged valid / unknown / invalid like PDF signatures."""
import pytest
from cryptography import x509
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod, XMLSigner
from signxml.algorithms import CanonicalizationMethod

from app.exchange.edxml import build_package, build_status, parse_any, parse_package
from app.exchange.edxml.build import q
from app.exchange.edxml.parse import DSIG_NS
from app.exchange.edxml.signature import sign_package, sign_package_with_agency_key, verify_signature
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki
from app.signing.keystore import KeyRefused

from .samples import full_package, full_status, messy_package


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return ensure_demo_pki(tmp_path_factory.mktemp("edxml-pki"))


@pytest.fixture(scope="module")
def seal(pki):
    return pki.issue_organisation("000.00.00.H63", "Ủy ban nhân dân tỉnh Yên Bái")


@pytest.fixture(scope="module")
def signed(seal):
    return sign_package(build_package(full_package()), key=seal.private_key,
                        certificates=[seal.certificate, *seal.ca_chain])


def judge(data, pki):
    return verify_signature(data, trust_roots=[pki.trust_root], crls=pki.crls())


def test_a_package_signed_with_the_demo_pki_is_valid(signed, pki):
    verdict = judge(signed, pki)
    assert (verdict.verdict, verdict.reason, verdict.warnings) == ("valid", None, ())
    assert verdict.signer_name == "Ủy ban nhân dân tỉnh Yên Bái"
    assert verdict.algorithm.endswith("rsa-sha256")
    parsed = parse_package(signed)
    assert parsed.has_signature and parsed.warnings == []
    assert parsed.package == full_package()
    assert judge(parsed.root, pki).verdict == "valid"


def test_the_signature_sits_in_the_header_and_covers_the_whole_document(signed):
    root = etree.fromstring(signed)
    header = root.find(f".//{q('edXMLHeader')}")
    assert [etree.QName(child).localname for child in header] == ["MessageHeader", "TraceHeaderList", "Signature"]
    reference = root.find(f".//{{{DSIG_NS}}}Reference")
    assert reference.get("URI") == ""
    assert [t.get("Algorithm") for t in reference.iter(f"{{{DSIG_NS}}}Transform")][0].endswith("enveloped-signature")


@pytest.mark.parametrize(("old", "new"), [
    ("V/v triển khai".encode(), "V/v hủy bỏ".encode()),  # the subject
    (b"<edXML:CodeNumber>125<", b"<edXML:CodeNumber>126<"),
    (b"<edXML:ContentTransferEncoded>UEsDB", b"<edXML:ContentTransferEncoded>UEsDA"),  # an attachment
], ids=["subject", "number", "attachment"])
def test_a_tampered_package_is_invalid(signed, pki, old, new):
    assert old in signed
    verdict = judge(signed.replace(old, new, 1), pki)
    assert verdict.verdict == "invalid"
    assert verdict.reason == "Nội dung gói tin đã bị thay đổi sau khi ký."


def test_a_tampered_signature_value_is_invalid(signed, pki):
    root = etree.fromstring(signed)
    value = root.find(f".//{{{DSIG_NS}}}SignatureValue")
    value.text = value.text[:10] + ("A" if value.text[10] != "A" else "B") + value.text[11:]
    assert judge(etree.tostring(root), pki).verdict == "invalid"


def test_a_certificate_from_an_unknown_ca_is_unknown(signed, tmp_path):
    stranger = ensure_demo_pki(tmp_path / "other-pki")
    verdict = judge(signed, stranger)
    assert verdict.verdict == "unknown"
    assert verdict.reason == "Chứng thư số không thuộc nguồn tin cậy đã cấu hình, hoặc đã hết hạn."
    assert verdict.label == "Không xác định"


def test_a_revoked_certificate_is_unknown(tmp_path):
    pki = ensure_demo_pki(tmp_path / "pki")
    seal = pki.issue_organisation("000.00.12.H63", "Sở Nội vụ")
    signed = sign_package(build_status(full_status()), key=seal.private_key,
                          certificates=[seal.certificate, *seal.ca_chain])
    assert judge(signed, pki).verdict == "valid"
    pki.revoke(seal.certificate)
    assert judge(signed, pki).reason == "Chứng thư số đã bị thu hồi."


class Sha1Signer(XMLSigner):
    """What the Government Office samples carry: rsa-sha1 (signxml refuses to make it by default)."""

    def check_deprecated_methods(self):
        pass


def test_a_sha1_signature_is_accepted_with_a_warning(seal, pki):
    root = etree.fromstring(build_package(full_package()))
    header = root.find(f".//{q('edXMLHeader')}")
    etree.SubElement(header, f"{{{DSIG_NS}}}Signature", Id="placeholder", nsmap={None: DSIG_NS})
    signer = Sha1Signer(signature_algorithm=SignatureMethod.RSA_SHA1, digest_algorithm=DigestAlgorithm.SHA1,
                        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signer.namespaces = {None: DSIG_NS}
    signed = etree.tostring(signer.sign(root, key=seal.private_key,
                                        cert=[x509.load_der_x509_certificate(c.dump())
                                              for c in (seal.certificate, *seal.ca_chain)]), encoding="UTF-8")
    verdict = judge(signed, pki)
    assert verdict.verdict == "valid"
    assert verdict.warnings == ("Chữ ký dùng thuật toán SHA-1 đã lỗi thời; vẫn được chấp nhận.",)
    assert "Nguyễn Văn Thắng".encode() in signed
    assert judge(signed.replace("Nguyễn Văn Thắng".encode(), "Nguyễn Văn Thắm".encode()), pki).verdict == "invalid"


def test_an_unsigned_package_and_a_signature_outside_the_dsig_namespace(pki):
    assert judge(build_package(full_package()), pki).verdict == "unsigned"
    # The axis sample's <Signature> lost its namespace and so sits in the edXML one: nothing to verify.
    sample = messy_package().replace("</TraceHeaderList>", "</TraceHeaderList><Signature><SignedInfo/></Signature>")
    verdict = judge(sample.encode(), pki)
    assert verdict.verdict == "unknown" and "XML-DSig" in verdict.reason
    assert parse_any(sample.encode()).has_signature


def test_bytes_before_the_declaration_do_not_break_the_signature(signed, pki):
    parsed = parse_package(b"\xef\xbb\xbf1212" + signed)
    assert judge(parsed.root, pki).verdict == "valid"


def test_an_agency_signs_with_its_seal_key(app, db, make):
    agency = make.agency(code="000.00.31.H63", name="Sở Tư pháp tỉnh Yên Bái")
    pki = ensure_demo_pki(app.config["PKI_DIR"])
    xml = build_package(full_package())
    with pytest.raises(KeyRefused):
        sign_package_with_agency_key(xml, agency.id, app.config)
    issue_demo_agency_key(pki, agency, app.config["SIGNING_KEY_PASSPHRASE"])
    verdict = judge(sign_package_with_agency_key(xml, agency.id, app.config), pki)
    assert (verdict.verdict, verdict.signer_name) == ("valid", "Sở Tư pháp tỉnh Yên Bái")


def test_keys_and_certificates_may_be_given_as_pem_or_der_bytes(seal, pki):
    from cryptography.hazmat.primitives import serialization

    key_pem = seal.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
    key_der = seal.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
    der_chain = [c.dump() for c in (seal.certificate, *seal.ca_chain)]
    pem_chain = [x509.load_der_x509_certificate(c).public_bytes(serialization.Encoding.PEM) for c in der_chain]
    xml = build_status(full_status())
    for key, chain in ((key_pem, pem_chain), (key_der, der_chain)):
        assert judge(sign_package(xml, key=key, certificates=chain), pki).verdict == "valid"
