"""resumable (tus) uploads not finished yet: owner, length, offset, expiry

Revision ID: resumable_uploads
Revises: access_links
Create Date: 2026-12-06

A new table only, so the same operations run on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "resumable_uploads"
down_revision = "access_links"


def upgrade() -> None:
    op.create_table(
        "resumable_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("metadata_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_resumable_uploads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resumable_uploads")),
    )
    op.create_index(op.f("ix_resumable_uploads_user_id"), "resumable_uploads", ["user_id"])
    op.create_index(op.f("ix_resumable_uploads_expires_at"), "resumable_uploads", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_resumable_uploads_expires_at"), table_name="resumable_uploads")
    op.drop_index(op.f("ix_resumable_uploads_user_id"), table_name="resumable_uploads")
    op.drop_table("resumable_uploads")
