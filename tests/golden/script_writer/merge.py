"""merge heads

Revision ID: 2836d4f8af30
Revises: 34c2dc34259a, 0a35468b407b
Create Date: 2024-01-01 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2836d4f8af30'
down_revision = ('34c2dc34259a', '0a35468b407b')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
