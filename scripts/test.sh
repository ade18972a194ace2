#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, builds the
# release and sanitizer builds, runs both ctest suites against a throwaway
# PostgreSQL server, then runs every libFuzzer target for a bounded time.
# Ends with one line "N passed, N failed" (test executables and fuzz targets)
# and exits non-zero if anything failed.
#   ATHANOR_FUZZ_SECONDS  seconds per fuzz target (default 20)
#   CI=true               a PostgreSQL server that cannot start fails the suite;
#                         otherwise the PostgreSQL tests are skipped with a warning
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

fuzz_seconds=${ATHANOR_FUZZ_SECONDS:-20}
passed=0
failed=0
failures=()
pg_dir=""
work=$(mktemp -d "${TMPDIR:-/tmp}/athanor-test.XXXXXX") || exit 1

cleanup() {
    if [[ -n $pg_dir ]]; then
        bash tests/pg/stop.sh "$pg_dir" || true
        pg_dir=""
    fi
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section() { printf '\n=== %s\n' "$*"; }

fail() {
    failed=$((failed + 1))
    failures+=("$1")
    echo "test: FAILED: $1" >&2
}

summary() {
    cleanup
    echo
    local f
    for f in "${failures[@]}"; do
        echo "failed: $f"
    done
    echo "$passed passed, $failed failed"
}

# Runs one build's ctest suite and counts its test executables.
# Usage: run_ctest NAME BUILD_DIR [VAR=VALUE...]
run_ctest() {
    local name=$1 dir=$2
    shift 2
    local log=$work/ctest-$name.log status counts nfail total
    env "$@" ctest --test-dir "$dir" --output-on-failure -j2 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    counts=$(sed -n 's/.* \([0-9][0-9]*\) tests\{0,1\} failed out of \([0-9][0-9]*\).*/\1 \2/p' \
        "$log" | tail -n 1)
    if [[ -z $counts ]]; then
        if ((status != 0)); then
            fail "ctest $name (exit $status)"
        else
            echo "test: warning: ctest found no tests in $dir/" >&2
        fi
        return
    fi
    read -r nfail total <<<"$counts"
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
    if ((nfail > 0)); then
        failures+=("$nfail of $total tests in $dir/")
    elif ((status != 0)); then
        fail "ctest $name (exit $status)"
    fi
}

# Runs one libFuzzer target for $fuzz_seconds on a copy of its checked-in
# corpus. Findings are kept in build-fuzz/fuzz-artifacts/NAME/.
# The golden inputs of a fuzz target's parser, which seed it beside
# fuzz/corpus/NAME/ (that folder keeps only seeds the golden tests lack).
golden_seeds() {
    case $1 in
    py) find tests/golden/py -name '*.py' ;;
    models) find tests/golden/models -name models.py ;;
    script_body) find tests/golden/script_bodies -name '*.py' ;;
    script_ids) find tests/golden/scripts -name '*.py' ;;
    esac
}

run_fuzz() {
    local target=$1 name short corpus artifacts log seed
    name=$(basename "$target")
    short=${name#fuzz_}
    corpus=$work/corpus-$short
    artifacts=build-fuzz/fuzz-artifacts/$short
    log=$work/fuzz-$short.log
    mkdir -p "$corpus" "$artifacts"
    if [[ -d fuzz/corpus/$short ]]; then
        cp -R "fuzz/corpus/$short/." "$corpus/"
    fi
    while IFS= read -r seed; do
        cp "$seed" "$corpus/golden-${seed//\//_}"
    done < <(golden_seeds "$short")
    echo "fuzz: $name for ${fuzz_seconds}s"
    if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        timeout --foreground -k 10 $((fuzz_seconds + 120)) "$target" -max_total_time="$fuzz_seconds" \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$corpus" \
        >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "fuzz: $name ok: $(grep '^Done ' "$log" | tail -n 1)"
    else
        tail -n 60 "$log"
        fail "fuzz $name (findings in $artifacts/)"
    fi
}

section "setup"
if ! bash scripts/setup.sh; then
    fail "setup"
    summary
    exit 1
fi

built_release=0
built_asan=0
section "build release"
if bash scripts/build.sh release; then
    built_release=1
else
    fail "build release"
fi
section "build asan"
if bash scripts/build.sh asan; then
    built_asan=1
else
    fail "build asan"
fi

section "PostgreSQL"
if bash tests/pg/start.sh "$work/pg.env"; then
    # shellcheck source=/dev/null
    source "$work/pg.env"
    export ATHANOR_TEST_PG_URL ATHANOR_TEST_PG_DIR
    pg_dir=$ATHANOR_TEST_PG_DIR
elif [[ ${CI:-} == true ]]; then
    fail "the test PostgreSQL server did not start"
else
    {
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "!! WARNING: the test PostgreSQL server did not start."
        echo "!! The PostgreSQL tests are SKIPPED. (With CI=true this fails the suite.)"
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    } >&2
fi

if ((built_release)); then
    section "tests: release"
    run_ctest release build
fi
if ((built_asan)); then
    section "tests: asan"
    run_ctest asan build-asan \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

section "build fuzz"
if bash scripts/build.sh fuzz; then
    section "fuzz"
    targets=0
    for target in build-fuzz/fuzz/fuzz_*; do
        if [[ -f $target && -x $target ]]; then
            targets=$((targets + 1))
            run_fuzz "$target"
        fi
    done
    if ((targets == 0)); then
        echo "test: warning: no fuzz targets in build-fuzz/fuzz/" >&2
    fi
else
    fail "build fuzz"
fi

summary
((failed == 0))
