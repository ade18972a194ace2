/*
 * Building, finding and ordering the objects of a Schema. Type parsing,
 * comparison and spelling are in types.c; rendering in inspect.c and the
 * backends.
 */
#include "athanor.h"

#include <stdlib.h>
#include <string.h>

const char *ath_dialect_name(ath_dialect dialect)
{
    return dialect == ATH_DIALECT_POSTGRESQL ? "postgresql" : "sqlite";
}

int ath_dialect_parse(ath_dialect *out, const char *name)
{
    if (strcmp(name, "sqlite") == 0) {
        *out = ATH_DIALECT_SQLITE;
        return 0;
    }
    if (strcmp(name, "postgresql") == 0 || strcmp(name, "postgres") == 0) {
        *out = ATH_DIALECT_POSTGRESQL;
        return 0;
    }
    return ath_error(ATH_EINVAL, "unknown dialect '%s' (expected sqlite or postgresql)", name);
}

ath_type ath_type_make(ath_type_kind kind)
{
    ath_type t;
    memset(&t, 0, sizeof(t));
    t.kind = kind;
    t.length = -1;
    t.precision = -1;
    t.scale = -1;
    t.dimensions = kind == ATH_TYPE_ARRAY ? 1 : 0;
    return t;
}

ath_schema *ath_schema_new(ath_arena *arena)
{
    ath_schema *s = ath_arena_alloc(arena, sizeof(*s));
    if (s)
        s->arena = arena;
    return s;
}

/* Copies a name into the arena; false only when a non-NULL name could not be copied. */
static bool set_name(ath_arena *arena, const char **dst, const char *src)
{
    *dst = ath_arena_strdup(arena, src);
    return !src || *dst;
}

ath_table *ath_schema_add_table(ath_schema *schema, const char *schema_name, const char *name)
{
    ath_table *t = ATH_PUSH(schema->arena, schema->tables, schema->ntables, schema->tables_cap);
    if (!t)
        return NULL;
    if (!set_name(schema->arena, &t->schema, schema_name) ||
        !set_name(schema->arena, &t->name, name)) {
        schema->ntables--;
        return NULL;
    }
    return t;
}

ath_enum *ath_schema_add_enum(ath_schema *schema, const char *schema_name, const char *name)
{
    ath_enum *e = ATH_PUSH(schema->arena, schema->enums, schema->nenums, schema->enums_cap);
    if (!e)
        return NULL;
    if (!set_name(schema->arena, &e->schema, schema_name) ||
        !set_name(schema->arena, &e->name, name)) {
        schema->nenums--;
        return NULL;
    }
    return e;
}

ath_column *ath_table_add_column(ath_schema *schema, ath_table *table, const char *name)
{
    ath_column *c = ATH_PUSH(schema->arena, table->columns, table->ncolumns, table->columns_cap);
    if (!c)
        return NULL;
    c->type = ath_type_make(ATH_TYPE_OTHER);
    c->nullable = true;
    if (!set_name(schema->arena, &c->name, name)) {
        table->ncolumns--;
        return NULL;
    }
    return c;
}

ath_unique *ath_table_add_unique(ath_schema *schema, ath_table *table)
{
    return ATH_PUSH(schema->arena, table->uniques, table->nuniques, table->uniques_cap);
}

ath_index *ath_table_add_index(ath_schema *schema, ath_table *table)
{
    return ATH_PUSH(schema->arena, table->indexes, table->nindexes, table->indexes_cap);
}

ath_foreign_key *ath_table_add_fk(ath_schema *schema, ath_table *table)
{
    return ATH_PUSH(schema->arena, table->fks, table->nfks, table->fks_cap);
}

ath_check *ath_table_add_check(ath_schema *schema, ath_table *table)
{
    return ATH_PUSH(schema->arena, table->checks, table->nchecks, table->checks_cap);
}

static bool same_schema(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

ath_table *ath_schema_find_table(const ath_schema *schema, const char *schema_name,
                                 const char *name)
{
    for (size_t i = 0; i < schema->ntables; i++) {
        ath_table *t = &schema->tables[i];
        if (strcmp(t->name, name) == 0 && same_schema(t->schema, schema_name))
            return t;
    }
    return NULL;
}

ath_column *ath_table_find_column(const ath_table *table, const char *name)
{
    for (size_t i = 0; i < table->ncolumns; i++)
        if (strcmp(table->columns[i].name, name) == 0)
            return &table->columns[i];
    return NULL;
}

/* NULL sorts first: unnamed objects before named ones, default schema first. */
static int cmp_opt(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_list(const char **a, size_t na, const char **b, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++) {
        int c = strcmp(a[i], b[i]);
        if (c)
            return c;
    }
    return (na > nb) - (na < nb);
}

static int cmp_table(const void *x, const void *y)
{
    const ath_table *a = x, *b = y;
    int c = cmp_opt(a->schema, b->schema);
    return c ? c : strcmp(a->name, b->name);
}

static int cmp_enum(const void *x, const void *y)
{
    const ath_enum *a = x, *b = y;
    int c = cmp_opt(a->schema, b->schema);
    return c ? c : strcmp(a->name, b->name);
}

static int cmp_unique(const void *x, const void *y)
{
    const ath_unique *a = x, *b = y;
    int c = cmp_opt(a->name, b->name);
    return c ? c : cmp_list(a->columns, a->ncolumns, b->columns, b->ncolumns);
}

static int cmp_index(const void *x, const void *y)
{
    const ath_index *a = x, *b = y;
    return cmp_opt(a->name, b->name);
}

static int cmp_fk(const void *x, const void *y)
{
    const ath_foreign_key *a = x, *b = y;
    int c = cmp_opt(a->name, b->name);
    if (c)
        return c;
    c = cmp_list(a->columns, a->ncolumns, b->columns, b->ncolumns);
    return c ? c : strcmp(a->ref_table, b->ref_table);
}

static int cmp_check(const void *x, const void *y)
{
    const ath_check *a = x, *b = y;
    int c = cmp_opt(a->name, b->name);
    return c ? c : strcmp(a->sqltext, b->sqltext);
}

void ath_schema_sort(ath_schema *schema)
{
    if (schema->ntables)
        qsort(schema->tables, schema->ntables, sizeof(ath_table), cmp_table);
    if (schema->nenums)
        qsort(schema->enums, schema->nenums, sizeof(ath_enum), cmp_enum);
    for (size_t i = 0; i < schema->ntables; i++) {
        ath_table *t = &schema->tables[i];
        if (t->nuniques)
            qsort(t->uniques, t->nuniques, sizeof(ath_unique), cmp_unique);
        if (t->nindexes)
            qsort(t->indexes, t->nindexes, sizeof(ath_index), cmp_index);
        if (t->nfks)
            qsort(t->fks, t->nfks, sizeof(ath_foreign_key), cmp_fk);
        if (t->nchecks)
            qsort(t->checks, t->nchecks, sizeof(ath_check), cmp_check);
    }
}
