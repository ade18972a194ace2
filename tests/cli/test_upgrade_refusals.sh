# athanor upgrade on broken migration folders: a syntax error, a
# down_revision naming no revision, a cycle, one id in two files, Python the
# runner cannot run. Each is refused with the file and line (or Alembic's
# words), exit 1, before the database changes at all.
. "$(dirname "$0")/lib.sh"

cd "$SCRATCH" || exit 1
unset DATABASE_URL SQLALCHEMY_DATABASE_URI

# script FOLDER ID DOWN BODY: one revision file as Flask-Migrate lays it out.
script() {
    local folder=$1 id=$2 down=$3 body=$4
    mkdir -p "$folder/versions"
    cat >"$folder/versions/${id}_step.py" <<PY
"""step $id

Revision ID: $id
Revises: ${down//\'/}
Create Date: 2024-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '$id'
down_revision = $down
branch_labels = None
depends_on = None


def upgrade():
$body


def downgrade():
    pass
PY
}

create() { printf "    op.create_table('%s', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))" "$1"; }

# A database with one migration applied, to check nothing else happens to it.
good=$SCRATCH/good
script "$good" a1 None "$(create t1)"
DB=$SCRATCH/app.db
run upgrade -d "$good" --url "sqlite:///$DB"
expect_status 0 "the good history"
snapshot() { sqlite3 "$DB" .dump; }
before=$(snapshot)

# refused FOLDER WHAT EXPECTED-TEXT: upgrade refuses, says EXPECTED, changes nothing.
refused() {
    run upgrade -d "$1" --url "sqlite:///$DB"
    expect_status 1 "$2"
    expect_err_contains "$3" "$2"
    if [ "$(snapshot)" = "$before" ]; then pass; else fail "$2: the database changed"; fi
}

f=$SCRATCH/syntax
cp -r "$good" "$f"
script "$f" b2 "'a1'" "    op.create_table('t2',"
refused "$f" "a syntax error" "b2_step.py:"
# ... and on a database that does not exist yet, no empty file is left behind.
run upgrade -d "$f" --url "sqlite:///$SCRATCH/new.db"
expect_status 1 "a syntax error, no database yet"
if [ -e "$SCRATCH/new.db" ]; then fail "a refused upgrade created new.db"; else pass; fi

f=$SCRATCH/missing
cp -r "$good" "$f"
script "$f" b2 "'zz'" "$(create t2)"
refused "$f" "a down_revision naming no revision" "Revision zz referenced from b2 is not present"

f=$SCRATCH/cycle
cp -r "$good" "$f"
script "$f" b2 "'c3'" "$(create t2)"
script "$f" c3 "'b2'" "$(create t3)"
refused "$f" "a cycle" "Cycle is detected in revisions"

f=$SCRATCH/dup
cp -r "$good" "$f"
script "$f" b2 "'a1'" "$(create t2)"
cp "$f/versions/b2_step.py" "$f/versions/b2_copy.py"
refused "$f" "one id in two files" "b2"

f=$SCRATCH/python
cp -r "$good" "$f"
script "$f" b2 "'a1'" "$(create t2)"
script "$f" c3 "'b2'" "    for name in ['x', 'y']:
        op.add_column('t1', sa.Column(name, sa.Integer()))"
refused "$f" "a loop" "c3_step.py:20:5:"
expect_err_contains "revision c3" "a loop names the revision"

f=$SCRATCH/bind
cp -r "$good" "$f"
script "$f" b2 "'a1'" "    if op.get_bind().dialect.name == 'sqlite':
        op.drop_table('t1')"
refused "$f" "a branch on the dialect" "b2_step.py:20:5:"

f=$SCRATCH/session
cp -r "$good" "$f"
script "$f" b2 "'a1'" "    session = sa.orm.Session(bind=op.get_bind())"
refused "$f" "an ORM session" "b2_step.py:20:5: error: revision b2: an ORM session"

# Files in versions/ that are not revisions are a note, not an error.
f=$SCRATCH/notes
cp -r "$good" "$f"
printf 'HELPER = 1\n' >"$f/versions/helpers.py"
script "$f" b2 "'a1'" "$(create t2)"
run upgrade -d "$f" --url "sqlite:///$DB"
expect_status 0 "a helper module in versions/"
expect_err_contains "helpers.py" "a helper module is mentioned"
[ "$(sqlite3 "$DB" 'SELECT version_num FROM alembic_version')" = b2 ] && pass ||
    fail "the history with a helper module did not reach b2"

finish
