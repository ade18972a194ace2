/*
 * Renders ops to SQL statements the way Alembic 1.8 emits them on SQLite and
 * PostgreSQL, reusing ddl.c for every table, column, index and constraint
 * spelling. SQLite ALTERs beyond its ALTER TABLE become Alembic's batch-mode
 * rebuild. It neither executes anything nor checks that an op fits the
 * schema: that is ath_ops_apply's job.
 */
#include "backend/render.h"
#include "backend/ddl.h"

#include <string.h>

void ath_stmts_init(ath_stmts *list, ath_arena *arena)
{
    memset(list, 0, sizeof(*list));
    list->arena = arena;
}

/* Moves the buffer's text into the list as one statement and clears it. */
static int emit(ath_stmts *list, ath_buf *b, unsigned flags)
{
    int rc = ath_buf_check(b);
    if (rc)
        return rc;
    ath_stmt *s = ATH_PUSH(list->arena, list->items, list->count, list->cap);
    if (!s)
        return ath_error_oom();
    s->sql = ath_arena_strndup(list->arena, ath_buf_cstr(b), b->len);
    if (!s->sql) {
        list->count--;
        return ath_error_oom();
    }
    s->flags = flags;
    ath_buf_clear(b);
    return 0;
}

void ath_stmts_format(ath_buf *out, const ath_stmts *list)
{
    for (size_t i = 0; i < list->count; i++) {
        for (const char *p = list->items[i].sql; *p; p++) {
            if (*p == '\t')
                ath_buf_puts(out, "    ");
            else
                ath_buf_putc(out, *p);
        }
        ath_buf_puts(out, ";\n\n");
    }
}

static void alter_table(ath_buf *b, ath_dialect d, const ath_op *op)
{
    ath_buf_puts(b, "ALTER TABLE ");
    ath_ddl_table_name(b, d, op->schema, op->table);
    ath_buf_putc(b, ' ');
}

static const ath_table *find_table(const ath_schema *s, const char *schema, const char *name)
{
    return s && name ? ath_schema_find_table(s, schema, name) : NULL;
}

static bool enum_exists(const ath_schema *s, const char *name)
{
    for (size_t i = 0; s && i < s->nenums; i++)
        if (strcmp(s->enums[i].name, name) == 0)
            return true;
    return false;
}

/* SQLAlchemy creates a table's missing enum types before the table, once each. */
static int create_enums_of(ath_stmts *list, ath_buf *b, const ath_table *t,
                           const ath_schema *current)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const ath_type *ty = &t->columns[i].type;
        if (ty->kind == ATH_TYPE_ARRAY && ty->item)
            ty = ty->item;
        if (ty->kind != ATH_TYPE_ENUM || !ty->name || enum_exists(current, ty->name))
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const ath_type *o = &t->columns[j].type;
            if (o->kind == ATH_TYPE_ARRAY && o->item)
                o = o->item;
            seen = o->kind == ATH_TYPE_ENUM && o->name && strcmp(o->name, ty->name) == 0;
        }
        if (seen)
            continue;
        ath_enum e = {t->schema, ty->name, ty->values, ty->nvalues};
        ath_ddl_create_type(b, &e);
        int rc = emit(list, b, 0);
        if (rc)
            return rc;
    }
    return 0;
}

/*
 * PostgreSQL: the named enum type a column added or altered by a script
 * needs, created first when `current` lacks it. Alembic's add_column and
 * alter_column would fail there ("type ... does not exist").
 */
static int create_missing_enum(ath_stmts *list, ath_buf *b, const char *schema,
                               const ath_type *ty, const ath_schema *current)
{
    if (ty && ty->kind == ATH_TYPE_ARRAY && ty->item)
        ty = ty->item;
    if (!ty || ty->kind != ATH_TYPE_ENUM || !ty->name || enum_exists(current, ty->name))
        return 0;
    ath_enum e = {schema, ty->name, ty->values, ty->nvalues};
    ath_ddl_create_type(b, &e);
    return emit(list, b, 0);
}

static int create_table(ath_stmts *list, ath_buf *b, const ath_op *op, const ath_schema *cur,
                        ath_dialect d)
{
    const ath_table *t = op->u.table_def;
    if (!t)
        return ath_error(ATH_EINVAL, "create_table %s: no table definition", op->table);
    int rc = 0;
    if (d == ATH_DIALECT_POSTGRESQL && (rc = create_enums_of(list, b, t, cur)))
        return rc;
    ath_ddl_create_table(b, d, t, NULL, NULL);
    if ((rc = emit(list, b, 0)))
        return rc;
    for (size_t i = 0; i < t->nindexes; i++) {
        ath_ddl_create_index(b, d, t, &t->indexes[i], false);
        if ((rc = emit(list, b, 0)))
            return rc;
    }
    if (d != ATH_DIALECT_POSTGRESQL)
        return 0;
    if (t->comment) {
        ath_ddl_comment_on(b, d, t->schema, t->name, NULL, t->comment);
        if ((rc = emit(list, b, 0)))
            return rc;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!t->columns[i].comment)
            continue;
        ath_ddl_comment_on(b, d, t->schema, t->name, t->columns[i].name, t->columns[i].comment);
        if ((rc = emit(list, b, 0)))
            return rc;
    }
    return 0;
}

static int add_column(ath_stmts *list, ath_buf *b, const ath_op *op, const ath_schema *cur,
                      ath_dialect d)
{
    const ath_column *c = op->u.column.def;
    if (!c)
        return ath_error(ATH_EINVAL, "add_column %s: no column definition", op->table);
    const ath_table *t = find_table(cur, op->schema, op->table);
    ath_table none = {0};
    none.schema = op->schema;
    none.name = op->table;
    alter_table(b, d, op);
    ath_buf_puts(b, "ADD COLUMN ");
    ath_ddl_column_spec(b, d, t ? t : &none, c);
    int rc = emit(list, b, 0);
    if (!rc && c->comment && d == ATH_DIALECT_POSTGRESQL) {
        ath_ddl_comment_on(b, d, op->schema, op->table, c->name, c->comment);
        rc = emit(list, b, 0);
    }
    return rc;
}

/* Alembic's order: type, nullable, default, comment, then the rename. */
static int alter_column_pg(ath_stmts *list, ath_buf *b, const ath_op *op, ath_dialect d)
{
    const ath_op_alter_column *a = &op->u.alter;
    int rc = 0;
    if (a->type) {
        alter_table(b, d, op);
        ath_buf_puts(b, "ALTER COLUMN ");
        ath_quote_ident(b, d, a->column);
        ath_buf_puts(b, " TYPE ");
        ath_type_sql(b, a->type, d);
        if ((rc = emit(list, b, 0)))
            return rc;
    }
    if (a->nullable.set) {
        alter_table(b, d, op);
        ath_buf_puts(b, "ALTER COLUMN ");
        ath_quote_ident(b, d, a->column);
        ath_buf_puts(b, a->nullable.value ? " DROP NOT NULL" : " SET NOT NULL");
        if ((rc = emit(list, b, 0)))
            return rc;
    }
    if (a->server_default.set) {
        alter_table(b, d, op);
        ath_buf_puts(b, "ALTER COLUMN ");
        ath_quote_ident(b, d, a->column);
        if (a->server_default.value)
            ath_buf_printf(b, " SET DEFAULT %s", a->server_default.value);
        else
            ath_buf_puts(b, " DROP DEFAULT");
        if ((rc = emit(list, b, 0)))
            return rc;
    }
    if (a->comment.set && d == ATH_DIALECT_POSTGRESQL) {
        ath_ddl_comment_on(b, d, op->schema, op->table, a->column, a->comment.value);
        if ((rc = emit(list, b, 0)))
            return rc;
    }
    if (a->new_name && strcmp(a->new_name, a->column) != 0) {
        alter_table(b, d, op);
        ath_buf_puts(b, "RENAME ");
        ath_quote_ident(b, d, a->column);
        ath_buf_puts(b, " TO ");
        ath_quote_ident(b, d, a->new_name);
        rc = emit(list, b, 0);
    }
    return rc;
}

static int add_constraint(ath_stmts *list, ath_buf *b, const ath_op *op, ath_dialect d)
{
    const ath_op_constraint *c = &op->u.constraint;
    alter_table(b, d, op);
    ath_buf_puts(b, "ADD ");
    switch (op->kind) {
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
        ath_ddl_unique_spec(b, d, &c->unique);
        break;
    case ATH_OP_CREATE_FOREIGN_KEY:
        ath_ddl_fk_spec(b, d, &c->fk);
        break;
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
        ath_ddl_check_spec(b, d, &c->check);
        break;
    default:
        ath_ddl_pk_spec(b, d, &c->pk);
        break;
    }
    return emit(list, b, 0);
}

static void literal(ath_buf *b, ath_dialect d, const ath_literal *v)
{
    switch (v->kind) {
    case ATH_LIT_NULL:
    case ATH_LIT_ABSENT:
        ath_buf_puts(b, "NULL");
        break;
    case ATH_LIT_BOOL: {
        bool on = strcmp(v->text, "true") == 0 || strcmp(v->text, "True") == 0;
        if (d == ATH_DIALECT_SQLITE)
            ath_buf_puts(b, on ? "1" : "0");
        else
            ath_buf_puts(b, on ? "true" : "false");
        break;
    }
    case ATH_LIT_INT:
    case ATH_LIT_FLOAT:
        ath_buf_puts(b, v->text);
        break;
    case ATH_LIT_STRING:
        ath_quote_literal(b, d, v->text);
        break;
    }
}

/* Only numbers as the script wrote them are pasted; anything else is refused. */
static bool is_number(const char *s)
{
    if (!s || !*s)
        return false;
    if (*s == '-' || *s == '+')
        s++;
    bool digit = false;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digit = true;
        else if (!strchr(".eE+-", *s))
            return false;
    }
    return digit;
}

/* One INSERT per row, naming the keys the row has, as Alembic's --sql does. */
static int bulk_insert(ath_stmts *list, ath_buf *b, const ath_op *op, ath_dialect d)
{
    size_t nc = op->u.bulk.ncolumns;
    for (size_t r = 0; r < op->u.bulk.nrows; r++) {
        const ath_literal *row = op->u.bulk.values + r * nc;
        ath_buf_puts(b, "INSERT INTO ");
        ath_ddl_table_name(b, d, op->schema, op->table);
        ath_buf_puts(b, " (");
        bool first = true;
        for (size_t c = 0; c < nc; c++) {
            if (row[c].kind == ATH_LIT_ABSENT)
                continue;
            if ((row[c].kind == ATH_LIT_INT || row[c].kind == ATH_LIT_FLOAT) &&
                !is_number(row[c].text))
                return ath_error(ATH_EINVAL, "bulk_insert %s: %s is not a number", op->table,
                                 row[c].text ? row[c].text : "(null)");
            if (!first)
                ath_buf_puts(b, ", ");
            ath_quote_ident(b, d, op->u.bulk.columns[c]);
            first = false;
        }
        ath_buf_puts(b, ") VALUES (");
        first = true;
        for (size_t c = 0; c < nc; c++) {
            if (row[c].kind == ATH_LIT_ABSENT)
                continue;
            if (!first)
                ath_buf_puts(b, ", ");
            literal(b, d, &row[c]);
            first = false;
        }
        ath_buf_putc(b, ')');
        int rc = emit(list, b, 0);
        if (rc)
            return rc;
    }
    return 0;
}

static int enum_value(ath_stmts *list, ath_buf *b, const ath_op *op, ath_dialect d)
{
    ath_buf_puts(b, "ALTER TYPE ");
    ath_ddl_table_name(b, d, op->schema, op->u.enum_value.name);
    ath_buf_puts(b, op->u.enum_value.if_not_exists ? " ADD VALUE IF NOT EXISTS " : " ADD VALUE ");
    ath_quote_literal(b, d, op->u.enum_value.value);
    if (op->u.enum_value.before) {
        ath_buf_puts(b, " BEFORE ");
        ath_quote_literal(b, d, op->u.enum_value.before);
    } else if (op->u.enum_value.after) {
        ath_buf_puts(b, " AFTER ");
        ath_quote_literal(b, d, op->u.enum_value.after);
    }
    return emit(list, b, ATH_STMT_ENUM_VALUE);
}

static bool in_names(const char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* SQLite's DROP COLUMN refuses a column that an index, key or check uses. */
static bool column_constrained(const ath_table *t, const char *col)
{
    if (in_names(t->pk.columns, t->pk.ncolumns, col))
        return true;
    for (size_t i = 0; i < t->nuniques; i++)
        if (in_names(t->uniques[i].columns, t->uniques[i].ncolumns, col))
            return true;
    for (size_t i = 0; i < t->nfks; i++)
        if (in_names(t->fks[i].columns, t->fks[i].ncolumns, col))
            return true;
    for (size_t i = 0; i < t->nindexes; i++) {
        const ath_index *ix = &t->indexes[i];
        if (ix->where)
            return true;
        for (size_t j = 0; j < ix->nelems; j++)
            if (ix->elems[j].expression || strcmp(ix->elems[j].text, col) == 0)
                return true;
    }
    return t->nchecks > 0;
}

static bool sqlite_needs_rebuild(const ath_op *op, const ath_schema *cur)
{
    switch (op->kind) {
    case ATH_OP_ALTER_COLUMN: {
        const ath_op_alter_column *a = &op->u.alter;
        return a->type || a->nullable.set || a->server_default.set;
    }
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
    case ATH_OP_CREATE_FOREIGN_KEY:
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
    case ATH_OP_CREATE_PRIMARY_KEY:
    case ATH_OP_DROP_CONSTRAINT:
        return true;
    case ATH_OP_DROP_COLUMN: {
        const ath_table *t = find_table(cur, op->schema, op->table);
        return t && column_constrained(t, op->u.column.name);
    }
    default:
        return false;
    }
}

static int render_one(ath_stmts *list, ath_buf *b, const ath_op *op, const ath_schema *cur,
                      ath_dialect d)
{
    bool pg = d == ATH_DIALECT_POSTGRESQL;
    switch (op->kind) {
    case ATH_OP_CREATE_TABLE:
        return create_table(list, b, op, cur, d);
    case ATH_OP_DROP_TABLE:
        ath_buf_puts(b, "DROP TABLE ");
        ath_ddl_table_name(b, d, op->schema, op->table);
        return emit(list, b, 0);
    case ATH_OP_RENAME_TABLE:
        alter_table(b, d, op);
        ath_buf_puts(b, "RENAME TO ");
        ath_quote_ident(b, d, op->u.rename.new_name);
        return emit(list, b, 0);
    case ATH_OP_CREATE_TABLE_COMMENT:
    case ATH_OP_DROP_TABLE_COMMENT:
        if (!pg)
            return 0;
        ath_ddl_comment_on(b, d, op->schema, op->table, NULL,
                           op->kind == ATH_OP_CREATE_TABLE_COMMENT ? op->u.table_comment.comment
                                                                   : NULL);
        return emit(list, b, 0);
    case ATH_OP_ADD_COLUMN: {
        int rc = pg && op->u.column.def
                     ? create_missing_enum(list, b, op->schema, &op->u.column.def->type, cur)
                     : 0;
        return rc ? rc : add_column(list, b, op, cur, d);
    }
    case ATH_OP_DROP_COLUMN:
        alter_table(b, d, op);
        ath_buf_puts(b, "DROP COLUMN ");
        ath_quote_ident(b, d, op->u.column.name);
        return emit(list, b, 0);
    case ATH_OP_ALTER_COLUMN: {
        /* On SQLite only the rename is left here (the rest rebuilds). */
        int rc = pg ? create_missing_enum(list, b, op->schema, op->u.alter.type, cur) : 0;
        return rc ? rc : alter_column_pg(list, b, op, d);
    }
    case ATH_OP_CREATE_INDEX: {
        if (!op->u.index.def)
            return ath_error(ATH_EINVAL, "create_index %s: no index definition",
                             op->u.index.name ? op->u.index.name : "(unnamed)");
        ath_table on = {0};
        on.schema = op->schema;
        on.name = op->table;
        ath_ddl_create_index(b, d, &on, op->u.index.def,
                             pg && (op->run_flags & ATH_OP_CONCURRENTLY));
        return emit(list, b, 0);
    }
    case ATH_OP_DROP_INDEX:
        ath_buf_puts(b, pg && (op->run_flags & ATH_OP_CONCURRENTLY) ? "DROP INDEX CONCURRENTLY "
                                                                   : "DROP INDEX ");
        ath_ddl_table_name(b, d, op->schema, op->u.index.name);
        return emit(list, b, 0);
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
    case ATH_OP_CREATE_FOREIGN_KEY:
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
    case ATH_OP_CREATE_PRIMARY_KEY:
        return add_constraint(list, b, op, d);
    case ATH_OP_DROP_CONSTRAINT:
        if (!op->u.constraint.name)
            return ath_error(ATH_EINVAL, "drop_constraint on %s: no constraint name", op->table);
        alter_table(b, d, op);
        ath_buf_puts(b, "DROP CONSTRAINT ");
        ath_quote_ident(b, d, op->u.constraint.name);
        return emit(list, b, 0);
    case ATH_OP_CREATE_ENUM:
        if (!pg)
            return 0;
        ath_ddl_create_type(b, &op->u.enum_def);
        return emit(list, b, 0);
    case ATH_OP_DROP_ENUM:
        if (!pg)
            return 0;
        ath_buf_puts(b, "DROP TYPE ");
        ath_ddl_table_name(b, d, op->u.enum_def.schema, op->u.enum_def.name);
        return emit(list, b, 0);
    case ATH_OP_ADD_ENUM_VALUE:
        return pg ? enum_value(list, b, op, d) : 0;
    case ATH_OP_EXECUTE:
        if (!op->u.execute.sql)
            return ath_error(ATH_EINVAL, "execute: no SQL");
        ath_buf_puts(b, op->u.execute.sql);
        return emit(list, b, 0);
    case ATH_OP_BULK_INSERT:
        return bulk_insert(list, b, op, d);
    }
    return ath_error(ATH_EINVAL, "unknown op kind %d", (int)op->kind);
}

int ath_render_op(ath_stmts *list, const ath_op *op, const ath_schema *current, ath_dialect dialect)
{
    if (dialect == ATH_DIALECT_SQLITE && sqlite_needs_rebuild(op, current)) {
        ath_op one = *op;
        one.batch = true;
        return ath_render_batch(list, &one, 1, current, dialect);
    }
    ath_buf b = ATH_BUF_INIT;
    int rc = render_one(list, &b, op, current, dialect);
    ath_buf_free(&b);
    return rc;
}

/* SQLAlchemy's _type_affinity: the most general generic type a type belongs to. */
static int affinity(const ath_type *t)
{
    switch (t->kind) {
    case ATH_TYPE_INTEGER:
    case ATH_TYPE_BIGINT:
    case ATH_TYPE_SMALLINT:
        return ATH_TYPE_INTEGER;
    case ATH_TYPE_STRING:
    case ATH_TYPE_TEXT:
    case ATH_TYPE_UNICODE:
    case ATH_TYPE_UNICODE_TEXT:
    case ATH_TYPE_CHAR:
    case ATH_TYPE_ENUM:
        return ATH_TYPE_STRING;
    case ATH_TYPE_FLOAT:
    case ATH_TYPE_NUMERIC:
        return ATH_TYPE_NUMERIC;
    default:
        return (int)t->kind;
    }
}

/* One constraint of a rebuilt table, for Alembic's order. */
typedef struct rebuild_cons {
    unsigned seq;
    int kind; /* 0 foreign key, 1 unique, 2 check: ddl.c's order at equal seq */
    size_t index;
    bool named;
    bool old; /* the table had it before the block */
} rebuild_cons;

static bool cons_before(const rebuild_cons *a, const rebuild_cons *b)
{
    if (a->named != b->named)
        return a->named;
    if (a->old != b->old)
        return a->old;
    if (a->seq != b->seq)
        return a->seq < b->seq;
    if (a->kind != b->kind)
        return a->kind < b->kind;
    return a->index < b->index;
}

static bool same_names(const char **a, size_t na, const char **b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether `before` had constraint `index` of `kind` of t: by name, or by
 * content as an unnamed one (which batch_alter_table's naming_convention may
 * have named in the block). */
static bool had_constraint(const ath_table *before, const ath_table *t, int kind, size_t index)
{
    if (kind == 0) {
        const ath_foreign_key *f = &t->fks[index];
        for (size_t i = 0; i < before->nfks; i++) {
            const ath_foreign_key *g = &before->fks[i];
            if (f->name && same_str(f->name, g->name))
                return true;
            if (!g->name && same_str(f->ref_table, g->ref_table) &&
                same_names(f->columns, f->ncolumns, g->columns, g->ncolumns))
                return true;
        }
    } else if (kind == 1) {
        const ath_unique *u = &t->uniques[index];
        for (size_t i = 0; i < before->nuniques; i++) {
            const ath_unique *v = &before->uniques[i];
            if (u->name && same_str(u->name, v->name))
                return true;
            if (!v->name && same_names(u->columns, u->ncolumns, v->columns, v->ncolumns))
                return true;
        }
    } else {
        const ath_check *k = &t->checks[index];
        for (size_t i = 0; i < before->nchecks; i++) {
            const ath_check *l = &before->checks[i];
            if (k->name ? same_str(k->name, l->name)
                        : !l->name && same_str(k->sqltext, l->sqltext))
                return true;
        }
    }
    return false;
}

/*
 * The table as Alembic's batch rebuild declares it: it copies the named
 * constraints first, then the unnamed ones, each group in the order the
 * table had them and the block's new ones last, so the CREATE TABLE lists
 * them so. Returns a copy with the seq numbers renumbered; NULL when out of
 * memory.
 */
static const ath_table *alembic_constraint_order(ath_arena *a, const ath_table *before,
                                                 const ath_table *t)
{
    size_t n = t->nfks + t->nuniques + t->nchecks;
    if (n < 2)
        return t;
    rebuild_cons *cons = ath_arena_alloc(a, n * sizeof(*cons));
    ath_table *copy = ath_arena_alloc(a, sizeof(*copy));
    ath_foreign_key *fks = ath_arena_alloc(a, (t->nfks + 1) * sizeof(*fks));
    ath_unique *uniques = ath_arena_alloc(a, (t->nuniques + 1) * sizeof(*uniques));
    ath_check *checks = ath_arena_alloc(a, (t->nchecks + 1) * sizeof(*checks));
    if (!cons || !copy || !fks || !uniques || !checks)
        return NULL;
    *copy = *t;
    if (t->nfks)
        memcpy(fks, t->fks, t->nfks * sizeof(*fks));
    if (t->nuniques)
        memcpy(uniques, t->uniques, t->nuniques * sizeof(*uniques));
    if (t->nchecks)
        memcpy(checks, t->checks, t->nchecks * sizeof(*checks));
    copy->fks = fks;
    copy->uniques = uniques;
    copy->checks = checks;
    size_t k = 0;
    for (size_t i = 0; i < t->nfks; i++)
        cons[k++] = (rebuild_cons){fks[i].seq, 0, i, fks[i].name != NULL,
                                   had_constraint(before, t, 0, i)};
    for (size_t i = 0; i < t->nuniques; i++)
        cons[k++] = (rebuild_cons){uniques[i].seq, 1, i, uniques[i].name != NULL,
                                   had_constraint(before, t, 1, i)};
    for (size_t i = 0; i < t->nchecks; i++)
        cons[k++] = (rebuild_cons){checks[i].seq, 2, i, checks[i].name != NULL,
                                   had_constraint(before, t, 2, i)};
    /* Insertion sort: a table has few constraints. */
    for (size_t i = 1; i < n; i++) {
        rebuild_cons x = cons[i];
        size_t j = i;
        for (; j > 0 && cons_before(&x, &cons[j - 1]); j--)
            cons[j] = cons[j - 1];
        cons[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned seq = (unsigned)i + 1;
        if (cons[i].kind == 0)
            fks[cons[i].index].seq = seq;
        else if (cons[i].kind == 1)
            uniques[cons[i].index].seq = seq;
        else
            checks[cons[i].index].seq = seq;
    }
    return copy;
}

int ath_render_rebuild(ath_stmts *list, const ath_table *before, const ath_table *after,
                       const char *const *sources, ath_dialect d)
{
    ath_buf b = ATH_BUF_INIT;
    int rc = 0;
    char *tmp = ath_arena_printf(list->arena, "_alembic_tmp_%s", after->name);
    if (!tmp || !(after = alembic_constraint_order(list->arena, before, after)))
        return ath_error_oom();

    ath_ddl_create_table(&b, d, after, tmp, NULL);
    if ((rc = emit(list, &b, ATH_STMT_REBUILD)))
        goto done;

    /* Alembic's INSERT ... SELECT: the columns that existed before, their
     * values CAST where the type's affinity changed; the break before FROM
     * is SQLAlchemy's. */
    ath_buf_puts(&b, "INSERT INTO ");
    ath_ddl_table_name(&b, d, after->schema, tmp);
    ath_buf_puts(&b, " (");
    bool first = true;
    for (size_t i = 0; i < after->ncolumns; i++) {
        if (!sources[i])
            continue;
        if (!first)
            ath_buf_puts(&b, ", ");
        ath_quote_ident(&b, d, after->columns[i].name);
        first = false;
    }
    ath_buf_puts(&b, ") SELECT ");
    first = true;
    for (size_t i = 0; i < after->ncolumns; i++) {
        if (!sources[i])
            continue;
        const ath_column *old = ath_table_find_column(before, sources[i]);
        if (!old) {
            rc = ath_error(ATH_EINVAL, "rebuild of %s: no column %s before", before->name,
                           sources[i]);
            goto done;
        }
        if (!first)
            ath_buf_puts(&b, ", ");
        first = false;
        bool cast = affinity(&old->type) != affinity(&after->columns[i].type) &&
                    after->columns[i].type.kind != ATH_TYPE_JSON;
        if (cast)
            ath_buf_puts(&b, "CAST(");
        ath_ddl_table_name(&b, d, before->schema, before->name);
        ath_buf_putc(&b, '.');
        ath_quote_ident(&b, d, old->name);
        if (cast) {
            ath_buf_puts(&b, " AS ");
            ath_type_sql(&b, &after->columns[i].type, d);
            ath_buf_puts(&b, ") AS ");
            ath_quote_ident(&b, d, after->columns[i].name);
        }
    }
    ath_buf_puts(&b, " \nFROM ");
    ath_ddl_table_name(&b, d, before->schema, before->name);
    if (first) {
        /* Nothing to copy: no column survived. */
        ath_buf_clear(&b);
    } else if ((rc = emit(list, &b, ATH_STMT_REBUILD))) {
        goto done;
    }

    ath_buf_puts(&b, "DROP TABLE ");
    ath_ddl_table_name(&b, d, before->schema, before->name);
    if ((rc = emit(list, &b, ATH_STMT_REBUILD)))
        goto done;
    ath_buf_puts(&b, "ALTER TABLE ");
    ath_ddl_table_name(&b, d, after->schema, tmp);
    ath_buf_puts(&b, " RENAME TO ");
    ath_quote_ident(&b, d, after->name);
    if ((rc = emit(list, &b, ATH_STMT_REBUILD)))
        goto done;
    for (size_t i = 0; i < after->nindexes; i++) {
        ath_ddl_create_index(&b, d, after, &after->indexes[i], false);
        if ((rc = emit(list, &b, ATH_STMT_REBUILD)))
            goto done;
    }
done:
    ath_buf_free(&b);
    return rc;
}

/* Alembic's recreate="auto": these alone run natively even in batch mode; an
 * added column's server default only forces the rebuild when it is SQL
 * (sa.text(), a function), not when it is a plain string. */
static bool batch_native(const ath_op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ath_op *op = &ops[i];
        if (op->kind == ATH_OP_CREATE_INDEX || op->kind == ATH_OP_DROP_INDEX)
            continue;
        if (op->kind == ATH_OP_ADD_COLUMN && op->u.column.def &&
            (!op->u.column.def->server_default || op->u.column.default_is_string))
            continue;
        return false;
    }
    return true;
}

/* Follows the block's renames, adds and drops from each column of the
 * table after it back to the column of the table before it. */
static int column_sources(const char ***out, ath_arena *a, const ath_table *before,
                          const ath_table *after, const ath_op *ops, size_t n)
{
    size_t cap = before->ncolumns + n + 1, count = before->ncolumns;
    const char **now = ath_arena_alloc(a, cap * sizeof(char *));
    const char **from = ath_arena_alloc(a, cap * sizeof(char *));
    const char **src = ath_arena_alloc(a, (after->ncolumns + 1) * sizeof(char *));
    if (!now || !from || !src)
        return ath_error_oom();
    for (size_t i = 0; i < count; i++)
        now[i] = from[i] = before->columns[i].name;
    for (size_t k = 0; k < n; k++) {
        const ath_op *op = &ops[k];
        if (op->kind == ATH_OP_ADD_COLUMN && op->u.column.def) {
            now[count] = op->u.column.def->name;
            from[count++] = NULL;
        } else if (op->kind == ATH_OP_DROP_COLUMN || op->kind == ATH_OP_ALTER_COLUMN) {
            const char *name =
                op->kind == ATH_OP_DROP_COLUMN ? op->u.column.name : op->u.alter.column;
            for (size_t i = 0; i < count; i++) {
                if (!now[i] || strcmp(now[i], name) != 0)
                    continue;
                now[i] = op->kind == ATH_OP_DROP_COLUMN ? NULL
                         : op->u.alter.new_name         ? op->u.alter.new_name
                                                        : now[i];
                break;
            }
        }
    }
    for (size_t j = 0; j < after->ncolumns; j++) {
        src[j] = NULL;
        for (size_t i = 0; i < count; i++)
            if (now[i] && strcmp(now[i], after->columns[j].name) == 0)
                src[j] = from[i];
    }
    *out = src;
    return 0;
}

int ath_render_batch(ath_stmts *list, const ath_op *ops, size_t n, const ath_schema *current,
                     ath_dialect d)
{
    if (n == 0)
        return 0;
    ath_arena *a = ath_arena_new();
    if (!a)
        return ath_error_oom();
    ath_schema *s = NULL;
    ath_buf b = ATH_BUF_INIT;
    int rc = ath_schema_copy(&s, a, current);
    if (rc)
        goto done;

    if (d == ATH_DIALECT_POSTGRESQL || batch_native(ops, n)) {
        /* Op by op, each against the schema as the ops before it left it. */
        for (size_t i = 0; i < n && !rc; i++) {
            rc = render_one(list, &b, &ops[i], s, d);
            if (!rc)
                rc = ath_ops_apply(s, &ops[i], 1, d, ATH_APPLY_NO_ROLLBACK, NULL, NULL);
        }
        goto done;
    }

    const ath_table *before = find_table(current, ops[0].schema, ops[0].table);
    if (!before) {
        rc = ath_error(ATH_ENOTFOUND, "batch on %s: table does not exist",
                       ops[0].table ? ops[0].table : "(none)");
        goto done;
    }
    ath_op *batch = ath_arena_alloc(a, n * sizeof(*batch));
    if (!batch) {
        rc = ath_error_oom();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        batch[i] = ops[i];
        batch[i].batch = true;
    }
    if ((rc = ath_ops_apply(s, batch, n, d, ATH_APPLY_NO_ROLLBACK, NULL, NULL)))
        goto done;
    const ath_table *after = find_table(s, ops[0].schema, ops[0].table);
    if (!after) {
        rc = ath_error(ATH_EINVAL, "batch on %s: the block removes its table", ops[0].table);
        goto done;
    }
    const char **sources = NULL;
    if ((rc = column_sources(&sources, a, before, after, ops, n)))
        goto done;
    rc = ath_render_rebuild(list, before, after, sources, d);
done:
    ath_buf_free(&b);
    ath_arena_free(a);
    return rc;
}
