/*
 * Applying ops to a Schema in memory: the replay of a migration history
 * without a database. Each op is checked the way the dialect's database
 * would check it, and refused with a message naming the op. SQL text
 * (execute) is not interpreted here.
 */
#include "ops_internal.h"

#include <string.h>

typedef struct ctx {
    ath_schema *s;
    ath_arena *a;
    ath_dialect d;
    unsigned flags;
    ath_diags *diags;
    bool errors; /* add error diagnostics in this pass */
    bool notes;  /* add notes (skipped execute ops) in this pass */
    const ath_op *op;
} ctx;

static int fail(ctx *c, int code, const char *fmt, ...) ATH_PRINTF(3, 4);

static int fail(ctx *c, int code, const char *fmt, ...)
{
    ath_buf b = ATH_BUF_INIT;
    ops_describe(&b, c->op);
    ath_buf_puts(&b, ": ");
    va_list ap;
    va_start(ap, fmt);
    ath_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.oom) {
        ath_buf_free(&b);
        return ath_error_oom();
    }
    if (c->errors && c->diags) {
        const ath_op_pos *p = &c->op->pos;
        if (ath_diags_add(c->diags, ATH_DIAG_ERROR, p->path, p->line, p->col, "%s",
                          ath_buf_cstr(&b))) {
            ath_buf_free(&b);
            return ATH_ENOMEM;
        }
    }
    ath_error(code, "%s", ath_buf_cstr(&b));
    ath_buf_free(&b);
    return code;
}

static int oom(void) { return ath_error_oom(); }

static bool same_opt(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static bool in_list(const char **list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* Same names, any order (a foreign key matches a key on the same column set). */
static bool same_set(const char **a, size_t na, const char **b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!in_list(b, nb, a[i]))
            return false;
    return true;
}

/* "foreign key fk_x" or "a foreign key"; for messages. */
static const char *label(ctx *c, const char *what, const char *name)
{
    const char *l = name ? ath_arena_printf(c->a, "%s %s", what, name)
                         : ath_arena_printf(c->a, "an unnamed %s", what);
    return l ? l : what;
}

static const char *table_label(ctx *c, const ath_table *t)
{
    const char *l = t->schema ? ath_arena_printf(c->a, "%s.%s", t->schema, t->name) : t->name;
    return l ? l : t->name;
}

/* ---- SQL text: finding and renaming a column inside an expression ---- */

static bool ident_start(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
           (unsigned char)ch >= 0x80;
}

static bool ident_char(char ch) { return ident_start(ch) || (ch >= '0' && ch <= '9') || ch == '$'; }

static bool ieq(const char *p, size_t n, const char *name)
{
    if (strlen(name) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char x = p[i], y = name[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

/*
 * Walks the identifiers of SQL text outside string literals; for each one
 * equal to `name` (unquoted: any case; "quoted": exactly) calls back with its
 * span. Returns how many matched. With `out`, copies the text there with the
 * matches replaced by `repl` quoted for `d`.
 */
static size_t sql_idents(const char *text, const char *name, ath_buf *out, ath_dialect d,
                         const char *repl)
{
    size_t hits = 0;
    const char *p = text;
    while (*p) {
        const char *start = p;
        bool match = false;
        if (*p == '\'') {
            for (p++; *p; p++)
                if (*p == '\'' && *++p != '\'')
                    break;
        } else if (*p == '"') {
            const char *q = ++p;
            while (*p && *p != '"')
                p++;
            match = (size_t)(p - q) == strlen(name) && strncmp(q, name, (size_t)(p - q)) == 0;
            if (*p)
                p++;
        } else if (ident_start(*p)) {
            while (ident_char(*p))
                p++;
            match = ieq(start, (size_t)(p - start), name);
        } else if (*p >= '0' && *p <= '9') {
            while (ident_char(*p) || (*p >= '0' && *p <= '9') || *p == '.')
                p++;
        } else {
            p++;
        }
        if (match)
            hits++;
        if (out) {
            if (match)
                ath_quote_ident(out, d, repl);
            else
                ath_buf_put(out, start, (size_t)(p - start));
        }
    }
    return hits;
}

static bool sql_mentions(const char *text, const char *name)
{
    return text && sql_idents(text, name, NULL, ATH_DIALECT_SQLITE, NULL) > 0;
}

/* `*text` with identifier `from` renamed to `to`; unchanged when not mentioned. */
static int sql_rename(ctx *c, const char **text, const char *from, const char *to)
{
    if (!sql_mentions(*text, from))
        return 0;
    ath_buf b = ATH_BUF_INIT;
    sql_idents(*text, from, &b, c->d, to);
    const char *t = b.oom ? NULL : ath_arena_strdup(c->a, ath_buf_cstr(&b));
    ath_buf_free(&b);
    if (!t)
        return oom();
    *text = t;
    return 0;
}

/* ---- lookups ---- */

static bool index_uses(const ath_index *ix, const char *column)
{
    for (size_t i = 0; i < ix->nelems; i++) {
        if (ix->elems[i].expression ? sql_mentions(ix->elems[i].text, column)
                                    : strcmp(ix->elems[i].text, column) == 0)
            return true;
    }
    return sql_mentions(ix->where, column);
}

static const ath_index *find_index_in(const ath_table *t, const char *name)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (t->indexes[i].name && strcmp(t->indexes[i].name, name) == 0)
            return &t->indexes[i];
    return NULL;
}

/* An index of that name anywhere in the schema (index names are per schema). */
static ath_table *index_owner(ath_schema *s, const char *schema, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (same_opt(s->tables[i].schema, schema) && find_index_in(&s->tables[i], name))
            return &s->tables[i];
    return NULL;
}

/* PostgreSQL: a unique or primary key constraint's index of that name. */
static ath_table *key_owner(ath_schema *s, const char *schema, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++) {
        ath_table *t = &s->tables[i];
        if (!same_opt(t->schema, schema))
            continue;
        if (t->pk.ncolumns && t->pk.name && strcmp(t->pk.name, name) == 0)
            return t;
        for (size_t u = 0; u < t->nuniques; u++)
            if (t->uniques[u].name && strcmp(t->uniques[u].name, name) == 0)
                return t;
    }
    return NULL;
}

/*
 * A name for a new table, index, or (PostgreSQL) unique or primary key index
 * must be free among the relations of its schema. `self` is the table being
 * created, which is not in the schema yet.
 */
static int relation_name_free(ctx *c, const char *schema, const char *name, const ath_table *self)
{
    if (ath_schema_find_table(c->s, schema, name))
        return fail(c, ATH_ECONFLICT, "a table named %s already exists", name);
    ath_table *t = index_owner(c->s, schema, name);
    if (!t && self && find_index_in(self, name))
        t = (ath_table *)self;
    if (t)
        return fail(c, ATH_ECONFLICT, "an index named %s already exists (on %s)", name,
                    table_label(c, t));
    if (c->d == ATH_DIALECT_POSTGRESQL && (t = key_owner(c->s, schema, name)) != NULL)
        return fail(c, ATH_ECONFLICT, "a constraint named %s already exists (on %s)", name,
                    table_label(c, t));
    return 0;
}

static ath_table *need_table(ctx *c, int *rc)
{
    ath_table *t = ath_schema_find_table(c->s, c->op->schema, c->op->table);
    *rc = t ? 0 : fail(c, ATH_ENOTFOUND, "table does not exist");
    return t;
}

static ath_enum *find_enum(ath_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nenums; i++)
        if (strcmp(s->enums[i].name, name) == 0)
            return &s->enums[i];
    return NULL;
}

static const ath_type *enum_of(const ath_type *t)
{
    if (t->kind == ATH_TYPE_ARRAY && t->item)
        t = t->item;
    return t->kind == ATH_TYPE_ENUM && t->name ? t : NULL;
}

static int add_enum(ctx *c, const char *schema, const char *name, const char **values, size_t n);

/* PostgreSQL: a column's named enum type, created when missing (the
 * renderer creates it before the column, where Alembic would fail). */
static int need_enum_type(ctx *c, const ath_type *type)
{
    const ath_type *e = enum_of(type);
    if (c->d != ATH_DIALECT_POSTGRESQL || !e || find_enum(c->s, e->name))
        return 0;
    return add_enum(c, c->op->schema, e->name, e->values, e->nvalues);
}

/* True when (cols) is the primary key, a unique constraint or a plain unique index of t. */
static bool has_unique_key(const ath_table *t, const char **cols, size_t n)
{
    if (same_set(t->pk.columns, t->pk.ncolumns, cols, n))
        return true;
    for (size_t i = 0; i < t->nuniques; i++)
        if (same_set(t->uniques[i].columns, t->uniques[i].ncolumns, cols, n))
            return true;
    for (size_t i = 0; i < t->nindexes; i++) {
        const ath_index *ix = &t->indexes[i];
        if (!ix->unique || ix->where || ix->nelems != n)
            continue;
        size_t k = 0;
        while (k < n && !ix->elems[k].expression && in_list(cols, n, ix->elems[k].text))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static bool refers_to(const ath_foreign_key *fk, const ath_table *t)
{
    return strcmp(fk->ref_table, t->name) == 0 && same_opt(fk->ref_schema, t->schema);
}

/* ---- checks on a table definition or a new constraint ---- */

/* `what` and `name` (may be NULL) say which key: "unique constraint uq_x". */
static int need_columns(ctx *c, const ath_table *t, const char *what, const char *name,
                        const char **cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ath_table_find_column(t, cols[i]))
            return fail(c, ATH_ENOTFOUND, "%s%s%s names unknown column %s", what, name ? " " : "",
                        name ? name : "", cols[i]);
    return 0;
}

static int check_index_columns(ctx *c, const ath_table *t, const ath_index *ix)
{
    for (size_t i = 0; i < ix->nelems; i++)
        if (!ix->elems[i].expression && !ath_table_find_column(t, ix->elems[i].text))
            return fail(c, ATH_ENOTFOUND, "index %s names unknown column %s", ix->name,
                        ix->elems[i].text);
    return 0;
}

/*
 * What PostgreSQL checks when a foreign key is created: the referred table
 * (`self` when it refers to the table being created), its columns, and a
 * unique key on exactly those columns. SQLite checks none of it.
 */
static int check_fk_target(ctx *c, const ath_table *self, const ath_foreign_key *fk,
                           const char *name)
{
    if (c->d != ATH_DIALECT_POSTGRESQL)
        return 0;
    const char *n = name ? name : "", *sp = name ? " " : "";
    const ath_table *r = ath_schema_find_table(c->s, fk->ref_schema, fk->ref_table);
    if (!r && refers_to(fk, self))
        r = self;
    if (!r)
        return fail(c, ATH_ENOTFOUND, "foreign key%s%s refers to missing table %s", sp, n,
                    fk->ref_table);
    for (size_t i = 0; i < fk->ncolumns; i++)
        if (!ath_table_find_column(r, fk->ref_columns[i]))
            return fail(c, ATH_ENOTFOUND, "foreign key%s%s refers to missing column %s.%s", sp, n,
                        r->name, fk->ref_columns[i]);
    if (!has_unique_key(r, fk->ref_columns, fk->ncolumns))
        return fail(c, ATH_ECONFLICT,
                    "foreign key%s%s refers to columns of %s with no primary key or unique "
                    "constraint on them",
                    sp, n, r->name);
    return 0;
}

/* The names of a table's constraints must differ (PostgreSQL refuses a second one). */
static const char *constraint_kind_named(const ath_table *t, const char *name)
{
    if (t->pk.ncolumns && t->pk.name && strcmp(t->pk.name, name) == 0)
        return "primary key";
    for (size_t i = 0; i < t->nuniques; i++)
        if (t->uniques[i].name && strcmp(t->uniques[i].name, name) == 0)
            return "unique constraint";
    for (size_t i = 0; i < t->nfks; i++)
        if (t->fks[i].name && strcmp(t->fks[i].name, name) == 0)
            return "foreign key";
    for (size_t i = 0; i < t->nchecks; i++)
        if (t->checks[i].name && strcmp(t->checks[i].name, name) == 0)
            return "check constraint";
    return NULL;
}

/* ---- enum types: created with a table on PostgreSQL, as SQLAlchemy does ---- */

static int add_enum(ctx *c, const char *schema, const char *name, const char **values, size_t n)
{
    ath_enum *e = ath_schema_add_enum(c->s, schema, name);
    if (!e)
        return oom();
    if (n) {
        e->values = ath_arena_alloc(c->a, n * sizeof(char *));
        if (!e->values)
            return oom();
        for (size_t i = 0; i < n; i++)
            if (!(e->values[i] = ath_arena_strdup(c->a, values[i])))
                return oom();
    }
    e->nvalues = n;
    return 0;
}

/* ---- the ops ---- */

static int create_table(ctx *c)
{
    const ath_table *def = c->op->u.table_def;
    if (!def)
        return fail(c, ATH_EINVAL, "no table definition");
    if (ath_schema_find_table(c->s, c->op->schema, c->op->table))
        return fail(c, ATH_ECONFLICT, "table already exists");
    int rc = relation_name_free(c, c->op->schema, c->op->table, NULL);
    if (rc)
        return rc;
    for (size_t i = 0; i < def->ncolumns; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(def->columns[i].name, def->columns[j].name) == 0)
                return fail(c, ATH_EINVAL, "column %s is given twice", def->columns[i].name);
    if ((rc = need_columns(c, def, "primary key", NULL, def->pk.columns, def->pk.ncolumns)))
        return rc;
    if (c->d == ATH_DIALECT_POSTGRESQL && def->pk.ncolumns && def->pk.name &&
        (rc = relation_name_free(c, c->op->schema, def->pk.name, NULL)))
        return rc;
    for (size_t i = 0; c->d == ATH_DIALECT_POSTGRESQL && i < def->nuniques; i++)
        if (def->uniques[i].name &&
            (rc = relation_name_free(c, c->op->schema, def->uniques[i].name, NULL)))
            return rc;
    for (size_t i = 0; i < def->nuniques; i++)
        if ((rc = need_columns(c, def, "unique constraint", def->uniques[i].name,
                               def->uniques[i].columns, def->uniques[i].ncolumns)))
            return rc;
    for (size_t i = 0; i < def->nfks; i++) {
        const ath_foreign_key *fk = &def->fks[i];
        if ((rc = need_columns(c, def, "foreign key", fk->name, fk->columns, fk->ncolumns)) ||
            (rc = check_fk_target(c, def, fk, fk->name)))
            return rc;
    }
    for (size_t i = 0; i < def->nindexes; i++) {
        const ath_index *ix = &def->indexes[i];
        if (!ix->name)
            return fail(c, ATH_EINVAL, "an index needs a name");
        for (size_t j = 0; j < i; j++)
            if (strcmp(def->indexes[j].name, ix->name) == 0)
                return fail(c, ATH_ECONFLICT, "index %s is given twice", ix->name);
        if ((rc = relation_name_free(c, c->op->schema, ix->name, NULL)) ||
            (rc = check_index_columns(c, def, ix)))
            return rc;
    }

    ath_table *t = ath_schema_add_table(c->s, NULL, "");
    if (!t)
        return oom();
    if ((rc = ath_table_copy(t, c->a, def)))
        return rc;
    t->schema = ath_arena_strdup(c->a, c->op->schema);
    t->name = ath_arena_strdup(c->a, c->op->table);
    if (!t->name || (c->op->schema && !t->schema))
        return oom();
    if (c->d != ATH_DIALECT_POSTGRESQL)
        return 0;
    for (size_t i = 0; i < def->ncolumns; i++) {
        const ath_type *e = enum_of(&def->columns[i].type);
        if (e && !find_enum(c->s, e->name) &&
            (rc = add_enum(c, c->op->schema, e->name, e->values, e->nvalues)))
            return rc;
    }
    return 0;
}

static int drop_table(ctx *c)
{
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    if (c->d == ATH_DIALECT_POSTGRESQL) {
        for (size_t i = 0; i < c->s->ntables; i++) {
            const ath_table *o = &c->s->tables[i];
            if (o == t)
                continue;
            for (size_t f = 0; f < o->nfks; f++)
                if (refers_to(&o->fks[f], t))
                    return fail(c, ATH_ECONFLICT, "table is referenced by %s on %s",
                                label(c, "foreign key", o->fks[f].name), table_label(c, o));
        }
    }
    size_t i = (size_t)(t - c->s->tables);
    memmove(t, t + 1, (c->s->ntables - i - 1) * sizeof(*t));
    c->s->ntables--;
    return 0;
}

static int rename_table(ctx *c)
{
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    const char *to = c->op->u.rename.new_name;
    if (!to)
        return fail(c, ATH_EINVAL, "no new name");
    if ((rc = relation_name_free(c, c->op->schema, to, NULL)))
        return rc;
    const char *name = ath_arena_strdup(c->a, to);
    if (!name)
        return oom();
    /* Foreign keys follow the table, on both databases (SQLite >= 3.26). */
    for (size_t i = 0; i < c->s->ntables; i++) {
        ath_table *o = &c->s->tables[i];
        for (size_t f = 0; f < o->nfks; f++)
            if (refers_to(&o->fks[f], t))
                o->fks[f].ref_table = name;
    }
    t->name = name;
    return 0;
}

static int table_comment(ctx *c)
{
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    const char *text =
        c->op->kind == ATH_OP_CREATE_TABLE_COMMENT ? c->op->u.table_comment.comment : NULL;
    if (c->op->kind == ATH_OP_CREATE_TABLE_COMMENT && !text)
        return fail(c, ATH_EINVAL, "no comment");
    t->comment = ath_arena_strdup(c->a, text);
    return text && !t->comment ? oom() : 0;
}

static int add_column(ctx *c)
{
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    const ath_column *def = c->op->u.column.def;
    if (!def)
        return fail(c, ATH_EINVAL, "no column definition");
    if (ath_table_find_column(t, def->name))
        return fail(c, ATH_ECONFLICT, "column already exists");
    if ((rc = need_enum_type(c, &def->type)))
        return rc;
    if (c->d == ATH_DIALECT_SQLITE && !c->op->batch && !def->nullable && !def->server_default)
        return fail(c, ATH_ECONFLICT,
                    "SQLite cannot add a NOT NULL column without a server default");
    ath_column *col = ATH_PUSH(c->a, t->columns, t->ncolumns, t->columns_cap);
    if (!col)
        return oom();
    return ath_column_copy(col, c->a, def);
}

/* Removes element i of an array of n elements of `size` bytes. */
static void remove_at(void *items, size_t *n, size_t i, size_t size)
{
    char *p = items;
    memmove(p + i * size, p + (i + 1) * size, (*n - i - 1) * size);
    (*n)--;
}

/* SQLite's refusals (ALTER TABLE DROP COLUMN, or the re-creation batch mode does). */
static int sqlite_drop_column_check(ctx *c, const ath_table *t, const char *col)
{
    bool batch = c->op->batch;
    for (size_t i = 0; i < t->nindexes; i++)
        if (index_uses(&t->indexes[i], col))
            return fail(c, ATH_ECONFLICT, "column is used by %s",
                        label(c, "index", t->indexes[i].name));
    for (size_t i = 0; i < t->nchecks; i++)
        if (sql_mentions(t->checks[i].sqltext, col))
            return fail(c, ATH_ECONFLICT, "column is used by %s",
                        label(c, "check constraint", t->checks[i].name));
    if (batch)
        return 0;
    if (in_list(t->pk.columns, t->pk.ncolumns, col))
        return fail(c, ATH_ECONFLICT, "SQLite cannot drop a primary key column outside batch mode");
    for (size_t i = 0; i < t->nuniques; i++)
        if (in_list(t->uniques[i].columns, t->uniques[i].ncolumns, col))
            return fail(c, ATH_ECONFLICT,
                        "SQLite cannot drop a column used by %s outside batch mode",
                        label(c, "unique constraint", t->uniques[i].name));
    for (size_t i = 0; i < t->nfks; i++)
        if (in_list(t->fks[i].columns, t->fks[i].ncolumns, col))
            return fail(c, ATH_ECONFLICT,
                        "SQLite cannot drop a column used by %s outside batch mode",
                        label(c, "foreign key", t->fks[i].name));
    if (t->ncolumns == 1)
        return fail(c, ATH_ECONFLICT, "SQLite cannot drop a table's only column");
    return 0;
}

/* PostgreSQL refuses when a foreign key (of any table) refers to the column. */
static int pg_drop_column_check(ctx *c, const ath_table *t, const char *col)
{
    for (size_t i = 0; i < c->s->ntables; i++) {
        const ath_table *o = &c->s->tables[i];
        for (size_t f = 0; f < o->nfks; f++)
            if (refers_to(&o->fks[f], t) && in_list(o->fks[f].ref_columns, o->fks[f].ncolumns, col))
                return fail(c, ATH_ECONFLICT, "column is referenced by %s on %s",
                            label(c, "foreign key", o->fks[f].name), table_label(c, o));
    }
    return 0;
}

static int drop_column(ctx *c)
{
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    const char *name = c->op->u.column.name;
    ath_column *col = name ? ath_table_find_column(t, name) : NULL;
    if (!col)
        return fail(c, ATH_ENOTFOUND, "column does not exist");
    rc = c->d == ATH_DIALECT_POSTGRESQL ? pg_drop_column_check(c, t, name)
                                        : sqlite_drop_column_check(c, t, name);
    if (rc)
        return rc;
    /* What goes with the column: PostgreSQL drops every index and constraint
     * on it; SQLite's batch re-creation leaves out the constraints that name
     * it and keeps the rest of the primary key. */
    if (in_list(t->pk.columns, t->pk.ncolumns, name)) {
        if (c->d == ATH_DIALECT_POSTGRESQL) {
            memset(&t->pk, 0, sizeof(t->pk));
        } else {
            const char **cols = ath_arena_alloc(c->a, t->pk.ncolumns * sizeof(char *));
            if (!cols)
                return oom();
            size_t n = 0;
            for (size_t i = 0; i < t->pk.ncolumns; i++)
                if (strcmp(t->pk.columns[i], name) != 0)
                    cols[n++] = t->pk.columns[i];
            t->pk.columns = n ? cols : NULL;
            t->pk.ncolumns = n;
            if (!n)
                t->pk.name = NULL;
        }
    }
    for (size_t i = t->nuniques; i-- > 0;)
        if (in_list(t->uniques[i].columns, t->uniques[i].ncolumns, name))
            remove_at(t->uniques, &t->nuniques, i, sizeof(*t->uniques));
    for (size_t i = t->nfks; i-- > 0;)
        if (in_list(t->fks[i].columns, t->fks[i].ncolumns, name))
            remove_at(t->fks, &t->nfks, i, sizeof(*t->fks));
    for (size_t i = t->nindexes; i-- > 0;)
        if (index_uses(&t->indexes[i], name))
            remove_at(t->indexes, &t->nindexes, i, sizeof(*t->indexes));
    for (size_t i = t->nchecks; i-- > 0;)
        if (sql_mentions(t->checks[i].sqltext, name))
            remove_at(t->checks, &t->nchecks, i, sizeof(*t->checks));
    remove_at(t->columns, &t->ncolumns, (size_t)(col - t->columns), sizeof(*col));
    return 0;
}

/* A copy of `list` with `from` replaced by `to`, or the list itself when absent. */
static int rename_in_list(ctx *c, const char ***list, size_t n, const char *from, const char *to)
{
    if (!in_list(*list, n, from))
        return 0;
    const char **l = ath_arena_alloc(c->a, n * sizeof(char *));
    if (!l)
        return oom();
    for (size_t i = 0; i < n; i++)
        l[i] = strcmp((*list)[i], from) == 0 ? to : (*list)[i];
    *list = l;
    return 0;
}

/* A column rename reaches every key, index and check that names it. */
static int rename_column_refs(ctx *c, ath_table *t, const char *from, const char *to)
{
    int rc = rename_in_list(c, &t->pk.columns, t->pk.ncolumns, from, to);
    for (size_t i = 0; !rc && i < t->nuniques; i++)
        rc = rename_in_list(c, &t->uniques[i].columns, t->uniques[i].ncolumns, from, to);
    for (size_t i = 0; !rc && i < t->nfks; i++)
        rc = rename_in_list(c, &t->fks[i].columns, t->fks[i].ncolumns, from, to);
    for (size_t i = 0; !rc && i < t->nchecks; i++)
        rc = sql_rename(c, &t->checks[i].sqltext, from, to);
    for (size_t i = 0; !rc && i < t->nindexes; i++) {
        ath_index *ix = &t->indexes[i];
        if (!index_uses(ix, from))
            continue;
        ath_index_elem *elems = ath_arena_alloc(c->a, ix->nelems * sizeof(*elems));
        if (!elems)
            return oom();
        for (size_t k = 0; !rc && k < ix->nelems; k++) {
            elems[k] = ix->elems[k];
            if (elems[k].expression)
                rc = sql_rename(c, &elems[k].text, from, to);
            else if (strcmp(elems[k].text, from) == 0)
                elems[k].text = to;
        }
        ix->elems = elems;
        if (!rc)
            rc = sql_rename(c, &ix->where, from, to);
    }
    for (size_t i = 0; !rc && i < c->s->ntables; i++) {
        ath_table *o = &c->s->tables[i];
        for (size_t f = 0; !rc && f < o->nfks; f++)
            if (refers_to(&o->fks[f], t))
                rc = rename_in_list(c, &o->fks[f].ref_columns, o->fks[f].ncolumns, from, to);
    }
    return rc;
}

static int alter_column(ctx *c)
{
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    const ath_op_alter_column *a = &c->op->u.alter;
    ath_column *col = a->column ? ath_table_find_column(t, a->column) : NULL;
    if (!col)
        return fail(c, ATH_ENOTFOUND, "column does not exist");
    bool alters = a->type || a->nullable.set || a->server_default.set || a->comment.set;
    /* Only RENAME COLUMN exists in SQLite's ALTER TABLE. */
    if (c->d == ATH_DIALECT_SQLITE && !c->op->batch && alters)
        return fail(c, ATH_EUNSUPPORTED,
                    "SQLite cannot alter a column outside batch mode (use batch_alter_table)");
    if (a->new_name && strcmp(a->new_name, a->column) != 0 && ath_table_find_column(t, a->new_name))
        return fail(c, ATH_ECONFLICT, "column %s already exists", a->new_name);
    if (a->type && (rc = need_enum_type(c, a->type)))
        return rc;
    if (c->d == ATH_DIALECT_POSTGRESQL && a->nullable.set && a->nullable.value &&
        in_list(t->pk.columns, t->pk.ncolumns, col->name))
        return fail(c, ATH_ECONFLICT, "column is in the primary key and cannot be nullable");

    if (a->type && (rc = ath_type_copy(&col->type, c->a, a->type)))
        return rc;
    if (a->nullable.set)
        col->nullable = a->nullable.value;
    if (a->server_default.set) {
        col->server_default = ath_arena_strdup(c->a, a->server_default.value);
        if (a->server_default.value && !col->server_default)
            return oom();
    }
    if (a->comment.set) {
        col->comment = ath_arena_strdup(c->a, a->comment.value);
        if (a->comment.value && !col->comment)
            return oom();
    }
    if (a->new_name && strcmp(a->new_name, a->column) != 0) {
        const char *to = ath_arena_strdup(c->a, a->new_name);
        if (!to)
            return oom();
        const char *from = col->name;
        col->name = to;
        return rename_column_refs(c, t, from, to);
    }
    return 0;
}

static int create_index(ctx *c)
{
    const ath_index *def = c->op->u.index.def;
    if (!def || !def->name)
        return fail(c, ATH_EINVAL, "no index definition with a name");
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    if ((rc = relation_name_free(c, c->op->schema, def->name, NULL)) ||
        (rc = check_index_columns(c, t, def)))
        return rc;
    ath_index *ix = ATH_PUSH(c->a, t->indexes, t->nindexes, t->indexes_cap);
    if (!ix)
        return oom();
    ath_table tmp = {0};
    tmp.indexes = (ath_index *)def;
    tmp.nindexes = 1;
    ath_table copy;
    if ((rc = ath_table_copy(&copy, c->a, &tmp)))
        return rc;
    *ix = copy.indexes[0];
    return 0;
}

static int drop_index(ctx *c)
{
    const char *name = c->op->u.index.name;
    if (!name)
        return fail(c, ATH_EINVAL, "no index name");
    ath_table *t;
    if (c->op->table) {
        int rc;
        if (!(t = need_table(c, &rc)))
            return rc;
        if (!find_index_in(t, name))
            return fail(c, ATH_ENOTFOUND, "index does not exist");
    } else if (!(t = index_owner(c->s, c->op->schema, name))) {
        return fail(c, ATH_ENOTFOUND, "index does not exist");
    }
    const ath_index *ix = find_index_in(t, name);
    remove_at(t->indexes, &t->nindexes, (size_t)(ix - t->indexes), sizeof(*ix));
    return 0;
}

static const char *type_name(ath_constraint_type type)
{
    switch (type) {
    case ATH_CONSTRAINT_UNIQUE:
        return "unique constraint";
    case ATH_CONSTRAINT_FOREIGNKEY:
        return "foreign key";
    case ATH_CONSTRAINT_CHECK:
        return "check constraint";
    case ATH_CONSTRAINT_PRIMARY:
        return "primary key";
    default:
        return "constraint";
    }
}

/* Highest declaration order among a table's constraints, so a new one comes last. */
static unsigned next_seq(const ath_table *t)
{
    unsigned m = 0;
    for (size_t i = 0; i < t->nuniques; i++)
        m = t->uniques[i].seq > m ? t->uniques[i].seq : m;
    for (size_t i = 0; i < t->nfks; i++)
        m = t->fks[i].seq > m ? t->fks[i].seq : m;
    for (size_t i = 0; i < t->nchecks; i++)
        m = t->checks[i].seq > m ? t->checks[i].seq : m;
    return m ? m + 1 : 0;
}

static int create_constraint(ctx *c)
{
    const ath_op_constraint *k = &c->op->u.constraint;
    if (c->d == ATH_DIALECT_SQLITE && !c->op->batch)
        return fail(c, ATH_EUNSUPPORTED,
                    "SQLite cannot add a constraint outside batch mode (use batch_alter_table)");
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    if (k->name) {
        const char *kind = constraint_kind_named(t, k->name);
        if (kind)
            return fail(c, ATH_ECONFLICT, "a %s named %s already exists", kind, k->name);
    }
    /* Unique and primary keys are indexes too on PostgreSQL, named like the constraint. */
    if (k->name && c->d == ATH_DIALECT_POSTGRESQL &&
        (c->op->kind == ATH_OP_CREATE_UNIQUE_CONSTRAINT ||
         c->op->kind == ATH_OP_CREATE_PRIMARY_KEY) &&
        (rc = relation_name_free(c, c->op->schema, k->name, NULL)))
        return rc;

    ath_table tmp = {0};
    ath_table copy;
    switch (c->op->kind) {
    case ATH_OP_CREATE_PRIMARY_KEY:
        if (t->pk.ncolumns)
            return fail(c, ATH_ECONFLICT, "table already has a primary key");
        if (!k->pk.ncolumns)
            return fail(c, ATH_EINVAL, "no columns");
        if ((rc = need_columns(c, t, "primary key", NULL, k->pk.columns, k->pk.ncolumns)))
            return rc;
        tmp.pk = k->pk;
        tmp.pk.name = k->name;
        if ((rc = ath_table_copy(&copy, c->a, &tmp)))
            return rc;
        t->pk = copy.pk;
        /* A primary key makes its columns NOT NULL. */
        for (size_t i = 0; i < t->pk.ncolumns; i++)
            ath_table_find_column(t, t->pk.columns[i])->nullable = false;
        return 0;
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
        if (!k->unique.ncolumns)
            return fail(c, ATH_EINVAL, "no columns");
        if ((rc = need_columns(c, t, "unique constraint", k->name, k->unique.columns,
                               k->unique.ncolumns)))
            return rc;
        tmp.uniques = (ath_unique *)&k->unique;
        tmp.nuniques = 1;
        if ((rc = ath_table_copy(&copy, c->a, &tmp)))
            return rc;
        copy.uniques[0].name = ath_arena_strdup(c->a, k->name);
        if (!copy.uniques[0].seq)
            copy.uniques[0].seq = next_seq(t);
        {
            ath_unique *u = ATH_PUSH(c->a, t->uniques, t->nuniques, t->uniques_cap);
            if (!u || (k->name && !copy.uniques[0].name))
                return oom();
            *u = copy.uniques[0];
        }
        return 0;
    case ATH_OP_CREATE_FOREIGN_KEY:
        if (!k->fk.ncolumns || !k->fk.ref_table)
            return fail(c, ATH_EINVAL, "no columns or no referred table");
        if ((rc = need_columns(c, t, "foreign key", k->name, k->fk.columns, k->fk.ncolumns)) ||
            (rc = check_fk_target(c, t, &k->fk, k->name)))
            return rc;
        tmp.fks = (ath_foreign_key *)&k->fk;
        tmp.nfks = 1;
        if ((rc = ath_table_copy(&copy, c->a, &tmp)))
            return rc;
        copy.fks[0].name = ath_arena_strdup(c->a, k->name);
        if (!copy.fks[0].seq)
            copy.fks[0].seq = next_seq(t);
        {
            ath_foreign_key *fk = ATH_PUSH(c->a, t->fks, t->nfks, t->fks_cap);
            if (!fk || (k->name && !copy.fks[0].name))
                return oom();
            *fk = copy.fks[0];
        }
        return 0;
    default:
        if (!k->check.sqltext)
            return fail(c, ATH_EINVAL, "no condition");
        tmp.checks = (ath_check *)&k->check;
        tmp.nchecks = 1;
        if ((rc = ath_table_copy(&copy, c->a, &tmp)))
            return rc;
        copy.checks[0].name = ath_arena_strdup(c->a, k->name);
        if (!copy.checks[0].seq)
            copy.checks[0].seq = next_seq(t);
        {
            ath_check *ck = ATH_PUSH(c->a, t->checks, t->nchecks, t->checks_cap);
            if (!ck || (k->name && !copy.checks[0].name))
                return oom();
            *ck = copy.checks[0];
        }
        return 0;
    }
}

/* PostgreSQL: a key that a foreign key relies on cannot be dropped alone. */
static int key_in_use(ctx *c, const ath_table *t, const char **cols, size_t n)
{
    for (size_t i = 0; i < c->s->ntables; i++) {
        const ath_table *o = &c->s->tables[i];
        for (size_t f = 0; f < o->nfks; f++)
            if (refers_to(&o->fks[f], t) &&
                same_set(o->fks[f].ref_columns, o->fks[f].ncolumns, cols, n))
                return fail(c, ATH_ECONFLICT, "constraint is needed by %s on %s",
                            label(c, "foreign key", o->fks[f].name), table_label(c, o));
    }
    return 0;
}

static int drop_constraint(ctx *c)
{
    const ath_op_constraint *k = &c->op->u.constraint;
    if (c->d == ATH_DIALECT_SQLITE && !c->op->batch)
        return fail(c, ATH_EUNSUPPORTED,
                    "SQLite cannot drop a constraint outside batch mode (use batch_alter_table)");
    if (!k->name)
        return fail(c, ATH_EINVAL, "no constraint name");
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    ath_constraint_type found = ATH_CONSTRAINT_UNKNOWN;
    size_t at = 0;
    if (t->pk.ncolumns && t->pk.name && strcmp(t->pk.name, k->name) == 0)
        found = ATH_CONSTRAINT_PRIMARY;
    for (size_t i = 0; !found && i < t->nuniques; i++)
        if (t->uniques[i].name && strcmp(t->uniques[i].name, k->name) == 0)
            found = ATH_CONSTRAINT_UNIQUE, at = i;
    for (size_t i = 0; !found && i < t->nfks; i++)
        if (t->fks[i].name && strcmp(t->fks[i].name, k->name) == 0)
            found = ATH_CONSTRAINT_FOREIGNKEY, at = i;
    for (size_t i = 0; !found && i < t->nchecks; i++)
        if (t->checks[i].name && strcmp(t->checks[i].name, k->name) == 0)
            found = ATH_CONSTRAINT_CHECK, at = i;
    if (!found)
        return fail(c, ATH_ENOTFOUND, "constraint does not exist");
    if (k->type != ATH_CONSTRAINT_UNKNOWN && k->type != found)
        return fail(c, ATH_ECONFLICT, "%s is a %s, not a %s", k->name, type_name(found),
                    type_name(k->type));
    switch (found) {
    case ATH_CONSTRAINT_PRIMARY:
        if (c->d == ATH_DIALECT_POSTGRESQL &&
            (rc = key_in_use(c, t, t->pk.columns, t->pk.ncolumns)))
            return rc;
        memset(&t->pk, 0, sizeof(t->pk));
        return 0;
    case ATH_CONSTRAINT_UNIQUE:
        if (c->d == ATH_DIALECT_POSTGRESQL) {
            const ath_unique *u = &t->uniques[at];
            if ((rc = key_in_use(c, t, u->columns, u->ncolumns)))
                return rc;
        }
        remove_at(t->uniques, &t->nuniques, at, sizeof(*t->uniques));
        return 0;
    case ATH_CONSTRAINT_FOREIGNKEY:
        remove_at(t->fks, &t->nfks, at, sizeof(*t->fks));
        return 0;
    default:
        remove_at(t->checks, &t->nchecks, at, sizeof(*t->checks));
        return 0;
    }
}

static int create_enum(ctx *c)
{
    const ath_enum *e = &c->op->u.enum_def;
    if (!e->name)
        return fail(c, ATH_EINVAL, "no type name");
    for (size_t i = 0; i < e->nvalues; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(e->values[i], e->values[j]) == 0)
                return fail(c, ATH_EINVAL, "value '%s' is given twice", e->values[i]);
    if (c->d != ATH_DIALECT_POSTGRESQL)
        return 0;
    if (find_enum(c->s, e->name))
        return fail(c, ATH_ECONFLICT, "type already exists");
    return add_enum(c, c->op->schema, e->name, e->values, e->nvalues);
}

static int drop_enum(ctx *c)
{
    const char *name = c->op->u.enum_def.name;
    if (!name)
        return fail(c, ATH_EINVAL, "no type name");
    if (c->d != ATH_DIALECT_POSTGRESQL)
        return 0;
    ath_enum *e = find_enum(c->s, name);
    if (!e)
        return fail(c, ATH_ENOTFOUND, "type does not exist");
    for (size_t i = 0; i < c->s->ntables; i++) {
        const ath_table *t = &c->s->tables[i];
        for (size_t k = 0; k < t->ncolumns; k++) {
            const ath_type *ty = enum_of(&t->columns[k].type);
            if (ty && strcmp(ty->name, name) == 0)
                return fail(c, ATH_ECONFLICT, "type is used by column %s.%s", table_label(c, t),
                            t->columns[k].name);
        }
    }
    remove_at(c->s->enums, &c->s->nenums, (size_t)(e - c->s->enums), sizeof(*e));
    return 0;
}

static bool enum_has(const char **values, size_t n, const char *v) { return in_list(values, n, v); }

/* The values with `v` inserted before or after an existing one, or at the end. */
static const char **insert_value(ctx *c, const char **values, size_t n, const char *v)
{
    const char *before = c->op->u.enum_value.before, *after = c->op->u.enum_value.after;
    const char **l = ath_arena_alloc(c->a, (n + 1) * sizeof(char *));
    if (!l)
        return NULL;
    size_t k = 0;
    bool placed = false;
    for (size_t i = 0; i < n; i++) {
        if (!placed && before && strcmp(values[i], before) == 0)
            l[k++] = v, placed = true;
        l[k++] = values[i];
        if (!placed && after && strcmp(values[i], after) == 0)
            l[k++] = v, placed = true;
    }
    if (!placed)
        l[k] = v;
    return l;
}

static int add_enum_value(ctx *c)
{
    const char *name = c->op->u.enum_value.name, *value = c->op->u.enum_value.value;
    const char *before = c->op->u.enum_value.before, *after = c->op->u.enum_value.after;
    if (!name || !value)
        return fail(c, ATH_EINVAL, "no type name or value");
    if (before && after)
        return fail(c, ATH_EINVAL, "both BEFORE and AFTER given");
    if (c->d != ATH_DIALECT_POSTGRESQL)
        return 0;
    ath_enum *e = find_enum(c->s, name);
    if (!e)
        return fail(c, ATH_ENOTFOUND, "type does not exist");
    if (enum_has(e->values, e->nvalues, value)) {
        if (c->op->u.enum_value.if_not_exists)
            return 0;
        return fail(c, ATH_ECONFLICT, "value '%s' already exists", value);
    }
    const char *where = before ? before : after;
    if (where && !enum_has(e->values, e->nvalues, where))
        return fail(c, ATH_ENOTFOUND, "'%s' is not a value of the type", where);
    const char *v = ath_arena_strdup(c->a, value);
    const char **values = v ? insert_value(c, e->values, e->nvalues, v) : NULL;
    if (!values)
        return oom();
    e->values = values;
    e->nvalues++;
    /* Columns of the type show the new value too, as the database reports them. */
    for (size_t i = 0; i < c->s->ntables; i++) {
        ath_table *t = &c->s->tables[i];
        for (size_t k = 0; k < t->ncolumns; k++) {
            ath_type *ty = &t->columns[k].type;
            if (ty->kind == ATH_TYPE_ARRAY && ty->item)
                ty = ty->item;
            if (ty->kind != ATH_TYPE_ENUM || !ty->name || strcmp(ty->name, name) != 0 ||
                enum_has(ty->values, ty->nvalues, v))
                continue;
            const char **tv = insert_value(c, ty->values, ty->nvalues, v);
            if (!tv)
                return oom();
            ty->values = tv;
            ty->nvalues++;
        }
    }
    return 0;
}

static int execute(ctx *c)
{
    if (!(c->flags & ATH_APPLY_SKIP_EXECUTE))
        return fail(c, ATH_EUNSUPPORTED, "SQL text cannot be replayed in memory");
    if (c->notes && c->diags) {
        ath_buf b = ATH_BUF_INIT;
        ops_describe(&b, c->op);
        const ath_op_pos *p = &c->op->pos;
        int rc = b.oom ? oom()
                       : ath_diags_add(c->diags, ATH_DIAG_NOTE, p->path, p->line, p->col,
                                       "%s: skipped; its effect on the schema is not replayed",
                                       ath_buf_cstr(&b));
        ath_buf_free(&b);
        return rc;
    }
    return 0;
}

static int bulk_insert(ctx *c)
{
    int rc;
    ath_table *t = need_table(c, &rc);
    if (!t)
        return rc;
    for (size_t i = 0; i < c->op->u.bulk.ncolumns; i++)
        if (!ath_table_find_column(t, c->op->u.bulk.columns[i]))
            return fail(c, ATH_ENOTFOUND, "column %s does not exist", c->op->u.bulk.columns[i]);
    return 0;
}

static int apply_one(ctx *c)
{
    const ath_op *op = c->op;
    bool table_op = op->kind != ATH_OP_CREATE_ENUM && op->kind != ATH_OP_DROP_ENUM &&
                    op->kind != ATH_OP_ADD_ENUM_VALUE && op->kind != ATH_OP_EXECUTE &&
                    op->kind != ATH_OP_DROP_INDEX;
    if (table_op && !op->table)
        return fail(c, ATH_EINVAL, "no table name");
    switch (op->kind) {
    case ATH_OP_CREATE_TABLE:
        return create_table(c);
    case ATH_OP_DROP_TABLE:
        return drop_table(c);
    case ATH_OP_RENAME_TABLE:
        return rename_table(c);
    case ATH_OP_CREATE_TABLE_COMMENT:
    case ATH_OP_DROP_TABLE_COMMENT:
        return table_comment(c);
    case ATH_OP_ADD_COLUMN:
        return add_column(c);
    case ATH_OP_DROP_COLUMN:
        return drop_column(c);
    case ATH_OP_ALTER_COLUMN:
        return alter_column(c);
    case ATH_OP_CREATE_INDEX:
        return create_index(c);
    case ATH_OP_DROP_INDEX:
        return drop_index(c);
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
    case ATH_OP_CREATE_FOREIGN_KEY:
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
    case ATH_OP_CREATE_PRIMARY_KEY:
        return create_constraint(c);
    case ATH_OP_DROP_CONSTRAINT:
        return drop_constraint(c);
    case ATH_OP_CREATE_ENUM:
        return create_enum(c);
    case ATH_OP_DROP_ENUM:
        return drop_enum(c);
    case ATH_OP_ADD_ENUM_VALUE:
        return add_enum_value(c);
    case ATH_OP_EXECUTE:
        return execute(c);
    case ATH_OP_BULK_INSERT:
        return bulk_insert(c);
    }
    return fail(c, ATH_EINVAL, "unknown op kind %d", (int)op->kind);
}

/* ---- naming conventions: Alembic's batch_alter_table(naming_convention=) ---- */

/* Appends names[0..n) joined by sep (each prefixed by `prefix_` when given). */
static void put_joined(ath_buf *b, const char *const *names, size_t n, const char *sep,
                       const char *prefix)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            ath_buf_puts(b, sep);
        if (prefix)
            ath_buf_printf(b, "%s_", prefix);
        ath_buf_puts(b, names[i]);
    }
}

/* One %(token)s; false when it cannot be filled. */
static bool put_token(ath_buf *b, const char *tok, size_t len, const char *table,
                      const char *const *cols, size_t ncols, const char *ref_table,
                      const char *const *ref_cols, const char *name)
{
#define TOK(s) (len == sizeof(s) - 1 && memcmp(tok, s, len) == 0)
    const char *const *list = cols;
    const char *prefix = NULL;
    if (TOK("table_name")) {
        ath_buf_puts(b, table);
        return true;
    }
    if (TOK("constraint_name")) {
        if (!name)
            return false;
        ath_buf_puts(b, name);
        return true;
    }
    if (TOK("referred_table_name")) {
        if (!ref_table)
            return false;
        ath_buf_puts(b, ref_table);
        return true;
    }
    if (len > 9 && memcmp(tok, "referred_", 9) == 0) {
        if (!ref_cols)
            return false;
        list = ref_cols;
        tok += 9;
        len -= 9;
    } else if (TOK("column_0_label") || TOK("column_0N_label") || TOK("column_0_N_label")) {
        prefix = table;
    }
    if (!ncols || !list)
        return false;
    if (TOK("column_0_name") || TOK("column_0_label")) {
        put_joined(b, list, 1, "", prefix);
        return true;
    }
    if (TOK("column_0N_name") || TOK("column_0N_label")) {
        put_joined(b, list, ncols, "", prefix);
        return true;
    }
    if (TOK("column_0_N_name") || TOK("column_0_N_label")) {
        put_joined(b, list, ncols, "_", prefix);
        return true;
    }
    return false;
#undef TOK
}

const char *ath_convention_name(ath_arena *arena, const char *tmpl, const char *table,
                                const char *const *columns, size_t ncolumns,
                                const char *ref_table, const char *const *ref_columns,
                                const char *name)
{
    if (!tmpl || !table)
        return NULL;
    ath_buf b = ATH_BUF_INIT;
    bool ok = true;
    for (const char *p = tmpl; *p && ok; p++) {
        if (*p != '%') {
            ath_buf_putc(&b, *p);
        } else if (p[1] == '%') {
            ath_buf_putc(&b, '%');
            p++;
        } else if (p[1] == '(') {
            const char *end = strchr(p + 2, ')');
            ok = end && end[1] == 's' &&
                 put_token(&b, p + 2, (size_t)(end - p - 2), table, columns, ncolumns,
                           ref_table, ref_columns, name);
            if (ok)
                p = end + 1;
        } else {
            ok = false;
        }
    }
    const char *out = ok && !b.oom ? ath_arena_strdup(arena, ath_buf_cstr(&b)) : NULL;
    ath_buf_free(&b);
    return out;
}

/* The block's template for `key` ("uq", "fk"): the first op of ops[0..n) that has it. */
static const char *block_convention(const ath_op *ops, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ops[i].nnaming; k++)
            if (ops[i].naming[2 * k] && strcmp(ops[i].naming[2 * k], key) == 0)
                return ops[i].naming[2 * k + 1];
    return NULL;
}

/*
 * Alembic reflects a rebuilt table into MetaData(naming_convention=...):
 * every unnamed unique constraint and foreign key its templates can name
 * gets that name, for the block's drop_constraint and in the new table.
 */
static int name_by_convention(ctx *c, ath_table *t, const ath_op *ops, size_t n)
{
    const char *uq = block_convention(ops, n, "uq"), *fk = block_convention(ops, n, "fk");
    for (size_t i = 0; uq && i < t->nuniques; i++) {
        ath_unique *u = &t->uniques[i];
        if (u->name)
            continue;
        u->name = ath_convention_name(c->a, uq, t->name, (const char *const *)u->columns,
                                      u->ncolumns, NULL, NULL, NULL);
    }
    for (size_t i = 0; fk && i < t->nfks; i++) {
        ath_foreign_key *f = &t->fks[i];
        if (f->name)
            continue;
        f->name = ath_convention_name(c->a, fk, t->name, (const char *const *)f->columns,
                                      f->ncolumns, f->ref_table,
                                      (const char *const *)f->ref_columns, NULL);
    }
    return 0;
}

/* ---- SQLite batch blocks: Alembic's column order ---- */

/*
 * Alembic's batch mode on SQLite pairs each added column with the last
 * column the table had when it was added (dropped ones leave that list), then
 * sorts the rebuilt table's columns in rounds as sqlalchemy.util.topological
 * does: each round takes, in the current order, every column none of whose
 * predecessors is still waiting. A predecessor dropped later in the block
 * waits for nothing, so "add x, then drop the last column" puts x second.
 * The rebuild also copies only the named CHECK constraints of the table it
 * reflected at the start of the block (an unnamed one might belong to a
 * type): the unnamed ones are lost, though the block may add new ones.
 */
typedef struct batch_order {
    ath_table *t;
    const char **existing, **parent, **child;
    size_t nexisting, npairs;
    bool rebuild; /* Alembic's recreate="auto" rebuilds the table */
} batch_order;

/* render.c's batch_native, inverted: what makes recreate="auto" rebuild. */
static bool rebuilds(const ath_op *op)
{
    if (op->kind == ATH_OP_CREATE_INDEX || op->kind == ATH_OP_DROP_INDEX)
        return false;
    if (op->kind == ATH_OP_ADD_COLUMN && op->u.column.def &&
        (!op->u.column.def->server_default || op->u.column.default_is_string))
        return false;
    return true;
}

static bool same_block(const ath_op *a, const ath_op *b)
{
    return a->batch && b->batch && a->table && b->table && strcmp(a->table, b->table) == 0 &&
           same_opt(a->schema, b->schema);
}

static int order_begin(ctx *c, batch_order *o, const ath_op *ops, size_t n, size_t i)
{
    memset(o, 0, sizeof(*o));
    if (!(o->t = ath_schema_find_table(c->s, ops[i].schema, ops[i].table)))
        return 0;
    size_t len = 0;
    while (i + len < n && same_block(&ops[i], &ops[i + len])) {
        o->rebuild = o->rebuild || rebuilds(&ops[i + len]);
        len++;
    }
    if (o->rebuild && name_by_convention(c, o->t, ops + i, len))
        return oom();
    if (o->rebuild)
        for (size_t k = o->t->nchecks; k-- > 0;) {
            if (o->t->checks[k].name)
                continue;
            /* Alembic's result, said aloud: the constraint is gone afterwards. */
            const ath_op_pos *p = &ops[i].pos;
            if (c->notes && c->diags &&
                ath_diags_add(c->diags, ATH_DIAG_WARNING, p->path, p->line, p->col,
                              "the rebuild of %s drops its unnamed CHECK (%s), as Alembic's "
                              "batch mode does; name the constraint to keep it",
                              o->t->name, o->t->checks[k].sqltext ? o->t->checks[k].sqltext : "")
                    != 0)
                return oom();
            remove_at(o->t->checks, &o->t->nchecks, k, sizeof(ath_check));
        }
    size_t cap = o->t->ncolumns + len + 1;
    o->existing = ath_arena_alloc(c->a, cap * sizeof(char *));
    o->parent = ath_arena_alloc(c->a, cap * sizeof(char *));
    o->child = ath_arena_alloc(c->a, cap * sizeof(char *));
    if (!o->existing || !o->parent || !o->child)
        return oom();
    for (size_t k = 0; k < o->t->ncolumns; k++)
        o->existing[o->nexisting++] = o->t->columns[k].name;
    return 0;
}

static void rename_name(const char **names, size_t n, const char *from, const char *to)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], from) == 0)
            names[i] = to;
}

/* Notes what op (applied) did to the block's columns. */
static void order_note(batch_order *o, const ath_op *op)
{
    if (!o->t)
        return;
    if (op->kind == ATH_OP_ADD_COLUMN && op->u.column.def && o->nexisting) {
        o->parent[o->npairs] = o->existing[o->nexisting - 1];
        o->child[o->npairs++] = op->u.column.def->name;
    } else if (op->kind == ATH_OP_DROP_COLUMN) {
        for (size_t i = 0; i < o->nexisting; i++)
            if (strcmp(o->existing[i], op->u.column.name) == 0) {
                remove_at(o->existing, &o->nexisting, i, sizeof(char *));
                break;
            }
    } else if (op->kind == ATH_OP_ALTER_COLUMN && op->u.alter.new_name) {
        rename_name(o->existing, o->nexisting, op->u.alter.column, op->u.alter.new_name);
        rename_name(o->parent, o->npairs, op->u.alter.column, op->u.alter.new_name);
        rename_name(o->child, o->npairs, op->u.alter.column, op->u.alter.new_name);
    }
}

static bool waits(const ath_table *t, const bool *left, const char *name)
{
    for (size_t k = 0; k < t->ncolumns; k++)
        if (left[k] && strcmp(t->columns[k].name, name) == 0)
            return true;
    return false;
}

/* True when column j of t still has a predecessor waiting. */
static bool blocked(const batch_order *o, const ath_table *t, const bool *left, size_t j)
{
    const char *name = t->columns[j].name;
    for (size_t p = 0; p < o->npairs; p++)
        if (strcmp(o->child[p], name) == 0 && strcmp(o->parent[p], name) != 0 &&
            waits(t, left, o->parent[p]))
            return true;
    for (size_t e = 1; e < o->nexisting; e++)
        if (strcmp(o->existing[e], name) == 0 && waits(t, left, o->existing[e - 1]))
            return true;
    return false;
}

static int order_end(ctx *c, batch_order *o)
{
    ath_table *t = o->t;
    if (!t || !o->npairs || t->ncolumns < 2)
        return 0;
    size_t n = t->ncolumns, done = 0;
    bool *left = ath_arena_alloc(c->a, n * sizeof(bool));
    bool *take = ath_arena_alloc(c->a, n * sizeof(bool));
    ath_column *sorted = ath_arena_alloc(c->a, n * sizeof(ath_column));
    if (!left || !take || !sorted)
        return oom();
    for (size_t j = 0; j < n; j++)
        left[j] = true;
    while (done < n) {
        size_t round = 0;
        for (size_t j = 0; j < n; j++)
            if ((take[j] = left[j] && !blocked(o, t, left, j)))
                round++;
        if (!round)
            return 0; /* a cycle: Alembic would fail; keep the order */
        for (size_t j = 0; j < n; j++)
            if (take[j]) {
                sorted[done++] = t->columns[j];
                left[j] = false;
            }
    }
    memcpy(t->columns, sorted, n * sizeof(ath_column));
    return 0;
}

static int run(ctx *c, const ath_op *ops, size_t n, size_t *failed)
{
    batch_order order = {0};
    for (size_t i = 0; i < n; i++) {
        c->op = &ops[i];
        int rc = 0;
        bool sqlite_batch = c->d == ATH_DIALECT_SQLITE && ops[i].batch && ops[i].table;
        if (sqlite_batch && (i == 0 || !same_block(&ops[i - 1], &ops[i])))
            rc = order_begin(c, &order, ops, n, i);
        if (!rc)
            rc = apply_one(c);
        if (!rc && sqlite_batch) {
            order_note(&order, &ops[i]);
            if (i + 1 == n || !same_block(&ops[i], &ops[i + 1])) {
                rc = order_end(c, &order);
                memset(&order, 0, sizeof(order));
            }
        }
        if (rc) {
            if (failed)
                *failed = i;
            return rc;
        }
    }
    if (failed)
        *failed = n;
    return 0;
}

int ath_ops_apply(ath_schema *schema, const ath_op *ops, size_t n, ath_dialect dialect,
                  unsigned flags, ath_diags *diags, size_t *failed)
{
    ctx c = {schema, schema->arena, dialect, flags, diags, true, true, NULL};
    if (failed)
        *failed = 0;
    if (flags & ATH_APPLY_NO_ROLLBACK)
        return run(&c, ops, n, failed);

    /* The dry run on a scratch copy finds the first op that does not fit,
     * before the real schema is touched. */
    ath_arena *scratch = ath_arena_new();
    if (!scratch)
        return ath_error_oom();
    ath_schema *copy;
    int rc = ath_schema_copy(&copy, scratch, schema);
    if (!rc) {
        ctx dry = {copy, scratch, dialect, flags, diags, true, false, NULL};
        rc = run(&dry, ops, n, failed);
    }
    ath_arena_free(scratch);
    if (rc)
        return rc;
    /* Only running out of memory can stop this pass now. */
    c.errors = false;
    return run(&c, ops, n, failed);
}
