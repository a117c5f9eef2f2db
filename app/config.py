"""Settings from the environment; the defaults are the embedded mode (SQLite under instance/)."""
import os
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingRefused(ValueError):
    """An environment setting that cannot be meant; the message names it, in Vietnamese and English."""


def settings_from_environment(instance_path: str) -> dict:
    """Return the configuration mapping read from environment variables."""
    env = os.environ
    database_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'lienthong.db'}"
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": env.get("SECRET_KEY"),
        "PORT": int(env.get("PORT", "5000")),
        # Proxies in front of the web processes (a load balancer, nginx) whose X-Forwarded-For/-Proto/-Host are
        # believed: 0 = none, the client's address is the connection's (login throttling counts per address).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "CELERY_BROKER_URL": env.get("CELERY_BROKER_URL") or None,
        "CELERY_RESULT_BACKEND": env.get("CELERY_RESULT_BACKEND") or None,
        # Embedded mode: the server process runs the job thread unless this is 0 (then `flask worker`).
        "BACKGROUND_JOBS": env.get("BACKGROUND_JOBS", "1") == "1",
        "BPMN_DIR": PROJECT_ROOT / "bpmn",
        "FORMS_DIR": PROJECT_ROOT / "forms",
        "FILES_DIR": env.get("FILES_DIR") or str(Path(instance_path) / "files"),
        # Secure cookies need HTTPS; the embedded server speaks plain HTTP on loopback.
        "SESSION_COOKIE_SECURE": env.get("COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_SECURE": env.get("COOKIE_SECURE", "0") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=10),
        "MAX_TASK_FILE_MB": int(env.get("MAX_TASK_FILE_MB", "20")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "API_TOKEN_HOURS": int(env.get("API_TOKEN_HOURS", "12")),
        "LOGIN_FAILURE_LIMIT": 5,
        "LOGIN_FAILURE_WINDOW_SECONDS": 60,
        # Slower caps: one account from anywhere, and one address over any accounts (offices share one).
        "LOGIN_ACCOUNT_FAILURE_LIMIT": 20,
        "LOGIN_ACCOUNT_WINDOW_SECONDS": 900,
        "LOGIN_ADDRESS_FAILURE_LIMIT": 100,
        "LOGIN_ADDRESS_WINDOW_SECONDS": 900,
        # A browser session ends server-side after this long even if the browser keeps its cookie.
        "LOGIN_SESSION_MAX_DAYS": 7,
        # Signature validation trusts exactly these roots (PEM/DER files, separated by ":"), plus the
        # demo root that a fresh install generates under PKI_DIR. Never the operating system's store.
        "SIGNING_TRUST_ROOTS": [p for p in env.get("SIGNING_TRUST_ROOTS", "").split(":") if p],
        "PKI_DIR": env.get("PKI_DIR") or str(Path(instance_path) / "pki"),
        "TRUST_DEMO_PKI": env.get("TRUST_DEMO_PKI", "1") == "1",
        # Agencies' seal keys are stored encrypted with this (instance/signing_key_passphrase if unset);
        # people's keys with their own PIN. DEMO_SIGNING_PIN opens the demo people's keys.
        "SIGNING_KEY_PASSPHRASE": env.get("SIGNING_KEY_PASSPHRASE"),
        "DEMO_SIGNING_PIN": env.get("DEMO_SIGNING_PIN", "123456"),
        # PAdES B-T: an RFC 3161 timestamp service; without it the DEMO TSA stamps when the DEMO PKI is
        # trusted (SIGNING_DEMO_TSA=0 signs B-B).
        "SIGNING_TSA_URL": env.get("SIGNING_TSA_URL") or None,
        # Agency seal keys kept in a PKCS#11 token/HSM: the module and the user PIN the server logs in with.
        "SIGNING_PKCS11_MODULE": env.get("SIGNING_PKCS11_MODULE") or None,
        "SIGNING_PKCS11_PIN": env.get("SIGNING_PKCS11_PIN") or None,
        "SIGNING_DEMO_TSA": env.get("SIGNING_DEMO_TSA", "1") == "1",
        # Audit anchors: the chain's head is signed this often (when it moved), and each anchor is also
        # appended to this log outside the database (a file, or a directory to hold audit-anchors.log:
        # mount one from another machine). `flask audit verify` fails when an event stays unanchored
        # longer than the interval plus the grace.
        "AUDIT_ANCHOR_INTERVAL_MINUTES": int(env.get("AUDIT_ANCHOR_INTERVAL_MINUTES", "60")),
        "AUDIT_ANCHOR_GRACE_MINUTES": int(env.get("AUDIT_ANCHOR_GRACE_MINUTES", "15")),
        "AUDIT_ANCHOR_LOG": env.get("AUDIT_ANCHOR_LOG") or str(Path(instance_path) / "audit-anchors.log"),
        # The place on an outgoing document's date line ("Yên Bái, ngày …").
        "DOCUMENT_PLACE_NAME": env.get("DOCUMENT_PLACE_NAME", "Yên Bái"),
        # Handling deadline proposed to the leader for an incoming document, in working days.
        "INCOMING_DEFAULT_DEADLINE_DAYS": int(env.get("INCOMING_DEFAULT_DEADLINE_DAYS", "10")),
        # Days off besides weekends, for deadlines and the reports' working days (app.workflow.workdays):
        # "2026-01-01,2026-04-30,…" (or dd/mm/yyyy). Changing them recomputes the report facts.
        "PUBLIC_HOLIDAYS": public_holidays(env.get("PUBLIC_HOLIDAYS", "")),
        # The national axis (or the stand-in, `flask exchange hub`): no endpoint = no axis transport.
        # Requests are signed with the secret (HMAC), which never travels itself.
        "AXIS_ENDPOINT": env.get("AXIS_ENDPOINT") or None,
        "AXIS_SYSTEM_ID": env.get("AXIS_SYSTEM_ID") or None,
        "AXIS_SECRET": env.get("AXIS_SECRET") or None,
        "AXIS_TIMEOUT_SECONDS": float(env.get("AXIS_TIMEOUT_SECONDS", "30")),
        # The largest edXML package taken in (its PDFs come base64-encoded inside).
        "EXCHANGE_MAX_PACKAGE_MB": int(env.get("EXCHANGE_MAX_PACKAGE_MB", "50")),
        # Liên thông. Who receives for a body without clerks of its own: "CODE=CODE,CODE=CODE"; unset =
        # each province's People's Committee 000.00.00.Lnn is received by its Văn phòng 000.00.01.Lnn.
        "EXCHANGE_RECEIVING_AGENCIES": _code_pairs(env.get("EXCHANGE_RECEIVING_AGENCIES")),
        # The outbox waits this long after each failed try (seconds), and gives up after this many tries.
        "EXCHANGE_OUTBOX_BACKOFF_SECONDS": tuple(int(s) for s in env.get(
            "EXCHANGE_OUTBOX_BACKOFF_SECONDS", "60,300,1800,7200,21600").split(",")),
        "EXCHANGE_OUTBOX_MAX_TRIES": int(env.get("EXCHANGE_OUTBOX_MAX_TRIES", "5")),
        # A sender that claimed a message and died: after this long another sender takes it.
        "EXCHANGE_OUTBOX_SEND_LEASE_SECONDS": int(env.get("EXCHANGE_OUTBOX_SEND_LEASE_SECONDS", "600")),
        "EXCHANGE_OUTBOX_INTERVAL_SECONDS": int(env.get("EXCHANGE_OUTBOX_INTERVAL_SECONDS", "30")),
        "EXCHANGE_INBOX_INTERVAL_SECONDS": int(env.get("EXCHANGE_INBOX_INTERVAL_SECONDS", "60")),
        "EXCHANGE_INBOX_MAX_TRIES": int(env.get("EXCHANGE_INBOX_MAX_TRIES", "5")),
        # The axis' directory changes rarely; a daily getAgenciesList keeps names and codes current.
        "EXCHANGE_AGENCIES_SYNC_HOURS": float(env.get("EXCHANGE_AGENCIES_SYNC_HOURS", "24")),
        # "Chậm tiếp nhận" on an outgoing document: a recipient's 01 not followed by 03 within these working days.
        "EXCHANGE_SLOW_ACCEPT_WORKING_DAYS": int(env.get("EXCHANGE_SLOW_ACCEPT_WORKING_DAYS", "1")),
        # Email (SMTP). Nothing is sent unless MAIL_DIGEST_ENABLED=1 and SMTP_HOST is set; SMTP_TLS is
        # none, starttls or ssl. The daily digest goes out once a day at or after MAIL_DIGEST_HOUR
        # (Vietnam time); its links start with PUBLIC_BASE_URL, the address people open the site at.
        "SMTP_HOST": env.get("SMTP_HOST") or None,
        "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
        "SMTP_TLS": (env.get("SMTP_TLS") or "none").strip().lower(),
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_CA_FILE": env.get("SMTP_CA_FILE") or None,
        "SMTP_TIMEOUT_SECONDS": float(env.get("SMTP_TIMEOUT_SECONDS", "30")),
        "MAIL_FROM_ADDRESS": env.get("MAIL_FROM_ADDRESS") or "lienthong@localhost",
        "MAIL_FROM_NAME": env.get("MAIL_FROM_NAME") or "Liên Thông",
        "MAIL_DIGEST_ENABLED": env.get("MAIL_DIGEST_ENABLED", "0") == "1",
        "MAIL_DIGEST_HOUR": int(env.get("MAIL_DIGEST_HOUR", "7")),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000",
        # Set by the wiring in create_app when the axis is configured (objects, not environment values).
        "EXCHANGE_TRANSPORT": None,
        "EXCHANGE_IMPORT": None,
    }


def public_holidays(text: str) -> tuple[str, ...]:
    """"2026-01-01, 30/04/2026" -> ("2026-01-01", "2026-04-30"), sorted, each once; SettingRefused for a day
    that does not exist, so a typo stops the start instead of silently moving every deadline."""
    days = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            day = datetime.strptime(item, "%d/%m/%Y").date() if "/" in item else date.fromisoformat(item)
        except ValueError:
            raise SettingRefused(
                f"PUBLIC_HOLIDAYS: “{item[:40]}” không phải là một ngày (yyyy-mm-dd hoặc dd/mm/yyyy, cách nhau "
                f"bởi dấu phẩy). / “{item[:40]}” is not a date (yyyy-mm-dd or dd/mm/yyyy, comma-separated).") from None
        days.add(day.isoformat())
    return tuple(sorted(days))


def _code_pairs(text: str | None) -> dict[str, str] | None:
    """"A=B,C=D" -> {"A": "B", "C": "D"}; None when unset (the default rule applies)."""
    if text is None:
        return None
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {key.strip().upper(): value.strip().upper() for key, value in pairs}


def engine_options(database_url: str) -> dict:
    """Return SQLAlchemy engine options suited to the database behind the URL."""
    if database_url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once with "database is locked".
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}


def load_or_create_secret_key(instance_path: str, name: str = "secret_key") -> str:
    """Return the secret kept in instance/<name>, creating it on first run."""
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process started at the same moment and won
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
