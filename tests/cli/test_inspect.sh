# `athanor inspect` end to end: bad input is refused with one clear line and
# nothing created; good input prints the same bytes every time, and the SQL it
# prints builds a database that inspects the same again.
. "$(dirname "$0")/lib.sh"

# ---- usage ----
run inspect
status_no_url=$status
DATABASE_URL='' run inspect
expect_status 2 "no URL at all"
expect_err_contains "no database" "no URL at all"
: "$status_no_url"
run inspect --url sqlite:// --format yaml
expect_status 2 "unknown format"
run inspect --bogus
expect_status 2 "unknown option"
run inspect --help
expect_status 0 "help"
run frobnicate
expect_status 2 "unknown command"

# ---- bad URLs: one line, exit 1, never the password ----
run inspect --url nonsense
expect_status 1 "malformed URL"
expect_err_contains "invalid database URL" "malformed URL"
expect_one_line_error "malformed URL"

run inspect --url 'mysql://root:s3cretpw@localhost/app'
expect_status 1 "unknown scheme"
expect_err_contains "mysql" "unknown scheme"
expect_err_lacks "s3cretpw" "unknown scheme"
expect_one_line_error "unknown scheme"

run inspect --url 'postgresql://app:s3cretpw@localhost:notaport/app'
expect_status 1 "bad port"
expect_err_lacks "s3cretpw" "bad port"

run inspect --url 'postgresql://app:s3cretpw@127.0.0.1:1/app'
expect_status 1 "unreachable server"
expect_err_contains "cannot connect" "unreachable server"
expect_err_lacks "s3cretpw" "unreachable server"
expect_one_line_error "unreachable server"

# ---- SQLite files that are not there or not databases ----
cd "$SCRATCH" || exit 1
run inspect --url sqlite:///missing.db
expect_status 1 "missing SQLite file"
expect_err_contains "missing.db" "missing SQLite file"
expect_one_line_error "missing SQLite file"
if [ -e missing.db ]; then fail "inspect created missing.db"; else pass; fi

run inspect --url "sqlite:////$SCRATCH/nodir/x.db"
expect_status 1 "missing directory"
if [ -e "$SCRATCH/nodir" ]; then fail "inspect created a directory"; else pass; fi

printf 'hello, I am not a database, but I am long enough to have a header page\n%.0s' $(seq 1 20) >notadb.db
before=$(sha1sum notadb.db)
run inspect --url sqlite:///notadb.db
expect_status 1 "not a database"
expect_err_contains "not a SQLite database" "not a database"
expect_one_line_error "not a database"
if [ "$(sha1sum notadb.db)" = "$before" ]; then pass; else fail "inspect changed notadb.db"; fi

# ---- a real SQLite database: formats, determinism, DATABASE_URL, round trip ----
sqlite3 example.db <"$SRC/migrations-example/schema.sql" || fail "sqlite3 could not load the example schema"
run inspect --url sqlite:///example.db
expect_status 0 "inspect text"
cp "$SCRATCH/out" text1
DATABASE_URL=sqlite:///example.db run inspect
expect_status 0 "DATABASE_URL fallback"
if cmp -s text1 "$SCRATCH/out"; then pass; else fail "DATABASE_URL gives other output than --url"; fi
if grep -q '^table user$' text1 && grep -q '^table group$' text1; then pass; else
    fail "text lists the tutorial tables: $(cat text1)"
fi

for format in text sql json; do
    run inspect --url "sqlite:///$SCRATCH/example.db" --format "$format"
    cp "$SCRATCH/out" "a.$format"
    run inspect --url "sqlite:///$SCRATCH/example.db" --format "$format"
    expect_status 0 "inspect --format $format"
    if cmp -s "a.$format" "$SCRATCH/out"; then pass; else fail "$format output differs between runs"; fi
done
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["tables"]) == 5' a.json; then
    pass
else
    fail "json output does not parse or lacks the 5 tables"
fi

sqlite3 roundtrip.db <a.sql || fail "the SQL inspect printed does not load into SQLite"
run inspect --url sqlite:///roundtrip.db
if cmp -s a.text "$SCRATCH/out"; then pass; else
    fail "SQLite round trip changed the schema: $(diff a.text "$SCRATCH/out")"
fi

# ---- PostgreSQL ----
if pg_required; then
    base=${ATHANOR_TEST_PG_URL%/*}
    password=$(printf '%s' "$ATHANOR_TEST_PG_URL" | sed -E 's#^[^:]+://[^:]+:([^@]*)@.*#\1#')
    wrong=$(printf '%s' "$ATHANOR_TEST_PG_URL" | sed -E "s#^([^:]+://[^:]+:)[^@]*@#\1wrong-$password@#")
    run inspect --url "$wrong"
    expect_status 1 "wrong password"
    expect_err_contains "password authentication failed" "wrong password"
    expect_err_lacks "wrong-$password" "wrong password"
    expect_one_line_error "wrong password"

    psql -q -v ON_ERROR_STOP=1 "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE IF EXISTS cli_inspect_a WITH (FORCE)' \
        -c 'DROP DATABASE IF EXISTS cli_inspect_b WITH (FORCE)' -c 'CREATE DATABASE cli_inspect_a' \
        -c 'CREATE DATABASE cli_inspect_b' >/dev/null || fail "cannot create the test databases"
    psql -q -v ON_ERROR_STOP=1 "$base/cli_inspect_a" >/dev/null <<'SQL' || fail "cannot create the PostgreSQL schema"
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE "user" (id SERIAL NOT NULL, username VARCHAR(80) NOT NULL, email VARCHAR(120),
    created TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, PRIMARY KEY (id), UNIQUE (username));
CREATE TABLE "group" (id INTEGER GENERATED BY DEFAULT AS IDENTITY, name TEXT, PRIMARY KEY (id));
CREATE TABLE run (id BIGSERIAL PRIMARY KEY, distance DOUBLE PRECISION NOT NULL, mood mood,
    user_id INTEGER REFERENCES "user" (id) ON DELETE CASCADE, tags VARCHAR(20)[],
    CONSTRAINT ck_run_distance CHECK (distance >= 0));
CREATE INDEX ix_run_user_id ON run (user_id);
CREATE UNIQUE INDEX ix_user_lower_email ON "user" (lower(email)) WHERE email IS NOT NULL;
COMMENT ON COLUMN run.distance IS 'in miles';
SQL
    for format in text sql json; do
        run inspect --url "$base/cli_inspect_a" --format "$format"
        expect_status 0 "PostgreSQL inspect --format $format"
        expect_err_lacks "$password" "PostgreSQL inspect --format $format"
        cp "$SCRATCH/out" "pg.$format"
    done
    psql -q -v ON_ERROR_STOP=1 "$base/cli_inspect_b" -f pg.sql >/dev/null 2>"$SCRATCH/psql.err" ||
        fail "the SQL inspect printed does not load into PostgreSQL: $(cat "$SCRATCH/psql.err")"
    run inspect --url "$base/cli_inspect_b"
    if cmp -s pg.text "$SCRATCH/out"; then pass; else
        fail "PostgreSQL round trip changed the schema: $(diff pg.text "$SCRATCH/out")"
    fi
    psql -q "$ATHANOR_TEST_PG_URL" -c 'DROP DATABASE cli_inspect_a WITH (FORCE)' \
        -c 'DROP DATABASE cli_inspect_b WITH (FORCE)' >/dev/null
fi

finish
