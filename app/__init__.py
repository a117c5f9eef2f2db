"""Application factory: a readable list of what is wired, in order."""
import os
from pathlib import Path

from flask import Flask

from . import database
from .config import engine_options, load_or_create_secret_key, settings_from_environment
from .extensions import babel, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"))
    app.config.from_mapping(settings_from_environment(app.instance_path))
    if config:
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    from .web.routing import init_routing
    init_routing(app)  # before any route is added: ids in URLs stay within the database's integer
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    if not app.config.get("SIGNING_KEY_PASSPHRASE"):
        app.config["SIGNING_KEY_PASSPHRASE"] = load_or_create_secret_key(app.instance_path, "signing_key_passphrase")

    from .exchange.setup import init_exchange
    init_exchange(app)  # before the job schedule is read: the exchange's jobs run only with a transport
    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)

    from .web.i18n import select_locale, select_timezone
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(PROJECT_ROOT / "translations"))

    from .auth.session import init_login
    init_login(app, login_manager)
    from .auth.read_only import init_read_only
    init_read_only(app)
    from .web.request_checks import init_request_checks
    init_request_checks(app)

    from processes import CATALOGUE

    from .workflow.registry import init_catalogue
    init_catalogue(app, app.config.get("PROCESS_CATALOGUE") or CATALOGUE)

    from . import models_registry  # noqa: F401  (every table known to Alembic and the mapper)
    from .api import (  # noqa: F401  (routes on api_bp)
        document_views,
        dossier_archive_views,
        dossier_views,
        exchange_views,
        notification_views,
        outgoing_views,
        report_board_views,
        report_chart_views,
        report_handling_views,
        report_views,
        task_views,
    )
    from .api import views as api_views  # noqa: F401
    from .api.blueprint import bp as api_bp
    from .auditing.instance_views import bp as audit_instances_bp
    from .auditing.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .designer.form_views import bp as designer_forms_bp
    from .designer.migration_views import bp as designer_migration_bp
    from .designer.test_run_views import bp as designer_runs_bp
    from .designer.views import bp as designer_bp
    from .directory.delegation_views import bp as delegation_bp
    from .directory.views import bp as directory_bp
    from .documents.dashboard_views import bp as leader_bp
    from .documents.outgoing.views import bp as outgoing_bp
    from .documents.register_views import bp as registers_bp
    from .documents.views import bp as documents_bp
    from .documents.views import document_panel
    from .dossiers.closing_views import bp as dossier_closing_bp
    from .dossiers.handover_views import bp as dossier_packages_bp
    from .dossiers.retention_views import bp as dossier_retention_bp
    from .dossiers.views import bp as dossiers_bp
    from .exchange.failed_views import bp as exchange_outbox_bp
    from .exchange.views import bp as exchange_bp
    from .mail.views import bp as mail_bp
    from .notifications.views import bp as notifications_bp
    from .reports import (  # noqa: F401  (each adds its routes to reports_bp)
        board_views,  # noqa: F401  (adds its routes to reports_bp)
        handling_views,
        monthly_views,
    )
    from .reports.views import bp as reports_bp
    from .signing.views import bp as signing_keys_bp
    from .web.views import bp as web_bp
    from .workflow import claim_views, incident_views  # noqa: F401  (each adds its routes to tasks_bp)
    from .workflow import views as task_pages  # noqa: F401
    from .workflow.blueprint import bp as tasks_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(delegation_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(exchange_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(leader_bp)
    app.register_blueprint(registers_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(dossiers_bp)
    app.register_blueprint(dossier_packages_bp)
    app.register_blueprint(dossier_closing_bp)
    app.register_blueprint(dossier_retention_bp)
    app.register_blueprint(outgoing_bp)
    app.register_blueprint(signing_keys_bp)
    app.register_blueprint(exchange_outbox_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(audit_instances_bp)
    app.register_blueprint(designer_bp)
    app.register_blueprint(designer_forms_bp)
    app.register_blueprint(designer_migration_bp)
    app.register_blueprint(designer_runs_bp)
    from .dossiers.filing_offer import filing_offer
    from .workflow.subject_panels import register_completion_note, register_subject_panel
    register_subject_panel(app, "document", document_panel)
    register_completion_note(app, "document", filing_offer)
    from .documents.access import hidden_document_ids, secret_document_ids
    from .workflow.case_secrecy import register_subject_secrecy
    register_subject_secrecy(app, "document", hidden_document_ids, secret_document_ids)
    from .documents.outgoing.signing_steps import sign_outgoing_step
    from .workflow.signing_node import register_signing_handler
    register_signing_handler(app, "document", sign_outgoing_step)
    from .notifications.events import init_notifications
    init_notifications(app)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API authenticates by bearer token, never by cookie

    from .web.errors import register_error_handlers
    from .web.filters import register_filters
    from .web.security_headers import register_security_headers
    register_error_handlers(app)
    register_filters(app)
    register_security_headers(app)

    from .auditing.cli import audit_cli
    from .backup.cli import backup_cli
    from .demo_cli import seed_demo_command
    from .directory.cli import create_province_command
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_province_command)
    from .workflow import migration_cli  # noqa: F401  (adds `migrate` to processes_cli)
    from .workflow.cli import processes_cli
    app.cli.add_command(processes_cli)
    from .jobs.cli import worker_command
    from .signing.cli import signing_cli
    app.cli.add_command(signing_cli)
    app.cli.add_command(worker_command)
    from .exchange.cli import exchange_cli
    app.cli.add_command(exchange_cli)
    from .mail.cli import mail_cli
    app.cli.add_command(mail_cli)
    from .reports.cli import reports_cli
    app.cli.add_command(reports_cli)
    from .dossiers import archive_cli, package_cli  # noqa: F401  (add their commands to dossiers_cli)
    from .dossiers.cli import dossiers_cli
    app.cli.add_command(dossiers_cli)
    return app
