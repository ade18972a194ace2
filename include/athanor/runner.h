/*
 * Running migrations: `upgrade` and `downgrade` of a versions/ folder on a
 * database, one transaction per migration, under the migration lock, with
 * alembic_version kept as Alembic keeps it and one athanor_history row per
 * step. It prints nothing: progress goes to a callback.
 */
#ifndef ATHANOR_RUNNER_H
#define ATHANOR_RUNNER_H

#include "athanor/backend.h"
#include "athanor/common.h"
#include "athanor/revision.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ath_runner_options {
    /* Where script problems go (refused bodies, notes about files that are
     * not revisions); NULL: a private list, only the last error remains. */
    ath_diags *diags;
    /* Called just before each migration runs (may be NULL). */
    void (*on_step)(void *ctx, const ath_revision_step *step);
    void *ctx;
    /* Set to the number of migrations applied (may be NULL). */
    size_t *applied;
} ath_runner_options;

/*
 * Brings the database to `target` (any form ath_revmap_upgrade_plan takes;
 * "head" when NULL), or down to it (ath_revmap_downgrade_plan's forms; "-1"
 * when NULL). In order:
 *  - loads the revision map of `versions_dir`;
 *  - takes the migration lock for the whole run (ath_backend_lock);
 *  - reads alembic_version (none: an empty database) and plans the steps;
 *  - reads the upgrade() / downgrade() bodies of the steps about to run, all
 *    of them before anything is executed: a refused construct in any of them
 *    refuses the run with the database untouched;
 *  - runs each migration in its own transaction (a savepoint inside the
 *    lock's write transaction on SQLite): its statements, rendered from the
 *    ops against the schema as it stands, then alembic_version's UPDATE /
 *    INSERT / DELETE, then one athanor_history row. alembic_version and
 *    athanor_history are created in the first migration's transaction when
 *    missing. On SQLite, foreign keys are off for the run (restored after)
 *    and a migration that rebuilt a table is refused when
 *    `PRAGMA foreign_key_check` finds a row.
 * A failing migration is rolled back, the ones before it stay, and the run
 * stops. Errors: those of ath_revmap_load and the planners; ATH_EPARSE
 * (refused bodies, diagnostics in options->diags); ATH_EIO (a script cannot
 * be read); ATH_EBACKEND with the server's words, the failing statement and
 * "revision X (path)"; ATH_ECONFLICT (foreign-key check, lock); ATH_ENOMEM.
 */
int ath_runner_upgrade(ath_backend *backend, const char *versions_dir, const char *target,
                       const ath_runner_options *options);
int ath_runner_downgrade(ath_backend *backend, const char *versions_dir, const char *target,
                         const ath_runner_options *options);

/*
 * The rows of alembic_version, in the table's order, into *out (an array of
 * *count strings in `arena`); none when the table does not exist.
 * Errors: ATH_EBACKEND, ATH_ENOMEM.
 */
int ath_runner_current(const char ***out, size_t *count, ath_arena *arena, ath_backend *backend);

/*
 * The git blob id of `len` bytes (sha1 of "blob <len>\0" + content) as 40
 * lowercase hex digits and a NUL into `hex`; what athanor_history.checksum holds.
 */
void ath_runner_blob_id(char hex[41], const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
