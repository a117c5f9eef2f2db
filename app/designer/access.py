"""The process a designer page is about: catalogued and deployed, or 404."""
from flask import abort

from app.workflow.deployment import latest_version
from app.workflow.registry import catalogue


def definition_or_404(process_id: str):
    definition = catalogue().processes.get(process_id)
    if definition is None or latest_version(process_id) is None:
        abort(404)
    return definition
