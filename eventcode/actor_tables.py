"""Loading the actor tables: countries, organisations, people and role nouns.

Each loader turns checked rows into name entries, reporting every problem as `file:line: message`;
`codebooks.load_codebooks` wires them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from .tables import Problems, Row

_ACTOR_CODE = re.compile(r"^(?:[A-Z]{3}|---)(?:[A-Z]{3})*$")
_NAME_SUFFIXES = frozenset({"JR", "SR"})
_REGNAL = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
COUNTRY_KINDS = frozenset({"name", "short", "historical", "adjective", "demonym", "capital", "seat"})
PLACE_KINDS = frozenset({"city", "region"})


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One name form of an actor: a country, a seat of power, an organisation or a person.

    Attributes:
        form: The name as written, matched ignoring case.
        code: The actor code it gives.
        kind: `country`, `organization` or `person`.
        key: What the form names: the country code, the organisation key, the person's name.
        start: For a person, the first day in office; else None.
        end: For a person, the last day in office (None while in office or for others).
        generated: Whether the loader made the form (a surname) rather than a curator.
        ref: `file:line`.
    """

    form: str
    code: str
    kind: str
    key: str
    start: dt.date | None
    end: dt.date | None
    generated: bool
    ref: str


@dataclass(frozen=True, slots=True)
class Agent:
    """A role noun ("minister") and the role code it gives ("GOV")."""

    noun: str
    role: str
    ref: str


def _actor_code(row: Row, code: str, problems: Problems, *, length: int | None = None) -> bool:
    if not _ACTOR_CODE.fullmatch(code) or (length is not None and len(code) != length):
        size = f"{length} letters" if length else "3-letter segments"
        problems.add(row.path, row.line, f"actor code {code!r} must be capital letters in {size}")
        return False
    return True


def countries(
    rows: list[Row], problems: Problems, *, kinds: frozenset[str] = COUNTRY_KINDS, entry_kind: str = "country"
) -> tuple[NameEntry, ...]:
    """Name forms of countries (`countries.tsv`), or of their cities and regions (`places.tsv`,
    with `kinds` PLACE_KINDS and `entry_kind` "place")."""
    found: list[NameEntry] = []
    for row in rows:
        code, kind, name = row.values["code"], row.values["kind"], row.values["name"]
        if kind not in kinds:
            problems.add(row.path, row.line, f"kind {kind!r} must be one of {', '.join(sorted(kinds))}")
        elif not name:
            problems.add(row.path, row.line, "name is empty")
        elif _actor_code(row, code, problems, length=None if kind == "seat" else 3):
            kind_of_entry = "place" if kind == "capital" else entry_kind  # a capital is also a city
            found.append(NameEntry(name, code, kind_of_entry, code[:3], None, None, False, row.ref))
    return tuple(found)


def country_names(rows: list[Row]) -> dict[str, str]:
    """Each country's common name: its second `name` line where the first is an official "X of Y"
    form ("United States of America" -> "United States"), else its first."""
    forms: dict[str, list[str]] = {}
    for row in rows:
        code, kind = row.values["code"], row.values["kind"]
        if kind == "name" and len(code) == 3:
            forms.setdefault(code, []).append(row.values["name"])
    return {code: n[1] if len(n) > 1 and " of " in n[0] else n[0] for code, n in forms.items()}


def organizations(rows: list[Row], problems: Problems) -> tuple[NameEntry, ...]:
    found: list[NameEntry] = []
    codes: dict[str, str] = {}
    for row in rows:
        org, code, name = row.values["org"], row.values["code"], row.values["name"]
        if not org or not name:
            problems.add(row.path, row.line, "org and name must not be empty")
        elif codes.setdefault(org, code) != code:
            problems.add(
                row.path, row.line, f"organisation {org} has code {codes[org]} elsewhere, not {code}"
            )
        elif _actor_code(row, code, problems):
            found.append(NameEntry(name, code, "organization", org, None, None, False, row.ref))
    return tuple(found)


def people(rows: list[Row], problems: Problems) -> tuple[NameEntry, ...]:
    found: list[NameEntry] = []
    for row in rows:
        name, code = row.values["name"], row.values["code"]
        start, end = _date(row, "start", problems, required=True), _date(row, "end", problems)
        if not name or not _actor_code(row, code, problems) or start is None:
            continue
        if end is not None and end < start:
            problems.add(row.path, row.line, f"end {end} is before start {start}")
            continue
        forms = [name, *(a.strip() for a in row.values["aliases"].split("|") if a.strip())]
        for form in forms:
            found.append(NameEntry(form, code, "person", name, start, end, False, row.ref))
        for form in _short_forms(forms):
            found.append(NameEntry(form, code, "person", name, start, end, True, row.ref))
    _check_overlaps(found, problems)
    return tuple(found)


def _short_forms(forms: list[str]) -> list[str]:
    """The surname and initial-plus-surname forms the loader adds ("Munir", "A. Munir").

    A regnal number or suffix is not a surname ("Abdullah II", "Marcos Jr."), and a surname that
    is also a common English word ("May") is not added alone.
    """
    short: list[str] = []
    for form in forms:
        parts = [p for i, p in enumerate(form.split()) if i == 0 or not _is_suffix(p.rstrip(".,"))]
        if len(parts) < 2:
            continue
        surname = parts[-1]
        extras = [f"{parts[-2][0]}. {surname}"]
        if surname.lower() not in STOP_WORDS:
            extras.insert(0, surname)
        for extra in extras:
            if extra not in forms and extra not in short:
                short.append(extra)
    return short


def _is_suffix(word: str) -> bool:
    """ "Jr.", "Sr.", or a regnal number written in capitals ("II", "XVI", the "I" of "Bokassa I")."""
    return word.upper() in _NAME_SUFFIXES or (word.isupper() and _REGNAL.fullmatch(word) is not None)


def _check_overlaps(entries: list[NameEntry], problems: Problems) -> None:
    """One person's periods in the same office (the same code) must not overlap.

    Different offices may overlap (a general who is also president); `_pick_entry` then takes
    the office entered last.
    """
    periods: dict[tuple[str, str], list[NameEntry]] = {}
    for e in entries:
        if not e.generated and e.form == e.key:
            periods.setdefault((e.key, e.code), []).append(e)
    for (person, _), spans in periods.items():
        spans.sort(key=lambda e: e.start or dt.date.min)
        for before, after in itertools.pairwise(spans):
            if before.end is None or (after.start is not None and after.start <= before.end):
                path, line = after.ref.rsplit(":", 1)
                problems.add(path, int(line), f"{person}: office period overlaps the one at {before.ref}")


def _date(row: Row, column: str, problems: Problems, *, required: bool = False) -> dt.date | None:
    text = row.values[column]
    if not text:
        if required:
            problems.add(row.path, row.line, f"{column} date is empty")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.add(row.path, row.line, f"{column} date {text!r} is not YYYY-MM-DD")
        return None


def unique_names(names: tuple[NameEntry, ...], problems: Problems) -> tuple[NameEntry, ...]:
    """Report a curated name form given to two different actors; drop generated forms that clash."""
    curated: dict[str, NameEntry] = {}
    for e in names:
        if e.generated or e.kind == "person":
            continue
        other = curated.setdefault(e.form.casefold(), e)
        if other is not e and other.key != e.key:
            path, line = e.ref.rsplit(":", 1)
            problems.add(path, int(line), f"name {e.form!r} is also given to {other.key} at {other.ref}")
        elif other is not e:
            path, line = e.ref.rsplit(":", 1)
            problems.add(path, int(line), f"name {e.form!r} is listed twice (also at {other.ref})")
    return tuple(e for e in names if e.kind != "person" or e.form.casefold() not in curated)


def agents(rows: list[Row], roles: Mapping[str, int], problems: Problems) -> tuple[Agent, ...]:
    found: dict[str, Agent] = {}
    for row in rows:
        role, noun = row.values["role"], row.values["noun"].lower()
        if role not in roles:
            problems.add(row.path, row.line, f"role {role!r} is not in roles.tsv")
        elif not noun:
            problems.add(row.path, row.line, "noun is empty")
        elif noun in found:
            problems.add(row.path, row.line, f"noun {noun!r} is also listed at {found[noun].ref}")
        else:
            found[noun] = Agent(noun, role, row.ref)
    return tuple(found.values())
