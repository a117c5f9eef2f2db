"""WSGI entry point: `waitress-serve wsgi:app` or any WSGI server."""
from app import create_app
from app.config import SettingRefused
from app.jobs.runner import start_background_jobs

try:
    app = create_app()
except SettingRefused as refused:  # a mistyped setting: say which, without a traceback
    raise SystemExit(str(refused)) from None
start_background_jobs(app)  # embedded mode only; a no-op under `flask` commands and with Celery
