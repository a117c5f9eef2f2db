"""Every route, as anonymous and as every demo role, against an explicit table of who is allowed.

A GET is expected to answer an allowed role (200, or a redirect that is not to the login page) and to
refuse everyone else (302 to the login page, 401, 403, 404, 405). A route that changes something is
sent only by the roles that must be refused, with a valid CSRF token, and must leave the audit chain
as it was; a page may also refuse by sending the person back with a warning (a task that is not, or no
longer, theirs). A route without a row in the table fails the suite: a new route needs a decision.
"""
from flask import g
from sqlalchemy import text

from ..conftest import csrf_token_from
from ..factories import Factory
from .world import ROLES, build_world

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
# Auditors change nothing (app.auth.read_only refuses them every write before any view runs).
WRITERS = SIGNED_IN - {"auditor"}
READERS = frozenset({"clerk", "leader", "unit_head", "specialist", "format_checker", "auditor"})
WORKERS = READERS - {"auditor"}
ADMIN = frozenset({"admin"})
DESIGN = frozenset({"designer", "admin"})
CLERK = frozenset({"clerk"})
KEEPERS = frozenset({"clerk", "leader", "unit_head"})  # the incoming dashboard
REGISTER_READERS = KEEPERS | {"auditor"}  # the registers: their keepers, and auditors in their scope
REASSIGNERS = frozenset({"leader", "unit_head"})
NOBODY = frozenset()
# Báo cáo, thống kê: leaders and clerks for their agency, auditors and administrators for the province.
REPORTERS = frozenset({"clerk", "leader", "auditor", "admin"})
# Theo dõi văn bản đi names documents: the sending agency's leaders and clerks only.
BOARD_READERS = frozenset({"clerk", "leader"})

# A document route: the agency's readers see the ordinary document; the secret one only its registering
# clerk; another agency's only the province-wide auditor. Designers and administrators never.
DOCUMENT = {"": READERS, "secret": CLERK, "other_agency": frozenset({"auditor"})}
# A process case's history: auditors and leaders (of the agency); a secret document's case only for
# those who may open the document, and its clerk has no audit pages.
CASE = {"": frozenset({"auditor", "leader"}), "secret": NOBODY, "other_agency": frozenset({"auditor"})}
API_CASE = {"": READERS, "secret": CLERK, "other_agency": frozenset({"auditor"})}
OUTGOING = {"outgoing": READERS}

# Hồ sơ: the agency's readers see its dossiers (auditors any agency's); its clerks and leaders keep the list.
LIST_KEEPERS = frozenset({"clerk", "leader"})
DOSSIER = {"": READERS, "other_agency": frozenset({"auditor"})}
OWN_DOSSIER = {"": LIST_KEEPERS, "other_agency": NOBODY}
# Lưu hồ sơ: clerks and leaders of a document they may open, and the specialist who handled it (here the
# outgoing document's drafter).
FILING = {"": LIST_KEEPERS, "secret": CLERK, "other_agency": NOBODY, "outgoing": LIST_KEEPERS | {"specialist"}}

INCIDENT = {"": ADMIN, "secret": ADMIN, "other_agency": ADMIN}

# "METHOD endpoint" -> {variant of the world's ids ("" = the defaults): roles allowed}.
EXPECTED = {
    "GET static": {"": EVERYONE},
    "GET web.favicon": {"": EVERYONE},
    "GET web.vendor_asset": {"": EVERYONE},
    "POST web.set_language": {"": EVERYONE},
    "GET web.dashboard": {"": SIGNED_IN},
    "GET auth.login": {"": EVERYONE},
    "POST auth.login": {"": EVERYONE},
    "POST auth.logout": {"": SIGNED_IN},
    "GET auth.change_password_page": {"": SIGNED_IN},
    "POST auth.change_password_page": {"": SIGNED_IN},
    "GET signing_keys.my_key": {"": SIGNED_IN},
    "POST signing_keys.my_key": {"": WRITERS},
    # One's own email address and notice kinds; auditors look and change nothing.
    "GET mail.preferences_page": {"": SIGNED_IN},
    "POST mail.preferences_page": {"": WRITERS},
    "GET signing_keys.my_image": {"": frozenset({"leader"})},  # the only one with a stored signature
    "GET signing_keys.agency_key": {"": ADMIN},
    "POST signing_keys.agency_key": {"": ADMIN},
    "GET signing_keys.agency_image": {"": ADMIN},
    # Work
    "GET tasks.inbox": {"": SIGNED_IN},
    "GET tasks.task": {"": CLERK, "outgoing": frozenset({"unit_head"})},
    "POST tasks.submit_task": {"": CLERK, "outgoing": frozenset({"unit_head"})},
    # Only a draft waiting for its author may be given up; the world's tasks are not such a step.
    "POST tasks.withdraw": {"": NOBODY, "outgoing": NOBODY},
    "POST tasks.claim": {"": CLERK},
    "POST tasks.release": {"": CLERK},
    "POST tasks.reassign": {"": REASSIGNERS},
    "GET tasks.agency_tasks": {"": REASSIGNERS},
    "GET tasks.startable": {"": SIGNED_IN},
    "POST tasks.start": {"": NOBODY, "outgoing": frozenset({"specialist", "unit_head", "leader"})},
    "GET delegation.delegations": {"": SIGNED_IN},
    "POST delegation.new_delegation": {"": WRITERS},
    "POST delegation.revoke": {"": frozenset({"leader", "admin"})},
    # Thông báo: each person's own notices; đôn đốc only on an overdue document (the world's are not)
    "GET notifications.centre": {"": SIGNED_IN},
    "GET notifications.open_one": {"": frozenset({"specialist"})},
    "POST notifications.mark_read": {"": WRITERS},
    "POST notifications.remind": {"": NOBODY, "secret": NOBODY, "other_agency": NOBODY},
    # Incoming documents
    "GET documents.incoming_list": {"": READERS},
    "POST documents.clear_filters": {"": WORKERS},
    "GET documents.enter_page": {"": CLERK},
    "POST documents.enter_page": {"": CLERK},
    "GET documents.document_detail": DOCUMENT,
    "GET documents.document_file": DOCUMENT,
    "GET exchange.package_file": DOCUMENT,
    "GET exchange.receive_packages": {"": CLERK},
    "POST exchange.receive_packages": {"": CLERK},
    "GET documents.signature_report": DOCUMENT,
    "GET documents.dossier": DOCUMENT,
    "GET leader.dashboard": {"": KEEPERS},
    "GET registers.incoming_register": {"": REGISTER_READERS},
    "GET registers.outgoing_register": {"": REGISTER_READERS},
    "GET reports.statistics": {"": REPORTERS},
    "GET reports.performance": {"": REPORTERS},
    "GET reports.outgoing_board": {"": BOARD_READERS},
    "GET reports.outgoing_handling": {"": REPORTERS},
    "GET reports.monthly_reports": {"": REPORTERS},
    # Another agency's monthly report: only the province-wide readers.
    "GET reports.monthly_report_file": {"": REPORTERS, "other_agency": frozenset({"auditor", "admin"})},
    # Hồ sơ
    "GET dossiers.dossier_list": {"": READERS},
    "GET dossiers.new_dossier": {"": LIST_KEEPERS},
    "POST dossiers.new_dossier": {"": LIST_KEEPERS},
    "POST dossiers.copy_previous_year": {"": LIST_KEEPERS},
    "GET dossiers.dossier_detail": DOSSIER,
    "GET dossiers.edit_dossier": OWN_DOSSIER,
    "POST dossiers.edit_dossier": OWN_DOSSIER,
    "GET dossiers.file_document": FILING,
    "POST dossiers.file_document": FILING,
    "POST dossier_packages.download_package": OWN_DOSSIER,
    "POST dossier_closing.close_dossier": OWN_DOSSIER,
    "POST dossier_closing.legal_hold": OWN_DOSSIER,
    "GET dossier_closing.export_dossier": DOSSIER,
    # Hồ sơ hết thời hạn bảo quản: the agency's clerks and leaders see the proposals, its leaders decide.
    "GET dossier_retention.expired_dossiers": {"": LIST_KEEPERS},
    "POST dossier_retention.decide": {"": frozenset({"leader"}), "other_agency": NOBODY},
    # Outgoing documents
    "GET outgoing.released_list": {"": READERS},
    "GET outgoing.drafts_list": {"": READERS},
    "GET outgoing.preview": OUTGOING,
    "POST outgoing.recall": {"outgoing": WORKERS},
    "POST outgoing.update": {"outgoing": WORKERS},
    "POST outgoing.replace": {"outgoing": WORKERS},
    "POST outgoing.reply": {"": WORKERS, "secret": CLERK, "other_agency": NOBODY},
    # Liên thông: the sending agency's clerk, never another agency's message
    "GET outbox.failed_messages": {"": CLERK},
    "POST outbox.resend": {"": CLERK, "other_agency": NOBODY},
    "POST outbox.cancel": {"": CLERK, "other_agency": NOBODY},
    # Audit
    "GET audit.audit_home": {"": frozenset({"auditor"})},
    "GET audit.events_csv": {"": frozenset({"auditor"})},
    "GET audit_instances.instances": {"": frozenset({"auditor", "leader"})},
    "GET audit_instances.instance_history": CASE,
    "GET audit_instances.instance_diagram": CASE,
    # Administration: accounts and settings, never document contents
    "GET directory.agencies": {"": ADMIN},
    "GET directory.agency": {"": ADMIN},
    "POST directory.agency": {"": ADMIN},
    "POST directory.toggle_agency": {"": ADMIN},
    "GET directory.new_agency": {"": ADMIN},
    "POST directory.new_agency": {"": ADMIN},
    "POST directory.new_department": {"": ADMIN},
    "GET directory.department": {"": ADMIN},
    "POST directory.department": {"": ADMIN},
    "POST directory.toggle_department": {"": ADMIN},
    "GET directory.users": {"": ADMIN},
    "GET directory.user": {"": ADMIN},
    "POST directory.user": {"": ADMIN},
    "GET directory.new_user": {"": ADMIN},
    "POST directory.new_user": {"": ADMIN},
    "POST directory.toggle_user": {"": ADMIN},
    "POST directory.reset_password": {"": ADMIN},
    "GET directory.import_users_page": {"": ADMIN},
    "POST directory.import_users_page": {"": ADMIN},
    # Sự cố: administrators, their agency's or (province-wide, as the world's) every agency's, a secret
    # document's case too (its data is not shown to them).
    "GET tasks.incidents": {"": ADMIN},
    "GET tasks.incident": INCIDENT,
    "GET tasks.incident_diagram": INCIDENT,
    "POST tasks.retry_incident_step": INCIDENT,
    "POST tasks.edit_incident_data": INCIDENT,
    "POST tasks.skip_incident_step": INCIDENT,
    "POST tasks.cancel_incident": INCIDENT,
    "GET dossiers.retention_periods": {"": ADMIN},
    "POST dossiers.new_retention_period": {"": ADMIN},
    "GET dossiers.retention_period": {"": ADMIN},
    "POST dossiers.retention_period": {"": ADMIN},
    # Process design: definitions and test runs only
    "GET designer.process_list": {"": DESIGN},
    "GET designer.editor": {"": DESIGN},
    "GET designer.draft_xml": {"": DESIGN},
    "POST designer.save_draft": {"": DESIGN},
    "POST designer.upload": {"": DESIGN},
    "POST designer.publish": {"": DESIGN},
    "POST designer.discard": {"": DESIGN},
    "GET designer.versions": {"": DESIGN},
    "GET designer.version_xml": {"": DESIGN},
    "POST designer.restore": {"": DESIGN},
    "GET designer_migration.migration_page": {"": DESIGN},
    "POST designer_migration.dry_run_cases": {"": DESIGN},
    "POST designer_migration.migrate": {"": DESIGN},
    "GET designer_forms.form_editor": {"": DESIGN},
    "POST designer_forms.form_editor": {"": DESIGN},
    "POST designer_forms.form_preview": {"": DESIGN},
    "GET designer_runs.test_run_page": {"": DESIGN},
    "POST designer_runs.start_test_run": {"": DESIGN},
    "GET designer_runs.test_run": {"": DESIGN},
    "POST designer_runs.test_run": {"": DESIGN},
    "GET designer_runs.test_run_diagram": {"": DESIGN},
    # API
    "GET api.healthz": {"": EVERYONE},
    "GET api.openapi": {"": EVERYONE},
    "POST api.api_login": {"": EVERYONE},
    "GET api.me": {"": SIGNED_IN},
    "GET api.list_notifications": {"": SIGNED_IN},
    "POST api.read_notification": {"": frozenset({"specialist"})},
    "POST api.post_package": {"": CLERK},
    "POST api.api_logout": {"": SIGNED_IN},
    "GET api.get_user": {"": SIGNED_IN},
    "GET api.get_department": {"": SIGNED_IN},
    "GET api.list_tasks": {"": SIGNED_IN},
    "GET api.get_task": {"": CLERK, "outgoing": frozenset({"unit_head"})},
    "POST api.post_task": {"": CLERK},
    "POST api.prepare_external_signature": {"": CLERK},
    "POST api.finish_external_signature": {"": WRITERS},
    "POST api.post_instance": {"": NOBODY, "outgoing": frozenset({"specialist", "unit_head", "leader"})},
    "GET api.get_instance": API_CASE,
    "POST api.replay_instance": API_CASE,
    "GET api.search_documents": {"": READERS},
    "POST api.post_incoming": {"": CLERK},
    "GET api.get_document": DOCUMENT,
    "GET api.list_dossiers": {"": READERS},
    "GET api.get_dossier": DOSSIER,
    # Filing through the API: the dossier's agency's clerks, leaders and specialists (the service then asks
    # whether the specialist handled the document); another agency's dossier is not found for anyone.
    "POST api.file_into_dossier": {"": frozenset({"clerk", "leader", "specialist"}), "other_agency": NOBODY},
    # Keeping the list, closing, legal hold, packages: the agency's clerks and leaders (the pages' rule);
    # export: any reader of the dossier; retention: clerks and leaders see, leaders decide.
    "POST api.create_dossier": {"": LIST_KEEPERS},
    "PATCH api.update_dossier": OWN_DOSSIER,
    "POST api.copy_previous_year": {"": LIST_KEEPERS},
    "POST api.close_dossier": OWN_DOSSIER,
    "POST api.legal_hold": OWN_DOSSIER,
    "GET api.export_dossier": DOSSIER,
    "POST api.build_dossier_package": {"": LIST_KEEPERS},
    "GET api.list_proposals": {"": LIST_KEEPERS},
    "POST api.decide_proposal": {"": frozenset({"leader"}), "other_agency": NOBODY},
    "GET api.document_file": DOCUMENT,
    "GET api.check_signatures": DOCUMENT,
    "GET api.list_outgoing": {"": READERS},
    "GET api.get_outgoing": OUTGOING,
    "GET api.preview_outgoing": OUTGOING,
    "POST api.recall_outgoing": {"outgoing": WORKERS},
    "POST api.update_outgoing": {"outgoing": WORKERS},
    "GET api.report_statistics": {"": REPORTERS},
    "GET api.report_performance": {"": REPORTERS},
    "GET api.report_outgoing_timeline": {"": BOARD_READERS},
    "GET api.report_charts": {"": REPORTERS},
    "GET api.report_outgoing_handling": {"": REPORTERS},
    "GET api.report_monthly": {"": REPORTERS},
    "GET api.report_monthly_file": {"": REPORTERS, "other_agency": frozenset({"auditor", "admin"})},
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _route_keys(app) -> dict:
    return {f"{method} {rule.endpoint}": rule for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - IGNORED_METHODS)}


def test_every_route_has_a_row_in_the_table(app):
    keys = _route_keys(app)
    assert sorted(set(keys) - set(EXPECTED)) == [], "routes nobody decided about: add them to EXPECTED"
    assert sorted(set(EXPECTED) - set(keys)) == [], "rows for routes that no longer exist"


def _outcome(response, warned: bool) -> str:
    if response.status_code in (401, 403, 404, 405):
        return "refused"
    if response.status_code in (301, 302, 303) and ("/dang-nhap" in response.location or warned):
        return "refused"
    return "allowed" if response.status_code < 400 else f"answered {response.status_code}"


class _Caller:
    """One role's browser session and API token.

    The test's app context is shared by every request, so `g` would carry the previous request's signed-in
    user (Flask-Login) and CSRF token (Flask-WTF) into the next one: each request starts with an empty `g`,
    as it does in a server.
    """

    def __init__(self, app, user):
        self.client = app.test_client()
        self.headers = {}
        if user is not None:
            page = self.open("GET", "/dang-nhap").get_data(as_text=True)
            signed_in = self.open("POST", "/dang-nhap", data={
                "username": user.username, "password": Factory.PASSWORD, "csrf_token": csrf_token_from(page)})
            assert signed_in.status_code == 302, signed_in.status_code
            token = self.open("POST", "/api/v1/auth/login", json={"username": user.username,
                                                                  "password": Factory.PASSWORD}).get_json()["token"]
            self.headers = {"Authorization": f"Bearer {token}"}
        self.csrf = csrf_token_from(self.open("GET", "/doi-mat-khau" if user else "/dang-nhap").get_data(as_text=True))

    def open(self, method: str, url: str, **kwargs):
        for name in list(g):
            g.pop(name)
        return self.client.open(url, method=method, **kwargs)

    def call(self, method: str, url: str) -> str:
        """The route as this role would call it (the API with the token, a page with the session): its outcome."""
        if url.startswith("/api/"):
            return _outcome(self.open(method, url, headers=self.headers, json={} if method != "GET" else None), False)
        response = self.open(method, url, data={"csrf_token": self.csrf} if method != "GET" else None)
        return _outcome(response, self._warned())

    def _warned(self) -> bool:
        """Whether the response left a warning for the next page (and take the messages away)."""
        with self.client.session_transaction() as session:
            flashed = session.pop("_flashes", [])
        return any(category in ("warning", "danger") for category, _message in flashed)


def _chain_head(db):
    return db.session.execute(text("SELECT seq, hash FROM audit_chain_head")).one()


def test_every_route_answers_exactly_the_roles_in_the_table(app, db, make, deployed):
    world = build_world(app, db, make)
    callers = {role: _Caller(app, world.users.get(role)) for role in ROLES}
    rules = _route_keys(app)
    wrong = []
    for key, variants in EXPECTED.items():
        method, _endpoint = key.split()
        for variant, allowed in variants.items():
            url = rules[key].build({**world.values, **world.variants.get(variant, {})}, append_unknown=False)[1]
            for role in ROLES:
                if method != "GET" and role in allowed:
                    continue  # an allowed change would really happen; only refusals are walked
                before = _chain_head(db) if method != "GET" else None
                got = callers[role].call(method, url)
                expected = "allowed" if role in allowed else "refused"
                if got != expected:
                    wrong.append(f"{key} [{variant or 'default'}] {url} as {role}: {got}, expected {expected}")
                elif before is not None and _chain_head(db) != before:
                    wrong.append(f"{key} [{variant or 'default'}] {url} as {role}: refused after a change")
    assert wrong == [], "\n".join(wrong)
