/* libFuzzer target: the identifiers cache's reader on arbitrary bytes. What
 * it accepts must be in name order and, written out again, read back the
 * same and write the same text (the format has one spelling). */
#include "athanor.h"
#include "script/ids_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ath_arena *arena = ath_arena_new();
    if (!arena)
        return 0;
    ath_ids_cache cache;
    bool ok = ath_ids_cache_parse(&cache, arena, (const char *)data, size);
    if (!ok && cache.count)
        abort();
    for (size_t i = 1; i < cache.count; i++)
        if (strcmp(cache.records[i - 1].name, cache.records[i].name) >= 0)
            abort();
    if (ok) {
        ath_buf once = ATH_BUF_INIT, twice = ATH_BUF_INIT;
        ath_ids_cache_format(&once, cache.records, cache.count);
        ath_ids_cache again;
        if (!once.oom) {
            if (!ath_ids_cache_parse(&again, arena, once.ptr, once.len) ||
                again.count != cache.count)
                abort();
            ath_ids_cache_format(&twice, again.records, again.count);
            if (!twice.oom && (twice.len != once.len || memcmp(twice.ptr, once.ptr, once.len)))
                abort();
        }
        ath_buf_free(&once);
        ath_buf_free(&twice);
    }
    ath_arena_free(arena);
    return 0;
}
