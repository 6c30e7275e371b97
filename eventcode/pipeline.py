"""The only place the stages are wired together.

ingest -> segment -> parse -> actors -> events -> roles -> write. `code_stories` is the core, a
function from stories to coded stories with the model loaded once; `code_chunk` is the same for
one batch in a worker process (or a distributed engine's partition); `run` adds reading the
inputs and keeping the output folder (see `store`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .actors import Lexicon, build_lexicon, find_actors
from .codebooks import Codebooks, load_codebooks
from .config import Config
from .errors import InputError
from .evaluate import Evaluation, evaluate, read_gold
from .events import PatternIndex, find_events, index_patterns
from .explain import Explanation, SentenceExplanation, discarded_sentence, explain_sentence
from .harvest import Unknown, harvest
from .ingest import check_inputs, read_stories
from .lock import hold_lock
from .modality import apply_modality
from .model import CodedStory, Event, Reject, Sentence, Story
from .parse import installed_model_label, load_model, model_label, parse_sentences
from .roles import StoryContext, assign_roles, note_subjects
from .segment import split_sentences
from .store import Store
from .workers import map_in_processes

if TYPE_CHECKING:
    from .dask_engine import Cluster

logger = logging.getLogger(__name__)
GOLDSTEIN_TABLE = "CAMEO 1.1b3 (icews cameo-codes.csv values)"


@dataclass(frozen=True, slots=True)
class Resources:
    """What coding needs, built once per process: the model and the indexed codebooks."""

    nlp: Language
    codebooks: Codebooks
    lexicon: Lexicon
    patterns: PatternIndex
    story_discards: re.Pattern[str] | None
    sentence_discards: re.Pattern[str] | None

    @property
    def metadata(self) -> dict[str, str]:
        """How the output was made, for the Parquet schema and the manifest."""
        return _metadata(model_label(self.nlp), self.codebooks.digest)


def _metadata(model: str, codebooks_digest: str) -> dict[str, str]:
    return {
        "eventcode_version": __version__,
        "spacy_version": spacy.about.__version__,
        "model": model,
        "codebooks_sha256": codebooks_digest,
        "goldstein_table": GOLDSTEIN_TABLE,
    }


def load_resources(config: Config, *, entities: bool = False) -> Resources:
    """Load the codebooks and the model named by `config`, and index them for coding.

    Raises:
        CodebookError: The codebooks have problems.
        ModelNotFoundError: No configured model is installed.
    """
    codebooks = load_codebooks(config.codebooks)
    nlp = load_model(config.models, entities=entities)
    return Resources(
        nlp=nlp,
        codebooks=codebooks,
        lexicon=build_lexicon(codebooks, nlp),
        patterns=index_patterns(codebooks),
        story_discards=_phrases(d.phrase for d in codebooks.discards if d.scope == "story"),
        sentence_discards=_phrases(d.phrase for d in codebooks.discards if d.scope == "sentence"),
    )


def _phrases(phrases: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted(phrases, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def code_stories(
    stories: Iterable[Story],
    resources: Resources,
    *,
    require_dyad: bool = True,
    speaker_accusations: bool = False,
    batch_size: int = 256,
    parse_aside: bool = False,
) -> Iterator[CodedStory]:
    """Code stories into events, in order: the core of every run.

    Args:
        stories: The stories.
        resources: From `load_resources`.
        require_dyad: Keep only events with a source and a target.
        speaker_accusations: Also code who reports another's use of force as accusing it.
        batch_size: Sentences spaCy parses at once.
        parse_aside: Parse in a process of its own while this one codes (see `parse_sentences`):
            for a run on one worker, not inside worker processes.

    Yields:
        Each story as `code_parsed` codes it; a story whose coding raised comes with no events
        and the error.
    """
    for story, parsed in _parsed_stories(stories, resources, batch_size, aside=parse_aside):
        try:
            coded = code_parsed(
                story, parsed, resources, require_dyad=require_dyad, speaker_accusations=speaker_accusations
            )
        except Exception as exc:
            # a coder bug met by one story must not stop a night's run, nor be dropped unseen as
            # PETRARCH2 drops sentences: the story is rejected with the error, and logged with it
            logger.exception("coding story %s failed", story.story_id)
            coded = CodedStory(story, (), len(parsed), False, error=f"{type(exc).__name__}: {exc}")
        yield coded


def code_parsed(
    story: Story,
    parsed: list[tuple[Sentence, Doc | None]],
    resources: Resources,
    *,
    require_dyad: bool = True,
    speaker_accusations: bool = False,
) -> CodedStory:
    """Code one story whose sentences are parsed already: actors, events and roles.

    Args:
        story: The story.
        parsed: Its sentences in order, each with its parse (None for a discarded sentence).
        resources: From `load_resources`.
        require_dyad: Keep only events with a source and a target.
        speaker_accusations: Also code who reports another's use of force as accusing it.

    Returns:
        The story with its events, one per (date, source, target, code): the first mention,
        with `num_mentions` counting them all.
    """
    context = StoryContext()
    events: dict[tuple[Any, ...], Event] = {}
    mentions: Counter[tuple[Any, ...]] = Counter()
    for sentence, doc in parsed:
        if doc is None:
            continue
        found, context = _code_sentence(
            sentence,
            doc,
            resources,
            context,
            require_dyad=require_dyad,
            speaker_accusations=speaker_accusations,
        )
        for event in found:
            key = (event.event_date, event.source_actor, event.target_actor, event.event_code)
            events.setdefault(key, event)
            mentions[key] += 1
    coded = tuple(
        dataclasses.replace(e, url=story.url, publisher=story.publisher, num_mentions=mentions[k])
        for k, e in events.items()
    )
    return CodedStory(story, coded, len(parsed), all(d is None for _, d in parsed))


def code_chunk(stories: list[Story], config: Config) -> list[CodedStory]:
    """Code one batch of stories with this process's resources, loaded on first use and kept.

    The function a worker process runs, and the shape a distributed engine's partition needs:
    a batch of stories in, a batch of coded stories out.

    Args:
        stories: The stories.
        config: How to code; the model and codebooks it names load once per process.

    Returns:
        The coded stories, in order.
    """
    resources = _process_resources(config)
    return list(code_stories(stories, resources, **_coding(config)))


@functools.cache
def _process_resources(config: Config) -> Resources:
    # one model per process for its whole life: what a worker pool is for (see `code_chunk`)
    return load_resources(config)


def _coding(config: Config) -> dict[str, Any]:
    """The options of `code_stories` a configuration sets."""
    return {
        "require_dyad": config.require_dyad,
        "speaker_accusations": config.speaker_accusations,
        "batch_size": config.batch_size,
    }


def _code_sentence(
    sentence: Sentence,
    doc: Doc,
    resources: Resources,
    context: StoryContext,
    *,
    require_dyad: bool,
    speaker_accusations: bool,
) -> tuple[list[Event], StoryContext]:
    matches = apply_modality(doc, find_events(doc, resources.patterns), resources.codebooks)
    actors = find_actors(doc, resources.lexicon, date=sentence.date)
    if not matches:  # no event, but its subjects are who a later "he" or "it" may mean
        return [], note_subjects(actors, context)
    return assign_roles(
        sentence,
        actors,
        matches,
        resources.codebooks.event_types,
        context,
        require_dyad=require_dyad,
        speaker_accusations=speaker_accusations,
    )


def _parsed_stories(
    stories: Iterable[Story], resources: Resources, batch_size: int, *, aside: bool = False
) -> Iterator[tuple[Story, list[tuple[Sentence, Doc | None]]]]:
    """Parse the sentences of many stories in shared batches, then give them back story by story.

    A discarded sentence is parsed as empty text (nothing to parse) and comes back as None.
    """

    def sentences() -> Iterator[tuple[Sentence, tuple[Story, int, bool]]]:
        for story in stories:
            story_discarded = _matches(resources.story_discards, story.text)
            split = list(split_sentences(story))
            for sentence in split:
                keep = not story_discarded and not _matches(resources.sentence_discards, sentence.text)
                yield (
                    (sentence if keep else dataclasses.replace(sentence, text="")),
                    (story, len(split), keep),
                )

    keys: deque[tuple[Story, int, bool]] = deque()

    def texts() -> Iterator[Sentence]:
        for sentence, key in sentences():
            keys.append(key)
            yield sentence

    current: list[tuple[Sentence, Doc | None]] = []
    for sentence, doc in parse_sentences(texts(), resources.nlp, batch_size=batch_size, aside=aside):
        story, count, keep = keys.popleft()
        current.append((sentence, doc if keep else None))
        if len(current) == count:
            yield story, current
            current = []


def _matches(pattern: re.Pattern[str] | None, text: str) -> bool:
    return pattern is not None and pattern.search(text) is not None


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did, as written to `manifest.json`.

    Attributes:
        counts: This run's counts (`stories_read` = coded + no_event + rejected + skipped).
        metadata: Versions and codebook hash.
        out: The output folder.
        first_reject: The first record this run rejected, as `source: reason`.
        events_by_root: This run's new events by CAMEO root.
        manifest: The manifest as written.
    """

    counts: dict[str, int]
    metadata: dict[str, str]
    out: Path
    first_reject: str | None = None
    events_by_root: dict[str, int] = dataclasses.field(default_factory=dict)
    manifest: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def reject_rate(self) -> float:
        """The share of records read that this run rejected."""
        read = self.counts.get("stories_read", 0)
        return self.counts.get("stories_rejected", 0) / read if read else 0.0

    @property
    def rejects_exceeded(self) -> bool:
        """Whether the reject rate is over the configured maximum."""
        return self.manifest.get("status") == "rejects_exceeded"


def run(
    paths: Iterable[Path],
    out: Path,
    config: Config,
    *,
    progress: Callable[[int], None] | None = None,
    resources: Resources | None = None,
) -> RunSummary:
    """Code the stories of the inputs that `out/` has not coded yet, and account for every record.

    Incremental and resumable: stories already committed unchanged (same id and content) are
    skipped, changed ones have their events replaced, and a run killed at any point is finished
    by the next one with nothing lost or doubled (see `store`). One run at a time per folder.

    Args:
        paths: JSONL (or `.jsonl.gz`), CSV, Parquet and `.txt` files, and folders of `.txt`.
        out: The output folder, created if needed.
        config: How to code.
        progress: Called with 1 after each record read, for a progress bar.
        resources: Already loaded resources (else loaded from `config`, in this process only
            when `config.workers` is 1 and the engine local). With workers or a local Dask
            cluster, which are started afresh (`spawn`), a script that calls `run` must do so
            under `if __name__ == "__main__":`.

    Returns:
        The run's counts, metadata and manifest.

    Raises:
        InputError: An input path is missing or of an unknown kind.
        OutputLockedError: Another run is using `out`.
        StateError: The folder's state cannot be used with this configuration.
        CodebookError, ModelNotFoundError: As `load_resources`.
        ClusterError: With the Dask engine: Dask is missing, the scheduler cannot be reached, or
            a partition failed.
    """
    paths = list(paths)
    check_inputs(paths)  # before the lock and the model: a typo fails at once
    with hold_lock(out):
        if resources is None and config.workers <= 1 and config.engine == "local":
            resources = load_resources(config)
        # with workers, the model loads in them only; here, the codebooks are checked at once
        metadata = resources.metadata if resources else _run_metadata(config)
        with _open_cluster(config) as cluster:  # before the store: a wrong address changes nothing
            return _run_into(paths, out, config, metadata, progress, resources, cluster)


def _run_into(
    paths: list[Path],
    out: Path,
    config: Config,
    metadata: dict[str, str],
    progress: Callable[[int], None] | None,
    resources: Resources | None,
    cluster: Cluster | None,
) -> RunSummary:
    """Open the store, code what it does not know (here or on the cluster), account, record."""
    details = {"inputs": [str(p) for p in paths], "settings": _settings(config)}
    store = Store(out, metadata, details, dedup=config.dedup, commit_every=config.commit_every)
    logger.info("run %d started into %s", store.run, out, extra={"run": store.run, **details})
    try:
        stories = _stories_to_code(
            read_stories(paths, max_story_bytes=config.max_story_bytes), store, progress
        )
        for coded in _code(stories, resources, config, cluster):
            store.add(coded)
        counts = store.finish()
        summary = RunSummary(counts, metadata, out, store.first_reject)
        status = "rejects_exceeded" if summary.reject_rate > config.max_reject_rate else "ok"
        extra = {"reject_rate": round(summary.reject_rate, 6), **details}
        manifest = store.record_run(status, extra)
        logger.info("run %d finished: %s", store.run, status, extra={"run": store.run, "counts": counts})
    finally:
        store.close()
    return dataclasses.replace(
        summary, events_by_root=dict(sorted(store.events_by_root.items())), manifest=manifest
    )


def _run_metadata(config: Config) -> dict[str, str]:
    return _metadata(installed_model_label(config.models), load_codebooks(config.codebooks).digest)


def _settings(config: Config) -> dict[str, Any]:
    return {
        "dedup": config.dedup,
        "workers": config.workers,
        "max_story_bytes": config.max_story_bytes,
        "max_reject_rate": config.max_reject_rate,
        "commit_every": config.commit_every,
        "require_dyad": config.require_dyad,
        "speaker_accusations": config.speaker_accusations,
        "engine": config.engine,
        "scheduler": config.scheduler,
        "partition_stories": config.partition_stories,
    }


def _stories_to_code(
    records: Iterable[Story | Reject], store: Store, progress: Callable[[int], None] | None
) -> Iterator[Story]:
    """The stories that need coding; rejects and unchanged stories are accounted for here."""
    for record in records:
        if progress is not None:
            progress(1)
        if isinstance(record, Reject):
            logger.debug("rejected %s: %s", record.source, record.reason)
            store.reject(record)
        elif store.is_known(record):
            store.skip()
        else:
            yield record


def _open_cluster(config: Config) -> AbstractContextManager[Cluster | None]:
    if config.engine != "dask":
        return nullcontext(None)
    from . import dask_engine  # here only: the local engine never imports Dask

    return dask_engine.connect(workers=config.workers, scheduler=config.scheduler)


def _code(
    stories: Iterable[Story], resources: Resources | None, config: Config, cluster: Cluster | None
) -> Iterator[CodedStory]:
    if cluster is not None:
        return cluster.map(code_chunk, stories, config, chunk=config.partition_stories, label=_label)
    if resources is not None and config.workers <= 1:
        return code_stories(stories, resources, **_coding(config), parse_aside=True)
    return map_in_processes(
        code_chunk, stories, config, workers=config.workers, chunk=config.partition_stories
    )


def _label(stories: list[Story]) -> str:
    return f"{len(stories)} stories, {stories[0].story_id} to {stories[-1].story_id}"


def evaluate_gold(gold: Path, config: Config) -> Evaluation:
    """Code a gold set's records with the pipeline and score them (see `evaluate`).

    Raises:
        InputError: The gold file is missing or malformed.
    """
    records = list(read_gold(gold))
    resources = load_resources(config)

    def code(stories: Iterable[Story]) -> Iterator[tuple[Story, tuple[Event, ...]]]:
        for coded in code_stories(stories, resources, **_coding(config)):
            yield coded.story, coded.events

    return evaluate(records, code)


def harvest_inputs(paths: Iterable[Path], config: Config, *, top: int = 50) -> list[Unknown]:
    """Parse the stories of the inputs and list the verbs and names the codebooks do not know.

    Raises:
        InputError: An input path is missing or of an unknown kind.
    """
    stories = (r for r in read_stories(list(paths)) if isinstance(r, Story))
    resources = load_resources(config, entities=True)
    sentences = (s for story in stories for s in split_sentences(story))
    docs = (doc for _, doc in parse_sentences(sentences, resources.nlp, batch_size=config.batch_size))
    return harvest(docs, resources.lexicon, resources.patterns, top=top)


def explain_text(text: str, config: Config, *, date: dt.date | None = None) -> Explanation:
    """Code a text as `run` would and say why, sentence by sentence (see `explain`).

    Args:
        text: One sentence or a few.
        config: How to code.
        date: The story date, which picks the office a person held.

    Raises:
        InputError: The text is empty.
        CodebookError, ModelNotFoundError: As `load_resources`.
    """
    if not text.strip():
        raise InputError("nothing to explain: the text is empty")
    resources = load_resources(config)
    story = Story("explain", text.strip(), date)
    found: list[SentenceExplanation] = []
    context = StoryContext()
    originals = list(split_sentences(story))  # a discarded sentence comes back parsed as empty text
    for _, parsed in _parsed_stories([story], resources, config.batch_size):
        for sentence, doc in parsed:
            if doc is None:
                original = originals[sentence.index]
                found.append(discarded_sentence(original, _discard_reason(story, original, resources)))
                continue
            actors = find_actors(doc, resources.lexicon, date=sentence.date)
            raw = find_events(doc, resources.patterns)
            dropped: dict[int, str] = {}
            coded = apply_modality(doc, raw, resources.codebooks, reasons=dropped)
            kept = {m.head for m in coded}
            # an act the mood stage dropped is shown with the reason, so the curator sees why
            shown = sorted(
                [*coded, *(m for m in raw if m.head not in kept and (m.negated or m.head in dropped))],
                key=lambda m: m.head,
            )
            types = resources.codebooks.event_types
            trials = [
                assign_roles(sentence, actors, [m], types, context, require_dyad=False)[0] for m in shown
            ]
            events, context = assign_roles(
                sentence,
                actors,
                coded,
                types,
                context,
                require_dyad=config.require_dyad,
                speaker_accusations=config.speaker_accusations,
            )
            found.append(
                explain_sentence(
                    sentence,
                    doc,
                    actors,
                    shown,
                    trials,
                    events,
                    resources.codebooks,
                    resources.patterns,
                    require_dyad=config.require_dyad,
                    dropped=dropped,
                )
            )
    return Explanation(tuple(found))


def _discard_reason(story: Story, sentence: Sentence, resources: Resources) -> str:
    for scope, pattern, text in (
        ("story", resources.story_discards, story.text),
        ("sentence", resources.sentence_discards, sentence.text),
    ):
        hit = pattern.search(text) if pattern is not None else None
        if hit is not None:
            phrase = hit.group(0).lower()
            ref = next((d.ref for d in resources.codebooks.discards if d.phrase == phrase), "discards.tsv")
            return f"not coded: the {scope} contains the discard phrase {phrase!r} ({ref})"
    return "not coded: discarded"
