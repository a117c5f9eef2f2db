"""The axis stand-in (`flask exchange hub`): the VDXP operations over HTTP with their own database."""
from pathlib import Path

from .server import BANNER, create_hub_app

__all__ = ["BANNER", "create_hub_app", "default_hub_database_url"]


def default_hub_database_url(instance_path: str) -> str:
    """Return the stand-in's default database: a SQLite file beside the installation's instance data."""
    return f"sqlite:///{Path(instance_path) / 'axis-hub.db'}"
