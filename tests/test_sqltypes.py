"""Engine states are stored compressed; text stored before compression still reads."""
from sqlalchemy import text

from app.sqltypes import CompressedText
from app.workflow.models import ProcessInstance
from app.workflow.runtime import start_instance


def test_state_is_stored_compressed_and_read_back(deployed, make, db):
    instance = start_instance("assign_work", actor=make.user(roles=("leader",)))
    db.session.flush()
    raw = db.session.execute(text("SELECT state_json FROM process_instance WHERE id = :id"),
                             {"id": instance.id}).scalar()
    assert raw.startswith(CompressedText.PREFIX) and len(raw) < len(instance.state_json)
    db.session.execute(text("UPDATE process_instance SET state_json = :plain WHERE id = :id"),
                       {"plain": '{"written": "before compression"}', "id": instance.id})
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).state_json == '{"written": "before compression"}'
