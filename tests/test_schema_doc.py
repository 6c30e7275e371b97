from eventcode.schema_doc import COLUMN_DOCS, schema_markdown
from eventcode.write import EVENT_SCHEMA

from .conftest import REPO


def test_schema_doc_documents_every_column_and_no_other() -> None:
    assert list(COLUMN_DOCS) == EVENT_SCHEMA.names


def test_schema_doc_committed_page_is_generated() -> None:
    """Regenerate with `python -m eventcode.schema_doc docs/schema.md` after changing the schema."""
    assert (REPO / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown()


def test_schema_doc_row_per_column_with_type() -> None:
    page = schema_markdown()
    assert "| `event_code` | string | no | CAMEO event code" in page
    assert "| `event_date` | date32[day] | yes |" in page
