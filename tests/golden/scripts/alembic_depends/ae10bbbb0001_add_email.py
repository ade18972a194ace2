"""add email

Revision ID: ae10bbbb0001
Revises: ae1027a6acf
Create Date: 2026-11-21 23:39:50.752731

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ae10bbbb0001'
down_revision = 'ae1027a6acf'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
