"""Shared test fixtures: a vocabulary, hand-built parses, fictional codebooks, the real model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from eventcode.codebooks import Codebooks, load_codebooks

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
SHARED = REPO.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output."
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def blank() -> Language:
    """A blank English pipeline: tokenizer and vocabulary, no trained model."""
    return spacy.blank("en")


@pytest.fixture(scope="session")
def vocab(blank: Language) -> Vocab:
    return blank.vocab


@pytest.fixture(scope="session")
def fixture_codebooks() -> Codebooks:
    return load_codebooks(FIXTURES / "codebooks")


MakeDoc = Callable[..., Doc]


@pytest.fixture
def make_doc(vocab: Vocab) -> MakeDoc:
    """Build a parsed Doc by hand: `make_doc("Arnor attacked Gondor", heads=[1, 1, 1], ...)`.

    `heads` are absolute token indices; `lemmas` default to the lower-case words.
    """

    def make(
        text: str,
        *,
        heads: Sequence[int],
        deps: Sequence[str],
        pos: Sequence[str],
        lemmas: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
    ) -> Doc:
        words = text.split()
        return Doc(
            vocab,
            words=words,
            heads=list(heads),
            deps=list(deps),
            pos=list(pos),
            lemmas=list(lemmas) if lemmas else [w.lower() for w in words],
            tags=list(tags) if tags else None,
        )

    return make


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The trained English model eventcode depends on."""
    from eventcode.config import DEFAULT_MODELS
    from eventcode.parse import load_model

    return load_model(DEFAULT_MODELS)
