import pytest

from eventcode.model import Story
from eventcode.segment import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Arnor met Gondor. Rohan objected.", ["Arnor met Gondor.", "Rohan objected."]),
        ("Colonel General K. Valiyev spoke. He left.", ["Colonel General K. Valiyev spoke.", "He left."]),
        (
            "The U.S. Army and Gen. Smith met. Talks ended.",
            ["The U.S. Army and Gen. Smith met.", "Talks ended."],
        ),
        ('"We agree," he said. They left!', ['"We agree," he said.', "They left!"]),
        ("One paragraph\n\nAnother one", ["One paragraph", "Another one"]),
        ("Prices rose 3.5 percent. Then fell.", ["Prices rose 3.5 percent.", "Then fell."]),
    ],
)
def test_segment_splits_sentences(text: str, expected: list[str]) -> None:
    sentences = list(split_sentences(Story("s1", text)))
    assert [s.text for s in sentences] == expected
    assert [s.index for s in sentences] == list(range(len(expected)))
    assert all(s.story_id == "s1" for s in sentences)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GAZA CITY, Palestinian Territories: Four were hurt.", ["Four were hurt."]),
        ("LYON: Interpol has said it will help.", ["Interpol has said it will help."]),
        ("PARIS, May 3 (AFP) - France said so. Then left.", ["France said so.", "Then left."]),
        ("ST. LOUIS, Missouri: Police said so.", ["Police said so."]),
        (
            "BAKU (AZERTAC) \u2014 Talks began.\n\nKABUL: Second dateline.",
            ["Talks began.", "Second dateline."],
        ),
        # not datelines: a capital word that is the sentence's own, a colon inside a sentence
        ("U.S. officials said: nothing.", ["U.S. officials said: nothing."]),
        ("NATO leaders met.", ["NATO leaders met."]),
        ("Israel: the army said so.", ["Israel: the army said so."]),
    ],
)
def test_segment_leaves_out_wire_datelines(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(Story("s1", text))] == expected
