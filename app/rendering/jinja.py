"""Rendering print templates without Flask: for background jobs, scripts and tests.

The print templates (app/templates/print/) use only plain Jinja and literal Vietnamese text, so
they render the same through `flask.render_template` and through this environment.
"""
from collections.abc import Callable
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# Called as render(template_name, **context) -> HTML, the signature of flask.render_template.
TemplateRenderer = Callable[..., str]


@cache
def print_environment() -> Environment:
    """A Jinja environment over app/templates that autoescapes HTML, as Flask's does.

    StrictUndefined: a misspelt context key fails loudly instead of printing an empty
    number or name on an official document.
    """
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def environment_renderer(environment: Environment | None = None) -> TemplateRenderer:
    """A `render(template_name, **context)` callable over `environment` (default: print_environment())."""
    env = environment if environment is not None else print_environment()

    def render(template_name: str, /, **context) -> str:
        return env.get_template(template_name).render(**context)

    return render
