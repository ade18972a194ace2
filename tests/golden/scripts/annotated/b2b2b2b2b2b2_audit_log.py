"""audit log
kept apart from the core tables

Revision ID: b2b2b2b2b2b2
Revises: a1a1a1a1a1a1
Create Date: 2024-03-02 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = 'b2b2b2b2b2b2'
down_revision: Union[str, None] = ['a1a1a1a1a1a1']
branch_labels: Union[str, Sequence[str], None] = 'audit'
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
