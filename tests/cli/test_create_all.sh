# `athanor create-all` end to end: where the models and the URL come from
# (--models, alembic.ini's [athanor] section, discovery; --url, the
# environment), usage errors, model errors that create nothing, a folder made
# by `flask db init`, existing tables left alone, and a second run that
# creates nothing. On SQLite, and on PostgreSQL when the test server is up.
. "$(dirname "$0")/lib.sh"

unset DATABASE_URL SQLALCHEMY_DATABASE_URI
cd "$SCRATCH" || exit 1

# tables FILE: the table names of a SQLite file, one line, sorted.
tables() {
    sqlite3 "$1" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
        WHERE type = 'table' ORDER BY name)"
}

expect_out() {
    if [ "$(cat "$SCRATCH/out")" = "$1" ]; then pass; else
        fail "$2: stdout is '$(cat "$SCRATCH/out")', expected '$1'; stderr: $(cat "$SCRATCH/err")"
    fi
}

expect_equal() {
    if [ "$1" = "$2" ]; then pass; else fail "$3: got '$1', expected '$2'"; fi
}

# A project: models in app/, a helper module, and files discovery must skip.
mkdir -p proj/app proj/.hidden proj/venv/lib proj/migrations/versions proj/scripts
cat >proj/app/__init__.py <<'EOF'
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
EOF
cat >proj/app/models.py <<'EOF'
from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), index=True)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'), nullable=False)
EOF
cat >proj/app/extra.py <<'EOF'
from app import db


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
EOF
printf 'def slugify(text):\n    return text.lower()\n' >proj/app/util.py
for skipped in .hidden/models.py venv/lib/models.py migrations/env.py; do
    cat >"proj/$skipped" <<'EOF'
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Skipped(db.Model):
    id = db.Column(db.Integer, primary_key=True)
EOF
done
printf 'home = /usr/bin\n' >proj/venv/pyvenv.cfg

# ---- usage ----
run create-all --bogus
expect_status 2 "unknown option"
run create-all stray
expect_status 2 "argument without --models"
run create-all --models
expect_status 2 "--models without a value"
run create-all --help
expect_status 0 "help"
(cd proj && "$ATHANOR" create-all >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 2 "no URL anywhere"
expect_err_contains "no database" "no URL anywhere"
if [ -e proj/migrations/versions/../../app.db ]; then fail "a database appeared"; else pass; fi

# ---- discovery: the files that define models, and it says which ----
(cd proj && "$ATHANOR" create-all --url sqlite:///app.db >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 0 "create-all with discovered models"
expect_err_contains "athanor: using models from app/extra.py, app/models.py" "discovery message"
expect_err_lacks "Skipped" "discovery skips hidden, virtualenv and migrations folders"
expect_err_lacks "util.py" "discovery skips files without models"
expect_out "created 3 tables" "summary of the first run"
expect_equal "$(tables proj/app.db)" "post tag user" "tables created"
if sqlite3 proj/app.db .schema | grep -q 'CREATE INDEX ix_user_email ON user (email)'; then pass; else
    fail "the index was not created: $(sqlite3 proj/app.db .schema)"
fi
before=$(sqlite3 proj/app.db .schema)
(cd proj && "$ATHANOR" create-all --url sqlite:///app.db >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 0 "second run"
expect_out "nothing to create" "second run"
expect_equal "$(sqlite3 proj/app.db .schema)" "$before" "second run changes nothing"

# ---- --models: files, folders, repeated, several after one flag ----
run create-all --models proj/app/models.py --url sqlite:///one.db
expect_status 0 "--models FILE"
expect_out "created 2 tables" "--models FILE"
expect_err_lacks "using models from" "no message when the files are named"
run create-all --models proj/app/models.py --models proj/app/extra.py --url sqlite:///two.db
expect_out "created 3 tables" "--models repeated"
run create-all --models proj/app/models.py proj/app/extra.py --url sqlite:///three.db
expect_out "created 3 tables" "--models with several paths"
run create-all --models proj --url sqlite:///four.db
expect_out "created 3 tables" "--models DIR"
expect_err_contains "using models from proj/app/__init__.py, proj/app/extra.py, proj/app/models.py, proj/app/util.py" \
    "a folder lists its files, skipping hidden, virtualenv and migrations folders"
run create-all --models proj/nothere.py --url sqlite:///five.db
expect_status 1 "missing models path"
expect_err_contains "proj/nothere.py" "missing models path"
if [ -e five.db ]; then fail "a missing models path created the database"; else pass; fi

# ---- URL sources, in order: --url, DATABASE_URL, SQLALCHEMY_DATABASE_URI, alembic.ini ----
mkdir -p urls/migrations
cat proj/app/__init__.py >urls/extra.py
sed -n '/^class/,$p' proj/app/extra.py >>urls/extra.py
cat >urls/migrations/alembic.ini <<'EOF'
[alembic]

[athanor]
models = extra.py
url = sqlite:///%(here)s/../from_ini.db
EOF
(cd urls && "$ATHANOR" create-all >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 0 "URL and models from alembic.ini"
expect_out "created 1 table" "URL and models from alembic.ini"
expect_err_contains "athanor: using models from extra.py" "models of [athanor] are announced"
[ -f urls/from_ini.db ] && pass || fail "the [athanor] url was not used"
(cd urls && SQLALCHEMY_DATABASE_URI=sqlite:///from_uri.db "$ATHANOR" create-all >/dev/null 2>&1)
[ -f urls/from_uri.db ] && pass || fail "SQLALCHEMY_DATABASE_URI does not win over alembic.ini"
(cd urls && DATABASE_URL=sqlite:///from_env.db SQLALCHEMY_DATABASE_URI=sqlite:///no.db \
    "$ATHANOR" create-all >/dev/null 2>&1)
[ -f urls/from_env.db ] && [ ! -e urls/no.db ] && pass ||
    fail "DATABASE_URL does not win over SQLALCHEMY_DATABASE_URI"
(cd urls && DATABASE_URL=sqlite:///no2.db "$ATHANOR" create-all --url sqlite:///from_opt.db \
    >/dev/null 2>&1)
[ -f urls/from_opt.db ] && [ ! -e urls/no2.db ] && pass || fail "--url does not win over DATABASE_URL"
mv urls/migrations urls/elsewhere
(cd urls && "$ATHANOR" create-all -d elsewhere >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 0 "-d DIR"
expect_out "nothing to create" "-d DIR reads that folder's alembic.ini"

# ---- a broken alembic.ini ----
mkdir -p badini/migrations
printf '[alembic]\nscript_location migrations\n' >badini/migrations/alembic.ini
(cd badini && "$ATHANOR" create-all --url sqlite:///x.db >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 1 "broken alembic.ini"
expect_err_contains "migrations/alembic.ini:2:1: error: expected 'key = value'" "broken alembic.ini"
expect_err_contains "    script_location migrations" "broken alembic.ini shows the line"
[ -e badini/x.db ] && fail "a broken alembic.ini created the database" || pass

# ---- model errors: file:line:col, exit 1, nothing created ----
mkdir -p broken
cat >broken/models.py <<'EOF'
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Good(db.Model):
    id = db.Column(db.Integer, primary_key=True)


class Broken(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False
EOF
run create-all --models broken/models.py --url sqlite:///broken.db
expect_status 1 "syntax error in the models"
if grep -qE '^broken/models.py:[0-9]+:[0-9]+: error: ' "$SCRATCH/err"; then pass; else
    fail "no file:line:col diagnostic: $(cat "$SCRATCH/err")"
fi
if grep -qE '^ +\^$' "$SCRATCH/err"; then pass; else fail "no caret line: $(cat "$SCRATCH/err")"; fi
if [ -e broken.db ]; then fail "a model error created the SQLite file"; else pass; fi
if [ -s "$SCRATCH/out" ]; then fail "a model error printed a summary"; else pass; fi

# An existing database is not touched either.
sqlite3 existing.db 'CREATE TABLE keep (id INTEGER)'
run create-all --models broken/models.py --url sqlite:///existing.db
expect_status 1 "model error on an existing database"
expect_equal "$(tables existing.db)" "keep" "a model error creates nothing"

# ---- existing tables are left as they are ----
sqlite3 partial.db 'CREATE TABLE user (id INTEGER PRIMARY KEY, nickname TEXT)'
run create-all --models proj/app/models.py proj/app/extra.py --url sqlite:///partial.db
expect_status 0 "partial database"
expect_out "created 2 tables" "only the missing tables"
expect_equal "$(sqlite3 partial.db "SELECT sql FROM sqlite_master WHERE name = 'user'")" \
    "CREATE TABLE user (id INTEGER PRIMARY KEY, nickname TEXT)" "the existing table is unchanged"
expect_equal "$(sqlite3 partial.db "SELECT count(*) FROM sqlite_master WHERE name = 'ix_user_email'")" \
    "0" "no index is added to an existing table"

# ---- a migrations folder made by `flask db init` (no [athanor] section) ----
mkdir -p fdi
cp proj/app/models.py fdi/models.py
cat >fdi/app.py <<'EOF'
from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
db = SQLAlchemy(app)
migrate = Migrate(app, db)
EOF
if ! (cd fdi && /usr/bin/python3 -m flask --app app db init >/dev/null 2>&1); then
    fail "flask db init did not run (python3-flask-migrate missing?)"
fi
if [ -f fdi/migrations/alembic.ini ] && grep -q '^\[formatter_generic\]' fdi/migrations/alembic.ini &&
    ! grep -q athanor fdi/migrations/alembic.ini; then pass; else
    fail "flask db init did not write the usual alembic.ini"
fi
(cd fdi && "$ATHANOR" create-all --url sqlite:///fdi.db >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 0 "a flask db init folder"
expect_out "created 2 tables" "a flask db init folder"
expect_err_contains "athanor: using models from models.py" "a flask db init folder: discovery"

# ---- PostgreSQL ----
if pg_required; then
    base=${ATHANOR_TEST_PG_URL%/*}
    PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 "$ATHANOR_TEST_PG_URL" \
        -c 'DROP DATABASE IF EXISTS cli_create_all WITH (FORCE)' \
        -c 'CREATE DATABASE cli_create_all' >/dev/null || fail "cannot create the test database"
    url=$base/cli_create_all
    mkdir -p pg
    cat >pg/models.py <<'EOF'
import enum

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Mood(enum.Enum):
    happy = 1
    sad = 2


class Runner(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False, unique=True)


class Run(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    distance = db.Column(db.Float, nullable=False)
    mood = db.Column(db.Enum(Mood))
    runner_id = db.Column(db.Integer, db.ForeignKey('runner.id'), index=True)
EOF
    run create-all --models broken/models.py --url "$url"
    expect_status 1 "PostgreSQL: model error"
    expect_equal "$(psql -tA "$url" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" \
        "0" "PostgreSQL: a model error creates nothing"
    run create-all --models pg/models.py --url "$url"
    expect_status 0 "PostgreSQL: create-all"
    expect_out "created 2 tables" "PostgreSQL: create-all"
    expect_equal "$(psql -tA "$url" -c "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder)
        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood'")" \
        "happy,sad" "PostgreSQL: the enum type is created"
    run create-all --models pg/models.py --url "$url"
    expect_out "nothing to create" "PostgreSQL: second run"
    psql -q "$url" -c 'DROP TABLE run' >/dev/null
    run create-all --models pg/models.py --url "$url"
    expect_status 0 "PostgreSQL: the enum type exists, its table does not"
    expect_out "created 1 table" "PostgreSQL: the enum type exists, its table does not"
    psql -q "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE cli_create_all WITH (FORCE)' >/dev/null
fi

finish
