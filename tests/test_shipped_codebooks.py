"""The shipped codebooks: coverage figures and sample entries of each kind (#3)."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.language import Language

from eventcode.actors import build_lexicon, find_actors
from eventcode.cli import cli
from eventcode.codebooks import Codebooks, default_folder, load_codebooks

from .conftest import FIXTURES, MakeDoc

pytestmark = pytest.mark.issue(3)


@pytest.fixture(scope="module")
def shipped() -> Codebooks:
    return load_codebooks(default_folder())


def test_shipped_stats_meet_the_coverage_floor() -> None:
    result = CliRunner().invoke(cli, ["codebook", "stats", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["event_codes"] == 312
    assert stats["verb_patterns"] >= 2500
    assert stats["roots_reached"] == 20 and stats["leaf_codes_reached"] >= 220
    assert stats["countries"] >= 250 and stats["name_forms"] >= 1500
    assert stats["organizations"] >= 200 and stats["persons"] >= 500
    assert stats["agents"] >= 150 and stats["discards"] > 0


@pytest.mark.parametrize(
    ("text", "heads", "deps", "pos", "head", "date", "expected"),
    [
        ("Azeri troops", [1, 1], ["amod", "ROOT"], ["ADJ", "NOUN"], 1, None, "AZEMIL"),
        ("the Kremlin", [1, 1], ["det", "ROOT"], ["DET", "PROPN"], 1, None, "RUSGOV"),
        ("Pakistani police", [1, 1], ["amod", "ROOT"], ["ADJ", "NOUN"], 1, None, "PAKCOP"),
        ("NATO", [0], ["ROOT"], ["PROPN"], 0, None, "IGOWSTNAT"),
        ("Munir", [0], ["ROOT"], ["PROPN"], 0, dt.date(2023, 5, 24), "PAKMIL"),
        ("Bajwa", [0], ["ROOT"], ["PROPN"], 0, dt.date(2020, 1, 1), "PAKMIL"),
        ("Bajwa", [0], ["ROOT"], ["PROPN"], 0, dt.date(2023, 5, 24), None),
    ],
)
def test_shipped_entries_resolve_as_documented(
    shipped: Codebooks,
    blank: Language,
    make_doc: MakeDoc,
    text: str,
    heads: list[int],
    deps: list[str],
    pos: list[str],
    head: int,
    date: dt.date | None,
    expected: str | None,
) -> None:
    lexicon = _lexicon(shipped, blank)
    doc = make_doc(text, heads=heads, deps=deps, pos=pos)
    actor = find_actors(doc, lexicon, date=date).phrase_actor(doc[head])
    assert (actor.code if actor else None) == expected


_LEXICONS: dict[int, object] = {}


def _lexicon(books: Codebooks, blank: Language):
    if id(books) not in _LEXICONS:
        _LEXICONS[id(books)] = build_lexicon(books, blank)
    return _LEXICONS[id(books)]


def test_shipped_codebook_check_passes_and_reports_problems(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["codebook", "check"], catch_exceptions=False).exit_code == 0
    broken = tmp_path / "books"
    shutil.copytree(FIXTURES / "codebooks", broken)
    with (broken / "verbs" / "test.tsv").open("a", encoding="utf-8") as out:
        out.write("v04-0900\t040\tsign the agreement\n")
    result = runner.invoke(cli, ["codebook", "check", str(broken)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "verbs/test.tsv:11: pattern 'sign the agreement': word 'the' can never match" in result.stdout


def test_shipped_places_stand_for_their_country(
    shipped: Codebooks, blank: Language, make_doc: MakeDoc
) -> None:
    doc = make_doc(
        "the Aleppo governor", heads=[2, 2, 2], deps=["det", "compound", "ROOT"], pos=["DET", "PROPN", "NOUN"]
    )
    actor = find_actors(doc, _lexicon(shipped, blank), date=None).phrase_actor(doc[2])
    assert actor is not None and actor.code == "SYRGOV"
