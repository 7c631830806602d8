"""the words read from each asset's file (text layer, SVG text, OCR) with their boxes

Revision ID: piece_texts
Revises: resumable_uploads
Create Date: 2026-12-07

A new table only, so the same operations run on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "piece_texts"
down_revision = "resumable_uploads"


def upgrade() -> None:
    op.create_table(
        "asset_texts",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("sources", sa.String(length=40), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("asset_id"),
    )


def downgrade() -> None:
    op.drop_table("asset_texts")
