#!/usr/bin/env bash
# Writes generated Flask-SQLAlchemy models for the benchmarks into a folder:
# N model classes spread over F files models_000.py ..., plus base.py holding
# `db = SQLAlchemy()`; the model files import it with `from base import db`.
#
# Usage: bench/gen_models.sh DIR [N [F [CHAIN]]]
#        (N defaults to 1000, F to 10, CHAIN to 10)
#
# Each class ModelK has a __tablename__ "mK", an integer primary key, 8 more
# columns (String with and without index/unique, Text, Boolean with a
# default, DateTime with a server default, Numeric, Float) and, unless it
# starts a chain, `parent_id`, a foreign key to the previous class. The
# foreign keys form chains of CHAIN tables (m00001 <- m00002 <- ... <-
# m000CHAIN, then a new chain); CHAIN = N gives one chain through all the
# tables, the models of bench/models.sh. Every 4th class also has a named
# unique constraint and a composite index in __table_args__.
#
# Why chains: SQLAlchemy reflects a table's referred tables recursively, so
# Alembic's autogenerate (`flask db migrate`) fails with "maximum recursion
# depth exceeded" on a chain of a few hundred tables.
set -euo pipefail

usage() {
    echo "usage: bench/gen_models.sh DIR [N [F [CHAIN]]]" >&2
    exit 2
}

dir=${1:-}
classes=${2:-1000}
files=${3:-10}
chain=${4:-10}
[[ -n $dir ]] || usage
for v in "$classes" "$files" "$chain"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || usage
done
((files <= classes)) || usage

mkdir -p "$dir"
printf 'from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n' >"$dir/base.py"
awk -v n="$classes" -v files="$files" -v chain="$chain" -v dir="$dir" '
function tname(k) { return sprintf("m%05d", k) }
function cname(k) { return sprintf("Model%05d", k) }
BEGIN {
    per = int((n + files - 1) / files)
    for (f = 0; f < files; f++) {
        path = sprintf("%s/models_%03d.py", dir, f)
        printf "from base import db\n" > path
        for (k = f * per + 1; k <= n && k <= (f + 1) * per; k++) {
            t = tname(k)
            printf "\n\nclass %s(db.Model):\n", cname(k) > path
            printf "    __tablename__ = \"%s\"\n", t > path
            if (k % 4 == 0) {
                printf "    __table_args__ = (\n" > path
                printf "        db.UniqueConstraint(\"code\", \"name\", name=\"uq_%s_code_name\"),\n", t > path
                printf "        db.Index(\"ix_%s_code_created\", \"code\", \"created_at\"),\n", t > path
                printf "    )\n" > path
            }
            printf "    id = db.Column(db.Integer, primary_key=True)\n" > path
            printf "    name = db.Column(db.String(80), nullable=False, index=True)\n" > path
            printf "    email = db.Column(db.String(120), unique=True)\n" > path
            printf "    code = db.Column(db.String(16))\n" > path
            printf "    body = db.Column(db.Text)\n" > path
            printf "    active = db.Column(db.Boolean, nullable=False, default=True)\n" > path
            printf "    created_at = db.Column(db.DateTime, nullable=False, server_default=db.func.now())\n" > path
            printf "    price = db.Column(db.Numeric(10, 2))\n" > path
            printf "    ratio = db.Column(db.Float)\n" > path
            if ((k - 1) % chain != 0)
                printf "    parent_id = db.Column(db.Integer, db.ForeignKey(\"%s.id\"))\n", tname(k - 1) > path
        }
        close(path)
    }
}'
