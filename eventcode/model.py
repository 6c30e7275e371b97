"""The values that flow through the pipeline, one stage to the next.

Story -> Sentence -> (parsed Doc) -> ActorMatch / EventMatch -> Event.
All are frozen: a stage returns new values and never changes what it was given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Story:
    """One input story.

    Attributes:
        story_id: The id the input gave (or the file name of a `.txt` story).
        text: The story text, cleaned of a leading `date YYYY-MM-DD` marker.
        date: The story's date, or None where the input gave none.
        url: Where the story came from, if known.
        publisher: Who published it, if known.
    """

    story_id: str
    text: str
    date: dt.date | None = None
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """An input record that could not be coded, and why.

    Attributes:
        source: Where the record is: `path:line` or a file path.
        reason: A sentence saying what is wrong with it.
        record: The record's raw text (cut to a readable length), for the rejects file.
        story_id: The record's id where one could be read.
    """

    source: str
    reason: str
    record: str = ""
    story_id: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a story.

    Attributes:
        story_id: The story it belongs to.
        index: Its position in the story, from 0.
        text: The sentence text.
        date: The story's date.
    """

    story_id: str
    index: int
    text: str
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """An actor found in a sentence: a noun phrase resolved to an actor code.

    Attributes:
        code: The CAMEO actor code (`AZEMIL`, `IGOUNO`, `---GOV`).
        start: Character offset of the phrase in the sentence.
        end: Character offset just past the phrase.
        head: Token index of the phrase's head in the parsed sentence.
        evidence: Which codebook lines gave the code, as `file:line` joined by `+`.
        titles: The role nouns of the phrase (their codebook lines), and a named person's own
            line, by which a later short reference ("the Chief of the General Staff", "he")
            finds this actor again.
        place: The phrase names only a city, region or capital ("in Baku"), not a state acting.
    """

    code: str
    start: int
    end: int
    head: int
    evidence: str
    titles: tuple[str, ...] = ()
    place: bool = False


@dataclass(frozen=True, slots=True)
class EventMatch:
    """A codebook pattern matched at one verb or event noun of a sentence.

    Attributes:
        pattern_id: The matched pattern's id (`v04-0012`).
        code: The CAMEO code the pattern gives.
        head: Token index of the verb or noun the pattern matched.
        target_slot: Token index where the pattern places the target, or None.
        negated: Whether the verb is negated ("did not meet").
        specificity: How many words the pattern matched, for choosing and for confidence.
        covers: Token indices of the pattern's other words.
        subject_of: Token index of the verb whose subject is the source, where that is not the
            head (an appeal runs from the one who urges: "X urged Y to negotiate").
        mood: How the act was said: "act", "intent", "appeal", "demand", "claim" or "refusal".
        received: The head receives what a giving pattern gives ("X received weapons from Y" is
            Y giving X weapons): the source is the `from` object, the target the subject.
    """

    pattern_id: str
    code: str
    head: int
    target_slot: int | None
    negated: bool = False
    specificity: int = 1
    covers: tuple[int, ...] = ()
    subject_of: int | None = None
    mood: str = "act"
    received: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event, ready to be written.

    Attributes mirror the columns of `write.EVENT_SCHEMA`. `num_mentions`, `num_sources` and
    `num_articles` count like GDELT's NumMentions / NumSources / NumArticles: in a story, how often
    the story reports the event (sources and articles are 1); merged over a day (`--dedup day`),
    the mentions, publishers and stories that report it.
    """

    event_id: str
    story_id: str
    sentence_index: int
    event_date: dt.date | None
    source_actor: str | None
    target_actor: str | None
    event_code: str
    base_code: str
    root_code: str
    plover_event: str
    quad_class: int
    goldstein: float
    confidence: float
    sentence_text: str
    pattern_id: str
    verb_start: int
    verb_end: int
    source_start: int | None
    source_end: int | None
    target_start: int | None
    target_end: int | None
    source_evidence: str | None
    target_evidence: str | None
    url: str | None = None
    publisher: str | None = None
    num_mentions: int = 1
    num_sources: int = 1
    num_articles: int = 1


@dataclass(frozen=True, slots=True)
class CodedStory:
    """One story after coding: its events and how many sentences it had.

    Attributes:
        story: The story.
        events: Its events, one per (date, source, target, code).
        sentences: How many sentences it was split into.
        discarded: Whether every sentence was discarded (a discard phrase matched).
        error: Why coding the story failed (a coder bug), or None.
    """

    story: Story
    events: tuple[Event, ...]
    sentences: int
    discarded: bool
    error: str | None = None
