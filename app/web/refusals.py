"""400s whose Vietnamese reason people read: the error handlers (app.web.errors) show `detail`."""
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest


class BadInput(BadRequest):
    def __init__(self, detail: str):
        super().__init__()
        self.detail = detail


def day_refused() -> BadInput:
    return BadInput(_("Ngày không hợp lệ (dd/mm/yyyy, năm từ 1900 đến 2200)."))
