/*
 * db.create_all(): create the tables (with their indexes) and enum types a
 * database lacks, in one transaction, never touching what exists. Existence
 * is checked by name with one catalog query per kind of object; what an
 * existing table looks like does not matter, exactly as with SQLAlchemy.
 */
#include "athanor.h"

#include <string.h>

typedef struct existing {
    const char **schemas;   /* NULL: the default schema */
    const char **names;
    size_t count;
} existing;

static bool same_schema(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static bool exists(const existing *ex, const char *schema, const char *name)
{
    for (size_t i = 0; i < ex->count; i++)
        if (strcmp(ex->names[i], name) == 0 && same_schema(ex->schemas[i], schema))
            return true;
    return false;
}

/*
 * Rows of (schema, name, visible): an object whose schema is on the search
 * path (visible = 't') also answers to the default schema, as SQLAlchemy's
 * has_table() / has_type() treat schema=None.
 */
static int collect(existing *out, ath_arena *arena, ath_backend *be, const char *sql)
{
    ath_rows rows;
    int rc = ath_backend_query(&rows, arena, be, sql, NULL, 0);
    if (rc)
        return rc;
    out->count = 0;
    out->schemas = ath_arena_alloc(arena, (2 * rows.nrows + 1) * sizeof(char *));
    out->names = ath_arena_alloc(arena, (2 * rows.nrows + 1) * sizeof(char *));
    if (!out->schemas || !out->names)
        return ath_error_oom();
    for (size_t r = 0; r < rows.nrows; r++) {
        const char *const *row = rows.values + r * rows.ncols;
        out->schemas[out->count] = row[0];
        out->names[out->count++] = row[1];
        if (row[2] && strcmp(row[2], "t") == 0 && row[0]) {
            out->schemas[out->count] = NULL;
            out->names[out->count++] = row[1];
        }
    }
    return 0;
}

static int existing_tables(existing *out, ath_arena *arena, ath_backend *be)
{
    if (ath_backend_dialect(be) == ATH_DIALECT_POSTGRESQL)
        return collect(out, arena, be,
                       "SELECT n.nspname, c.relname, "
                       "CASE WHEN pg_catalog.pg_table_is_visible(c.oid) THEN 't' ELSE 'f' END "
                       "FROM pg_catalog.pg_class c "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                       "AND n.nspname NOT IN ('pg_catalog', 'information_schema')");
    /* SQLite: the main database; its tables have no schema name. */
    int rc = collect(out, arena, be,
                     "SELECT NULL, name, 'f' FROM sqlite_master WHERE type IN ('table', 'view')");
    return rc;
}

static int existing_enums(existing *out, ath_arena *arena, ath_backend *be)
{
    if (ath_backend_dialect(be) != ATH_DIALECT_POSTGRESQL) {
        out->count = 0;
        return 0;
    }
    return collect(out, arena, be,
                   "SELECT n.nspname, t.typname, "
                   "CASE WHEN pg_catalog.pg_type_is_visible(t.oid) THEN 't' ELSE 'f' END "
                   "FROM pg_catalog.pg_type t "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                   "WHERE t.typtype = 'e'");
}

static bool column_uses_enum(const ath_column *c, const ath_enum *e)
{
    const ath_type *t = &c->type;
    if (t->kind == ATH_TYPE_ARRAY && t->item)
        t = t->item;
    return t->kind == ATH_TYPE_ENUM && t->name && strcmp(t->name, e->name) == 0;
}

static bool table_uses_enum(const ath_table *t, const ath_enum *e)
{
    for (size_t c = 0; c < t->ncolumns; c++)
        if (column_uses_enum(&t->columns[c], e))
            return true;
    return false;
}

/*
 * The part of `schema` the database lacks. Tables are copied shallowly: the
 * sub-schema points into the caller's schema. An enum type is created with a
 * table that needs it (SQLAlchemy's before-create event) or on its own when
 * no table uses it (metadata-level types); one only existing tables use is
 * left alone, as SQLAlchemy leaves it.
 */
static int missing_part(ath_schema **out, ath_arena *arena, const ath_schema *schema,
                        const existing *tables, const existing *enums)
{
    ath_schema *sub = ath_schema_new(arena);
    if (!sub)
        return ath_error_oom();
    for (size_t i = 0; i < schema->ntables; i++) {
        const ath_table *t = &schema->tables[i];
        if (exists(tables, t->schema, t->name))
            continue;
        ath_table *copy = ath_schema_add_table(sub, t->schema, t->name);
        if (!copy)
            return ath_error_oom();
        *copy = *t;
    }
    for (size_t e = 0; e < schema->nenums; e++) {
        const ath_enum *en = &schema->enums[e];
        if (exists(enums, en->schema, en->name))
            continue;
        bool needed = false, used = false;
        for (size_t i = 0; i < schema->ntables; i++) {
            if (!table_uses_enum(&schema->tables[i], en))
                continue;
            used = true;
            if (ath_schema_find_table(sub, schema->tables[i].schema, schema->tables[i].name))
                needed = true;
        }
        if (used && !needed)
            continue;
        ath_enum *copy = ath_schema_add_enum(sub, en->schema, en->name);
        if (!copy)
            return ath_error_oom();
        *copy = *en;
    }
    *out = sub;
    return 0;
}

/*
 * Runs the statements of `sql` one at a time, so that an error names the
 * one that failed. Statements end with ";\n\n" outside quotes, as
 * ath_schema_to_sql writes them.
 */
static int exec_each(ath_backend *be, char *sql)
{
    char *start = sql;
    char quote = 0;
    for (char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            quote = *p;
            continue;
        }
        if (p[0] != ';' || p[1] != '\n' || p[2] != '\n')
            continue;
        p[1] = '\0';
        int rc = ath_backend_exec(be, start);
        p[1] = '\n';
        if (rc)
            return rc;
        p += 2;
        start = p + 1;
    }
    while (*start == '\n' || *start == ' ')
        start++;
    return *start ? ath_backend_exec(be, start) : 0;
}

int ath_create_all(ath_backend *backend, const ath_schema *schema, size_t *created)
{
    if (created)
        *created = 0;
    ath_arena *arena = ath_arena_new();
    if (!arena)
        return ath_error_oom();
    ath_dialect dialect = ath_backend_dialect(backend);
    ath_buf sql = ATH_BUF_INIT;
    existing tables, enums;
    ath_schema *sub = NULL;
    int rc = ath_backend_begin(backend);
    if (rc) {
        ath_arena_free(arena);
        return rc;
    }
    rc = existing_tables(&tables, arena, backend);
    if (!rc)
        rc = existing_enums(&enums, arena, backend);
    if (!rc)
        rc = missing_part(&sub, arena, schema, &tables, &enums);
    if (!rc)
        rc = ath_schema_to_sql(&sql, sub, dialect);
    if (!rc && sql.len)
        rc = exec_each(backend, sql.ptr);
    if (!rc) {
        rc = ath_backend_commit(backend);
    } else {
        /* Keep the first error: it says what went wrong, the rollback's would not. */
        char *first = ath_arena_strdup(arena, ath_error_last());
        int code = rc;
        ath_backend_rollback(backend);
        if (first)
            ath_error(code, "%s", first);
    }
    if (!rc && created)
        *created = sub->ntables;
    ath_buf_free(&sql);
    ath_arena_free(arena);
    return rc;
}
