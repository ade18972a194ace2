#!/usr/bin/env bash
# Writes to stdout the SQL that creates a synthetic schema for the benchmarks:
# N tables t0001..tNNNN of 10 columns each, in the spelling of one dialect.
#
# Usage: bench/gen_schema.sh sqlite|postgresql [N]
#        (N defaults to $BENCH_TABLES, else 1000)
#
# Each table tK has
#   id          integer primary key
#   name        varchar(80) not null
#   email       varchar(120), unique (a named unique constraint)
#   body        text
#   active      boolean not null, default true
#   created_at  timestamp not null, default CURRENT_TIMESTAMP
#   price       numeric(10,2)
#   qty         integer, default 0
#   code        varchar(16)
#   parent_id   integer, nullable, foreign key to t(K-1).id (none on t0001)
# and two indexes: ix_tK_name (name) and the multi-column ix_tK_code_created
# (code, created_at); every 5th table also has a check constraint on price and
# qty, and every 3rd table's foreign key says ON DELETE CASCADE.
# The whole script is one transaction.
set -euo pipefail

usage() {
    echo "usage: bench/gen_schema.sh sqlite|postgresql [N]" >&2
    exit 2
}

dialect=${1:-}
n=${2:-${BENCH_TABLES:-1000}}
case $dialect in
sqlite | postgresql) ;;
*) usage ;;
esac
if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n > 9999)); then
    echo "gen_schema: N must be a whole number from 1 to 9999 (got '$n')" >&2
    exit 2
fi

awk -v n="$n" -v dialect="$dialect" '
function name(k) { return sprintf("t%04d", k) }
BEGIN {
    pg = (dialect == "postgresql")
    if (pg) {
        t_int = "integer"; t_str80 = "varchar(80)"; t_str120 = "varchar(120)"
        t_str16 = "varchar(16)"; t_text = "text"; t_bool = "boolean"
        t_ts = "timestamp without time zone"; t_num = "numeric(10,2)"
        d_true = "true"
    } else {
        # The spelling SQLAlchemy uses when it creates tables on SQLite.
        t_int = "INTEGER"; t_str80 = "VARCHAR(80)"; t_str120 = "VARCHAR(120)"
        t_str16 = "VARCHAR(16)"; t_text = "TEXT"; t_bool = "BOOLEAN"
        t_ts = "DATETIME"; t_num = "NUMERIC(10, 2)"
        d_true = "1"
    }
    print "BEGIN;"
    for (k = 1; k <= n; k++) {
        t = name(k)
        printf "CREATE TABLE %s (\n", t
        printf "    id %s NOT NULL,\n", t_int
        printf "    name %s NOT NULL,\n", t_str80
        printf "    email %s,\n", t_str120
        printf "    body %s,\n", t_text
        printf "    active %s DEFAULT %s NOT NULL,\n", t_bool, d_true
        printf "    created_at %s DEFAULT CURRENT_TIMESTAMP NOT NULL,\n", t_ts
        printf "    price %s,\n", t_num
        printf "    qty %s DEFAULT 0,\n", t_int
        printf "    code %s,\n", t_str16
        printf "    parent_id %s,\n", t_int
        printf "    CONSTRAINT pk_%s PRIMARY KEY (id),\n", t
        printf "    CONSTRAINT uq_%s_email UNIQUE (email)", t
        if (k > 1) {
            printf ",\n    CONSTRAINT fk_%s_parent_id_%s FOREIGN KEY (parent_id) REFERENCES %s (id)", t, name(k - 1), name(k - 1)
            if (k % 3 == 0)
                printf " ON DELETE CASCADE"
        }
        if (k % 5 == 0)
            printf ",\n    CONSTRAINT ck_%s_price CHECK (price >= 0 AND qty >= 0)", t
        printf "\n);\n"
        printf "CREATE INDEX ix_%s_name ON %s (name);\n", t, t
        printf "CREATE INDEX ix_%s_code_created ON %s (code, created_at);\n", t, t
    }
    print "COMMIT;"
}'
