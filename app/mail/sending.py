"""Send one message through the configured SMTP server (smtplib, the only module here that talks SMTP).

A failure becomes MailNotSent with the reason in Vietnamese (for the CLI and the log); the caller marks
nothing as sent unless send_message returned, i.e. the server accepted the message.
"""
import logging
import smtplib
import socket
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from functools import lru_cache

log = logging.getLogger(__name__)

TLS_MODES = ("none", "starttls", "ssl")


class MailNotSent(Exception):
    """The message was not accepted; `reason` is for people (Vietnamese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def mail_configured(config) -> bool:
    return bool(config.get("SMTP_HOST"))


def digest_enabled(config) -> bool:
    """Email is on: the digest is switched on and there is a server to send it through."""
    return bool(config.get("MAIL_DIGEST_ENABLED")) and mail_configured(config)


def _address(address: str, name: str = "") -> Address:
    local, _, domain = address.rpartition("@")
    # A line break in a header would end it: names come from the directory, not from this form.
    return Address(display_name=" ".join(name.split()), username=local, domain=domain)


def build_message(config, *, to_address: str, to_name: str, subject: str, text: str, html: str) -> EmailMessage:
    """A UTF-8 message: plain text with an HTML alternative; headers encoded by the email package."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = _address(config["MAIL_FROM_ADDRESS"], config.get("MAIL_FROM_NAME") or "")
    message["To"] = _address(to_address, to_name)
    sender_domain = config["MAIL_FROM_ADDRESS"].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=sender_domain)
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def _connect(config) -> smtplib.SMTP:
    mode, timeout = config.get("SMTP_TLS") or "none", float(config.get("SMTP_TIMEOUT_SECONDS") or 30)
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    if mode == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(config.get("SMTP_CA_FILE")))
    connection = smtplib.SMTP(host, port, timeout=timeout)
    if mode == "starttls":
        connection.starttls(context=_tls_context(config.get("SMTP_CA_FILE")))
    return connection


@lru_cache(maxsize=4)
def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The server's certificate is checked against the system's roots, or only SMTP_CA_FILE's (an agency's
    CA). Made once: loading the system's roots takes longer than sending a digest."""
    return ssl.create_default_context(cafile=ca_file or None)


def send_message(config, message: EmailMessage) -> None:
    """Hand the message to the server; MailNotSent when it did not accept it."""
    if not mail_configured(config):
        raise MailNotSent("Chưa cấu hình máy chủ thư (SMTP_HOST).")
    if (config.get("SMTP_TLS") or "none") not in TLS_MODES:
        raise MailNotSent("SMTP_TLS không hợp lệ: dùng none, starttls hoặc ssl.")
    try:
        with _connect(config) as connection:
            if config.get("SMTP_USERNAME"):
                connection.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            refused = connection.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise _not_sent("Máy chủ thư từ chối tên đăng nhập hoặc mật khẩu SMTP.", error) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise _not_sent("Máy chủ thư từ chối địa chỉ người nhận.", error) from None
    except smtplib.SMTPNotSupportedError as error:
        raise _not_sent("Máy chủ thư không hỗ trợ STARTTLS hoặc đăng nhập như đã cấu hình.", error) from None
    except (ssl.SSLError, ssl.CertificateError) as error:
        raise _not_sent("Không thiết lập được kết nối mã hóa (TLS) với máy chủ thư.", error) from None
    except smtplib.SMTPException as error:
        raise _not_sent("Máy chủ thư không nhận thư.", error) from None
    except (socket.timeout, TimeoutError) as error:
        raise _not_sent("Máy chủ thư không trả lời (hết thời gian chờ).", error) from None
    except OSError as error:
        raise _not_sent(f"Không kết nối được máy chủ thư {config['SMTP_HOST']}:{config['SMTP_PORT']}.",
                        error) from None
    if refused:
        raise _not_sent("Máy chủ thư từ chối địa chỉ người nhận.", refused)


def _not_sent(reason: str, cause) -> MailNotSent:
    # The library's own words are for the server's log; callers show the reason (the job warns in the log).
    log.info("Mail not sent: %s (%r)", reason, cause)
    return MailNotSent(reason)
