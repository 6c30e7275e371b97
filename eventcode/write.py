"""Write a run's output: the events as a Parquet dataset, the rejects, and the manifest.

Every file is written under a temporary name and renamed into place when complete, so a
reader never takes a half-written file for data.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .model import Event, Reject

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
    ]
)
_COLUMNS = [f.name for f in EVENT_SCHEMA]
_ROWS_PER_BATCH = 10_000


def events_table(events: Iterable[Event], metadata: Mapping[str, str] | None = None) -> pa.Table:
    """The events as a table of `EVENT_SCHEMA`, with `metadata` in its schema.

    Args:
        events: The events.
        metadata: Key-value pairs recorded in the schema (versions, codebook hash).

    Returns:
        The table.
    """
    rows = [dataclasses.astuple(e) for e in events]
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in _COLUMNS]
    schema = EVENT_SCHEMA.with_metadata(dict(metadata or {}))
    return pa.Table.from_arrays(
        [pa.array(list(col), type=field.type) for col, field in zip(columns, EVENT_SCHEMA, strict=True)],
        schema=schema,
    )


class EventWriter:
    """Writes events to one Parquet file of a dataset folder, in batches, renamed into place on close.

    Use as a context manager; on an error inside the block the partial file is removed.
    """

    def __init__(self, folder: Path, name: str, metadata: Mapping[str, str]) -> None:
        self._final = folder / name
        self._temp = folder / f".{name}.tmp"
        self._metadata = dict(metadata)
        self._pending: list[Event] = []
        self._writer: pq.ParquetWriter | None = None
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> EventWriter:
        self._writer = pq.ParquetWriter(self._temp, EVENT_SCHEMA.with_metadata(self._metadata))
        return self

    def write(self, events: Iterable[Event]) -> None:
        """Add events; they reach the file in batches."""
        for event in events:
            self._pending.append(event)
            self.count += 1
        if len(self._pending) >= _ROWS_PER_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending and self._writer is not None:
            self._writer.write_table(events_table(self._pending, self._metadata))
            self._pending = []

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                self._flush()
        finally:
            if self._writer is not None:
                self._writer.close()
        if kind is None:
            os.replace(self._temp, self._final)
        else:
            self._temp.unlink(missing_ok=True)


class RejectWriter:
    """Writes rejects as JSON lines (`source`, `story_id`, `reason`, `record`) as they come.

    Use as a context manager; the file is renamed into place when the block ends.
    """

    def __init__(self, path: Path) -> None:
        self._final = path
        self._temp = path.with_name(f".{path.name}.tmp")
        self.count = 0

    def __enter__(self) -> RejectWriter:
        self._out = self._temp.open("w", encoding="utf-8")
        return self

    def write(self, reject: Reject) -> None:
        """Add one reject."""
        self._out.write(json.dumps(dataclasses.asdict(reject), ensure_ascii=False) + "\n")
        self.count += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._out.close()
        os.replace(self._temp, self._final)


def write_json(path: Path, value: Mapping[str, Any]) -> None:
    """Write a JSON document atomically."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(temp, path)
