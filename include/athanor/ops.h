/*
 * The Op list: Alembic's operation set (op.create_table, op.add_column,
 * batch_op.alter_column, ...) as data. Each op knows its inverse (what
 * autogenerate writes into downgrade()) and can be applied to a Schema in
 * memory, checked the way the database would check it. Rendering an op to SQL
 * is the backends' job, to script text the script writer's.
 */
#ifndef ATHANOR_OPS_H
#define ATHANOR_OPS_H

#include "athanor/common.h"
#include "athanor/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ATH_OP_CREATE_TABLE,
    ATH_OP_DROP_TABLE,
    ATH_OP_RENAME_TABLE,
    ATH_OP_CREATE_TABLE_COMMENT,
    ATH_OP_DROP_TABLE_COMMENT,
    ATH_OP_ADD_COLUMN,
    ATH_OP_DROP_COLUMN,
    ATH_OP_ALTER_COLUMN,
    ATH_OP_CREATE_INDEX,
    ATH_OP_DROP_INDEX,
    ATH_OP_CREATE_UNIQUE_CONSTRAINT,
    ATH_OP_CREATE_FOREIGN_KEY,
    ATH_OP_CREATE_CHECK_CONSTRAINT,
    ATH_OP_CREATE_PRIMARY_KEY,
    ATH_OP_DROP_CONSTRAINT,
    ATH_OP_CREATE_ENUM,    /* CREATE TYPE ... AS ENUM (PostgreSQL) */
    ATH_OP_DROP_ENUM,      /* DROP TYPE */
    ATH_OP_ADD_ENUM_VALUE, /* ALTER TYPE ... ADD VALUE */
    ATH_OP_EXECUTE,
    ATH_OP_BULK_INSERT
} ath_op_kind;

/* Alembic's name of the operation: "create_table", "add_column", ... */
const char *ath_op_kind_name(ath_op_kind kind);

/* drop_constraint's type_: Alembic's "unique", "foreignkey", "check", "primary". */
typedef enum {
    ATH_CONSTRAINT_UNKNOWN, /* type_ not given: found by name */
    ATH_CONSTRAINT_UNIQUE,
    ATH_CONSTRAINT_FOREIGNKEY,
    ATH_CONSTRAINT_CHECK,
    ATH_CONSTRAINT_PRIMARY
} ath_constraint_type;

/* Where an op was written, for diagnostics; path NULL and line 0 when not from a file. */
typedef struct ath_op_pos {
    const char *path;
    int line, col;
} ath_op_pos;

/*
 * A value an op may set, as Alembic's keyword arguments that default to
 * False: `set` false means "not given" (leave as is, or: not known), `set`
 * true with value NULL means "none" (drop the default, remove the comment).
 */
typedef struct ath_opt_str {
    bool set;
    const char *value;
} ath_opt_str;

typedef struct ath_opt_bool {
    bool set;
    bool value;
} ath_opt_bool;

/* create_unique_constraint, create_foreign_key, create_check_constraint,
 * create_primary_key and drop_constraint. The source table is the op's. */
typedef struct ath_op_constraint {
    ath_constraint_type type;
    const char *name;  /* NULL only for an unnamed create */
    bool has_def;      /* drop_constraint: the definition below is known */
    ath_unique unique; /* the one matching `type` is used */
    ath_foreign_key fk;
    ath_check check;
    ath_primary_key pk;
} ath_op_constraint;

typedef struct ath_op_alter_column {
    const char *column;
    const char *new_name; /* new_column_name; NULL: no rename */
    ath_opt_bool nullable;
    const ath_type *type; /* type_; NULL: unchanged */
    ath_opt_str server_default;
    ath_opt_str comment;
    /* What the column was before, as autogenerate writes them; needed to invert. */
    const ath_type *existing_type; /* NULL: not known */
    ath_opt_bool existing_nullable;
    ath_opt_str existing_server_default;
    ath_opt_str existing_comment;
} ath_op_alter_column;

/* One value of a bulk_insert row, as the script spells it. */
typedef enum {
    ATH_LIT_NULL,   /* None */
    ATH_LIT_BOOL,   /* text "true" / "false" */
    ATH_LIT_INT,    /* text: decimal digits with an optional sign */
    ATH_LIT_FLOAT,  /* text as written */
    ATH_LIT_STRING, /* text: the decoded string */
    ATH_LIT_ABSENT  /* the row has no such key: the column's default */
} ath_literal_kind;

typedef struct ath_literal {
    ath_literal_kind kind;
    const char *text;
} ath_literal;

enum { ATH_OP_AUTOCOMMIT = 1 << 0, ATH_OP_CONCURRENTLY = 1 << 1 };

typedef struct ath_op {
    ath_op_kind kind;
    ath_op_pos pos;
    bool batch;         /* written inside batch_alter_table (SQLite recreates the table) */
    /* ATH_OP_AUTOCOMMIT: written inside op.get_context().autocommit_block(), run
     * outside the migration's transaction on PostgreSQL; ATH_OP_CONCURRENTLY:
     * postgresql_concurrently=True on create_index / drop_index (implies it). */
    unsigned run_flags;
    const char *schema; /* table-level ops and enum ops; NULL: the default schema */
    const char *table;  /* the table the op works on; NULL for enum ops and execute */
    /* Batch ops: the naming_convention={...} of their batch_alter_table, as
     * nnaming pairs naming[2i] (key: "uq", "fk", ...) and naming[2i+1] (the
     * template); NULL and 0 when none. On SQLite the rebuild names the
     * table's unnamed constraints by it (as Alembic's reflection does), so
     * drop_constraint can name them. Ops of one block may each carry part:
     * the block's convention is their union. */
    const char *const *naming;
    size_t nnaming;
    union {
        /* create_table: the whole definition (its schema and name equal the op's).
         * drop_table: the dropped table's definition; NULL when not known (a
         * script's op.drop_table), which makes the op not invertible. */
        const ath_table *table_def;
        /* rename_table */
        struct {
            const char *new_name;
        } rename;
        /* create_table_comment (comment set) and drop_table_comment */
        struct {
            const char *comment;
            ath_opt_str existing;
        } table_comment;
        /* add_column: the column; drop_column: name plus kept definition (def
         * NULL when not known). */
        struct {
            const char *name;
            const ath_column *def;
            /* add_column: the server default is a plain string, not SQL
             * (sa.text(), a function): Alembic's batch mode on SQLite then
             * adds the column with ALTER TABLE instead of rebuilding. */
            bool default_is_string;
        } column;
        ath_op_alter_column alter;
        /* create_index: def required; drop_index: name, def NULL when not
         * known. drop_index's table may be NULL (Alembic's table_name is optional). */
        struct {
            const char *name;
            const ath_index *def;
        } index;
        ath_op_constraint constraint;
        /* create_enum: name and values; drop_enum: name, values kept when
         * known (nvalues 0 and values NULL otherwise). */
        ath_enum enum_def;
        struct {
            const char *name; /* the enum type */
            const char *value;
            const char *before; /* at most one of before/after */
            const char *after;
            bool if_not_exists;
        } enum_value;
        struct {
            const char *sql;
            const char *inverse_sql; /* NULL: not invertible */
        } execute;
        struct {
            const char **columns;
            const ath_type *types; /* ncolumns types; sa.column(name, type) */
            size_t ncolumns;
            const ath_literal *values; /* nrows * ncolumns, row-major */
            size_t nrows;
        } bulk;
    } u;
} ath_op;

/* A zeroed op of `kind`: every optional value "not given". */
ath_op ath_op_make(ath_op_kind kind);

/*
 * The inverse of one op into *out, which points into `op`'s strings and
 * definitions (they must outlive it). Errors: ATH_EUNSUPPORTED with a message
 * naming the op for what cannot be undone: execute without inverse_sql,
 * bulk_insert, add enum value (PostgreSQL cannot remove one), a drop whose
 * definition is not known, alter_column whose existing values for what it
 * changes are not known; ATH_ENOMEM.
 */
int ath_op_inverse(ath_op *out, const ath_op *op);

/*
 * The inverses of `n` ops in reverse order, as a new array in `arena`
 * (*out_n == n). Stops at the first op that cannot be inverted (its error;
 * *out is NULL then).
 */
int ath_ops_inverse(ath_op **out, size_t *out_n, ath_arena *arena, const ath_op *ops, size_t n);

enum {
    /* execute ops are skipped (a note is added) instead of failing the replay. */
    ATH_APPLY_SKIP_EXECUTE = 1 << 0,
    /* Apply in place without the dry run: faster, for callers that throw the
     * schema away on error; on error it is left half-changed. */
    ATH_APPLY_NO_ROLLBACK = 1 << 1
};

/*
 * Applies ops in order to `schema` (objects are added to schema->arena),
 * checking each the way `dialect` would: on PostgreSQL foreign keys need
 * their table, columns and a matching unique key at creation, a referenced
 * table or column cannot be dropped, dropping a column drops the indexes and
 * constraints on it, enum types must exist for add_column and cannot be
 * dropped while in use; on SQLite foreign keys are not checked, ALTER of
 * constraints and columns needs batch mode, and outside batch mode a column
 * that is indexed or constrained cannot be dropped. create_table on
 * PostgreSQL creates the named enum types its columns use when missing, as
 * SQLAlchemy does; enum ops have no effect on SQLite. bulk_insert only checks
 * that its table and columns exist.
 *
 * Atomic: the ops are first applied to a scratch copy, then to `schema` only
 * when all of them fit, so on error the schema is unchanged (unless flags has
 * ATH_APPLY_NO_ROLLBACK, or memory runs out during the second pass).
 *
 * Errors: the first op that does not fit stops the run with a diagnostic at
 * its position in `diags` (may be NULL) and the same message as the last
 * error, e.g. "add_column post.title: column already exists".
 * ATH_ENOTFOUND (missing table, column, index, constraint, enum),
 * ATH_ECONFLICT (already exists, still referenced or in use),
 * ATH_EUNSUPPORTED (execute without ATH_APPLY_SKIP_EXECUTE; an ALTER SQLite
 * cannot do outside batch mode), ATH_EINVAL (a malformed op), ATH_ENOMEM.
 * *failed (may be NULL) is set to the index of the failing op, or n.
 */
int ath_ops_apply(ath_schema *schema, const ath_op *ops, size_t n, ath_dialect dialect,
                  unsigned flags, ath_diags *diags, size_t *failed);

/*
 * The name SQLAlchemy's naming convention template `tmpl` gives a constraint
 * of `table` on `columns` (referring to `ref_table`(`ref_columns`) for a
 * foreign key; NULL otherwise), whose own name is `name` (NULL: unnamed):
 * %(table_name)s, %(column_0_name)s, %(column_0N_name)s, %(column_0_N_name)s,
 * %(column_0_label)s, %(referred_table_name)s, %(referred_column_0_name)s,
 * %(referred_column_0N_name)s, %(referred_column_0_N_name)s,
 * %(constraint_name)s and %%. A string in `arena`; NULL when the template
 * needs what is not given (a token it cannot fill, %(constraint_name)s of an
 * unnamed constraint) or memory runs out.
 */
const char *ath_convention_name(ath_arena *arena, const char *tmpl, const char *table,
                                const char *const *columns, size_t ncolumns,
                                const char *ref_table, const char *const *ref_columns,
                                const char *name);

/*
 * Deep copies: every string and array is copied into `arena`. A copied
 * schema's arena is `arena`. ath_table_copy fills *dst (whose old contents
 * are ignored). ATH_ENOMEM on failure.
 */
int ath_schema_copy(ath_schema **out, ath_arena *arena, const ath_schema *src);
int ath_table_copy(ath_table *dst, ath_arena *arena, const ath_table *src);
int ath_column_copy(ath_column *dst, ath_arena *arena, const ath_column *src);
int ath_type_copy(ath_type *dst, ath_arena *arena, const ath_type *src);

#ifdef __cplusplus
}
#endif
#endif
