"""rate limit counters shared by every web process

Revision ID: rate_limits
Revises: status_change_reason
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "rate_limits"
down_revision = "status_change_reason"


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )
    op.create_index(op.f("ix_rate_limits_tat"), "rate_limits", ["tat"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limits_tat"), table_name="rate_limits")
    op.drop_table("rate_limits")
