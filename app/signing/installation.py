"""The installation's own signing key: INSTALLATION_KEY_PKCS12 (+ _PASSPHRASE), or the DEMO PKI's."""
from functools import cache
from pathlib import Path

from .demo_pki import ensure_demo_pki
from .signer import SignerCredentials


class NoInstallationKey(RuntimeError):
    """Neither a configured key nor a trusted DEMO PKI: the installation cannot sign."""


def installation_credentials(config) -> SignerCredentials:
    path = config.get("INSTALLATION_KEY_PKCS12")
    if path:
        return _configured(path, (config.get("INSTALLATION_KEY_PASSPHRASE") or "").encode() or None)
    if config.get("TRUST_DEMO_PKI"):
        return ensure_demo_pki(Path(config["PKI_DIR"])).issue_installation()
    raise NoInstallationKey("INSTALLATION_KEY_PKCS12 is not configured")


@cache
def _configured(path: str, passphrase: bytes | None) -> SignerCredentials:
    return SignerCredentials.from_pkcs12(Path(path).read_bytes(), passphrase, path=Path(path))
