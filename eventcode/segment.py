"""Split a story into sentences.

Rule-based and model-free, so it is fast and the parser sees one sentence at a time: a sentence
ends at `.`, `!` or `?` (and any closing quote or bracket) before white space and a capital letter,
a digit or an opening quote, unless the word before the stop is an abbreviation or an initial
("Gen.", "U.S.", "K. Valiyev"). Paragraph breaks always end a sentence. A wire dateline opening a
paragraph ("GAZA CITY, Palestinian Territories: ", "LYON: ", "PARIS, May 3 (AFP) - ") is left out:
it names where the story was filed, and the parser would take it for the subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Sentence, Story

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen col lt maj capt cpl sgt adm cmdr brig gov sen rep pres st jr sr rev
    fr hon amb messrs no nos vs etc inc ltd corp co dept univ est approx fig jan feb mar apr
    jun jul aug sep sept oct nov dec mt ft
    """.split()
)
_PARAGRAPH = re.compile(r"\n\s*\n")
_BOUNDARY = re.compile(r"""([.!?]+["'\u201d\u2019)\]]*)\s+(?=["'\u201c\u2018(\[]?[A-Z0-9])""")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.$")
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'\- ]*[A-Z.]"  # the city, in capitals
    r"(?:,\s+[A-Z][\w.'\- ]{0,40}?)?"  # its country or region
    r"(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"  # the day
    r"\s*(?:\([A-Za-z .]+\))?"  # the agency
    r"\s*(?::\s*(?:--?\s+)?|[-\u2013\u2014]{1,2}\s+)"
)


def split_sentences(story: Story) -> Iterator[Sentence]:
    """Yield the sentences of a story in order, numbered from 0.

    Args:
        story: The story to split.

    Yields:
        Its sentences, white space folded, none empty.
    """
    index = 0
    for paragraph in _PARAGRAPH.split(story.text):
        for text in _split_paragraph(paragraph):
            yield Sentence(story.story_id, index, text, story.date)
            index += 1


def _split_paragraph(paragraph: str) -> Iterator[str]:
    text = " ".join(paragraph.split())
    dateline = _DATELINE.match(text)
    start = dateline.end() if dateline else 0
    for boundary in _BOUNDARY.finditer(text):
        stop = boundary.end(1)
        if stop <= start or _is_abbreviation(text[start:stop]):
            continue
        sentence = text[start:stop].strip()
        if sentence:
            yield sentence
        start = boundary.end()
    rest = text[start:].strip()
    if rest:
        yield rest


def _is_abbreviation(chunk: str) -> bool:
    """Whether a chunk ends in an abbreviation's stop rather than a sentence's."""
    if not chunk.endswith("."):
        return False
    before = _WORD_BEFORE.search(chunk)
    if before is None:
        return False
    word = before.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "K. Valiyev"
    if "." in word:
        return True  # "U.S.", "a.m."
    return word.lower() in _ABBREVIATIONS
