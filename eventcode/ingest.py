"""Read stories from input paths, one at a time, turning every bad record into a `Reject`.

Inputs: JSONL files (one story a line: `id`, `text`, optional `date`, `url`, `publisher`) and
folders of `.txt` stories (the file name is the id). A text that opens with `date YYYY-MM-DD`
takes that date. A story with no date has none: today's date is never assumed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import Reject, Story

_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?")
_RECORD_PREVIEW = 2000


def read_stories(paths: Iterable[Path]) -> Iterator[Story | Reject]:
    """Yield every story of the inputs in order, and a `Reject` for each record that is not one.

    Args:
        paths: JSONL files and folders of `.txt` files.

    Yields:
        A `Story` per good record, a `Reject` per bad one; a bad record never stops the others.

    Raises:
        InputError: A path does not exist or is of a kind eventcode does not read. This is checked
            for every path before any story is yielded.
    """
    paths = list(paths)
    for path in paths:
        _check_path(path)
    for path in paths:
        if path.is_dir():
            yield from _read_texts(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
            )
        elif path.suffix.lower() == ".txt":
            yield from _read_texts([path])
        else:
            yield from _read_jsonl(path)


def _check_path(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file() and path.suffix.lower() not in (".jsonl", ".txt"):
        raise InputError(f"{path}: not an input eventcode reads (a .jsonl or .txt file, or a folder of .txt)")


def _read_texts(files: list[Path]) -> Iterator[Story | Reject]:
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Reject(str(path), f"not UTF-8 text (byte {exc.start})", story_id=path.stem)
            continue
        except OSError as exc:
            yield Reject(str(path), f"cannot be read: {exc.strerror}", story_id=path.stem)
            continue
        yield make_story({"id": path.stem, "text": text}, str(path))


def _read_jsonl(path: Path) -> Iterator[Story | Reject]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Reject(
                    where,
                    f"not UTF-8 text (byte {exc.start})",
                    raw[:_RECORD_PREVIEW].decode("utf-8", "replace"),
                )
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Reject(
                    where, f"not valid JSON ({exc.msg} at column {exc.colno})", line[:_RECORD_PREVIEW]
                )
                continue
            yield make_story(record, where, line)


def make_story(record: Any, where: str, raw: str | None = None) -> Story | Reject:
    """Check one input record and make it a `Story`, or say why it cannot be one.

    Args:
        record: The decoded record (a JSON object or the fields of a `.txt` file).
        where: Where the record is, for messages (`path:line`).
        raw: The record's raw text, kept in the rejects file.

    Returns:
        The story, or a `Reject` naming the reason.
    """
    preview = (raw if raw is not None else json.dumps(record, ensure_ascii=False, default=str))[
        :_RECORD_PREVIEW
    ]
    if not isinstance(record, dict):
        return Reject(where, "a record must be a JSON object", preview)
    story_id = record.get("id")
    if isinstance(story_id, int) and not isinstance(story_id, bool):
        story_id = str(story_id)
    if not isinstance(story_id, str) or not story_id.strip():
        return Reject(where, "the record has no id (a non-empty string)", preview)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return Reject(where, f"story {story_id}: the text is missing or empty", preview, story_id)
    date, text = _date_of(record.get("date"), text)
    if isinstance(date, str):
        return Reject(where, f"story {story_id}: {date}", preview, story_id)
    if not text.strip():
        return Reject(where, f"story {story_id}: the text is empty after its date line", preview, story_id)
    return Story(
        story_id=story_id,
        text=text.strip(),
        date=date,
        url=_optional_text(record.get("url")),
        publisher=_optional_text(record.get("publisher")),
    )


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
    if not isinstance(given, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given):
        return f"date {given!r} is not YYYY-MM-DD", text
    try:
        return dt.date.fromisoformat(given), text
    except ValueError:
        return f"date {given!r} is not a real day", text


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
