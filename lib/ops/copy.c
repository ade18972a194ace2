/*
 * Deep copies of Schema objects into another arena, so that a schema can be
 * changed (replay, diff) while the original stays as it was. Only copying;
 * comparison is JSON or the diff's business.
 */
#include "athanor.h"
#include "athanor/ops.h"

#include <string.h>

/* Copies a string; false only when a non-NULL one could not be copied. */
static bool dup(ath_arena *a, const char **dst, const char *src)
{
    *dst = ath_arena_strdup(a, src);
    return !src || *dst;
}

static bool dup_list(ath_arena *a, const char ***dst, const char *const *src, size_t n)
{
    *dst = NULL;
    if (!src || n == 0)
        return true;
    const char **l = ath_arena_alloc(a, n * sizeof(*l));
    if (!l)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!dup(a, &l[i], src[i]))
            return false;
    *dst = l;
    return true;
}

/* Copies n elements of `size` bytes into a new arena array with capacity n. */
static bool dup_array(ath_arena *a, void **dst, const void *src, size_t n, size_t size)
{
    *dst = NULL;
    if (n == 0)
        return true;
    *dst = ath_arena_alloc(a, n * size);
    if (!*dst)
        return false;
    memcpy(*dst, src, n * size);
    return true;
}

int ath_type_copy(ath_type *dst, ath_arena *a, const ath_type *src)
{
    *dst = *src;
    dst->item = NULL;
    if (!dup(a, &dst->name, src->name) || !dup(a, &dst->args, src->args) ||
        !dup_list(a, &dst->values, src->values, src->nvalues))
        return ath_error_oom();
    if (src->item) {
        ath_type *item = ath_arena_alloc(a, sizeof(*item));
        if (!item)
            return ath_error_oom();
        int rc = ath_type_copy(item, a, src->item);
        if (rc)
            return rc;
        dst->item = item;
    }
    return 0;
}

int ath_column_copy(ath_column *dst, ath_arena *a, const ath_column *src)
{
    *dst = *src;
    if (!dup(a, &dst->name, src->name) || !dup(a, &dst->server_default, src->server_default) ||
        !dup(a, &dst->comment, src->comment))
        return ath_error_oom();
    return ath_type_copy(&dst->type, a, &src->type);
}

static bool copy_unique(ath_arena *a, ath_unique *u)
{
    return dup(a, &u->name, u->name) && dup_list(a, &u->columns, u->columns, u->ncolumns);
}

static bool copy_index(ath_arena *a, ath_index *ix)
{
    const ath_index_elem *elems = ix->elems;
    if (!dup(a, &ix->name, ix->name) || !dup(a, &ix->where, ix->where) ||
        !dup_array(a, (void **)&ix->elems, elems, ix->nelems, sizeof(*elems)))
        return false;
    for (size_t i = 0; i < ix->nelems; i++)
        if (!dup(a, &ix->elems[i].text, elems[i].text))
            return false;
    return true;
}

static bool copy_fk(ath_arena *a, ath_foreign_key *fk)
{
    return dup(a, &fk->name, fk->name) && dup_list(a, &fk->columns, fk->columns, fk->ncolumns) &&
           dup(a, &fk->ref_schema, fk->ref_schema) && dup(a, &fk->ref_table, fk->ref_table) &&
           dup_list(a, &fk->ref_columns, fk->ref_columns, fk->ncolumns) &&
           dup(a, &fk->ondelete, fk->ondelete) && dup(a, &fk->onupdate, fk->onupdate) &&
           dup(a, &fk->initially, fk->initially);
}

static bool copy_check(ath_arena *a, ath_check *c)
{
    return dup(a, &c->name, c->name) && dup(a, &c->sqltext, c->sqltext);
}

int ath_table_copy(ath_table *dst, ath_arena *a, const ath_table *src)
{
    memset(dst, 0, sizeof(*dst));
    if (!dup(a, &dst->schema, src->schema) || !dup(a, &dst->name, src->name) ||
        !dup(a, &dst->comment, src->comment))
        return ath_error_oom();

    if (!dup_array(a, (void **)&dst->columns, src->columns, src->ncolumns, sizeof(ath_column)))
        return ath_error_oom();
    dst->ncolumns = dst->columns_cap = src->ncolumns;
    for (size_t i = 0; i < src->ncolumns; i++) {
        int rc = ath_column_copy(&dst->columns[i], a, &src->columns[i]);
        if (rc)
            return rc;
    }

    dst->pk.ncolumns = src->pk.ncolumns;
    if (!dup(a, &dst->pk.name, src->pk.name) ||
        !dup_list(a, &dst->pk.columns, src->pk.columns, src->pk.ncolumns))
        return ath_error_oom();

    if (!dup_array(a, (void **)&dst->uniques, src->uniques, src->nuniques, sizeof(ath_unique)) ||
        !dup_array(a, (void **)&dst->indexes, src->indexes, src->nindexes, sizeof(ath_index)) ||
        !dup_array(a, (void **)&dst->fks, src->fks, src->nfks, sizeof(ath_foreign_key)) ||
        !dup_array(a, (void **)&dst->checks, src->checks, src->nchecks, sizeof(ath_check)))
        return ath_error_oom();
    dst->nuniques = dst->uniques_cap = src->nuniques;
    dst->nindexes = dst->indexes_cap = src->nindexes;
    dst->nfks = dst->fks_cap = src->nfks;
    dst->nchecks = dst->checks_cap = src->nchecks;
    for (size_t i = 0; i < dst->nuniques; i++)
        if (!copy_unique(a, &dst->uniques[i]))
            return ath_error_oom();
    for (size_t i = 0; i < dst->nindexes; i++)
        if (!copy_index(a, &dst->indexes[i]))
            return ath_error_oom();
    for (size_t i = 0; i < dst->nfks; i++)
        if (!copy_fk(a, &dst->fks[i]))
            return ath_error_oom();
    for (size_t i = 0; i < dst->nchecks; i++)
        if (!copy_check(a, &dst->checks[i]))
            return ath_error_oom();
    return 0;
}

int ath_schema_copy(ath_schema **out, ath_arena *a, const ath_schema *src)
{
    *out = NULL;
    ath_schema *s = ath_schema_new(a);
    if (!s)
        return ath_error_oom();
    if (!dup_array(a, (void **)&s->tables, src->tables, src->ntables, sizeof(ath_table)) ||
        !dup_array(a, (void **)&s->enums, src->enums, src->nenums, sizeof(ath_enum)))
        return ath_error_oom();
    s->ntables = s->tables_cap = src->ntables;
    s->nenums = s->enums_cap = src->nenums;
    for (size_t i = 0; i < s->ntables; i++) {
        int rc = ath_table_copy(&s->tables[i], a, &src->tables[i]);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < s->nenums; i++) {
        ath_enum *e = &s->enums[i];
        if (!dup(a, &e->schema, e->schema) || !dup(a, &e->name, e->name) ||
            !dup_list(a, &e->values, e->values, e->nvalues))
            return ath_error_oom();
    }
    *out = s;
    return 0;
}
