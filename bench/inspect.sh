#!/usr/bin/env bash
# Benchmark of `athanor inspect` on a large schema, side by side with the
# databases' own schema dumps and with SQLAlchemy's reflection.
#
# Makes BENCH_TABLES tables (bench/gen_schema.sh) in a SQLite file and in a
# throwaway PostgreSQL server on 127.0.0.1 (tests/pg/start.sh, stopped on
# exit), then for each dialect:
#   - wall time with hyperfine (2 warm-up runs, at least BENCH_RUNS runs,
#     no intermediate shell), median;
#   - peak RSS of the client process with GNU time (%M), median of
#     BENCH_RSS_RUNS runs;
#   - on PostgreSQL, from the server's log with log_min_duration_statement=0:
#     the number of statements it received and the time it spent running
#     them (median of BENCH_STAT_RUNS runs).
# The commands:
#   athanor     athanor inspect --url URL --format text
#   raw dump    sqlite3 FILE .schema / pg_dump --schema-only
#   sqlalchemy  python3 -c 'MetaData().reflect(engine)': what Alembic's
#               autogenerate reflects before it compares (psycopg2 on
#               PostgreSQL); Python start-up and imports included
#   sa-import   python3 -c 'import sqlalchemy ...': the start-up part alone
#
# Usage: bench/inspect.sh
# Environment:
#   BENCH_TABLES    number of tables (default 1000)
#   BENCH_RUNS      minimum hyperfine runs per command (default 10)
#   BENCH_RSS_RUNS  runs for the peak RSS median (default 5)
#   BENCH_STAT_RUNS runs for the median server time on PostgreSQL (default 3)
#   BENCH_DIALECTS  "sqlite postgresql" (default), or one of them
#   BENCH_OUT       folder kept for the hyperfine JSON/markdown exports and
#                   the result table (default: a temporary folder, removed)
#   ATHANOR_BIN     the binary (default build/athanor, built if missing)
#   BENCH_PYTHON    a Python with SQLAlchemy and psycopg2 (default /usr/bin/python3)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

tables=${BENCH_TABLES:-1000}
runs=${BENCH_RUNS:-10}
rss_runs=${BENCH_RSS_RUNS:-5}
stat_runs=${BENCH_STAT_RUNS:-3}
dialects=${BENCH_DIALECTS:-sqlite postgresql}
athanor=${ATHANOR_BIN:-$root/build/athanor}
python=${BENCH_PYTHON:-/usr/bin/python3}

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require hyperfine jq sqlite3 awk time

bench_athanor

work=$(mktemp -d "${TMPDIR:-/tmp}/athanor-bench.XXXXXX")
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"
pg_dir=""
pg_bin=""
cleanup() {
    if [[ -n $pg_dir ]]; then
        bash "$root/tests/pg/stop.sh" "$pg_dir" || true
    fi
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

have_sqlalchemy=0
if "$python" -c 'import sqlalchemy' 2>/dev/null; then
    have_sqlalchemy=1
else
    log "$python has no SQLAlchemy: the sqlalchemy rows are skipped"
fi

# The Python snippets, one line each so they can be given to python3 -c.
py_reflect='import sys; from sqlalchemy import create_engine, MetaData; MetaData().reflect(bind=create_engine(sys.argv[1]))'
py_import='import sys, sqlalchemy; from sqlalchemy import create_engine, MetaData'

# results.tsv: dialect, tool, median ms, mean ms, min ms, max ms, runs,
# mean CPU ms (user + system, of the client process), peak RSS MB,
# statements and server ms (PostgreSQL only).
results=$out/results.tsv
: >"$results"

# server_pg COMMAND...: what the throwaway server logged with
# log_min_duration_statement=0 for the command: the number of statements it
# received (first run) and the time it spent on them, parse, bind and execute
# summed (median of stat_runs runs), as "STATEMENTS<TAB>MS".
server_pg() {
    local logf=$pg_dir/server.log before i stmts="" ms
    for ((i = 0; i < stat_runs; i++)); do
        before=$(stat -c %s "$logf")
        PGOPTIONS="-c log_min_duration_statement=0" "$@" >/dev/null 2>&1 || return 1
        sleep 0.2 # let the server finish writing its log
        tail -c +"$((before + 1))" "$logf" >"$work/server.log"
        if [[ -z $stmts ]]; then
            stmts=$(grep -c 'LOG:  duration: [0-9.]* ms  \(statement\|execute [^:]*\): ' \
                "$work/server.log" || true)
        fi
        grep -o 'LOG:  duration: [0-9.]* ms' "$work/server.log" |
            awk '{ t += $3 } END { printf "%.1f\n", t }'
    done >"$work/server.ms"
    ms=$(median <"$work/server.ms" | awk '{ printf "%.1f", $1 }')
    printf '%s\t%s' "$stmts" "$ms"
}

# bench DIALECT NAME=COMMAND-ARRAY-NAME ...: times the commands side by side
# and appends their rows to results.tsv.
bench() {
    local dialect=$1
    shift
    local args=() names=() spec name arr cmd
    for spec in "$@"; do
        name=${spec%%=*}
        arr=${spec#*=}
        local -n cmdref=$arr
        if ! "${cmdref[@]}" >/dev/null 2>"$work/check.err"; then
            log "$dialect/$name failed, left out:"
            head -n 5 "$work/check.err" >&2
            printf '%s\t%s\tfailed\t\t\t\t\t\t\t\t\n' "$dialect" "$name" >>"$results"
            unset -n cmdref
            continue
        fi
        cmd=$(quote_cmd "${cmdref[@]}")
        unset -n cmdref
        names+=("$name=$arr")
        args+=(-n "$name" "$cmd")
    done
    ((${#names[@]})) || return 0
    log "$dialect: hyperfine (${#names[@]} commands)"
    hyperfine -N --warmup 2 --min-runs "$runs" --style basic \
        --export-json "$out/$dialect.json" --export-markdown "$out/$dialect.md" \
        "${args[@]}" >&2
    for spec in "${names[@]}"; do
        name=${spec%%=*}
        arr=${spec#*=}
        local -n cmdref=$arr
        local timing rss server="-\t-"
        # hyperfine's times are in seconds; report milliseconds.
        timing=$(jq -r --arg n "$name" '.results[] | select(.command == $n)
            | [(.median, .mean, .min, .max) * 10000 | round / 10]
            + [(.times | length), ((.user + .system) * 10000 | round / 10)]
            | @tsv' "$out/$dialect.json")
        log "$dialect/$name: peak RSS"
        rss=$(peak_rss_mb "${cmdref[@]}") || rss="NA"
        if [[ $dialect == postgresql && $name != sa-import ]]; then
            log "$dialect/$name: statements and server time"
            server=$(server_pg "${cmdref[@]}") || server="NA\tNA"
        fi
        printf '%s\t%s\t%s\t%s\t%b\n' "$dialect" "$name" "$timing" "$rss" "$server" >>"$results"
        unset -n cmdref
    done
}

for dialect in $dialects; do
    case $dialect in
    sqlite)
        db=$work/bench.db
        log "sqlite: $tables tables into $db"
        bash "$root/bench/gen_schema.sh" sqlite "$tables" | sqlite3 -bail "$db"
        # shellcheck disable=SC2034 # used through bench's namerefs
        {
            c_athanor=("$athanor" inspect --url "sqlite:///$db" --format text)
            c_raw=(sqlite3 "$db" .schema)
            c_sa=("$python" -c "$py_reflect" "sqlite:///$db")
            c_sa_import=("$python" -c "$py_import")
        }
        specs=(athanor=c_athanor sqlite3-schema=c_raw)
        ((have_sqlalchemy)) && specs+=(sqlalchemy=c_sa sa-import=c_sa_import)
        bench sqlite "${specs[@]}"
        ;;
    postgresql)
        if ! bash "$root/tests/pg/start.sh" "$work/pg.env"; then
            log "the PostgreSQL server did not start: postgresql skipped"
            continue
        fi
        # shellcheck disable=SC1091
        source "$work/pg.env"
        pg_dir=$ATHANOR_TEST_PG_DIR
        url=$ATHANOR_TEST_PG_URL
        pg_bin=$(head -n 1 "$pg_dir/athanor-pg")
        log "postgresql: $tables tables"
        bash "$root/bench/gen_schema.sh" postgresql "$tables" |
            "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -d "$url" >/dev/null
        "$pg_bin/psql" -X -q -d "$url" -c 'VACUUM ANALYZE' >/dev/null
        # shellcheck disable=SC2034 # used through bench's namerefs
        {
            c_athanor=("$athanor" inspect --url "$url" --format text)
            # pg_dump from the server's bin folder, not Debian's Perl wrapper.
            c_raw=("$pg_bin/pg_dump" --schema-only -d "$url")
            c_sa=("$python" -c "$py_reflect" "postgresql+psycopg2://${url#postgresql://}")
            c_sa_import=("$python" -c "$py_import")
        }
        specs=(athanor=c_athanor pg_dump-schema=c_raw)
        ((have_sqlalchemy)) && specs+=(sqlalchemy=c_sa sa-import=c_sa_import)
        bench postgresql "${specs[@]}"
        ;;
    *)
        die "unknown dialect '$dialect' in BENCH_DIALECTS"
        ;;
    esac
done

# The result table, after what it was measured on.
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs:" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
        "load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
    versions="athanor $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    versions+=" ($athanor); SQLite $(sqlite3 --version | cut -d ' ' -f 1)"
    if [[ -n $pg_bin ]]; then
        versions+="; PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }')"
    fi
    echo "# $versions"
    if ((have_sqlalchemy)); then
        echo "# $("$python" -c 'import sys, sqlalchemy; print("Python", sys.version.split()[0] + ", SQLAlchemy", sqlalchemy.__version__)')"
    fi
    echo "# $tables tables x 10 columns; wall time in ms (median of >= $runs runs),"
    echo "# CPU time of the client in ms (user + system, mean), peak RSS of the client in MB"
    echo "# (median of $rss_runs); on PostgreSQL, statements the server received and the"
    echo "# time it spent on them in ms (median of $stat_runs)"
    printf '%-11s %-15s %9s %9s %9s %9s %5s %8s %7s %6s %9s\n' \
        dialect tool median mean min max runs cpu_ms rss_MB stmts server_ms
    awk -F'\t' '{ printf "%-11s %-15s %9s %9s %9s %9s %5s %8s %7s %6s %9s\n",
        $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$results"
} | tee "$out/results.txt"

if [[ -n ${BENCH_OUT:-} ]]; then
    log "exports and results kept in $out"
fi
