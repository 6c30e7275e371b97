import pytest

from eventcode.markup import has_markup, strip_markup


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>Arnor met Gondor.</p>", "\n\nArnor met Gondor.\n\n"),
        ("Arnor &amp; Gondor met.", "Arnor & Gondor met."),
        ("A<br>B<br/>C", "A\nB\nC"),
        ("<b>Arnor</b> met <a href='x'>Gondor</a>.", "Arnor met Gondor."),
        ("<style>p {}</style><script>if (a < b) {}</script>Arnor met.", "Arnor met."),
        ("<!-- note -->Arnor met.", "Arnor met."),
        ("Arnor met <i>Gondor", "Arnor met Gondor"),  # broken markup still yields its text
        ("&#8220;Peace&#8221;, he said.", "\u201cPeace\u201d, he said."),
    ],
)
def test_markup_strips_tags_and_decodes_entities(text: str, expected: str) -> None:
    assert has_markup(text)
    assert strip_markup(text) == expected


@pytest.mark.parametrize("text", ["Arnor met Gondor.", "If x < 3 and y > 4, AT&T wins.", "3<5"])
def test_markup_plain_text_is_not_markup(text: str) -> None:
    assert not has_markup(text)
