#!/usr/bin/env bash
# Installs what is missing, builds the release binary, and runs the example
# of migrations-example/ (see its README.md) on SQLite: the tutorial models'
# schema read without Python, the database created from them as
# db.create_all() would, and that database read back.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
bash scripts/build.sh release

db=migrations-example/example.db
url=sqlite:///$db
models=migrations-example/models.py

show() {
    printf '\n$ %s\n' "$*"
    "$@"
}

rm -f "$db"
show build/athanor inspect --models "$models" --format sql
show build/athanor create-all --models "$models" --url "$url"
show build/athanor create-all --models "$models" --url "$url"
show build/athanor inspect --url "$url"

# The file must hold exactly what db.create_all() makes (schema.sql).
reference=$(mktemp)
trap 'rm -f "$reference"' EXIT
sqlite3 "$reference" <migrations-example/schema.sql
if diff <(sqlite3 "$db" .schema) <(sqlite3 "$reference" .schema); then
    printf '\nexample.db holds exactly the schema db.create_all() makes (schema.sql).\n'
else
    printf '\nexample.db differs from schema.sql\n' >&2
    exit 1
fi
