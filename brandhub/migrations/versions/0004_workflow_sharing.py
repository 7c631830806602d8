"""versions, status history, usage rights, share links, downloads

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23

The foreign keys from share links to collections and events (tables of 0003,
a parallel branch) are added by 0004b, which merges the two branches.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("licence", sa.String(length=20), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("restrictions", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("embargo_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("phash", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    # The empty defaults only fill the rows already there; new rows get theirs from the model.
    with op.batch_alter_table("assets") as batch:
        batch.alter_column("licence", server_default=None)
        batch.alter_column("restrictions", server_default=None)

    op.create_table(
        "asset_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("ext", sa.String(length=10), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("asset_versions", "asset_id", "assets", "CASCADE"),
        _fk("asset_versions", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_versions")),
    )
    op.create_index(
        "ix_asset_versions_asset_id_number", "asset_versions", ["asset_id", "number"], unique=True
    )
    op.create_index(op.f("ix_asset_versions_storage_key"), "asset_versions", ["storage_key"])

    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("status_changes", "asset_id", "assets", "CASCADE"),
        _fk("status_changes", "user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_changes")),
    )
    op.create_index(op.f("ix_status_changes_asset_id"), "status_changes", ["asset_id"])

    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("allow_download", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("share_links", "asset_id", "assets", "CASCADE"),
        _fk("share_links", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )
    for column in ("asset_id", "collection_id", "event_id"):
        op.create_index(op.f(f"ix_share_links_{column}"), "share_links", [column])

    op.create_table(
        "share_link_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("share_link_uses", "link_id", "share_links", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link_uses")),
    )
    op.create_index(op.f("ix_share_link_uses_link_id"), "share_link_uses", ["link_id"])

    op.create_table(
        "download_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("share_link_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("what", sa.String(length=10), nullable=False),
        sa.Column("preset", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("download_events", "asset_id", "assets", "SET NULL"),
        _fk("download_events", "agency_id", "agencies", "SET NULL"),
        _fk("download_events", "user_id", "users", "SET NULL"),
        _fk("download_events", "share_link_id", "share_links", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_events")),
    )
    op.create_index(op.f("ix_download_events_asset_id"), "download_events", ["asset_id"])
    op.create_index(
        op.f("ix_download_events_share_link_id"), "download_events", ["share_link_id"]
    )
    op.create_index(
        "ix_download_events_created_at_agency", "download_events", ["created_at", "agency_id"]
    )


def downgrade() -> None:
    op.drop_table("download_events")
    op.drop_table("share_link_uses")
    op.drop_table("share_links")
    op.drop_table("status_changes")
    op.drop_table("asset_versions")
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("version")
        batch.drop_column("phash")
        batch.drop_column("embargo_until")
        batch.drop_column("expires_at")
        batch.drop_column("restrictions")
        batch.drop_column("licence")
