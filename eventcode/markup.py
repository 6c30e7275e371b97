"""Turn a story sent as HTML into plain text: tags dropped, entities decoded, paragraphs kept.

Feeds send markup often enough (a page body, `<p>` paragraphs, `&amp;`) that rejecting it would
lose real stories, and removing it is safe: the words stay in order. The parser is the standard
library's tolerant `HTMLParser`, so broken markup still yields its text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--|![A-Za-z][^<>]*)>", re.DOTALL)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# Elements whose text is not part of the story.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object"})
# Elements that end a paragraph, so the sentence splitter sees the break.
_BLOCKS = frozenset(
    """
    p div section article header footer aside main nav h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table
    tr td th thead tbody blockquote pre figure figcaption hr address form fieldset
    """.split()
)


def has_markup(text: str) -> bool:
    """Whether a text holds an HTML tag, comment or character entity."""
    return ("<" in text and _TAG.search(text) is not None) or (
        "&" in text and _ENTITY.search(text) is not None
    )


def strip_markup(text: str) -> str:
    """The text of an HTML fragment or page: tags removed, entities decoded, blocks as paragraphs.

    Args:
        text: HTML, or plain text with some entities.

    Returns:
        Plain text; block elements and `<br>` become line breaks; script, style and head are gone.
    """
    if "<" not in text or _TAG.search(text) is None:
        return html.unescape(text)
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)
