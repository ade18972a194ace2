# athanor upgrade / downgrade / current / heads / history on a history that
# real Flask-Migrate generated, taking turns with real Alembic on one SQLite
# database. Skipped when Debian's python3 lacks Flask-Migrate.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import flask_migrate' 2>/dev/null; then
    printf 'skipped: %s has no flask_migrate\n' "$PY"
    exit 0
fi

APP=$SCRATCH/app
mkdir -p "$APP"
cd "$APP" || exit 1
export FLASK_APP=app.py
unset DATABASE_URL SQLALCHEMY_DATABASE_URI

# The tutorial's models, in two steps so the history has two revisions.
models() {
    cat >app.py <<PY
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_migrate import Migrate
app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///$APP/app.db'
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

flask() { "$PY" -m flask "$@" >"$SCRATCH/fout" 2>&1; }

models users
flask db init || fail "flask db init: $(cat "$SCRATCH/fout")"
flask db migrate -m "users table" || fail "flask db migrate 1: $(cat "$SCRATCH/fout")"
flask db upgrade || fail "flask db upgrade 1: $(cat "$SCRATCH/fout")"
models posts
flask db migrate -m "posts table" || fail "flask db migrate 2: $(cat "$SCRATCH/fout")"
flask db downgrade base || fail "flask db downgrade base: $(cat "$SCRATCH/fout")"
rm -f app.db

R1=$(grep -l "users table" migrations/versions/*.py | xargs basename | cut -d_ -f1)
R2=$(grep -l "posts table" migrations/versions/*.py | xargs basename | cut -d_ -f1)
URL=sqlite:///$APP/app.db

# Athanor upgrades what Flask-Migrate wrote; the log lines are Alembic's.
run upgrade --url "$URL"
expect_status 0 "athanor upgrade"
expect_err_contains "INFO  [alembic.runtime.migration] Running upgrade  -> $R1, users table" "upgrade line 1"
expect_err_contains "INFO  [alembic.runtime.migration] Running upgrade $R1 -> $R2, posts table" "upgrade line 2"

flask db current
if grep -qx "$R2 (head)" "$SCRATCH/fout"; then pass; else fail "flask db current after athanor: $(cat "$SCRATCH/fout")"; fi

# The URL from SQLALCHEMY_DATABASE_URI; the folder by default.
SQLALCHEMY_DATABASE_URI=$URL run current
expect_status 0 "athanor current"
if [ "$(cat "$SCRATCH/out")" = "$R2 (head)" ]; then pass; else fail "current: $(cat "$SCRATCH/out")"; fi

# Listings match flask db's, line for line.
for cmd in heads history; do
    flask db "$cmd"
    grep -v '^INFO ' "$SCRATCH/fout" >"$SCRATCH/want"
    run "$cmd" -d migrations
    expect_status 0 "athanor $cmd"
    if cmp -s "$SCRATCH/want" "$SCRATCH/out"; then pass; else
        fail "$cmd differs: flask: $(cat "$SCRATCH/want") athanor: $(cat "$SCRATCH/out")"
    fi
done

n=$(sqlite3 app.db "SELECT count(*) FROM athanor_history WHERE direction = 'upgrade'")
if [ "$n" = 2 ]; then pass; else fail "athanor_history has $n upgrade rows"; fi
sum=$(sqlite3 app.db "SELECT checksum FROM athanor_history WHERE revision = '$R1'")
if [ "$sum" = "$(git hash-object migrations/versions/${R1}_*.py)" ]; then pass; else
    fail "checksum $sum is not the blob id"; fi

# Real Alembic reverts what Athanor applied ...
flask db downgrade base || fail "flask db downgrade base after athanor: $(cat "$SCRATCH/fout")"
tables=$(sqlite3 app.db "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table' AND name IN ('user', 'post')")
if [ -z "$tables" ]; then pass; else fail "left after downgrade base: $tables"; fi

# ... Athanor takes over again, and downgrades one step with -1.
run upgrade --url "$URL"
expect_status 0 "athanor upgrade again"
run downgrade -1 --url "$URL"
expect_status 0 "athanor downgrade -1"
expect_err_contains "INFO  [alembic.runtime.migration] Running downgrade $R2 -> $R1, posts table" "downgrade line"
flask db current
if grep -qx "$R1" "$SCRATCH/fout"; then pass; else fail "flask db current after downgrade: $(cat "$SCRATCH/fout")"; fi
flask db upgrade || fail "flask db upgrade after athanor downgrade: $(cat "$SCRATCH/fout")"
run current --url "$URL"
if [ "$(cat "$SCRATCH/out")" = "$R2 (head)" ]; then pass; else fail "current after flask upgrade: $(cat "$SCRATCH/out")"; fi

# A broken statement: exit 1, the server's words and the statement, nothing changed.
run downgrade base --url "$URL"
expect_status 0 "athanor downgrade base"
sed -i "s/def upgrade():/def upgrade():\n    op.execute('INSERT INTO nowhere VALUES (1)')/" migrations/versions/${R2}_*.py
run upgrade --url "$URL"
expect_status 1 "upgrade with a broken statement"
expect_err_contains "no such table: nowhere" "server's words"
expect_err_contains "statement: INSERT INTO nowhere VALUES (1)" "failing statement"
expect_err_contains "upgrade to $R2 (" "failing revision"
run current --url "$URL"
if [ "$(cat "$SCRATCH/out")" = "$R1" ]; then pass; else fail "current after failure: $(cat "$SCRATCH/out")"; fi
posts=$(sqlite3 app.db "SELECT count(*) FROM sqlite_master WHERE name = 'post'")
if [ "$posts" = 0 ]; then pass; else fail "post table left by the failed migration"; fi

# No database anywhere: a usage error.
run upgrade -d migrations
expect_status 2 "upgrade without a URL"

finish
