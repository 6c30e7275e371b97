"""Why a sentence was coded as it was: the parse, the actors, the patterns, the events.

Nothing here matches or codes: `pipeline.explain_text` runs the stages (`find_actors`,
`find_events`, `assign_roles`) and this module reports what they returned, for codebook curators.
To say why a matched pattern gave no event, each match is also handed to `assign_roles` alone
without the dyad rule, which shows the source and target the engine found for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from .actors import SentenceActors
from .codebooks import Codebooks, Pattern
from .events import PatternIndex
from .model import Event, EventMatch, Sentence


@dataclass(frozen=True, slots=True)
class TokenParse:
    """One token of the parse."""

    i: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int


@dataclass(frozen=True, slots=True)
class ActorFound:
    """A name form or role noun the codebooks matched, and the line that gave it."""

    text: str
    start: int
    end: int
    kind: str
    code: str | None
    role: str | None
    ref: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A source and target the engine found for one pattern match, and what became of them."""

    source: str | None
    target: str | None
    outcome: str


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """A codebook pattern that matched at a verb or event noun."""

    pattern_id: str
    pattern: str
    ref: str
    code: str
    code_name: str
    head: str
    negated: bool
    candidates: tuple[Candidate, ...]
    not_coded: str = ""  # why the mood stage dropped it ("denied: ..."), if it did


@dataclass(frozen=True, slots=True)
class SentenceExplanation:
    """Everything about one sentence: its parse, actors, matched patterns, events, or why none."""

    index: int
    text: str
    tokens: tuple[TokenParse, ...]
    actors: tuple[ActorFound, ...]
    patterns: tuple[PatternMatch, ...]
    events: tuple[Event, ...]
    why_none: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    """The explanation of a text, sentence by sentence."""

    sentences: tuple[SentenceExplanation, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--json`: dates as ISO text."""
        sentences = [dataclasses.asdict(s) for s in self.sentences]
        for sentence in sentences:
            for event in sentence["events"]:
                day = event["event_date"]
                event["event_date"] = day.isoformat() if day is not None else None
        return {"sentences": sentences}


def pattern_text(pattern: Pattern) -> str:
    """The pattern as its codebook line writes it (`meet with +`, `~visit to +`)."""
    words = [("~" if pattern.nominal else "") + pattern.head]
    if pattern.target_after == "":
        words.append("+")
    for word in pattern.words:
        words.append(word)
        if word == pattern.target_after:
            words.append("+")
    return " ".join(words)


def discarded_sentence(sentence: Sentence, reason: str) -> SentenceExplanation:
    """A sentence the discard list kept from being coded."""
    return SentenceExplanation(sentence.index, sentence.text, (), (), (), (), (reason,))


def explain_sentence(
    sentence: Sentence,
    doc: Doc,
    actors: SentenceActors,
    matches: Sequence[EventMatch],
    trials: Sequence[Sequence[Event]],
    events: Sequence[Event],
    codebooks: Codebooks,
    index: PatternIndex,
    *,
    require_dyad: bool,
    dropped: Mapping[int, str] | None = None,
) -> SentenceExplanation:
    """Report what the stages returned for one sentence.

    Args:
        sentence: The sentence.
        doc: Its parse.
        actors: From `find_actors`.
        matches: From `find_events`.
        trials: For each match, the events `assign_roles` makes of it alone, without the dyad rule.
        events: The sentence's events, from `assign_roles` as a run calls it.
        codebooks: For pattern lines and code names.
        index: For telling a verb no pattern has from one whose patterns did not fit.
        require_dyad: Whether the run keeps only events with both actors.
        dropped: Why the mood stage dropped a match, by head token (`apply_modality`'s reasons).

    Returns:
        The explanation.
    """
    patterns = {p.pattern_id: p for p in codebooks.patterns}
    dropped = dropped or {}
    found = tuple(
        _pattern_match(
            doc,
            m,
            trial,
            patterns[m.pattern_id],
            codebooks,
            require_dyad=require_dyad,
            dropped=dropped.get(m.head),
        )
        for m, trial in zip(matches, trials, strict=True)
    )
    why: list[str] = []
    if not events:
        why = [f"{p.pattern_id} at {p.head!r}: {c.outcome}" for p in found for c in p.candidates]
        why += [f"{p.pattern_id} at {p.head!r}: negated, not coded" for p in found if p.negated]
        why += [
            f"{p.pattern_id} at {p.head!r}: {p.not_coded}" for p in found if p.not_coded and not p.negated
        ]
        if not found:
            why.append(_no_pattern(doc, index))
    return SentenceExplanation(
        index=sentence.index,
        text=sentence.text,
        tokens=tuple(TokenParse(t.i, t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i) for t in doc),
        actors=tuple(
            ActorFound(
                doc[m.start : m.end].text,
                doc[m.start].idx,
                doc[m.end - 1].idx + len(doc[m.end - 1].text),
                m.kind,
                m.code,
                m.role,
                m.ref,
            )
            for m in sorted(actors.mentions.values(), key=lambda m: m.start)
            if m.kind != "pronoun"
        ),
        patterns=found,
        events=tuple(events),
        why_none=tuple(why),
    )


def _pattern_match(
    doc: Doc,
    match: EventMatch,
    trial: Sequence[Event],
    pattern: Pattern,
    codebooks: Codebooks,
    *,
    require_dyad: bool,
    dropped: str | None = None,
) -> PatternMatch:
    if match.negated or dropped:
        trial = ()  # not coded whatever its actors
    candidates = tuple(_candidate(e, require_dyad=require_dyad) for e in trial)
    if not match.negated and not dropped and not candidates:
        # assign_roles gives nothing both where it found no actor and where source is target
        outcome = "no source or target actor found (or the same actor on both sides): not coded"
        candidates = (Candidate(None, None, outcome),)
    return PatternMatch(
        pattern_id=match.pattern_id,
        pattern=pattern_text(pattern),
        ref=pattern.ref,
        code=match.code,
        code_name=codebooks.event_types[match.code].name,
        head=doc[match.head].text,
        negated=match.negated,
        candidates=candidates,
        not_coded="" if match.negated else (dropped or ""),
    )


def _candidate(event: Event, *, require_dyad: bool) -> Candidate:
    missing = [
        role for role, code in (("source", event.source_actor), ("target", event.target_actor)) if not code
    ]
    if not missing:
        outcome = "coded"
    elif require_dyad:
        outcome = f"no {' and no '.join(missing)} actor found: not coded (an event needs both)"
    else:
        outcome = f"coded without a {' or '.join(missing)}"
    return Candidate(event.source_actor, event.target_actor, outcome)


def _no_pattern(doc: Doc, index: PatternIndex) -> str:
    """Which verbs the sentence has, and whether any pattern has them as its head."""
    heads = index.verbs
    verbs = [t for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    if not verbs:
        return "no pattern matched, and the parse has no verb"
    notes = []
    for verb in verbs:
        lemma = verb.lemma_.lower()
        found = heads.get(lemma) or heads.get(verb.lower_)
        count = len(found) if found is not None else 0
        notes.append(
            f"{verb.text!r} ({lemma}): "
            + (
                f"{count} pattern(s) have this head, none fit its dependents"
                if count
                else "no pattern has this head"
            )
        )
    return "no pattern matched: " + "; ".join(notes)


def format_explanation(explanation: Explanation) -> str:
    """The explanation as text for a terminal."""
    return "\n".join(line for s in explanation.sentences for line in _sentence_lines(s))


def _sentence_lines(s: SentenceExplanation) -> list[str]:
    lines = [f"sentence {s.index}: {s.text}"]
    if s.tokens:
        lines.append("  parse (index, text, lemma, POS, tag, dependency -> head):")
        width = max(len(t.text) for t in s.tokens)
        for t in s.tokens:
            word = f"{t.text:<{width}} {t.lemma:<{width}}"
            lines.append(f"    {t.i:>3} {word} {t.pos:<5} {t.tag:<4} {t.dep:<10} -> {t.head}")
    lines.append("  actors:" if s.actors else "  actors: none found")
    for a in s.actors:
        what = a.code if a.code else f"role {a.role}"
        lines.append(f"    {a.text!r} [{a.start}:{a.end}] {a.kind} {what}  ({a.ref})")
    lines.append("  patterns:" if s.patterns else "  patterns: none matched")
    for p in s.patterns:
        negated = " (negated)" if p.negated else f" (not coded: {p.not_coded})" if p.not_coded else ""
        lines.append(
            f"    {p.pattern_id} {p.pattern!r} ({p.ref}) at {p.head!r}{negated}: {p.code} {p.code_name}"
        )
        lines.extend(f"      {c.source or '-'} -> {c.target or '-'}: {c.outcome}" for c in p.candidates)
    lines.append("  events:" if s.events else "  events: none")
    for e in s.events:
        evidence = f"source {e.source_evidence or '-'}, target {e.target_evidence or '-'}"
        dyad = f"{e.source_actor or '-'} -> {e.target_actor or '-'}"
        lines.append(f"    {dyad}  {e.event_code} ({e.plover_event})  pattern {e.pattern_id}  {evidence}")
    lines.extend(f"  why none: {reason}" for reason in s.why_none)
    return lines
