"""share links point at collections and events: merges 0003 and 0004

Revision ID: 0004b
Revises: 0003, 0004
Create Date: 2026-11-23
"""
from alembic import op

revision = "0004b"
down_revision = ("0003", "0004")

TARGETS = (("collection_id", "collections"), ("event_id", "events"))


def upgrade() -> None:
    with op.batch_alter_table("share_links") as batch:
        for column, table in TARGETS:
            batch.create_foreign_key(
                op.f(f"fk_share_links_{column}_{table}"), table, [column], ["id"],
                ondelete="CASCADE",
            )


def downgrade() -> None:
    with op.batch_alter_table("share_links") as batch:
        for column, table in TARGETS:
            batch.drop_constraint(op.f(f"fk_share_links_{column}_{table}"), type_="foreignkey")
