#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests: a new cluster in a new
# temporary folder, listening on 127.0.0.1 only, its unix socket in that folder,
# durability off. The system's own cluster is never touched.
# Usage: tests/pg/start.sh [ENV_FILE]
# Prints (or writes to ENV_FILE) the shell lines
#   export ATHANOR_TEST_PG_URL='postgresql://athanor:<password>@127.0.0.1:<port>/athanor_test'
#   export ATHANOR_TEST_PG_DIR='<folder>'
# tests/pg/stop.sh stops the server and removes the folder.
set -euo pipefail

out=${1:-}
first_port=55432
last_port=55999

log() { echo "pg: $*" >&2; }

# The newest server installed, e.g. /usr/lib/postgresql/15/bin.
shopt -s nullglob
initdbs=(/usr/lib/postgresql/*/bin/initdb)
shopt -u nullglob
if ((${#initdbs[@]} == 0)); then
    log "no PostgreSQL server under /usr/lib/postgresql (scripts/setup.sh installs it)"
    exit 1
fi
bindir=$(printf '%s\n' "${initdbs[@]}" | sort -V | tail -n 1)
bindir=${bindir%/initdb}

# initdb and postgres refuse to run as root: use an unprivileged user.
as_user=()
if ((EUID == 0)); then
    user=postgres
    if ! id -u "$user" >/dev/null 2>&1; then
        user=athanor-test
        if ! id -u "$user" >/dev/null 2>&1; then
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$user"
        fi
    fi
    as_user=(runuser -u "$user" --)
else
    user=$(id -un)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/athanor-pg.XXXXXX")
ok=0
cleanup() {
    if ((ok == 0)); then
        if [[ -f $dir/data/postmaster.pid ]]; then
            "${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop \
                >/dev/null 2>&1 || true
        fi
        rm -rf -- "$dir"
    fi
}
trap cleanup EXIT

# The marker tells stop.sh that this folder is one it may remove.
echo "$bindir" >"$dir/athanor-pg"
mkdir "$dir/socket"
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pwfile"
chmod 700 "$dir"
chmod 600 "$dir/pwfile"
if ((EUID == 0)); then
    chown -R "$user:" "$dir"
fi
if ! "${as_user[@]}" test -w "$dir"; then
    log "user $user cannot write $dir; set TMPDIR to a folder it can reach"
    exit 1
fi

# Commands run from inside the folder: the server user may not enter the caller's.
cd "$dir"

if ! "${as_user[@]}" "$bindir/initdb" -D "$dir/data" -U athanor --pwfile="$dir/pwfile" \
    --auth=scram-sha-256 --locale=C --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
    log "initdb failed:"
    tail -n 30 "$dir/initdb.log" >&2
    exit 1
fi
rm -f "$dir/pwfile"

cat >>"$dir/data/postgresql.conf" <<CONF

# Throwaway test server made by tests/pg/start.sh: loopback only, no durability.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

port_in_use() {
    (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port found free can still be taken before the server binds it: on a bind
# failure, move on to the next port.
port=$first_port
started=0
while ((port <= last_port)); do
    if port_in_use "$port"; then
        port=$((port + 1))
        continue
    fi
    if "${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port" start >/dev/null 2>&1; then
        started=1
        break
    fi
    if ! grep -q 'could not bind\|Address already in use' "$dir/server.log" 2>/dev/null; then
        break
    fi
    port=$((port + 1))
done

if ((started == 0)); then
    log "the server did not start; end of $dir/server.log:"
    tail -n 30 "$dir/server.log" >&2 2>/dev/null || log "(no server log)"
    exit 1
fi

if ! PGPASSWORD=$password PGCONNECT_TIMEOUT=10 "$bindir/createdb" -h 127.0.0.1 -p "$port" \
    -U athanor athanor_test; then
    log "could not create the database athanor_test; end of $dir/server.log:"
    tail -n 30 "$dir/server.log" >&2
    exit 1
fi

url="postgresql://athanor:$password@127.0.0.1:$port/athanor_test"
printf "export ATHANOR_TEST_PG_URL='%s'\nexport ATHANOR_TEST_PG_DIR='%s'\n" "$url" "$dir" \
    >"$dir/env"
if [[ -n $out ]]; then
    cp "$dir/env" "$out"
else
    cat "$dir/env"
fi
ok=1
log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, in $dir"
