#!/usr/bin/env bash
# Installs the Debian 12 packages Athanor needs to build and test.
# Asks dpkg first and touches apt only for what is missing, so a second run is
# quick and changes nothing. Run as root, or as a user who may use sudo.
set -euo pipefail

# To compile libathanor and the athanor binary, the cmocka unit tests and the
# libFuzzer targets (clang with its sanitizer and fuzzer runtimes).
build_packages=(
    build-essential
    cmake
    pkg-config
    libpq-dev
    libsqlite3-dev
    libgit2-dev
    libcmocka-dev
    clang
    libclang-rt-dev
)

# To run the tests, the example and the benchmarks: the sqlite3 shell, a
# PostgreSQL server started on loopback by tests/pg/start.sh, Flask-Migrate
# for the interop tests, GNU time for peak memory and hyperfine for timings.
test_packages=(
    sqlite3
    postgresql
    python3
    python3-flask-sqlalchemy
    python3-flask-migrate
    python3-psycopg2
    time
    hyperfine
)

missing=()
for pkg in "${build_packages[@]}" "${test_packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "setup: all packages are installed"
    exit 0
fi

# sudo drops the environment, so the variable goes on the command line.
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0)
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "setup: missing packages: ${missing[*]}" >&2
        echo "setup: run this script as root to install them" >&2
        exit 1
    fi
    apt=(sudo "${apt[@]}")
fi

echo "setup: installing ${missing[*]}"
"${apt[@]}" update
"${apt[@]}" install -y "${missing[@]}"
