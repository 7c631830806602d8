"""events, collections, an asset's event and focal point

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"


def _owned(name: str, *columns: sa.Column) -> None:
    """A table with an agency, a creator and timestamps (events and collections)."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        *columns,
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"],
            name=op.f(f"fk_{name}_agency_id_agencies"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"],
            name=op.f(f"fk_{name}_created_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_agency_id"), name, ["agency_id"])


def upgrade() -> None:
    _owned(
        "events",
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("photographers", sa.String(length=500), nullable=False),
        sa.Column("press_release_url", sa.String(length=1000), nullable=False),
    )
    op.create_index(op.f("ix_events_starts_at"), "events", ["starts_at"])
    _owned("collections")
    op.create_table(
        "collection_assets",
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"],
            name=op.f("fk_collection_assets_asset_id_assets"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"], ["collections.id"],
            name=op.f("fk_collection_assets_collection_id_collections"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("collection_id", "asset_id", name=op.f("pk_collection_assets")),
    )
    op.create_index(
        op.f("ix_collection_assets_asset_id"), "collection_assets", ["asset_id"]
    )
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("focal_x", sa.Float(), nullable=False, server_default="0.5")
        )
        batch.add_column(
            sa.Column("focal_y", sa.Float(), nullable=False, server_default="0.5")
        )
        batch.create_index(op.f("ix_assets_event_id"), ["event_id"])
        batch.create_foreign_key(
            op.f("fk_assets_event_id_events"), "events", ["event_id"], ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.drop_constraint(op.f("fk_assets_event_id_events"), type_="foreignkey")
        batch.drop_index(op.f("ix_assets_event_id"))
        batch.drop_column("focal_y")
        batch.drop_column("focal_x")
        batch.drop_column("event_id")
    op.drop_index(op.f("ix_collection_assets_asset_id"), table_name="collection_assets")
    op.drop_table("collection_assets")
    op.drop_index(op.f("ix_collections_agency_id"), table_name="collections")
    op.drop_table("collections")
    op.drop_index(op.f("ix_events_starts_at"), table_name="events")
    op.drop_index(op.f("ix_events_agency_id"), table_name="events")
    op.drop_table("events")
