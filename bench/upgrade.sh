#!/usr/bin/env bash
# Benchmarks of `athanor upgrade`, in two parts, on SQLite and PostgreSQL.
#
# noop: a linear history of BENCH_REVISIONS scripts in Flask-Migrate's format
#   (bench/gen_history.sh: each creates a table or adds a column), in a
#   migrations folder from `flask db init`, the database already at head
#   (brought there by `athanor upgrade`). Timed side by side:
#     athanor   athanor upgrade -d migrations --url URL, its identifiers
#               cache warm (see settle below)
#     athanor-cold  the same with the cache removed before each run
#     flask     python3 -m flask db upgrade   (a Flask app with no models)
#   Both are checked to run nothing. On PostgreSQL a third row, pq-connect,
#   times bench/pq_connect.c: a libpq client that connects and disconnects,
#   nothing more - the floor under any client's run.
#
# apply: the first BENCH_APPLY revisions of the same kind of history applied
#   to an empty database, side by side with the same SQL run by the
#   database's own client. The SQL is what `athanor upgrade --sql` prints for
#   the dialect (the statements of every migration and the alembic_version
#   updates, as `flask db upgrade --sql` would print them):
#     athanor       athanor upgrade -d migrations --url URL   (one transaction
#                   per migration, as Alembic runs them on PostgreSQL; plus
#                   athanor's lock and its athanor_history rows)
#     sqlite3       sqlite3 FILE ".read all.sql": the script as printed, each
#                   statement in its own transaction (SQLite's autocommit)
#     sqlite3-1tx   the same script between BEGIN and COMMIT
#     sqlite3-txm   the same script, each migration between BEGIN and COMMIT:
#                   the transactions athanor makes
#     psql-1        psql -1 -f all.sql: one transaction
#     psql-txm      psql -f, each migration between BEGIN and COMMIT
#     flask         python3 -m flask db upgrade, for scale (BENCH_FLASK_RUNS)
#   Each run starts from a new database (hyperfine --prepare: the file
#   removed, or the database dropped and created, untimed). The tables and
#   columns athanor made are checked to be those the SQL script made.
#
# Wall time with hyperfine (no intermediate shell), median reported; peak RSS
# of the process with GNU time (%M), median of BENCH_RSS_RUNS runs (for
# PostgreSQL, of the client only). PostgreSQL is a throwaway server on
# 127.0.0.1 (tests/pg/start.sh, stopped on exit; durability off) unless
# BENCH_PG_URL names one.
#
# Usage: bench/upgrade.sh
# Environment:
#   BENCH_REVISIONS   revisions of the no-op history (default 1000)
#   BENCH_APPLY       revisions applied from base (default 200)
#   BENCH_RUNS        hyperfine runs of athanor and the SQL clients (default 20)
#   BENCH_FLASK_RUNS  hyperfine runs of flask (default 5)
#   BENCH_RSS_RUNS    runs for the median peak RSS (default 3)
#   BENCH_PARTS       "noop apply" (default), or one of them
#   BENCH_DIALECTS    "sqlite postgresql" (default), or one of them
#   BENCH_PG_URL      a PostgreSQL server URL whose user may create databases
#                     (default: a throwaway server)
#   BENCH_OUT         folder kept for the exports, the SQL and the result
#                     table (default: a temporary folder, removed)
#   ATHANOR_BIN       the binary (default build/athanor, built if missing)
#   BENCH_PYTHON      a Python with Flask-Migrate (default /usr/bin/python3)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

revisions=${BENCH_REVISIONS:-1000}
apply=${BENCH_APPLY:-200}
runs=${BENCH_RUNS:-20}
flask_runs=${BENCH_FLASK_RUNS:-5}
rss_runs=${BENCH_RSS_RUNS:-3}
parts=${BENCH_PARTS:-noop apply}
dialects=${BENCH_DIALECTS:-sqlite postgresql}
athanor=${ATHANOR_BIN:-$root/build/athanor}
python=${BENCH_PYTHON:-/usr/bin/python3}

bench_require hyperfine jq sqlite3 awk time
"$python" -c 'import flask_migrate, flask_sqlalchemy' 2>/dev/null ||
    die "$python lacks Flask-Migrate (apt-get install python3-flask-migrate)"

bench_athanor

work=$(mktemp -d "${TMPDIR:-/tmp}/athanor-bench-upgrade.XXXXXX")
if [[ $dialects == *postgresql* ]]; then
    # bench/pq_connect.c: a client that only connects, for the no-op's floor.
    read -ra pq_cflags <<<"$(pkg-config --cflags libpq)"
    read -ra pq_libs <<<"$(pkg-config --libs libpq)"
    cc -O2 "${pq_cflags[@]}" -o "$work/pq_connect" "$root/bench/pq_connect.c" "${pq_libs[@]}" ||
        die "cannot build bench/pq_connect.c (needs libpq-dev)"
fi
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
: >"$out/results.tsv"

# project DIR N: a Flask app without models and a migrations folder from
# `flask db init` holding a generated history of N revisions.
project() {
    mkdir -p "$1"
    cat >"$1/app.py" <<'EOF'
import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db.init_app(app)
Migrate(app, db)
EOF
    (cd "$1" && DATABASE_URL=sqlite:// FLASK_APP=app.py "$python" -m flask db init) \
        >"$work/init.log" 2>&1 || die "flask db init failed: $(tail -n 3 "$work/init.log")"
    bash "$root/bench/gen_history.sh" "$1/migrations/versions" "$2"
}

# per_migration: the SQL script on stdin with each migration (from one
# "-- Running upgrade" comment to the next) in its own transaction.
per_migration() {
    awk '/^-- Running upgrade/ { if (open) print "COMMIT;\n"; print "BEGIN;"; open = 1 }
        { print } END { if (open) print "COMMIT;" }'
}

# The tables and columns of a SQLite file, but athanor's own history table.
sqlite_columns() {
    sqlite3 "$1" "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
        WHERE m.type = 'table' AND m.name != 'athanor_history' ORDER BY 1"
}

# The same on PostgreSQL, for a database URL.
pg_columns() {
    "$pg_bin/psql" -X -At -d "$1" -c "SELECT table_name || '.' || column_name
        FROM information_schema.columns WHERE table_schema = 'public'
        AND table_name != 'athanor_history' ORDER BY 1"
}

# The identifiers cache athanor keeps in versions/__pycache__ (as Python keeps
# its compiled scripts there, which flask's runs use after the first) records
# only scripts older than two seconds. settle waits for that, then records them:
# the "athanor" rows are runs on a checkout that is not brand new. The
# "athanor-cold" row removes the cache before each run (so also writes it).
cache=migrations/versions/__pycache__/athanor-ids
settle() {
    sleep 2.1
    "$athanor" heads -d migrations >/dev/null 2>&1 || die "athanor heads failed"
    [[ -s $cache ]] || die "athanor wrote no identifiers cache"
}

# noop DIALECT URL: the no-op upgrade on a history of $revisions.
noop() {
    local dialect=$1 url=$2 dir=$work/noop-$1
    project "$dir" "$revisions"
    cd "$dir"
    export DATABASE_URL=$url FLASK_APP=app.py
    log "noop/$dialect: athanor upgrade to head ($revisions revisions)"
    "$athanor" upgrade >"$work/head.log" 2>&1 ||
        die "athanor upgrade failed: $(tail -n 3 "$work/head.log")"
    "$athanor" upgrade >"$work/check.log" 2>&1 || die "athanor upgrade (no-op) failed"
    ! grep -q 'Running upgrade' "$work/check.log" || die "athanor upgrade was not a no-op"
    "$python" -m flask db upgrade >"$work/check.log" 2>&1 ||
        die "flask db upgrade failed: $(tail -n 3 "$work/check.log")"
    ! grep -q 'Running upgrade' "$work/check.log" || die "flask db upgrade was not a no-op"
    settle
    bench_group=noop-$dialect
    time_one athanor "$runs" "$athanor" upgrade -d migrations --url "$url"
    time_one athanor-cold "$runs" --prepare "$(quote_cmd rm -f "$cache")" \
        "$athanor" upgrade -d migrations --url "$url"
    bench_warmup=0 time_one flask "$flask_runs" "$python" -m flask db upgrade
    if [[ $dialect == postgresql ]]; then
        # What connecting alone costs a libpq client: the floor under athanor's time.
        local libpq_url=${url/#postgresql+psycopg2:/postgresql:}
        time_one pq-connect "$runs" "$work/pq_connect" "$libpq_url"
    fi
    cd "$root"
}

# apply DIALECT: $apply migrations from base, beside the SQL they are.
apply_sqlite() {
    local dir=$work/apply-sqlite
    project "$dir" "$apply"
    cd "$dir"
    local db=$dir/athanor.db raw=$dir/raw.db url=sqlite:///$dir/athanor.db
    export DATABASE_URL=$url FLASK_APP=app.py
    "$athanor" upgrade --sql >all.sql 2>"$work/sql.log" ||
        die "athanor upgrade --sql failed: $(tail -n 3 "$work/sql.log")"
    { echo "BEGIN;" && cat all.sql && echo "COMMIT;"; } >all-1tx.sql
    per_migration <all.sql >all-txm.sql
    cp all.sql "$out/apply-sqlite.sql"
    log "apply/sqlite: $(grep -c ';$' all.sql) statements"
    # Same schema both ways.
    rm -f "$db" "$raw"
    "$athanor" upgrade >"$work/run.log" 2>&1 || die "athanor upgrade failed: $(tail -n 3 "$work/run.log")"
    sqlite3 -bail "$raw" ".read all.sql" || die "sqlite3 failed on the script"
    [[ $(sqlite_columns "$db") == "$(sqlite_columns "$raw")" ]] ||
        die "apply/sqlite: athanor and the SQL script made different tables"
    settle
    bench_group="apply-sqlite"
    time_one athanor "$runs" --prepare "$(quote_cmd rm -f "$db")" \
        "$athanor" upgrade -d migrations --url "$url"
    time_one sqlite3 "$runs" --prepare "$(quote_cmd rm -f "$raw")" sqlite3 -bail "$raw" ".read all.sql"
    time_one sqlite3-1tx "$runs" --prepare "$(quote_cmd rm -f "$raw")" \
        sqlite3 -bail "$raw" ".read all-1tx.sql"
    time_one sqlite3-txm "$runs" --prepare "$(quote_cmd rm -f "$raw")" \
        sqlite3 -bail "$raw" ".read all-txm.sql"
    time_one flask "$flask_runs" --prepare "$(quote_cmd rm -f "$db")" "$python" -m flask db upgrade
    cd "$root"
}

apply_postgresql() {
    local dir=$work/apply-postgresql
    project "$dir" "$apply"
    cd "$dir"
    local url raw_url
    url=$(pg_fresh_db athanor_bench_apply) || die "cannot create the database"
    raw_url=$(pg_fresh_db athanor_bench_raw) || die "cannot create the database"
    export DATABASE_URL=$url FLASK_APP=app.py
    # The script's own BEGIN and COMMIT out: psql -1 makes the transaction.
    "$athanor" upgrade --sql >all.sql 2>"$work/sql.log" ||
        die "athanor upgrade --sql failed: $(tail -n 3 "$work/sql.log")"
    grep -v -x -e 'BEGIN;' -e 'COMMIT;' all.sql >all-1tx.sql
    per_migration <all-1tx.sql >all-txm.sql
    cp all.sql "$out/apply-postgresql.sql"
    log "apply/postgresql: $(grep -c ';$' all.sql) statements"
    local psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1)
    "$athanor" upgrade >"$work/run.log" 2>&1 || die "athanor upgrade failed: $(tail -n 3 "$work/run.log")"
    "${psql[@]}" -1 -f all-1tx.sql -d "$raw_url" >/dev/null || die "psql failed on the script"
    [[ $(pg_columns "$url") == "$(pg_columns "$raw_url")" ]] ||
        die "apply/postgresql: athanor and the SQL script made different tables"
    local fresh fresh_raw
    fresh=$(quote_cmd "${psql[@]}" -d "$pg_url" -c "DROP DATABASE IF EXISTS athanor_bench_apply WITH (FORCE)" \
        -c "CREATE DATABASE athanor_bench_apply")
    fresh_raw=$(quote_cmd "${psql[@]}" -d "$pg_url" -c "DROP DATABASE IF EXISTS athanor_bench_raw WITH (FORCE)" \
        -c "CREATE DATABASE athanor_bench_raw")
    settle
    bench_group="apply-postgresql"
    time_one athanor "$runs" --prepare "$fresh" "$athanor" upgrade -d migrations --url "$url"
    time_one psql-1 "$runs" --prepare "$fresh_raw" "${psql[@]}" -1 -f all-1tx.sql -d "$raw_url"
    time_one psql-txm "$runs" --prepare "$fresh_raw" "${psql[@]}" -f all-txm.sql -d "$raw_url"
    time_one flask "$flask_runs" --prepare "$fresh" "$python" -m flask db upgrade
    cd "$root"
}

for dialect in $dialects; do
    case $dialect in
    sqlite) ;;
    postgresql)
        if ! pg_server; then
            log "no PostgreSQL server: postgresql skipped"
            continue
        fi
        ;;
    *) die "unknown dialect '$dialect' in BENCH_DIALECTS" ;;
    esac
    for part in $parts; do
        case $part in
        noop)
            if [[ $dialect == sqlite ]]; then
                noop sqlite "sqlite:///$work/noop-sqlite.db"
            else
                noop postgresql "$(pg_fresh_db athanor_bench_noop)"
            fi
            ;;
        apply) "apply_$dialect" ;;
        *) die "unknown part '$part' in BENCH_PARTS" ;;
        esac
    done
done

{
    machine_line
    echo "# $(python_versions)"
    echo "# noop: upgrade at head, $revisions revisions; apply: $apply migrations from base"
    echo "# wall ms (hyperfine median), CPU ms of the process (user + system, mean),"
    echo "# peak RSS MB (median of $rss_runs)"
    print_results
    for dialect in $dialects; do
        m=$(median_of "noop-$dialect" athanor)
        [[ -z $m ]] || echo "# noop-$dialect: athanor ${m} ms (goal: < 20 ms);" \
            "flask / athanor = $(ratio "noop-$dialect" flask athanor)x (goal: >= 50x);" \
            "cold: $(median_of "noop-$dialect" athanor-cold) ms," \
            "flask / athanor-cold = $(ratio "noop-$dialect" flask athanor-cold)x"
    done
    if [[ -n $(median_of apply-sqlite athanor) ]]; then
        echo "# apply-sqlite: athanor / sqlite3 = $(ratio apply-sqlite athanor sqlite3)x," \
            "athanor / sqlite3-1tx = $(ratio apply-sqlite athanor sqlite3-1tx)x," \
            "athanor / sqlite3-txm = $(ratio apply-sqlite athanor sqlite3-txm)x (goal: <= 1.2x)"
    fi
    if [[ -n $(median_of apply-postgresql athanor) ]]; then
        echo "# apply-postgresql: athanor / psql-1 = $(ratio apply-postgresql athanor psql-1)x," \
            "athanor / psql-txm = $(ratio apply-postgresql athanor psql-txm)x (goal: <= 1.2x)"
    fi
} | tee "$out/results.txt"

if [[ -n ${BENCH_OUT:-} ]]; then
    log "exports and results kept in $out"
fi
