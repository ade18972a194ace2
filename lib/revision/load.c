/*
 * A migrations folder's revision graph in one call: the script reader's
 * identifiers of the .py files in versions/, then the map. Nothing else of
 * the scripts is read here.
 */
#include "revision/revmap_internal.h"
#include "script/identifiers.h"

static int load(ath_revmap **out, ath_arena *arena, const char *versions_dir, ath_diags *diags,
                bool cached)
{
    *out = NULL;
    ath_revision_decl *decls;
    size_t n;
    int rc = cached ? ath_script_load_ids_cached(&decls, &n, arena, versions_dir, diags)
                    : ath_script_load_ids(&decls, &n, arena, versions_dir, diags);
    if (rc)
        return rc;
    return ath_revmap_build(out, arena, decls, n, diags);
}

int ath_revmap_load(ath_revmap **out, ath_arena *arena, const char *versions_dir, ath_diags *diags)
{
    return load(out, arena, versions_dir, diags, false);
}

int ath_revmap_load_cached(ath_revmap **out, ath_arena *arena, const char *versions_dir,
                           ath_diags *diags)
{
    return load(out, arena, versions_dir, diags, true);
}
