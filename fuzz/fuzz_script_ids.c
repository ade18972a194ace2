/* libFuzzer target: the script reader's identifiers on arbitrary bytes, then
 * a one-revision graph from what comes back, resolved and planned. */
#include "athanor.h"
#include "athanor/revision.h"
#include "script/identifiers.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ath_arena *arena = ath_arena_new();
    if (!arena)
        return 0;
    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_revision_decl *decl = NULL;
    int rc = ath_script_read_ids(&decl, arena, "versions/x.py", (const char *)data, size, &diags);
    /* A revision comes back only on success; a parse failure always says where. */
    if (rc && decl)
        abort();
    if (rc == ATH_EPARSE && diags.errors == 0)
        abort();
    if (!rc && decl) {
        if (!decl->id || !decl->doc || !decl->longdoc)
            abort();
        /* Its parents do not exist, so the graph is refused unless it is a base. */
        ath_revmap *map = NULL;
        rc = ath_revmap_build(&map, arena, decl, 1, &diags);
        if ((rc == 0) != (map != NULL))
            abort();
        if (map) {
            ath_revplan plan;
            ath_revset set;
            const char *idents[] = {"heads", "head", "+1", "-1", decl->id};
            for (size_t i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
                (void)ath_revmap_resolve(&set, arena, map, idents[i], NULL, 0);
                (void)ath_revmap_upgrade_plan(&plan, arena, map, NULL, 0, idents[i]);
                (void)ath_revmap_downgrade_plan(&plan, arena, map, &decl->id, 1, idents[i]);
            }
        }
    }
    ath_arena_free(arena);
    return 0;
}
