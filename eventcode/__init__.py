"""eventcode: code news stories into CAMEO events, written as Parquet.

>>> from eventcode import Config, run
>>> summary = run([Path("seeds")], Path("out"), Config())  # doctest: +SKIP
>>> events = read_events("out")  # doctest: +SKIP
>>> events = code_frame(stories_df)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .codebooks import Codebooks, load_codebooks
from .config import Config
from .errors import (
    ClusterError,
    CodebookError,
    EventcodeError,
    InputError,
    ModelNotFoundError,
    OutputLockedError,
    StateError,
)
from .pipeline import RunSummary, code_chunk, code_stories, load_resources, run

if TYPE_CHECKING:
    from .frames import code_frame, read_events


def __getattr__(name: str) -> Any:
    # The DataFrame helpers import pandas, which the command line does not need: load on first use.
    if name in ("code_frame", "read_events"):
        from . import frames

        return getattr(frames, name)
    raise AttributeError(f"module 'eventcode' has no attribute {name!r}")


__all__ = [
    "ClusterError",
    "CodebookError",
    "Codebooks",
    "Config",
    "EventcodeError",
    "InputError",
    "ModelNotFoundError",
    "OutputLockedError",
    "RunSummary",
    "StateError",
    "__version__",
    "code_chunk",
    "code_frame",
    "code_stories",
    "load_codebooks",
    "load_resources",
    "read_events",
    "run",
]
