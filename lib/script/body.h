/*
 * The script reader's second half: the body of upgrade() or downgrade() of a
 * parsed migration script to the Op list it stands for. It reads op.* and
 * batch_op.* calls and the SQLAlchemy constructors they take; it runs
 * nothing, and refuses any other Python up front, naming the construct.
 */
#ifndef ATH_LIB_SCRIPT_BODY_H
#define ATH_LIB_SCRIPT_BODY_H

#include "athanor.h"
#include "models/resolve.h"
#include "py/ast.h"

typedef enum { ATH_SCRIPT_UPGRADE, ATH_SCRIPT_DOWNGRADE } ath_script_direction;

/*
 * Reads the body of upgrade() (or downgrade()) of `module`, the MODULE node of
 * the script at `path`, into *out: *count ops in source order, in `arena`,
 * pointing into the tree and the arena. `scope` is the script's file scope in
 * a resolver project (its imports name the types); `revision` names the
 * revision in messages; `dialect` decides the SQL text of server defaults.
 * A body of only `pass`, docstrings and comments is an empty list.
 * Errors: ATH_EPARSE with one error diagnostic per refused construct in
 * `diags` (the resolver's type diagnostics go to the project's diagnostics,
 * which should be the same), and *out NULL, *count 0: never part of a body;
 * ATH_ENOMEM.
 */
int ath_script_read_body(ath_op **out, size_t *count, ath_arena *arena, const ath_py_node *module,
                         const char *path, const char *revision, const ath_scope *scope,
                         ath_dialect dialect, ath_script_direction direction, ath_diags *diags);

/*
 * Appends a deterministic text form of `n` ops to `out`, one op per line
 * with its definition on indented lines below; for tests and debugging.
 */
void ath_ops_dump(ath_buf *out, const ath_op *ops, size_t n);

#endif
