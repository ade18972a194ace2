/* libFuzzer target: SQLAlchemy URL parsing and redacted formatting. */
#include "athanor.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    ath_arena *arena = ath_arena_new();
    if (!text || !arena) {
        free(text);
        ath_arena_free(arena);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    ath_url url;
    if (ath_url_parse(&url, arena, text) == 0) {
        ath_buf out = ATH_BUF_INIT;
        ath_url_format_redacted(&out, &url);
        /* A password is always replaced by the mask. */
        if (url.password && !strstr(ath_buf_cstr(&out), ":***@"))
            abort();
        ath_buf_free(&out);
    }
    ath_arena_free(arena);
    free(text);
    return 0;
}
