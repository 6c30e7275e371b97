import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventcode.model import Event
from eventcode.write import EVENT_SCHEMA, EventWriter


def _event(code: str = "0211") -> Event:
    return Event(
        event_id="e1",
        story_id="s1",
        sentence_index=0,
        event_date=dt.date(2023, 5, 24),
        source_actor="AZEMIL",
        target_actor=None,
        event_code=code,
        base_code=code[:3],
        root_code=code[:2],
        plover_event="CONSULT",
        quad_class=1,
        goldstein=3.4,
        confidence=0.8,
        sentence_text="x",
        pattern_id="v02-0001",
        verb_start=0,
        verb_end=1,
        source_start=0,
        source_end=1,
        target_start=None,
        target_end=None,
        source_evidence="a:1",
        target_evidence=None,
    )


def test_write_parquet_keeps_schema_codes_and_metadata(tmp_path: Path) -> None:
    with EventWriter(tmp_path / "events", "part.parquet", {"model": "m 1"}) as writer:
        writer.write([_event("0211"), _event("010")])
    table = pq.read_table(tmp_path / "events" / "part.parquet")
    assert table.schema.remove_metadata() == EVENT_SCHEMA
    assert table.schema.metadata[b"model"] == b"m 1"
    assert table.column("event_code").to_pylist() == ["0211", "010"]
    assert table.column("root_code").to_pylist() == ["02", "01"]
    assert table.schema.field("quad_class").type == pa.int8()
    assert table.schema.field("event_date").type == pa.date32()
    assert table.column("target_actor").to_pylist() == [None, None]


def test_write_failure_leaves_no_partial_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), EventWriter(tmp_path / "events", "part.parquet", {}) as writer:
        writer.write([_event()])
        raise RuntimeError("boom")
    assert list((tmp_path / "events").iterdir()) == []
