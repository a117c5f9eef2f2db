"""Background jobs: the same functions run by an embedded scheduler thread or by Celery workers."""
