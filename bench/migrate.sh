#!/usr/bin/env bash
# Benchmark of `athanor migrate` when nothing changed, side by side with
# `flask db migrate` (Debian's Flask-Migrate 4 / Alembic) on the same models
# and the same database.
#
# For each dialect: BENCH_CLASSES model classes (bench/gen_models.sh: ~10
# columns each, foreign keys in chains of BENCH_CHAIN tables, indexes, unique
# constraints), a Flask app that imports them, a migrations folder from
# `flask db init`, a first revision creating every table written by
# `athanor migrate`, and the database brought to head by `flask db upgrade`
# (Alembic runs that script, so the tables are Alembic's). Both tools are then
# checked to find no change and write no script, and timed:
#   athanor   athanor migrate -m nochange -d migrations --models models --url URL
#   flask     python3 -m flask db migrate -m nochange   (FLASK_APP=app.py)
# with hyperfine (no intermediate shell; 1 warm-up run for athanor, none for
# flask), median reported, and the peak RSS of the process with GNU time
# (%M), median of BENCH_RSS_RUNS runs. SQLite is a file; PostgreSQL a
# throwaway server on 127.0.0.1 (tests/pg/start.sh, stopped on exit) unless
# BENCH_PG_URL names one.
#
# Usage: bench/migrate.sh
# Environment:
#   BENCH_CLASSES     model classes, one table each (default 1000)
#   BENCH_FILES       files they are spread over (default 10)
#   BENCH_CHAIN       foreign-key chain length (default 10; see gen_models.sh:
#                     Alembic fails on long chains)
#   BENCH_RUNS        hyperfine runs of athanor (default 20)
#   BENCH_FLASK_RUNS  hyperfine runs of flask (default 5)
#   BENCH_RSS_RUNS    runs for the median peak RSS (default 3)
#   BENCH_DIALECTS    "sqlite postgresql" (default), or one of them
#   BENCH_PG_URL      a PostgreSQL server URL whose user may create databases
#                     (default: a throwaway server)
#   BENCH_OUT         folder kept for the exports and the result table
#                     (default: a temporary folder, removed)
#   ATHANOR_BIN       the binary (default build/athanor, built if missing)
#   BENCH_PYTHON      a Python with Flask-Migrate (default /usr/bin/python3)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

classes=${BENCH_CLASSES:-1000}
files=${BENCH_FILES:-10}
chain=${BENCH_CHAIN:-10}
runs=${BENCH_RUNS:-20}
flask_runs=${BENCH_FLASK_RUNS:-5}
rss_runs=${BENCH_RSS_RUNS:-3}
dialects=${BENCH_DIALECTS:-sqlite postgresql}
athanor=${ATHANOR_BIN:-$root/build/athanor}
python=${BENCH_PYTHON:-/usr/bin/python3}

bench_require hyperfine jq sqlite3 awk time
"$python" -c 'import flask_migrate, flask_sqlalchemy' 2>/dev/null ||
    die "$python lacks Flask-Migrate (apt-get install python3-flask-migrate)"

bench_athanor

work=$(mktemp -d "${TMPDIR:-/tmp}/athanor-bench-migrate.XXXXXX")
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
: >"$out/results.tsv"

# The Flask app: the generated models, imported when the app is, as a Flask
# project does; the URL from the environment.
write_app() {
    cat >"$1/app.py" <<'EOF'
import glob
import importlib
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "models"))

from flask import Flask
from flask_migrate import Migrate

from base import db

for path in sorted(glob.glob(os.path.join(here, "models", "models_*.py"))):
    importlib.import_module(os.path.basename(path)[:-3])

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)
Migrate(app, db)
EOF
}

scripts() { find migrations/versions -name '*.py' | wc -l; }

# bench_dialect NAME URL: sets up the app for URL in $work/NAME and times both tools.
bench_dialect() {
    local name=$1 url=$2 app=$work/$1
    mkdir -p "$app"
    bash "$root/bench/gen_models.sh" "$app/models" "$classes" "$files" "$chain"
    write_app "$app"
    cd "$app"
    export DATABASE_URL=$url FLASK_APP=app.py
    log "$name: flask db init, athanor migrate (first revision), flask db upgrade"
    "$python" -m flask db init >"$work/init.log" 2>&1 || die "flask db init failed: $(tail -n 3 "$work/init.log")"
    "$athanor" migrate -m initial --rev-id 000000000001 --models models >"$work/first.log" 2>&1 ||
        die "athanor migrate (first revision) failed: $(tail -n 3 "$work/first.log")"
    "$python" -m flask db upgrade >"$work/upgrade.log" 2>&1 ||
        die "flask db upgrade failed: $(tail -n 3 "$work/upgrade.log")"
    # Both must find nothing to do: no script written.
    local n
    n=$(scripts)
    "$athanor" migrate -m nochange --models models >"$work/check.log" 2>&1 ||
        die "$name: athanor migrate failed: $(tail -n 3 "$work/check.log")"
    if ! grep -q 'No changes in schema detected' "$work/check.log" || [[ $(scripts) != "$n" ]]; then
        die "$name: athanor migrate found changes: $(grep -m 5 Detected "$work/check.log")"
    fi
    "$python" -m flask db migrate -m nochange >"$work/check.log" 2>&1 ||
        die "$name: flask db migrate failed: $(tail -n 3 "$work/check.log")"
    if ! grep -q 'No changes in schema detected' "$work/check.log" || [[ $(scripts) != "$n" ]]; then
        die "$name: flask db migrate found changes: $(grep -m 5 -e Detected -e Error "$work/check.log")"
    fi

    bench_group=$name
    time_one athanor "$runs" "$athanor" migrate -m nochange -d migrations --models models --url "$url"
    bench_warmup=0 time_one flask "$flask_runs" "$python" -m flask db migrate -m nochange
    [[ $(scripts) == "$n" ]] || die "$name: a script was written during the runs"
    cd "$root"
}

for dialect in $dialects; do
    case $dialect in
    sqlite)
        bench_dialect sqlite "sqlite:///$work/sqlite/bench.db"
        ;;
    postgresql)
        if ! pg_server; then
            log "no PostgreSQL server: postgresql skipped"
            continue
        fi
        db_url=$(pg_fresh_db athanor_bench_migrate) || die "cannot create the database"
        bench_dialect postgresql "$db_url"
        ;;
    *)
        die "unknown dialect '$dialect' in BENCH_DIALECTS"
        ;;
    esac
done

{
    machine_line
    echo "# $(python_versions)"
    echo "# migrate with no change: $classes models x ~10 columns; wall ms (hyperfine median),"
    echo "# CPU ms of the process (user + system, mean), peak RSS MB (median of $rss_runs)"
    print_results
    for dialect in $dialects; do
        r=$(ratio "$dialect" flask athanor)
        [[ $r == NA ]] || echo "# $dialect: flask db migrate / athanor migrate = ${r}x (goal: >= 20x)"
    done
} | tee "$out/results.txt"

if [[ -n ${BENCH_OUT:-} ]]; then
    log "exports and results kept in $out"
fi
