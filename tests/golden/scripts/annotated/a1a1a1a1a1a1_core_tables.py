"""core tables

Revision ID: a1a1a1a1a1a1
Revises:
Create Date: 2024-03-01 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "a1a1a1a1a1a1"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ("core",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table("account", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("account")
