"""The leader's dashboard page (Lãnh đạo, Lãnh đạo đơn vị, Văn thư)."""
from flask import Blueprint, render_template

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import CLERK, LEADER, UNIT_HEAD

from .dashboard import leader_dashboard
from .holders import holders_by_instance

bp = Blueprint("leader", __name__)


@bp.route("/van-ban-den/theo-doi")
@role_required(LEADER, UNIT_HEAD, CLERK)
def dashboard():
    board = leader_dashboard(signed_in_user())
    shown = board.waiting + board.overdue + board.due_this_week
    return render_template("documents/dashboard.html", board=board,
                           holders=holders_by_instance({d.instance_id for d in shown}))
