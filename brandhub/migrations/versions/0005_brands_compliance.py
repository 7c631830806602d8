"""brand versions and compliance reports

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "brand_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["loaded_by_id"], ["users.id"],
            name=op.f("fk_brand_versions_loaded_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_versions")),
    )
    op.create_index(op.f("ix_brand_versions_slug"), "brand_versions", ["slug"])
    op.create_table(
        "compliance_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("brand_version_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"],
            name=op.f("fk_compliance_reports_asset_id_assets"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["brand_version_id"], ["brand_versions.id"],
            name=op.f("fk_compliance_reports_brand_version_id_brand_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_reports")),
    )
    op.create_index(
        op.f("ix_compliance_reports_asset_id"), "compliance_reports", ["asset_id"]
    )
    with op.batch_alter_table("assets") as batch:
        batch.add_column(
            sa.Column("compliance", sa.String(length=10), nullable=False,
                      server_default="unchecked")
        )
        batch.add_column(sa.Column("category", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("category")
        batch.drop_column("compliance")
    op.drop_index(op.f("ix_compliance_reports_asset_id"), table_name="compliance_reports")
    op.drop_table("compliance_reports")
    op.drop_index(op.f("ix_brand_versions_slug"), table_name="brand_versions")
    op.drop_table("brand_versions")
