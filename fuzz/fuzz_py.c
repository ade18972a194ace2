/*
 * libFuzzer target: the Python tokenizer and parser on arbitrary bytes, and
 * the printer on every tree they accept. A failure must leave exactly one
 * error diagnostic with a position.
 */
#include "py/parser.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_failure(int rc, const ath_diags *diags)
{
    if (rc != ATH_EPARSE)
        return;
    if (diags->count != 1 || diags->errors != 1 || diags->items[0].line < 1 ||
        diags->items[0].col < 1)
        abort();
}

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

    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_py_tokens toks;
    int rc = ath_py_tokenize(&toks, arena, "fuzz.py", text, size, &diags);
    check_failure(rc, &diags);
    if (rc == 0 && (toks.count == 0 || toks.items[toks.count - 1].kind != ATH_PY_TOK_ENDMARKER))
        abort();

    ath_diags_init(&diags, arena);
    ath_py_node *module = NULL;
    rc = ath_py_parse(&module, arena, "fuzz.py", text, size, &diags);
    check_failure(rc, &diags);
    if (rc == 0) {
        ath_buf out = ATH_BUF_INIT;
        ath_py_print(&out, module);
        ath_buf_free(&out);
    }
    ath_arena_free(arena);
    free(text);
    return 0;
}
