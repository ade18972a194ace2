/* libFuzzer target: INI parsing as configparser reads alembic.ini, lookups and
 * %(name)s interpolation of every value. */
#include "athanor.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ath_arena *arena = ath_arena_new();
    if (!arena)
        return 0;
    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_ini ini;
    int rc = ath_ini_parse(&ini, arena, "alembic.ini", (const char *)data, size, &diags);
    /* A parse error always says where; success never leaves an error behind. */
    if (rc == ATH_EPARSE && diags.errors == 0)
        abort();
    if (rc == 0 && diags.errors != 0)
        abort();
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].line < 1 || diags.items[i].col < 0)
            abort();
    for (size_t i = 0; rc == 0 && i < ini.count; i++) {
        const ath_ini_entry *e = &ini.entries[i];
        if (!e->section || !e->key || !e->value || e->line < 1)
            abort();
        if (ath_ini_get(&ini, e->section, e->key) != e)
            abort();
        const char *value = NULL;
        if (ath_ini_interpolate(&value, arena, &ini, e, &diags) == 0 && !value)
            abort();
    }
    ath_arena_free(arena);
    return 0;
}
