"""Export an events dataset in the layouts people already use: GDELT, Phoenix, CSV, XLSX.

Each export streams the dataset batch by batch, writes under a temporary name and renames the
file into place when complete, so a reader never opens half an export.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .codebooks import Codebooks
from .dataset import column_order, event_batches, events_dataset, events_folder
from .errors import InputError
from .layouts import GDELT_SCHEMA, PHOENIX_SCHEMA, ActorCatalog, actor_catalog, gdelt_table, phoenix_table
from .spreadsheet import MAX_SHEET_ROWS, spreadsheet_columns, spreadsheet_labels, write_csv, write_xlsx

FORMATS = ("gdelt", "phoenix", "csv", "xlsx")


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote: the format, the file, how many events, on how many sheets (XLSX)."""

    fmt: str
    path: Path
    rows: int
    sheets: int = 0


def export_events(
    folder: Path,
    fmt: str,
    to: Path,
    codebooks: Codebooks,
    *,
    rows_per_sheet: int = MAX_SHEET_ROWS,
) -> ExportSummary:
    """Write the events of a dataset to `to` in format `fmt`.

    Args:
        folder: A run's output folder, or its `events/` folder.
        fmt: `gdelt` (GDELT 2.0's 61 event columns, tab-separated without a header like GDELT's
            files, or Parquet where `to` ends in `.parquet`), `phoenix` (the Phoenix dataset's
            columns, tab-separated with a header, or Parquet), `csv` (UTF-8 with BOM) or `xlsx`.
        to: The file to write; its folder is created if needed.
        codebooks: For code names, actor names and the splitting of actor codes.
        rows_per_sheet: For XLSX, events per sheet.

    Returns:
        What was written.

    Raises:
        InputError: The format is unknown or the dataset cannot be read.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    dataset = events_dataset(folder)
    batches = event_batches(dataset)
    to.parent.mkdir(parents=True, exist_ok=True)
    with _atomic(to) as temp:
        if fmt in ("gdelt", "phoenix"):
            catalog = actor_catalog(codebooks)
            added = _date_added(folder)
            rows = _write_layout(batches, temp, fmt, catalog, added, parquet=to.suffix.lower() == ".parquet")
            return ExportSummary(fmt, to, rows)
        columns = spreadsheet_columns(column_order(dataset.schema))
        labels = spreadsheet_labels(codebooks)
        if fmt == "csv":
            return ExportSummary(fmt, to, write_csv(batches, temp, columns, labels))
        rows, sheets = write_xlsx(batches, temp, columns, labels, codebooks, rows_per_sheet=rows_per_sheet)
        return ExportSummary(fmt, to, rows, sheets)


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed to it when the block ends without an error."""
    temp = path.with_name(f".{path.name}.tmp")
    try:
        yield temp
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    os.replace(temp, path)


def _write_layout(
    batches: Iterable[pa.RecordBatch],
    path: Path,
    fmt: str,
    catalog: ActorCatalog,
    added: int | None,
    *,
    parquet: bool,
) -> int:
    schema = GDELT_SCHEMA if fmt == "gdelt" else PHOENIX_SCHEMA
    tables = (
        gdelt_table(b, catalog, added=added) if fmt == "gdelt" else phoenix_table(b, catalog) for b in batches
    )
    count = 0
    if parquet:
        with pq.ParquetWriter(path, schema) as writer:
            for table in tables:
                writer.write_table(table)
                count += table.num_rows
            if count == 0:
                writer.write_table(schema.empty_table())
        return count
    with path.open("w", encoding="utf-8", newline="\n") as out:
        if fmt == "phoenix":
            out.write("\t".join(schema.names) + "\n")
        for table in tables:
            for row in zip(*(table.column(i).to_pylist() for i in range(table.num_columns)), strict=True):
                out.write("\t".join(_tsv_field(v) for v in row) + "\n")
                count += 1
    return count


def _tsv_field(value: Any) -> str:
    """A value as tab-separated text: empty for null, tabs and line breaks folded to spaces."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _date_added(folder: Path) -> int | None:
    """DATEADDED: when the run finished (its manifest), as YYYYMMDDHHMMSS in UTC; None if unknown."""
    root = events_folder(folder)
    manifest = root.parent / "manifest.json"
    try:
        finished = json.loads(manifest.read_text(encoding="utf-8"))["finished"]
        when = dt.datetime.fromisoformat(finished)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return int(when.strftime("%Y%m%d%H%M%S"))
