"""Read stories from input paths, one at a time, turning every bad record into a `Reject`.

Inputs, all read as streams so memory stays bounded whatever their size:
- JSONL (`.jsonl`, `.jsonl.gz`): one story a line, `id`, `text`, optional `date`, `url`, `publisher`;
- CSV (`.csv`, `.csv.gz`) with a header row naming the same fields;
- Parquet (`.parquet`) with columns of the same names;
- `.txt` files and folders of them: the file name is the id.

A text that opens with `date YYYY-MM-DD` takes that date. A story with no date has none: today's
date is never assumed. HTML is reduced to its text (see `markup`). A record over the size limit,
with undecodable bytes, without id or text, or with a date that is not a real `YYYY-MM-DD` day is
a `Reject` naming the reason; the records after it are read as usual.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import pyarrow as pa
import pyarrow.parquet as pq

from .config import DEFAULT_MAX_STORY_BYTES
from .errors import InputError
from .markup import has_markup, strip_markup
from .model import Reject, Story

FIELDS = ("id", "text", "date", "url", "publisher")
_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?")
_ID_IN_PREFIX = re.compile(rb'"id"\s*:\s*"?([^",}\\]{1,200})')
_RECORD_PREVIEW = 2000
_PARQUET_ROWS = 512
_READ_ERRORS = (OSError, EOFError, zlib.error)
_KINDS = {
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".txt": "txt",
}


def check_inputs(paths: Iterable[Path]) -> None:
    """Check that every input exists and is of a kind eventcode reads, before anything is coded.

    Raises:
        InputError: A path is missing, of an unknown kind, or a CSV or Parquet file has no `id`
            or no `text` column.
    """
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            continue
        kind = _kind(path)
        if kind is None:
            raise InputError(
                f"{path}: not an input eventcode reads (.jsonl, .jsonl.gz, .csv, .csv.gz, .parquet, "
                ".txt, or a folder of .txt)"
            )
        if kind in ("csv", "parquet"):
            _check_columns(path, _columns(path, kind))


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, kind in _KINDS.items():
        if name.endswith(suffix):
            return kind
    return None


def _columns(path: Path, kind: str) -> list[str]:
    try:
        if kind == "parquet":
            return list(pq.read_schema(path).names)
        with _open_text(path) as stream:
            return next(csv.reader(stream), [])
    except (*_READ_ERRORS, pa.ArrowException, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot be read as {kind}: {exc}") from None


def _check_columns(path: Path, columns: list[str]) -> None:
    missing = [name for name in ("id", "text") if name not in columns]
    if missing:
        raise InputError(f"{path}: no {' or '.join(missing)} column (columns: {', '.join(columns)})")


def read_stories(
    paths: Iterable[Path], *, max_story_bytes: int = DEFAULT_MAX_STORY_BYTES
) -> Iterator[Story | Reject]:
    """Yield every story of the inputs in order, and a `Reject` for each record that is not one.

    Args:
        paths: JSONL, CSV, Parquet and `.txt` files, and folders of `.txt` files.
        max_story_bytes: Records over this size are rejected.

    Yields:
        A `Story` per good record, a `Reject` per bad one; a bad record never stops the others.

    Raises:
        InputError: As `check_inputs`, checked for every path before any story is yielded.
    """
    paths = list(paths)
    check_inputs(paths)
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
            yield from _read_texts(files, max_story_bytes)
            continue
        kind = _kind(path)
        if kind == "txt":
            yield from _read_texts([path], max_story_bytes)
        elif kind == "jsonl":
            yield from _read_jsonl(path, max_story_bytes)
        elif kind == "csv":
            yield from _read_csv(path, max_story_bytes)
        else:
            yield from _read_parquet(path, max_story_bytes)


def _read_texts(files: list[Path], limit: int) -> Iterator[Story | Reject]:
    for path in files:
        try:
            size = path.stat().st_size
            if size > limit:
                yield Reject(str(path), _too_large(size, limit), story_id=path.stem)
                continue
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Reject(str(path), f"not UTF-8 text (byte {exc.start})", story_id=path.stem)
            continue
        except OSError as exc:
            yield Reject(str(path), f"cannot be read: {exc.strerror}", story_id=path.stem)
            continue
        yield make_story({"id": path.stem, "text": text}, str(path), max_story_bytes=limit)


def _too_large(size: int, limit: int) -> str:
    return f"the record is {size:,} bytes, over the limit of {limit:,}"


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _open_text(path: Path) -> IO[str]:
    # undecodable bytes become lone surrogates, found and rejected record by record
    return io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", errors="surrogateescape", newline="")


def _read_jsonl(path: Path, limit: int) -> Iterator[Story | Reject]:
    with _open_binary(path) as stream:
        number = 0
        while True:
            number += 1
            where = f"{path}:{number}"
            try:
                raw = stream.readline(limit + 1)
                whole = len(raw) <= limit or raw.endswith(b"\n")
                size = len(raw) if whole else len(raw) + _skip_line(stream)
            except _READ_ERRORS as exc:
                yield Reject(where, f"the file cannot be read from this line on ({exc})")
                return
            if not raw:
                return
            if not whole:
                found = _ID_IN_PREFIX.search(raw[:_RECORD_PREVIEW])
                story_id = found.group(1).decode("utf-8", "replace").strip() if found else None
                yield Reject(where, _too_large(size, limit), _preview_bytes(raw), story_id)
                continue
            yield from _jsonl_record(raw, where, limit)


def _skip_line(stream: IO[bytes]) -> int:
    """Read to the end of the current line in bounded chunks; return how many bytes were skipped."""
    skipped = 0
    while chunk := stream.readline(1 << 16):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _preview_bytes(raw: bytes) -> str:
    return raw[:_RECORD_PREVIEW].decode("utf-8", "replace")


def _jsonl_record(raw: bytes, where: str, limit: int) -> Iterator[Story | Reject]:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Reject(where, f"not UTF-8 text (byte {exc.start})", _preview_bytes(raw))
        return
    if not line.strip():
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Reject(where, f"not valid JSON ({exc.msg} at column {exc.colno})", line[:_RECORD_PREVIEW])
        return
    yield make_story(record, where, line, max_story_bytes=limit)


def _read_csv(path: Path, limit: int) -> Iterator[Story | Reject]:
    # csv's field limit is process-wide; raised so that a story somewhat over the size limit is
    # read and rejected by its id, and a far larger field (bounded memory) fails as one row
    csv.field_size_limit(max(csv.field_size_limit(), 8 * limit))
    with _open_text(path) as stream:
        reader = csv.reader(stream)
        header = next(reader)
        line = reader.line_num + 1
        while True:
            where = f"{path}:{line}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                too_large = "field limit" in str(exc)
                yield Reject(
                    where,
                    f"a field is over the limit of {limit:,} bytes"
                    if too_large
                    else f"not a valid CSV row ({exc})",
                )
                line = reader.line_num + 1
                continue
            except _READ_ERRORS as exc:
                yield Reject(where, f"the file cannot be read from this line on ({exc})")
                return
            line = reader.line_num + 1
            if row:
                yield make_story(dict(zip(header, row, strict=False)), where, max_story_bytes=limit)


def _read_parquet(path: Path, limit: int) -> Iterator[Story | Reject]:
    number = 0
    try:
        for batch, names in _parquet_batches(path):
            for record in _parquet_rows(batch, names):
                number += 1
                where = f"{path}:row {number}"
                problem = _decode_fields(record, limit)
                if problem is not None:
                    story_id = _text_or_none(record.get("id"))
                    yield Reject(where, problem, _safe(repr(record)[:_RECORD_PREVIEW]), story_id)
                    continue
                yield make_story(record, where, max_story_bytes=limit)
    except (*_READ_ERRORS, pa.ArrowException) as exc:
        yield Reject(f"{path}:row {number + 1}", f"the file cannot be read from this row on ({exc})")


def _parquet_batches(path: Path) -> Iterator[tuple[pa.RecordBatch, list[str]]]:
    source = pq.ParquetFile(path)
    names = [n for n in FIELDS if n in source.schema_arrow.names]
    for batch in source.iter_batches(batch_size=_PARQUET_ROWS, columns=names):
        yield batch, names


def _parquet_rows(batch: pa.RecordBatch, names: list[str]) -> Iterator[dict[str, Any]]:
    # text as bytes, so a value that is not UTF-8 is one reject, not a failed batch
    columns = [_as_python(batch.column(i)) for i in range(batch.num_columns)]
    for values in zip(*columns, strict=True):
        yield dict(zip(names, values, strict=True))


def _as_python(column: pa.Array) -> list[Any]:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = column.view(pa.binary() if pa.types.is_string(column.type) else pa.large_binary())
    values: list[Any] = column.to_pylist()
    return values


def _decode_fields(record: dict[str, Any], limit: int) -> str | None:
    """Decode the byte values of a Parquet row in place; say what is wrong, or None."""
    for name, value in record.items():
        if not isinstance(value, bytes):
            continue
        if name == "text" and len(value) > limit:
            return _too_large(len(value), limit)
        try:
            record[name] = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"the {name} is not UTF-8 text (byte {exc.start})"
    return None


def _text_or_none(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def make_story(
    record: Any, where: str, raw: str | None = None, *, max_story_bytes: int = DEFAULT_MAX_STORY_BYTES
) -> Story | Reject:
    """Check one input record and make it a `Story`, or say why it cannot be one.

    Args:
        record: The decoded record (a JSON object, a CSV or Parquet row, the fields of a `.txt`).
        where: Where the record is, for messages (`path:line`).
        raw: The record's raw text, kept in the rejects file.
        max_story_bytes: A text over this many bytes of UTF-8 is rejected.

    Returns:
        The story, or a `Reject` naming the reason.
    """

    def reject(reason: str, story_id: str | None = None) -> Reject:
        preview = raw if raw is not None else json.dumps(record, ensure_ascii=False, default=str)
        return Reject(where, _safe(reason), _safe(preview[:_RECORD_PREVIEW]), story_id and _safe(story_id))

    if not isinstance(record, dict):
        return reject("a record must be a JSON object")
    story_id = _text_or_none(record.get("id"))
    if story_id is None or not story_id.strip():
        return reject("the record has no id (a non-empty string)")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return reject(f"story {story_id}: the text is missing or empty", story_id)
    problem = _encoding_problem(record, max_story_bytes)
    if problem is not None:
        return reject(f"story {story_id}: {problem}", story_id)
    if has_markup(text):
        text = strip_markup(text)
        if not text.strip():
            return reject(f"story {story_id}: no text left once HTML markup is removed", story_id)
    date, text = _date_of(record.get("date"), text)
    if isinstance(date, str):
        return reject(f"story {story_id}: {date}", story_id)
    if not text.strip():
        return reject(f"story {story_id}: the text is empty after its date line", story_id)
    return Story(
        story_id=story_id,
        text=text.strip(),
        date=date,
        url=_optional_text(record.get("url")),
        publisher=_optional_text(record.get("publisher")),
    )


def _encoding_problem(record: dict[str, Any], limit: int) -> str | None:
    """Undecodable bytes (kept as lone surrogates) in any field, or a text over the size limit."""
    for name in FIELDS:
        value = record.get(name)
        if not isinstance(value, str):
            continue
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError as exc:
            return f"the {name} is not UTF-8 text (character {exc.start})"
        if name == "text" and size > limit:
            return _too_large(size, limit)
    return None


def _safe(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def _date_of(value: Any, text: str) -> tuple[dt.date | str | None, str]:
    """The story date from the record's field or the text's `date` line, and the text without it.

    A problem comes back as a string in place of the date.
    """
    prefix = _DATE_PREFIX.match(text)
    if prefix is not None:
        text = text[prefix.end() :]
    given = value if value not in (None, "") else (prefix.group(1) if prefix else None)
    if given is None:
        return None, text
    if isinstance(given, dt.datetime):
        return given.date(), text
    if isinstance(given, dt.date):
        return given, text
    if not isinstance(given, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given):
        return f"date {given!r} is not YYYY-MM-DD", text
    try:
        return dt.date.fromisoformat(given), text
    except ValueError:
        return f"date {given!r} is not a real day", text


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
