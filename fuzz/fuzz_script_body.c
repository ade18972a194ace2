/* libFuzzer target: parser, resolver scope and the script body reader on
 * arbitrary bytes, both directions and both dialects; ops that come back
 * must dump, and a failure must leave no ops and an error diagnostic. */
#include "athanor.h"
#include "models/resolve.h"
#include "py/parser.h"
#include "script/body.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int d = 0; d < 2; d++) {
        ath_arena *arena = ath_arena_new();
        if (!arena)
            return 0;
        ath_diags diags;
        ath_diags_init(&diags, arena);
        ath_dialect dialect = d ? ATH_DIALECT_POSTGRESQL : ATH_DIALECT_SQLITE;
        ath_models_options opt = {dialect, NULL, 0, NULL};
        ath_py_node *tree = NULL;
        ath_project *p = ath_project_new(arena, &opt, &diags);
        ath_scope *scope = NULL;
        if (p && ath_py_parse(&tree, arena, "versions/x.py", (const char *)data, size, &diags) == 0 &&
            ath_project_add_file(&scope, p, "versions/x.py", "", tree) == 0) {
            for (int dir = 0; dir < 2; dir++) {
                ath_op *ops = NULL;
                size_t n = 0;
                int rc = ath_script_read_body(&ops, &n, arena, tree, "versions/x.py", "x", scope,
                                              dialect, dir ? ATH_SCRIPT_DOWNGRADE : ATH_SCRIPT_UPGRADE,
                                              &diags);
                if (rc && (ops || n))
                    abort();
                if (rc == ATH_EPARSE && diags.errors == 0)
                    abort();
                ath_buf out = ATH_BUF_INIT;
                ath_ops_dump(&out, ops, n);
                ath_buf_free(&out);
            }
        }
        ath_arena_free(arena);
    }
    return 0;
}
