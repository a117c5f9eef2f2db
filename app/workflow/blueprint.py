"""The staff's task pages share one blueprint ("tasks"); each views module adds its routes to it and
create_app imports every one of them by name."""
from flask import Blueprint

bp = Blueprint("tasks", __name__)
PAGE_SIZE = 25
