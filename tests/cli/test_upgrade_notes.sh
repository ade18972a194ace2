# What athanor upgrade does and says beyond Alembic: on SQLite a batch
# rebuild drops an unnamed CHECK constraint, as Alembic's batch mode does, and
# says so (a named one is kept); on PostgreSQL a Flask-Migrate add_column of an
# enum creates the missing type (Alembic fails there), and the downgrade drops
# it with the last column that used it.
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

if pg_required; then
    psql -q "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE IF EXISTS cli_upgrade_notes WITH (FORCE)' \
        -c 'CREATE DATABASE cli_upgrade_notes' >/dev/null 2>&1 || fail "pg: cannot create the database"
    PG=${ATHANOR_TEST_PG_URL%/*}/cli_upgrade_notes
    mkdir -p e/versions
    sed -e "s/'item'/'en_item'/" m/versions/a1_items.py >e/versions/a1_items.py
    cat >e/versions/c3_mood.py <<'PY'
"""mood

Revision ID: c3
Revises: a1
Create Date: 2024-01-01 00:00:02

"""
from alembic import op
import sqlalchemy as sa

revision = 'c3'
down_revision = 'a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('en_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mood', sa.Enum('sad', 'ok', name='item_mood'), nullable=True))


def downgrade():
    with op.batch_alter_table('en_item', schema=None) as batch_op:
        batch_op.drop_column('mood')
PY
    types() { psql -At "$PG" -c "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'item_mood'"; }
    run upgrade -d e --url "$PG"
    expect_status 0 "pg: add_column of an enum whose type is missing"
    [ "$(types)" = "sad,ok" ] && pass || fail "pg: the enum type was not created: '$(types)'"
    run downgrade a1 -d e --url "$PG"
    expect_status 0 "pg: downgrade of the enum column"
    expect_err_contains "enum type item_mood dropped with the last column that used it" "pg: drop note"
    [ -z "$(types)" ] && pass || fail "pg: the enum type outlived its last column: '$(types)'"
    run upgrade -d e --url "$PG"
    expect_status 0 "pg: upgrade again after the downgrade"
    psql -q "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE cli_upgrade_notes WITH (FORCE)' >/dev/null 2>&1
fi

finish
