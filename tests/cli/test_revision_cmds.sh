# athanor stamp / show / branches / merge and the -v listings, against real
# Flask-Migrate on one history with a branch, a branch label and a merge:
# the same text on stdout, the same rows in alembic_version, the same log
# lines. Skipped when Debian's python3 lacks Flask-Migrate.
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
cat >app.py <<PY
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_migrate import Migrate
app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///$APP/flask.db'
db = SQLAlchemy(app)
migrate = Migrate(app, db)
class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
PY

# Flask-Migrate's own command functions (those `flask db X` calls), many in one
# Python process to keep the test fast: each line of the batch file is
# "name<TAB>function<TAB>JSON keyword arguments"; stdout, stderr and the exit
# status go to $SCRATCH/py/name.{out,err,status}. "rows" prints alembic_version.
mkdir -p "$SCRATCH/py"
cat >"$SCRATCH/driver.py" <<'PY'
import json, os, sqlite3, sys
sys.path.insert(0, os.getcwd())
from app import app
import flask_migrate
out = sys.argv[2]
with app.app_context():
    for line in open(sys.argv[1]):
        name, fn, kw = line.rstrip('\n').split('\t')
        status = 0
        sys.stdout.flush(); sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        fo = os.open(os.path.join(out, name + '.out'), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        fe = os.open(os.path.join(out, name + '.err'), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fo, 1); os.dup2(fe, 2)
        try:
            if fn == 'rows':
                con = sqlite3.connect(json.loads(kw)['db'])
                print(' '.join(sorted(r[0] for r in con.execute('SELECT version_num FROM alembic_version'))))
                con.close()
            else:
                getattr(flask_migrate, fn)(**json.loads(kw))
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 1
        except Exception as e:
            print('%s: %s' % (type(e).__name__, e), file=sys.stderr)
            status = 99
        sys.stdout.flush(); sys.stderr.flush()
        os.dup2(saved[0], 1); os.dup2(saved[1], 2)
        for fd in (fo, fe) + saved:
            os.close(fd)
        with open(os.path.join(out, name + '.status'), 'w') as f:
            f.write('%d\n' % status)
PY
BATCH=$SCRATCH/batch
batch() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-{\}}" >>"$BATCH"; }
run_batch() {
    "$PY" "$SCRATCH/driver.py" "$BATCH" "$SCRATCH/py" 2>"$SCRATCH/driver.err" || fail "driver: $(cat "$SCRATCH/driver.err")"
    rm -f "$BATCH"
}
py_ok() {
    if [ "$(cat "$SCRATCH/py/$1.status" 2>/dev/null)" = 0 ]; then pass; else
        fail "Flask-Migrate's $1: $(cat "$SCRATCH/py/$1.err" 2>/dev/null)"; fi
}
rev_of() { grep -l "$1" migrations/versions/*.py | xargs basename | cut -d_ -f1; }

# R1 (users) branches into R2 (label feat) and R3 (two paragraphs of docstring).
batch init init
batch migrate migrate '{"message": "users table"}'
run_batch
py_ok init
py_ok migrate
R1=$(rev_of "users table")
batch rev_a revision '{"message": "branch a", "head": "'"$R1"'", "branch_label": "feat"}'
batch rev_b revision '{"message": "branch b\n\nsecond paragraph", "head": "'"$R1"'", "splice": true}'
run_batch
py_ok rev_a
py_ok rev_b
R2=$(rev_of "branch a")
R3=$(rev_of "branch b")
URL=sqlite:///$APP/ath.db

rows_sqlite() { sqlite3 "$1" "SELECT version_num FROM alembic_version ORDER BY version_num" 2>&1 | paste -sd' '; }
stamp_lines() { grep -o 'Running stamp_revision.*' "$1" | LC_ALL=C sort; }

# ---- stamp: the rows and the log lines Flask-Migrate's stamp leaves ----
steps=("$R2" "$R3" "$R1" heads "feat@base" "${R2:0:4}" "$R3" base "feat@head" "$R1" "$R2")
for i in "${!steps[@]}"; do
    batch "stamp$i" stamp '{"revision": "'"${steps[$i]}"'"}'
    batch "rows$i" rows '{"db": "flask.db"}'
done
batch stamp_zzz stamp '{"revision": "zzz"}'
run_batch
for i in "${!steps[@]}"; do
    target=${steps[$i]}
    py_ok "stamp$i"
    run stamp "$target" --url "$URL"
    expect_status 0 "athanor stamp $target"
    want=$(cat "$SCRATCH/py/rows$i.out")
    got=$(rows_sqlite ath.db)
    if [ "$want" = "$got" ]; then pass; else fail "stamp $target: flask left '$want', athanor '$got'"; fi
    if [ "$(stamp_lines "$SCRATCH/py/stamp$i.err")" = "$(stamp_lines "$SCRATCH/err")" ]; then pass; else
        fail "stamp $target log: flask '$(stamp_lines "$SCRATCH/py/stamp$i.err")' athanor '$(stamp_lines "$SCRATCH/err")'"
    fi
done
expect_err_contains "INFO  [alembic.runtime.migration] Running stamp_revision $R1 -> $R2" "stamp log line"

# alembic_version is created with Alembic's DDL when missing, byte for byte.
run stamp "$R1" --url "sqlite:///$APP/fresh.db"
expect_status 0 "stamp on an empty database"
expect_err_contains "INFO  [alembic.runtime.migration] Running stamp_revision  -> $R1" "first stamp log line"
ddl=$(sqlite3 fresh.db "SELECT sql FROM sqlite_master WHERE name = 'alembic_version'")
# SQLAlchemy's CreateTable text, as Alembic leaves it in sqlite_master.
want=$(printf 'CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)')
if [ "$ddl" = "$want" ]; then
    pass; else fail "alembic_version DDL: $ddl"; fi

# --purge empties the table first, whatever it held.
sqlite3 ath.db "INSERT INTO alembic_version VALUES ('$R3')"
run stamp "$R1" --purge --url "$URL"
expect_status 0 "stamp --purge"
if [ "$(rows_sqlite ath.db)" = "$R1" ]; then pass; else fail "after --purge: $(rows_sqlite ath.db)"; fi

# Bad input: Alembic's words, exit 1, alembic_version untouched.
sqlite3 ath.db "INSERT INTO alembic_version VALUES ('$R2')"
before=$(rows_sqlite ath.db)
run stamp zzz --url "$URL"
expect_status 1 "stamp zzz"
expect_err_contains "Can't locate revision identified by 'zzz'" "stamp zzz message"
if grep -qF "Can't locate revision identified by 'zzz'" "$SCRATCH/py/stamp_zzz.err"; then pass; else
    fail "Flask-Migrate's message differs: $(cat "$SCRATCH/py/stamp_zzz.err")"; fi
if [ "$(rows_sqlite ath.db)" = "$before" ]; then pass; else fail "stamp zzz changed rows: $(rows_sqlite ath.db)"; fi
run stamp head --url "$URL"
expect_status 1 "stamp head with two heads"
expect_err_contains "Multiple heads are present; please specify a single target revision" "stamp head message"
if [ "$(rows_sqlite ath.db)" = "$before" ]; then pass; else fail "stamp head changed rows"; fi
sqlite3 ath.db "INSERT INTO alembic_version VALUES ('0badbadbad00')"
run stamp "$R1" --url "$URL"
expect_status 1 "stamp over an unknown row"
expect_err_contains "Can't locate revision identified by '0badbadbad00'" "unknown row message"
sqlite3 ath.db "DELETE FROM alembic_version WHERE version_num = '0badbadbad00'"
run stamp "$R1" -d nowhere --url "$URL"
if [ "$status" -ne 0 ] && [ "$(rows_sqlite ath.db)" = "$before" ]; then pass; else fail "stamp -d nowhere: exit $status"; fi

# ---- PostgreSQL: the same stamps leave the rows Flask-Migrate left on SQLite ----
if pg_required; then
    PG=${ATHANOR_TEST_PG_URL%/*}/cli_revision_cmds
    PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE IF EXISTS cli_revision_cmds WITH (FORCE)' \
        -c 'CREATE DATABASE cli_revision_cmds' >/dev/null || fail "cannot create the PostgreSQL database"
    run stamp base --url "$PG"
    expect_status 0 "pg stamp base"
    cols=$(psql -tA "$PG" -c "SELECT string_agg(column_name || ' ' || data_type || ' ' || character_maximum_length || ' ' || is_nullable, ',')
        FROM information_schema.columns WHERE table_name = 'alembic_version'")
    pk=$(psql -tA "$PG" -c "SELECT conname FROM pg_constraint WHERE conrelid = 'alembic_version'::regclass AND contype = 'p'")
    if [ "$cols" = "version_num character varying 32 NO" ] && [ "$pk" = alembic_version_pkc ]; then pass; else
        fail "pg alembic_version: columns '$cols', primary key '$pk'"; fi
    for i in "${!steps[@]}"; do
        target=${steps[$i]}
        run stamp "$target" --url "$PG"
        expect_status 0 "pg stamp $target"
        run current --url "$PG"
        got=$(cut -d' ' -f1 "$SCRATCH/out" | LC_ALL=C sort | paste -sd' ')
        want=$(cat "$SCRATCH/py/rows$i.out")
        if [ "$want" = "$got" ]; then pass; else fail "pg stamp $target: flask left '$want', athanor '$got'"; fi
    done
    run stamp zzz --url "$PG"
    expect_status 1 "pg stamp zzz"
    run current --url "$PG"
    if [ "$(cut -d' ' -f1 "$SCRATCH/out")" = "$R2" ]; then pass; else fail "pg stamp zzz changed rows: $(cat "$SCRATCH/out")"; fi
    run stamp base --url "$PG"
    expect_status 0 "pg stamp base at the end"
    psql -q "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE cli_revision_cmds WITH (FORCE)' >/dev/null
fi

# ---- the listings, compared with Flask-Migrate's on stdout ----
# Alembic's output has no stable order in two places, so those are compared
# with their items sorted: the heads (Alembic lists them, and walks history
# from them, in os.listdir order, where Athanor takes file-name order), and
# a branch point's children (`branches`, "Branches into:"), a Python set.
normalize() {
    LC_ALL=C awk '
        function kids_out(   i, j, t) {
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (kid[j] < kid[i]) { t = kid[i]; kid[i] = kid[j]; kid[j] = t }
            for (i = 1; i <= k; i++) rec = rec kid[i] "\n"; k = 0 }
        function flush() { kids_out(); if (rec != "") recs[++n] = rec; rec = "" }
        /^ +-> / { kid[++k] = $0; next }
        { kids_out() }
        /^Rev: / { flush() }
        /^Branches into: / { m = split(substr($0, 16), a, ", ");
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            $0 = "Branches into: "; for (i = 1; i <= m; i++) $0 = $0 (i > 1 ? ", " : "") a[i] }
        { if (verbose) rec = rec $0 "\n"; else { rec = $0 "\n"; flush() } }
        END { flush(); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (recs[j] < recs[i]) { t = recs[i]; recs[i] = recs[j]; recs[j] = t }
              for (i = 1; i <= n; i++) printf "%s", recs[i] }' verbose="$2" "$1"
}
listings=("show|{\"revision\": \"$R1\"}|show $R1" "show|{\"revision\": \"$R3\"}|show $R3"
    "show|{\"revision\": \"heads\"}|show heads" "show|{\"revision\": \"${R2:0:5}\"}|show ${R2:0:5}"
    "branches|{}|branches" "branches|{\"verbose\": true}|branches -v" "history|{}|history"
    "history|{\"verbose\": true}|history -v" "heads|{}|heads" "heads|{\"verbose\": true}|heads -v")
compare_listings() {
    local i fn kw args verbose
    for i in "${!listings[@]}"; do
        IFS='|' read -r fn kw args <<<"${listings[$i]}"
        batch "list$i" "$fn" "$kw"
    done
    run_batch
    for i in "${!listings[@]}"; do
        IFS='|' read -r fn kw args <<<"${listings[$i]}"
        py_ok "list$i"
        # shellcheck disable=SC2086
        run $args
        expect_status 0 "athanor $args"
        verbose=
        case $args in show* | *-v) verbose=1 ;; esac
        if [ -s "$SCRATCH/out" ] && [ "$(normalize "$SCRATCH/py/list$i.out" "$verbose")" = "$(normalize "$SCRATCH/out" "$verbose")" ]; then
            pass; else fail "$args ($1) differs:$(diff "$SCRATCH/py/list$i.out" "$SCRATCH/out")"; fi
    done
}
compare_listings "branched"

# current -v on one row, then on two (Alembic lists them from a set: sorted here).
batch stamp_base stamp '{"revision": "base"}'
batch stamp_r3 stamp '{"revision": "'"$R3"'"}'
batch current_v current '{"verbose": true}'
batch stamp_r2 stamp '{"revision": "'"$R2"'"}'
batch current_v2 current '{"verbose": true}'
run_batch
py_ok current_v
py_ok current_v2
cp flask.db two.db
sqlite3 two.db "DELETE FROM alembic_version; INSERT INTO alembic_version VALUES ('$R3')"
run current -v --url "sqlite:///$APP/two.db"
expect_status 0 "current -v"
sed -i "s|two.db|flask.db|" "$SCRATCH/out"
if [ "$(cat "$SCRATCH/py/current_v.out")" = "$(cat "$SCRATCH/out")" ]; then pass; else
    fail "current -v differs:$(diff "$SCRATCH/py/current_v.out" "$SCRATCH/out")"; fi
run current -v --url "sqlite:///$APP/flask.db"
expect_status 0 "current -v on two rows"
if [ "$(normalize "$SCRATCH/py/current_v2.out" 1)" = "$(normalize "$SCRATCH/out" 1)" ] &&
    [ "$(grep -c '^Rev: ' "$SCRATCH/out")" = 2 ]; then pass; else
    fail "current -v on two rows differs:$(diff "$SCRATCH/py/current_v2.out" "$SCRATCH/out")"; fi

batch show_current show '{"revision": "current"}'
run_batch
py_ok show_current
run show current --url "sqlite:///$APP/flask.db"
expect_status 0 "show current"
if [ "$(normalize "$SCRATCH/py/show_current.out" 1)" = "$(normalize "$SCRATCH/out" 1)" ] &&
    [ "$(grep -c '^Rev: ' "$SCRATCH/out")" = 2 ]; then pass; else
    fail "show current differs:$(diff "$SCRATCH/py/show_current.out" "$SCRATCH/out")"; fi

run show zzz
expect_status 1 "show zzz"
expect_err_contains "Can't locate revision identified by 'zzz'" "show zzz message"
run branches -d nowhere
if [ "$status" -ne 0 ]; then pass; else fail "branches -d nowhere succeeded"; fi

# ---- merge: the file Flask-Migrate's merge writes, then run by Flask-Migrate ----
cp -r migrations "$SCRATCH/flask-migrations"
cp -r migrations "$SCRATCH/flask-labelled"
cp -r migrations "$SCRATCH/ath-labelled"
batch merge merge '{"directory": "'"$SCRATCH/flask-migrations"'", "message": "merge the branches", "rev_id": "0123456789ab", "revisions": "heads"}'
batch merge_label merge '{"directory": "'"$SCRATCH/flask-labelled"'", "rev_id": "fedcba987654", "branch_label": "joined", "revisions": ["'"$R2"'", "'"$R3"'"]}'
run_batch
py_ok merge
py_ok merge_label
run merge -d "$SCRATCH/ath-labelled" --branch-label feat "$R2" "$R3"
expect_status 1 "merge with a used branch label"
expect_err_contains "Branch name 'feat' in revision" "used label message"
# No message ("empty message", file <rev>_.py), a branch label, the heads named.
run merge -d "$SCRATCH/ath-labelled" --rev-id fedcba987654 --branch-label joined "$R2" "$R3"
expect_status 0 "athanor merge --branch-label"
L=fedcba987654_.py
if [ "$(grep -v '^Create Date' "$SCRATCH/ath-labelled/versions/$L")" = "$(grep -v '^Create Date' "$SCRATCH/flask-labelled/versions/$L")" ]; then
    pass; else fail "labelled merge differs: $(diff "$SCRATCH/ath-labelled/versions/$L" "$SCRATCH/flask-labelled/versions/$L")"; fi
# A file already there (here a folder) is never replaced.
mkdir migrations/versions/0123456789ab_merge_the_branches.py
run merge -m "merge the branches" --rev-id 0123456789ab
expect_status 1 "merge onto an existing file"
expect_err_contains "File exists" "merge onto an existing file message"
rmdir migrations/versions/0123456789ab_merge_the_branches.py
run merge -m "merge the branches" --rev-id 0123456789ab
expect_status 0 "athanor merge"
M=$APP/migrations/versions/0123456789ab_merge_the_branches.py
if [ "$(cat "$SCRATCH/out")" = "Generating $M ...  done" ]; then pass; else fail "merge says: $(cat "$SCRATCH/out")"; fi
# The same text but the create date; the order of the merged heads is
# Alembic's os.listdir order (see above), so both ids are masked.
mask() { grep -v '^Create Date' "$1" | sed "s/$R2/HEAD/g; s/$R3/HEAD/g"; }
if [ "$(mask "$M")" = "$(mask "$SCRATCH"/flask-migrations/versions/0123456789ab_*.py)" ]; then
    pass; else fail "merge file differs from flask's: $(diff "$M" "$SCRATCH"/flask-migrations/versions/0123456789ab_*.py)"; fi
first=$(printf '%s\n' "$R2" "$R3" | LC_ALL=C sort | head -1)
second=$(printf '%s\n' "$R2" "$R3" | LC_ALL=C sort | tail -1)
if grep -q "^down_revision = ('$first', '$second')\$" "$M"; then pass; else
    fail "merge down_revision (heads in file-name order): $(grep down_revision "$M")"; fi

rm -f flask.db
batch upgrade upgrade
batch current current
run_batch
py_ok upgrade
if [ "$(cat "$SCRATCH/py/current.out")" = "0123456789ab (head) (mergepoint)" ]; then pass; else
    fail "flask db current after the merge: $(cat "$SCRATCH/py/current.out")"; fi
compare_listings "merged"

# depends_on as the script writes it: Alembic keeps a branch label as a label,
# and show / history -v print it so ("Also depends on: feat"), not resolved.
# (Flask-Migrate's revision() has no depends_on: written by hand, as people do.)
batch rev_dep revision '{"message": "needs feat"}'
run_batch
py_ok rev_dep
R5=$(rev_of "needs feat")
sed -i "s/^depends_on = None\$/depends_on = 'feat'/" migrations/versions/"${R5}"_*.py
if grep -q "^depends_on = 'feat'\$" migrations/versions/"${R5}"_*.py; then pass; else
    fail "depends_on not written: $(grep depends_on migrations/versions/"${R5}"_*.py)"; fi
listings+=("show|{\"revision\": \"$R5\"}|show $R5")
compare_listings "depends_on"
run show "$R5"
if grep -qx "Also depends on: feat" "$SCRATCH/out"; then pass; else
    fail "show $R5 does not print depends_on as written: $(cat "$SCRATCH/out")"; fi

# Nothing left to merge; an existing id; a bad id; a missing folder: refused, no file written.
ls migrations/versions >"$SCRATCH/files-before"
run merge -m again
expect_status 1 "merge with one head"
expect_err_contains "nothing to merge: the history has one head; a merge needs two or more heads" "merge with one head message"
run merge heads "$R2" --rev-id abc
expect_status 1 "merge of a non-head"
expect_err_contains "Revision $R2 is not a head revision" "merge of a non-head message"
run merge --rev-id "bad-id"
expect_status 1 "merge with a bad id"
expect_err_contains "Character(s) '-' not allowed in revision identifier 'bad-id'" "bad id message"
run merge -d nowhere
if [ "$status" -ne 0 ] && [ ! -e nowhere ]; then pass; else fail "merge -d nowhere: exit $status"; fi
ls migrations/versions >"$SCRATCH/files-after"
if cmp -s "$SCRATCH/files-before" "$SCRATCH/files-after"; then pass; else fail "a refused merge wrote a file"; fi

finish
