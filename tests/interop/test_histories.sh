# Athanor's upgrade and downgrade against real Alembic, on histories real
# Flask-Migrate writes here (tests/interop/histories/scenarios.py): a linear
# one (batch operations, op.execute and op.bulk_insert data migrations, a
# check constraint, a column and a table renamed), a branched and merged one
# (a labelled branch, feature@head, heads) and one with enum columns (types
# created and dropped with the ENUM, a value added on PostgreSQL).
# For each, on SQLite and on the test PostgreSQL: Alembic steps database A and
# `athanor upgrade|downgrade TARGET` steps database B through the same targets,
# from base to head and back; after every step the reflected schema, the rows
# of every table (alembic_version included), on SQLite the DDL sqlite_master
# keeps, and the log's "Running upgrade A -> B" lines must be the same
# (histories/run.py does the stepping and comparing). Two orders Alembic
# itself leaves to chance need not match: that of a rebuilt SQLite table's
# named constraints (a Python set's; sorted before comparing) and that of
# independent branches (os.listdir's; any order respecting the dependencies
# passes, and a different one is printed as a note).
. "$(dirname "$0")/../cli/lib.sh"

PY=/usr/bin/python3
HERE="$SRC/tests/interop"

if ! "$PY" -c 'import flask_migrate, sqlalchemy' 2>/dev/null; then
    fail "$PY lacks Flask-Migrate / SQLAlchemy (scripts/setup.sh installs them)"
    finish
    exit
fi

scenarios="linear branches enums"

# scenario NAME WORKDIR URL_GEN URL_A URL_B: runs one, counting its checks.
scenario() {
    local out=$2/run.out
    (cd "$2" && HIST_INSTANCE=$2 "$PY" "$HERE/histories/run.py" "$1" "$2" "$3" "$4" "$5" \
        "$ATHANOR") >"$out" 2>"$2/run.err"
    local st=$? n
    n=$(grep -c '^ok: ' "$out")
    passed=$((passed + n))
    grep -E '^(skip|note): ' "$out"
    if [ "$st" -ne 0 ]; then
        fail "$1: run.py exited $st: $(grep '^BROKEN' "$out") $(tail -n 15 "$2/run.err")"
    fi
    if [ "$n" -eq 0 ]; then
        fail "$1: no check ran"
    fi
    # Each FAIL line, with the diff lines that follow it.
    local nf
    nf=$(grep -c '^FAIL: ' "$out")
    failed=$((failed + nf))
    awk '/^FAIL: /{p=1} /^(ok|skip|made|BROKEN): /{p=0} p' "$out" >&2
}

for s in $scenarios; do
    w=$SCRATCH/$s.sqlite
    mkdir -p "$w"
    scenario "$s" "$w" "sqlite:///$w/gen.db" "sqlite:///$w/a.db" "sqlite:///$w/b.db"
done

if pg_required; then
    pg_base=${ATHANOR_TEST_PG_URL%/*}
    run_id=$$_$RANDOM
    psql_server() {
        PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 \
            "$ATHANOR_TEST_PG_URL" "$@" >/dev/null
    }
    for s in $scenarios; do
        w=$SCRATCH/$s.postgresql
        mkdir -p "$w"
        db=hist_${run_id}_$s
        if psql_server -c "CREATE DATABASE ${db}_gen" -c "CREATE DATABASE ${db}_a" \
            -c "CREATE DATABASE ${db}_b"; then
            scenario "$s" "$w" "$pg_base/${db}_gen" "$pg_base/${db}_a" "$pg_base/${db}_b"
        else
            fail "$s: cannot create the PostgreSQL databases"
        fi
        psql_server -c "DROP DATABASE IF EXISTS ${db}_gen WITH (FORCE)" \
            -c "DROP DATABASE IF EXISTS ${db}_a WITH (FORCE)" \
            -c "DROP DATABASE IF EXISTS ${db}_b WITH (FORCE)"
    done
fi

finish
