"""Site shell: dashboard, language switch, front-end assets installed from npm."""
from datetime import datetime, timezone
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    session,
    url_for,
)
from flask_login import login_required

from app.auth.session import signed_in_user
from app.directory.delegation import acting_for_any
from app.workflow.registry import catalogue

from .home import home_of

bp = Blueprint("web", __name__)

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"

# Served by name only: nothing else under node_modules is reachable from the web.
VENDOR_ASSETS = {
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bpmn-navigated-viewer.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "diagram-js.css": "bpmn-js/dist/assets/diagram-js.css",
    "bpmn-js.css": "bpmn-js/dist/assets/bpmn-js.css",
    "bpmn-modeler.js": "bpmn-js/dist/bpmn-modeler.production.min.js",
    # The modeler's icon font; the stylesheet finds it at ../font/ relative to itself.
    "bpmn-font/css/bpmn.css": "bpmn-js/dist/assets/bpmn-font/css/bpmn.css",
    "bpmn-font/font/bpmn.woff2": "bpmn-js/dist/assets/bpmn-font/font/bpmn.woff2",
    "bpmn-font/font/bpmn.woff": "bpmn-js/dist/assets/bpmn-font/font/bpmn.woff",
    "bpmn-font/font/bpmn.ttf": "bpmn-js/dist/assets/bpmn-font/font/bpmn.ttf",
    # The modeler's lint marks (bpmn-js-bpmnlint; its module is bundled in static/build/bpmn-lint.js).
    "bpmn-js-bpmnlint.css": "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css",
    # Searchable pickers (static/pickers.js); the complete build carries the remove_button plugin.
    "tom-select.js": "tom-select/dist/js/tom-select.complete.min.js",
    "tom-select.css": "tom-select/dist/css/tom-select.bootstrap5.min.css",
    # The report pages' charts (static/report_charts.js); the UMD build carries its colour helper.
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}


@bp.route("/")
@login_required
def dashboard():
    actor = signed_in_user()
    now = datetime.now(timezone.utc)
    home = home_of(actor, now=now)
    # The menu's badge is the count just read: the page does not count the inbox twice.
    return render_template("web/dashboard.html", home=home, now=now, open_task_count=lambda: home.counts.total,
                           delegations=acting_for_any(actor), processes=catalogue().processes)


@bp.route("/ngon-ngu/<code>", methods=["POST"])
def set_language(code: str):
    if code in ("vi", "en"):
        session["lang"] = code
    target = request.referrer or url_for("web.dashboard")
    return redirect(target if target.startswith(request.host_url) else url_for("web.dashboard"))


@bp.route("/vendor/<path:name>")
def vendor_asset(name: str):
    relative = VENDOR_ASSETS.get(name)
    if relative is None or not (NODE_MODULES / relative).is_file():
        abort(404)
    return send_file(NODE_MODULES / relative, max_age=86400)


@bp.route("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico on their own (PDF tabs, bookmarks) even when the page links the SVG.
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)
