/*
 * What the runner's three parts share (runner.c online, offline.c for
 * --sql, stamp.c): reading one step's body and Alembic's
 * version table and its statements. Not public.
 */
#ifndef ATH_LIB_RUNNER_INTERNAL_H
#define ATH_LIB_RUNNER_INTERNAL_H

#include "athanor/backend.h"
#include "athanor/ops.h"
#include "athanor/revision.h"
#include "backend/render.h"

/* CREATE TABLE alembic_version as SQLAlchemy prints it for Alembic (SQLite
 * keeps this text in sqlite_master, so it is Alembic's to the byte). */
extern const char runner_version_table_sql[];

/*
 * Reads the script of `step` and the body it runs into *ops (in `arena`).
 * Each script is its own resolver project: scripts share no names, and one
 * file's imports must not leak into another. `checksum` (may be NULL)
 * receives the file's git blob id. Errors: ATH_ENOTFOUND (no script file),
 * ATH_EIO, ATH_EPARSE (diagnostics in `diags`), ATH_ENOMEM.
 */
int runner_read_body(ath_op **ops, size_t *nops, char checksum[41], ath_arena *arena,
                     const ath_revision_step *step, ath_dialect dialect, ath_diags *diags);

/*
 * Appends the statement of one alembic_version change, as SQLAlchemy
 * compiles it with literal values; `returning` adds the RETURNING SQLAlchemy
 * 1.4 puts on a PostgreSQL INSERT (what offline output shows).
 */
void runner_version_sql(ath_buf *out, const ath_version_op *op, ath_dialect dialect,
                        bool returning);

/* Whether alembic_version and (`history` may be NULL) athanor_history
 * exist, in one query. ATH_EBACKEND, ATH_ENOMEM. */
int runner_tables_exist(bool *version, bool *history, ath_arena *arena, ath_backend *backend);

#endif
