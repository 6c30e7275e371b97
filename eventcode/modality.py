"""How an act is said changes its code: intended, appealed for, or refused (CAMEO's rules).

- Intent: an act under "agree/offer/pledge/promise/vow/plan/decide to", "be ready/willing to",
  or in the future ("will visit") takes the intent code (`036` for a meeting, `0354` for easing
  sanctions); a threatened or vowed attack takes the threat code (`138`).
- Appeal: an act someone "urges/asks/calls on" another to do takes the appeal code, from the one
  who urges to the one urged ("X urged Y to negotiate": X -> Y, `026`).
- Claim: a violent or coercive act its own actor claims ("the group claimed it had attacked X")
  is the claim of responsibility (`015`), aimed at the act's target.
- Refusal: a negated or refused act takes the matching reject code ("refused to meet": `125`),
  or gives no event (a negated statement, appeal or attack is not coded).

The table is `codebooks/modality.tsv`. Where the governing verb has a pattern of its own that
already names the act ("agree cooperate"), that pattern speaks for both and the inner act is
dropped; where it has only a generic one ("agree": `030`), the inner act, recoded, is kept instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from .codebooks import Codebooks
from .events import LIGHT_VERBS, clause_of, is_negated, is_passive, word_forms
from .model import EventMatch

_INTENT = frozenset(
    {
        "agree",
        "offer",
        "pledge",
        "promise",
        "vow",
        "plan",
        "intend",
        "decide",
        "prepare",
        "seek",
        "aim",
        "hope",
        "want",
        "wish",
        "propose",
        "commit",
        "undertake",
        "resolve",
        "threaten",
        "expect",
        "volunteer",
    }
)
# Nouns that say an act is intended, not done: "reached an agreement to withdraw".
INTENT_NOUNS = frozenset(
    {"agreement", "consensus", "deal", "commitment", "pledge", "promise", "vow", "decision", "plan", "offer"}
)
# What can be refused or withheld, with the act it would have allowed: "rejected calls to resign".
_PROPOSALS = INTENT_NOUNS | {
    "permission",
    "approval",
    "request",
    "call",
    "demand",
    "appeal",
    "proposal",
    "invitation",
    "ultimatum",
    "bid",
    "statement",
    "resolution",
    "declaration",
    "motion",
    "draft",
}
_INTENT_STATES = frozenset(
    {"ready", "willing", "prepared", "set", "determined", "eager", "committed", "keen"}
)
_APPEAL = frozenset(
    {"urge", "call", "ask", "appeal", "press", "request", "encourage", "implore", "beg", "exhort"}
)
_REFUSAL = frozenset({"refuse", "reject", "decline", "deny", "oppose", "resist"})
_WITHHOLDING = _REFUSAL | {"block", "veto", "thwart"}  # "vetoed a resolution condemning X"
_VIOLENCE = frozenset({"18", "19", "20"})
# The weapons that say which kind of force a generic act used (CAMEO 193-195): "killed by mortar
# fire", "hit by a missile", "killed in an air strike".
_WEAPONS = {
    **dict.fromkeys("rifle gun gunfire bullet machine-gun grenade mortar sniper".split(), "193"),
    **dict.fromkeys("artillery shell shelling tank missile rocket howitzer cannon warship".split(), "194"),
    **dict.fromkeys(
        "airstrike air-strike warplane bomber jet aircraft helicopter gunship drone".split(), "195"
    ),
}
_AERIAL = frozenset({"air", "aerial"})  # "an air strike", "aerial bombardment"
_GENERIC_FORCE = frozenset({"180", "183", "190"})
_GENERIC_APPEAL = "020"
_GENERIC_DEMAND = "100"
_DEMANDING = frozenset({"demand", "insist", "require"})
_DEMAND_NOUNS = frozenset({"demand", "call", "ultimatum", "insistence"})
_PRESSING = frozenset({"pressure", "pressurise", "pressurize"})
_FUTURE = frozenset({"will", "would", "shall", "'ll", "wo"})
# Verbs by which an actor owns up to its own act: "the US claimed that they had attacked Iraq".
_CLAIMING = frozenset({"claim", "admit", "acknowledge", "confess"})
_OWN_PRONOUNS = frozenset({"he", "she", "it", "they", "we"})
MATERIAL_CONFLICT = frozenset({"14", "15", "16", "17", "18", "19", "20"})  # CAMEO quad class 4
CLAIM = "015"  # acknowledge or claim responsibility
_MOTIVES = frozenset({"seek", "aim", "hope", "want", "wish", "try", "attempt", "strive"})
_CEASING = frozenset({"stop", "cease", "halt", "end", "quit", "suspend", "discontinue"})
_DENYING = frozenset({"deny", "dismiss", "refute", "reject", "rebut"})
_CLAIMS = frozenset(
    {"report", "claim", "allegation", "accusation", "charge", "suggestion", "rumour", "rumor"}
)


def apply_modality(
    doc: Doc,
    matches: Sequence[EventMatch],
    codebooks: Codebooks,
    *,
    reasons: dict[int, str] | None = None,
) -> list[EventMatch]:
    """Recode each match by the mood of its verb; drop what CAMEO does not code.

    Args:
        doc: The parsed sentence.
        matches: Its pattern matches, from `find_events`.
        codebooks: For the modality table.
        reasons: Where given, filled with why each dropped match was dropped, by head token.

    Returns:
        The matches that remain, recoded, in sentence order.
    """
    given = matches
    matches = _lend_light_verbs(doc, matches)
    by_head = {m.head: m for m in matches}
    # an event noun that is a word of another match's pattern ("lift sanction") is part of it
    dropped: dict[int, str] = {
        m.head: "a word of another pattern, which codes it"
        for m in matches
        if any(m.head in o.covers for o in matches if o is not m)
    }
    recoded: dict[int, EventMatch] = {}
    asked: dict[int, int] = {}  # a demanding verb's match -> who is asked, from its clause
    for match in matches:
        head = doc[match.head]
        governor = _governor(head)
        outer = by_head.get(governor.i) if governor is not None else None
        if governor is not None and outer is None:
            # a generic accord whose words hold the noun of intent ("reached a consensus to ...")
            outer = next((m for m in matches if governor.i in m.covers and m.code[:2] in ("01", "03")), None)
        if outer is not None and head.i in outer.covers:
            dropped[match.head] = "the governing verb's pattern already says it"  # "agree cooperate"
            continue
        unreal = _unreal(head)
        if unreal is not None:
            dropped[match.head] = unreal  # "rejected an offer to host talks", "if Somalia sent troops"
            continue
        if match.code[:2] in MATERIAL_CONFLICT and _claims_own(head):
            recoded[match.head] = dataclasses.replace(match, code=CLAIM, mood="claim")
            continue
        demand = _demand(head)
        if demand is not None:
            demander, mood, doer = demand
            if demander.i in by_head:
                dropped[match.head] = (
                    "only demanded or urged: the demand is the event"  # "demanded that Y withdraw"
                )
                if doer is not None:
                    asked.setdefault(demander.i, doer)
                continue
            asked_for = _recode(match, mood, False, codebooks)
            if asked_for is not None:  # never None: nothing is refused
                recoded[match.head] = dataclasses.replace(
                    asked_for, subject_of=demander.i, target_slot=doer, mood="appeal"
                )
            continue
        mood, subject_of, target = _mood(head, governor)
        negated = match.negated or (governor is not None and is_negated(governor))
        new = _recode(match, mood, negated, codebooks)
        if new is None:
            dropped[match.head] = "negated or refused: CAMEO codes no such event"
            continue
        if mood != "act" and outer is not None:
            dropped[outer.head] = "a generic pattern that gives way to the act it governs"  # "agree" (030)
        if mood == "appeal":
            new = dataclasses.replace(new, subject_of=subject_of, target_slot=target or new.target_slot)
        recoded[match.head] = new
    for i, doer in asked.items():
        if i in recoded and recoded[i].target_slot is None:
            recoded[i] = dataclasses.replace(recoded[i], target_slot=doer)
    kept = [recoded[m.head] for m in matches if m.head in recoded and m.head not in dropped]
    if reasons is not None:
        reasons.update(dropped)
        carried = {m.head for m in given} - {m.head for m in matches}
        reasons.update((i, "its code is carried by the verb it goes with") for i in carried)
        for i in set(reasons) & {m.head for m in kept}:
            del reasons[i]
    return kept


def _lend_light_verbs(doc: Doc, matches: Sequence[EventMatch]) -> list[EventMatch]:
    """A light verb ("engaged X in a firefight", "launched an offensive against X") takes the code
    of the event noun it carries, and an act of violence the code of its means ("killed in a car
    bombing"), keeping its own subject and object; the noun's own match goes. The verb keeps its
    own code where its pattern says more than the noun's ("launch attack on +" on a bare attack)."""
    nouns = {m.head: m for m in matches if doc[m.head].pos_ in ("NOUN", "PROPN")}
    result: list[EventMatch] = []
    lent: set[int] = set()
    for match in matches:
        head = doc[match.head]
        noun = None
        if head.lemma_.lower() in LIGHT_VERBS:
            carried = [c for c in head.children if c.dep_ == "dobj"]
            carried += [o for c in head.children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj"]
            noun = next((nouns[c.i] for c in carried if c.i in nouns), None)
        elif match.code[:2] in _VIOLENCE:
            # "killed in a suicide car bombing", "killed by a roadside bomb": the weapon names the act
            means = [
                o
                for c in head.children
                if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "in", "with")
                for o in c.children
                if o.dep_ == "pobj"
            ]
            noun = next(
                (nouns[c.i] for c in means if c.i in nouns and nouns[c.i].code[:2] in _VIOLENCE), None
            )
        if noun is None and match.code in _GENERIC_FORCE:
            weapon = _weapon(head)
            if weapon is not None:
                match = dataclasses.replace(match, code=weapon, specificity=match.specificity + 1)
        if noun is not None and noun.specificity < match.specificity - 1:
            noun = None  # the verb's own pattern says more ("launch attack on +" on a bare "attack")
        if noun is not None:
            match = dataclasses.replace(
                match,
                code=noun.code,
                pattern_id=noun.pattern_id,
                specificity=noun.specificity + 1,
                covers=(*match.covers, noun.head),
            )
            lent.add(noun.head)
        result.append(match)
    return [m for m in result if m.head not in lent]


def _weapon(verb: Token) -> str | None:
    """The code of the weapon a violent act was done by, with or in ("killed by mortar fire",
    "blown up by a surface-to-air missile", "killed in an air strike"), or that did it ("fighter
    jets struck"), if it names one."""
    means = [c for c in verb.children if c.dep_ == "nsubj"]
    for prep in verb.children:
        if prep.dep_ in ("prep", "agent") and prep.lower_ in ("by", "in", "with"):
            means.extend(o for o in prep.children if o.dep_ == "pobj")
    for noun in means:
        words = [noun, *(c for c in noun.children if c.dep_ in ("compound", "amod", "nmod"))]
        if noun.lemma_.lower() in ("strike", "raid", "attack") and any(w.lower_ in _AERIAL for w in words):
            return "195"
        codes = [_WEAPONS[w.lemma_.lower()] for w in words if w.lemma_.lower() in _WEAPONS]
        if codes:
            return max(codes)  # heavier weapons take precedence (CAMEO 194, 195)
    return None


def _governor(verb: Token) -> Token | None:
    """The verb or state an infinitive depends on: "agreed [to] meet", "ready [to] meet"; or the
    noun of intent it completes ("reached a consensus [to] exchange", "made a pledge [to] help")."""
    if verb.dep_ == "xcomp" and verb.head != verb:
        return verb.head
    if verb.dep_ == "ccomp" and _is_infinitive(verb):  # "wants Putin [to] attack"
        return verb.head
    if verb.dep_ == "acl" and verb.head.lemma_.lower() in INTENT_NOUNS and _is_infinitive(verb):
        return verb.head
    return None


def _demand(head: Token) -> tuple[Token, str, int | None] | None:
    """Whether an act is only demanded or urged, not done: the verb whose subject asks for it,
    "demand" or "appeal", and who is to do it. "X demanded that Y withdraw", "its demand that Y
    ease", "X urged that Y talk", "X said Y must hand over", "X pressured Y to help".
    """
    governor = head.head
    pressing = governor.lemma_.lower() in _PRESSING and head.dep_ in ("xcomp", "advcl")
    if pressing and _is_infinitive(head):  # "pressured Y to help", "Y was pressured by X to help"
        pressed = ("nsubjpass",) if is_passive(governor) else ("dobj",)
        return governor, "demand", next((c.i for c in governor.children if c.dep_ in pressed), None)
    if head.dep_ not in ("ccomp", "acl") or head == governor:
        return None
    doer = next((c.i for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    lemma = governor.lemma_.lower()
    if governor.pos_ == "VERB" and lemma in _DEMANDING:
        return governor, "demand", doer
    if governor.pos_ == "VERB" and lemma in _APPEAL and doer is not None:
        return governor, "appeal", doer
    if governor.pos_ == "NOUN" and lemma in _DEMAND_NOUNS and governor.head.pos_ in ("VERB", "AUX"):
        return governor.head, "demand", doer
    if governor.pos_ == "VERB" and any(
        c.dep_ == "dobj" and c.lemma_.lower() in _DEMAND_NOUNS for c in governor.children
    ):
        return governor, "demand", doer  # "reiterated its demand that Y ease"
    obliged = any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in head.children)
    if head.dep_ == "ccomp" and obliged and governor.pos_ == "VERB" and doer is not None:
        return governor, "demand", doer
    return None


def _claims_own(head: Token) -> bool:
    """Whether an act is told by its own actor's claim ("the US claimed that they had attacked
    Iraq", "the group admitted it had kidnapped"): CAMEO codes the claim of responsibility (015),
    aimed at the act's target, not the act."""
    if head.dep_ != "ccomp" or head.head == head or head.head.lemma_.lower() not in _CLAIMING:
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _OWN_PRONOUNS for c in head.children)


def _hypothetical(head: Token) -> bool:
    """Whether an act is only the condition of another ("threatened to strike if Somalia sent
    troops", "unless Israel withdraws"): it has not happened."""
    return head.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in head.children
    )


def _unreal(head: Token) -> str | None:
    """Why an act did not happen, if it did not."""
    if _inside_refused_offer(head):
        return "inside a refused offer or a withheld permission: it did not happen"
    if _hypothetical(head):
        return "only a condition (if, unless): it did not happen"
    if _not_yet(head):
        return "only what something comes before: it has not happened"
    if _denied(head):
        return "denied: the denial is the event, not the act"
    if _motive(head):
        return "a motive the writer gives, not an intent the actor expressed"
    if head.dep_ in ("xcomp", "pcomp", "dobj") and head.head.lemma_.lower() in _CEASING:
        return "stopped: the stopping is the event, not the act"  # "called on X to stop selling arms"
    return None


def _motive(head: Token) -> bool:
    """Whether an act is only what an adjunct says someone is after ("heads to Beijing ...,
    seeking to mend ties with China", "embarked on a trip to seek support"): CAMEO codes intents
    actors express, and a writer's account of why they act is none ("X is seeking to deepen ties",
    as the clause's own verb, still is)."""
    governor = head.head
    if head.dep_ in ("advcl", "acl") and head.tag_ == "VBG" and not word_forms(head).isdisjoint(_MOTIVES):
        return True  # "..., hoping to weaken al-Shabab": the hope itself is no statement
    return (
        head.dep_ == "xcomp"
        and not word_forms(governor).isdisjoint(_MOTIVES)
        and governor.dep_ in ("advcl", "acl")
        and governor.head != governor
    )


def _denied(head: Token) -> bool:
    """Whether an act is only what someone denies ("denied that its troops had entered Sudan",
    "dismissed reports that it had attacked"): the denial is the event (016), the act is not."""
    clause = clause_of(head)
    governor = clause.head
    if clause.dep_ == "ccomp" and governor.pos_ == "VERB" and governor.lemma_.lower() in _DENYING:
        return True
    return (
        clause.dep_ in ("acl", "ccomp")
        and governor.pos_ == "NOUN"
        and governor.lemma_.lower() in _CLAIMS
        and governor.head.lemma_.lower() in _DENYING
    )


def _not_yet(head: Token) -> bool:
    """Whether an act is only what something comes before ("the statement comes a day before
    Sarkozy heads to Beijing", "talks will go on until the army withdraws"): told from a present
    or a future, it has not happened."""
    clause = clause_of(head)
    if not any(c.dep_ == "mark" and c.lower_ in ("before", "until") for c in clause.children):
        return False
    governor = clause.head
    while governor.pos_ not in ("VERB", "AUX") and governor.head != governor:
        governor = governor.head
    return governor != clause and (governor.tag_ in ("VBZ", "VBP") or _is_future(governor))


def _inside_refused_offer(head: Token) -> bool:
    """Whether an act lies inside a refused or withheld offer, plan, demand, permission or text
    ("rejected a US offer to host a summit to hammer out an agreement", "would not give
    permission to Russia to help", "blocked a statement condemning X"): the refusal is the
    event, the rest never happened."""

    def withheld(verb: Token) -> bool:
        return verb.lemma_.lower() in _WITHHOLDING or is_negated(verb)

    granting = head.head  # "would not give permission to X to help": the help is withheld
    if (
        head.dep_ in ("advcl", "xcomp")
        and withheld(granting)
        and any(c.dep_ == "dobj" and c.lemma_.lower() in _PROPOSALS for c in granting.children)
    ):
        return True
    for ancestor in head.ancestors:
        if ancestor.pos_ in ("NOUN", "PROPN") and ancestor.lemma_.lower() in _PROPOSALS:
            return ancestor.dep_ == "dobj" and withheld(ancestor.head)
    return False


def _is_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _mood(verb: Token, governor: Token | None) -> tuple[str, int | None, int | None]:
    """The mood, and for an appeal the urging verb and the urged party's token."""
    if governor is not None:
        lemma = governor.lemma_.lower()
        if lemma in _REFUSAL:
            return "refusal", None, None
        doer = next((c.i for c in verb.children if c.dep_ == "nsubj"), None) if verb.dep_ == "ccomp" else None
        if lemma in _APPEAL:
            urged = next((c.i for c in governor.children if c.dep_ in ("dobj", "dative")), doer)
            return "appeal", governor.i, urged
        if lemma in _INTENT and doer is not None:
            return "appeal", governor.i, doer  # "Obama wants Putin to attack": Obama appeals to Putin
        if lemma in _INTENT or lemma in _INTENT_STATES or lemma in INTENT_NOUNS:
            return "intent", None, None
    if _is_future(verb):
        return "intent", None, None
    if verb.dep_ == "advcl" and _is_infinitive(verb) and _is_future(verb.head):
        return "intent", None, None  # "will meet in Zurich to discuss": the talks are ahead too
    return "act", None, None


def _is_future(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _FUTURE for c in verb.children)


def _recode(match: EventMatch, mood: str, negated: bool, codebooks: Codebooks) -> EventMatch | None:
    row = codebooks.modality_of(match.code)
    code: str | None = match.code
    if row is not None and mood == "intent":
        code = row.intent or match.code
    elif mood == "appeal":  # an appeal for what has no appeal code of its own is an appeal
        code = (row.appeal if row is not None else None) or _GENERIC_APPEAL
    elif mood == "demand":
        code = _GENERIC_DEMAND
    if negated or mood == "refusal":
        refused = codebooks.modality_of(code) if code else None
        code = refused.refusal if refused is not None else None
    if code is None:
        return None
    return dataclasses.replace(match, code=code, negated=False, mood="refusal" if negated else mood)
