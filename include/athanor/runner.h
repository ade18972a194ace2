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
    /* Called once the run is planned, under the lock, with the number of
     * migrations it will take (may be NULL; not called by offline mode). */
    void (*on_plan)(void *ctx, size_t count);
    /* The revision map of versions_dir, already loaded with ath_revmap_load
     * (while the database was being opened, say); NULL: the runner loads it. */
    const ath_revmap *map;
} ath_runner_options;

/*
 * Brings the database to `target` (any form ath_revmap_upgrade_plan takes;
 * "head" when NULL), or down to it (ath_revmap_downgrade_plan's forms; "-1"
 * when NULL). In order:
 *  - loads the revision map of `versions_dir` (unless options->map has it);
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
 *    `PRAGMA foreign_key_check` finds a row; a rebuild keeps the table's
 *    triggers (created again after it, a note each) and the views and
 *    triggers elsewhere that name it;
 *  - on PostgreSQL, ops written inside op.get_context().autocommit_block(),
 *    and create_index / drop_index with postgresql_concurrently=True, run
 *    outside the transaction: what the migration ran before them is
 *    committed, they run in autocommit, a new transaction takes the rest; a
 *    note in options->diags says how many statements ran so. On SQLite they
 *    run in the migration's transaction like the others.
 * A failing migration is rolled back (but for what ran outside its
 * transaction, and before that), the ones before it stay, and the run stops.
 * On PostgreSQL the lock is waited for by trying it, never inside a blocked
 * statement, so that a CREATE INDEX CONCURRENTLY in the holder's run does
 * not deadlock with the runs waiting.
 * Errors: those of ath_revmap_load and the planners; ATH_EPARSE (refused
 * bodies, diagnostics in options->diags); ATH_EIO (a script cannot be read);
 * ATH_EBACKEND with the server's words, the failing statement and
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

/*
 * Offline mode (`upgrade --sql`, `downgrade --sql`): appends to `out` the SQL
 * script that takes a `dialect` database from `start` to `target`, as
 * Alembic's offline mode writes it, without a database. `start` is one
 * revision (ath_revmap_resolve_one's forms; NULL or "base": an empty
 * database); `target` is what ath_revmap_upgrade_plan /
 * ath_revmap_downgrade_plan take from there (NULL: "head" / "-1"). Each
 * step's ops render against the schema the history before it makes, replayed
 * in memory (an execute op is written out as is; its effect is not
 * replayed). PostgreSQL's script is framed by BEGIN; / COMMIT; (SQLite's is
 * not, as Alembic's is not); a range from base starts with CREATE TABLE
 * alembic_version, one that ends at base ends with its DROP; no
 * athanor_history. options->on_step is called for each step,
 * options->applied counts them. Errors: those of ath_revmap_load,
 * ath_revmap_resolve_one and the planners; ATH_EPARSE (a refused body, the
 * diagnostics in options->diags; nothing is appended); ATH_EIO; those of
 * ath_ops_apply and the renderer, naming the revision; ATH_ENOMEM.
 */
int ath_runner_upgrade_sql(ath_buf *out, ath_dialect dialect, const char *versions_dir,
                           const char *start, const char *target,
                           const ath_runner_options *options);
int ath_runner_downgrade_sql(ath_buf *out, ath_dialect dialect, const char *versions_dir,
                             const char *start, const char *target,
                             const ath_runner_options *options);

/* ---- stamp: alembic_version set without running migrations (lib/runner/stamp.c) ---- */

/*
 * One step of a stamp, as Alembic's StampStep: the rows it replaces (`from`,
 * the current heads on the target's lineage), the revision it writes (`to`;
 * NULL when stamping to base deletes a row), and the statements that does
 * to alembic_version, worked out as Alembic's HeadMaintainer does.
 */
typedef struct ath_stamp_step {
    const char **from;
    size_t nfrom;
    const char *to;
    bool upgrade;     /* the target descends from the rows (or is a new branch) */
    bool branch_move; /* a branch appears (INSERT) or goes (DELETE) */
    ath_version_op *ops;
    size_t nops;
} ath_stamp_step;

/*
 * The steps `stamp TARGET` takes on a database at `heads` (alembic_version's
 * rows, NULL when none), in Alembic's way: TARGET is any form
 * ath_revmap_resolve takes (full or partial id, label, head, heads,
 * label@head, base, label@base ...); the rows on its lineage (ancestors or
 * descendants of TARGET or of its branch label, dependencies followed) are
 * replaced by it, rows of other branches stay, a target on a branch with no
 * row is INSERTed, and `base` DELETEs the rows of its lineage (every row
 * without a label). A target that already is a row is no step. Steps and
 * strings in `arena`. Errors: ATH_ENOTFOUND "Can't locate revision
 * identified by 'x'" (also for a row naming no revision), ATH_ECONFLICT
 * "Multiple heads are present; please specify a single target revision",
 * or rows that do not allow the step; ATH_ENOMEM.
 */
int ath_runner_stamp_plan(ath_stamp_step **out, size_t *count, ath_arena *arena,
                          const ath_revmap *map, const char *const *heads, size_t nheads,
                          const char *target);

typedef struct ath_stamp_options {
    /* Notes about files of versions/ that are not revisions (may be NULL). */
    ath_diags *diags;
    /* Called before each step's statements run (may be NULL). */
    void (*on_step)(void *ctx, const ath_stamp_step *step);
    void *ctx;
} ath_stamp_options;

/*
 * `stamp TARGET`: loads the revision map of `versions_dir`, takes the
 * migration lock and in one transaction creates alembic_version when missing
 * (Alembic's DDL), empties it first with `purge`, then runs the steps of
 * ath_runner_stamp_plan (read against the rows as they are, none after a
 * purge). No migration runs and athanor_history is not touched. On any error
 * the transaction is rolled back: nothing changed. Errors: those of
 * ath_revmap_load and ath_runner_stamp_plan, ATH_EBACKEND, ATH_ECONFLICT
 * (lock), ATH_ENOMEM.
 */
int ath_runner_stamp(ath_backend *backend, const char *versions_dir, const char *target, bool purge,
                     const ath_stamp_options *options);

#ifdef __cplusplus
}
#endif
#endif
