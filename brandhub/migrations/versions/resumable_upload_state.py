"""resumable uploads' state in the database: running SHA-256, head, S3 parts, tail, lease

Revision ID: resumable_upload_state
Revises: piece_texts
Create Date: 2026-12-07

Columns added only, so the same operations run on SQLite and PostgreSQL. An
upload started before, with bytes already sent, has no saved hash: it answers
as expired (the client starts again) and its bytes are removed.
"""

import sqlalchemy as sa
from alembic import op

revision = "resumable_upload_state"
down_revision = "piece_texts"

COLUMNS = (
    ("hash_state", sa.LargeBinary()),
    ("head", sa.LargeBinary()),
    ("store_key", sa.String(length=300)),
    ("store_upload", sa.String(length=1024)),
    ("parts_json", sa.Text()),
    ("tail", sa.LargeBinary()),
    ("lease", sa.String(length=32)),
    ("lease_until", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("resumable_uploads", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("resumable_uploads") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
