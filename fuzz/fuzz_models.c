/* libFuzzer target: tokenizer, parser and models reader on arbitrary bytes,
 * for both dialects; a schema that comes back must render. */
#include "athanor.h"
#include "models/models_internal.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ath_type_mapping types[] = {{"MoneyType", "Numeric(12, 2)"}};
    const char *path = "models.py";
    const char *text = (const char *)data;
    for (int d = 0; d < 2; d++) {
        ath_arena *arena = ath_arena_new();
        if (!arena)
            return 0;
        ath_diags diags;
        ath_diags_init(&diags, arena);
        ath_models_options opt = {d ? ATH_DIALECT_POSTGRESQL : ATH_DIALECT_SQLITE, types, 1,
                                  "alembic.ini"};
        ath_schema *schema = NULL;
        int rc = ath_models_read_sources(&schema, arena, &path, &text, &size, 1, &opt, &diags);
        /* Success and a schema go together; failure leaves no schema. */
        if ((rc == 0) != (schema != NULL))
            abort();
        if (rc == ATH_EPARSE && diags.errors == 0)
            abort();
        if (schema) {
            ath_buf out = ATH_BUF_INIT;
            ath_schema_to_sql(&out, schema, opt.dialect);
            ath_buf_free(&out);
        }
        ath_arena_free(arena);
    }
    return 0;
}
