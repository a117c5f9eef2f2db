"""`flask worker`: run the background jobs in the foreground (embedded mode without the server's thread)."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .runner import Scheduler


@click.command("worker")
@click.option("--once", is_flag=True, help="Chạy mỗi việc định kỳ một lần rồi thoát (dùng với cron).")
@with_appcontext
def worker_command(once: bool):
    """Run the periodic jobs (fire due timers every 30 s) until interrupted."""
    app = current_app._get_current_object()
    if app.config.get("CELERY_BROKER_URL"):
        click.echo("CELERY_BROKER_URL đã đặt: các việc nền chạy bằng "
                   "`celery -A app.jobs.celery_app worker -B`; worker này vẫn chạy nếu bạn muốn.", err=True)
    click.echo("Đang chạy việc nền (Ctrl+C để dừng)…" if not once else "Chạy các việc định kỳ một lần…")
    try:
        Scheduler(app).run(once=once)
    except KeyboardInterrupt:
        click.echo("Đã dừng.")
