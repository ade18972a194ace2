# Shared by the tests/cli/test_*.sh scripts: a scratch directory, the binary,
# and checks that count passes and failures and print "N passed, N failed".
set -u

ATHANOR=${ATHANOR_BINARY:?ATHANOR_BINARY must name the athanor binary}
SRC=${ATHANOR_SOURCE_DIR:?ATHANOR_SOURCE_DIR must name the source tree}
SCRATCH=$(mktemp -d /tmp/athanor-cli-XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL: %s\n' "$*" >&2; }

# run CMD...: runs athanor, keeping stdout, stderr and the exit status.
run() {
    "$ATHANOR" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
    status=$?
}

expect_status() {
    local want=$1 what=$2
    if [ "$status" -eq "$want" ]; then pass; else
        fail "$what: exit $status, expected $want; stderr: $(cat "$SCRATCH/err")"
    fi
}

expect_err_contains() {
    if grep -qF -- "$1" "$SCRATCH/err"; then pass; else
        fail "$2: stderr lacks '$1': $(cat "$SCRATCH/err")"
    fi
}

expect_err_lacks() {
    if grep -qF -- "$1" "$SCRATCH/err" "$SCRATCH/out"; then
        fail "$2: output contains '$1'"
    else pass; fi
}

expect_one_line_error() {
    local n
    n=$(wc -l <"$SCRATCH/err")
    if [ "$n" -eq 1 ] && [ ! -s "$SCRATCH/out" ]; then pass; else
        fail "$1: expected one line on stderr and nothing on stdout, got $n lines: $(cat "$SCRATCH/err")"
    fi
}

finish() {
    printf '%d passed, %d failed\n' "$passed" "$failed"
    [ "$failed" -eq 0 ]
}

pg_required() {
    if [ -n "${ATHANOR_TEST_PG_URL:-}" ]; then return 0; fi
    if [ "${CI:-}" = true ]; then
        fail "ATHANOR_TEST_PG_URL is not set under CI=true"
    else
        printf 'skipped: PostgreSQL checks (ATHANOR_TEST_PG_URL not set)\n'
    fi
    return 1
}
