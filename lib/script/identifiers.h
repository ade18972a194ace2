/*
 * The script reader's first half: the identifiers of a migration script
 * (`revision`, `down_revision`, `branch_labels`, `depends_on`, with or without
 * annotations) and its docstring, read from the module level of the parsed
 * file. upgrade() and downgrade() are parsed but not looked into: reading
 * their operations is the other half of the reader.
 */
#ifndef ATH_LIB_SCRIPT_IDENTIFIERS_H
#define ATH_LIB_SCRIPT_IDENTIFIERS_H

#include "athanor.h"
#include "athanor/revision.h"

/*
 * Reads the identifiers of one script from `len` bytes of `src` into *out
 * (arena-owned, pointing into nothing else). Python semantics: the last
 * module-level assignment of a name counts; `x: T` alone assigns nothing.
 * A file without a `revision` assignment is not a revision: *out is NULL,
 * rc 0, and a note says so. Values: `revision` a string; `down_revision`,
 * `branch_labels`, `depends_on` None, a string, or a tuple / list of strings
 * (branch_labels and depends_on may be left out). Anything else — another
 * literal, a name, a call, an f-string, a tuple-unpacking or augmented
 * assignment, a missing down_revision — is an error diagnostic at the value's
 * file:line:col naming the construct. Errors: ATH_EPARSE (syntax error or a
 * refused value; *out NULL), ATH_ENOMEM.
 */
int ath_script_read_ids(ath_revision_decl **out, ath_arena *arena, const char *path,
                        const char *src, size_t len, ath_diags *diags);

/*
 * Reads every script of `versions_dir`: the files whose names end in `.py`,
 * except `__init__*` and editor lock files (`.#*`), as Alembic lists them,
 * sorted by name. Subfolders are not read: Alembic reads them only with
 * `recursive_version_locations = true` (1.10+), which is not supported.
 * Files that are not revisions are left out with a note. *out holds *count
 * declarations in the arena. Errors: ATH_ENOTFOUND (no such folder), ATH_EIO
 * (naming the file), ATH_EPARSE (every file is read; each problem is a
 * diagnostic), ATH_ENOMEM.
 */
int ath_script_load_ids(ath_revision_decl **out, size_t *count, ath_arena *arena,
                        const char *versions_dir, ath_diags *diags);

/*
 * ath_script_load_ids, with the folder's identifiers cache (ids_cache.h): a
 * script whose size, mtime, ctime and inode match its record is not read;
 * the cache is written again when a script was read or one went away.
 */
int ath_script_load_ids_cached(ath_revision_decl **out, size_t *count, ath_arena *arena,
                               const char *versions_dir, ath_diags *diags);

#endif
