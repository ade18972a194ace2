"""merge heads

Revision ID: ae1027a6acf
Revises: 27c6a30d7c24, 5a9b3e7d0c11
Create Date: 2024-06-01 08:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'ae1027a6acf'
down_revision: Union[str, None] = ('27c6a30d7c24', '5a9b3e7d0c11')
branch_labels: Union[str, Sequence[str], None] = ('reporting',)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    else:
        pass
    accounts = sa.table('account', sa.column('id', sa.Integer), sa.column('name', sa.String))
    op.bulk_insert(accounts, [
        {'id': 1, 'name': 'admin'},
        {'id': 2, 'name': 'guest'},
    ])


def downgrade() -> None:
    pass
