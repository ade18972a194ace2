/*
 * Ops to SQL, per dialect, as Alembic emits them: one op becomes a list of
 * statements the runner executes one by one inside the migration's
 * transaction, or prints for --sql. ALTERs SQLite cannot do become the table
 * rebuild of Alembic's batch mode. Nothing here touches a database.
 */
#ifndef ATH_LIB_BACKEND_RENDER_H
#define ATH_LIB_BACKEND_RENDER_H

#include "athanor.h"
#include "athanor/ops.h"

enum {
    /*
     * Part of a SQLite table rebuild (CREATE _alembic_tmp_<t>, copy, DROP,
     * RENAME, indexes). The runner must run the migration with
     * `PRAGMA foreign_keys=OFF` set before BEGIN (the pragma is a no-op inside
     * a transaction): otherwise DROP TABLE deletes or refuses rows other
     * tables refer to. Before COMMIT it runs `PRAGMA foreign_key_check` and
     * rolls back on any row, then turns foreign keys back on.
     */
    ATH_STMT_REBUILD = 1 << 0,
    /*
     * ALTER TYPE ... ADD VALUE. PostgreSQL before 12 refuses it inside a
     * transaction block; from 12 on it runs inside one, but the new value
     * cannot be used (inserted, compared) until that transaction commits. A
     * migration that adds a value and uses it must be split in two, or run
     * this statement in an autocommit block.
     */
    ATH_STMT_ENUM_VALUE = 1 << 1
};

/* One statement, without a terminator; `sql` lives in the list's arena. */
typedef struct ath_stmt {
    const char *sql;
    unsigned flags; /* ATH_STMT_* */
} ath_stmt;

typedef struct ath_stmts {
    ath_arena *arena; /* borrowed: owns the items and their text */
    ath_stmt *items;
    size_t count, cap;
} ath_stmts;

void ath_stmts_init(ath_stmts *list, ath_arena *arena);

/*
 * Appends the statements of one op on `dialect` to `list`. `current` is the
 * schema before the op (ath_ops_apply keeps it): SQLite rebuilds and
 * PostgreSQL's enum types for create_table are taken from it. On SQLite an
 * op that needs a rebuild (alter_column other than a rename, constraints,
 * drop_column of a constrained or indexed column) renders as a batch of one.
 * Ops with no meaning on the dialect (comments and enum types on SQLite)
 * append nothing. Errors: ATH_ENOTFOUND (the op's table is not in `current`
 * where a rebuild needs it), ATH_EINVAL (malformed op), ATH_ENOMEM; the list
 * may then hold part of the op's statements.
 */
int ath_render_op(ath_stmts *list, const ath_op *op, const ath_schema *current,
                  ath_dialect dialect);

/*
 * Appends the statements of one batch_alter_table block: `n` ops on one
 * table, applied to a copy of `current`. On SQLite, a block of only
 * create_index, drop_index and add_column without a server default runs
 * natively op by op, as Alembic's recreate="auto" does; anything else is one
 * rebuild of the table from its definition before the block to its
 * definition after it. On PostgreSQL the ops render one by one. Errors: those
 * of ath_ops_apply (the block does not fit `current`), and of ath_render_op.
 */
int ath_render_batch(ath_stmts *list, const ath_op *ops, size_t n, const ath_schema *current,
                     ath_dialect dialect);

/*
 * The SQLite rebuild from `before` to `after` (same schema and name):
 * `sources[i]` names the column of `before` whose values fill after's column
 * i, NULL for a new column; each is CAST to the new type where SQLAlchemy's
 * type affinity changed, as Alembic does.
 */
int ath_render_rebuild(ath_stmts *list, const ath_table *before, const ath_table *after,
                       const char *const *sources, ath_dialect dialect);

/*
 * Appends the list as Alembic's offline (--sql) output prints it: each
 * statement with tabs as four spaces, then ";\n\n".
 */
void ath_stmts_format(ath_buf *out, const ath_stmts *list);

#endif
