"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepted, and the app pointed at it."""
import datetime
import ipaddress
import socket

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: every accepted message, as the raw bytes the server received."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_on(app, smtp_server, monkeypatch):
    """Email switched on, sending to the loopback server; returns its inbox."""
    controller, inbox = smtp_server
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port, "SMTP_TLS": "none",
                       "SMTP_TIMEOUT_SECONDS": 5, "MAIL_DIGEST_ENABLED": True, "MAIL_DIGEST_HOUR": 7,
                       "MAIL_FROM_ADDRESS": "lienthong@yenbai.gov.vn", "MAIL_FROM_NAME": "Liên Thông Yên Bái",
                       "PUBLIC_BASE_URL": "https://lienthong.yenbai.gov.vn/vp"}.items():
        monkeypatch.setitem(app.config, key, value)
    return inbox


def self_signed_certificate(directory):
    """A certificate for 127.0.0.1 and its key, written as PEM files: (cert path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp.pem", directory / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
