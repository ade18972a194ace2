# What athanor upgrade says besides running: on SQLite a batch rebuild drops
# an unnamed CHECK constraint, as Alembic's batch mode does, and says so; a
# named one is kept.
. "$(dirname "$0")/lib.sh"

cd "$SCRATCH" || exit 1
unset DATABASE_URL SQLALCHEMY_DATABASE_URI
mkdir -p m/versions
cat >m/versions/a1_items.py <<'PY'
"""items

Revision ID: a1
Revises:
Create Date: 2024-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'a1'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=True),
    sa.Column('price', sa.Integer(), nullable=True),
    sa.CheckConstraint('qty >= 0'),
    sa.CheckConstraint('price >= 0', name='ck_item_price'),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('item')
PY
cat >m/versions/b2_tighten.py <<'PY'
"""tighten

Revision ID: b2
Revises: a1
Create Date: 2024-01-01 00:00:01

"""
from alembic import op
import sqlalchemy as sa

revision = 'b2'
down_revision = 'a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('qty', existing_type=sa.INTEGER(), nullable=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('qty', existing_type=sa.INTEGER(), nullable=True)
PY
URL=sqlite:///$SCRATCH/app.db
run upgrade a1 -d m --url "$URL"
expect_status 0 "upgrade to a1"
expect_err_lacks "unnamed CHECK" "no rebuild, no warning"
run upgrade -d m --url "$URL"
expect_status 0 "upgrade through a rebuild"
expect_err_contains "b2_tighten.py:19:" "the warning points at the batch"
expect_err_contains "drops its unnamed CHECK (qty >= 0)" "the dropped check is named"
ddl=$(sqlite3 "$SCRATCH/app.db" "SELECT sql FROM sqlite_master WHERE name = 'item'")
case $ddl in *ck_item_price*) pass ;; *) fail "the named check was lost: $ddl" ;; esac
case $ddl in *"qty >= 0"*) fail "the unnamed check is still there: $ddl" ;; *) pass ;; esac

finish
