"""Events and their roles on hand-built parses: patterns, slots, passive, negation, lists."""

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from eventcode.actors import Lexicon, build_lexicon, find_actors
from eventcode.codebooks import Codebooks
from eventcode.events import find_events, index_patterns
from eventcode.model import Sentence
from eventcode.roles import StoryContext, assign_roles

from .conftest import MakeDoc


@pytest.fixture(scope="module")
def lexicon(fixture_codebooks: Codebooks, blank: Language) -> Lexicon:
    return build_lexicon(fixture_codebooks, blank)


def _code(doc: Doc, codebooks: Codebooks, lexicon: Lexicon, context: StoryContext | None = None):
    sentence = Sentence("s", 0, doc.text)
    matches = find_events(doc, index_patterns(codebooks))
    events, after = assign_roles(
        sentence,
        find_actors(doc, lexicon, date=None),
        matches,
        codebooks.event_types,
        context or StoryContext(),
    )
    return [(e.source_actor, e.target_actor, e.event_code, e.pattern_id) for e in events], after


def test_events_pattern_with_preposition_slot(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    doc = make_doc(
        "Arnor met with Gondor",
        heads=[1, 1, 1, 2],
        deps=["nsubj", "ROOT", "prep", "pobj"],
        pos=["PROPN", "VERB", "ADP", "PROPN"],
        lemmas=["arnor", "meet", "with", "gondor"],
    )
    events, _ = _code(doc, fixture_codebooks, lexicon)
    assert events == [("ARN", "GON", "040", "v04-0001")]


def test_events_passive_voice_swaps_roles(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    doc = make_doc(
        "Gondor was attacked by Arnor",
        heads=[2, 2, 2, 2, 3],
        deps=["nsubjpass", "auxpass", "ROOT", "agent", "pobj"],
        pos=["PROPN", "AUX", "VERB", "ADP", "PROPN"],
        lemmas=["gondor", "be", "attack", "by", "arnor"],
    )
    events, _ = _code(doc, fixture_codebooks, lexicon)
    assert events == [("ARN", "GON", "180", "v18-0001")]


def test_events_negated_verb_gives_no_positive_code(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    doc = make_doc(
        "Arnor did not attack Gondor",
        heads=[3, 3, 3, 3, 3],
        deps=["nsubj", "aux", "neg", "ROOT", "dobj"],
        pos=["PROPN", "AUX", "PART", "VERB", "PROPN"],
        lemmas=["arnor", "do", "not", "attack", "gondor"],
    )
    events, _ = _code(doc, fixture_codebooks, lexicon)
    assert events == []


def test_events_list_subject_meets_both_ways(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    doc = make_doc(
        "Arnor and Gondor met",
        heads=[3, 0, 0, 3],
        deps=["nsubj", "cc", "conj", "ROOT"],
        pos=["PROPN", "CCONJ", "PROPN", "VERB"],
        lemmas=["arnor", "and", "gondor", "meet"],
    )
    events, _ = _code(doc, fixture_codebooks, lexicon)
    assert events == [("ARN", "GON", "040", "v04-0002"), ("GON", "ARN", "040", "v04-0002")]


def test_events_target_attached_to_noun(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    doc = make_doc(
        "Arnor denounced Gondorian provocations",
        heads=[1, 1, 3, 1],
        deps=["nsubj", "ROOT", "amod", "dobj"],
        pos=["PROPN", "VERB", "ADJ", "NOUN"],
        lemmas=["arnor", "denounce", "gondorian", "provocation"],
    )
    events, _ = _code(doc, fixture_codebooks, lexicon)
    assert events == [("ARN", "GON", "111", "v11-0002")]


def test_events_nominal_visit(make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon) -> None:
    # "Arnor 's visit to Gondor ended"
    doc = make_doc(
        "Arnor 's visit to Gondor ended",
        heads=[2, 0, 5, 2, 3, 5],
        deps=["poss", "case", "nsubj", "prep", "pobj", "ROOT"],
        pos=["PROPN", "PART", "NOUN", "ADP", "PROPN", "VERB"],
        lemmas=["arnor", "'s", "visit", "to", "gondor", "end"],
    )
    events, _ = _code(doc, fixture_codebooks, lexicon)
    assert events == [("ARN", "GON", "042", "v04-0004")]


def test_events_pronoun_and_title_resolve_from_story(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    first = make_doc(
        "the Arnorian general met with Gondor",
        heads=[2, 2, 3, 3, 3, 4],
        deps=["det", "amod", "nsubj", "ROOT", "prep", "pobj"],
        pos=["DET", "ADJ", "NOUN", "VERB", "ADP", "PROPN"],
        lemmas=["the", "arnorian", "general", "meet", "with", "gondor"],
    )
    _, context = _code(first, fixture_codebooks, lexicon)
    again = make_doc(
        "the general attacked Rohan",
        heads=[1, 2, 2, 2],
        deps=["det", "nsubj", "ROOT", "dobj"],
        pos=["DET", "NOUN", "VERB", "PROPN"],
        lemmas=["the", "general", "attack", "rohan"],
    )
    events, context = _code(again, fixture_codebooks, lexicon, context)
    assert events == [("ARNMIL", "ROH", "180", "v18-0001")]
    pronoun = make_doc(
        "he attacked Rohan",
        heads=[1, 1, 1],
        deps=["nsubj", "ROOT", "dobj"],
        pos=["PRON", "VERB", "PROPN"],
        lemmas=["he", "attack", "rohan"],
    )
    events, _ = _code(pronoun, fixture_codebooks, lexicon, context)
    assert events == [("ARNMIL", "ROH", "180", "v18-0001")]


def test_events_no_dyad_no_event(make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon) -> None:
    doc = make_doc(
        "Arnor attacked villages",
        heads=[1, 1, 1],
        deps=["nsubj", "ROOT", "dobj"],
        pos=["PROPN", "VERB", "NOUN"],
        lemmas=["arnor", "attack", "village"],
    )
    events, _ = _code(doc, fixture_codebooks, lexicon)
    assert events == []
