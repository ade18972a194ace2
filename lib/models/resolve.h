/*
 * The one resolver of names and types, shared by the models reader and the
 * migration-script reader: a scope per file (imports and module-level
 * definitions), canonical dotted names for Name/Attribute expressions, the
 * project's own classes across files, and type expressions to ath_type.
 * It evaluates nothing else; what it cannot resolve it says so, at file:line:col.
 */
#ifndef ATH_LIB_MODELS_RESOLVE_H
#define ATH_LIB_MODELS_RESOLVE_H

#include "athanor.h"
#include "athanor/models.h"
#include "py/ast.h"

/* ---- a string-keyed hash map (keys are borrowed, never copied) ---- */

typedef struct ath_strmap {
    const char **keys;
    void **values;
    size_t count, cap; /* cap is 0 or a power of two */
} ath_strmap;

/* Sets key -> value (replacing an earlier value). ATH_ENOMEM on failure. */
int ath_strmap_put(ath_strmap *map, ath_arena *arena, const char *key, void *value);
void *ath_strmap_get(const ath_strmap *map, const char *key);

/* ---- project, files and symbols ---- */

typedef struct ath_project ath_project;
typedef struct ath_scope ath_scope;

typedef enum {
    ATH_SYM_CLASS, /* class X: ...                       node: CLASS_DEF */
    ATH_SYM_VALUE, /* X = value at module level (last wins) node: the value */
    ATH_SYM_FUNC   /* def X(): ...                        node: FUNC_DEF */
} ath_sym_kind;

typedef struct ath_symbol {
    ath_sym_kind kind;
    const char *name;     /* as defined: "User" */
    const char *qualname; /* module + "." + name: "app.models.User" */
    ath_py_node *node;
    ath_py_node *stmt; /* the defining statement (for positions) */
    ath_scope *scope;  /* the file it is defined in */
    unsigned order;    /* definition order across the project */
    void *data;        /* left to the reader that uses the symbol */
    bool following;    /* the resolver is following this alias (cycle guard) */
} ath_symbol;

struct ath_scope {
    ath_project *project;
    const char *path;
    const char *module; /* dotted module name: "app.models"; "" when unknown */
    bool is_package;    /* an __init__.py: relative imports start here */
    unsigned index;     /* position among the project's files */
    ath_py_node *tree;  /* the MODULE */
    ath_strmap names;   /* local name -> canonical dotted target (char *) */
    const char **stars; /* modules of `from m import *`, in order */
    size_t nstars, stars_cap;
};

/*
 * A new project in `arena`: the files to resolve across, for `options`
 * (dialect, configured type mappings). Diagnostics go to `diags`.
 */
ath_project *ath_project_new(ath_arena *arena, const ath_models_options *options, ath_diags *diags);

/*
 * Adds a parsed file as module `module` ("" when unknown): its imports and
 * module-level names (also inside if/try/with blocks) become its scope and
 * its definitions project symbols. *out is the file's scope.
 */
int ath_project_add_file(ath_scope **out, ath_project *project, const char *path,
                         const char *module, ath_py_node *tree);

ath_arena *ath_project_arena(const ath_project *project);
ath_diags *ath_project_diags(const ath_project *project);
ath_dialect ath_project_dialect(const ath_project *project);
/* Every symbol, in definition order. */
ath_symbol *const *ath_project_symbols(const ath_project *project, size_t *count);

/*
 * The canonical dotted name of a Name or Attribute expression: imports and
 * aliases followed, SQLAlchemy submodules folded ("sqlalchemy.types.String"
 * and "db.String" both give "sqlalchemy.String"; dialect modules give
 * "sqlalchemy.dialects.postgresql.JSONB"), a Flask-SQLAlchemy instance's
 * attributes mapped to sqlalchemy / sqlalchemy.orm names, its model base
 * to "<instance>.Model". NULL for anything else or a name bound nowhere.
 * The string lives in the project's arena.
 */
const char *ath_resolve_name(const ath_scope *scope, const ath_py_node *expr);

/*
 * The project symbol a canonical name stands for: by qualified name, and
 * else, when the name is not that of a known library, by the unique class
 * of that (last) name among the scanned files, since file paths do not
 * always tell the package a module belongs to. NULL when none.
 */
ath_symbol *ath_project_lookup(const ath_project *project, const char *canonical);
/* ath_resolve_name + ath_project_lookup. */
ath_symbol *ath_resolve_symbol(const ath_scope *scope, const ath_py_node *expr);

/* The canonical name with the Flask-SQLAlchemy instance `sym` stands for, if
 * it is one (x = SQLAlchemy(...) at module level). */
bool ath_symbol_is_sqlalchemy_instance(const ath_symbol *sym);
/* The `enum.Enum` subclass `sym` is; its member names in order. */
bool ath_symbol_is_pyenum(const ath_symbol *sym);

/*
 * A column type expression (String, String(80), postgresql.ARRAY(Integer),
 * Enum(Color), a project TypeDecorator, a third-party type, a configured
 * mapping) to `out` for the project's dialect. ATH_EPARSE with a
 * diagnostic at the expression naming it and the fix; ATH_ENOMEM.
 */
int ath_resolve_type(ath_type *out, const ath_scope *scope, const ath_py_node *expr);

/*
 * The type SQLAlchemy 2.0 infers from the annotation inside Mapped[...]
 * (int, str, datetime.datetime, Decimal, uuid.UUID, a Python enum, ...),
 * with `map` an optional type_annotation_map (a DICT node in `map_scope`)
 * consulted first. *optional says whether the annotation allows None
 * (Optional[T], T | None, Union[T, None]). ATH_EPARSE with a diagnostic.
 */
int ath_resolve_annotation(ath_type *out, bool *optional, const ath_scope *scope,
                           const ath_py_node *annotation, const ath_py_node *map,
                           const ath_scope *map_scope);

/*
 * A server_default expression as SQLAlchemy's DDL compiler writes it for
 * `dialect`, shared by models and migration scripts: a string as a quoted
 * literal, text()/literal_column() as written, true()/false(), func.name(...)
 * (ANSI functions such as CURRENT_TIMESTAMP bare, now() as CURRENT_TIMESTAMP
 * on SQLite, anything but a plain literal parenthesised on SQLite).
 * FetchedValue() gives *out NULL. *out lives in `arena`. Errors: ATH_EPARSE
 * with *bad the node that cannot be evaluated and *why the reason (a constant
 * string); ATH_ENOMEM.
 */
int ath_resolve_server_default(const char **out, ath_arena *arena, const ath_scope *scope,
                               const ath_py_node *expr, ath_dialect dialect,
                               const ath_py_node **bad, const char **why);

/* A Python string literal's value (not bytes, not an f-string); NULL otherwise. */
const char *ath_py_str_value(const ath_py_node *expr);
/* The keyword argument `name` of a CALL; NULL when absent. */
ath_py_node *ath_py_call_kw(const ath_py_node *call, const char *name);
/* True/False constant: 1/0; -1 when `expr` is not one. */
int ath_py_bool_value(const ath_py_node *expr);

#endif
