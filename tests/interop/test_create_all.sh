# `athanor create-all` against the real thing. For every model fixture that
# SQLAlchemy 1.4 can import (tests/golden/models/*/models.py and
# tests/interop/fixtures/*/models.py), on SQLite and on the test PostgreSQL:
#   - Debian's Flask-SQLAlchemy runs db.create_all() into database A,
#     `athanor create-all` runs into database B;
#   - `athanor inspect --format json` of A and B must be identical, and so must
#     SQLAlchemy's own reflection of A and B (reflect.py; on SQLite that
#     includes the CREATE statements sqlite_master keeps);
#   - `athanor inspect --models --format sql` must print the statements
#     create_all() emits, the same ones in the same order;
#   - create-all on A and again on B must find nothing to create.
# Where SQLAlchemy's own create_all fails on a database (a type or a schema
# that database lacks), athanor create-all must fail too and leave no table.
# A golden fixture runs on the dialects it has an expected.<dialect>.sql for.
# Skipped, and said so: fixtures written with SQLAlchemy 2.0-only syntax
# (Mapped, mapped_column, DeclarativeBase; the models tests compare those with
# their expected Schema instead), and fixtures Python cannot import here (a
# third-party package Debian does not ship).
. "$(dirname "$0")/../cli/lib.sh"

PY=/usr/bin/python3
HERE="$SRC/tests/interop"

fixtures=()
for f in "$SRC"/tests/golden/models/*/models.py "$HERE"/fixtures/*/models.py; do
    [ -f "$f" ] && fixtures+=("$f")
done
if [ "${#fixtures[@]}" -eq 0 ]; then
    fail "no model fixtures found"
fi

if ! "$PY" -c 'import sqlalchemy, flask_sqlalchemy' 2>/dev/null; then
    fail "$PY lacks SQLAlchemy / Flask-SQLAlchemy (scripts/setup.sh installs them)"
    finish
    exit
fi

# name_of FILE: "golden/<dir>" or "<dir>", for messages and database names.
name_of() {
    local dir
    dir=$(basename "$(dirname "$1")")
    case $1 in
    "$SRC"/tests/golden/*) printf 'golden_%s' "$dir" ;;
    *) printf '%s' "$dir" ;;
    esac
}

# same WHAT FILE_A FILE_B: passes when the two files are identical.
same() {
    if cmp -s "$2" "$3"; then pass; else
        fail "$1: $(diff -u "$2" "$3" | head -n 40)"
    fi
}

pg=0
if pg_required; then
    pg=1
    pg_base=${ATHANOR_TEST_PG_URL%/*}
fi

# fresh_pg NAME: an empty database NAME on the test server; prints its URL.
fresh_pg() {
    PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 "$ATHANOR_TEST_PG_URL" \
        -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" >/dev/null ||
        return 1
    printf '%s/%s' "$pg_base" "$1"
}

drop_pg() {
    PGOPTIONS='-c client_min_messages=warning' psql -q "$ATHANOR_TEST_PG_URL" \
        -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1
}

# check_fixture NAME MODELS DIALECT URL_A URL_B
check_fixture() {
    local name=$1 models=$2 dialect=$3 url_a=$4 url_b=$5 what="$1 on $3" w=$SCRATCH/$1.$3

    (cd "$(dirname "$models")" && "$PY" "$HERE/create_all.py" "$models" "$url_a") \
        >"$w.py.out" 2>&1
    local py_status=$?
    if [ "$py_status" -eq 3 ]; then
        printf 'skipped: %s (%s)\n' "$what" "$(tail -n 1 "$w.py.out")"
        return
    fi
    run create-all --models "$models" --url "$url_b"
    if [ "$py_status" -ne 0 ]; then
        # SQLAlchemy's own statements fail on this database (a type or a
        # schema it lacks): Athanor must refuse too, and leave no table.
        if [ "$status" -eq 1 ]; then pass; else
            fail "$what: SQLAlchemy's create_all failed ($(grep -m1 Error "$w.py.out")) but athanor create-all exited $status"
        fi
        run inspect --url "$url_b" --format json
        if grep -q '"tables": \[\]' "$SCRATCH/out"; then pass; else
            fail "$what: the failed create-all left tables behind: $(cat "$SCRATCH/out")"
        fi
        printf 'note: %s: SQLAlchemy and Athanor both refuse: %s\n' "$what" \
            "$(grep -m1 -o '[A-Za-z.]*Error: .*' "$w.py.out" | cut -c1-120)"
        return
    fi
    if [ "$status" -ne 0 ]; then
        fail "$what: athanor create-all failed: $(cat "$SCRATCH/err")"
        return
    fi
    pass

    run inspect --url "$url_a" --format json
    cp "$SCRATCH/out" "$w.a.json"
    run inspect --url "$url_b" --format json
    cp "$SCRATCH/out" "$w.b.json"
    same "$what: athanor inspect of SQLAlchemy's database (-) and Athanor's (+)" \
        "$w.a.json" "$w.b.json"

    if "$PY" "$HERE/reflect.py" "$url_a" >"$w.a.reflect" 2>"$w.err" &&
        "$PY" "$HERE/reflect.py" "$url_b" >"$w.b.reflect" 2>>"$w.err"; then
        same "$what: SQLAlchemy's reflection of its database (-) and Athanor's (+)" \
            "$w.a.reflect" "$w.b.reflect"
    else
        fail "$what: reflect.py failed: $(tail -n 5 "$w.err")"
    fi

    "$PY" "$HERE/create_all.py" --sql "$dialect" "$models" >"$w.want.sql" 2>"$w.err" ||
        fail "$what: create_all.py --sql failed: $(tail -n 5 "$w.err")"
    run inspect --models "$models" --dialect "$dialect" --format sql
    cp "$SCRATCH/out" "$w.got.sql"
    # The same statements first, then the same order, so a failure says which.
    awk -v RS= '{gsub(/\n/, "\\n"); print}' "$w.want.sql" | sort >"$w.want.sorted"
    awk -v RS= '{gsub(/\n/, "\\n"); print}' "$w.got.sql" | sort >"$w.got.sorted"
    same "$what: statements of create_all() (-) and of inspect --format sql (+)" \
        "$w.want.sorted" "$w.got.sorted"
    same "$what: order of the statements, create_all() (-) and inspect --format sql (+)" \
        "$w.want.sql" "$w.got.sql"

    for url in "$url_a" "$url_b"; do
        run create-all --models "$models" --url "$url"
        if [ "$status" -eq 0 ] && [ "$(cat "$SCRATCH/out")" = "nothing to create" ]; then pass; else
            fail "$what: a second create-all was not a no-op: $(cat "$SCRATCH/out" "$SCRATCH/err")"
        fi
    done
}

for models in "${fixtures[@]}"; do
    name=$(name_of "$models")
    if grep -qE 'mapped_column|Mapped\[|DeclarativeBase|MappedAsDataclass' "$models"; then
        printf 'skipped: %s (SQLAlchemy 2.0 syntax; Debian has 1.4)\n' "$name"
        continue
    fi
    # A copy, so that importing it (Flask's instance folder, __pycache__)
    # writes nothing into the source tree.
    mkdir -p "$SCRATCH/fixtures/$name"
    cp "$models" "$SCRATCH/fixtures/$name/models.py"
    copy=$SCRATCH/fixtures/$name/models.py

    # A golden fixture says which dialects it is for with its expected.<dialect>.sql.
    dialects="sqlite postgresql"
    if ls "$(dirname "$models")"/expected.*.sql >/dev/null 2>&1; then
        dialects=""
        for d in sqlite postgresql; do
            [ -f "$(dirname "$models")/expected.$d.sql" ] && dialects="$dialects $d"
        done
    fi
    case " $dialects " in *" sqlite "*)
        check_fixture "$name" "$copy" sqlite "sqlite:///$SCRATCH/$name.a.db" \
            "sqlite:///$SCRATCH/$name.b.db" ;;
    *) printf 'skipped: %s on sqlite (no expected.sqlite.sql)\n' "$name" ;;
    esac

    if [ "$pg" -eq 1 ] && [[ " $dialects " == *" postgresql "* ]]; then
        db=$(printf 'interop_%s' "$name" | tr 'A-Z-' 'a-z_' | cut -c1-50)
        if url_a=$(fresh_pg "${db}_a") && url_b=$(fresh_pg "${db}_b"); then
            check_fixture "$name" "$copy" postgresql "$url_a" "$url_b"
        else
            fail "$name: cannot create the PostgreSQL databases"
        fi
        drop_pg "${db}_a"
        drop_pg "${db}_b"
    fi
done

finish
