"""instructionsForEndUser: a Jinja template over the task data, then Markdown, then sanitised HTML.

The template runs in Jinja's sandbox (no attribute tricks, no globals) and the HTML is cleaned
by an allow-list, so a designer's text can format a page but never script it. It is rendered on
every view of the task, inside the request: the operators and filters that can outgrow their
operands go through the scripts' size guards (code_limits), range() is short, and a tracer stops a
render that takes too many steps or too long, so a template shows a placeholder instead of
stalling the server. Publishing runs the same template once (check_instructions).
"""
from functools import lru_cache
from string import Formatter

import nh3
from flask_babel import gettext as _
from jinja2 import (
    ChainableUndefined,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    Undefined,
    pass_environment,
    pass_eval_context,
)
from jinja2.compiler import CodeGenerator
from jinja2.filters import FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from markdown_it import MarkdownIt
from markupsafe import Markup

from .code_limits import (
    BINARY,
    MAX_SIZE,
    ScriptPolicyError,
    bounded_attribute,
    bounded_range,
    bounded_round,
    bounded_sum,
    check_format_spec,
    check_size,
    check_text_method,
)
from .scripting import time_guard

MAX_TEMPLATE_CHARS = 20_000
MAX_OUTPUT_CHARS = 200_000  # far more than a page of instructions
MAX_STEPS = 100_000  # lines of the template run and Python calls made in one render
TIME_LIMIT = 0.5

_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h3", "h4", "h5",
         "table", "thead", "tbody", "tr", "th", "td", "hr"}
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
# Their size arguments multiply the output (batch/slice fill, indent per line, center width).
_DROPPED_FILTERS = {"batch", "slice", "indent", "center", "pprint"}


class InstructionsTooComplex(Exception):
    """A template passed its render budget: output, steps or time."""


@pass_eval_context
def _join(eval_ctx, value, d="", attribute=None):
    items = list(value)
    check_size([items, d * min(len(items), MAX_SIZE + 1)], "kết quả join")
    return FILTERS["join"](eval_ctx, items, d, attribute)


@pass_eval_context
def _replace(eval_ctx, value, old, new, count=None):
    check_text_method(str(check_size(value)), "replace", str(old), str(new), -1 if count is None else count)
    return FILTERS["replace"](eval_ctx, value, old, new, count)


def _format(value, *args, **kwargs):
    return BINARY["%"](str(check_size(value)), kwargs or args)


def _round(value, precision=0, method="common"):
    bounded_round(0, precision)
    return FILTERS["round"](value, precision, method)


@pass_environment
def _sum(environment, iterable, attribute=None, start=0):
    bounded_sum((), start)
    return FILTERS["sum"](environment, iterable, attribute, start)


class _MeasuredConcat(CodeGenerator):
    def visit_Concat(self, node, frame):
        # `a ~ b ~ c` is joined pairwise through the size guard, as + is in scripts.
        self.write("environment.concat(" * (len(node.nodes) - 1))
        self.visit(node.nodes[0], frame)
        for part in node.nodes[1:]:
            self.write(", ")
            self.visit(part, frame)
            self.write(")")


class BoundedTemplates(ImmutableSandboxedEnvironment):
    """Jinja's sandbox with the scripts' size guards, a short range() and no filter that multiplies output."""

    code_generator_class = _MeasuredConcat
    intercepted_binops = frozenset({"+", "*", "**", "%"})  # also keeps the compiler from folding them

    def __init__(self, undefined=StrictUndefined):
        super().__init__(autoescape=False, undefined=undefined, finalize=_measured)
        self.filters = {name: f for name, f in self.filters.items() if name not in _DROPPED_FILTERS}
        self.filters.update(join=_join, replace=_replace, format=_format, round=_round, sum=_sum,
                            string=lambda value: str(check_size(value)))
        self.globals = {"range": bounded_range, "dict": dict, "namespace": Namespace, "cycler": Cycler,
                        "joiner": Joiner}

    def call_binop(self, context, operator, left, right):
        return BINARY[operator](left, right)

    def concat(self, left, right):
        return BINARY["+"](str(check_size(left)), str(check_size(right)))

    def getattr(self, obj, attribute):
        value = super().getattr(obj, attribute)
        return value if isinstance(value, Undefined) else bounded_attribute(obj, attribute, value)

    def getitem(self, obj, argument):
        value = super().getitem(obj, argument)
        if isinstance(value, Undefined) or not isinstance(argument, str):
            return value
        return bounded_attribute(obj, argument, value)

    def wrap_str_format(self, value):
        # Jinja swaps str.format for its sandboxed formatter here; the widths are checked before it runs.
        sandboxed = super().wrap_str_format(value)
        if sandboxed is None:
            return None

        def measured(*args, **kwargs):
            for _text, _field, spec, _conversion in Formatter().parse(value.__self__):
                check_format_spec(spec or "")
            check_size([args, kwargs], "tham số định dạng")
            return sandboxed(*args, **kwargs)
        return measured


def _measured(value):
    return check_size(value, "giá trị hiển thị")


_JINJA = BoundedTemplates()
_CHECKING = BoundedTemplates(undefined=ChainableUndefined)  # publish-time run: no task data yet


def _render(environment, text: str, data: dict) -> str:
    if len(text) > MAX_TEMPLATE_CHARS:
        raise InstructionsTooComplex(f"dài {len(text):,} ký tự (tối đa {MAX_TEMPLATE_CHARS:,})")
    parts, length = [], 0
    try:
        template = _compiled(environment, text)
        with time_guard(TIME_LIMIT, max_steps=MAX_STEPS, watched_file="<template>"):
            for part in template.generate(**{k: v for k, v in data.items() if isinstance(k, str)}):
                length += len(part)
                if length > MAX_OUTPUT_CHARS:
                    raise InstructionsTooComplex(f"kết quả dài hơn {MAX_OUTPUT_CHARS:,} ký tự")
                parts.append(part)
    except ScriptPolicyError as error:
        raise InstructionsTooComplex(str(error).rstrip(".")) from error
    except RecursionError as error:
        raise InstructionsTooComplex("mẫu lồng nhau quá sâu") from error
    except (OverflowError, MemoryError) as error:
        raise InstructionsTooComplex("giá trị quá lớn") from error
    return "".join(parts)


@lru_cache(maxsize=256)
def _compiled(environment, text: str):
    """A template compiled once per process: the text comes from a version's files, which never change,
    and a compiled template keeps no state between renders."""
    return environment.from_string(text)


CACHED_HTML_CHARS = 10_000  # longer texts (rare: data pasted in) are cleaned each time rather than kept


@lru_cache(maxsize=512)
def _cached_html(text: str) -> Markup:
    return _clean_html(text)


def _clean_html(text: str) -> Markup:
    html = _MARKDOWN.render(text)
    return Markup(nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes={"http", "https", "mailto"}))


def render_instructions(text: str, data: dict) -> Markup:
    """Return safe HTML for the instructions; a template error shows the text without substitutions."""
    if not text:
        return Markup("")
    try:
        text = _render(_JINJA, text, data)
    except InstructionsTooComplex:
        return Markup("<p><em>%s</em></p>") % _("Hướng dẫn quá phức tạp để hiển thị.")
    except TemplateError:
        pass  # a missing variable must not hide the instructions from the person doing the task
    # The same rendered text (most instructions name no data, or the same) gives the same HTML.
    return _cached_html(text) if len(text) <= CACHED_HTML_CHARS else _clean_html(text)


def check_instructions(text: str) -> str | None:
    """Why these instructions cannot be published (syntax, or too complex even without task data), or None."""
    if not text:
        return None
    try:
        _render(_CHECKING, text, {})
    except InstructionsTooComplex as error:
        return _("Hướng dẫn quá phức tạp để hiển thị: %(reason)s.", reason=error)
    except TemplateSyntaxError as error:
        return _("Hướng dẫn có lỗi cú pháp mẫu ở dòng %(line)s (hoặc dùng bộ lọc không có).", line=error.lineno)
    except TemplateError:
        pass  # data-dependent (a value missing or of another type): shown as text when it happens
    return None
