"""branch b

Revision ID: c0ffee000001
Revises: ae1027a6acf
Create Date: 2026-11-21 23:39:57.882396

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0ffee000001'
down_revision = 'ae1027a6acf'
branch_labels = ('feat',)
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
