"""Load and validate a codebook folder into one immutable `Codebooks` value.

Each kind of file has one loader here. Every problem is collected as `file:line: message` and
raised together in one `CodebookError`, so a curator fixes them in one pass; no line is skipped
silently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.resources
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from . import actor_tables
from .actor_tables import Agent as Agent
from .actor_tables import NameEntry as NameEntry
from .errors import CodebookError, EventcodeError
from .tables import Problems, Row, read_table

_NAME_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"})
_ACTOR_CODE = re.compile(r"^(?:[A-Z]{3}|---)(?:[A-Z]{3})*$")
_PATTERN_ID = re.compile(r"^v(\d\d)-\d{4}$")
_PATTERN_WORD = re.compile(r"^[a-z][a-z'-]*$")
# Determiners are never searched among a head's dependents, so a pattern naming one never matches.
_NEVER_MATCH = frozenset({"a", "an", "the", "this", "that", "these", "those"})
# The 16 event types of PLOVER, the ontology that succeeds CAMEO; plover.tsv maps each CAMEO code to one.
PLOVER_EVENTS = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


@dataclass(frozen=True, slots=True)
class EventType:
    """One CAMEO code of the taxonomy, with its PLOVER event type (from plover.tsv)."""

    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_event: str = ""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One verb or event-noun pattern.

    Attributes:
        pattern_id: Stable id (`v04-0012`).
        code: The CAMEO code it gives.
        head: The verb's base form or the event noun.
        words: The other words that must be among the head's dependents.
        target_after: Where the target is: "" for the head's object, a word of `words` for the
            object of that preposition or the actor attached to that noun, None for the default.
        nominal: Whether the head is a noun (`~visit`).
        ref: `file:line`.
    """

    pattern_id: str
    code: str
    head: str
    words: tuple[str, ...]
    target_after: str | None
    nominal: bool
    ref: str


@dataclass(frozen=True, slots=True)
class Discard:
    """A phrase that keeps a story or a sentence from being coded."""

    scope: str
    phrase: str
    ref: str


@dataclass(frozen=True, slots=True)
class Modality:
    """What an event's code becomes when intended, appealed for or refused (`modality.tsv`).

    Attributes:
        intent: The code when promised or planned (None: unchanged).
        appeal: The code when urged on another (None: unchanged).
        refusal: The code when negated or refused; None means no event.
    """

    intent: str | None
    appeal: str | None
    refusal: str | None


@dataclass(frozen=True, slots=True)
class Codebooks:
    """Everything the coder knows, loaded once and never changed.

    Attributes:
        folder: Where it was loaded from.
        digest: SHA-256 of every file read, recorded in the output's metadata.
        event_types: The taxonomy by code.
        role_priority: Role code -> priority (lower wins).
        patterns: Verb and noun patterns.
        names: Name forms of countries, organisations and people.
        agents: Role nouns.
        discards: Phrases that keep text from being coded.
        modality: Code prefix -> how intent, appeal and refusal change it.
        country_names: Country code -> its common name ("United States"), for labels.
        role_names: Role code -> its name in roles.tsv ("Military"), for labels.
    """

    folder: Path
    digest: str
    event_types: Mapping[str, EventType]
    role_priority: Mapping[str, int]
    patterns: tuple[Pattern, ...]
    names: tuple[NameEntry, ...]
    agents: tuple[Agent, ...]
    discards: tuple[Discard, ...]
    modality: Mapping[str, Modality]

    def modality_of(self, code: str) -> Modality | None:
        """The `modality.tsv` row of the longest listed prefix of `code`."""
        for size in range(len(code), 1, -1):
            row = self.modality.get(code[:size])
            if row is not None:
                return row
        return None

    country_names: Mapping[str, str]
    role_names: Mapping[str, str]


def default_folder() -> Path:
    """The codebook folder shipped with eventcode."""
    return Path(str(importlib.resources.files("eventcode.codebooks_data")))


def load_codebooks(folder: Path | None = None) -> Codebooks:
    """Load and validate every codebook file in `folder`.

    Args:
        folder: A codebook folder; None for the one shipped with eventcode.

    Returns:
        The loaded codebooks.

    Raises:
        EventcodeError: The folder does not exist.
        CodebookError: Any line has a problem; every problem is listed.
    """
    folder = default_folder() if folder is None else folder
    if not (folder / "cameo.tsv").is_file():
        raise EventcodeError(f"{folder}: not a codebook folder (no cameo.tsv in it)")
    problems = Problems()
    files = _files(folder)
    tables = {name: path for name, path in files}

    def rows(name: str, columns: tuple[str, ...], optional: int = 0) -> list[Row]:
        return list(read_table(tables[name], name, columns, problems, optional=optional))

    cameo_rows = rows("cameo.tsv", ("code", "name", "goldstein", "quad_class"))
    event_types = _plover(
        _optional_rows(tables, "plover.tsv", ("cameo_code", "plover_event"), problems),
        _event_types(cameo_rows, problems),
        {row.values["code"]: row.line for row in cameo_rows},
        problems,
        present="plover.tsv" in tables,
    )
    role_rows = _optional_rows(tables, "roles.tsv", ("code", "name", "priority"), problems)
    role_priority = _roles(role_rows, problems)
    patterns = tuple(
        p
        for name in sorted(n for n in tables if n.startswith("verbs/"))
        for p in _patterns(rows(name, ("id", "code", "pattern")), event_types, problems)
    )
    _check_unique_patterns(patterns, problems)
    country_rows = _optional_rows(tables, "actors/countries.tsv", ("code", "kind", "name"), problems)
    names = (
        actor_tables.countries(country_rows, problems)
        + actor_tables.countries(
            _optional_rows(tables, "actors/places.tsv", ("code", "kind", "name"), problems),
            problems,
            kinds=actor_tables.PLACE_KINDS,
            entry_kind="place",
        )
        + actor_tables.organizations(
            _optional_rows(tables, "actors/organizations.tsv", ("org", "code", "name"), problems), problems
        )
        + actor_tables.people(
            [
                row
                for name in sorted(n for n in tables if n.startswith("actors/people"))
                for row in rows(name, ("name", "code", "start", "end", "aliases"), optional=2)
            ],
            problems,
        )
    )
    names = actor_tables.unique_names(names, problems)
    agents = actor_tables.agents(
        _optional_rows(tables, "actors/agents.tsv", ("role", "noun"), problems), role_priority, problems
    )
    discards = _discards(_optional_rows(tables, "discards.tsv", ("scope", "phrase"), problems), problems)
    modality = _modality(
        _optional_rows(tables, "modality.tsv", ("code", "intent", "appeal", "refusal"), problems),
        event_types,
        problems,
    )
    if problems.items:
        raise CodebookError(problems.items)
    return Codebooks(
        folder=folder,
        digest=_digest(files),
        event_types=MappingProxyType(event_types),
        role_priority=MappingProxyType(role_priority),
        patterns=patterns,
        names=names,
        agents=agents,
        discards=discards,
        modality=MappingProxyType(modality),
        country_names=MappingProxyType(actor_tables.country_names(country_rows)),
        role_names=MappingProxyType(
            {r.values["code"]: r.values["name"] for r in role_rows if r.values["code"] in role_priority}
        ),
    )


def _files(folder: Path) -> list[tuple[str, Path]]:
    found = sorted(p for p in folder.rglob("*.tsv") if p.is_file())
    return [(p.relative_to(folder).as_posix(), p) for p in found]


def _optional_rows(
    tables: dict[str, Path], name: str, columns: tuple[str, ...], problems: Problems
) -> list[Row]:
    if name not in tables:
        return []
    return list(read_table(tables[name], name, columns, problems))


def _digest(files: list[tuple[str, Path]]) -> str:
    sha = hashlib.sha256()
    for name, path in files:
        sha.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def _event_types(rows: list[Row], problems: Problems) -> dict[str, EventType]:
    found: dict[str, EventType] = {}
    for row in rows:
        code, name = row.values["code"], row.values["name"]
        if not re.fullmatch(r"\d{2,4}", code):
            problems.add(row.path, row.line, f"CAMEO code {code!r} must be 2 to 4 digits")
            continue
        if code in found:
            problems.add(row.path, row.line, f"code {code} is listed twice")
            continue
        try:
            goldstein = float(row.values["goldstein"])
        except ValueError:
            problems.add(row.path, row.line, f"Goldstein value {row.values['goldstein']!r} is not a number")
            continue
        if not -10 <= goldstein <= 10:
            problems.add(row.path, row.line, f"Goldstein value {goldstein} is outside -10..10")
        quad = row.values["quad_class"]
        if quad != str(quad_class_of(code)):
            problems.add(
                row.path, row.line, f"quad class of {code} must be {quad_class_of(code)}, not {quad!r}"
            )
        if len(code) > 2 and code[:2] not in found:
            problems.add(row.path, row.line, f"code {code} comes before its root {code[:2]}")
        found[code] = EventType(code, name, goldstein, quad_class_of(code))
    return found


def quad_class_of(code: str) -> int:
    """GDELT's quad class of a CAMEO code, by its root: 1 for 01-05, 2 for 06-08, 3 for 09-13, 4 else."""
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def _plover(
    rows: list[Row],
    event_types: dict[str, EventType],
    cameo_lines: Mapping[str, int],
    problems: Problems,
    *,
    present: bool,
) -> dict[str, EventType]:
    """The event types with their PLOVER type; every CAMEO code must have exactly one."""
    if not present:
        problems.add("plover.tsv", 1, "file is missing: every CAMEO code needs its PLOVER event type")
        return event_types
    found: dict[str, str] = {}
    for row in rows:
        code, plover = row.values["cameo_code"], row.values["plover_event"]
        if code not in event_types:
            problems.add(row.path, row.line, f"unknown CAMEO code {code!r}")
        elif plover not in PLOVER_EVENTS:
            problems.add(row.path, row.line, f"unknown PLOVER event type {plover!r}")
        elif code in found:
            problems.add(row.path, row.line, f"code {code} is listed twice")
        else:
            found[code] = plover
    for code in (c for c in event_types if c not in found):
        problems.add(
            "cameo.tsv", cameo_lines.get(code, 1), f"code {code} has no PLOVER event type in plover.tsv"
        )
    return {code: dataclasses.replace(t, plover_event=found.get(code, "")) for code, t in event_types.items()}


def _roles(rows: list[Row], problems: Problems) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        code, priority = row.values["code"], row.values["priority"]
        if not re.fullmatch(r"[A-Z]{3}", code):
            problems.add(row.path, row.line, f"role code {code!r} must be three capital letters")
        elif code in found:
            problems.add(row.path, row.line, f"role {code} is listed twice")
        elif not priority.isdigit():
            problems.add(row.path, row.line, f"priority {priority!r} must be a whole number")
        else:
            found[code] = int(priority)
    return found


def _patterns(rows: list[Row], event_types: Mapping[str, EventType], problems: Problems) -> list[Pattern]:
    found: list[Pattern] = []
    for row in rows:
        pattern_id, code, text = row.values["id"], row.values["code"], row.values["pattern"]
        id_match = _PATTERN_ID.fullmatch(pattern_id)
        if code not in event_types:
            problems.add(row.path, row.line, f"unknown CAMEO code {code!r}")
            continue
        if id_match is None:
            problems.add(row.path, row.line, f"pattern id {pattern_id!r} must look like v04-0012")
            continue
        if id_match.group(1) != code[:2]:
            problems.add(row.path, row.line, f"pattern id {pattern_id} is not under the root of code {code}")
        parsed = _parse_pattern(text)
        if isinstance(parsed, str):
            problems.add(row.path, row.line, f"pattern {text!r}: {parsed}")
            continue
        head, words, target_after, nominal = parsed
        found.append(Pattern(pattern_id, code, head, words, target_after, nominal, row.ref))
    return found


def _parse_pattern(text: str) -> tuple[str, tuple[str, ...], str | None, bool] | str:
    """Split a pattern into head, other words and target place, or say what is wrong with it."""
    tokens = text.split(" ")
    if not tokens or not tokens[0]:
        return "is empty"
    nominal = tokens[0].startswith("~")
    head = tokens[0].removeprefix("~")
    if tokens.count("+") > 1:
        return "has more than one target marker +"
    if tokens[0] == "+":
        return "must start with its head word, not +"
    words: list[str] = []
    target_after: str | None = None
    for previous, token in itertools.pairwise(tokens):
        if token == "+":
            target_after = "" if previous == tokens[0] else previous
        elif not _PATTERN_WORD.fullmatch(token):
            return f"word {token!r} must be lower-case letters (with - or ')"
        elif token in _NEVER_MATCH:
            return f"word {token!r} can never match (determiners are not matched; leave it out)"
        elif token in words or token == head:
            return f"word {token!r} is written twice"
        else:
            words.append(token)
    if not _PATTERN_WORD.fullmatch(head):
        return f"head {head!r} must be lower-case letters (with - or ')"
    return head, tuple(words), target_after, nominal


def _check_unique_patterns(patterns: tuple[Pattern, ...], problems: Problems) -> None:
    ids: dict[str, Pattern] = {}
    shapes: dict[tuple[str, bool, frozenset[str], str | None], Pattern] = {}
    for p in patterns:
        path, line = p.ref.rsplit(":", 1)
        if p.pattern_id in ids:
            problems.add(
                path, int(line), f"pattern id {p.pattern_id} is also used at {ids[p.pattern_id].ref}"
            )
        ids.setdefault(p.pattern_id, p)
        shape = (p.head, p.nominal, frozenset(p.words), p.target_after)
        if shape in shapes:
            other = shapes[shape]
            what = "duplicates" if other.code == p.code else f"conflicts with (code {other.code})"
            problems.add(path, int(line), f"pattern {p.pattern_id} {what} {other.pattern_id} at {other.ref}")
        shapes.setdefault(shape, p)


def _discards(rows: list[Row], problems: Problems) -> tuple[Discard, ...]:
    found: dict[str, Discard] = {}
    for row in rows:
        scope, phrase = row.values["scope"], row.values["phrase"].lower()
        if scope not in ("story", "sentence"):
            problems.add(row.path, row.line, f"scope {scope!r} must be story or sentence")
        elif not phrase:
            problems.add(row.path, row.line, "phrase is empty")
        elif phrase in found:
            problems.add(row.path, row.line, f"phrase {phrase!r} is also listed at {found[phrase].ref}")
        else:
            found[phrase] = Discard(scope, phrase, row.ref)
    return tuple(found.values())


def _modality(
    rows: list[Row], event_types: Mapping[str, EventType], problems: Problems
) -> dict[str, Modality]:
    found: dict[str, Modality] = {}
    for row in rows:
        code = row.values["code"]
        values: dict[str, str | None] = {}
        for column in ("intent", "appeal", "refusal"):
            value = row.values[column]
            if value == "-" and column == "refusal":
                values[column] = None
            elif not value:
                values[column] = "" if column == "refusal" else None
            elif value not in event_types:
                problems.add(row.path, row.line, f"{column} code {value!r} is not in cameo.tsv")
            else:
                values[column] = value
        if code not in event_types:
            problems.add(row.path, row.line, f"unknown CAMEO code {code!r}")
        elif code in found:
            problems.add(row.path, row.line, f"code {code} is listed twice")
        elif len(values) == 3:
            refusal = values["refusal"]
            if refusal == "":
                problems.add(row.path, row.line, "refusal must be a code or - (no event)")
                continue
            found[code] = Modality(values["intent"], values["appeal"], refusal)
    return found
