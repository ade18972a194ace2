#!/usr/bin/env bash
# Installs what is missing, builds the release binary, and shows what
# `athanor inspect` reads from the SQLite database that db.create_all() makes
# for the tutorial models in migrations-example/ (see its README.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
bash scripts/build.sh release

db=migrations-example/example.db
url=sqlite:///$db

show() {
    printf '\n$ %s\n' "$*"
    "$@"
}

rm -f "$db"
printf '\n$ sqlite3 %s < migrations-example/schema.sql\n' "$db"
sqlite3 "$db" <migrations-example/schema.sql

show build/athanor inspect --url "$url"
show build/athanor inspect --url "$url" --format sql
