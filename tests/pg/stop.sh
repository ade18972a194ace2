#!/usr/bin/env bash
# Stops a server made by tests/pg/start.sh and removes its folder.
# Usage: tests/pg/stop.sh [DIR]   (default: $ATHANOR_TEST_PG_DIR)
# A folder that is already gone is not an error; one start.sh did not make is
# refused, so a wrong argument cannot remove anything else.
set -euo pipefail

dir=${1:-${ATHANOR_TEST_PG_DIR:-}}

log() { echo "pg: $*" >&2; }

if [[ -z $dir ]]; then
    echo "usage: tests/pg/stop.sh DIR   (or set ATHANOR_TEST_PG_DIR)" >&2
    exit 2
fi
if [[ ! -e $dir ]]; then
    exit 0
fi
if [[ ! -f $dir/athanor-pg ]]; then
    log "$dir was not made by tests/pg/start.sh; leaving it alone"
    exit 1
fi

bindir=$(head -n 1 "$dir/athanor-pg")
pidfile=$dir/data/postmaster.pid

# True while the process is alive (a zombie counts as gone).
running() {
    local state
    state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [[ -n $state && $state != Z ]]
}

wait_gone() {
    for _ in $(seq 100); do
        running "$1" || return 0
        sleep 0.1
    done
    return 1
}

if [[ -f $pidfile ]]; then
    # The postmaster named in the pid file, if it is this folder's server and
    # not a process that happens to have reused the id.
    pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
    if ! [[ $pid =~ ^[0-9]+$ ]] || [[ $(cat "/proc/$pid/comm" 2>/dev/null) != postgres ]] ||
        [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) != "$(realpath "$dir/data")" ]]; then
        pid=""
    fi

    as_user=()
    owner=$(stat -c %U "$dir/data")
    if ((EUID == 0)) && [[ $owner != root ]]; then
        as_user=(runuser -u "$owner" --)
    fi
    (cd "$dir" && "${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 \
        stop >/dev/null 2>&1) || true

    # pg_ctl returns once the pid file is gone, a moment before the process.
    if [[ -n $pid ]] && ! wait_gone "$pid"; then
        kill -QUIT "$pid" 2>/dev/null || true
        if ! wait_gone "$pid"; then
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" || log "server process $pid did not exit"
        fi
    fi
fi

rm -rf -- "$dir"
