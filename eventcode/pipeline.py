"""The only place the stages are wired together.

ingest -> segment -> parse -> actors -> events -> roles -> write. `code_stories` is the core, a
function from stories to coded stories with the model loaded once; `run` adds reading the inputs
and writing the output folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
from .ingest import read_stories
from .modality import apply_modality
from .model import Event, Reject, Sentence, Story
from .parse import load_model, model_label, parse_sentences
from .roles import StoryContext, assign_roles
from .segment import split_sentences
from .write import EventWriter, RejectWriter, write_json

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
        return {
            "eventcode_version": __version__,
            "spacy_version": spacy.about.__version__,
            "model": model_label(self.nlp),
            "codebooks_sha256": self.codebooks.digest,
            "goldstein_table": GOLDSTEIN_TABLE,
        }


@dataclass(frozen=True, slots=True)
class CodedStory:
    """One story after coding: its events and how many sentences it had."""

    story: Story
    events: tuple[Event, ...]
    sentences: int
    discarded: bool


def load_resources(config: Config) -> Resources:
    """Load the codebooks and the model named by `config`, and index them for coding.

    Raises:
        CodebookError: The codebooks have problems.
        ModelNotFoundError: No configured model is installed.
    """
    codebooks = load_codebooks(config.codebooks)
    nlp = load_model(config.models)
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
    stories: Iterable[Story], resources: Resources, *, require_dyad: bool = True, batch_size: int = 256
) -> Iterator[CodedStory]:
    """Code stories into events, in order: the core of every run.

    Args:
        stories: The stories.
        resources: From `load_resources`.
        require_dyad: Keep only events with a source and a target.
        batch_size: Sentences spaCy parses at once.

    Yields:
        Each story with its events, one per (date, source, target, code).
    """
    for story, parsed in _parsed_stories(stories, resources, batch_size):
        context = StoryContext()
        events: dict[tuple[Any, ...], Event] = {}
        for sentence, doc in parsed:
            if doc is None:
                continue
            found, context = _code_sentence(sentence, doc, resources, context, require_dyad)
            for event in found:
                key = (event.event_date, event.source_actor, event.target_actor, event.event_code)
                events.setdefault(key, dataclasses.replace(event, url=story.url))
        yield CodedStory(story, tuple(events.values()), len(parsed), all(d is None for _, d in parsed))


def _code_sentence(
    sentence: Sentence, doc: Doc, resources: Resources, context: StoryContext, require_dyad: bool
) -> tuple[list[Event], StoryContext]:
    actors = find_actors(doc, resources.lexicon, date=sentence.date)
    matches = apply_modality(doc, find_events(doc, resources.patterns), resources.codebooks)
    return assign_roles(
        sentence, actors, matches, resources.codebooks.event_types, context, require_dyad=require_dyad
    )


def _parsed_stories(
    stories: Iterable[Story], resources: Resources, batch_size: int
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
    for sentence, doc in parse_sentences(texts(), resources.nlp, batch_size=batch_size):
        story, count, keep = keys.popleft()
        current.append((sentence, doc if keep else None))
        if len(current) == count:
            yield story, current
            current = []


def _matches(pattern: re.Pattern[str] | None, text: str) -> bool:
    return pattern is not None and pattern.search(text) is not None


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did, as written to `manifest.json`."""

    counts: dict[str, int]
    metadata: dict[str, str]
    out: Path
    first_reject: str | None = None
    events_by_root: dict[str, int] = dataclasses.field(default_factory=dict)


def run(
    paths: Iterable[Path],
    out: Path,
    config: Config,
    *,
    progress: Callable[[int], None] | None = None,
) -> RunSummary:
    """Code every story of the inputs into `out/`: events, rejects and manifest.

    Args:
        paths: JSONL files and folders of `.txt` stories.
        out: The output folder, created if needed.
        config: How to code.
        progress: Called with 1 after each story read, for a progress bar.

    Returns:
        The run's counts and metadata.

    Raises:
        InputError: An input path is missing or of an unknown kind.
        CodebookError, ModelNotFoundError: As `load_resources`.
    """
    paths = list(paths)
    records = read_stories(paths)
    first = next(records, None)  # checks the paths before the model loads
    resources = load_resources(config)
    started = dt.datetime.now(dt.UTC)
    counts = dict.fromkeys(
        (
            "stories_read",
            "stories_coded",
            "stories_no_event",
            "stories_rejected",
            "sentences",
            "events_written",
        ),
        0,
    )

    def stories() -> Iterator[Story]:
        for record in _chain(first, records):
            counts["stories_read"] += 1
            if progress is not None:
                progress(1)
            if isinstance(record, Reject):
                if not first_reject:
                    first_reject.append(f"{record.source}: {record.reason}")
                rejects.write(record)
                counts["stories_rejected"] += 1
                logger.debug("rejected %s: %s", record.source, record.reason)
            else:
                yield record

    first_reject: list[str] = []
    roots: Counter[str] = Counter()
    out.mkdir(parents=True, exist_ok=True)
    metadata = resources.metadata
    with (
        EventWriter(out / "events", "part-00000.parquet", metadata) as writer,
        RejectWriter(out / "rejects.jsonl") as rejects,
    ):
        for coded in code_stories(
            stories(), resources, require_dyad=config.require_dyad, batch_size=config.batch_size
        ):
            counts["sentences"] += coded.sentences
            counts["stories_coded" if coded.events else "stories_no_event"] += 1
            roots.update(e.root_code for e in coded.events)
            writer.write(coded.events)
    counts["events_written"] = writer.count
    write_json(
        out / "manifest.json",
        {
            **counts,
            "versions": metadata,
            "started": started.isoformat(),
            "finished": dt.datetime.now(dt.UTC).isoformat(),
            "inputs": [str(p) for p in paths],
        },
    )
    return RunSummary(
        counts, metadata, out, first_reject[0] if first_reject else None, dict(sorted(roots.items()))
    )


def _chain(first: Story | Reject | None, rest: Iterator[Story | Reject]) -> Iterator[Story | Reject]:
    if first is not None:
        yield first
    yield from rest


def evaluate_gold(gold: Path, config: Config) -> Evaluation:
    """Code a gold set's records with the pipeline and score them (see `evaluate`).

    Raises:
        InputError: The gold file is missing or malformed.
    """
    records = list(read_gold(gold))
    resources = load_resources(config)

    def code(stories: Iterable[Story]) -> Iterator[tuple[Story, tuple[Event, ...]]]:
        for coded in code_stories(
            stories, resources, require_dyad=config.require_dyad, batch_size=config.batch_size
        ):
            yield coded.story, coded.events

    return evaluate(records, code)


def harvest_inputs(paths: Iterable[Path], config: Config, *, top: int = 50) -> list[Unknown]:
    """Parse the stories of the inputs and list the verbs and names the codebooks do not know.

    Raises:
        InputError: An input path is missing or of an unknown kind.
    """
    stories = (r for r in read_stories(list(paths)) if isinstance(r, Story))
    resources = load_resources(config)
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
            matches = apply_modality(doc, raw, resources.codebooks)
            kept = {m.head for m in matches}
            # a negated act the mood stage dropped is shown, so the curator sees why nothing came
            matches = sorted(
                [*matches, *(m for m in raw if m.negated and m.head not in kept)], key=lambda m: m.head
            )
            types = resources.codebooks.event_types
            trials = [
                assign_roles(sentence, actors, [m], types, context, require_dyad=False)[0] for m in matches
            ]
            events, context = assign_roles(
                sentence, actors, matches, types, context, require_dyad=config.require_dyad
            )
            found.append(
                explain_sentence(
                    sentence,
                    doc,
                    actors,
                    matches,
                    trials,
                    events,
                    resources.codebooks,
                    resources.patterns,
                    require_dyad=config.require_dyad,
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
