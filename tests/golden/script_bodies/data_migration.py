"""seed roles

Revision ID: 5e6f70819203
Revises: 942fb722a789
Create Date: 2024-01-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import table, column


# revision identifiers, used by Alembic.
revision = '5e6f70819203'
down_revision = '942fb722a789'
branch_labels = None
depends_on = None


def upgrade():
    """Create and seed the role table."""
    role = op.create_table('role',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('name', sa.String(length=40), nullable=False, unique=True),
    sa.Column('rank', sa.Integer(), server_default='0', nullable=False),
    sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL')),
    comment='roles'
    )
    op.bulk_insert(role, [
        {'id': 1, 'name': 'admin', 'rank': -10},
        {'id': 2, 'name': "it's", 'user_id': None},
    ])
    settings = table('settings_view', column('key', sa.String), column('on', sa.Boolean()))
    op.bulk_insert(settings, [{'key': 'a', 'on': True}, {'on': False, 'key': 'b'}], multiinsert=False)
    op.execute("UPDATE \"user\" SET active = 1")
    op.execute(sa.text('DELETE FROM post WHERE score < 0'))
    op.create_index(op.f('ix_role_lower_name'), 'role', [sa.text('lower(name)'), 'rank'], unique=True, sqlite_where=sa.text('rank > 0'), postgresql_where='rank > 1')
    op.rename_table('post', 'article')
    op.create_foreign_key('fk_article_role', 'article', 'role', ['user_id'], ['id'], ondelete='CASCADE')
    op.create_check_constraint('ck_role_rank', 'role', 'rank < 100')
    op.alter_column('role', 'rank', new_column_name='level', server_default=None, existing_server_default=sa.text("'0'"), comment='the level', existing_comment=None, mysql_existing_type=sa.Integer())


def downgrade():
    op.drop_constraint('ck_role_rank', 'role', type_='check')
    op.drop_constraint('fk_article_role', 'article', type_='foreignkey')
    op.rename_table('article', 'post')
    op.drop_index('ix_role_lower_name', table_name='role')
    op.drop_table('role')
