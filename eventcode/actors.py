"""Find the actors of a sentence: name forms matched, then noun phrases resolved to actor codes.

A noun phrase is its head's subtree without clauses hanging off it (relative clauses, clausal
complements, adverbial clauses) and without the other members of a real list ("X and Y").
Inside the phrase, a dated office holder gives the code; else an organisation; else the country
nearest the head in the tree, with the highest-priority role noun of the phrase appended
("the Chief of the General Staff of the Azerbaijan Army" is AZE + MIL). A phrase with a role
and no country is `---` + role, left for the story context to resolve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from .codebooks import Agent, Codebooks, NameEntry
from .model import ActorMatch

# Dependents that start a clause or a list member of their own, not part of the head's name.
_OUTSIDE_PHRASE = frozenset(
    {"relcl", "acl", "ccomp", "advcl", "xcomp", "parataxis", "conj", "cc", "preconj", "mark", "punct"}
)
# Modifiers that name who an actor is linked to or backed by, not who it is.
_ALLEGIANCE = frozenset(
    {
        "link",
        "linked",
        "back",
        "backed",
        "support",
        "supported",
        "ally",
        "allied",
        "affiliate",
        "affiliated",
        "inspire",
        "inspired",
        "sponsor",
        "sponsored",
        "align",
        "aligned",
    }
)
_LANDS = frozenset({"country", "place"})  # a city or region stands for its country
_LOCATIVE = frozenset({"in", "at", "near", "inside", "outside", "across", "around", "throughout"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "madam", "mme", "m"})
_NO_PLURAL = ("s", "police", "staff", "personnel", "people", "media", "military", "clergy")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The actor name forms and role nouns of the codebooks, ready to match against a `Doc`."""

    matcher: PhraseMatcher
    exact: PhraseMatcher
    names: Mapping[tuple[str, ...], tuple[NameEntry, ...]]
    agents: Mapping[tuple[str, ...], Agent]
    role_priority: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    code: str | None
    role: str | None
    kind: str
    ref: str


def build_lexicon(codebooks: Codebooks, nlp: Language) -> Lexicon:
    """Tokenise every name form and role noun once, with the model's own tokenizer.

    Args:
        codebooks: Loaded codebooks.
        nlp: The pipeline whose tokenizer and vocabulary the sentences will use.

    Returns:
        A lexicon to pass to `find_actors`.
    """
    agent_forms = [(form, agent) for agent in codebooks.agents for form in _agent_forms(agent.noun)]
    all_forms = sorted({e.form for e in codebooks.names} | {form for form, _ in agent_forms})
    docs = {form: nlp.make_doc(form) for form in all_forms}  # each form tokenised once

    def key(form: str) -> tuple[str, ...]:
        return tuple(t.lower_ for t in docs[form])

    names: dict[tuple[str, ...], list[NameEntry]] = {}
    for entry in codebooks.names:
        names.setdefault(key(entry.form), []).append(entry)
    agents: dict[tuple[str, ...], Agent] = {}
    for form, agent in agent_forms:
        agents.setdefault(key(form), agent)
    for name_key, entries in names.items():
        if any(e.kind != "person" for e in entries):
            agents.pop(name_key, None)  # a name form ("Congress" as an organisation) outranks a role noun
    # People's names and acronyms match as written: "said" is not Qaboos bin Said, "us" not the US
    exact_forms = {e.form for e in codebooks.names if e.kind == "person" or _is_acronym(e.form)}
    exact_keys = {key(form) for form in exact_forms}
    loose_keys = {key(e.form) for e in codebooks.names if e.form not in exact_forms}
    by_key = {key(form): docs[form] for form in all_forms}
    # people's names also in any case, for "President obama": a title before them decides (_mention)
    person_keys = {key(e.form) for e in codebooks.names if e.kind == "person"}
    loose = {
        k: by_key[k]
        for k in (*names, *agents)
        if k in loose_keys or k not in exact_keys or k in agents or k in person_keys
    }
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("ACTOR", list(loose.values()))
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    exact.add("EXACT", [docs[form] for form in sorted(exact_forms)])
    return Lexicon(matcher, exact, {k: tuple(v) for k, v in names.items()}, agents, codebooks.role_priority)


def _is_acronym(form: str) -> bool:
    """An all-capital short form ("US", "UN", "WHO")."""
    return form.isalpha() and form.isupper() and len(form) <= 5


def _agent_forms(noun: str) -> list[str]:
    """The noun and its plural ("minister", "ministers"; "policeman", "policemen")."""
    words = noun.split()
    last = words[-1]
    if last.endswith(_NO_PLURAL):
        return [noun]
    if last.endswith("man"):
        plural = last[:-3] + "men"
    elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        plural = last[:-1] + "ies"
    elif last.endswith(("x", "z", "ch", "sh")):
        plural = last + "es"
    else:
        plural = last + "s"
    return [noun, " ".join([*words[:-1], plural])]


@dataclass(frozen=True, slots=True)
class SentenceActors:
    """The name forms matched in one parsed sentence, and the phrases they make actors of."""

    doc: Doc
    mentions: Mapping[int, _Mention]
    role_priority: Mapping[str, int]
    _lists: dict[int, list[Token]] = field(default_factory=dict, repr=False, compare=False)
    _phrases: dict[tuple[int, bool, bool], ActorMatch | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def members(self, token: Token) -> list[Token]:
        """The members of a list headed by `token` ("Azerbaijan and Pakistan"), or just `token`.

        A chain of conjuncts with no "and"/"or" in it is read as appositions, not a list: the
        parser often makes "the Chief of Army Staff, General Munir" a conjunction. The chain may
        start one step down, where the parser hung it on an apposition ("the US, Russia, and
        Switzerland") or on a misparsed first name's object ("Barack Obama and Vladimir Putin").
        """
        if token.i not in self._lists:  # asked for again and again while roles are assigned
            self._lists[token.i] = self._members(token)
        return self._lists[token.i]

    def _members(self, token: Token) -> list[Token]:
        for start in (token, *(c for c in token.children if c.dep_ in ("appos", "pobj"))):
            chain = [start, *_conjuncts(start)]
            if len(chain) > 1 and any(c.dep_ in ("cc", "preconj") for t in chain for c in t.children):
                return chain if start == token else [token, *chain]
        return [token]

    def actors(self, token: Token, *, in_list: bool = False) -> list[ActorMatch]:
        """The actors a phrase names: one, or one per country where the phrase's country is a
        list ("US and British activists" are USA and GBR activists; "aid for Romania and Poland"
        goes to ROU and POL).

        `in_list`: the phrase is a member of a list, so its appositions and conjuncts are the
        other members, not part of it.
        """
        actor = self.phrase_actor(token, in_list=in_list)
        if actor is None or actor.code.startswith("---"):
            return [] if actor is None else [actor]
        for t in _phrase(token, list_member=in_list or len(self.members(token)) > 1):
            mention = self._mention_at(t.i)
            if t == token or mention is None or mention.kind not in _LANDS or mention.start != t.i:
                continue
            if mention.code is None or mention.code[:3] != actor.code[:3]:
                continue
            members = self.members(self.doc[mention.end - 1])
            countries = [
                m for m in (self._mention_at(x.i) for x in members) if m and m.kind in _LANDS and m.code
            ]
            if len(countries) < 2:
                break
            role = actor.code[3:]
            return [
                ActorMatch(
                    m.code + role if len(m.code) == 3 else m.code,
                    actor.start,
                    actor.end,
                    actor.head,
                    m.ref,
                    actor.titles,
                )
                for m in countries
                if m.code is not None
            ]
        return [actor]

    def country_named_by(self, token: Token) -> str | None:
        """The country a proper noun names, itself or as a city or region of it ("Gaza")."""
        mention = self._mention_at(token.i) if token.pos_ == "PROPN" else None
        if mention is None or mention.kind not in _LANDS or mention.code is None:
            return None
        return mention.code[:3]

    def _mention_at(self, i: int) -> _Mention | None:
        for m in self.mentions.values():
            if m.start <= i < m.end:
                return m
        return None

    def phrase_actor(
        self, token: Token, *, in_list: bool = False, without_places: bool = False
    ) -> ActorMatch | None:
        """Resolve the noun phrase headed by `token` to an actor, or None if it names none.

        `without_places`: leave out the phrase's place ("talks in Baku" names no actor).
        """
        key = (token.i, in_list, without_places)
        if key not in self._phrases:  # roles ask for the same phrase several times
            self._phrases[key] = self._phrase_actor(token, in_list=in_list, without_places=without_places)
        return self._phrases[key]

    def _phrase_actor(self, token: Token, *, in_list: bool, without_places: bool) -> ActorMatch | None:
        if token.i in self.mentions and self.mentions[token.i].kind == "pronoun":
            return None
        if token.dep_ == "appos" and token.head != token and not in_list:
            return self.phrase_actor(token.head)  # "the minister, General X, who ...": one actor
        tokens = _phrase(token, list_member=in_list or len(self.members(token)) > 1)
        if without_places:
            places = {
                t.i for c in token.children if c.dep_ == "prep" and c.lower_ in _LOCATIVE for t in c.subtree
            }
            tokens = [t for t in tokens if t.i not in places]
        actor = self._resolve(token, tokens)
        if actor is not None and actor.code == "---REF":
            actor = self._fled(token, actor)
        if actor is None:
            # "provocations committed by the Armenian forces": the actor is the acl's agent
            for acl in (c for c in token.children if c.dep_ == "acl"):
                for agent in (c for c in acl.children if c.dep_ == "agent"):
                    for obj in (c for c in agent.children if c.dep_ == "pobj"):
                        return self.phrase_actor(obj)
        return actor

    def _fled(self, token: Token, actor: ActorMatch) -> ActorMatch:
        """Refugees are of the country they flee: "refugees fleeing the war in Liberia"."""
        for acl in (c for c in token.children if c.dep_ == "acl"):
            for word in acl.subtree:
                land = self.mentions.get(word.i)
                if land is not None and land.kind in _LANDS and land.code is not None:
                    return dataclasses.replace(
                        actor, code=land.code[:3] + actor.code[3:], evidence=actor.evidence + "+" + land.ref
                    )
        return actor

    def _idle_adjective(self, mention: _Mention) -> bool:
        """A role adjective on a word that names no role ("military cooperation", "in the
        military sphere") says what something is about, not who acts; on a role noun it counts
        ("military officials")."""
        token = self.doc[mention.start]
        if mention.end - mention.start != 1 or token.pos_ != "ADJ" or token.head == token:
            return False
        head = self.mentions.get(token.head.i)
        return head is None or head.role is None

    def _resolve(self, head: Token, tokens: list[Token]) -> ActorMatch | None:
        depth = _depths(head, tokens)
        found = sorted(
            (m for m in self.mentions.values() if m.start in depth),
            key=lambda m: (depth[m.start], m.start),
        )
        named = [m for m in found if m.code is not None]
        roles = [m for m in found if m.role is not None and not self._idle_adjective(m)]
        titles = tuple(m.ref for m in roles)
        start = self.doc[min(t.i for t in tokens)].idx
        last = self.doc[max(t.i for t in tokens)]
        end = last.idx + len(last.text)
        for kind in ("person", "organization"):
            pick = next((m for m in named if m.kind == kind), None)
            if pick is not None and pick.code is not None:
                # a person's own line is one of its titles: "he" and "the president" find them
                marks = (*titles, pick.ref) if kind == "person" else titles
                return ActorMatch(pick.code, start, end, head.i, pick.ref, marks)
        role = min(roles, key=lambda m: self.role_priority.get(m.role or "", 99), default=None)
        country = next((m for m in named if m.kind in _LANDS), None)
        if country is not None and country.code is not None:
            code = country.code
            refs = [country.ref]
            if len(code) == 3 and role is not None and role.role is not None:
                code += role.role
                refs.append(role.ref)
            place = country.kind == "place" and len(code) == 3
            return ActorMatch(code, start, end, head.i, "+".join(refs), titles, place)
        if role is not None and role.role is not None:
            return ActorMatch("---" + role.role, start, end, head.i, role.ref, titles)
        return None


def find_actors(doc: Doc, lexicon: Lexicon, *, date: dt.date | None) -> SentenceActors:
    """Match every actor name form and role noun in a parsed sentence.

    Args:
        doc: The parsed sentence.
        lexicon: From `build_lexicon`.
        date: The story's date, which picks the office a person held.

    Returns:
        The sentence's mentions, able to resolve any noun phrase to an actor.
    """
    spans = sorted(
        ((start, end) for _, start, end in (*lexicon.matcher(doc), *lexicon.exact(doc))),
        key=lambda se: (-(se[1] - se[0]), se[0]),
    )
    taken: set[int] = set()
    mentions: dict[int, _Mention] = {}
    for start, end in spans:
        if taken.intersection(range(start, end)):
            continue
        mention = _mention(doc, start, end, lexicon, date)
        if mention is not None:
            taken.update(range(start, end))
            mentions[start] = mention
    for token in doc:
        if token.pos_ == "PRON" and token.i not in mentions:
            mentions[token.i] = _Mention(token.i, token.i + 1, None, None, "pronoun", "")
    return SentenceActors(doc, mentions, lexicon.role_priority)


def _mention(doc: Doc, start: int, end: int, lexicon: Lexicon, date: dt.date | None) -> _Mention | None:
    key = tuple(t.lower_ for t in doc[start:end])
    entries = lexicon.names.get(key)
    if entries and all(e.kind == "person" for e in entries):
        # a person's name counts as written ("Bishop", not "the bishop") or after a title
        # ("President obama"), alone, and in office
        written = doc[start:end].text in {e.form for e in entries} or _titled(doc, start, end, lexicon)
        out_of_office = _pick_entry(entries, date) is None and key in lexicon.agents
        if not written or out_of_office or _inside_longer_name(doc, start, end, lexicon):
            entries = None
    if entries:
        entry = _pick_entry(entries, date)
        if entry is None:
            return None
        return _Mention(start, end, entry.code, None, entry.kind, entry.ref)
    agent = lexicon.agents.get(key)
    if agent is None:
        return None
    return _Mention(start, end, None, agent.role, "agent", agent.ref)


def _titled(doc: Doc, start: int, end: int, lexicon: Lexicon) -> bool:
    """A name not written as the codebook writes it, but as a proper noun after a title."""
    return (
        start > 0
        and (doc[start - 1].lower_,) in lexicon.agents
        and all(t.pos_ == "PROPN" for t in doc[start:end])
    )


def _inside_longer_name(doc: Doc, start: int, end: int, lexicon: Lexicon) -> bool:
    """A person's name form that is only part of a longer proper name is another person:
    "Abdullah" in "Abdullah Ocalan", "Clinton" in "Hillary Clinton". A title before or after the
    name ("President Clinton", "the Obama administration") is not more name."""
    inside = range(start, end)
    for i in (start - 1, end):
        if not 0 <= i < len(doc):
            continue
        word = doc[i]
        joined = word.head.i in inside or any(doc[j].head.i == i for j in inside)
        if (
            joined
            and word.pos_ == "PROPN"
            and word.dep_ in ("compound", "flat", "appos", "nsubj", "dobj", "pobj", "ROOT")
            and word.is_title
            and (word.lower_,) not in lexicon.agents
            and word.lower_.rstrip(".") not in _HONORIFICS
        ):
            return True
    return False


def _pick_entry(entries: Iterable[NameEntry], date: dt.date | None) -> NameEntry | None:
    """The entry a name form stands for on `date`; None where that is not one actor.

    A person's form counts only while the person held the office; without a date, only where
    every office period of the form gives the same code.
    """
    entries = list(entries)
    if entries[0].kind != "person":
        return entries[0]
    if date is None:
        return entries[0] if len({e.code for e in entries}) == 1 else None
    entries = [
        e for e in entries if e.start is not None and e.start <= date and (e.end is None or date <= e.end)
    ]
    latest: dict[str, NameEntry] = {}
    for e in entries:  # one person in two offices at once: the office entered last
        if e.key not in latest or (e.start or dt.date.min) > (latest[e.key].start or dt.date.min):
            latest[e.key] = e
    codes = {e.code for e in latest.values()}
    return next(iter(latest.values())) if len(codes) == 1 else None


def _conjuncts(token: Token) -> list[Token]:
    found: list[Token] = []
    for child in token.children:
        if child.dep_ == "conj":
            found.append(child)
            found.extend(_conjuncts(child))
    return found


def _phrase(head: Token, *, list_member: bool) -> list[Token]:
    """The tokens of the phrase headed by `head`, clauses, real list members and the actors it
    is only linked to left out."""
    tokens = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in _OUTSIDE_PHRASE and not (child.dep_ == "conj" and not list_member):
                continue
            if list_member and token == head and child.dep_ == "appos":
                continue
            if child.dep_ in ("amod", "compound", "nmod") and (
                child.lemma_.lower() in _ALLEGIANCE or _after_pro(child)
            ):
                continue  # "the Al Qaeda-linked group", "Iran-backed rebels", "pro-Russia rebels"
            tokens.append(child)
            stack.append(child)
    return tokens


def _after_pro(token: Token) -> bool:
    """Whether a modifier is the X of "pro-X": whom the actor sides with."""
    doc = token.doc
    return token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "pro"


def _depths(head: Token, tokens: list[Token]) -> dict[int, int]:
    inside = {t.i for t in tokens}
    depth = {head.i: 0}
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.i in inside and child.i not in depth:
                depth[child.i] = depth[token.i] + 1
                stack.append(child)
    return depth
