"""Find what a corpus says that the codebooks do not know: frequent verbs and names no entry matched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc

from .actors import Lexicon, find_actors
from .events import PatternIndex

_NAME_LABELS = frozenset({"GPE", "ORG", "NORP", "PERSON", "LOC"})


@dataclass(frozen=True, slots=True)
class Unknown:
    """A verb or name no codebook entry matched, how often it came, and one sentence it came in."""

    kind: str
    text: str
    count: int
    example: str


def harvest(docs: Iterable[Doc], lexicon: Lexicon, patterns: PatternIndex, *, top: int = 50) -> list[Unknown]:
    """Count the verbs no pattern has as head and the named entities no actor entry covers.

    Args:
        docs: Parsed sentences.
        lexicon: The actor lexicon (from `build_lexicon`).
        patterns: The pattern index (from `index_patterns`).
        top: How many of each kind to keep.

    Returns:
        The most frequent unknown verbs, then names, most frequent first.
    """
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    for doc in docs:
        covered = {
            i for m in find_actors(doc, lexicon, date=None).mentions.values() for i in range(m.start, m.end)
        }
        for token in doc:
            if token.pos_ == "VERB" and token.lemma_.lower() not in patterns.verbs:
                key = ("verb", token.lemma_.lower())
                counts[key] += 1
                examples.setdefault(key, doc.text)
        for ent in doc.ents:
            if ent.label_ in _NAME_LABELS and not covered.intersection(range(ent.start, ent.end)):
                key = (ent.label_.lower(), ent.text)
                counts[key] += 1
                examples.setdefault(key, doc.text)
    verbs = [k for k, _ in counts.most_common() if k[0] == "verb"][:top]
    names = [k for k, _ in counts.most_common() if k[0] != "verb"][:top]
    return [
        Unknown(kind, text, counts[(kind, text)], examples[(kind, text)]) for kind, text in (*verbs, *names)
    ]
