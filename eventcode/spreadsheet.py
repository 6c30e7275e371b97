"""Spreadsheets that are safe to open: CSV for Excel and XLSX, with readable labels beside codes.

Codes stay text (`010` is never the number 10). A story's URL or sentence can be hostile: a text
cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula
(CSV injection), so it is always written as plain text: in CSV with a leading `'`, the mark
spreadsheets take for "text", in XLSX as a string cell with the quote-prefix style (the value
itself unchanged). Numbers we write ourselves (Goldstein values, offsets) stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import xlsxwriter

from .codebooks import PLOVER_EVENTS, Codebooks
from .layouts import ActorCatalog, actor_catalog
from .schema_doc import COLUMN_DOCS

MAX_SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows a sheet, one of them the header
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUAD_CLASSES: Mapping[int, str] = {
    1: "Verbal cooperation",
    2: "Material cooperation",
    3: "Verbal conflict",
    4: "Material conflict",
}
# The label column written right after each code column, and what it holds.
LABEL_COLUMNS: Mapping[str, tuple[str, str]] = {
    "source_actor": (
        "source_actor_name",
        "Name of the source actor's code (organisation, or country and roles).",
    ),
    "target_actor": (
        "target_actor_name",
        "Name of the target actor's code (organisation, or country and roles).",
    ),
    "event_code": ("event_code_name", "Name of the CAMEO event code."),
    "root_code": ("root_code_name", "Name of the CAMEO root."),
    "quad_class": ("quad_class_name", "Name of the quad class."),
}
_WIDE = {"sentence_text": 80, "url": 40, "source_evidence": 30, "target_evidence": 30}


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return text.startswith(_FORMULA_STARTS)


def safe_text(text: str) -> str:
    """The text as a CSV cell a spreadsheet reads as text: `'` before a formula-like start."""
    return "'" + text if is_formula_like(text) else text


@dataclass(frozen=True, slots=True)
class Labels:
    """Names for the codes of an events table, from the codebooks."""

    event_types: Mapping[str, tuple[str, str]]
    catalog: ActorCatalog

    def row(self, event: Mapping[str, Any], columns: Sequence[str]) -> list[Any]:
        """One event's values for `columns` (see `spreadsheet_columns`)."""
        code = event.get("event_code") or ""
        values: dict[str, Any] = dict(event)
        values.setdefault("plover_event", self.event_types.get(code, ("", None))[1])
        values["source_actor_name"] = self.catalog.label(event.get("source_actor"))
        values["target_actor_name"] = self.catalog.label(event.get("target_actor"))
        values["event_code_name"] = self.event_types.get(code, (None,))[0]
        values["root_code_name"] = self.event_types.get(event.get("root_code") or "", (None,))[0]
        values["quad_class_name"] = QUAD_CLASSES.get(event.get("quad_class") or 0)
        return [values.get(column) for column in columns]


def spreadsheet_labels(codebooks: Codebooks) -> Labels:
    """Names of event codes (with their PLOVER type) and of actor codes, from the codebooks."""
    types = {code: (t.name, t.plover_event) for code, t in codebooks.event_types.items()}
    return Labels(types, actor_catalog(codebooks))


def spreadsheet_columns(names: Sequence[str]) -> list[str]:
    """The dataset's columns with a label column beside each code, and `plover_event` always."""
    names = list(names)
    if "plover_event" not in names and "root_code" in names:
        names.insert(names.index("root_code") + 1, "plover_event")
    columns: list[str] = []
    for name in names:
        columns.append(name)
        if name in LABEL_COLUMNS:
            columns.append(LABEL_COLUMNS[name][0])
    return columns


def column_meanings(columns: Sequence[str]) -> list[tuple[str, str]]:
    """Each spreadsheet column with what it holds, for the legend."""
    labels = {label: meaning for label, meaning in LABEL_COLUMNS.values()}
    found = []
    for column in columns:
        meaning = COLUMN_DOCS.get(column) or labels.get(column) or "Added by a newer eventcode."
        found.append((column, meaning.replace("`", "")))
    return found


def _rows(batches: Iterable[pa.RecordBatch], columns: Sequence[str], labels: Labels) -> Iterator[list[Any]]:
    for batch in batches:
        for event in batch.to_pylist():
            yield labels.row(event, columns)


def write_csv(batches: Iterable[pa.RecordBatch], path: Path, columns: Sequence[str], labels: Labels) -> int:
    """Write events as CSV for Excel: UTF-8 with BOM, text quoted, formula-like text made plain.

    Args:
        batches: The events, with the dataset's columns.
        path: The file to write.
        columns: From `spreadsheet_columns`.
        labels: From `spreadsheet_labels`.

    Returns:
        How many events were written.
    """
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        # quoting every text cell keeps codes text for readers that honour quotes (LibreOffice, csv)
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(columns)
        for values in _rows(batches, columns, labels):
            writer.writerow([_csv_cell(v) for v in values])
            count += 1
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value


def write_xlsx(
    batches: Iterable[pa.RecordBatch],
    path: Path,
    columns: Sequence[str],
    labels: Labels,
    codebooks: Codebooks,
    *,
    rows_per_sheet: int = MAX_SHEET_ROWS,
) -> tuple[int, int]:
    """Write events as an XLSX workbook: event sheets of at most `rows_per_sheet` rows, then a legend.

    Args:
        batches: The events, with the dataset's columns.
        path: The file to write.
        columns: From `spreadsheet_columns`.
        labels: From `spreadsheet_labels`.
        codebooks: For the legend's list of codes.
        rows_per_sheet: Events per sheet before the next sheet starts.

    Returns:
        How many events were written, and on how many sheets.
    """
    options = {
        "constant_memory": True,  # rows go to disk as written: any number of events
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(str(path), options)
    styles = {
        "header": workbook.add_format({"bold": True}),
        "text": workbook.add_format({"quote_prefix": True}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    sheet: Any = None
    count = sheets = row = 0
    for values in _rows(batches, columns, labels):
        if sheet is None or row > rows_per_sheet:
            if sheet is not None:
                sheet.autofilter(0, 0, row - 1, len(columns) - 1)
            sheets += 1
            sheet = _events_sheet(workbook, "events" if sheets == 1 else f"events {sheets}", columns, styles)
            row = 1
        for col, value in enumerate(values):
            _write_cell(sheet, row, col, value, styles)
        row += 1
        count += 1
    if sheet is None:
        sheets = 1
        sheet = _events_sheet(workbook, "events", columns, styles)
        row = 1
    sheet.autofilter(0, 0, max(row - 1, 0), len(columns) - 1)
    _legend(workbook.add_worksheet("legend"), columns, codebooks, styles)
    workbook.close()
    return count, sheets


def _events_sheet(workbook: Any, name: str, columns: Sequence[str], styles: Mapping[str, Any]) -> Any:
    sheet = workbook.add_worksheet(name)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, _WIDE.get(column, max(12, len(column) + 2)))
        sheet.write_string(0, col, column, styles["header"])
    sheet.freeze_panes(1, 0)
    return sheet


def _write_cell(sheet: Any, row: int, col: int, value: Any, styles: Mapping[str, Any]) -> None:
    """One cell: text is always a string cell (never a formula), numbers numbers, days dates."""
    if value is None:
        return
    if isinstance(value, str):
        sheet.write_string(row, col, value, styles["text"] if is_formula_like(value) else None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, styles["date"])
    else:
        sheet.write_string(row, col, str(value))


def _legend(sheet: Any, columns: Sequence[str], codebooks: Codebooks, styles: Mapping[str, Any]) -> None:
    """What every column and every code means."""
    sections: list[tuple[str, list[str], list[Sequence[Any]]]] = [
        ("Columns", ["column", "meaning"], [list(c) for c in column_meanings(columns)]),
        (
            "CAMEO event codes",
            ["event_code", "name", "goldstein", "quad_class", "plover_event"],
            [
                [t.code, t.name, t.goldstein, t.quad_class, t.plover_event]
                for t in codebooks.event_types.values()
            ],
        ),
        ("Quad classes", ["quad_class", "name"], [[k, v] for k, v in QUAD_CLASSES.items()]),
        ("PLOVER event types", ["plover_event"], [[p] for p in PLOVER_EVENTS]),
        (
            "Actor code segments (roles and organisation types)",
            ["code", "name"],
            [[k, v] for k, v in sorted(actor_catalog(codebooks).types.items())],
        ),
    ]
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 90)
    row = 0
    sheet.write_string(row, 0, "Text cells that start with = + - @ are text, never formulas.")
    row += 2
    for title, header, rows in sections:
        sheet.write_string(row, 0, title, styles["header"])
        row += 1
        for col, name in enumerate(header):
            sheet.write_string(row, col, name, styles["header"])
        row += 1
        for values in rows:
            for col, value in enumerate(values):
                _write_cell(sheet, row, col, value, styles)
            row += 1
        row += 1
