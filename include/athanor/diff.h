/*
 * The schema diff behind `migrate`: the actual Schema (database, or history
 * replayed) against the desired one (models) gives the Op list autogenerate
 * writes into upgrade(), in Alembic's order. Script text is not made here.
 */
#ifndef ATHANOR_DIFF_H
#define ATHANOR_DIFF_H

#include "athanor/common.h"
#include "athanor/ops.h"
#include "athanor/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One `--rename` pair: a column rename (table set) or a table rename (table NULL). */
typedef struct ath_rename {
    const char *table;
    const char *old_name;
    const char *new_name;
} ath_rename;

/*
 * Parses "table.old=new" (a column of `table`) or "old_table=new_table" into
 * *out; the strings are copied into `arena`. ATH_EINVAL with a message for
 * anything else (missing '=', empty names, a dot on the right-hand side).
 */
int ath_rename_parse(ath_rename *out, ath_arena *arena, const char *text);

/*
 * A zeroed struct is Flask-Migrate 4's defaults on SQLite: types compared,
 * server defaults not, every table-level op in batch mode (render_as_batch).
 */
typedef struct ath_diff_options {
    ath_dialect dialect;
    bool skip_type_compare;      /* compare_type=False */
    bool compare_server_default; /* --compare-server-default */
    bool no_batch;               /* render_as_batch=False: plain op.* calls */
    const ath_rename *renames;
    size_t nrenames;
} ath_diff_options;

/*
 * Compares `actual` with `desired` and returns in *ops (an array of *nops
 * ops in `arena`, pointing into both schemas and the arena: they must
 * outlive it) the upgrade ops that turn the one into the other, in Alembic's
 * order: tables added (foreign-key order; each create_table followed by its
 * create_index ops; foreign keys of a cycle as create_foreign_key after the
 * last create_table), tables dropped (reverse foreign-key order, each after
 * drop_index of its indexes), then the tables on both sides by name: column
 * renames, add_column, alter_column, indexes and unique constraints (removed,
 * changed, added), foreign keys (removed, added), named check constraints,
 * table comment, drop_column. PostgreSQL enum types are created right before
 * the first op that uses them and dropped right after the last one that
 * stops using them; added values give add_enum_value. `alembic_version` and
 * `athanor_history` are never compared. The ops' inverses (ath_ops_inverse)
 * are the downgrade.
 *
 * `notes` (may be NULL) receives, with path NULL: ATH_DIAG_WARNING for each
 * destructive change (a table or column dropped, a type narrowed, NOT NULL
 * without a server default on an existing table, an enum value that cannot
 * be removed), ATH_DIAG_NOTE for likely renames ("possible rename: user.name
 * -> user.full_name (use --rename user.name=full_name)") and for constraints
 * the database gave no name, which are left alone instead of being dropped
 * by a None name.
 *
 * Errors: ATH_EINVAL (a rename pair that names no such table or column, or
 * whose target exists already), ATH_ENOMEM. *ops is NULL and *nops 0 then.
 */
int ath_diff(ath_op **ops, size_t *nops, ath_arena *arena, const ath_schema *actual,
             const ath_schema *desired, const ath_diff_options *opts, ath_diags *notes);

#ifdef __cplusplus
}
#endif
#endif
