#!/usr/bin/env bash
# Regenerates the expected scripts of tests/golden/autogen/<case>/ with real
# Flask-Migrate (Debian's python3-flask-migrate, run by /usr/bin/python3):
# the database made by db.create_all() from v1.py, then `flask db migrate -m
# <case>` with v2.py. Writes <case>/sqlite.py, and <case>/postgresql.py when a
# PostgreSQL URL is given (its database is emptied for each case).
# The revision id becomes 000000000000 and the Create Date line a fixed one,
# as tests/cli/test_autogen_golden.sh writes them.
# Cases with a NOTE file are where Athanor deliberately does better (the NOTE
# says how); their <dialect>.py is Athanor's text, kept by hand, and
# Flask-Migrate's goes to <dialect>.flask.py.
# Usage: tests/golden/autogen/make.sh [POSTGRESQL_URL]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pg=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

normalize() {
    sed -E -e "s/^Create Date: .*/Create Date: 2024-01-01 00:00:00/" \
        -e "s/[0-9a-f]{12}/000000000000/g" "$1"
}

one() {
    local case=$1 dialect=$2 url=$3 dir=$work/$1-$2
    mkdir -p "$dir"
    cp "$here/$case/v1.py" "$dir/models.py"
    cat >"$dir/app.py" <<PY
from flask import Flask
from flask_migrate import Migrate
from models import db
app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = '$url'
db.init_app(app)
Migrate(app, db)
PY
    (
        cd "$dir"
        export FLASK_APP=app.py
        if [ "$dialect" = postgresql ]; then
            /usr/bin/python3 - "$url" <<'PY'
import sys, sqlalchemy as sa
e = sa.create_engine(sys.argv[1])
with e.begin() as c:
    c.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
PY
        fi
        /usr/bin/python3 -c 'from app import app, db
with app.app_context(): db.create_all()'
        /usr/bin/python3 -m flask db init >/dev/null 2>&1
        cp "$here/$case/v2.py" models.py
        /usr/bin/python3 -m flask db migrate -m "$case" >flask.log 2>&1 || { cat flask.log; exit 1; }
        # No script: <dialect>.none says so (Alembic found no change there).
        rm -f "$here/$case/$dialect.none"
        if ! ls migrations/versions/*.py >/dev/null 2>&1; then
            grep -q "No changes in schema detected." flask.log
            : >"$here/$case/$dialect.none"
            exit 0
        fi
        # A case with a NOTE is one where Athanor deliberately writes something
        # else: Flask-Migrate's text is kept beside Athanor's for reference.
        out=$here/$case/$dialect.py
        [ -f "$here/$case/NOTE" ] && out=$here/$case/$dialect.flask.py
        normalize migrations/versions/*.py >"$out"
    )
}

for d in "$here"/*/; do
    case=$(basename "$d")
    one "$case" sqlite "sqlite:///$work/$case.db"
    [ -n "$pg" ] && one "$case" postgresql "$pg"
done
echo "regenerated $(ls -d "$here"/*/ | wc -l) cases"
