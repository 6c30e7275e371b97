"""Give each pattern match its source and target actors and make the events.

The source is the clause's subject, the `by` agent of a passive, or, for a clause without a
subject of its own (an infinitive, a participle, a second verb sharing the subject), the subject
of the clause it hangs from. The target is the slot the pattern names, or the direct object,
else the first prepositional object that names an actor. A list ("Azerbaijan and Pakistan")
gives one event per member. A role with no country ("the Chief of the General Staff", "he") is
resolved from the actors seen earlier in the story.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .actors import SentenceActors
from .codebooks import EventType
from .events import STATE_VERBS, clause_of, givers, is_passive
from .modality import CLAIM, INTENT_NOUNS, MATERIAL_CONFLICT
from .model import ActorMatch, Event, EventMatch, Sentence

_DEFAULT_TARGET_PREPS = ("with", "to", "against", "on", "at", "for", "from")
_INHERIT_SUBJECT = frozenset({"xcomp", "conj", "advcl", "pcomp", "acl"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_PERSONAL = frozenset({"he", "she", "him", "her"})
_PRONOUNS = _PERSONAL | {"it", "they", "we", "them"}
_PLURAL = frozenset({"they", "them", "we"})
_OWNERS = frozenset({"its", "their", "his", "her", "our"})
# Plural references to the actors of the story so far: "the sides met", "welcomed the guests".
_GROUP_NOUNS = frozenset({"side", "party", "country", "nation", "leader", "guest", "visitor", "delegation"})
# Roots whose events run both ways when a list of actors does them together ("X and Y met").
# What an actor issues, passes or sends that then acts for it: "issued a statement condemning X".
_DOCUMENTS = frozenset(
    "statement declaration communique letter resolution report message note appeal petition "
    "memorandum ultimatum motion bill law decree order proposal plan".split()
)
# Roots whose act may name its target only in the clause saying what it is for.
_DIRECTED_BY_PURPOSE = frozenset({"14", "15", "17", "18", "19", "20"})
_MUTUAL_ROOTS = frozenset({"03", "04", "05", "06"})
_MUTUAL_CODES = frozenset({"196"})  # violating a ceasefire both had agreed
_RECIPROCAL = frozenset({"clash", "fight", "skirmish", "battle", "exchange", "trade"})
_MEMORY = 12
_QUANTITIES = frozenset("score dozen hundred thousand million number handful group couple".split())
_NOT_COUNTRIES = frozenset({"---", "IGO", "NGO", "IMG", "MNC"})
_VERBAL_CONFLICT = frozenset({"09", "10", "11", "12", "13"})
# Nouns of a time or an occasion: "on the second day of a conference in the Middle East", "on the
# sidelines of a summit in Baku" say when, not to whom.
_WHEN_NOT_WHO = frozenset(
    "day week month year night morning afternoon evening weekend eve anniversary occasion "
    "sideline margin basis start end session round".split()
)
_VIOLENT = frozenset({"18", "19", "20"})
_SCENE = frozenset({"in", "at", "near", "inside"})
_COOPERATIVE = frozenset({"03", "04", "05", "06", "07", "08"})
_FINITE = frozenset({"VBD", "VBZ", "VBP"})
# Protesters whose protest turns to force riot (CAMEO 145) unless they use weapons of war: "a
# protester demolished the building" is a riot, "demonstrators launched missiles" an attack (194).
_PROTESTERS = frozenset({"protester", "protestor", "demonstrator", "rioter", "mob"})
_RIOTING = frozenset({"170", "171", "1711", "1712", "180", "181", "190"})
_RIOT = "145"
_ARMED = frozenset({"MIL", "REB", "INS", "UAF", "SEP", "COP", "SPY"})
_FORCE = "190"
_DISSENT = frozenset({"140", "141"})
_COMPLAINT = "114"
_REPORTING = frozenset("say claim allege report tell state charge announce insist assert".split())
_ACCUSE = "112"


@dataclass(frozen=True, slots=True)
class StoryContext:
    """The actors seen so far in a story, newest last, for resolving short references."""

    actors: tuple[ActorMatch, ...] = ()
    pairs: tuple[tuple[ActorMatch, ActorMatch, str], ...] = ()

    def resolve(self, actor: ActorMatch) -> str:
        """A full code for a role-only actor (`---MIL`): the newest earlier actor with one of its
        titles ("the Chief of the General Staff"), else the newest with its role."""
        role = actor.code[3:6]
        known = [a for a in reversed(self.actors) if not a.code.startswith("---")]
        for earlier in known:
            if set(actor.titles) & set(earlier.titles):
                return earlier.code
        for earlier in known:
            if earlier.code[3:6] == role:
                return earlier.code
        return actor.code

    def person(self) -> str | None:
        """The newest actor a personal pronoun ("he", "she") can stand for."""
        for earlier in reversed(self.actors):
            if not earlier.code.startswith("---") and earlier.titles:
                return earlier.code
        return None

    def group(self) -> list[ActorMatch]:
        """The two sides of the newest cooperative event ("the sides", "the guests"), else of the
        newest event."""
        for wanted in (_COOPERATIVE, None):
            for source, target, root in reversed(self.pairs):
                if wanted is None or root in wanted:
                    return [source, target]
        return []

    def latest(self) -> str | None:
        """The newest actor "it" or "they" can stand for."""
        for earlier in reversed(self.actors):
            if not earlier.code.startswith("---"):
                return earlier.code
        return None

    def after(
        self, actors: Sequence[ActorMatch], pairs: Sequence[tuple[ActorMatch, ActorMatch, str]] = ()
    ) -> StoryContext:
        """This context with `actors` seen last, and `pairs` the newest events' sides."""
        return StoryContext((*self.actors, *actors)[-_MEMORY:], (*self.pairs, *pairs)[-_MEMORY:])


def assign_roles(
    sentence: Sentence,
    actors: SentenceActors,
    matches: Sequence[EventMatch],
    event_types: Mapping[str, EventType],
    context: StoryContext,
    *,
    require_dyad: bool = True,
    speaker_accusations: bool = False,
) -> tuple[list[Event], StoryContext]:
    """Make the events of one sentence.

    Args:
        sentence: The sentence the matches are in.
        actors: Its actors, from `find_actors`.
        matches: Its pattern matches, from `find_events`.
        event_types: The taxonomy, for Goldstein values and quad classes.
        context: The actors seen earlier in the story.
        require_dyad: Keep only events with both a source and a target.
        speaker_accusations: Also code who reports another's use of force, coercion or protest
            ("Israel said Hamas fired rockets") as accusing it (`112`).

    Returns:
        The events, and the context with this sentence's actors added.
    """
    doc = actors.doc
    events: list[Event] = []
    seen: list[ActorMatch] = []
    pairs: list[tuple[ActorMatch, ActorMatch, str]] = []
    verbs = {m.head for m in matches if doc[m.head].pos_ in ("VERB", "AUX")}
    for match in matches:
        if match.negated:
            continue
        head = doc[match.head]
        if match.received:  # "X received weapons from Y": Y gives, X receives
            sources = _actors(actors, givers(head), context)
            targets = _actors(actors, _subject(head), context)
        else:
            subject = _source_tokens(head, match, actors, verbs)
            sources = _actors(actors, subject, context) or _actors(actors, _issuers(subject), context)
            targets = _actors(actors, _target_tokens(doc, head, match, actors), context)
        if match.code[:2] == "13" and targets and all(t.code == s.code for s in sources for t in targets):
            # "Israel threatened to ban voting in Jerusalem if Hamas ran": not a threat to itself
            inner = [c for c in head.children if c.dep_ == "xcomp"]
            targets = _actors(actors, _condition_subject((head, *inner), actors), context) or targets
        if match.code[:2] == "15" and any(t.code.startswith("---") for t in targets):
            # "mobilized army reservists for a war against Iraq": the forces shown are not the target
            targets = [t for t in targets if not t.code.startswith("---")] or _actors(
                actors, _against(head), context
            )
        named = all("context" not in s.evidence for s in sources)  # not "the sides" of the story
        mutual = len(sources) > 1 and _is_mutual(match, head, named=named)
        if mutual:
            # the sides' own places and, where the sentence names them, their own countries are not
            # their target: "X and Y renewed talks on an Israeli pullback", "... in the region"
            own = {s.code[:3] for s in sources} if named else set()
            # nor is a bare role, which would only take one side's country ("X and Y agreed to
            # share military intelligence")
            bare = named and match.target_slot is None
            # and a topic ("discussed the conflict in Sudan") is not the other side
            targets = [
                t
                for t in targets
                if not t.place
                and t.code[:3] not in own
                and not (bare and t.code.startswith("---"))
                and actors.phrase_actor(doc[t.head], without_places=True) is not None
            ]
            if head.lemma_.lower() in _RECIPROCAL and match.target_slot is None:
                targets = []  # "X and Y traded accusations at the UN": at each other, not at the UN
        if not targets and match.code == CLAIM:
            targets = _actors(actors, _claimed_target(head, actors), context)
        if not targets and match.code[:2] in _DIRECTED_BY_PURPOSE:
            targets = _actors(actors, _purpose_target(head, actors), context)
        if not targets and not mutual:
            # the place of an act is its target where nothing else is ("met in Zurich")
            targets = _actors(actors, _place(head), context)
        seen.extend((*sources, *targets))
        if speaker_accusations and match.code[:2] in MATERIAL_CONFLICT:
            events.extend(_accusations(sentence, doc, match, sources, actors, context, event_types))
        for source, target in _pairs(sources, targets, mutual=mutual):
            if target is not None and target.code.startswith("---"):
                target = _at_scene(target, head, actors)
            target = _share_country(target, source)
            violent = match.code[:2] in _VIOLENT  # who attacks a country need not be of it
            if target is not None and (len(target.code) >= 6 or target.place) and not violent:
                source = _share_country(source, target)
            if require_dyad and (source is None or target is None):
                continue
            if source is not None and target is not None and source.code == target.code:
                continue  # the shared country made both sides one actor
            done = _by_who(match, source, doc)
            events.append(_event(sentence, doc, done, source, target, event_types[done.code]))
            if source is not None and target is not None:
                pairs.append((source, target, match.code[:2]))
    return events, note_subjects(actors, context.after(seen, pairs))


def _accusations(
    sentence: Sentence,
    doc: Doc,
    match: EventMatch,
    doers: list[ActorMatch],
    actors: SentenceActors,
    context: StoryContext,
    event_types: Mapping[str, EventType],
) -> list[Event]:
    """Who reports another's act of force accuses it: "the US said that Iraq had attacked",
    "Israel claimed a rocket was fired at it by Hamas". Only a report that leads the sentence:
    a closing attribution ("..., police said") says where the news came from, not who accuses."""
    clause = clause_of(doc[match.head])
    verb = clause.head
    if clause.dep_ != "ccomp" or verb.lemma_.lower() not in _REPORTING or verb.i > clause.i:
        return []
    speakers = _actors(actors, [c for c in verb.children if c.dep_ == "nsubj"], context)
    accusation = dataclasses.replace(match, code=_ACCUSE, head=verb.i, mood="reported")
    return [
        _event(sentence, doc, accusation, speaker, doer, event_types[_ACCUSE])
        for speaker in speakers
        if speaker.code[3:6] != "JRN"  # the press reports, it does not accuse
        for doer in doers
        if doer.code != speaker.code
    ]


def _by_who(match: EventMatch, source: ActorMatch | None, doc: Doc) -> EventMatch:
    """Codes that depend on who acts: protesters' destruction, assault or unarmed fighting is a
    violent protest (145), while armed men storming a building attack it (190); a state's
    protest is an official complaint (114), as in "Vietnam protested China's deployment"."""
    if source is None:
        return match
    role = source.code[3:6]
    if match.code in _RIOTING and doc[source.head].lemma_.lower() in _PROTESTERS:
        return dataclasses.replace(match, code=_RIOT)
    if match.code.startswith(_RIOT) and role in _ARMED:
        return dataclasses.replace(match, code=_FORCE)
    if (
        match.code in _DISSENT
        and (role == "GOV" or (len(source.code) == 3 and doc[source.head].tag_ not in ("NNS", "NNPS")))
        and source.code[:3] not in _NOT_COUNTRIES  # a state, not a people ("Palestinians protested")
    ):
        return dataclasses.replace(match, code=_COMPLAINT)
    return match


def note_subjects(actors: SentenceActors, context: StoryContext) -> StoryContext:
    """The context with a sentence's clause subjects seen too, event or none ("Prime Minister
    Kishida said the deal would help. He also pledged ...": he is Kishida)."""
    subjects = [t for t in actors.doc if t.dep_ in ("nsubj", "nsubjpass") and t.lower_ not in _PRONOUNS]
    recent = {a.code for a in context.actors[-4:]}
    return context.after([a for a in _actors(actors, subjects, context) if a.code not in recent])


def _is_mutual(match: EventMatch, head: Token, *, named: bool) -> bool:
    """Whether a list of actors doing this together does it to each other ("X and Y met", "X and
    Y clashed", "both violated the ceasefire")."""
    if match.code[:2] in _MUTUAL_ROOTS:
        return True
    # a verb with its sides named: "the sides discussed ... the fight against terrorism" is no clash
    return (
        named and head.pos_ == "VERB" and (match.code in _MUTUAL_CODES or head.lemma_.lower() in _RECIPROCAL)
    )


def _pairs(
    sources: list[ActorMatch], targets: list[ActorMatch], *, mutual: bool
) -> list[tuple[ActorMatch | None, ActorMatch | None]]:
    pairs: list[tuple[ActorMatch | None, ActorMatch | None]]
    optional_sources: list[ActorMatch | None] = [*sources] or [None]
    if targets:
        pairs = [(s, t) for s in optional_sources for t in targets]
    elif mutual:
        pairs = [(s, t) for s in sources for t in sources if s is not t]
    else:
        pairs = [(s, None) for s in sources]
    return [(s, t) for s, t in pairs if s is None or t is None or not _same(s, t)]


def _share_country(actor: ActorMatch | None, other: ActorMatch | None) -> ActorMatch | None:
    """A role with no country takes the country of the national actor it acts with: "Liberian
    riot police dispersed demonstrators" are Liberian demonstrators, and "the judge charged
    Chilean officials" a Chilean judge. A source takes its target's country only from a domestic
    actor with a role ("the government thanked China" is not China's government) or from the
    place it acts in ("the opposition postponed the rally in Baku")."""
    if actor is None or other is None or not actor.code.startswith("---"):
        return actor
    country = other.code[:3]
    if country in _NOT_COUNTRIES:
        return actor
    return dataclasses.replace(
        actor, code=country + actor.code[3:], evidence=actor.evidence + "+" + other.evidence
    )


def _at_scene(victim: ActorMatch, head: Token, actors: SentenceActors) -> ActorMatch:
    """A target with no country of its own is of the place the act reaches it: "children were
    killed in an Israeli air strike in Gaza" are Gaza's children, not Israel's, and "sent aid to
    victims in Turkey" helps Turkey's victims."""
    if head.dep_ == "advcl" and head.tag_ == "VBG":
        head = head.head  # "ambushed a convoy in Congo, killing 12 soldiers": the ambush's scene
    for prep in (t for t in head.subtree if t.dep_ == "prep" and t.lower_ in _SCENE):
        for word in prep.subtree:
            country = actors.country_named_by(word) if word.dep_ in ("pobj", "compound") else None
            if country is not None and country not in _NOT_COUNTRIES:
                return dataclasses.replace(
                    victim, code=country + victim.code[3:], evidence=victim.evidence + "+scene"
                )
    return victim


def _same(source: ActorMatch, target: ActorMatch) -> bool:
    """An actor acting on itself; or, for a side taken from the story ("the sides"), on its own
    country ("the sides discussed cooperation between Azerbaijan and Pakistan")."""
    if source.code == target.code:
        return True
    from_story = "context" in (source.evidence, target.evidence)
    return from_story and source.code[:3] == target.code[:3]


def _actors(actors: SentenceActors, tokens: list[Token], context: StoryContext) -> list[ActorMatch]:
    found: list[ActorMatch] = []
    for token in map(_counted, tokens):
        members = actors.members(token)
        for member in members:
            for actor in _actor(actors, member, context, in_list=len(members) > 1):
                if all(a.code != actor.code for a in found):
                    found.append(actor)
    return found


def _counted(token: Token) -> Token:
    """What a quantity counts: "scores of Sierra Leonean and Liberian refugees" are refugees."""
    if token.lemma_.lower() not in _QUANTITIES:
        return token
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    counted = next((o for o in of.children if o.dep_ == "pobj"), None) if of is not None else None
    return counted if counted is not None else token


def _actor(actors: SentenceActors, token: Token, context: StoryContext, *, in_list: bool) -> list[ActorMatch]:
    if token.lower_ in _PRONOUNS:
        speaker = _speaker(token, actors)
        if speaker is not None and token.lower_ in _PLURAL:  # "X and Y said they will": X and Y
            members = actors.members(speaker)
            return [a for m in members for a in _actor(actors, m, context, in_list=len(members) > 1)]
        if speaker is not None:  # "Syria says it is willing": it is Syria
            return _actor(actors, speaker, context, in_list=False)
        code = context.person() if token.lower_ in _PERSONAL else context.latest()
        end = token.idx + len(token.text)
        return [] if code is None else [ActorMatch(code, token.idx, end, token.i, "context")]
    named = actors.actors(token, in_list=in_list)
    # "the two leaders", "the sides": both sides of the story's last meeting, unless the phrase
    # names whose ("the warring parties in Sudan")
    group = context.group() if _is_group(token) and all(a.code.startswith("---") for a in named) else []
    if group:
        end = token.idx + len(token.text)
        return [ActorMatch(a.code, token.idx, end, token.i, "context", a.titles) for a in group]
    return [_owned(_resolved(actor, context), token, actors, context) for actor in named]


def _is_group(token: Token) -> bool:
    return (
        token.tag_ == "NNS"
        and token.lemma_.lower() in _GROUP_NOUNS
        and any(c.lower_ in ("the", "both", "two") for c in token.children)
    )


def _resolved(actor: ActorMatch, context: StoryContext) -> ActorMatch:
    if not actor.code.startswith("---"):
        return actor
    code = context.resolve(actor)
    if code == actor.code:
        return actor
    return dataclasses.replace(actor, code=code, evidence=actor.evidence + "+context")


def _owned(actor: ActorMatch, token: Token, actors: SentenceActors, context: StoryContext) -> ActorMatch:
    """A role owned by a pronoun takes the owner's country: in "Russia said its troops left" and
    "Russia moved its troops", the troops are Russia's."""
    if not actor.code.startswith("---"):
        return actor
    owner = next((c for c in token.children if c.dep_ == "poss" and c.lower_ in _OWNERS), None)
    if owner is None:
        return actor
    speaker = _speaker(token)
    if speaker is None and token.dep_ not in ("nsubj", "nsubjpass") and token.head.pos_ in ("VERB", "AUX"):
        speaker = next(iter(_subject(token.head)), None)
    if speaker is not None and speaker.i != token.i:
        named = actors.phrase_actor(speaker)
        code = named.code if named is not None else None
    else:
        code = context.latest()
    if code is None or code.startswith("---"):
        return actor
    return dataclasses.replace(actor, code=code[:3] + actor.code[3:], evidence=actor.evidence + "+context")


def _speaker(pronoun: Token, actors: SentenceActors | None = None) -> Token | None:
    """The subject of the verb that reports a pronoun's clause ("X said he would ...", "Israel
    said a rocket was fired at it"), or that a subject pronoun's subordinate clause hangs from
    ("the minister spoke as he left for Cairo"), if any."""
    if pronoun.dep_ in ("nsubj", "nsubjpass", "dobj"):
        clause = pronoun.head
    elif pronoun.dep_ == "pobj" and pronoun.head.dep_ == "prep":
        clause = pronoun.head.head
    else:
        return None
    clause = clause_of(clause)
    subordinate = clause.dep_ == "advcl" and pronoun.dep_ in ("nsubj", "nsubjpass")
    if not (clause.dep_ == "ccomp" or subordinate) or clause.head == clause:
        return None
    speaker = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
    if speaker is None or speaker.lower_ in _PRONOUNS:
        return None
    if subordinate and clause.dep_ != "ccomp":
        # only an antecedent that agrees: "he" a person or office, "it" a state or body
        named = actors.phrase_actor(speaker) if actors is not None else None
        if named is None or (pronoun.lower_ in _PERSONAL) != bool(named.titles):
            return None
    return speaker


def _source_tokens(head: Token, match: EventMatch, actors: SentenceActors, verbs: set[int]) -> list[Token]:
    if match.subject_of is not None:
        return _subject(head.doc[match.subject_of])
    if head.pos_ in ("NOUN", "PROPN"):
        return _noun_source(head, match, actors, verbs)
    subject = _subject(head)
    if not subject and is_passive(head):
        return _instrument_actor(head, actors)
    if is_passive(head) and subject and all(actors.phrase_actor(t) is None for t in subject):
        return _wielders(subject, actors) or _fired_from(head, actors) or subject
    first = head.head
    if head.dep_ == "conj" and first.dep_ == "ccomp" and all(actors.phrase_actor(t) is None for t in subject):
        # "X said the launch violated ... and urged Y": the parser hung "urged" on the reported
        # verb; a subject that names no actor ("the launch") means it goes with "said"
        return _subject(first.head) or subject
    return subject


def _fired_from(verb: Token, actors: SentenceActors) -> list[Token]:
    """Where a passive act done by a weapon came from: "killed by mortar fire from militants"."""
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "from"):
        found = [o for o in prep.children if o.dep_ == "pobj" and actors.phrase_actor(o) is not None]
        if found:
            return found[:1]
    return []


def _wielders(agents: list[Token], actors: SentenceActors) -> list[Token]:
    """Who used the weapon a passive act was done by: "killed by a bomb planted by rebels", "hit
    by a missile believed to be fired by rebels"."""
    for agent in agents:
        for word in agent.subtree:
            if word.dep_ == "agent" and word.head != agent.head:
                found = [o for o in word.children if o.dep_ == "pobj" and actors.phrase_actor(o) is not None]
                if found:
                    return found[:1]
    return []


def _issuers(subject: list[Token]) -> list[Token]:
    """Who speaks through a document with no actor of its own: who released it, or where ("a
    report released by the commission", "a report released in the Rwandan capital alleged")."""
    for document in (t for t in subject if t.lemma_.lower() in _DOCUMENTS):
        for verb in (c for c in document.children if c.dep_ == "acl" and c.tag_ == "VBN"):
            for prep in (
                c for c in verb.children if c.dep_ in ("agent", "prep") and c.lower_ in ("by", "in")
            ):
                objects = [o for o in prep.children if o.dep_ == "pobj"]
                if objects:
                    return objects
    return []


def _instrument_actor(verb: Token, actors: SentenceActors) -> list[Token]:
    """Who did a passive act with no `by` agent, from the act that did it: "killed in Israeli
    shelling", "killed in an air strike by government forces", "killed by fire from militants"."""
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "by", "during", "from")):
        for noun in (c for c in prep.children if c.dep_ == "pobj"):
            for by in (c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from")):
                agents = [o for o in by.children if o.dep_ == "pobj" and actors.phrase_actor(o) is not None]
                if agents:
                    return agents[:1]
            for modifier in (c for c in noun.children if c.dep_ in ("amod", "compound", "nmod", "poss")):
                named = actors.phrase_actor(modifier)
                if named is not None and not named.code.startswith("---"):
                    return [modifier]
    return []


def _subject(verb: Token) -> list[Token]:
    """The subject of a verb's clause, climbing to the governing clause where it has none."""
    for child in verb.children:
        if child.dep_ == "agent" and is_passive(verb):
            return [c for c in child.children if c.dep_ == "pobj"]
    for child in verb.children:
        active = child.dep_ == "nsubjpass" and not is_passive(verb)  # "X were engaged in"
        if child.dep_ == "nsubj" or active or (child.dep_ == "csubj" and not _is_opener(child)):
            if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                return [verb.head]
            return [child]
    governor = verb.head
    if verb.dep_ == "xcomp":
        # object control: "invited the minister to visit" -- the minister visits
        controller = next(
            (c for c in governor.children if c.dep_ in ("dobj", "dative") and c.i < verb.i), None
        )
        if controller is not None:
            return [controller]
    if verb.dep_ == "xcomp" and governor.pos_ == "ADJ" and governor.dep_ in ("acomp", "amod"):
        governor = governor.head  # "France is ready to contribute": the subject of "is"
    if (
        verb.dep_ == "acl"
        and (governor.lemma_ in _DOCUMENTS or governor.lemma_ in INTENT_NOUNS)
        and governor.dep_ in ("dobj", "nsubjpass")
    ):
        # "issued a statement condemning X", "reached a consensus to exchange": who issued or
        # reached it acts, unless the noun names its own actor ("a US offer to host")
        owner = next((c for c in governor.children if c.dep_ in ("poss", "amod", "compound", "nmod")), None)
        named = owner is not None and (governor.lemma_ in INTENT_NOUNS or owner.text[:1].isupper())
        if owner is not None and named and owner.pos_ in ("PROPN", "ADJ", "NOUN"):
            return [owner]  # "a US offer to host", "an EU statement condemning X" (not "a joint statement")
        return _subject(governor.head)
    if (verb.dep_ in _INHERIT_SUBJECT or _is_opener(verb)) and governor != verb:
        if verb.dep_ == "pcomp" and governor.dep_ == "prep" and governor.head.pos_ == "ADJ":
            governor = governor.head.head  # "X are guilty of violating": X violates
        elif verb.dep_ == "pcomp" and governor.dep_ == "prep" and governor.head.lemma_.lower() in STATE_VERBS:
            governor = governor.head  # "X were involved in fighting": X fights
        # only a governing verb lends its subject: "the importance of expanding ..." has none
        return _subject(governor) if governor.pos_ in ("VERB", "AUX") else []
    if verb.dep_ == "ROOT" and verb.tag_ in _FINITE:
        return _words_before(verb)
    return []


def _is_opener(verb: Token) -> bool:
    """A participle opening the sentence ("Speaking about X, the minister said"): its subject is
    the main clause's, though the parser may attach it as the main verb's clausal subject."""
    return verb.tag_ == "VBG" and verb.i == verb.sent.start


def _words_before(verb: Token) -> list[Token]:
    """The subject the parser lost: the phrase between the last comma and the verb.

    After a participial opener the small model often hangs the real subject on the opener's
    last noun ("..., the Chief of the General Staff emphasized").
    """
    span = []
    for token in reversed(verb.doc[verb.sent.start : verb.i]):
        if token.text in {",", ";", ":"} or (token.pos_ in ("VERB", "AUX") and token.dep_ != "aux"):
            break
        span.append(token)
    inside = {t.i for t in span}
    roots = [t for t in span if t.head.i not in inside and t.pos_ in ("NOUN", "PROPN", "PRON")]
    return roots[-1:]


def _noun_source(noun: Token, match: EventMatch, actors: SentenceActors, verbs: set[int]) -> list[Token]:
    """The actor of an event noun: its possessor ("Russia's attack"), an actor modifying it
    ("the Russian attack"), its `by` or `of` phrase, or, under a light verb with no pattern of its
    own ("paid a visit to"), the clause's subject."""
    for child in noun.children:
        if child.dep_ == "poss":
            return [child]
    for child in noun.children:
        if child.dep_ in ("amod", "compound", "nmod") and child.i != match.target_slot:
            named = actors.phrase_actor(child)
            if named is not None and not named.code.startswith("---"):  # not "official visit"
                return [child]
    for prep in ("by", "of"):
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == prep:
                objects = [c for c in child.children if c.dep_ == "pobj" and c.i != match.target_slot]
                if objects:
                    return objects
    governor = noun.head
    while governor != governor.head and governor.pos_ not in ("VERB", "AUX"):
        governor = governor.head
    if governor.pos_ not in ("VERB", "AUX") or governor.i in verbs:
        return []  # "NATO condemned the attack": the attack is not NATO's
    return _subject(governor)


def _target_tokens(doc: Doc, head: Token, match: EventMatch, actors: SentenceActors) -> list[Token]:
    if match.target_slot is not None:
        slot = doc[match.target_slot]
        if slot.lower_ in _PRONOUNS or actors.phrase_actor(slot) is not None or _is_group(slot):
            return [slot]
        if slot.head.i != head.i or slot.dep_ not in ("dobj", "nsubjpass"):
            return [slot]
        # the object is a thing ("confiscated weapons from armed groups"): look further
    # the head first, then the pattern's own words ("offer [to] negotiate with X"), then the act
    # it governs ("threatened to deliver blows to the United States")
    inner = [c for c in head.children if c.dep_ == "xcomp"]
    for verb in (head, *(doc[i] for i in match.covers if doc[i].pos_ in ("VERB", "NOUN")), *inner):
        found = _default_target(verb, actors, skip=set(match.covers))
        if found:
            return found
    # "alleged that France was aware ...": an accusation, demand or threat targets the clause's
    # subject (a hope or a statement about someone does not)
    if match.code[:2] not in _VERBAL_CONFLICT:
        return []
    for clause in (c for c in head.children if c.dep_ == "ccomp"):
        subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects and actors.phrase_actor(subjects[0]) is not None:
            return subjects[:1]
    if match.code[:2] == "13":
        return _condition_subject((head, *inner), actors)
    return []


def _condition_subject(verbs: Sequence[Token], actors: SentenceActors) -> list[Token]:
    """A threat is aimed at whoever its condition names: "threatened to stop the talks if the
    United States goes ahead", "unless Israel rescinded"."""
    for verb in verbs:
        for clause in (c for c in verb.children if c.dep_ == "advcl"):
            if not any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in clause.children):
                continue
            subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects and actors.phrase_actor(subjects[0]) is not None:
                return subjects[:1]
    return []


def _purpose_target(head: Token, actors: SentenceActors) -> list[Token]:
    """The target of the act a protest or use of force is for: "blocked roads to demand the
    resignation of the president", "opened fire to disperse demonstrators"."""
    for clause in head.children:
        purpose = any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
        if clause.dep_ in ("advcl", "xcomp") and clause.pos_ == "VERB" and clause.i > head.i and purpose:
            found = _default_target(clause, actors, skip=set())
            if found:
                return found
    return []


def _claimed_target(head: Token, actors: SentenceActors) -> list[Token]:
    """Who the act a claim of responsibility is for was aimed at: "claimed responsibility for
    the killing of two Israeli soldiers", "for an attack on a mall in Kenya's capital"."""
    claimed = [
        o
        for word in (head, *(c for c in head.children if c.dep_ == "dobj"))
        for prep in word.children
        if prep.dep_ == "prep" and prep.lower_ == "for"
        for o in prep.children
        if o.dep_ == "pobj"
    ]
    for act in claimed:
        for word in act.subtree:
            if word != act and word.dep_ in ("pobj", "dobj") and actors.phrase_actor(word) is not None:
                return [word]
    return []


def _against(head: Token) -> list[Token]:
    """The first actor-like object of "against" anywhere in the clause."""
    prep = next((t for t in head.subtree if t.dep_ == "prep" and t.lower_ == "against"), None)
    return [] if prep is None else [o for o in prep.children if o.dep_ == "pobj"]


def _place(head: Token) -> list[Token]:
    """Where the act happens: "in X" on its verb, on the act it governs ("threatened to impose a
    curfew in Algiers"), or on their objects ("attacked a convoy in Kabul")."""
    verbs = [head, *(c for c in head.children if c.dep_ == "xcomp")]
    for word in (*verbs, *(c for v in verbs for c in v.children if c.dep_ == "dobj")):
        found = [
            o
            for c in word.children
            if c.dep_ == "prep" and c.lower_ == "in"
            for o in c.children
            if o.dep_ == "pobj"
        ]
        if found:
            return found
    return []


def _default_target(head: Token, actors: SentenceActors, *, skip: set[int]) -> list[Token]:
    """The direct object, else the first prepositional object, that names an actor; the place of
    a word of the pattern itself ("talks" in "held talks in Baku") is not a target."""
    objects = [c for c in head.children if c.dep_ in ("dobj", "dative", "iobj")]
    for up in (c for c in head.children if c.dep_ == "prt" and c.lower_ == "up"):
        # "kidnapped up to 16 advisers": the parser hangs the object on "up to"
        objects += [o for p in up.children if p.lower_ == "to" for o in p.children if o.dep_ == "pobj"]
    if is_passive(head):
        objects = [c for c in head.children if c.dep_ == "nsubjpass"]
        if not objects and head.dep_ == "conj":  # "X was arrested and [X was] released by Y"
            objects = [c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    for obj in objects:
        if actors.phrase_actor(obj, without_places=obj.i in skip) is not None or obj.lower_ in _PRONOUNS:
            return [obj]
    preps = sorted(
        (c for c in head.children if c.dep_ == "prep" and c.lower_ in _DEFAULT_TARGET_PREPS),
        key=lambda c: _DEFAULT_TARGET_PREPS.index(c.lower_),
    )
    for prep in preps:
        for obj in (c for c in prep.children if c.dep_ == "pobj" and c.lemma_.lower() not in _WHEN_NOT_WHO):
            if actors.phrase_actor(obj) is not None:
                return [obj]
    return []


def _event(
    sentence: Sentence,
    doc: Doc,
    match: EventMatch,
    source: ActorMatch | None,
    target: ActorMatch | None,
    event_type: EventType,
) -> Event:
    head = doc[match.head]
    key = "\x1f".join(
        [
            sentence.story_id,
            str(sentence.index),
            match.pattern_id,
            str(head.idx),
            source.code if source else "",
            target.code if target else "",
        ]
    )
    context_used = any(a is not None and "context" in a.evidence for a in (source, target))
    confidence = min(1.0, 0.5 + 0.15 * match.specificity) - (0.2 if context_used else 0.0)
    return Event(
        event_id=hashlib.blake2b(key.encode(), digest_size=12).hexdigest(),
        story_id=sentence.story_id,
        sentence_index=sentence.index,
        event_date=sentence.date,
        source_actor=source.code if source else None,
        target_actor=target.code if target else None,
        event_code=match.code,
        base_code=match.code[:3],
        root_code=match.code[:2],
        plover_event=event_type.plover_event,
        quad_class=event_type.quad_class,
        goldstein=event_type.goldstein,
        confidence=round(confidence, 3),
        sentence_text=sentence.text,
        pattern_id=match.pattern_id,
        verb_start=head.idx,
        verb_end=head.idx + len(head.text),
        source_start=source.start if source else None,
        source_end=source.end if source else None,
        target_start=target.start if target else None,
        target_end=target.end if target else None,
        source_evidence=source.evidence if source else None,
        target_evidence=target.evidence if target else None,
    )
