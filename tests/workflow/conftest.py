"""Workflow fixtures: the catalogue deployed into the test transaction."""
import pytest

from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue


@pytest.fixture
def deployed(app, db):
    with app.test_request_context():
        report = sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        assert report.problems == []
        yield report
