# athanor upgrade --sql / downgrade --sql (Alembic's offline mode) against
# what real `flask db upgrade --sql` prints for a history Flask-Migrate
# generated, the SQL run through sqlite3 and psql to the schema an online
# upgrade makes; and the progress line of upgrade on a terminal.
#
# Deliberate differences from Alembic's offline output, none of which shows
# on the PostgreSQL and SQLite outputs compared here byte for byte:
#  - SQLite batch operations (table rebuilds) are written out from the schema
#    the history replayed in memory makes; Alembic refuses them in --sql mode
#    ("batch mode with dialect sqlite requires a live database connection").
#  - No athanor_history rows: the script is Alembic's (its tables are
#    dropped from the online database below before the schemas are compared).
#  - An execute op is copied out as written, and what it does to the schema
#    is not replayed: a later SQLite rebuild of that table would not see it.
. "$(dirname "$0")/lib.sh"

unset DATABASE_URL SQLALCHEMY_DATABASE_URI

# ---- the progress line: a hand-written linear history of 12 tables ----
mkdir -p "$SCRATCH/many/migrations/versions"
cd "$SCRATCH/many" || exit 1
prev=None
for i in $(seq 1 12); do
    rev=$(printf 'a%011d' "$i")
    down=None
    [ "$prev" = None ] || down="'$prev'"
    cat >"migrations/versions/${rev}_t$i.py" <<PY
"""table t$i

Revision ID: $rev
"""
from alembic import op
import sqlalchemy as sa

revision = '$rev'
down_revision = $down
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('t$i', sa.Column('id', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))


def downgrade():
    op.drop_table('t$i')
PY
    prev=$rev
done
MANY=sqlite:///$SCRATCH/many/many.db

# Not a terminal: Alembic's lines, one per migration, whatever their number.
run upgrade --url "$MANY"
expect_status 0 "upgrade of 12, stderr a file"
n=$(grep -c '^INFO  \[alembic.runtime.migration\] Running upgrade' "$SCRATCH/err")
if [ "$n" = 12 ]; then pass; else fail "expected 12 INFO lines, got $n: $(cat "$SCRATCH/err")"; fi
if grep -q '\[12/12\]' "$SCRATCH/err"; then fail "progress line on a file"; else pass; fi

if command -v script >/dev/null 2>&1; then
    # On a terminal (script(1) gives one): one line rewritten in place, cleared, a summary.
    script -qec "'$ATHANOR' downgrade base --url '$MANY'" /dev/null >"$SCRATCH/tty" 2>&1
    if grep -q 'Ran 12 downgrades\.' "$SCRATCH/tty"; then pass; else
        fail "downgrade on a terminal: $(cat "$SCRATCH/tty")"; fi
    script -qec "'$ATHANOR' upgrade --url '$MANY'" /dev/null >"$SCRATCH/tty" 2>&1
    tr '\r' '\n' <"$SCRATCH/tty" >"$SCRATCH/tty.lines"
    if grep -qx '\[1/12\] a00000000001 table t1' "$SCRATCH/tty.lines" &&
        grep -qx '\[12/12\] a00000000012 table t12' "$SCRATCH/tty.lines"; then pass; else
        fail "progress lines: $(od -c "$SCRATCH/tty" | head -20)"; fi
    if grep -q 'INFO  \[alembic' "$SCRATCH/tty"; then fail "INFO lines with the progress line"; else pass; fi
    if grep -q 'Ran 12 upgrades\.' "$SCRATCH/tty"; then pass; else fail "no summary: $(cat "$SCRATCH/tty")"; fi
    # The line is blanked before the summary: spaces over it, then back to column 0.
    if tr -d '\n' <"$SCRATCH/tty" | grep -q "$(printf '\r') *$(printf '\r')Ran 12"; then pass; else
        fail "progress line not cleared: $(od -c "$SCRATCH/tty" | tail -5)"; fi
    # Ten or fewer on a terminal: Alembic's lines.
    script -qec "'$ATHANOR' downgrade -3 --url '$MANY'" /dev/null >"$SCRATCH/tty" 2>&1
    n=$(grep -c 'INFO  \[alembic.runtime.migration\] Running downgrade' "$SCRATCH/tty")
    if [ "$n" = 3 ]; then pass; else fail "3 downgrades on a terminal: $(cat "$SCRATCH/tty")"; fi
else
    printf 'skipped: terminal checks (no script(1))\n'
fi

# ---- offline mode, usage ----
# The URL only picks the dialect: neither an unreachable server nor a SQLite
# file in a missing folder is opened.
NOWHERE=postgresql://nobody:secret@127.0.0.1:1/nowhere
run upgrade --sql --url "$NOWHERE"
expect_status 0 "upgrade --sql with an unreachable server"
if head -1 "$SCRATCH/out" | grep -qx 'BEGIN;'; then pass; else fail "PG script starts with: $(head -1 "$SCRATCH/out")"; fi
run upgrade --sql --url "sqlite:///$SCRATCH/no/such/folder/x.db"
expect_status 0 "upgrade --sql with a SQLite file nowhere"
[ ! -e "$SCRATCH/no" ] && pass || fail "upgrade --sql created the SQLite folder"
run downgrade --sql --url "$NOWHERE"
expect_status 2 "downgrade --sql without a range"
expect_err_contains "downgrade with --sql requires <fromrev>:<torev>" "downgrade --sql without a range"
run downgrade --sql a00000000002 --url "$NOWHERE"
expect_status 2 "downgrade --sql with one revision"
run upgrade --sql ":a00000000002" --url "$NOWHERE"
expect_status 2 "upgrade --sql with an empty start"
run upgrade --sql --url "mysql://x@localhost/db"
expect_status 1 "upgrade --sql with an unknown dialect"
run upgrade --sql
expect_status 2 "upgrade --sql without a URL"
expect_err_contains "dialect" "upgrade --sql without a URL"
run upgrade --sql nosuchrev --url "$NOWHERE"
expect_status 1 "upgrade --sql to an unknown revision"
expect_err_contains "Can't locate revision identified by 'nosuchrev'" "unknown revision"
if [ -s "$SCRATCH/out" ]; then fail "a script printed for an unknown revision"; else pass; fi
# A range that starts past base: no version table, the replayed tables exist.
run upgrade --sql a00000000010:a00000000011 --url "$NOWHERE"
expect_status 0 "upgrade --sql from 10 to 11"
if grep -q 'CREATE TABLE alembic_version' "$SCRATCH/out"; then fail "version table created mid-history"; else pass; fi
if grep -qx 'UPDATE alembic_version SET version_num='"'"'a00000000011'"'"' WHERE alembic_version.version_num = '"'"'a00000000010'"'"';' "$SCRATCH/out"; then
    pass; else fail "range 10:11: $(cat "$SCRATCH/out")"; fi

# A script that cannot be read refuses the whole script.
sed -i 's/^def upgrade():/def upgrade():\n    import os/' migrations/versions/a00000000012_t12.py
run upgrade --sql --url "$NOWHERE"
expect_status 1 "upgrade --sql with a refused body"
if [ -s "$SCRATCH/out" ]; then fail "part of a script printed despite a refused body"; else pass; fi
expect_err_contains "a00000000012_t12.py:" "refused body's position"

# ---- against Alembic ----
PY=/usr/bin/python3
if ! "$PY" -c 'import flask_migrate' 2>/dev/null; then
    printf 'skipped: %s has no flask_migrate\n' "$PY"
    finish
    exit
fi

APP=$SCRATCH/app
mkdir -p "$APP"
cd "$APP" || exit 1
export FLASK_APP=app.py
models() {
    cat >app.py <<PY
import os
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_migrate import Migrate
app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = os.environ.get('APP_URL', 'sqlite:///$APP/gen.db')
db = SQLAlchemy(app)
migrate = Migrate(app, db)
class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), index=True, unique=True)
    email = db.Column(db.String(120), index=True, unique=True)
    password_hash = db.Column(db.String(128))
PY
    if [ "$1" = posts ]; then
        cat >>app.py <<'PY'
    about_me = db.Column(db.String(140))
class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(140))
    timestamp = db.Column(db.DateTime, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))
PY
    fi
}
flask() { "$PY" -m flask "$@" >"$SCRATCH/fout" 2>"$SCRATCH/ferr"; }

models users
flask db init || fail "flask db init: $(cat "$SCRATCH/ferr")"
flask db migrate -m "users table" || fail "flask db migrate 1: $(cat "$SCRATCH/ferr")"
flask db upgrade || fail "flask db upgrade 1: $(cat "$SCRATCH/ferr")"
models posts
flask db migrate -m "posts table" || fail "flask db migrate 2: $(cat "$SCRATCH/ferr")"
R1=$(grep -l "users table" migrations/versions/*.py | xargs basename | cut -d_ -f1)
R2=$(grep -l "posts table" migrations/versions/*.py | xargs basename | cut -d_ -f1)

# same_as_alembic WHAT URL FLASK-ARGS -- ATHANOR-ARGS: both print the script.
same_as_alembic() {
    local what=$1 url=$2
    shift 2
    local fargs=()
    while [ "$1" != -- ]; do fargs+=("$1"); shift; done
    shift
    APP_URL=$url flask db "${fargs[@]}" || { fail "flask db ${fargs[*]}: $(cat "$SCRATCH/ferr")"; return; }
    run "$@" --url "$url"
    expect_status 0 "athanor $what"
    if cmp -s "$SCRATCH/fout" "$SCRATCH/out"; then pass; else
        fail "$what differs from Alembic's: $(diff "$SCRATCH/fout" "$SCRATCH/out")"
    fi
}
same_as_alembic "PG upgrade --sql" "$NOWHERE" upgrade --sql -- upgrade --sql
# The INFO lines on stderr are Alembic's too.
if cmp -s <(grep 'Running upgrade' "$SCRATCH/ferr") "$SCRATCH/err"; then pass; else
    fail "INFO lines differ: $(diff <(grep 'Running upgrade' "$SCRATCH/ferr") "$SCRATCH/err")"; fi
same_as_alembic "PG upgrade --sql R1:R2" "$NOWHERE" upgrade --sql "$R1:$R2" -- upgrade --sql "$R1:$R2"
same_as_alembic "PG downgrade --sql head:base" "$NOWHERE" downgrade --sql head:base -- downgrade --sql head:base
same_as_alembic "SQLite upgrade --sql" "sqlite:///$APP/x.db" upgrade --sql -- upgrade --sql

# ---- the scripts run, to the schema an online upgrade makes ----
# SQLite: upgrade, then a downgrade Alembic cannot write offline (a rebuild).
ON=sqlite:///$APP/online.db
OFF=$APP/offline.db
run upgrade --url "$ON"
expect_status 0 "online upgrade (SQLite)"
sqlite3 online.db 'DROP TABLE athanor_history'
run upgrade --sql --url "sqlite:///$OFF"
sqlite3 -bail "$OFF" <"$SCRATCH/out" 2>"$SCRATCH/sq.err" || fail "sqlite3 refused upgrade --sql: $(cat "$SCRATCH/sq.err")"
run inspect --url "$ON"
cp "$SCRATCH/out" online.text
run inspect --url "sqlite:///$OFF"
if [ -s online.text ] && cmp -s online.text "$SCRATCH/out"; then pass; else
    fail "SQLite: offline upgrade's schema differs: $(diff online.text "$SCRATCH/out")"; fi

run downgrade -1 --url "$ON"
expect_status 0 "online downgrade -1 (SQLite)"
sqlite3 online.db 'DROP TABLE athanor_history'
run downgrade --sql "$R2:$R1" --url "sqlite:///$OFF"
expect_status 0 "downgrade --sql R2:R1 (SQLite)"
if grep -q '^CREATE TABLE _alembic_tmp_user' "$SCRATCH/out"; then pass; else fail "no rebuild of user: $(cat "$SCRATCH/out")"; fi
sqlite3 -bail "$OFF" <"$SCRATCH/out" 2>"$SCRATCH/sq.err" || fail "sqlite3 refused downgrade --sql: $(cat "$SCRATCH/sq.err")"
run inspect --url "$ON"
cp "$SCRATCH/out" online.text
run inspect --url "sqlite:///$OFF"
if cmp -s online.text "$SCRATCH/out"; then pass; else
    fail "SQLite: offline downgrade's schema differs: $(diff online.text "$SCRATCH/out")"; fi
v=$(sqlite3 "$OFF" 'SELECT group_concat(version_num) FROM alembic_version')
if [ "$v" = "$R1" ]; then pass; else fail "alembic_version after downgrade --sql: $v"; fi
run downgrade --sql "$R1:base" --url "sqlite:///$OFF"
sqlite3 -bail "$OFF" <"$SCRATCH/out" 2>"$SCRATCH/sq.err" || fail "sqlite3 refused downgrade to base: $(cat "$SCRATCH/sq.err")"
left=$(sqlite3 "$OFF" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'")
if [ -z "$left" ]; then pass; else fail "left after downgrade --sql to base: $left"; fi

if pg_required; then
    base=${ATHANOR_TEST_PG_URL%/*}
    export PGOPTIONS='-c client_min_messages=warning'
    psql -q -v ON_ERROR_STOP=1 "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE IF EXISTS cli_offline_a WITH (FORCE)' \
        -c 'DROP DATABASE IF EXISTS cli_offline_b WITH (FORCE)' -c 'CREATE DATABASE cli_offline_a' \
        -c 'CREATE DATABASE cli_offline_b' >/dev/null || fail "cannot create the test databases"
    run upgrade --url "$base/cli_offline_a"
    expect_status 0 "online upgrade (PostgreSQL)"
    psql -q -v ON_ERROR_STOP=1 "$base/cli_offline_a" -c 'DROP TABLE athanor_history' >/dev/null
    run inspect --url "$base/cli_offline_a"
    cp "$SCRATCH/out" online.text
    run upgrade --sql --url "$base/cli_offline_b"
    psql -q -v ON_ERROR_STOP=1 "$base/cli_offline_b" -f "$SCRATCH/out" >/dev/null 2>"$SCRATCH/psql.err" ||
        fail "psql refused upgrade --sql: $(cat "$SCRATCH/psql.err")"
    run inspect --url "$base/cli_offline_b"
    if [ -s online.text ] && cmp -s online.text "$SCRATCH/out"; then pass; else
        fail "PostgreSQL: offline upgrade's schema differs: $(diff online.text "$SCRATCH/out")"; fi
    run current --url "$base/cli_offline_b"
    if [ "$(cat "$SCRATCH/out")" = "$R2 (head)" ]; then pass; else fail "current after psql: $(cat "$SCRATCH/out")"; fi
    run downgrade --sql head:base --url "$base/cli_offline_b"
    psql -q -v ON_ERROR_STOP=1 "$base/cli_offline_b" -f "$SCRATCH/out" >/dev/null 2>"$SCRATCH/psql.err" ||
        fail "psql refused downgrade --sql: $(cat "$SCRATCH/psql.err")"
    left=$(psql -qtA "$base/cli_offline_b" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    if [ "$left" = 0 ]; then pass; else fail "$left tables left after downgrade --sql to base"; fi
    psql -q "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE cli_offline_a WITH (FORCE)' \
        -c 'DROP DATABASE cli_offline_b WITH (FORCE)' >/dev/null
fi

finish
