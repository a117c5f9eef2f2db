"""Gunicorn's settings in production mode (`gunicorn -c python:app.serving.gunicorn_config wsgi:app`), every one
from the environment: HOST, PORT, WORKERS, THREADS, WEB_TIMEOUT_SECONDS; GUNICORN_CMD_ARGS adds any other."""
import gc

from app.serving.sizing import sizing_from_environment

_sizing = sizing_from_environment()

bind = [f"{_sizing.host}:{_sizing.port}"]
workers = _sizing.web_workers
threads = _sizing.web_threads
worker_class = "gthread"
# Rendering and signing a long document can take a while; a worker stuck longer than this is replaced.
timeout = _sizing.web_timeout_seconds
graceful_timeout = 30
# Each worker builds its own app: nothing opened before the fork (database connections, the PKI's file
# handles) is shared between processes.
preload_app = False
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
proc_name = "lienthong-web"
# Gunicorn's admin socket has one path per user ($HOME/.gunicorn/gunicorn.ctl): several servers on one machine
# (installations, test runs) would take it from each other, and nothing here uses it.
control_socket_disable = True


def post_worker_init(_worker) -> None:
    """Once the worker has built the app (~270,000 objects: modules, mappers, the catalogue's process specs), move
    them to the collector's permanent generation: they live as long as the process, and every full collection
    would otherwise walk them all again (~100 ms each, taken out of some request's time)."""
    gc.collect()
    gc.freeze()
