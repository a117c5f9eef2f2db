"""Our task converter (app.workflow.engine.TaskStateConverter) saves and loads what SpiffWorkflow's own does."""
import json
from pathlib import Path

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from app.sqltypes import CompressedText
from app.workflow.engine import SERIALIZER_VERSION, specs_from_json, state_to_json, workflow_from_state
from app.workflow.signing_node import SigningTask, SigningTaskConverter

FIXTURE = Path(__file__).parent / "fixtures" / "states" / "format3-995f920-return-condition.json"
SPEC_KEYS = ("spec", "subprocess_specs")


def _library():
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, SigningTask: SigningTaskConverter}))


def _moved_on_case():
    """The fixture's case, signed with data that adds, changes and drops keys, lists and dicts among them."""
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert fixture["serializer_version"] == SERIALIZER_VERSION
    state = CompressedText().process_result_value(fixture["state_json"], None)
    spec, subprocess_specs = specs_from_json(fixture["spec_json"])
    workflow = workflow_from_state(state, SERIALIZER_VERSION, spec, subprocess_specs, None, PythonScriptEngine())
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data.update({"signature_result": {"verified": True, "kind": "signer", "document": "main"},
                      "rounds": 2, "recipients": ["Sở Nội vụ", "Sở Tài chính"], "note": {"text": "Đã ký"}})
    task.run()
    workflow.do_engine_steps()
    for child in workflow.get_tasks():
        if child.parent is not None and child.parent.data.get("rounds") == 2:
            child.data.pop("rounds")  # a deletion against the parent's data
            break
    return workflow, spec, subprocess_specs


def test_a_saved_state_is_the_engines_own_serialisation():
    workflow, _, _ = _moved_on_case()
    theirs = _library().to_dict(workflow)
    for key in SPEC_KEYS:
        del theirs[key]
    assert json.loads(state_to_json(workflow)) == json.loads(json.dumps(theirs))


def test_a_loaded_state_is_what_the_engine_loads():
    workflow, spec, subprocess_specs = _moved_on_case()
    saved = state_to_json(workflow)
    ours = workflow_from_state(saved, SERIALIZER_VERSION, spec, subprocess_specs, None, None)
    theirs = _library().from_dict({**json.loads(saved), "spec": spec, "subprocess_specs": subprocess_specs})
    assert [(t.id, t.state, t.data, t.internal_data) for t in ours.get_tasks()] == [
        (t.id, t.state, t.data, t.internal_data) for t in theirs.get_tasks()]
    assert any("rounds" not in t.data and t.parent is not None and "rounds" in t.parent.data for t in ours.get_tasks())
    inherited = [task for task in ours.get_tasks() if task.parent is not None
                 and "recipients" in task.data and "recipients" in task.parent.data]
    assert inherited  # each task's lists and dicts are its own, as the library copies them
    assert all(task.data["recipients"] is not task.parent.data["recipients"]
               and task.data["note"] is not task.parent.data["note"] for task in inherited)
    assert state_to_json(ours) == saved
