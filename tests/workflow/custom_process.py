"""An application whose catalogue is one test process, its BPMN and forms written to a folder."""
from contextlib import contextmanager

from app import create_app
from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue


@contextmanager
def deployed_custom_process(app, db, folder, definition, bpmn: str, forms: dict[str, str], **config):
    """Yield a second app on the test database with `definition` deployed (inside a request context)."""
    (folder / "bpmn").mkdir()
    (folder / "bpmn" / definition.bpmn_file).write_text(bpmn, encoding="utf-8")
    for name, text in forms.items():
        path = folder / "forms" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "t",
                        "PROCESS_CATALOGUE": (definition,), "BPMN_DIR": folder / "bpmn",
                        "FORMS_DIR": folder / "forms", **config})
    with other.test_request_context():
        problems = sync_processes(catalogue(), other.config["BPMN_DIR"], other.config["FORMS_DIR"]).problems
        assert problems == [], [str(p) for p in problems]
        db.session.commit()  # a savepoint in tests: requests made later see the deployed version
        yield other
