#!/usr/bin/env bash
# Configures and builds Athanor with CMake in one of three build directories:
#   release  build/       RelWithDebInfo, warnings are errors
#   asan     build-asan/  Debug, warnings are errors, ASan + UBSan
#   fuzz     build-fuzz/  clang, warnings are errors, libFuzzer targets in
#                         build-fuzz/fuzz/, ASan + UBSan, no tests
# Usage: scripts/build.sh [release|asan|fuzz]   (default: release)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-release}
jobs=${ATHANOR_JOBS:-2}

case $mode in
release)
    dir=build
    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DATHANOR_WERROR=ON)
    ;;
asan)
    dir=build-asan
    args=(-DCMAKE_BUILD_TYPE=Debug -DATHANOR_WERROR=ON -DATHANOR_SANITIZE=ON)
    ;;
fuzz)
    dir=build-fuzz
    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang
        -DATHANOR_FUZZ=ON -DATHANOR_SANITIZE=ON -DATHANOR_WERROR=ON -DATHANOR_TESTS=OFF)
    ;;
*)
    echo "usage: scripts/build.sh [release|asan|fuzz]" >&2
    exit 2
    ;;
esac

echo "build: $mode in $dir/"
cmake -S . -B "$dir" "${args[@]}"
cmake --build "$dir" -j "$jobs"
