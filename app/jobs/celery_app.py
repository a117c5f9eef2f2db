"""Celery entry point (scaled-out mode): `celery -A app.jobs.celery_app worker -B` with CELERY_BROKER_URL set."""
from app import create_app

from .celery_tasks import celery_for

celery = celery_for(create_app())
