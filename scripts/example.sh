#!/usr/bin/env bash
# Installs what is missing, builds the release binary, and runs the example
# of migrations-example/ (see its README.md) on SQLite, the way a Flask team
# uses Flask-Migrate, without Python: a migrations folder, a first migration
# written from the tutorial models and applied, a model change migrated and
# applied, a downgrade and an upgrade. The project is copied to a scratch
# folder, so the repository is left as it was; at the end the database must
# hold exactly what db.create_all() makes for the changed models.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
bash scripts/build.sh release

athanor=$PWD/build/athanor
project=$(mktemp -d /tmp/athanor-example-XXXXXX)
trap 'rm -rf "$project"' EXIT
cp migrations-example/models.py "$project/"
cd "$project"
export DATABASE_URL=sqlite:///$project/app.db

run() {
    printf '\n$ athanor %s\n' "$*"
    "$athanor" "$@"
}

printf 'project: %s (DATABASE_URL=%s)\n' "$project" "$DATABASE_URL"
run init
run migrate -m "initial tables"
run upgrade
run current

# A model change: users get an "about me" text.
sed -i 's/^    email = db.Column(db.String(120), unique=True, nullable=False)$/&\n    about_me = db.Column(db.String(140))/' models.py
grep -q about_me models.py
printf '\n$ # models.py: User gets about_me = db.Column(db.String(140))\n'
run migrate -m "user about me"
printf '\n$ cat migrations/versions/*_user_about_me.py\n'
cat migrations/versions/*_user_about_me.py
run upgrade
run migrate -m "nothing new"
run history
run downgrade
run current
run upgrade
run current

# The migrated database must hold exactly what db.create_all() makes for the
# changed models: the same schema as a database create-all makes from them,
# beside the two tables that record the migrations.
"$athanor" create-all --url "sqlite:///$project/reference.db" >/dev/null
if diff <("$athanor" inspect --url "sqlite:///$project/reference.db") \
    <("$athanor" inspect | awk -v RS= -v ORS='\n\n' '!/^table (alembic_version|athanor_history)\n/' |
        sed '$d'); then
    printf '\napp.db, migrated, holds exactly the schema db.create_all() makes for the models.\n'
else
    printf '\napp.db, migrated, differs from what create-all makes for the models (above)\n' >&2
    exit 1
fi
