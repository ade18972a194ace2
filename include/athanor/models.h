/*
 * Reading a project's SQLAlchemy / Flask-SQLAlchemy models from Python source,
 * without running Python, into the Schema SQLAlchemy itself would build for a
 * dialect. Finding the model files of a project lives here too.
 */
#ifndef ATHANOR_MODELS_H
#define ATHANOR_MODELS_H

#include "athanor/common.h"
#include "athanor/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A type the project maps by hand: `name` as the models spell it (dotted
 * "myapp.types.Money" or a bare class name "Money") to an SQLAlchemy type
 * expression ("Numeric(12, 2)", "sa.String(length=40)"). */
typedef struct ath_type_mapping {
    const char *name;
    const char *type_expr;
} ath_type_mapping;

typedef struct ath_models_options {
    /* The dialect the Schema is for: SQL text of server defaults such as
     * sa.false(), and whether enums are native, depend on it. */
    ath_dialect dialect;
    const ath_type_mapping *types;  /* from the configuration; may be NULL */
    size_t ntypes;
    const char *types_origin;       /* where the mappings come from, for messages */
} ath_models_options;

/*
 * Reads the Python files `paths` (files, not folders) into a new Schema in
 * `arena`, as SQLAlchemy's MetaData would hold it after importing them all:
 * tables in definition order (files in the order given), columns in
 * declaration order, constraints with their
 * declaration order in `seq`, names from naming conventions applied. Every
 * problem goes into `diags` at file:line:col. Errors: ATH_EIO (a file cannot
 * be read; the last error names it), ATH_EPARSE (at least one error
 * diagnostic; *out is NULL: never a partial schema), ATH_ENOMEM.
 */
int ath_models_read(ath_schema **out, ath_arena *arena, const char *const *paths, size_t npaths,
                    const ath_models_options *options, ath_diags *diags);

/*
 * Expands files and folders into the list of .py files to read, sorted:
 * folders recursively, skipping hidden folders, __pycache__, virtualenvs
 * (a folder with pyvenv.cfg, or named site-packages / node_modules) and
 * folders named migrations. The list and its strings live in `arena`.
 * Errors: ATH_ENOTFOUND naming a path that does not exist, ATH_EIO.
 */
int ath_models_expand(const char ***out, size_t *count, ath_arena *arena,
                      const char *const *paths, size_t npaths);

/*
 * Looks for model files under `root` (as ath_models_expand walks it): files
 * that define a db.Model subclass, a declarative base or a db.Table. Same
 * output and errors as ath_models_expand; *count is 0 when none is found.
 */
int ath_models_discover(const char ***out, size_t *count, ath_arena *arena, const char *root);

#ifdef __cplusplus
}
#endif
#endif
