"""Our bpmnlint rules (app/workflow/bpmnlint, the very code the modeler runs) applied on the server.

Every check of a diagram (save, upload, publish, restore, `flask processes sync`) runs them through node
(installed with the front-end assets), so an upload cannot skip what the modeler marks. Only our rules
refuse: bpmnlint's recommended ones are advice shown in the modeler. A verdict is kept per content and
options, so the shipped files are linted once per process run.
"""
import hashlib
import json
import shutil
import subprocess
from collections import OrderedDict
from pathlib import Path

from flask_babel import force_locale

from app.directory.roles import ROLE_LABELS, ROLES

CLI = Path(__file__).resolve().parent / "bpmnlint" / "cli.js"
OUR_RULES_PREFIX = "lienthong/"
TIMEOUT_SECONDS = 60
KEPT_VERDICTS = 256
_verdicts: "OrderedDict[str, list[tuple[str, str]]]" = OrderedDict()


class JsLintUnavailable(Exception):
    """node could not run the rules: the check is refused rather than skipped."""


def lint_options(operators) -> dict:
    """The lists the rules judge by, from the registry (the modeler gets the same)."""
    with force_locale("vi"):
        labels = [str(label) for label in ROLE_LABELS.values()]
    return {"roles": sorted(set(ROLES) | set(labels)), "operators": sorted(operators)}


def js_lint(bpmn: bytes, options: dict) -> list[tuple[str, str]]:
    """(element id, Vietnamese message) for each error of our rules."""
    payload = json.dumps({"xml": bpmn.decode("utf-8"), "options": options}, ensure_ascii=False,
                         sort_keys=True).encode("utf-8")
    key = hashlib.sha256(payload).hexdigest()
    verdict = _verdicts.get(key)
    if verdict is None:
        answer = _run(payload)
        if "error" in answer:
            return [("", "Bộ kiểm tra sơ đồ không đọc được tệp BPMN.")]
        verdict = [(r.get("id") or "", r["message"]) for r in answer["reports"]
                   if r.get("rule", "").startswith(OUR_RULES_PREFIX) and r.get("category") == "error"]
        _verdicts[key] = verdict
        while len(_verdicts) > KEPT_VERDICTS:
            _verdicts.popitem(last=False)
    return list(verdict)


def _run(payload: bytes) -> dict:
    node = shutil.which("node")
    if node is None:
        raise JsLintUnavailable("node")
    try:
        done = subprocess.run([node, str(CLI)], input=payload, capture_output=True, timeout=TIMEOUT_SECONDS,
                              check=False)
    except subprocess.TimeoutExpired:
        raise JsLintUnavailable("timeout") from None
    if done.returncode != 0:
        raise JsLintUnavailable(done.stderr.decode("utf-8", "replace")[-500:])
    return json.loads(done.stdout)
