"""`explain` reports what the stages return: hand-built parses here, the real model in the CLI tests."""

import json

import pytest
from click.testing import CliRunner
from spacy.language import Language
from spacy.tokens import Doc

from eventcode.actors import Lexicon, build_lexicon, find_actors
from eventcode.cli import cli
from eventcode.codebooks import Codebooks
from eventcode.events import find_events, index_patterns
from eventcode.explain import SentenceExplanation, explain_sentence, pattern_text
from eventcode.model import Sentence
from eventcode.roles import StoryContext, assign_roles

from .conftest import FIXTURES, MakeDoc


@pytest.fixture(scope="module")
def lexicon(fixture_codebooks: Codebooks, blank: Language) -> Lexicon:
    return build_lexicon(fixture_codebooks, blank)


def _explain(doc: Doc, codebooks: Codebooks, lexicon: Lexicon) -> SentenceExplanation:
    """The stages as `pipeline.explain_text` calls them, on a hand-built parse."""
    sentence = Sentence("s", 0, doc.text)
    actors = find_actors(doc, lexicon, date=None)
    index = index_patterns(codebooks)
    matches = find_events(doc, index)
    context = StoryContext()
    trials = [
        assign_roles(sentence, actors, [m], codebooks.event_types, context, require_dyad=False)[0]
        for m in matches
    ]
    events, _ = assign_roles(sentence, actors, matches, codebooks.event_types, context)
    return explain_sentence(
        sentence, doc, actors, matches, trials, events, codebooks, index, require_dyad=True
    )


def test_explain_pattern_text_is_the_codebook_line(fixture_codebooks: Codebooks) -> None:
    for pattern in fixture_codebooks.patterns:
        path, line = pattern.ref.rsplit(":", 1)
        written = (FIXTURES / "codebooks" / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert pattern_text(pattern) == written.split("\t")[2], pattern.ref


def test_explain_coded_event_with_its_codebook_lines(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    doc = make_doc(
        "Arnor attacked Gondor",
        heads=[1, 1, 1],
        deps=["nsubj", "ROOT", "dobj"],
        pos=["PROPN", "VERB", "PROPN"],
        lemmas=["arnor", "attack", "gondor"],
    )
    found = _explain(doc, fixture_codebooks, lexicon)
    assert [(a.text, a.kind, a.code, a.ref) for a in found.actors] == [
        ("Arnor", "country", "ARN", "actors/countries.tsv:3"),
        ("Gondor", "country", "GON", "actors/countries.tsv:5"),
    ]
    [pattern] = found.patterns
    assert (pattern.pattern_id, pattern.pattern, pattern.ref, pattern.head) == (
        "v18-0001",
        "attack +",
        "verbs/test.tsv:9",
        "attacked",
    )
    assert [(c.source, c.target, c.outcome) for c in pattern.candidates] == [("ARN", "GON", "coded")]
    assert [(e.source_actor, e.target_actor, e.event_code, e.plover_event) for e in found.events] == [
        ("ARN", "GON", "180", "ASSAULT")
    ]
    assert found.why_none == ()
    assert [(t.text, t.dep, t.head) for t in found.tokens] == [
        ("Arnor", "nsubj", 1),
        ("attacked", "ROOT", 1),
        ("Gondor", "dobj", 1),
    ]


def test_explain_says_why_a_match_gave_no_event(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    negated = make_doc(
        "Arnor did not attack Gondor",
        heads=[3, 3, 3, 3, 3],
        deps=["nsubj", "aux", "neg", "ROOT", "dobj"],
        pos=["PROPN", "AUX", "PART", "VERB", "PROPN"],
        lemmas=["arnor", "do", "not", "attack", "gondor"],
    )
    assert _explain(negated, fixture_codebooks, lexicon).why_none == (
        "v18-0001 at 'attack': negated, not coded",
    )
    no_target = make_doc(
        "Arnor attacked",
        heads=[1, 1],
        deps=["nsubj", "ROOT"],
        pos=["PROPN", "VERB"],
        lemmas=["arnor", "attack"],
    )
    found = _explain(no_target, fixture_codebooks, lexicon)
    assert found.events == ()
    assert found.why_none == (
        "v18-0001 at 'attacked': no target actor found: not coded (an event needs both)",
    )


def test_explain_says_when_no_pattern_has_the_verb(
    make_doc: MakeDoc, fixture_codebooks: Codebooks, lexicon: Lexicon
) -> None:
    doc = make_doc(
        "Arnor praised Gondor",
        heads=[1, 1, 1],
        deps=["nsubj", "ROOT", "dobj"],
        pos=["PROPN", "VERB", "PROPN"],
        lemmas=["arnor", "praise", "gondor"],
    )
    assert _explain(doc, fixture_codebooks, lexicon).why_none == (
        "no pattern matched: 'praised' (praise): no pattern has this head",
    )
    doc = make_doc(
        "Arnor met on Monday",
        heads=[1, 1, 1, 2],
        deps=["nsubj", "ROOT", "prep", "pobj"],
        pos=["PROPN", "VERB", "ADP", "PROPN"],
        lemmas=["arnor", "meet", "on", "monday"],
    )
    found = _explain(doc, fixture_codebooks, lexicon)
    assert [p.pattern_id for p in found.patterns] == ["v04-0002"]  # `meet` fits, `meet with +` not
    assert found.why_none == ("v04-0002 at 'met': no target actor found: not coded (an event needs both)",)


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.model
def test_cli_explain_prints_parse_actors_pattern_and_event() -> None:
    books = str(FIXTURES / "codebooks")
    result = _run(
        "explain", "Arnor attacked Gondor. The match ended in a goalless draw.", "--codebooks", books
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "sentence 0: Arnor attacked Gondor." in out
    assert "'Arnor' [0:5] country ARN  (actors/countries.tsv:3)" in out
    assert "v18-0001 'attack +' (verbs/test.tsv:9) at 'attacked': 180" in out
    assert "ARN -> GON  180 (ASSAULT)  pattern v18-0001" in out
    assert (
        "why none: not coded: the sentence contains the discard phrase 'goalless draw' (discards.tsv:3)"
        in out
    )


@pytest.mark.model
def test_cli_explain_json_is_the_same_as_data() -> None:
    books = str(FIXTURES / "codebooks")
    result = _run("explain", "Arnor attacked Gondor.", "--json", "--date", "1995-01-01", "--codebooks", books)
    assert result.exit_code == 0, result.output
    [sentence] = json.loads(result.stdout)["sentences"]
    [event] = sentence["events"]
    assert (event["source_actor"], event["target_actor"], event["event_code"]) == ("ARN", "GON", "180")
    assert event["event_date"] == "1995-01-01" and event["plover_event"] == "ASSAULT"
    assert sentence["patterns"][0]["candidates"] == [{"source": "ARN", "target": "GON", "outcome": "coded"}]
    assert {t["text"] for t in sentence["tokens"]} >= {"Arnor", "attacked", "Gondor"}


def test_cli_explain_empty_text_and_bad_date() -> None:
    empty = _run("explain", "  ", "--codebooks", str(FIXTURES / "codebooks"))
    assert empty.exit_code == 1 and "nothing to explain" in empty.stderr
    bad = _run("explain", "x", "--date", "24/05/2023")
    assert bad.exit_code == 2 and "24/05/2023" in bad.stderr


@pytest.mark.model
def test_cli_explain_says_why_the_mood_stage_dropped_an_act() -> None:
    # shipped codebooks: the attack is only denied, so no event, and explain says so
    result = _run("explain", "Russia denied that its forces had attacked Ukraine.")
    assert result.exit_code == 0, result.output
    assert "(not coded: denied: the denial is the event, not the act)" in result.stdout
    assert "why none: v19-0001 at 'attacked': denied: the denial is the event, not the act" in result.stdout
    assert "none fit its dependents" not in result.stdout
