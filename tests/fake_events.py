"""Hand-made events and events datasets for export and reader tests: no model needed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from eventcode.model import Event
from eventcode.write import events_table, write_table_file


def make_event(**changes: Any) -> Event:
    """An event of AZEMIL meeting PAKMIL on 2023-05-24 (code 040), with `changes` applied."""
    event = Event(
        event_id="e1",
        story_id="s1",
        sentence_index=0,
        event_date=dt.date(2023, 5, 24),
        source_actor="AZEMIL",
        target_actor="PAKMIL",
        event_code="040",
        base_code="040",
        root_code="04",
        plover_event="CONSULT",
        quad_class=1,
        goldstein=1.0,
        confidence=0.8,
        sentence_text="The Azerbaijani army chief met the Pakistani army chief.",
        pattern_id="v04-0001",
        verb_start=35,
        verb_end=38,
        source_start=0,
        source_end=34,
        target_start=39,
        target_end=56,
        source_evidence="actors/countries.tsv:90+actors/agents.tsv:26",
        target_evidence="actors/countries.tsv:927+actors/agents.tsv:26",
        url="https://example.org/story",
    )
    code = changes.get("event_code")
    if code is not None:
        changes = {"base_code": code[:3], "root_code": code[:2], **changes}
    return dataclasses.replace(event, **changes)


def sample_events() -> list[Event]:
    """Five events over three days of May and June 2023 and one without a date."""
    return [
        make_event(event_id="a", event_code="040"),
        make_event(event_id="b", event_code="0211", event_date=dt.date(2023, 5, 2), plover_event="REQUEST"),
        make_event(event_id="c", event_code="010", event_date=dt.date(2023, 5, 31), plover_event="CONSULT"),
        make_event(event_id="d", event_code="193", event_date=dt.date(2023, 6, 1), plover_event="ASSAULT"),
        make_event(event_id="e", event_code="042", event_date=None, target_actor=None),
    ]


def write_dataset(out: Path, events: Sequence[Event], *, by_day: bool = False) -> Path:
    """Write `events` as a run's output folder `out/events/`; `by_day` splits it Hive-style by date,
    the day then only in the folder names (as pyarrow writes it)."""
    folder = out / "events"
    if by_day:
        pq.write_to_dataset(events_table(events), folder, partition_cols=["event_date"])
    else:
        write_table_file(folder / "part-00000.parquet", events_table(events, {"model": "test"}))
    return out
