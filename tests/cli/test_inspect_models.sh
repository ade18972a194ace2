# `athanor inspect --models`: the models' schema without a database, as text,
# SQL and JSON, for SQLite and PostgreSQL; the same bytes every time; usage
# errors exit 2, model errors exit 1 at file:line:col with the source line.
. "$(dirname "$0")/lib.sh"

unset DATABASE_URL
cd "$SCRATCH" || exit 1

mkdir -p app/sub app/.cache app/migrations
cat >app/models.py <<'EOF'
import enum

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Mood(enum.Enum):
    happy = 1
    sad = 2


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), index=True)


class Run(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    distance = db.Column(db.Float, nullable=False)
    mood = db.Column(db.Enum(Mood))
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))
EOF
cat >app/sub/tags.py <<'EOF'
from app.models import db


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
EOF
for hidden in .cache/old.py migrations/env.py; do
    printf 'from app.models import db\n\n\nclass Hidden(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n' \
        >"app/$hidden"
done

# ---- usage ----
run inspect --models
expect_status 2 "--models without a value"
run inspect --models app/models.py --url sqlite://
expect_status 2 "--models with --url"
expect_err_contains "not both" "--models with --url"
run inspect --models app/models.py --format yaml
expect_status 2 "unknown format"
run inspect --models app/models.py --dialect oracle
expect_status 2 "unknown dialect"
run inspect app/models.py
expect_status 2 "a path without --models"

# ---- output ----
run inspect --models app/models.py
expect_status 0 "text"
if grep -q '^table user$' "$SCRATCH/out" && grep -q '^table run$' "$SCRATCH/out"; then pass; else
    fail "text lists the tables: $(cat "$SCRATCH/out")"
fi
expect_err_lacks "using models from" "no message when the file is named"
cp "$SCRATCH/out" text1
run inspect --models app/models.py
if cmp -s text1 "$SCRATCH/out"; then pass; else fail "text differs between runs"; fi

run inspect --models app/models.py --format sql
expect_status 0 "sql for SQLite (the default dialect)"
cp "$SCRATCH/out" lite.sql
if grep -q 'CREATE TYPE' lite.sql; then fail "SQLite SQL has CREATE TYPE"; else pass; fi
if sqlite3 lite.db <lite.sql 2>"$SCRATCH/sqlite.err"; then pass; else
    fail "the SQL does not load into SQLite: $(cat "$SCRATCH/sqlite.err")"
fi
run inspect --url sqlite:///lite.db --format sql
if cmp -s lite.sql "$SCRATCH/out"; then pass; else
    fail "the database built from the SQL inspects differently: $(diff lite.sql "$SCRATCH/out")"
fi

run inspect --models app/models.py --format sql --dialect postgresql
expect_status 0 "sql for PostgreSQL"
cp "$SCRATCH/out" pg.sql
if grep -q "^CREATE TYPE mood AS ENUM ('happy', 'sad');" pg.sql; then pass; else
    fail "PostgreSQL SQL lacks the enum type: $(cat pg.sql)"
fi
if grep -q 'id SERIAL NOT NULL' pg.sql; then pass; else fail "PostgreSQL SQL lacks SERIAL"; fi

run inspect --models app/models.py --format json
expect_status 0 "json"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sorted(t["name"] for t in d["tables"]) == ["run", "user"]' "$SCRATCH/out"; then
    pass
else
    fail "json does not parse or lacks the tables: $(cat "$SCRATCH/out")"
fi

# ---- several paths, folders ----
run inspect --models app/models.py app/sub/tags.py --format sql
cp "$SCRATCH/out" two_a
run inspect --models app/models.py --models app/sub/tags.py --format sql
if cmp -s two_a "$SCRATCH/out"; then pass; else fail "repeated --models differs from several paths"; fi
if grep -q 'CREATE TABLE tag' two_a; then pass; else fail "the second file is not read"; fi
run inspect --models app --format sql
expect_status 0 "--models DIR"
expect_err_contains "athanor: using models from app/models.py, app/sub/tags.py" \
    "a folder is walked, skipping hidden and migrations folders"
if cmp -s two_a "$SCRATCH/out"; then pass; else fail "a folder gives other output than its files"; fi

run inspect --models app/nothere.py
expect_status 1 "missing file"
expect_err_contains "app/nothere.py" "missing file"

# ---- model errors ----
cat >bad.py <<'EOF'
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Broken(db.Model):
    id = db.Column(db.Integer, primary_key=True
EOF
run inspect --models bad.py --format sql
expect_status 1 "syntax error"
if grep -qE '^bad.py:[0-9]+:[0-9]+: error: ' "$SCRATCH/err"; then pass; else
    fail "no file:line:col diagnostic: $(cat "$SCRATCH/err")"
fi
if grep -qE '^ +\^$' "$SCRATCH/err"; then pass; else fail "no caret: $(cat "$SCRATCH/err")"; fi
if [ -s "$SCRATCH/out" ]; then fail "a model error printed SQL"; else pass; fi

# ---- [athanor] types of the migrations folder ----
mkdir -p typed/migrations
cat >typed/models.py <<'EOF'
from flask_sqlalchemy import SQLAlchemy
from myapp.types import Money

db = SQLAlchemy()


class Price(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    amount = db.Column(Money, nullable=False)
EOF
printf '[athanor]\ntypes =\n    myapp.types.Money = Numeric(12, 2)\n' >typed/migrations/alembic.ini
(cd typed && "$ATHANOR" inspect --models models.py --format sql >"$SCRATCH/out" 2>"$SCRATCH/err")
status=$?
expect_status 0 "a type mapped in [athanor] types"
if grep -q 'amount NUMERIC(12, 2) NOT NULL' "$SCRATCH/out"; then pass; else
    fail "the mapping is not applied: $(cat "$SCRATCH/out" "$SCRATCH/err")"
fi

finish
