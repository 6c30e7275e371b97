"""pandas DataFrames in and out, for researchers working in a notebook.

The one other place pandas appears besides tabular input: `code_frame` codes a DataFrame of
stories with the same pipeline as `eventcode run`, and `read_events` reads a run's dataset. Both
return the columns and types of the Parquet schema, as pandas' Arrow-backed dtypes, so codes stay
strings (`"010"`), offsets stay nullable integers and `event_date` stays a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .config import Config
from .dataset import read_events_table
from .errors import InputError
from .ingest import make_story
from .model import Reject, Story
from .pipeline import code_stories, load_resources
from .write import events_table

_SHOWN_PROBLEMS = 5


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with the same types (pandas' `ArrowDtype` for each column)."""
    frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
    return frame


def read_events(folder: str | Path) -> pd.DataFrame:
    """Read a run's events dataset as a DataFrame.

    Args:
        folder: A run's output folder (`--out`), or its `events/` folder; flat or split by day.

    Returns:
        One row per event, with the columns and types of the Parquet schema.

    Raises:
        InputError: The folder is missing or not an events dataset.

    Example:
        >>> events = read_events("out")  # doctest: +SKIP
        >>> events.groupby("root_code").size()  # doctest: +SKIP
    """
    return to_frame(read_events_table(Path(folder)))


def code_frame(
    df: pd.DataFrame,
    *,
    id: str = "id",  # named like the input field it names, though it shadows the builtin
    text: str = "text",
    date: str = "date",
    url: str = "url",
    config: Config | None = None,
) -> pd.DataFrame:
    """Code a DataFrame of stories into a DataFrame of events, with the pipeline of `eventcode run`.

    Args:
        df: One story a row.
        id: The column of story ids.
        text: The column of story texts.
        date: The column of story dates (dates, timestamps or `YYYY-MM-DD` text; missing is
            allowed and gives events without a date). A missing column means no dates.
        url: The column of story URLs, used where present.
        config: How to code (model, codebooks); the defaults of `eventcode run` if None.

    Returns:
        One row per event, with the columns and types of the Parquet schema.

    Raises:
        InputError: A column is missing, or rows have no id or text or a bad date (the first few
            are named by their index).
        CodebookError, ModelNotFoundError: As `load_resources`.

    Example:
        >>> stories = pd.DataFrame({"id": ["a"], "text": ["Arnor attacked Gondor."]})
        >>> events = code_frame(stories)  # doctest: +SKIP
    """
    for column in (id, text):
        if column not in df.columns:
            raise InputError(
                f"the DataFrame has no column {column!r} (columns: {', '.join(map(str, df.columns))})"
            )
    stories = list(_stories(df, id=id, text=text, date=date, url=url))
    problems = [s for s in stories if isinstance(s, Reject)]
    if problems:
        shown = "; ".join(f"{r.source}: {r.reason}" for r in problems[:_SHOWN_PROBLEMS])
        more = f" (and {len(problems) - _SHOWN_PROBLEMS} more)" if len(problems) > _SHOWN_PROBLEMS else ""
        raise InputError(f"{len(problems)} row(s) cannot be coded: {shown}{more}")
    config = config or Config()
    resources = load_resources(config)
    coded = code_stories(
        (s for s in stories if isinstance(s, Story)),
        resources,
        require_dyad=config.require_dyad,
        speaker_accusations=config.speaker_accusations,
        batch_size=config.batch_size,
    )
    return to_frame(events_table((e for c in coded for e in c.events), resources.metadata))


def _stories(df: pd.DataFrame, *, id: str, text: str, date: str, url: str) -> Iterator[Story | Reject]:
    missing = [None] * len(df)
    dates = df[date] if date in df.columns else missing
    urls = df[url] if url in df.columns else missing
    for label, story_id, body, day, link in zip(df.index, df[id], df[text], dates, urls, strict=True):
        record = {"id": _value(story_id), "text": _value(body), "date": _date_text(day), "url": _value(link)}
        yield make_story(record, f"row {label!r}")


def _value(value: Any) -> Any:
    """A cell as plain Python: None for pandas' missing values, numpy scalars as Python ones."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _date_text(value: Any) -> Any:
    """A date cell as `YYYY-MM-DD` text for the ingest check; other values are left for it to reject."""
    value = _value(value)
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
