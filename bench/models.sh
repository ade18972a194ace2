#!/usr/bin/env bash
# Benchmark of reading models: `athanor inspect --models DIR --format sql` on
# generated Flask-SQLAlchemy models, side by side with Python importing the
# same files and building their MetaData (what every `flask db` command does
# before it can start).
#
# Generates BENCH_CLASSES model classes spread over BENCH_FILES files, plus a
# base.py holding `db = SQLAlchemy()`. Each class has a __tablename__, an
# integer primary key, 8 more columns (String with and without index/unique,
# Text, Boolean with a default, DateTime with a server default, Numeric,
# Float) and a foreign key to the previous class; every 4th class also has a
# named unique constraint and a composite index in __table_args__.
#
# The commands, timed with hyperfine (3 warm-up runs, at least BENCH_RUNS
# runs, no intermediate shell), median reported:
#   athanor      athanor inspect --models DIR --format sql
#   python       python3 -c 'import the model files; sorted_tables'
#   py-startup   python3 -c 'import flask_sqlalchemy': the start-up part alone
#
# Usage: bench/models.sh
# Environment:
#   BENCH_CLASSES  number of model classes (default 1000)
#   BENCH_FILES    number of files they are spread over (default 10)
#   BENCH_RUNS     minimum hyperfine runs per command (default 20)
#   BENCH_OUT      folder kept for the models and hyperfine's exports
#                  (default: a temporary folder, removed)
#   ATHANOR_BIN    the binary (default build/athanor, built if missing)
#   BENCH_PYTHON   a Python with Flask-SQLAlchemy (default /usr/bin/python3)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

classes=${BENCH_CLASSES:-1000}
files=${BENCH_FILES:-10}
runs=${BENCH_RUNS:-20}
athanor=${ATHANOR_BIN:-$root/build/athanor}
python=${BENCH_PYTHON:-/usr/bin/python3}

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require hyperfine jq awk
[[ $classes =~ ^[1-9][0-9]*$ && $files =~ ^[1-9][0-9]*$ ]] ||
    die "BENCH_CLASSES and BENCH_FILES must be whole numbers"
((files <= classes)) || die "BENCH_FILES must not exceed BENCH_CLASSES"

bench_athanor

work=$(mktemp -d "${TMPDIR:-/tmp}/athanor-bench-models.XXXXXX")
out=${BENCH_OUT:-$work/out}
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
models=$out/models
rm -rf -- "$models"
mkdir -p "$models"

log "generating $classes model classes in $files files under $models"
# One chain of foreign keys through every table (the chain length is the
# number of classes): the models of bench/gen_models.sh.
bash "$(dirname "${BASH_SOURCE[0]}")/gen_models.sh" "$models" "$classes" "$files" "$classes"
log "$(cat "$models"/*.py | wc -l) lines of Python"

# The Python side imports every generated module, then asks for the sorted
# tables, which makes SQLAlchemy resolve every foreign key.
py_models="import sys, glob, os, importlib; sys.path.insert(0, sys.argv[1]); \
mods = [importlib.import_module(os.path.basename(p)[:-3]) for p in sorted(glob.glob(sys.argv[1] + '/models_*.py'))]; \
from base import db; assert len(db.metadata.sorted_tables) == $classes"
py_startup='import flask_sqlalchemy'

c_athanor=("$athanor" inspect --models "$models" --format sql)
"${c_athanor[@]}" >"$work/athanor.sql" 2>"$work/athanor.err" ||
    die "athanor inspect failed: $(head -n 5 "$work/athanor.err")"
made=$(grep -c '^CREATE TABLE' "$work/athanor.sql" || true)
[[ $made == "$classes" ]] || die "athanor printed $made CREATE TABLE statements, expected $classes"

args=(-n athanor "$(printf '%q ' "${c_athanor[@]}")")
if "$python" -c "$py_models" "$models" 2>"$work/python.err"; then
    args+=(-n python "$(printf '%q ' "$python" -c "$py_models" "$models")")
    args+=(-n py-startup "$(printf '%q ' "$python" -c "$py_startup")")
else
    log "$python cannot import the models, the Python rows are left out: $(tail -n 2 "$work/python.err")"
fi

hyperfine -N --warmup 3 --min-runs "$runs" --style basic \
    --export-json "$out/models.json" --export-markdown "$out/models.md" "${args[@]}" >&2

echo
echo "Reading $classes model classes in $files files ($(nproc) CPUs, $(uname -m)):"
echo
echo "| command | median ms | mean ms | min ms | max ms | runs |"
echo "|---|---:|---:|---:|---:|---:|"
jq -r '.results[] | "| \(.command) | \(.median * 10000 | round / 10) | \(.mean * 10000 | round / 10) | \(.min * 10000 | round / 10) | \(.max * 10000 | round / 10) | \(.times | length) |"' \
    "$out/models.json"
