"""instructionsForEndUser: a Jinja template over the task data, then Markdown, then sanitised HTML.

The template runs in Jinja's sandbox (no attribute tricks, no globals) and the HTML is cleaned
by an allow-list, so a designer's text can format a page but never script it.
"""
import nh3
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import Markup

_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h3", "h4", "h5",
         "table", "thead", "tbody", "tr", "th", "td", "hr"}
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_JINJA = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


def render_instructions(text: str, data: dict) -> Markup:
    """Return safe HTML for the instructions; a template error shows the text without substitutions."""
    if not text:
        return Markup("")
    try:
        text = _JINJA.from_string(text).render(**{k: v for k, v in data.items() if isinstance(k, str)})
    except TemplateError:
        pass  # a missing variable must not hide the instructions from the person doing the task
    html = _MARKDOWN.render(text)
    return Markup(nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes={"http", "https", "mailto"}))
