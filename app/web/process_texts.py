"""The shipped processes' own words (BPMN names, form titles, options, help) in the English catalogue.

Processes are the province's content, written in Vietnamese by its designers. The ones shipped in `bpmn/` and
`forms/` are extracted into the catalogue by `make translations-extract` (babel.cfg names the two extractors
below), and shown translated through `process_text`. A text a designer writes later has no entry and is shown
as written — the agency's own words, which the English page marks as such (see UI.md, English mode).
"""
import json
import re

from flask_babel import gettext
from lxml import etree

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
FORM_TEXT_KEYS = ("title", "description", "ui:title", "ui:help", "ui:placeholder", "ui:description")


def process_text(text):
    """`text` in the reader's language when the catalogue knows it, else as written."""
    if not isinstance(text, str) or not text.strip():
        return text
    return gettext(text)  # no variables: gettext formats nothing, a "%" stays as written


def _form_texts(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FORM_TEXT_KEYS and isinstance(value, str) and value.strip():
                yield value
            elif key == "enumNames" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str) and v.strip())
            else:
                yield from _form_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _form_texts(item)


def extract_form_texts(fileobj, keywords, comment_tags, options):
    """Babel extractor for forms/**.json: every title, help text and option label."""
    for text in _form_texts(json.load(fileobj)):
        yield 1, None, text, []


def extract_bpmn_names(fileobj, keywords, comment_tags, options):
    """Babel extractor for bpmn/**.bpmn: the names of processes, lanes, steps, events and flows."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for element in etree.parse(fileobj, parser).iter():
        name = element.get("name") if isinstance(element.tag, str) else None
        # Extension properties carry file names in "name", multi-instance items a variable: not words.
        if name and name.strip() and etree.QName(element).localname != "property" and not IDENTIFIER.fullmatch(name):
            yield element.sourceline or 1, None, name, []
