"""search outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "index_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_changes")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_index_changes_asset_id"), "index_changes", ["asset_id"])
    # Every asset that exists already needs a first document.
    op.execute(
        "INSERT INTO index_changes (asset_id, op, created_at) "
        "SELECT id, 'upsert', CURRENT_TIMESTAMP FROM assets"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_index_changes_asset_id"), table_name="index_changes")
    op.drop_table("index_changes")
