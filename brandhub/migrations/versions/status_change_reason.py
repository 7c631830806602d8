"""status changes say why BrandHub made them: a new file or new public text sent back to review

Revision ID: status_change_reason
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "status_change_reason"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("reason")
