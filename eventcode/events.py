"""Match the codebook's verb and event-noun patterns against a parsed sentence.

A pattern's head is found by lemma or lower-case form; its other words must stand among the
head's local dependents: particles, prepositions and their objects, direct objects and their
modifiers, and infinitive complements ("agree to cooperate"). Clauses of their own (ccomp,
advcl, relcl, conj) are not searched: their verbs are matched on their own.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.symbols import AUX, NOUN, PROPN, VERB
from spacy.tokens import Doc, Token

from .codebooks import Codebooks, Pattern
from .model import EventMatch

# Dependents of a verb that carry a pattern's words: particle, prepositions, objects, complements.
_HEAD_DEPS = frozenset(
    {
        "prt",
        "prep",
        "dobj",
        "dative",
        "iobj",
        "attr",
        "acomp",
        "oprd",
        "xcomp",
        "nsubjpass",
        "agent",
        "advmod",
        "npadvmod",
    }
)
# Below those, the words that can complete a pattern: objects and modifiers, an infinitive's verb.
_INNER_DEPS = frozenset(
    {
        "pobj",
        "dobj",
        "prep",
        "amod",
        "compound",
        "nmod",
        "prt",
        "advmod",
        "acomp",
        "xcomp",
        "pcomp",
        "npadvmod",
        "dative",
        "nsubjpass",
        "agent",
        "poss",
    }
)
_NOUN_MODIFIERS = frozenset({"compound", "amod", "nmod"})
_SEARCH_DEPTH = 3
# A pattern's preposition before its target may be missing from the text ("staged a protest in
# Beijing" for "stage protest against +"); a content word before the target may not.
_PREPOSITIONS = frozenset(
    "with to against on at for from in into onto over about toward towards upon between among of "
    "across through by near around inside outside within".split()
)
# Verbs that carry an event noun rather than name an act of their own.
LIGHT_VERBS = frozenset(
    {
        "engage",
        "launch",
        "conduct",
        "stage",
        "mount",
        "wage",
        "carry",
        "undertake",
        "begin",
        "start",
        "continue",
        "resume",
        "renew",
        "make",
        "hold",
        "pay",
        "open",
        "step",
        "intensify",
        "escalate",
    }
)
_VERB_POS = frozenset({"VERB", "AUX"})
_MAX_REMEMBERED = 200_000
_RECEIVING = frozenset({"receive", "get", "obtain", "win", "secure"})
_GIVING = ("give", "provide", "send", "supply", "offer", "extend", "grant")
_NOUN_POS = frozenset({"NOUN", "PROPN"})
# Verbs whose passive form states what the subject does: "X were engaged in fighting".
STATE_VERBS = frozenset({"engage", "involve"})
# Verbs by which an actor meets another's act: "drew condemnation from Washington", "faced
# pressure from Congress"; and the act each noun names, by the verb whose patterns code it.
_DRAWING = frozenset(
    {"draw", "face", "earn", "attract", "incur", "receive", "get", "win", "spark", "provoke", "trigger"}
)
_NOUN_ACTS = {
    "condemnation": "condemn",
    "criticism": "criticize",
    "rebuke": "rebuke",
    "pressure": "pressure",
    "praise": "praise",
    "warning": "warn",
    "threat": "threaten",
    "accusation": "accuse",
    "protest": "protest",
    "apology": "apologize",
    "thanks": "thank",
    "congratulation": "congratulate",
    "invitation": "invite",
    "recognition": "recognize",
    "backing": "back",
}


@dataclass(frozen=True, slots=True)
class HeadPatterns:
    """The patterns of one head word, most words first, with each filed under one of its words.

    A pattern can fit only where that word is among the head's dependents, so a head with
    hundreds of patterns ("reject ...") tries only the few whose word is there.
    """

    patterns: tuple[Pattern, ...]
    by_word: Mapping[str, tuple[int, ...]]
    always: tuple[int, ...]

    @classmethod
    def of(cls, patterns: list[Pattern]) -> HeadPatterns:
        ordered = tuple(sorted(patterns, key=lambda p: -len(p.words)))
        by_word: dict[str, list[int]] = {}
        always: list[int] = []
        for i, pattern in enumerate(ordered):
            # a word that must be there even where the target's preposition may be missing
            words = [w for w in pattern.words if w != pattern.target_after]
            if words:
                by_word.setdefault(words[0], []).append(i)
            else:
                always.append(i)
        return cls(ordered, {w: tuple(i) for w, i in by_word.items()}, tuple(always))

    def __len__(self) -> int:
        return len(self.patterns)

    def fitting(self, available: frozenset[str]) -> list[Pattern]:
        """The patterns whose filing word is available (or that have none), in order."""
        chosen = set(self.always).union(*(self.by_word[w] for w in available if w in self.by_word))
        return [self.patterns[i] for i in sorted(chosen)]


_NO_PATTERNS = HeadPatterns((), {}, ())


@dataclass(frozen=True, slots=True)
class PatternIndex:
    """Patterns by head word, most specific first, split into verb and noun heads."""

    verbs: Mapping[str, HeadPatterns]
    nouns: Mapping[str, HeadPatterns]
    _found: dict[tuple[str, str, bool], HeadPatterns] = field(default_factory=dict, repr=False, compare=False)

    def heads(self, lemma: str, lower: str, *, nominal: bool) -> HeadPatterns:
        """The patterns headed by a word with this lemma and lower-case form (or a base form of
        it, where the lemmatizer slipped: "staged" -> "stag"); found once per word."""
        key = (lemma, lower, nominal)
        if key not in self._found:
            heads = self.nouns if nominal else self.verbs
            found = heads.get(lemma) or heads.get(lower)
            if not found:
                found = next((heads[form] for form in _stems(lower) if form in heads), _NO_PATTERNS)
            if len(self._found) > _MAX_REMEMBERED:
                self._found.clear()  # memory stays bounded over millions of stories
            self._found[key] = found
        return self._found[key]


def index_patterns(codebooks: Codebooks) -> PatternIndex:
    """Group the codebook's patterns by head word, most words first.

    Args:
        codebooks: Loaded codebooks.

    Returns:
        The index `find_events` takes.
    """
    verbs: dict[str, list[Pattern]] = {}
    nouns: dict[str, list[Pattern]] = {}
    for pattern in codebooks.patterns:
        (nouns if pattern.nominal else verbs).setdefault(pattern.head, []).append(pattern)

    return PatternIndex(
        {head: HeadPatterns.of(ps) for head, ps in verbs.items()},
        {head: HeadPatterns.of(ps) for head, ps in nouns.items()},
    )


def find_events(doc: Doc, index: PatternIndex) -> list[EventMatch]:
    """Find the most specific matching pattern at every verb and event noun of a sentence.

    Args:
        doc: The parsed sentence.
        index: From `index_patterns`.

    Returns:
        One match per head that some pattern fits, in sentence order.
    """
    found: list[EventMatch] = []
    forms: dict[int, frozenset[str]] = {}  # each token's forms, worked out once per sentence
    for token in doc:
        pos = token.pos
        if pos in (VERB, AUX):
            received = _received(token, index) or _drawn(token, index)
            if received is not None:
                found.append(received)
                continue
            candidates = index.heads(token.lemma_.lower(), token.lower_, nominal=False)
        elif pos in (NOUN, PROPN):
            candidates = index.heads(token.lemma_.lower(), token.lower_, nominal=True)
        else:
            continue
        if not candidates:
            continue
        local = []
        for t in _local_dependents(token):
            if t.i not in forms:
                forms[t.i] = word_forms(t)
            local.append((t, forms[t.i]))
        match = _first_match(token, candidates, local)
        if match is not None:
            found.append(match)
    return found


def givers(receiver: Token) -> list[Token]:
    """Who a receiving verb receives from: the object of its `from`, or of its object's
    ("received weapons from the government", "received assurances [from the government]")."""
    for word in (receiver, *(c for c in receiver.children if c.dep_ == "dobj")):
        for prep in (c for c in word.children if c.dep_ == "prep" and c.lower_ == "from"):
            objects = [o for o in prep.children if o.dep_ == "pobj"]
            if objects:
                return objects
    return []


def _received(token: Token, index: PatternIndex) -> EventMatch | None:
    """What a giving pattern codes, turned round: "received weapons from the government" is the
    government giving weapons. Only where the receiving verb has a `from` and a thing received."""
    if token.lemma_.lower() not in _RECEIVING or not givers(token):
        return None
    local = [(t, word_forms(t)) for t in _local_dependents(token) if t.lower_ != "from"]
    matches = [_first_match(token, index.verbs.get(giving, _NO_PATTERNS), local) for giving in _GIVING]
    best = max((m for m in matches if m is not None), key=lambda m: m.specificity, default=None)
    if best is None or best.specificity == 1:
        return None
    return dataclasses.replace(best, target_slot=None, received=True)


def _drawn(token: Token, index: PatternIndex) -> EventMatch | None:
    """Another's act the subject meets, turned round: "drew condemnation from Washington" is
    Washington condemning the subject, coded by the act's verb's most general pattern."""
    if token.lemma_.lower() not in _DRAWING or not givers(token):
        return None
    for noun in (c for c in token.children if c.dep_ == "dobj"):
        verb = _NOUN_ACTS.get(noun.lemma_.lower())
        patterns = index.verbs.get(verb) if verb is not None else None
        general = next((p for p in patterns.patterns if not p.words), None) if patterns else None
        if general is not None:
            return EventMatch(
                general.pattern_id,
                general.code,
                token.i,
                None,
                specificity=2,
                covers=(noun.i,),
                received=True,
            )
    return None


_Local = Sequence[tuple[Token, frozenset[str]]]


def word_forms(token: Token) -> frozenset[str]:
    """The forms a pattern word may take to match `token`: lower case, lemma, base-form guesses."""
    return frozenset((token.lower_, token.lemma_.lower(), *_stems(token.lower_)))


def _first_match(head: Token, candidates: HeadPatterns, local: _Local) -> EventMatch | None:
    """The most specific pattern that fits; a pattern whose target preposition is missing
    ("stage protest against +" on "staged a protest in Beijing") fits too, with the default
    target and one word less of specificity, if a word besides the head remains ("fly to +" does
    not make every "fly" a visit) or the head is an event noun a light verb carries."""
    fallback: EventMatch | None = None
    available = frozenset().union(*(forms for _, forms in local))
    negated = is_negated(head)
    for pattern in candidates.fitting(available):
        placed = _place_words(pattern.words, local) if available.issuperset(pattern.words) else None
        if placed is not None:
            best = EventMatch(
                pattern.pattern_id,
                pattern.code,
                head.i,
                _target_slot(head, pattern, placed),
                negated=negated,
                specificity=1 + len(pattern.words),
                covers=tuple(t.i for t in placed.values()),
            )
            if fallback is None or best.specificity >= fallback.specificity:
                return best
            return fallback
        if (
            fallback is None
            and pattern.target_after in _PREPOSITIONS
            and (len(pattern.words) > 1 or (pattern.nominal and _carried(head)))
        ):
            words = tuple(w for w in pattern.words if w != pattern.target_after)
            partial = _place_words(words, local) if available.issuperset(words) else None
            if partial is not None:
                fallback = EventMatch(
                    pattern.pattern_id,
                    pattern.code,
                    head.i,
                    None,
                    negated=negated,
                    specificity=1 + len(words),
                    covers=tuple(t.i for t in partial.values()),
                )
    return fallback


def _carried(noun: Token) -> bool:
    """An event noun a light verb carries ("resumed negotiations", "held talks"): an act without
    the preposition its patterns name."""
    return noun.dep_ == "dobj" and noun.head.lemma_.lower() in LIGHT_VERBS


@functools.lru_cache(maxsize=65536)
def _stems(word: str) -> tuple[str, ...]:
    """Base-form guesses for an inflected word, for when the lemmatizer slips ("staged" -> "stag")."""
    guesses: list[str] = []
    for suffix, replacements in (
        ("ies", ("y",)),
        ("ied", ("y",)),
        ("ing", ("", "e")),
        ("ed", ("", "e")),
        ("es", ("",)),
        ("s", ("",)),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            guesses.extend(stem + r for r in replacements)
            if len(stem) > 2 and stem[-1] == stem[-2]:
                guesses.append(stem[:-1])  # "stopped" -> "stop"
    return tuple(guesses)


def _attribution(token: Token) -> bool:
    return token.lower_ == "according" and any(c.lower_ == "to" for c in token.children)


def _local_dependents(head: Token) -> list[Token]:
    found: list[Token] = []
    # an event noun's own modifiers carry words too ("suicide bombing", "air strike")
    deps = _HEAD_DEPS | _NOUN_MODIFIERS if head.pos_ in _NOUN_POS else _HEAD_DEPS
    # an attribution ("according to witnesses") holds no word of the act ("according" is no "accord")
    stack = [(c, 1) for c in head.children if c.dep_ in deps and not _attribution(c)]
    while stack:
        token, depth = stack.pop()
        found.append(token)
        if depth < _SEARCH_DEPTH:
            stack.extend((c, depth + 1) for c in token.children if c.dep_ in _INNER_DEPS or c.dep_ == "aux")
    return sorted(found, key=lambda t: t.i)


def _place_words(words: Sequence[str], local: _Local) -> dict[str, Token] | None:
    """Each of a pattern's words' token among the head's dependents, or None if one is missing."""
    placed: dict[str, Token] = {}
    for word in words:
        token = next((t for t, forms in local if word in forms and t not in placed.values()), None)
        if token is None:
            return None
        placed[word] = token
    return placed


def _target_slot(head: Token, pattern: Pattern, placed: Mapping[str, Token]) -> int | None:
    """The token where the pattern puts its target, or the default object slot."""
    if pattern.target_after is None:
        return None
    anchor = head if pattern.target_after == "" else placed[pattern.target_after]
    if anchor.pos_ == "ADV":
        anchor = head  # "abuse sexually +": an adverb has no object, the verb's object is meant
    slot = _slot_after(anchor)
    return None if slot is None else slot.i


def _slot_after(anchor: Token) -> Token | None:
    """The object of a verb or a preposition; for a noun, the noun itself (its attached actor)."""
    if anchor.dep_ in ("prep", "agent", "dative") or anchor.pos_ == "ADP":
        obj = next((c for c in anchor.children if c.dep_ in ("pobj", "pcomp")), None)
        return obj if obj is not None else _lost_object(anchor)
    if anchor.pos_ in _VERB_POS:
        if is_passive(anchor):
            return next((c for c in anchor.children if c.dep_ == "nsubjpass"), None)
        return next((c for c in anchor.children if c.dep_ in ("dobj", "dative", "iobj")), None)
    return anchor


def _lost_object(prep: Token) -> Token | None:
    """The object a preposition lost to a reduced relative clause: in "asylum to five officers
    holed up in ..." the parser makes "officers" the subject of "holed"."""
    for token in prep.doc[prep.i + 1 : prep.i + 7]:
        if (
            token.dep_ in ("nsubj", "nsubjpass")
            and token.head.tag_ in ("VBN", "VBG")
            and token.head.i > token.i
        ):
            return token
        if token.pos_ in ("VERB", "AUX", "PUNCT"):
            break
    return None


def is_passive(verb: Token) -> bool:
    """Whether a verb is in the passive voice ("was attacked"). "X were engaged in fighting"
    and "was involved in" are states of X, not acts done to it."""
    if verb.lemma_.lower() in STATE_VERBS and any(
        c.dep_ == "prep" and c.lower_ == "in" for c in verb.children
    ):
        return False
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def clause_of(verb: Token) -> Token:
    """The verb heading the clause a verb is part of: up through infinitives and second verbs
    ("said Y had attacked and taken": "taken" is in the clause of "attacked")."""
    while verb.dep_ in ("conj", "xcomp") and verb.head != verb:
        verb = verb.head
    return verb


def is_negated(verb: Token) -> bool:
    """Whether a verb carries a negation ("did not meet", "never visited")."""
    return any(c.dep_ == "neg" for c in verb.children)
