"""Which language and time zone a page is shown in."""
from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    """Vietnamese unless the person chose English (kept in the session)."""
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "vi"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
