"""Production mode: gunicorn web processes, Celery workers and one beat on PostgreSQL and Redis (`make serve`)."""
