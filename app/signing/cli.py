"""`flask signing …`: keys an operator sets up on the server (an agency's seal key inside a PKCS#11 token)."""
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from app.cli_failure import VietnameseGroup, fail
from app.directory.models import Agency
from app.extensions import db

from .keystore import KeyRefused
from .uploads import UploadRefused, store_token_key
from .validation import crls_from_config, trust_roots_from_config

signing_cli = VietnameseGroup("signing", help="Khóa ký số trên máy chủ.")


def _certificates(path: Path) -> list[bytes]:
    """DER of every certificate in a PEM or DER file."""
    from pyhanko.keys import load_certs_from_pemder_data

    return [certificate.dump() for certificate in load_certs_from_pemder_data(path.read_bytes())]


@signing_cli.command("register-token-key")
@click.argument("agency_code")
@click.option("--token", "token_label", required=True, help="Nhãn token (PKCS#11) chứa khóa.")
@click.option("--key", "key_label", required=True, help="Nhãn khóa bí mật trên token.")
@click.option("--certificate", type=click.Path(exists=True, path_type=Path), required=True,
              help="Chứng thư số của khóa (PEM/DER).")
@click.option("--chain", type=click.Path(exists=True, path_type=Path), help="Các CA trung gian (PEM/DER).")
@click.option("--seal", type=click.Path(exists=True, path_type=Path), help="Ảnh con dấu PNG (mặc định: tự tạo).")
def register_token_key_command(agency_code, token_label, key_label, certificate, chain, seal):
    """Use a key inside the PKCS#11 token (SIGNING_PKCS11_MODULE, SIGNING_PKCS11_PIN) as the agency's seal key."""
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).first()
    if agency is None:
        fail(f"Không có cơ quan mã {agency_code}.")
    [certificate_der] = _certificates(certificate)[:1] or [None]
    config = current_app.config
    try:
        row = store_token_key(agency, config, token_label=token_label, key_label=key_label,
                                 certificate_der=certificate_der,
                                 chain_der=tuple(_certificates(chain)) if chain else (),
                                 seal_png=seal.read_bytes() if seal else None,
                                 trust_roots=trust_roots_from_config(config), crls=crls_from_config(config))
    except (UploadRefused, KeyRefused) as refused:
        db.session.rollback()
        fail(refused.message)
    db.session.commit()
    click.echo(f"Đã dùng khóa {key_label} trên token {token_label} làm con dấu số của {agency.name} "
               f"({row.subject_name}, hiệu lực đến {row.not_after:%d/%m/%Y}).")
