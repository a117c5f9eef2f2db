"""JSON API (/api/v1) and the health check."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from . import document_views, outgoing_views, task_views, views  # noqa: E402,F401  (routes attach themselves to bp)
