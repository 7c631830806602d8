"""status changes say why BrandHub made them: a new file or new public text sent back to review

Revision ID: status_change_reason
Revises: 0002, 0004b, 0005, 0006 (and joins them into one head)
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "status_change_reason"
down_revision = ("0002", "0004b", "0005", "0006")


def upgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("reason")
