"""Write a run's output files: Parquet event files, day merges, and JSON documents.

The events are a Hive-partitioned Parquet dataset: `event_date=YYYY-MM-DD/part-*.parquet`, the
date in the folder name and not in the files (as Spark, DuckDB and pyarrow expect);
`dataset.read_events_table` gives them back. Every file is written under a temporary name
that starts with a dot (which dataset readers skip) and is flushed to disk before the caller
renames it into place, so a reader never takes a half-written file for data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .model import Event

EVENT_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("story_id", pa.string(), nullable=False),
        pa.field("sentence_index", pa.int32(), nullable=False),
        pa.field("event_date", pa.date32()),
        pa.field("source_actor", pa.string()),
        pa.field("target_actor", pa.string()),
        pa.field("event_code", pa.string(), nullable=False),
        pa.field("base_code", pa.string(), nullable=False),
        pa.field("root_code", pa.string(), nullable=False),
        pa.field("plover_event", pa.string(), nullable=False),
        pa.field("quad_class", pa.int8(), nullable=False),
        pa.field("goldstein", pa.float64(), nullable=False),
        pa.field("confidence", pa.float64(), nullable=False),
        pa.field("sentence_text", pa.string(), nullable=False),
        pa.field("pattern_id", pa.string(), nullable=False),
        pa.field("verb_start", pa.int32(), nullable=False),
        pa.field("verb_end", pa.int32(), nullable=False),
        pa.field("source_start", pa.int32()),
        pa.field("source_end", pa.int32()),
        pa.field("target_start", pa.int32()),
        pa.field("target_end", pa.int32()),
        pa.field("source_evidence", pa.string()),
        pa.field("target_evidence", pa.string()),
        pa.field("url", pa.string()),
        pa.field("publisher", pa.string()),
        pa.field("num_mentions", pa.int32(), nullable=False),
        pa.field("num_sources", pa.int32(), nullable=False),
        pa.field("num_articles", pa.int32(), nullable=False),
    ]
)
PARTITION_KEY = "event_date"
# the Hive name of a null partition value, which pyarrow, Spark and DuckDB read back as null
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
FILE_SCHEMA = EVENT_SCHEMA.remove(EVENT_SCHEMA.get_field_index(PARTITION_KEY))
_PARTITIONING = ds.partitioning(pa.schema([EVENT_SCHEMA.field(PARTITION_KEY)]), flavor="hive")
_MERGE_KEYS = ["source_actor", "target_actor", "event_code"]
_COUNTS = ["num_mentions", "num_sources", "num_articles"]


def partition_name(date: dt.date | None) -> str:
    """The folder of a day's events: `event_date=2023-05-24` (or the Hive null partition)."""
    return f"{PARTITION_KEY}={date.isoformat() if date else NULL_PARTITION}"


def events_table(events: Iterable[Event], metadata: Mapping[str, str] | None = None) -> pa.Table:
    """The events as a table of `EVENT_SCHEMA`, with `metadata` in its schema.

    Args:
        events: The events.
        metadata: Key-value pairs recorded in the schema (versions, codebook hash).

    Returns:
        The table.
    """
    rows = list(events)
    schema = EVENT_SCHEMA.with_metadata(dict(metadata or {}))
    # column by column with getattr: `dataclasses.astuple` deep-copies every value, 10x slower
    return pa.Table.from_arrays(
        [pa.array([getattr(e, field.name) for e in rows], type=field.type) for field in EVENT_SCHEMA],
        schema=schema,
    )


def write_events_file(path: Path, events: Iterable[Event], metadata: Mapping[str, str]) -> int:
    """Write events of one day as one Parquet file of `FILE_SCHEMA`, flushed to disk.

    Returns:
        How many events were written.
    """
    table = events_table(events, metadata).drop_columns([PARTITION_KEY])
    write_table_file(path, table)
    return int(table.num_rows)


def write_table_file(path: Path, table: pa.Table) -> None:
    """Write a table as a Parquet file and flush it to disk, creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    _fsync(path)


def without_stories(path: Path, story_ids: Iterable[str]) -> pa.Table:
    """The rows of an events file, less those of the given stories."""
    table = pq.read_table(path)
    keep = pc.invert(pc.is_in(table["story_id"], value_set=pa.array(sorted(set(story_ids)), pa.string())))
    return table.filter(keep)


def read_partition(folder: Path) -> pa.Table:
    """Read the files of one partition folder (one day), of `FILE_SCHEMA`; empty if there are none."""
    if not folder.is_dir():
        return FILE_SCHEMA.empty_table()
    return ds.dataset(folder, schema=FILE_SCHEMA, format="parquet").to_table()


def merge_day(table: pa.Table, day: dt.date | None) -> pa.Table:
    """Merge one day's story-level events into one row per (source, target, code), as GDELT does.

    The row keeps the details of the first report (by story id, then sentence); `num_mentions`
    adds up the stories' mentions, `num_articles` counts the stories and `num_sources` the
    publishers (a story without one counts by its URL's host, else as a source of its own).

    Args:
        table: The day's events, of `FILE_SCHEMA` or `EVENT_SCHEMA`.
        day: The day, for the merged event ids.

    Returns:
        The merged events, of `FILE_SCHEMA`.
    """
    table = (
        table.select(FILE_SCHEMA.names)
        .cast(FILE_SCHEMA)
        .sort_by([("story_id", "ascending"), ("sentence_index", "ascending"), ("event_id", "ascending")])
    )
    host = pc.struct_field(
        pc.extract_regex(table["url"], r"^[A-Za-z][A-Za-z0-9+.-]*://(?P<host>[^/:?#]+)"), [0]
    )
    source = pc.coalesce(table["publisher"], host, table["story_id"])
    others = [n for n in FILE_SCHEMA.names if n not in _MERGE_KEYS and n not in _COUNTS]
    grouped = (
        table.append_column("_source", source)
        .group_by(_MERGE_KEYS, use_threads=False)
        .aggregate(
            [("num_mentions", "sum"), ("story_id", "count_distinct"), ("_source", "count_distinct")]
            + [(name, "first") for name in others]
        )
    )
    columns: dict[str, Any] = {name: grouped[f"{name}_first"] for name in others}
    columns.update({name: grouped[name] for name in _MERGE_KEYS})
    columns["num_mentions"] = grouped["num_mentions_sum"]
    columns["num_articles"] = grouped["story_id_count_distinct"]
    columns["num_sources"] = grouped["_source_count_distinct"]
    keys = zip(*(grouped[name].to_pylist() for name in _MERGE_KEYS), strict=True)
    columns["event_id"] = pa.array([_day_event_id(day, key) for key in keys], pa.string())
    merged = pa.table(
        [pc.cast(columns[f.name], f.type) for f in FILE_SCHEMA], schema=FILE_SCHEMA
    ).replace_schema_metadata(table.schema.metadata)
    return merged.sort_by(
        [("story_id", "ascending"), ("sentence_index", "ascending"), ("event_id", "ascending")]
    )


def _day_event_id(day: dt.date | None, key: tuple[Any, ...]) -> str:
    text = "\x1f".join([day.isoformat() if day else "", *(k or "" for k in key)])
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def temp_path(path: Path, tag: str = "") -> Path:
    """The temporary name a file is written under before it is renamed to `path`."""
    return path.with_name(f".{path.name}{'.' + tag if tag else ''}.tmp")


def write_json(path: Path, value: Mapping[str, Any]) -> None:
    """Write a JSON document atomically (temporary file, flushed, then renamed)."""
    write_text(path, json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def write_json_lines(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """Write JSON lines atomically, streaming the rows (temporary file, flushed, then renamed)."""
    temp = temp_path(path)
    with temp.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (temporary file, flushed, then renamed)."""
    temp = temp_path(path)
    with temp.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(path: Path) -> None:
    """Flush a folder's entries (renames, new files) to disk."""
    _fsync(path)
