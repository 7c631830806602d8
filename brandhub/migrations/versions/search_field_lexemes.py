"""the PostgreSQL search backend: a short field's lexemes also under the field's name

Revision ID: search_field_lexemes
Revises: search_facet_codes
Create Date: 2026-12-07

On PostgreSQL only (SQLite has nothing to do). A search in one field
(``tag:suerte``, ``credito:perez``) now looks up the field's own lexemes
(``tags:suert``), which documents written from now on hold beside the plain
ones; documents written before do not. When the index holds documents, this
revision marks them as built by an older version, so ``brandhub init`` (or
``brandhub check-index --repair``, or ``brandhub reindex``) rebuilds them, as
after any change of what documents hold. An empty index has nothing to mark.

Going down needs nothing: the older version never asks for the extra lexemes,
and its searches in one field read the field's text.
"""

import sqlalchemy as sa
from alembic import op

revision = "search_field_lexemes"
down_revision = "search_facet_codes"

_S = "brandhub_search"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        sa.text(
            f"INSERT INTO {_S}.meta (key, value) "
            f"SELECT 'schema', 'before-field-lexemes' WHERE EXISTS (SELECT FROM {_S}.documents) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
    )


def downgrade() -> None:
    """Nothing to undo (see the module docstring)."""
