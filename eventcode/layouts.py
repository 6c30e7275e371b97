"""Lay events out in the tables other tools read: GDELT 2.0's event table and the Phoenix dataset.

Only what eventcode knows is filled; every other column stays empty, never made up (no
geography, tone or ethnic code). Actor codes are split by what their 3-letter segments are in the
codebooks: a country (`countries.tsv`), a role (`roles.tsv`) or an organisation type (IGO, NGO,
...), and an organisation's own code (`organizations.tsv`: UNO of IGOUNO).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from .codebooks import Codebooks

# CAMEO's organisation types: segments of an actor code that say what kind of body it is.
ORG_TYPES: Mapping[str, str] = {
    "IGO": "Intergovernmental organisation",
    "NGO": "Non-governmental organisation",
    "IMG": "International militarized group",
    "MNC": "Multinational corporation",
    "NGM": "Non-governmental movement",
    "PKO": "Peacekeepers",
}
_ID_MASK = (1 << 63) - 1


def global_event_id(event_id: str) -> int:
    """A stable positive 63-bit integer for an event id: the first 8 bytes of its SHA-256."""
    return int.from_bytes(hashlib.sha256(event_id.encode("utf-8")).digest()[:8], "big") & _ID_MASK


@dataclass(frozen=True, slots=True)
class ActorParts:
    """An actor code split into its kinds of segment.

    Attributes:
        country: The first segment, where it is a country or region code.
        group: An organisation's own code (UNO of IGOUNO), for a code of `organizations.tsv`.
        types: The role and organisation-type segments, in order (MIL; IGO; SEP).
    """

    country: str | None
    group: str | None
    types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActorCatalog:
    """What the codebooks say about actor codes, for splitting them and naming them."""

    countries: Mapping[str, str]
    organizations: Mapping[str, str]
    types: Mapping[str, str]

    def parts(self, code: str) -> ActorParts:
        """Split an actor code (`PAKSEPBLA` -> country PAK, group BLA, types SEP)."""
        segments = _segments(code)
        country = segments[0] if segments[0] in self.countries else None
        types = tuple(s for s in segments if s in self.types)
        group = None
        if code in self.organizations and len(segments) > 1:
            if segments[-1] not in self.types:
                group = segments[-1]
            else:
                own = [s for s in segments[1:] if s not in self.types and s not in self.countries]
                group = own[-1] if own else None
        return ActorParts(country, group, types)

    def label(self, code: str | None) -> str | None:
        """A readable name: the organisation's name, else country and roles ("Pakistan, Military")."""
        if not code:
            return None
        if code in self.organizations:
            return self.organizations[code]
        parts = self.parts(code)
        names = [self.countries[parts.country]] if parts.country else []
        names += [self.types[t] for t in parts.types]
        return ", ".join(names) or None

    def name(self, code: str | None) -> str | None:
        """GDELT's kind of actor name, upper case: the organisation, else the country, else the role."""
        if not code:
            return None
        parts = self.parts(code)
        name = self.organizations.get(code) or (self.countries[parts.country] if parts.country else None)
        if name is None and parts.types:
            name = self.types[parts.types[0]]
        return name.upper() if name else None


def actor_catalog(codebooks: Codebooks) -> ActorCatalog:
    """The catalog of the codebooks' countries, organisations, roles and organisation types.

    A country is named by its common name (`Codebooks.country_names`), an organisation by the
    first name form listed for its code ("United Nations" for IGOUNO).
    """
    countries = {e.code: e.code for e in codebooks.names if e.kind == "country" and len(e.code) == 3}
    countries.update(codebooks.country_names)
    organizations: dict[str, str] = {}
    for entry in codebooks.names:
        if entry.kind == "organization":
            organizations.setdefault(entry.code, entry.form)
    return ActorCatalog(countries, organizations, {**ORG_TYPES, **codebooks.role_names})


def _segments(code: str) -> list[str]:
    return [code[i : i + 3] for i in range(0, len(code), 3)] or [""]


def _actor_columns(n: int) -> list[str]:
    parts = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code")
    return [f"Actor{n}{p}" for p in (*parts, "Religion2Code", "Type1Code", "Type2Code", "Type3Code")]


def _geo_columns(prefix: str) -> list[str]:
    parts = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
    return [f"{prefix}Geo_{p}" for p in parts]


GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *_actor_columns(1),
    *_actor_columns(2),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *_geo_columns("Actor1"),
    *_geo_columns("Actor2"),
    *_geo_columns("Action"),
    "DATEADDED",
    "SOURCEURL",
)
_GDELT_INTEGERS = frozenset(
    {"GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "DATEADDED"}
    | {"NumMentions", "NumSources", "NumArticles", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type"}
)
_GDELT_FLOATS = frozenset(
    {"FractionDate", "GoldsteinScale", "AvgTone"}
    | {f"{p}Geo_{x}" for p in ("Actor1", "Actor2", "Action") for x in ("Lat", "Long")}
)
GDELT_SCHEMA = pa.schema(
    [
        (
            name,
            pa.int64() if name in _GDELT_INTEGERS else pa.float64() if name in _GDELT_FLOATS else pa.string(),
        )
        for name in GDELT_COLUMNS
    ]
)

PHOENIX_SCHEMA = pa.schema(
    [
        ("EventID", pa.string()),
        ("Date", pa.string()),
        ("Year", pa.int32()),
        ("Month", pa.int32()),
        ("Day", pa.int32()),
        *(
            (f"{side}Actor{part}", pa.string())
            for side in ("Source", "Target")
            for part in ("Full", "Entity", "Role", "Attribute")
        ),
        ("EventCode", pa.string()),
        ("EventRootCode", pa.string()),
        ("PentaClass", pa.int32()),
        ("GoldsteinScore", pa.float64()),
        ("Issues", pa.string()),
        ("Lat", pa.float64()),
        ("Lon", pa.float64()),
        ("LocationName", pa.string()),
        ("StateName", pa.string()),
        ("CountryCode", pa.string()),
        ("SentenceID", pa.string()),
        ("URLs", pa.string()),
        ("NewsSources", pa.string()),
    ]
)


def gdelt_table(events: pa.Table | pa.RecordBatch, catalog: ActorCatalog, *, added: int | None) -> pa.Table:
    """The events as rows of GDELT 2.0's event table: its 61 columns, in its order.

    Args:
        events: Events, with the columns of `EVENT_SCHEMA` (and `num_mentions`, `num_sources`,
            `num_articles` where the dataset has them; else each event counts once).
        catalog: From `actor_catalog`.
        added: DATEADDED, the run's time as YYYYMMDDHHMMSS (UTC), or None where unknown.

    Returns:
        A table of `GDELT_SCHEMA`.
    """
    rows = [_gdelt_row(event, catalog, added) for event in events.to_pylist()]
    return pa.Table.from_pylist(rows, schema=GDELT_SCHEMA)


def _gdelt_row(event: Mapping[str, Any], catalog: ActorCatalog, added: int | None) -> dict[str, Any]:
    day: dt.date | None = event["event_date"]
    row: dict[str, Any] = {
        "GLOBALEVENTID": global_event_id(event["event_id"]),
        "EventCode": event["event_code"],
        "EventBaseCode": event["base_code"],
        "EventRootCode": event["root_code"],
        "QuadClass": event["quad_class"],
        "GoldsteinScale": event["goldstein"],
        "DATEADDED": added,
        "SOURCEURL": event.get("url"),
    }
    for column in ("num_mentions", "num_sources", "num_articles"):
        value = event.get(column)
        row["Num" + column[4:].capitalize()] = 1 if value is None else value
    if day is not None:
        row["SQLDATE"] = day.year * 10_000 + day.month * 100 + day.day
        row["MonthYear"] = day.year * 100 + day.month
        row["Year"] = day.year
        # GDELT's own approximation: (month * 30 + day) / 365 as the fraction of the year
        row["FractionDate"] = round(day.year + (day.month * 30 + day.day) / 365, 4)
    for n, key in ((1, "source_actor"), (2, "target_actor")):
        code = event[key]
        if code:
            parts = catalog.parts(code)
            row[f"Actor{n}Code"] = code
            row[f"Actor{n}Name"] = catalog.name(code)
            row[f"Actor{n}CountryCode"] = parts.country
            row[f"Actor{n}KnownGroupCode"] = parts.group
            for i, role in enumerate(parts.types[:3], start=1):
                row[f"Actor{n}Type{i}Code"] = role
    return row


def penta_class(root_code: str) -> int:
    """Phoenix's five classes: 0 statements and appeals (01-02), then GDELT's quad classes 1-4."""
    root = int(root_code)
    return 0 if root <= 2 else 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def phoenix_table(events: pa.Table | pa.RecordBatch, catalog: ActorCatalog) -> pa.Table:
    """The events as rows of the Phoenix dataset: each actor split into entity, role, attribute.

    Args:
        events: Events, with the columns of `EVENT_SCHEMA`.
        catalog: From `actor_catalog`.

    Returns:
        A table of `PHOENIX_SCHEMA`.
    """
    rows = [_phoenix_row(event, catalog) for event in events.to_pylist()]
    return pa.Table.from_pylist(rows, schema=PHOENIX_SCHEMA)


def _phoenix_row(event: Mapping[str, Any], catalog: ActorCatalog) -> dict[str, Any]:
    day: dt.date | None = event["event_date"]
    row: dict[str, Any] = {
        "EventID": event["event_id"],
        "EventCode": event["event_code"],
        "EventRootCode": event["root_code"],
        "PentaClass": penta_class(event["root_code"]),
        "GoldsteinScore": event["goldstein"],
        "SentenceID": f"{event['story_id']}-{event['sentence_index']}",
        "URLs": event.get("url"),
    }
    if day is not None:
        row.update(Date=day.isoformat(), Year=day.year, Month=day.month, Day=day.day)
    for side, key in (("Source", "source_actor"), ("Target", "target_actor")):
        code = event[key]
        if code:
            entity, role, attributes = _phoenix_actor(code, catalog)
            row[f"{side}ActorFull"] = code
            row[f"{side}ActorEntity"] = entity
            row[f"{side}ActorRole"] = role
            row[f"{side}ActorAttribute"] = attributes
    return row


def _phoenix_actor(code: str, catalog: ActorCatalog) -> tuple[str | None, str | None, str | None]:
    """Entity (the first segment: a country, IGO, ...), role (the first role after it), the rest."""
    segments = _segments(code)
    entity = None if segments[0] == "---" else segments[0]
    rest = segments[1:]
    role = next((s for s in rest if s in catalog.types), None)
    if role is not None:
        rest.remove(role)
    return entity, role, ";".join(rest) or None
