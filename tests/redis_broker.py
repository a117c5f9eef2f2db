"""The real Redis the Celery and production-mode tests send jobs through (started by .ci/run)."""
from contextlib import contextmanager

import pytest
import redis


@contextmanager
def emptied_redis_database(url: str):
    """A Redis database of the tests' own, emptied before and after; fails plainly when Redis is down."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis không chạy trên 127.0.0.1:6379 (.ci/run khởi động nó): redis-server --daemonize yes")
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
