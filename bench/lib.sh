# shellcheck shell=bash
# shellcheck disable=SC2154 # work, out, rss_runs, root, athanor, python, bench_group: the caller's
# Helpers shared by the bench/*.sh scripts; sourced, not run.
# The caller sets `work` (a scratch folder), `out` (where exports go) and
# `rss_runs` before it times anything, and calls bench_cleanup on exit.

log() { echo "bench: $*" >&2; }
die() {
    log "$*"
    exit 1
}

# bench_require TOOL...: each on PATH ("time" means GNU time, /usr/bin/time),
# else stop with the package to install.
bench_require() {
    local tool
    for tool in "$@"; do
        if [[ $tool == time ]]; then
            [[ -x /usr/bin/time ]] || die "GNU time is missing (apt-get install time)"
        else
            command -v "$tool" >/dev/null || die "$tool is missing (apt-get install $tool)"
        fi
    done
}

# bench_athanor: $athanor, built (release) if it is the default and missing.
bench_athanor() {
    [[ -x $athanor ]] && return 0
    [[ -z ${ATHANOR_BIN:-} ]] || die "ATHANOR_BIN=$athanor is not an executable"
    log "no $athanor: building the release binary"
    ATHANOR_JOBS=${ATHANOR_JOBS:-1} bash "$root/scripts/build.sh" release >&2
}

# A command as a string for hyperfine -N, whose parser follows shell quoting.
quote_cmd() {
    local s="" a
    for a in "$@"; do
        s+="$(printf '%q' "$a") "
    done
    printf '%s' "${s% }"
}

# median of the numbers on stdin, one per line
median() {
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "NA"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# peak_rss_mb [--prepare SHELL-CMD] COMMAND...: median over rss_runs of GNU
# time's %M (KiB), in MB; SHELL-CMD runs before each run, untimed.
peak_rss_mb() {
    local prep="" i
    if [[ $1 == --prepare ]]; then
        prep=$2
        shift 2
    fi
    for ((i = 0; i < rss_runs; i++)); do
        if [[ -n $prep ]]; then
            bash -c "$prep" >/dev/null 2>&1 || return 1
        fi
        /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/rss.err" || return 1
        tail -n 1 "$work/rss"
    done | median | awk '{ printf "%.1f", $1 / 1024 }'
}

# time_one NAME RUNS [--prepare SHELL-CMD] COMMAND...: hyperfine on one
# command (no intermediate shell; $bench_warmup warm-up runs, default 1, none
# when a prepare command rebuilds the state each run), then its peak RSS;
# appends to results.tsv
#   group, name, median, mean, min, max (ms), runs, cpu ms (user + system,
#   mean), peak RSS MB (median)
# `group` is $bench_group. The exports are $out/<group>-<name>.json.
time_one() {
    local name=$1 runs=$2 prep="" json
    shift 2
    local hf=(hyperfine -N --style basic --runs "$runs")
    if [[ $1 == --prepare ]]; then
        prep=$2
        hf+=(--prepare "$prep")
        shift 2
    else
        hf+=(--warmup "${bench_warmup:-1}")
    fi
    json=$out/$bench_group-$name.json
    log "$bench_group/$name: hyperfine, $runs runs"
    "${hf[@]}" --export-json "$json" -n "$name" "$(quote_cmd "$@")" >&2 ||
        die "$bench_group/$name failed under hyperfine"
    local timing rss
    timing=$(jq -r '.results[0] | [(.median, .mean, .min, .max) * 10000 | round / 10]
        + [(.times | length), ((.user + .system) * 10000 | round / 10)] | @tsv' "$json")
    log "$bench_group/$name: peak RSS"
    if [[ -n $prep ]]; then
        rss=$(peak_rss_mb --prepare "$prep" "$@") || rss=NA
    else
        rss=$(peak_rss_mb "$@") || rss=NA
    fi
    printf '%s\t%s\t%s\t%s\n' "$bench_group" "$name" "$timing" "$rss" >>"$out/results.tsv"
}

# ratio GROUP SLOW FAST: median(SLOW) / median(FAST) from results.tsv, 2 decimals.
ratio() {
    awk -F'\t' -v g="$1" -v a="$2" -v b="$3" '
        $1 == g && $2 == a { x = $3 } $1 == g && $2 == b { y = $3 }
        END { if (x == "" || y == "" || y == 0) print "NA"; else printf "%.2f", x / y }' \
        "$out/results.tsv"
}

# median_of GROUP NAME: the median ms of a row of results.tsv.
median_of() {
    awk -F'\t' -v g="$1" -v a="$2" '$1 == g && $2 == a { print $3 }' "$out/results.tsv"
}

# pg_server: sets pg_url (a server URL whose user may create databases) and
# pg_bin (psql's folder): BENCH_PG_URL if set, else a throwaway server from
# tests/pg/start.sh, stopped by bench_cleanup. Returns 1 if there is none.
pg_dir=""
pg_server() {
    if [[ -n ${BENCH_PG_URL:-} ]]; then
        pg_url=$BENCH_PG_URL
        pg_bin=$(dirname "$(command -v psql)")
        return 0
    fi
    bash "$root/tests/pg/start.sh" "$work/pg.env" || return 1
    # shellcheck disable=SC1091
    source "$work/pg.env"
    pg_dir=$ATHANOR_TEST_PG_DIR
    pg_url=$ATHANOR_TEST_PG_URL
    pg_bin=$(head -n 1 "$pg_dir/athanor-pg")
}

# pg_fresh_db NAME: (re)creates database NAME on the server; prints its URL.
pg_fresh_db() {
    "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -d "$pg_url" \
        -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null ||
        return 1
    printf '%s/%s' "${pg_url%/*}" "$1"
}

bench_cleanup() {
    if [[ -n $pg_dir ]]; then
        bash "$root/tests/pg/stop.sh" "$pg_dir" || true
    fi
    rm -rf -- "$work"
}

# machine_line: what the numbers were measured on, for the result header.
machine_line() {
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs:" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
        "load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
    echo "# athanor $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') ($athanor);" \
        "SQLite $(sqlite3 --version | cut -d ' ' -f 1)"
}

# python_versions: Python, Flask-Migrate, Alembic and SQLAlchemy of $python.
python_versions() {
    "$python" -c 'import sys; from importlib.metadata import version as v
print("Python", sys.version.split()[0] + ", Flask-Migrate", v("Flask-Migrate") + ", Alembic",
      v("alembic") + ", SQLAlchemy", v("SQLAlchemy"))' 2>/dev/null || echo "Python: $python"
}

# print_results: results.tsv as a table.
print_results() {
    printf '%-11s %-16s %9s %9s %9s %9s %5s %8s %7s\n' \
        group tool median mean min max runs cpu_ms rss_MB
    awk -F'\t' '{ printf "%-11s %-16s %9s %9s %9s %9s %5s %8s %7s\n",
        $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$out/results.tsv"
}
