"""The JSON API's blueprint (/api/v1 and the health check); each views module adds its routes to it and
create_app imports every one of them by name."""
from flask import Blueprint

bp = Blueprint("api", __name__)
