"""dep

Revision ID: d00d00000001
Revises: c0ffee000001
Create Date: 2026-11-21 23:39:58.365973

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd00d00000001'
down_revision = 'c0ffee000001'
branch_labels = None
depends_on = 'ae10bbbb0001'


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
