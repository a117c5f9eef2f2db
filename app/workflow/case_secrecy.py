"""Secrecy of cases as one rule: a case whose subject the person may not see shows "Văn bản mật" and
nothing of its number or subject, in every list, export and API answer.

A case's title is built from its subject (e.g. "15/QĐ-UBND — V/v …"), so it is as secret as the
subject. The workflow package knows no domain: the domain that owns a subject type registers who may
not see which of its subjects (the documents package: secret documents outside the person's
participation), and everything here asks that one rule.
"""
from dataclasses import dataclass
from typing import Callable, Iterable

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from .models import ProcessInstance

SECRET_TITLE = _l("Văn bản mật")
_KEY = "lienthong.subject_secrecy"

# hidden(actor, subject ids) -> the ids among them the actor may not see; restricted(subject ids) -> the
# ids among them that are secret at all (each one query for many ids).
HiddenSubjects = Callable[[object, set[str]], set[str]]
RestrictedSubjects = Callable[[set[str]], set[str]]


def register_subject_secrecy(app: Flask, subject_type: str, hidden: HiddenSubjects,
                             restricted: RestrictedSubjects) -> None:
    app.extensions.setdefault(_KEY, {})[subject_type] = (hidden, restricted)


def _by_type(subjects) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for subject_type, subject_id in subjects:
        if subject_type and subject_id:
            wanted.setdefault(subject_type, set()).add(str(subject_id))
    return wanted


def hidden_subjects(actor, subjects: Iterable[tuple[str | None, str | None]]) -> set[tuple[str, str]]:
    """The (type, id) pairs among `subjects` the actor may not see."""
    rules = current_app.extensions.get(_KEY, {})
    return {(subject_type, subject_id) for subject_type, ids in _by_type(subjects).items() if subject_type in rules
            for subject_id in rules[subject_type][0](actor, ids)}


def restricted_subjects(subjects: Iterable[tuple[str | None, str | None]]) -> set[tuple[str, str]]:
    """The (type, id) pairs among `subjects` that only some people may see (whom: hidden_subjects)."""
    rules = current_app.extensions.get(_KEY, {})
    return {(subject_type, subject_id) for subject_type, ids in _by_type(subjects).items() if subject_type in rules
            for subject_id in rules[subject_type][1](ids)}


def may_see_subject(actor, subject_type: str | None, subject_id: str | None) -> bool:
    return not hidden_subjects(actor, [(subject_type, subject_id)])


def may_see_case(actor, instance: ProcessInstance) -> bool:
    """Whether the actor may see the case at all (a single case of a hidden subject answers 404)."""
    return may_see_subject(actor, instance.subject_type, instance.subject_id)


def hidden_cases(actor, instances: Iterable[ProcessInstance]) -> set[int]:
    """Ids of the instances whose subject the actor may not see."""
    instances = [i for i in instances if i is not None]
    hidden = hidden_subjects(actor, ((i.subject_type, i.subject_id) for i in instances))
    return {i.id for i in instances if (i.subject_type, i.subject_id) in hidden}


def case_titles(actor, instances: Iterable[ProcessInstance]) -> dict[int, str]:
    """Instance id -> the title the actor may see, for a page of a list."""
    instances = list(instances)
    hidden = hidden_cases(actor, instances)
    return {i.id: str(SECRET_TITLE) if i.id in hidden else i.title for i in instances}


def secret_cases(instances: Iterable[ProcessInstance]) -> set[int]:
    """Ids of the instances whose subject is secret at all: the lists mark them "Mật" for those who may
    see them (the others see SECRET_TITLE instead of the title)."""
    instances = [i for i in instances if i is not None]
    restricted = restricted_subjects((i.subject_type, i.subject_id) for i in instances)
    return {i.id for i in instances if (i.subject_type, i.subject_id) in restricted}


@dataclass
class CaseLabels:
    titles: dict[int, str]  # instance id -> the title the actor may see
    secret: set[int]  # the instances the actor may see whose subject is secret: marked "Mật"


def case_labels(actor, instances: Iterable[ProcessInstance]) -> CaseLabels:
    """Titles and "Mật" marks for a page of a list: one query when nothing on it is secret, three at most."""
    instances = [i for i in instances if i is not None]
    secret = secret_cases(instances)
    hidden = hidden_cases(actor, [i for i in instances if i.id in secret])
    return CaseLabels({i.id: str(SECRET_TITLE) if i.id in hidden else i.title for i in instances}, secret - hidden)
