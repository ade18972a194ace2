# `cmake --install` puts the binary, the library, the headers and a pkg-config
# file under a prefix, and a program built against them with pkg-config runs.
. "$(dirname "$0")/lib.sh"

build_dir=$(dirname "$ATHANOR")
prefix=$SCRATCH/prefix
if cmake --install "$build_dir" --prefix "$prefix" >"$SCRATCH/install.log" 2>&1; then pass; else
    fail "cmake --install failed: $(cat "$SCRATCH/install.log")"
fi
libdir=$(dirname "$(find "$prefix" -name athanor.pc | head -n 1)")/..
for f in "$prefix/bin/athanor" "$prefix/include/athanor.h" "$prefix/include/athanor/schema.h"; do
    if [ -e "$f" ]; then pass; else fail "not installed: $f"; fi
done
if ls "$libdir"/libathanor.so* >/dev/null 2>&1; then pass; else fail "libathanor.so not installed"; fi

"$prefix/bin/athanor" --version >"$SCRATCH/version" 2>&1
if grep -q '^athanor [0-9]' "$SCRATCH/version"; then pass; else fail "installed binary: $(cat "$SCRATCH/version")"; fi

cat >"$SCRATCH/consumer.c" <<'C'
#include <athanor.h>
#include <stdio.h>

int main(void)
{
    ath_arena *arena = ath_arena_new();
    ath_url url;
    int rc = ath_url_parse(&url, arena, "postgresql://app@db.example:6543/shop");
    printf("%d %s %d %s\n", rc, url.host, url.port, url.database);
    ath_arena_free(arena);
    return rc != 0;
}
C
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# A sanitizer build's library needs its runtime linked into the program too.
sanitize=()
if ldd "$libdir"/libathanor.so | grep -q libasan; then
    sanitize=(-fsanitize=address,undefined)
fi
# shellcheck disable=SC2046
if cc "${sanitize[@]}" -o "$SCRATCH/consumer" "$SCRATCH/consumer.c" $(pkg-config --cflags --libs athanor) \
    2>"$SCRATCH/cc.log"; then pass; else fail "building against the installed library: $(cat "$SCRATCH/cc.log")"; fi
out=$(LD_LIBRARY_PATH="$libdir" "$SCRATCH/consumer" 2>&1)
if [ "$out" = "0 db.example 6543 shop" ]; then pass; else fail "consumer printed: $out"; fi

finish
