"""Production mode's settings: sizes from the CPU count or the environment, plain refusals of what is missing."""
import os

import pytest

from app import create_app
from app.config import SettingRefused
from app.serving.sizing import sizing_from_environment
from app.serving.supervisor import (
    NotReady,
    check_reachable,
    commands,
    required_settings,
    serve_roles,
    unshared_settings,
)


def test_sizes_follow_the_cpu_count_unless_set():
    cpus = os.cpu_count() or 1
    default = sizing_from_environment({})
    assert (default.host, default.port, default.web_workers, default.web_threads, default.job_workers) == (
        "127.0.0.1", 5000, 2 * cpus + 1, 1, cpus)
    chosen = sizing_from_environment({"HOST": "0.0.0.0", "PORT": "8080", "WORKERS": "9", "THREADS": "2",
                                      "CELERY_CONCURRENCY": "3"})
    assert (chosen.host, chosen.port, chosen.web_workers, chosen.web_threads, chosen.job_workers) == (
        "0.0.0.0", 8080, 9, 2, 3)
    for name, value in (("WORKERS", "0"), ("WORKERS", "năm"), ("THREADS", "-1"), ("PORT", "70000"),
                        ("WORKERS", "99999999999999999999")):
        with pytest.raises(SettingRefused, match=name):
            sizing_from_environment({name: value})


def test_missing_postgresql_or_redis_is_said_in_vietnamese_without_the_password():
    with pytest.raises(NotReady) as missing:
        required_settings({"DATABASE_URL": "mysql://root:bi-mat@db/x"})
    message = str(missing.value)
    assert "DATABASE_URL phải trỏ tới PostgreSQL" in message and "CELERY_BROKER_URL phải trỏ tới Redis" in message
    assert "make run" in message and "bi-mat" not in message
    assert required_settings({"DATABASE_URL": "postgresql+psycopg://u@h/d", "CELERY_BROKER_URL": "redis://h:6379/0"}) == (
        "postgresql+psycopg://u@h/d", "redis://h:6379/0")


def test_settings_every_machine_must_share_are_named_when_left_to_instance():
    assert unshared_settings({"SECRET_KEY": "k", "FILES_DIR": "/srv/tep"}) == [
        "SIGNING_KEY_PASSPHRASE", "PKI_DIR", "AUDIT_ANCHOR_LOG"]


def test_roles_choose_the_processes_of_a_machine():
    sizing = sizing_from_environment({"CELERY_CONCURRENCY": "2"})
    assert list(commands(serve_roles({}), sizing)) == ["web", "worker", "beat"]
    assert list(commands(serve_roles({"SERVE_ROLES": "web"}), sizing)) == ["web"]
    assert "--concurrency=2" in commands(serve_roles({"SERVE_ROLES": " worker ,worker"}), sizing)["worker"]
    with pytest.raises(SettingRefused, match="SERVE_ROLES"):
        serve_roles({"SERVE_ROLES": "web,cron"})


@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_comes_from_trusted_proxies_only(app, proxies, expected):
    proxied = create_app({**app.config, "TRUSTED_PROXIES": proxies})

    @proxied.route("/dia-chi-thu")
    def address():
        from flask import request
        return request.remote_addr

    with proxied.test_client() as client:
        answer = client.get("/dia-chi-thu", headers={"X-Forwarded-For": "203.0.113.7"},
                            environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == expected


def test_a_database_url_that_does_not_parse_is_said_without_a_traceback_or_its_password():
    with pytest.raises(NotReady) as refused:
        check_reachable("postgresql+psycopg://lienthong:bi-mat-9@127.0.0.1:54x2/lienthong", "redis://127.0.0.1:1/0")
    assert "Không kết nối được PostgreSQL" in str(refused.value) and "bi-mat-9" not in str(refused.value)


def test_a_web_worker_keeps_its_start_up_objects_out_of_the_collector():
    """Gunicorn takes the hook (its name and arity), and after it the app's objects are frozen: full collections no
    longer walk them between requests."""
    import gc

    from gunicorn.config import Config

    from app.serving import gunicorn_config

    Config().set("post_worker_init", gunicorn_config.post_worker_init)
    try:
        gunicorn_config.post_worker_init(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
