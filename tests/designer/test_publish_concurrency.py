"""Two designers publishing the same draft at once: one version, and a clear conflict for the other."""
from sqlalchemy import select

from app.designer import drafts, publishing
from app.designer.drafts import DesignError
from app.directory.models import User
from app.extensions import db as _db
from app.workflow.deployment import sync_processes
from app.workflow.models import ProcessVersion
from app.workflow.registry import catalogue

from ..factories import Factory
from ..parallel import run_in_parallel
from . import bpmn_edits


def test_concurrent_publishing_makes_one_version_and_tells_the_other(app, committed_db):
    make = Factory(committed_db)
    designers = [make.user(roles=("designer",), province_wide=True) for _ in range(2)]
    with app.test_request_context():
        sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        draft = drafts.open_draft("assign_work", actor=designers[0])
        drafts.save_diagram("assign_work", bpmn_edits.set_attribute(draft.bpmn_xml, "assign", "name", "Giao việc mới"),
                            actor=designers[0], lock_version=draft.lock_version)
    ids = [d.id for d in designers]
    committed_db.session.commit()
    committed_db.session.remove()
    outcomes = []

    def publish(worker: int):
        actor = _db.session.get(User, ids[worker])
        try:
            version = publishing.publish("assign_work", actor=actor, note=f"Xuất bản {worker}")
            _db.session.commit()
            outcomes.append(("published", version.number))
        except DesignError as refused:
            _db.session.rollback()
            outcomes.append(("refused", str(refused)))

    assert run_in_parallel(app, 2, publish) == []
    assert sorted(kind for kind, _detail in outcomes) == ["published", "refused"], outcomes
    assert "người khác vừa xuất bản" in next(detail for kind, detail in outcomes if kind == "refused")
    numbers = committed_db.session.scalars(select(ProcessVersion.number).where(
        ProcessVersion.process_id == "assign_work")).all()
    assert sorted(numbers) == [1, 2]
