"""Read an events dataset back: the Parquet files under `DIR/events/`, flat or Hive-partitioned.

A run writes `DIR/events/` as Parquet files; a dataset may also be split into folders by day
(`event_date=YYYY-MM-DD/`, the day then in the path rather than in the files). Both read the same
way here, as one table whose columns come in `EVENT_SCHEMA` order, followed by any columns a
newer writer added (`num_mentions`, ...). File names are never assumed; hidden files (`.name.tmp`,
a write in progress) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .errors import InputError
from .write import EVENT_SCHEMA

_PARTITIONING = ds.partitioning(pa.schema([pa.field("event_date", pa.date32())]), flavor="hive")
_BATCH_ROWS = 10_000


def events_folder(folder: Path) -> Path:
    """The folder of Parquet files: `folder/events/` for a run's output folder, else `folder`.

    Raises:
        InputError: Neither is a folder.
    """
    inner = folder / "events"
    if inner.is_dir():
        return inner
    if folder.is_dir():
        return folder
    raise InputError(f"{folder}: no such events folder (give a run's --out folder or its events/)")


def events_dataset(folder: Path) -> ds.Dataset:
    """The events of a run's output folder (or of its `events/`) as a pyarrow dataset.

    Args:
        folder: A run's output folder, or its `events/` folder.

    Returns:
        The dataset; its schema is every file's columns unified, `event_date` a date.

    Raises:
        InputError: The folder is missing or a file is not Parquet.
    """
    root = events_folder(folder)
    files = sorted(
        str(p)
        for p in root.rglob("*.parquet")
        if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )
    if not files:
        return ds.dataset(EVENT_SCHEMA.empty_table())
    try:
        schemas = [pq.read_schema(f).remove_metadata() for f in files]
        found = ds.dataset(files, format="parquet", partitioning=_PARTITIONING, partition_base_dir=str(root))
        # permissive: a column one writer made int32 and another int64 reads as int64
        schema = pa.unify_schemas([found.schema.remove_metadata(), *schemas], promote_options="permissive")
        return ds.dataset(
            files, schema=schema, format="parquet", partitioning=_PARTITIONING, partition_base_dir=str(root)
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{root}: not a readable events dataset ({exc})") from None


def column_order(schema: pa.Schema) -> list[str]:
    """The dataset's columns: those of `EVENT_SCHEMA` in its order, then any others as found."""
    known = [f.name for f in EVENT_SCHEMA if f.name in schema.names]
    return known + [name for name in schema.names if name not in known]


def event_batches(dataset: ds.Dataset) -> Iterator[pa.RecordBatch]:
    """The events of `events_dataset` in batches, columns in `column_order`, for streaming exports."""
    columns = column_order(dataset.schema)
    for batch in dataset.to_batches(columns=columns, batch_size=_BATCH_ROWS):
        if batch.num_rows:
            yield batch


def read_events_table(folder: Path) -> pa.Table:
    """Every event of the dataset as one Arrow table, columns in `column_order`.

    Raises:
        InputError: As `events_dataset`.
    """
    dataset = events_dataset(folder)
    return dataset.to_table(columns=column_order(dataset.schema))
