# `athanor migrate` (autogenerate) against real `flask db migrate`, on SQLite
# and on the test PostgreSQL (a fresh database per scenario, dropped at the
# end). For each kind of change in tests/interop/migrate/scenarios.py, on the
# same models and database, Flask-Migrate and Athanor must write the same
# script (Revision ID, Create Date and revision = aside) — or, where Athanor
# does better than Alembic (renames, PostgreSQL enum types, cycles of foreign
# keys, batch table comments), the script in tests/interop/migrate/expected/;
# then real Alembic must upgrade Athanor's script to exactly the models'
# schema and downgrade it back to the first one (migrate/run.py does the work,
# in one Python process).
. "$(dirname "$0")/../cli/lib.sh"

PY=/usr/bin/python3
HERE="$SRC/tests/interop/migrate"

if ! "$PY" -c 'import flask_migrate, sqlalchemy' 2>/dev/null; then
    fail "$PY lacks Flask-Migrate / SQLAlchemy (scripts/setup.sh installs them)"
    finish
    exit
fi

pg_args=()
if pg_required; then
    pg_args=(--pg "$ATHANOR_TEST_PG_URL")
fi

results=$SCRATCH/results
(cd "$SCRATCH" && "$PY" "$HERE/run.py" "$SCRATCH/work" "$ATHANOR" "$results" "${pg_args[@]}" "$@") \
    >"$SCRATCH/run.out" 2>&1
st=$?
n=$(grep -c '^ok: ' "$results" 2>/dev/null)
passed=$((passed + ${n:-0}))
grep '^skip: ' "$results"
if [ "$st" -ne 0 ]; then
    fail "run.py exited $st: $(tail -n 15 "$SCRATCH/run.out")"
fi
if [ "${n:-0}" -eq 0 ]; then
    fail "no check ran"
fi
nf=$(grep -c '^FAIL: ' "$results" 2>/dev/null)
failed=$((failed + ${nf:-0}))
# Each FAIL line, with the diff lines that follow it.
awk '/^FAIL: /{p=1} /^(ok|skip): /{p=0} p' "$results" >&2

finish
