"""branch feature

Revision ID: 3c4d5e6f7081
Revises: 1a2b3c4d5e6f
Create Date: 2026-11-21 23:49:14.236642

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c4d5e6f7081'
down_revision = '1a2b3c4d5e6f'
branch_labels = ('feature',)
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
