import dataclasses
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from eventcode.dataset import read_events_table as read_events
from eventcode.model import Event
from eventcode.write import (
    EVENT_SCHEMA,
    FILE_SCHEMA,
    merge_day,
    partition_name,
    without_stories,
    write_events_file,
    write_json_lines,
)

DAY = dt.date(2023, 5, 24)


def _event(code: str = "0211", **changes: object) -> Event:
    event = Event(
        event_id="e1",
        story_id="s1",
        sentence_index=0,
        event_date=DAY,
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
    return dataclasses.replace(event, **changes)  # type: ignore[arg-type]


def test_write_parquet_keeps_schema_codes_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "events" / partition_name(DAY) / "part.parquet"
    assert write_events_file(path, [_event("0211"), _event("010")], {"model": "m 1"}) == 2
    file = pq.read_table(path)
    assert file.schema.remove_metadata() == FILE_SCHEMA  # the date is in the folder name
    assert file.schema.metadata[b"model"] == b"m 1"
    table = read_events(tmp_path / "events")
    assert table.schema.remove_metadata() == EVENT_SCHEMA
    assert table.column("event_code").to_pylist() == ["0211", "010"]
    assert table.column("root_code").to_pylist() == ["02", "01"]
    assert table.column("event_date").to_pylist() == [DAY, DAY]
    assert table.schema.field("quad_class").type == pa.int8()
    assert table.column("target_actor").to_pylist() == [None, None]


def test_write_partitions_are_hive_folders_and_null_dates_read_back_as_null(tmp_path: Path) -> None:
    write_events_file(tmp_path / partition_name(DAY) / "a.parquet", [_event()], {})
    write_events_file(tmp_path / partition_name(None) / "a.parquet", [_event(event_date=None)], {})
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "event_date=2023-05-24",
        "event_date=__HIVE_DEFAULT_PARTITION__",
    ]
    assert sorted(read_events(tmp_path)["event_date"].to_pylist(), key=str) == [DAY, None]
    assert pq.read_table(tmp_path).num_rows == 2  # plain pyarrow reads the dataset too


def test_write_temp_files_are_not_read_as_data(tmp_path: Path) -> None:
    write_events_file(tmp_path / partition_name(DAY) / "a.parquet", [_event()], {})
    (tmp_path / partition_name(DAY) / ".b.parquet.tmp").write_bytes(b"half a file")
    assert read_events(tmp_path).num_rows == 1


def test_write_without_stories_drops_only_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    write_events_file(path, [_event(story_id="s1"), _event(story_id="s2"), _event(story_id="s3")], {})
    assert without_stories(path, ["s1", "s3"])["story_id"].to_pylist() == ["s2"]


def test_write_merge_day_counts_mentions_sources_and_articles() -> None:
    events = [
        _event(story_id="s2", event_id="b", publisher="Azernews", num_mentions=1),
        _event(story_id="s1", event_id="a", publisher="Azernews", num_mentions=2, url="https://a.az/1"),
        _event(story_id="s3", event_id="c", url="https://news.example.com/x"),
        _event(story_id="s4", event_id="d"),  # neither publisher nor url: a source of its own
        _event(story_id="s4", event_id="e", event_code="190", base_code="190", root_code="19"),
    ]
    merged = merge_day(pa.Table.from_pylist([dataclasses.asdict(e) for e in events]), DAY).to_pylist()
    assert [(m["event_code"], m["num_mentions"], m["num_articles"], m["num_sources"]) for m in merged] == [
        ("0211", 5, 4, 3),
        ("190", 1, 1, 1),
    ]
    first = merged[0]
    assert first["story_id"] == "s1" and first["url"] == "https://a.az/1"  # the first report's details
    assert first["event_id"] != "a" and len(first["event_id"]) == 24


def test_write_json_lines_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    write_json_lines(path, [{"a": 1}, {"a": 2}])
    write_json_lines(path, ({"a": n} for n in range(3)))
    assert [json.loads(line)["a"] for line in path.read_text().splitlines()] == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["rows.jsonl"]
