"""WSGI entry point: `waitress-serve wsgi:app` or any WSGI server."""
from app import create_app
from app.jobs.runner import start_background_jobs

app = create_app()
start_background_jobs(app)  # embedded mode only; a no-op under `flask` commands and with Celery
