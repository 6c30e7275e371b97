import datetime as dt

import pytest
from spacy.language import Language

from eventcode import Config, load_resources
from eventcode.actor_tables import _short_forms
from eventcode.actors import Lexicon, build_lexicon, find_actors
from eventcode.codebooks import Codebooks

from .conftest import MakeDoc


@pytest.fixture(scope="module")
def lexicon(fixture_codebooks: Codebooks, blank: Language) -> Lexicon:
    return build_lexicon(fixture_codebooks, blank)


def test_actors_country_and_role_make_one_code(make_doc: MakeDoc, lexicon: Lexicon) -> None:
    # "the chief of staff of the Arnorian army met"
    doc = make_doc(
        "the chief of staff of the Arnorian army met",
        heads=[1, 8, 1, 2, 1, 7, 7, 4, 8],
        deps=["det", "nsubj", "prep", "pobj", "prep", "det", "amod", "pobj", "ROOT"],
        pos=["DET", "NOUN", "ADP", "NOUN", "ADP", "DET", "ADJ", "NOUN", "VERB"],
    )
    actor = find_actors(doc, lexicon, date=None).phrase_actor(doc[1])
    assert actor is not None and actor.code == "ARNMIL"
    assert (actor.start, actor.end) == (0, len("the chief of staff of the Arnorian army"))


def test_actors_relative_clause_is_not_part_of_the_actor(make_doc: MakeDoc, lexicon: Lexicon) -> None:
    # "the minister , who visited Gondor , left": Gondor belongs to the clause, not the minister
    doc = make_doc(
        "the minister , who visited Gondor , left",
        heads=[1, 7, 1, 4, 1, 4, 1, 7],
        deps=["det", "nsubj", "punct", "nsubj", "relcl", "dobj", "punct", "ROOT"],
        pos=["DET", "NOUN", "PUNCT", "PRON", "VERB", "PROPN", "PUNCT", "VERB"],
    )
    actor = find_actors(doc, lexicon, date=None).phrase_actor(doc[1])
    assert actor is not None and actor.code == "---GOV"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(1995, 6, 1), "GONGOV"),
        (dt.date(2005, 6, 1), "GONGOV"),
        (dt.date(1970, 1, 1), None),
        (None, "GONGOV"),
    ],
)
def test_actors_person_resolves_by_story_date(
    make_doc: MakeDoc, lexicon: Lexicon, date: dt.date | None, expected: str | None
) -> None:
    doc = make_doc("Ecthelion spoke", heads=[1, 1], deps=["nsubj", "ROOT"], pos=["PROPN", "VERB"])
    actor = find_actors(doc, lexicon, date=date).phrase_actor(doc[0])
    assert (actor.code if actor else None) == expected


def test_actors_person_dates_pick_the_holder(make_doc: MakeDoc, lexicon: Lexicon) -> None:
    doc = make_doc(
        "Aragorn Arathorn spoke",
        heads=[1, 2, 2],
        deps=["compound", "nsubj", "ROOT"],
        pos=["PROPN", "PROPN", "VERB"],
    )
    assert find_actors(doc, lexicon, date=dt.date(1989, 12, 31)).phrase_actor(doc[1]) is None
    actor = find_actors(doc, lexicon, date=dt.date(1990, 1, 1)).phrase_actor(doc[1])
    assert actor is not None and actor.code == "ARNMIL"


def test_actors_list_without_and_is_one_apposed_actor(make_doc: MakeDoc, lexicon: Lexicon) -> None:
    # "the Gondorian army , General Faramir": a comma chain with no "and" is an apposition
    doc = make_doc(
        "the Gondorian army , general Thorongil",
        heads=[2, 2, 2, 2, 5, 2],
        deps=["det", "amod", "ROOT", "punct", "compound", "conj"],
        pos=["DET", "ADJ", "NOUN", "PUNCT", "NOUN", "PROPN"],
    )
    actors = find_actors(doc, lexicon, date=None)
    assert [t.i for t in actors.members(doc[2])] == [2]
    actor = actors.phrase_actor(doc[2])
    assert actor is not None and actor.code == "GONMIL"


def test_actors_real_list_has_members(make_doc: MakeDoc, lexicon: Lexicon) -> None:
    doc = make_doc(
        "Arnor and Gondor met",
        heads=[3, 0, 0, 3],
        deps=["nsubj", "cc", "conj", "ROOT"],
        pos=["PROPN", "CCONJ", "PROPN", "VERB"],
    )
    actors = find_actors(doc, lexicon, date=None)
    codes = [a.code for t in actors.members(doc[0]) if (a := actors.phrase_actor(t))]
    assert codes == ["ARN", "GON"]


def test_actors_seat_and_organisation(make_doc: MakeDoc, lexicon: Lexicon) -> None:
    doc = make_doc(
        "the Citadel and the White Council",
        heads=[1, 1, 1, 5, 5, 1],
        deps=["det", "ROOT", "cc", "det", "compound", "conj"],
        pos=["DET", "PROPN", "CCONJ", "DET", "PROPN", "PROPN"],
    )
    actors = find_actors(doc, lexicon, date=None)
    assert [a.code for t in actors.members(doc[1]) if (a := actors.phrase_actor(t))] == ["GONGOV", "IGOWCO"]


def test_actors_person_in_two_offices_takes_the_newer(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, blank: Language
) -> None:
    import dataclasses

    # Aragorn is ARNMIL from 1990; give him a second, overlapping office from 2000
    army = next(e for e in fixture_codebooks.names if e.form == "Aragorn Arathorn")
    king = dataclasses.replace(army, code="ARNGOV", start=dt.date(2000, 1, 1))
    books = dataclasses.replace(fixture_codebooks, names=(*fixture_codebooks.names, king))
    lexicon = build_lexicon(books, blank)
    doc = make_doc(
        "Aragorn Arathorn spoke",
        heads=[1, 2, 2],
        deps=["compound", "nsubj", "ROOT"],
        pos=["PROPN", "PROPN", "VERB"],
    )
    codes = [find_actors(doc, lexicon, date=dt.date(y, 1, 1)).phrase_actor(doc[1]) for y in (1995, 2005)]
    assert [a.code if a else None for a in codes] == ["ARNMIL", "ARNGOV"]


@pytest.mark.parametrize(
    ("word", "expected"), [("WC", "IGOWCO"), ("wc", None), ("Ecthelion", "GONGOV"), ("ecthelion", None)]
)
def test_actors_names_and_acronyms_match_as_written(
    make_doc: MakeDoc, lexicon: Lexicon, word: str, expected: str | None
) -> None:
    doc = make_doc(f"{word} spoke", heads=[1, 1], deps=["nsubj", "ROOT"], pos=["PROPN", "VERB"])
    actor = find_actors(doc, lexicon, date=None).phrase_actor(doc[0])
    assert (actor.code if actor else None) == expected


@pytest.mark.model
def test_a_persons_surname_does_not_hide_the_role_noun_it_spells() -> None:
    # Julie Bishop is in the codebooks; "the bishop" is still a cleric
    resources = load_resources(Config())
    doc = resources.nlp("The bishop condemned the Kenyan government.")
    mentions = find_actors(doc, resources.lexicon, date=None).mentions
    assert mentions[1].role == "REL" and mentions[1].kind == "agent"


def test_regnal_numbers_are_not_surnames() -> None:
    assert _short_forms(["Jean-Bedel Bokassa I"]) == ["Bokassa", "J. Bokassa"]
    assert "XVI" not in _short_forms(["Pope Benedict XVI"])
    assert _short_forms(["Li Peng"]) == ["Peng", "L. Peng"]
