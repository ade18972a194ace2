# athanor init, migrate and revision: the files they write, the database
# they read (never change), and every refusal: exit status, message, and no
# file written.
. "$(dirname "$0")/lib.sh"

P=$SCRATCH/proj
mkdir -p "$P"
cd "$P" || exit 1
unset DATABASE_URL SQLALCHEMY_DATABASE_URI
DB=$P/app.db
URL=sqlite:///$DB

# models VERSION: writes models.py for one step of the project.
models() {
    cat >models.py <<'PY'
from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), index=True, unique=True)
PY
    case $1 in
    v2) echo "    email = db.Column(db.String(120))" >>models.py ;;
    v3) echo "    mail = db.Column(db.String(120))" >>models.py ;;
    esac
}

scripts() { ls migrations/versions/*.py 2>/dev/null | wc -l; }

# ---- init ----
run init
expect_status 0 "init"
for f in alembic.ini env.py script.py.mako README; do
    if [ -s "migrations/$f" ]; then pass; else fail "init: migrations/$f missing"; fi
done
if [ -d migrations/versions ]; then pass; else fail "init: no versions/"; fi
if grep -qF "Generating $P/migrations/env.py ...  done" "$SCRATCH/out"; then pass; else
    fail "init: Alembic's 'Generating ... done' line missing: $(cat "$SCRATCH/out")"
fi
if grep -q '^\[athanor\]' migrations/alembic.ini; then pass; else fail "init: no [athanor] section"; fi
if [ -x /usr/bin/python3 ]; then
    if /usr/bin/python3 - migrations/alembic.ini <<'PY'; then pass; else fail "init: alembic.ini is not configparser-readable"; fi
import configparser, sys
c = configparser.ConfigParser()
c.read(sys.argv[1])
assert c.has_section('athanor') and c.has_section('alembic')
PY
    if /usr/bin/python3 -c 'import ast,sys; ast.parse(open(sys.argv[1]).read())' migrations/env.py; then
        pass
    else fail "init: env.py is not Python"; fi
fi
cp migrations/alembic.ini "$SCRATCH/ini.before"
run init
expect_status 1 "init twice"
expect_err_contains "already exists and is not empty" "init twice"
if cmp -s migrations/alembic.ini "$SCRATCH/ini.before"; then pass; else fail "init twice changed alembic.ini"; fi
mkdir empty
run init -d empty
expect_status 0 "init into an empty folder"
run init -d missing/parent/m
expect_status 1 "init under a missing folder"
if [ ! -e missing ]; then pass; else fail "init under a missing folder left something"; fi

# ---- migrate: a first script on a database that does not exist yet ----
models v1
run migrate -m "users table" --url "$URL"
expect_status 0 "first migrate"
[ "$(scripts)" -eq 1 ] && pass || fail "first migrate: expected one script, have $(scripts)"
if [ ! -e "$DB" ]; then pass; else fail "migrate created the SQLite file"; fi
first=$(ls migrations/versions/*.py)
case $first in
*_users_table.py) pass ;;
*) fail "file name $first" ;;
esac
grep -q "^down_revision = None$" "$first" && pass || fail "first script: down_revision"
grep -q "op.create_table('user'" "$first" && pass || fail "first script: no create_table"
grep -q "batch_op.create_index(batch_op.f('ix_user_username'), \['username'\], unique=True)" "$first" &&
    pass || fail "first script: no index in batch mode: $(cat "$first")"
expect_err_contains "Detected create_table 'user'" "first migrate"

run upgrade --url "$URL"
expect_status 0 "upgrade to the first script"
run migrate -m "nothing" --url "$URL"
expect_status 0 "migrate without changes"
expect_err_contains "No changes in schema detected." "migrate without changes"
[ "$(scripts)" -eq 1 ] && pass || fail "migrate without changes wrote a file"

# ---- URL order: --url, DATABASE_URL, SQLALCHEMY_DATABASE_URI, [athanor] url ----
run migrate -m x
expect_status 2 "migrate without a URL"
expect_err_contains "no database" "migrate without a URL"
DATABASE_URL=$URL run migrate -m x
expect_err_contains "No changes in schema detected." "DATABASE_URL"
SQLALCHEMY_DATABASE_URI=$URL run migrate -m x
expect_err_contains "No changes in schema detected." "SQLALCHEMY_DATABASE_URI"
DATABASE_URL=sqlite:///$P/other.db run migrate -m x --url "$URL"
expect_err_contains "No changes in schema detected." "--url before DATABASE_URL"
DATABASE_URL=$URL SQLALCHEMY_DATABASE_URI=postgresql://nobody@127.0.0.1:1/x run migrate -m x
expect_err_contains "No changes in schema detected." "DATABASE_URL before SQLALCHEMY_DATABASE_URI"
cp migrations/alembic.ini "$SCRATCH/ini.saved"
sed -i "s|^# url = .*|url = $URL|" migrations/alembic.ini
run migrate -m x
expect_err_contains "No changes in schema detected." "[athanor] url"
cp "$SCRATCH/ini.saved" migrations/alembic.ini
[ ! -e "$P/other.db" ] && pass || fail "an unused URL's SQLite file was created"

# ---- a change, destructive changes, renames ----
models v2
run migrate -m "add email" --url "$URL"
expect_status 0 "migrate add column"
second=$(ls -t migrations/versions/*.py | head -1)
grep -q "batch_op.add_column(sa.Column('email', sa.String(length=120), nullable=True))" "$second" &&
    pass || fail "add column script: $(cat "$second")"
grep -q "batch_op.drop_column('email')" "$second" && pass || fail "add column downgrade"
rev1=$(basename "$first" | cut -d_ -f1)
grep -q "^down_revision = '$rev1'$" "$second" && pass || fail "second script's down_revision"
grep -q "^Revises: $rev1$" "$second" && pass || fail "second script's Revises line"
run upgrade --url "$URL"
expect_status 0 "upgrade add column"
sqlite3 "$DB" "INSERT INTO user (username, email) VALUES ('ada', 'ada@example.com')"

models v3
run migrate -m "rename email" --url "$URL" --rev-id aaaa00000001
expect_status 0 "migrate with a likely rename"
expect_err_contains "user.email" "likely rename note"
expect_err_contains "--rename user.email=mail" "likely rename hint"
expect_err_contains "warning" "dropped column listed as destructive"
grep -q "drop_column('email')" migrations/versions/aaaa00000001_rename_email.py && pass ||
    fail "without --rename: drop + add"
rm migrations/versions/aaaa00000001_rename_email.py
run migrate -m "rename email" --url "$URL" --rename user.email=mail --rev-id aaaa00000002
expect_status 0 "migrate --rename"
renamed=migrations/versions/aaaa00000002_rename_email.py
grep -q "new_column_name='mail'" "$renamed" && pass || fail "--rename: $(cat "$renamed")"
if grep -q "drop_column" "$renamed"; then fail "--rename still drops: $(cat "$renamed")"; else pass; fi
run upgrade --url "$URL"
expect_status 0 "upgrade the rename"
[ "$(sqlite3 "$DB" "SELECT mail FROM user WHERE username = 'ada'")" = ada@example.com ] && pass ||
    fail "the rename lost the data"
# Flask-Migrate on the folder athanor init made: its env.py works, and
# athanor_history is not a table for Alembic to drop.
if /usr/bin/python3 -c 'import flask_migrate' 2>/dev/null; then
    cat >app.py <<PY
from flask import Flask
from flask_migrate import Migrate
from models import db
app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = '$URL'
db.init_app(app)
Migrate(app, db)
PY
    n=$(scripts)
    FLASK_APP=app.py /usr/bin/python3 -m flask db migrate -m "flask sees" >"$SCRATCH/flask.out" 2>&1
    if grep -q "No changes in schema detected." "$SCRATCH/flask.out" && [ "$(scripts)" -eq "$n" ]; then
        pass
    else
        fail "flask db migrate on an athanor-made folder: $(cat "$SCRATCH/flask.out")"
        rm -f migrations/versions/*_flask_sees.py
    fi
    FLASK_APP=app.py /usr/bin/python3 -m flask db current >"$SCRATCH/flask.out" 2>&1
    grep -q "^aaaa00000002 (head)$" "$SCRATCH/flask.out" && pass ||
        fail "flask db current on an athanor-made folder: $(cat "$SCRATCH/flask.out")"
fi

# check: 0 at head with nothing to migrate, 3 for model changes, nothing written.
n=$(scripts)
run check --url "$URL"
expect_status 0 "check at head"
grep -q "^No new upgrade operations detected.$" "$SCRATCH/out" && pass || fail "check at head: $(cat "$SCRATCH/out")"
cp models.py "$SCRATCH/models.v3"
echo "    age = db.Column(db.Integer)" >>models.py
run check --url "$URL"
expect_status 3 "check with a model change"
expect_err_contains "New upgrade operations detected (1)" "check with a model change"
expect_err_contains "Detected add_column 'user.age'" "check lists the change"
cp "$SCRATCH/models.v3" models.py
[ "$(scripts)" -eq "$n" ] && pass || fail "check wrote a script"

run migrate -m x --url "$URL" --rename user.nope=other
expect_status 1 "--rename of a missing column"
run migrate -m x --url "$URL" --rename nodot
expect_status 2 "malformed --rename"

# ---- revision: empty scripts, ids, heads, labels ----
head_before=$(scripts)
run revision -m "by hand" --rev-id bbbb00000001 --branch-label feature --depends-on "$rev1"
expect_status 0 "revision"
hand=migrations/versions/bbbb00000001_by_hand.py
grep -q "^branch_labels = ('feature',)$" "$hand" && pass || fail "branch_labels: $(cat "$hand")"
grep -q "^depends_on = '$rev1'$" "$hand" && pass || fail "depends_on: $(cat "$hand")"
grep -q "^down_revision = 'aaaa00000002'$" "$hand" && pass || fail "revision's parent"
if grep -q "auto generated" "$hand"; then fail "an empty revision has autogenerate markers"; else pass; fi
[ "$(grep -c '^    pass$' "$hand")" -eq 2 ] && pass || fail "empty bodies: $(cat "$hand")"

run migrate -m "behind" --url "$URL"
expect_status 1 "migrate on a database behind the head"
expect_err_contains "Target database is not up to date." "migrate behind"
[ "$(scripts)" -eq $((head_before + 1)) ] && pass || fail "migrate behind wrote a file"

run check --url "$URL"
expect_status 3 "check on a database behind the head"
expect_err_contains "Target database is not up to date" "check behind"

run revision -m dup --rev-id bbbb00000001
expect_status 1 "a revision id twice"
run revision -m bad --rev-id "a-b"
expect_status 2 "a revision id with '-'"
run revision -m again --branch-label feature
expect_status 1 "a branch label twice"
expect_err_contains "feature" "a branch label twice"
run revision -m side --head "$rev1"
expect_status 1 "--head on a non-head without --splice"
expect_err_contains "not a head revision" "--head without --splice"
run revision -m side --head "$rev1" --splice --rev-id cccc00000001
expect_status 0 "--splice"
grep -q "^down_revision = '$rev1'$" migrations/versions/cccc00000001_side.py && pass ||
    fail "--splice parent"
run revision -m "two heads"
expect_status 1 "revision with two heads"
expect_err_contains "Multiple heads are present" "revision with two heads"
run revision -m "on one head" --head cccc00000001 --rev-id cccc00000002
expect_status 0 "--head on one of two heads"
[ "$(scripts)" -eq $((head_before + 3)) ] && pass || fail "scripts after the revisions"

# ---- edit: the script of a revision in $EDITOR ----
EDITOR="head -n 1" run edit cccc00000002
expect_status 0 "edit a revision"
grep -q '^"""on one head$' "$SCRATCH/out" && pass || fail "edit opened $(cat "$SCRATCH/out")"
EDITOR="head -n 1" run edit --url "$URL"
expect_status 0 "edit current"
grep -q '^"""rename email$' "$SCRATCH/out" && pass || fail "edit current opened $(cat "$SCRATCH/out")"
EDITOR=false run edit cccc00000002
expect_status 1 "an editor that fails"
EDITOR=true run edit nope
expect_status 1 "edit an unknown revision"
expect_err_contains "Can't locate revision identified by 'nope'" "edit an unknown revision"

# ---- bad input: nothing written ----
n=$(scripts)
run migrate -m x -d nowhere --url "$URL"
expect_status 1 "missing migrations folder"
expect_err_contains "nowhere" "missing migrations folder"
mkdir -p noversions
run migrate -m x -d noversions --url "$URL"
expect_status 1 "folder without versions/"
mkdir -p fresh && (cd fresh && "$ATHANOR" init >/dev/null)
cp models.py fresh/
run migrate -m x -d fresh/migrations --url postgresql://nobody:secret@127.0.0.1:1/none --models fresh/models.py
expect_status 1 "unreachable database"
expect_err_lacks "secret" "unreachable database hides the password"
printf 'from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nclass A(db.Model):\n    id = db.Column(db.Integer, primary_key=True\n' >fresh/broken.py
run migrate -m x -d fresh/migrations --url "sqlite:///$P/fresh/new.db" --models fresh/broken.py
expect_status 1 "models with a syntax error"
expect_err_contains "broken.py:4:" "models error position"
[ ! -e fresh/new.db ] && pass || fail "a model error created the database"
[ -z "$(ls fresh/migrations/versions)" ] && pass || fail "bad input wrote a script"
[ "$(scripts)" -eq "$n" ] && pass || fail "bad input wrote a script in migrations/"

# ---- PostgreSQL: an enum column, created before its first use ----
if pg_required; then
    psql -q -v ON_ERROR_STOP=1 "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE IF EXISTS cli_migrate WITH (FORCE)' \
        -c 'CREATE DATABASE cli_migrate' >/dev/null 2>&1 || fail "pg: cannot create the test database"
    PG=${ATHANOR_TEST_PG_URL%/*}/cli_migrate
    mkdir -p "$SCRATCH/pg" && cd "$SCRATCH/pg" && "$ATHANOR" init >/dev/null
    cat >models.py <<'PY'
from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
class Run(db.Model):
    __tablename__ = 'cli_migrate_run'
    id = db.Column(db.Integer, primary_key=True)
PY
    run migrate -m base --url "$PG" --rev-id dddd00000001
    expect_status 0 "pg: first migrate"
    run upgrade --url "$PG"
    expect_status 0 "pg: first upgrade"
    echo "    mood = db.Column(db.Enum('sad', 'ok', 'happy', name='cli_mood'))" >>models.py
    run migrate -m mood --url "$PG" --rev-id dddd00000002
    expect_status 0 "pg: migrate enum column"
    s=migrations/versions/dddd00000002_mood.py
    create_line=$(grep -n "sa.Enum('sad', 'ok', 'happy', name='cli_mood').create(op.get_bind(), checkfirst=True)" "$s" | cut -d: -f1)
    add_line=$(grep -n "add_column(sa.Column('mood'" "$s" | cut -d: -f1)
    if [ -n "$create_line" ] && [ -n "$add_line" ] && [ "$create_line" -lt "$add_line" ]; then pass; else
        fail "pg: the enum type is not created before add_column: $(cat "$s")"
    fi
    grep -q "sa.Enum('sad', 'ok', 'happy', name='cli_mood').drop(op.get_bind(), checkfirst=True)" "$s" &&
        pass || fail "pg: the enum type is not dropped in downgrade"
    run upgrade --url "$PG"
    expect_status 0 "pg: upgrade enum column"
    sed -i "s/'happy', name='cli_mood'/'happy', 'great', name='cli_mood'/" models.py
    run migrate -m great --url "$PG" --rev-id dddd00000003
    expect_status 0 "pg: migrate enum value"
    grep -qF "sa.DDL(\"ALTER TYPE cli_mood ADD VALUE IF NOT EXISTS 'great' AFTER 'happy'\").execute_if(dialect='postgresql')(None, op.get_bind())" \
        migrations/versions/dddd00000003_great.py && pass ||
        fail "pg: enum value: $(cat migrations/versions/dddd00000003_great.py)"
    grep -A3 '^def downgrade' migrations/versions/dddd00000003_great.py | grep -q "auto generated" &&
        pass || fail "pg: an autogenerated empty downgrade lacks Alembic's markers"
    run upgrade --url "$PG"
    expect_status 0 "pg: upgrade enum value"
    run migrate -m x --url "$PG"
    expect_err_contains "No changes in schema detected." "pg: enum value applied"
    run downgrade base --url "$PG"
    expect_status 0 "pg: downgrade base"
    psql -q "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE cli_migrate WITH (FORCE)' >/dev/null 2>&1
fi

finish
