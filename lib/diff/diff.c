/*
 * ath_diff: actual Schema x desired Schema -> upgrade ops, in the order
 * Alembic's autogenerate emits them, plus notes on renames, nameless
 * constraints and destructive changes. Rendering is the script writer's job.
 */
#include "athanor/diff.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct ctx {
    ath_arena *arena;
    const ath_schema *actual, *desired;
    const ath_diff_options *o;
    ath_dialect d;
    ath_diags *notes;
    ath_op *ops;
    size_t n, cap;
    bool *enum_made; /* desired->nenums: create_enum already emitted */
    bool oom;
} ctx;

static bool streq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool ieq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

static bool ignored_table(const ath_table *t)
{
    return strcmp(t->name, "alembic_version") == 0 || strcmp(t->name, "athanor_history") == 0;
}

static ath_op *push(ctx *c, ath_op_kind kind, const ath_table *t, bool batch)
{
    ath_op *op = ATH_PUSH(c->arena, c->ops, c->n, c->cap);
    if (!op) {
        c->oom = true;
        return NULL;
    }
    *op = ath_op_make(kind);
    if (t) {
        op->schema = t->schema;
        op->table = t->name;
    }
    op->batch = batch && !c->o->no_batch;
    return op;
}

#define NOTE(c, level, ...)                                                          \
    do {                                                                              \
        if ((c)->notes && ath_diags_add((c)->notes, (level), NULL, 0, 0, __VA_ARGS__)) \
            (c)->oom = true;                                                          \
    } while (0)

/* "a, b" for messages and "a_b" for default constraint names. */
static const char *join(ctx *c, const char **names, size_t n, const char *sep)
{
    ath_buf b = ATH_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            ath_buf_puts(&b, sep);
        ath_buf_puts(&b, names[i]);
    }
    const char *s = ath_arena_strdup(c->arena, ath_buf_cstr(&b));
    if (ath_buf_check(&b) || !s)
        c->oom = true;
    ath_buf_free(&b);
    return s ? s : "";
}

/* PostgreSQL's own name for a constraint created without one: user_email_key. */
static const char *pg_default_name(ctx *c, const ath_table *t, const char **cols, size_t n,
                                   const char *suffix)
{
    const char *s = ath_arena_printf(c->arena, "%s_%s_%s", t->name, join(c, cols, n, "_"), suffix);
    if (!s)
        c->oom = true;
    return s;
}

static const char *type_text(ctx *c, const ath_type *t)
{
    ath_buf b = ATH_BUF_INIT;
    ath_type_sql(&b, t, c->d);
    const char *s = ath_arena_strdup(c->arena, ath_buf_cstr(&b));
    if (ath_buf_check(&b) || !s)
        c->oom = true;
    ath_buf_free(&b);
    return s ? s : "";
}

/* ---- types, enums, server defaults ---- */

static bool is_native_enum(const ctx *c, const ath_type *t)
{
    return c->d == ATH_DIALECT_POSTGRESQL && t->kind == ATH_TYPE_ENUM && t->name;
}

/*
 * An upper-case SQL type of the models (sa.TIMESTAMP, sa.DECIMAL(12, 4),
 * sa.NVARCHAR(30)) as the generic type it stands for, the way Alembic
 * compares types by their affinity: parsed as if the database had shown it.
 */
static const ath_type *affine(ctx *c, const ath_type *t, ath_type *tmp)
{
    if (t->kind != ATH_TYPE_OTHER || !t->name)
        return t;
    const char *text = t->args ? ath_arena_printf(c->arena, "%s(%s)", t->name, t->args) : t->name;
    if (!text || ath_type_parse_sql(tmp, c->arena, c->d, text) != 0 || tmp->kind == ATH_TYPE_OTHER)
        return t;
    return tmp;
}

/* On PostgreSQL a named enum is its name: its values are the enum type's business. */
static bool type_eq(ctx *c, const ath_type *a, const ath_type *b)
{
    if (is_native_enum(c, a) && is_native_enum(c, b))
        return strcmp(a->name, b->name) == 0;
    if (ath_type_equal(a, b, c->d))
        return true;
    ath_type ta, tb;
    const ath_type *x = affine(c, a, &ta), *y = affine(c, b, &tb);
    return (x != a || y != b) && ath_type_equal(x, y, c->d);
}

static int int_rank(ath_type_kind k)
{
    return k == ATH_TYPE_SMALLINT ? 1 : k == ATH_TYPE_INTEGER ? 2 : k == ATH_TYPE_BIGINT ? 3 : 0;
}

static bool stringish(ath_type_kind k)
{
    return k == ATH_TYPE_STRING || k == ATH_TYPE_UNICODE || k == ATH_TYPE_CHAR ||
           k == ATH_TYPE_TEXT || k == ATH_TYPE_UNICODE_TEXT;
}

static int str_len(const ath_type *t)
{
    return (t->kind == ATH_TYPE_TEXT || t->kind == ATH_TYPE_UNICODE_TEXT) ? -1 : t->length;
}

/* True when every value of `from` fits `to` unchanged; anything unsure is narrowing. */
static bool widening(const ath_type *from, const ath_type *to)
{
    if (int_rank(from->kind) && int_rank(to->kind))
        return int_rank(to->kind) >= int_rank(from->kind);
    if (stringish(from->kind) && stringish(to->kind)) {
        int a = str_len(from), b = str_len(to);
        return b < 0 || (a >= 0 && b >= a);
    }
    if (int_rank(from->kind) && (to->kind == ATH_TYPE_NUMERIC || to->kind == ATH_TYPE_FLOAT))
        return to->kind == ATH_TYPE_FLOAT || to->precision < 0;
    if (from->kind == ATH_TYPE_NUMERIC && to->kind == ATH_TYPE_NUMERIC)
        return to->precision < 0 ||
               (from->precision >= 0 && to->precision - (to->scale < 0 ? 0 : to->scale) >=
                                            from->precision - (from->scale < 0 ? 0 : from->scale) &&
                (to->scale < 0 ? 0 : to->scale) >= (from->scale < 0 ? 0 : from->scale));
    if (from->kind == ATH_TYPE_ENUM && to->kind == ATH_TYPE_ENUM) {
        for (size_t i = 0; i < from->nvalues; i++) {
            bool found = false;
            for (size_t j = 0; j < to->nvalues && !found; j++)
                found = strcmp(from->values[i], to->values[j]) == 0;
            if (!found)
                return false;
        }
        return true;
    }
    return false;
}

static const ath_enum *find_enum(const ath_schema *s, const char *name, size_t *index)
{
    for (size_t i = 0; i < s->nenums; i++)
        if (strcmp(s->enums[i].name, name) == 0) {
            if (index)
                *index = i;
            return &s->enums[i];
        }
    return NULL;
}

/*
 * SQLite keeps no enum types, so a script written against it creates the
 * type (a no-op there) for PostgreSQL's sake, unless a column of the models
 * that the database already has uses it: then the type is there already.
 */
static bool enum_in_use(const ctx *c, const char *name)
{
    for (size_t i = 0; i < c->desired->ntables; i++) {
        const ath_table *dt = &c->desired->tables[i];
        const ath_table *at = ath_schema_find_table(c->actual, dt->schema, dt->name);
        for (size_t j = 0; at && j < dt->ncolumns; j++) {
            const ath_type *t = &dt->columns[j].type;
            if (t->kind == ATH_TYPE_ARRAY && t->item)
                t = t->item;
            if (t->kind == ATH_TYPE_ENUM && streq(t->name, name) &&
                ath_table_find_column(at, dt->columns[j].name))
                return true;
        }
    }
    return false;
}

/* Emits create_enum for a type the column needs that neither the database
 * has nor an earlier op created. */
static void need_enum(ctx *c, const ath_type *t)
{
    if (t->kind == ATH_TYPE_ARRAY && t->item)
        t = t->item;
    if (t->kind != ATH_TYPE_ENUM || !t->name)
        return;
    if (c->d == ATH_DIALECT_POSTGRESQL ? find_enum(c->actual, t->name, NULL) != NULL
                                       : c->d != ATH_DIALECT_SQLITE || enum_in_use(c, t->name))
        return;
    size_t i;
    const ath_enum *e = find_enum(c->desired, t->name, &i);
    if (e && c->enum_made[i])
        return;
    ath_op *op = push(c, ATH_OP_CREATE_ENUM, NULL, false);
    if (!op)
        return;
    if (e) {
        c->enum_made[i] = true;
        op->u.enum_def = *e;
    } else {
        op->u.enum_def.name = t->name;
        op->u.enum_def.values = t->values;
        op->u.enum_def.nvalues = t->nvalues;
    }
}

/*
 * A default as the database shows it and as the models write it, reduced to
 * one spelling: outer parentheses and ::casts dropped, quotes of a plain
 * literal removed, now() and CURRENT_TIMESTAMP made one, keywords lower case.
 */
static char *norm_default(ath_arena *arena, const char *text)
{
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *s = ath_arena_strndup(arena, text, n);
    if (!s)
        return NULL;
    /* drop every ::cast outside quotes ('x'::character varying, lower('a'::text)) */
    bool quoted = false;
    char *w = s;
    for (const char *p = s; *p;) {
        if (*p == '\'')
            quoted = !quoted;
        if (!quoted && p[0] == ':' && p[1] == ':') {
            p += 2;
            while (isalnum((unsigned char)*p) || *p == '_' ||
                   (*p == ' ' && (isalpha((unsigned char)p[1]) || p[1] == '(')))
                p++;
            if (*p == '(') {
                const char *q = p + 1;
                while (isdigit((unsigned char)*q) || *q == ',' || *q == ' ')
                    q++;
                if (*q == ')')
                    p = q + 1;
            }
            while (p[0] == '[' && p[1] == ']')
                p += 2;
            continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    n = (size_t)(w - s);
    for (;;) {
        while (n && isspace((unsigned char)s[n - 1]))
            s[--n] = '\0';
        while (*s && isspace((unsigned char)*s))
            s++, n--;
        if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
            int depth = 0;
            bool whole = true;
            quoted = false;
            for (size_t i = 0; i < n && whole; i++) {
                if (s[i] == '\'')
                    quoted = !quoted;
                else if (!quoted && s[i] == '(')
                    depth++;
                else if (!quoted && s[i] == ')' && --depth == 0 && i != n - 1)
                    whole = false;
            }
            if (whole) {
                s[n - 1] = '\0';
                s++;
                n -= 2;
                continue;
            }
        }
        break;
    }
    if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
        bool plain = true;
        for (size_t i = 1; i + 1 < n && plain; i++)
            plain = s[i] != '\'';
        if (plain) {
            s[n - 1] = '\0';
            s++;
            n -= 2;
            return s;
        }
    }
    if (ieq(s, "now()") || ieq(s, "current_timestamp") || ieq(s, "current_timestamp()"))
        return ath_arena_strdup(arena, "CURRENT_TIMESTAMP");
    bool word = n > 0;
    for (size_t i = 0; i < n && word; i++)
        word = isalpha((unsigned char)s[i]) || s[i] == '_';
    if (word)
        for (size_t i = 0; i < n; i++)
            s[i] = (char)tolower((unsigned char)s[i]);
    return s;
}

static bool default_eq(ctx *c, const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    const char *x = norm_default(c->arena, a), *y = norm_default(c->arena, b);
    if (!x || !y) {
        c->oom = true;
        return true;
    }
    return strcmp(x, y) == 0;
}

/* ---- table order ---- */

static long table_index(const ath_schema *s, const char *schema, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (streq(s->tables[i].schema, schema) && strcmp(s->tables[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int by_name(const ath_table *a, const ath_table *b)
{
    int r = strcmp(a->schema ? a->schema : "", b->schema ? b->schema : "");
    return r ? r : strcmp(a->name, b->name);
}

static int by_name_ptr(const void *a, const void *b)
{
    return by_name(*(const ath_table *const *)a, *(const ath_table *const *)b);
}

/* The foreign keys between tables of `s` as index lists: adj[start[i]..start[i+1]). */
typedef struct fk_graph {
    const ath_table **sorted; /* the tables by name */
    size_t *start, *adj;
} fk_graph;

static long find_sorted(const fk_graph *g, size_t n, const char *schema, const char *name,
                        const ath_table *base)
{
    ath_table key;
    memset(&key, 0, sizeof(key));
    key.schema = schema;
    key.name = name;
    const ath_table *kp = &key;
    const ath_table **hit = bsearch(&kp, g->sorted, n, sizeof(*g->sorted), by_name_ptr);
    return hit ? (long)(*hit - base) : -1;
}

static bool reaches(const fk_graph *g, size_t from, size_t to, bool *seen)
{
    if (seen[from])
        return false;
    seen[from] = true;
    for (size_t e = g->start[from]; e < g->start[from + 1]; e++)
        if (g->adj[e] == to || reaches(g, g->adj[e], to, seen))
            return true;
    return false;
}

/* The round a table is peeled off in: one after the latest of those it needs. */
static size_t level_of(const fk_graph *g, const bool *cyc, size_t i, size_t *level)
{
    if (level[i])
        return level[i];
    size_t l = 1;
    for (size_t e = g->start[i]; e < g->start[i + 1]; e++) {
        size_t r = g->adj[e];
        if (cyc[i] && cyc[r])
            continue;
        size_t lr = level_of(g, cyc, r, level) + 1;
        if (lr > l)
            l = lr;
    }
    return level[i] = l;
}

/*
 * SQLAlchemy's sorted_tables: tables by name, then peeled off in rounds of
 * those whose referred tables are all out; foreign keys between tables of a
 * cycle are left out of the sort. *order gets table indexes. A table's round
 * is one after the latest round of the tables it refers to, so the order is
 * the tables by (round, name).
 */
static int fk_order(size_t **order, ath_arena *arena, const ath_schema *s)
{
    size_t n = s->ntables, nfks = 0;
    for (size_t i = 0; i < n; i++)
        nfks += s->tables[i].nfks;
    fk_graph g;
    g.sorted = ath_arena_alloc(arena, (n + 1) * sizeof(*g.sorted));
    g.start = ath_arena_alloc(arena, (n + 2) * sizeof(size_t));
    g.adj = ath_arena_alloc(arena, (nfks + 1) * sizeof(size_t));
    size_t *out = ath_arena_alloc(arena, (n + 1) * sizeof(size_t));
    size_t *level = ath_arena_alloc(arena, (n + 1) * sizeof(size_t));
    bool *cyc = ath_arena_alloc(arena, n + 1), *seen = ath_arena_alloc(arena, n + 1);
    if (!g.sorted || !g.start || !g.adj || !out || !level || !cyc || !seen)
        return ath_error_oom();
    for (size_t i = 0; i < n; i++)
        g.sorted[i] = &s->tables[i];
    if (n > 1)
        qsort(g.sorted, n, sizeof(*g.sorted), by_name_ptr);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        g.start[i] = m;
        const ath_table *t = &s->tables[i];
        for (size_t k = 0; k < t->nfks; k++) {
            long r = find_sorted(&g, n, t->fks[k].ref_schema, t->fks[k].ref_table, s->tables);
            if (r >= 0 && (size_t)r != i)
                g.adj[m++] = (size_t)r;
        }
    }
    g.start[n] = m;
    for (size_t i = 0; i < n; i++) {
        memset(seen, 0, n);
        cyc[i] = reaches(&g, i, i, seen);
        level[i] = 0;
    }
    size_t maxlevel = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = level_of(&g, cyc, i, level);
        if (l > maxlevel)
            maxlevel = l;
    }
    /* Stable by name within a round: count the rounds, then place in name order. */
    size_t *first = ath_arena_alloc(arena, (maxlevel + 2) * sizeof(size_t));
    if (!first)
        return ath_error_oom();
    memset(first, 0, (maxlevel + 2) * sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        first[level[i] + 1]++;
    for (size_t l = 1; l <= maxlevel + 1; l++)
        first[l] += first[l - 1];
    for (size_t bi = 0; bi < n; bi++) {
        size_t i = (size_t)(g.sorted[bi] - s->tables);
        out[first[level[i]]++] = i;
    }
    *order = out;
    return 0;
}

/* ---- renames ---- */

static const ath_rename *table_rename_to(ctx *c, const char *new_name)
{
    for (size_t i = 0; i < c->o->nrenames; i++)
        if (!c->o->renames[i].table && strcmp(c->o->renames[i].new_name, new_name) == 0)
            return &c->o->renames[i];
    return NULL;
}

static const ath_rename *table_rename_from(ctx *c, const char *old_name)
{
    for (size_t i = 0; i < c->o->nrenames; i++)
        if (!c->o->renames[i].table && strcmp(c->o->renames[i].old_name, old_name) == 0)
            return &c->o->renames[i];
    return NULL;
}

static int check_renames(ctx *c)
{
    for (size_t i = 0; i < c->o->nrenames; i++) {
        const ath_rename *r = &c->o->renames[i];
        if (!r->old_name || !r->new_name)
            return ath_error(ATH_EINVAL, "rename: a name is missing");
        if (!r->table) {
            if (!ath_schema_find_table(c->actual, NULL, r->old_name))
                return ath_error(ATH_EINVAL, "rename %s=%s: no table %s in the database",
                                 r->old_name, r->new_name, r->old_name);
            if (!ath_schema_find_table(c->desired, NULL, r->new_name))
                return ath_error(ATH_EINVAL, "rename %s=%s: no table %s in the models",
                                 r->old_name, r->new_name, r->new_name);
            if (ath_schema_find_table(c->actual, NULL, r->new_name) ||
                ath_schema_find_table(c->desired, NULL, r->old_name))
                return ath_error(ATH_EINVAL, "rename %s=%s: both tables exist on one side",
                                 r->old_name, r->new_name);
            continue;
        }
        const ath_table *dt = ath_schema_find_table(c->desired, NULL, r->table);
        const ath_rename *tr = table_rename_to(c, r->table);
        const ath_table *at =
            ath_schema_find_table(c->actual, NULL, tr ? tr->old_name : r->table);
        if (!dt || !at)
            return ath_error(ATH_EINVAL, "rename %s.%s=%s: no table %s on both sides", r->table,
                             r->old_name, r->new_name, r->table);
        if (!ath_table_find_column(at, r->old_name) || ath_table_find_column(at, r->new_name) ||
            !ath_table_find_column(dt, r->new_name) || ath_table_find_column(dt, r->old_name))
            return ath_error(ATH_EINVAL,
                             "rename %s.%s=%s: the database must have %s and not %s, "
                             "the models %s and not %s",
                             r->table, r->old_name, r->new_name, r->old_name, r->new_name,
                             r->new_name, r->old_name);
    }
    return 0;
}

/* The name an actual column has after the column renames of `table`. */
static const char *renamed_column(ctx *c, const char *table, const char *name)
{
    for (size_t i = 0; i < c->o->nrenames; i++) {
        const ath_rename *r = &c->o->renames[i];
        if (r->table && strcmp(r->table, table) == 0 && strcmp(r->old_name, name) == 0)
            return r->new_name;
    }
    return name;
}

static const ath_column *actual_column(ctx *c, const ath_table *at, const char *table,
                                       const char *desired_name)
{
    for (size_t i = 0; i < at->ncolumns; i++)
        if (strcmp(renamed_column(c, table, at->columns[i].name), desired_name) == 0)
            return &at->columns[i];
    return NULL;
}

/* ---- indexes, unique constraints, foreign keys, checks ---- */

static bool same_set(const char **a, size_t na, const char **b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        size_t ca = 0, cb = 0;
        for (size_t j = 0; j < na; j++) {
            ca += strcmp(a[i], a[j]) == 0;
            cb += strcmp(a[i], b[j]) == 0;
        }
        if (ca != cb)
            return false;
    }
    return true;
}

static bool index_has_expression(const ath_index *ix)
{
    for (size_t i = 0; i < ix->nelems; i++)
        if (ix->elems[i].expression)
            return true;
    return false;
}

static bool index_same(const ath_index *a, const ath_index *b)
{
    if (a->unique != b->unique)
        return false;
    if (index_has_expression(a) || index_has_expression(b))
        return true; /* expression text differs between models and catalog: not compared */
    if (a->nelems != b->nelems)
        return false;
    for (size_t i = 0; i < a->nelems; i++)
        if (strcmp(a->elems[i].text, b->elems[i].text) != 0)
            return false;
    return true;
}

static const char *act_col_name(ctx *c, const ath_table *dt, const char *n)
{
    return renamed_column(c, dt->name, n);
}

/* Column lists of the actual side under their new names, for comparing. */
static const char **renamed_list(ctx *c, const ath_table *dt, const char **cols, size_t n)
{
    const char **out = ath_arena_alloc(c->arena, (n + 1) * sizeof(char *));
    if (!out) {
        c->oom = true;
        return cols;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = act_col_name(c, dt, cols[i]);
    return out;
}

static const ath_index *find_index(const ath_table *t, const char *name)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (streq(t->indexes[i].name, name))
            return &t->indexes[i];
    return NULL;
}

static const ath_unique *find_unique(const ath_table *t, const char *name)
{
    for (size_t i = 0; name && i < t->nuniques; i++)
        if (streq(t->uniques[i].name, name))
            return &t->uniques[i];
    return NULL;
}

static void op_drop_index(ctx *c, const ath_table *t, const ath_index *ix)
{
    ath_op *op = push(c, ATH_OP_DROP_INDEX, t, true);
    if (op) {
        op->u.index.name = ix->name;
        op->u.index.def = ix;
    }
}

static void op_create_index(ctx *c, const ath_table *t, const ath_index *ix)
{
    ath_op *op = push(c, ATH_OP_CREATE_INDEX, t, true);
    if (op) {
        op->u.index.name = ix->name;
        op->u.index.def = ix;
    }
}

/*
 * SQLite keeps no name for a constraint created without one. Alembic's batch
 * mode can still drop it: batch_alter_table(naming_convention={...}) reflects
 * the table into a MetaData with that convention, which names every unnamed
 * unique constraint and foreign key, and drop_constraint names it so. These
 * are the templates Alembic's documentation gives (the models' own
 * convention has already named every constraint it could).
 */
static const char *const uq_convention[2] = {"uq", "uq_%(table_name)s_%(column_0_name)s"};
static const char *const fk_convention[2] = {
    "fk", "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"};

/* True when a named constraint of `at` is called `name`. */
static bool constraint_named(const ath_table *at, const char *name)
{
    if (at->pk.name && strcmp(at->pk.name, name) == 0)
        return true;
    for (size_t i = 0; i < at->nuniques; i++)
        if (streq(at->uniques[i].name, name))
            return true;
    for (size_t i = 0; i < at->nfks; i++)
        if (streq(at->fks[i].name, name))
            return true;
    for (size_t i = 0; i < at->nchecks; i++)
        if (streq(at->checks[i].name, name))
            return true;
    return false;
}

/*
 * The name the convention gives the unnamed unique (u) or foreign key (fk)
 * of the database's table `at` in a batch block on the table now called
 * `table`; NULL when it cannot drop just that one: not SQLite or no batch
 * mode, another constraint of the table has or gets the same name.
 */
static const char *conventional_name(ctx *c, const ath_table *at, const char *table,
                                     const ath_unique *u, const ath_foreign_key *fk,
                                     const ath_op *op)
{
    if (c->d != ATH_DIALECT_SQLITE || !op->batch || !at)
        return NULL;
    const char *tmpl = u ? uq_convention[1] : fk_convention[1];
    const char *name =
        u ? ath_convention_name(c->arena, tmpl, table, u->columns, u->ncolumns, NULL, NULL, NULL)
          : ath_convention_name(c->arena, tmpl, table, fk->columns, fk->ncolumns, fk->ref_table,
                                fk->ref_columns, NULL);
    if (!name || constraint_named(at, name))
        return NULL;
    for (size_t i = 0; u && i < at->nuniques; i++) {
        const ath_unique *o = &at->uniques[i];
        if (o != u && !o->name &&
            streq(ath_convention_name(c->arena, tmpl, table, o->columns, o->ncolumns, NULL,
                                      NULL, NULL),
                  name))
            return NULL;
    }
    for (size_t i = 0; fk && i < at->nfks; i++) {
        const ath_foreign_key *o = &at->fks[i];
        if (o != fk && !o->name &&
            streq(ath_convention_name(c->arena, tmpl, table, o->columns, o->ncolumns,
                                      o->ref_table, o->ref_columns, NULL),
                  name))
            return NULL;
    }
    return name;
}

/* Drops u of the database's table `at` (NULL: not known), now table t. */
static void op_drop_unique(ctx *c, const ath_table *at, const ath_table *t, const ath_unique *u)
{
    ath_op *op = push(c, ATH_OP_DROP_CONSTRAINT, t, true);
    if (!op)
        return;
    const char *name = u->name ? u->name : conventional_name(c, at, t->name, u, NULL, op);
    if (!name) {
        c->n--; /* never drop_constraint(None) */
        NOTE(c, ATH_DIAG_NOTE,
             "unique constraint on %s(%s) has no name in the database: not dropped (drop it "
             "by hand)",
             t->name, join(c, u->columns, u->ncolumns, ", "));
        return;
    }
    op->u.constraint.type = ATH_CONSTRAINT_UNIQUE;
    op->u.constraint.name = name;
    op->u.constraint.has_def = true;
    op->u.constraint.unique = *u;
    if (!u->name) {
        /* The downgrade re-creates it under that name: batch mode cannot add
         * an unnamed constraint. */
        op->u.constraint.unique.name = name;
        op->naming = uq_convention;
        op->nnaming = 1;
    }
}

static void op_create_unique(ctx *c, const ath_table *t, const ath_unique *u)
{
    ath_op *op = push(c, ATH_OP_CREATE_UNIQUE_CONSTRAINT, t, true);
    if (!op)
        return;
    op->u.constraint.type = ATH_CONSTRAINT_UNIQUE;
    op->u.constraint.unique = *u;
    op->u.constraint.name = u->name ? u->name : pg_default_name(c, t, u->columns, u->ncolumns, "key");
    op->u.constraint.unique.name = op->u.constraint.name;
    op->u.constraint.unique.seq = 0;
}

static void compare_indexes(ctx *c, const ath_table *at, const ath_table *dt)
{
    /* Named objects on each side: indexes, and unique constraints with a name. */
    size_t na = at->nindexes + at->nuniques, nd = dt->nindexes + dt->nuniques;
    const char **names = ath_arena_alloc(c->arena, (na + nd + 1) * sizeof(char *));
    if (!names) {
        c->oom = true;
        return;
    }
    size_t nn = 0;
    for (size_t i = 0; i < at->nindexes; i++)
        names[nn++] = at->indexes[i].name;
    for (size_t i = 0; i < at->nuniques; i++)
        if (at->uniques[i].name)
            names[nn++] = at->uniques[i].name;
    for (size_t i = 0; i < dt->nindexes; i++)
        names[nn++] = dt->indexes[i].name;
    for (size_t i = 0; i < dt->nuniques; i++)
        if (dt->uniques[i].name)
            names[nn++] = dt->uniques[i].name;
    for (size_t i = 1; i < nn; i++) /* sorted, unique */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *x = names[j];
            names[j] = names[j - 1];
            names[j - 1] = x;
        }
    size_t w = 0;
    for (size_t i = 0; i < nn; i++)
        if (!w || strcmp(names[w - 1], names[i]) != 0)
            names[w++] = names[i];
    nn = w;

    /* An actual unique matched by columns to a desired one with no name (or a
     * name the database does not show) is the same constraint. */
    bool *amatched = ath_arena_alloc(c->arena, at->nuniques + 1);
    bool *dmatched = ath_arena_alloc(c->arena, dt->nuniques + 1);
    if (!amatched || !dmatched) {
        c->oom = true;
        return;
    }
    for (size_t j = 0; j < dt->nuniques; j++) {
        const ath_unique *du = &dt->uniques[j];
        if (du->name && find_unique(at, du->name))
            continue;
        for (size_t i = 0; i < at->nuniques && !dmatched[j]; i++) {
            const ath_unique *au = &at->uniques[i];
            if (amatched[i] || (du->name && au->name) ||
                (au->name && find_unique(dt, au->name)))
                continue;
            if (same_set(renamed_list(c, dt, au->columns, au->ncolumns), au->ncolumns,
                         du->columns, du->ncolumns))
                amatched[i] = dmatched[j] = true;
        }
    }

    /* removed */
    for (size_t k = 0; k < nn; k++) {
        const char *name = names[k];
        if (find_index(dt, name) || find_unique(dt, name))
            continue;
        const ath_index *ai = find_index(at, name);
        const ath_unique *au = find_unique(at, name);
        if (au && !amatched[au - at->uniques])
            op_drop_unique(c, at, dt, au);
        if (ai)
            op_drop_index(c, dt, ai);
    }
    /* changed */
    for (size_t k = 0; k < nn; k++) {
        const char *name = names[k];
        const ath_index *ai = find_index(at, name), *di = find_index(dt, name);
        const ath_unique *au = find_unique(at, name), *du = find_unique(dt, name);
        if ((!ai && !au) || (!di && !du))
            continue;
        if (ai && di) {
            ath_index tmp = *ai;
            ath_index_elem *el = ath_arena_alloc(c->arena, (ai->nelems + 1) * sizeof(*el));
            if (!el) {
                c->oom = true;
                return;
            }
            for (size_t i = 0; i < ai->nelems; i++) {
                el[i] = ai->elems[i];
                if (!el[i].expression)
                    el[i].text = act_col_name(c, dt, el[i].text);
            }
            tmp.elems = el;
            if (!index_same(&tmp, di)) {
                op_drop_index(c, dt, ai);
                op_create_index(c, dt, di);
            }
        } else if (au && du) {
            if (!same_set(renamed_list(c, dt, au->columns, au->ncolumns), au->ncolumns,
                          du->columns, du->ncolumns)) {
                op_drop_unique(c, at, dt, au);
                op_create_unique(c, dt, du);
            }
        } else if (ai && du) {
            op_drop_index(c, dt, ai);
            op_create_unique(c, dt, du);
        } else if (au && di && !amatched[au - at->uniques]) {
            op_drop_unique(c, at, dt, au);
            op_create_index(c, dt, di);
        }
    }
    /* added */
    for (size_t k = 0; k < nn; k++) {
        const char *name = names[k];
        if (find_index(at, name) || find_unique(at, name))
            continue;
        const ath_index *di = find_index(dt, name);
        const ath_unique *du = find_unique(dt, name);
        if (di)
            op_create_index(c, dt, di);
        if (du && !dmatched[du - dt->uniques])
            op_create_unique(c, dt, du);
    }
    for (size_t j = 0; j < dt->nuniques; j++)
        if (!dt->uniques[j].name && !dmatched[j])
            op_create_unique(c, dt, &dt->uniques[j]);
    for (size_t i = 0; i < at->nuniques; i++)
        if (!at->uniques[i].name && !amatched[i])
            op_drop_unique(c, at, dt, &at->uniques[i]);
}

static const char *fk_action(const char *a)
{
    return (a && !ieq(a, "NO ACTION")) ? a : NULL;
}

static bool fk_same(ctx *c, const ath_table *dt, const ath_foreign_key *a,
                    const ath_foreign_key *b)
{
    if (a->ncolumns != b->ncolumns || strcmp(a->ref_table, b->ref_table) != 0)
        return false;
    const char *sa = a->ref_schema, *sb = b->ref_schema;
    if (c->d == ATH_DIALECT_POSTGRESQL) {
        sa = sa && strcmp(sa, "public") == 0 ? NULL : sa;
        sb = sb && strcmp(sb, "public") == 0 ? NULL : sb;
    }
    if (!streq(sa, sb))
        return false;
    for (size_t i = 0; i < a->ncolumns; i++)
        if (strcmp(act_col_name(c, dt, a->columns[i]), b->columns[i]) != 0 ||
            strcmp(a->ref_columns[i], b->ref_columns[i]) != 0)
            return false;
    return ieq(fk_action(a->ondelete), fk_action(b->ondelete)) &&
           ieq(fk_action(a->onupdate), fk_action(b->onupdate)) &&
           a->deferrable == b->deferrable &&
           ieq(a->deferrable ? a->initially : NULL, b->deferrable ? b->initially : NULL);
}

/* Drops fk of the database's table `at` (NULL: not known), now table t. */
static void op_drop_fk(ctx *c, const ath_table *at, const ath_table *t,
                       const ath_foreign_key *fk)
{
    ath_op *op = push(c, ATH_OP_DROP_CONSTRAINT, t, true);
    if (!op)
        return;
    const char *name = fk->name ? fk->name : conventional_name(c, at, t->name, NULL, fk, op);
    if (!name) {
        c->n--; /* never drop_constraint(None) */
        NOTE(c, ATH_DIAG_NOTE,
             "foreign key %s(%s) -> %s has no name in the database: not dropped (drop it by "
             "hand)",
             t->name, join(c, fk->columns, fk->ncolumns, ", "), fk->ref_table);
        return;
    }
    op->u.constraint.type = ATH_CONSTRAINT_FOREIGNKEY;
    op->u.constraint.name = name;
    op->u.constraint.has_def = true;
    op->u.constraint.fk = *fk;
    if (!fk->name) {
        op->u.constraint.fk.name = name;
        op->naming = fk_convention;
        op->nnaming = 1;
    }
}

static void op_create_fk(ctx *c, const ath_table *t, const ath_foreign_key *fk)
{
    ath_op *op = push(c, ATH_OP_CREATE_FOREIGN_KEY, t, true);
    if (!op)
        return;
    op->u.constraint.type = ATH_CONSTRAINT_FOREIGNKEY;
    op->u.constraint.fk = *fk;
    op->u.constraint.fk.seq = 0;
    op->u.constraint.name =
        fk->name ? fk->name : pg_default_name(c, t, fk->columns, fk->ncolumns, "fkey");
    op->u.constraint.fk.name = op->u.constraint.name;
}

static void compare_fks(ctx *c, const ath_table *at, const ath_table *dt)
{
    for (size_t i = 0; i < at->nfks; i++) {
        bool found = false;
        for (size_t j = 0; j < dt->nfks && !found; j++)
            found = fk_same(c, dt, &at->fks[i], &dt->fks[j]);
        if (!found)
            op_drop_fk(c, at, dt, &at->fks[i]);
    }
    for (size_t j = 0; j < dt->nfks; j++) {
        bool found = false;
        for (size_t i = 0; i < at->nfks && !found; i++)
            found = fk_same(c, dt, &at->fks[i], &dt->fks[j]);
        if (!found)
            op_create_fk(c, dt, &dt->fks[j]);
    }
}

/* Named checks only, by name: their text is spelled differently by every
 * database, so a changed condition is not detected. */
static void compare_checks(ctx *c, const ath_table *at, const ath_table *dt)
{
    for (size_t i = 0; i < at->nchecks; i++) {
        const ath_check *ac = &at->checks[i];
        bool found = !ac->name;
        for (size_t j = 0; j < dt->nchecks && !found; j++)
            found = streq(dt->checks[j].name, ac->name);
        if (found)
            continue;
        ath_op *op = push(c, ATH_OP_DROP_CONSTRAINT, dt, true);
        if (op) {
            op->u.constraint.type = ATH_CONSTRAINT_CHECK;
            op->u.constraint.name = ac->name;
            op->u.constraint.has_def = true;
            op->u.constraint.check = *ac;
        }
    }
    for (size_t j = 0; j < dt->nchecks; j++) {
        const ath_check *dc = &dt->checks[j];
        bool found = !dc->name;
        for (size_t i = 0; i < at->nchecks && !found; i++)
            found = streq(at->checks[i].name, dc->name);
        if (found)
            continue;
        ath_op *op = push(c, ATH_OP_CREATE_CHECK_CONSTRAINT, dt, true);
        if (op) {
            op->u.constraint.type = ATH_CONSTRAINT_CHECK;
            op->u.constraint.name = dc->name;
            op->u.constraint.check = *dc;
            op->u.constraint.check.seq = 0;
        }
    }
}

/* ---- columns ---- */

static bool serial_default(const ath_column *ac)
{
    return ac->identity != ATH_IDENTITY_NONE ||
           (ac->server_default && strncmp(ac->server_default, "nextval(", 8) == 0);
}

static void compare_column(ctx *c, const ath_table *dt, const ath_column *ac,
                           const ath_column *dc)
{
    ath_op_alter_column a = {0};
    bool changed = false;
    if (ac->nullable != dc->nullable) {
        a.nullable.set = true;
        a.nullable.value = dc->nullable;
        changed = true;
        if (!dc->nullable && !dc->server_default)
            NOTE(c, ATH_DIAG_WARNING,
                 "destructive: %s.%s becomes NOT NULL without a server default (fails if a "
                 "row has NULL)",
                 dt->name, dc->name);
    }
    if (!c->o->skip_type_compare && !type_eq(c, &ac->type, &dc->type)) {
        a.type = &dc->type;
        changed = true;
        need_enum(c, &dc->type);
        if (!widening(&ac->type, &dc->type))
            NOTE(c, ATH_DIAG_WARNING, "destructive: %s.%s type %s -> %s may lose data",
                 dt->name, dc->name, type_text(c, &ac->type), type_text(c, &dc->type));
    }
    if (c->o->compare_server_default && !(serial_default(ac) && !dc->server_default) &&
        !default_eq(c, ac->server_default, dc->server_default)) {
        a.server_default.set = true;
        a.server_default.value = dc->server_default;
        changed = true;
    }
    if (c->d == ATH_DIALECT_POSTGRESQL && !streq(ac->comment, dc->comment)) {
        a.comment.set = true;
        a.comment.value = dc->comment;
        changed = true;
    }
    if (!changed)
        return;
    ath_op *op = push(c, ATH_OP_ALTER_COLUMN, dt, true);
    if (!op)
        return;
    a.column = dc->name;
    a.existing_type = &ac->type;
    a.existing_nullable.set = true;
    a.existing_nullable.value = ac->nullable;
    a.existing_server_default.set = true;
    a.existing_server_default.value = ac->server_default;
    a.existing_comment.set = true;
    a.existing_comment.value = ac->comment;
    op->u.alter = a;
}

static void compare_table(ctx *c, const ath_table *at, const ath_table *dt)
{
    /* column renames first: everything after names the new column */
    for (size_t i = 0; i < c->o->nrenames; i++) {
        const ath_rename *r = &c->o->renames[i];
        if (!r->table || strcmp(r->table, dt->name) != 0)
            continue;
        const ath_column *ac = ath_table_find_column(at, r->old_name);
        ath_op *op = push(c, ATH_OP_ALTER_COLUMN, dt, true);
        if (!op)
            return;
        op->u.alter.column = r->old_name;
        op->u.alter.new_name = r->new_name;
        op->u.alter.existing_type = &ac->type;
        op->u.alter.existing_nullable.set = true;
        op->u.alter.existing_nullable.value = ac->nullable;
        op->u.alter.existing_server_default.set = true;
        op->u.alter.existing_server_default.value = ac->server_default;
        op->u.alter.existing_comment.set = true;
        op->u.alter.existing_comment.value = ac->comment;
    }
    for (size_t j = 0; j < dt->ncolumns; j++) {
        const ath_column *dc = &dt->columns[j];
        if (actual_column(c, at, dt->name, dc->name))
            continue;
        need_enum(c, &dc->type);
        ath_op *op = push(c, ATH_OP_ADD_COLUMN, dt, true);
        if (!op)
            return;
        op->u.column.name = dc->name;
        op->u.column.def = dc;
        if (!dc->nullable && !dc->server_default)
            NOTE(c, ATH_DIAG_WARNING,
                 "destructive: %s.%s is added NOT NULL without a server default (fails if "
                 "the table has rows)",
                 dt->name, dc->name);
    }
    for (size_t j = 0; j < dt->ncolumns; j++) {
        const ath_column *ac = actual_column(c, at, dt->name, dt->columns[j].name);
        if (ac)
            compare_column(c, dt, ac, &dt->columns[j]);
    }
    compare_indexes(c, at, dt);
    compare_fks(c, at, dt);
    compare_checks(c, at, dt);
    if (c->d == ATH_DIALECT_POSTGRESQL && !streq(at->comment, dt->comment)) {
        ath_op *op = push(c, dt->comment ? ATH_OP_CREATE_TABLE_COMMENT : ATH_OP_DROP_TABLE_COMMENT,
                          dt, true);
        if (op) {
            op->u.table_comment.comment = dt->comment;
            op->u.table_comment.existing.set = true;
            op->u.table_comment.existing.value = at->comment;
        }
    }
    bool *paired = ath_arena_alloc(c->arena, dt->ncolumns + 1);
    if (!paired) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < at->ncolumns; i++) {
        const ath_column *ac = &at->columns[i];
        if (ath_table_find_column(dt, renamed_column(c, dt->name, ac->name)))
            continue;
        ath_op *op = push(c, ATH_OP_DROP_COLUMN, dt, true);
        if (!op)
            return;
        op->u.column.name = ac->name;
        op->u.column.def = ac;
        NOTE(c, ATH_DIAG_WARNING, "destructive: column %s.%s is dropped with its data",
             dt->name, ac->name);
        for (size_t j = 0; j < dt->ncolumns; j++) {
            const ath_column *dc = &dt->columns[j];
            if (paired[j] || actual_column(c, at, dt->name, dc->name) ||
                !type_eq(c, &ac->type, &dc->type))
                continue;
            paired[j] = true;
            NOTE(c, ATH_DIAG_NOTE,
                 "possible rename: %s.%s -> %s.%s (use --rename %s.%s=%s)", dt->name,
                 ac->name, dt->name, dc->name, dt->name, ac->name, dc->name);
            break;
        }
    }
}

/* ---- whole tables ---- */

static void create_tables(ctx *c)
{
    size_t *order;
    if (fk_order(&order, c->arena, c->desired)) {
        c->oom = true;
        return;
    }
    const ath_schema *s = c->desired;
    size_t n = s->ntables;
    long *pos = ath_arena_alloc(c->arena, (n + 1) * sizeof(long));
    if (!pos) {
        c->oom = true;
        return;
    }
    long p = 0;
    for (size_t k = 0; k < n; k++) {
        const ath_table *t = &s->tables[order[k]];
        bool added = !ignored_table(t) && !ath_schema_find_table(c->actual, t->schema, t->name) &&
                     !table_rename_to(c, t->name);
        pos[order[k]] = added ? p++ : -1;
    }
    /* foreign keys to a table created later: create_foreign_key after the last create_table */
    size_t nlater = 0, later_cap = 0;
    const ath_foreign_key **later_fk = NULL;
    const ath_table **later_tab = NULL;
    size_t nlater2 = 0, cap2 = 0;
    for (size_t k = 0; k < n && !c->oom; k++) {
        const ath_table *t = &s->tables[order[k]];
        if (pos[order[k]] < 0)
            continue;
        ath_table *copy = ath_arena_alloc(c->arena, sizeof(*copy));
        if (!copy || ath_table_copy(copy, c->arena, t)) {
            c->oom = true;
            return;
        }
        copy->nindexes = 0;
        size_t w = 0;
        for (size_t f = 0; f < t->nfks; f++) {
            long r = table_index(s, t->fks[f].ref_schema, t->fks[f].ref_table);
            if (r >= 0 && pos[r] > pos[order[k]]) {
                const ath_foreign_key **slot = ATH_PUSH(c->arena, later_fk, nlater, later_cap);
                const ath_table **tslot = ATH_PUSH(c->arena, later_tab, nlater2, cap2);
                if (!slot || !tslot) {
                    c->oom = true;
                    return;
                }
                *slot = &t->fks[f];
                *tslot = t;
                continue;
            }
            copy->fks[w++] = copy->fks[f];
        }
        copy->nfks = w;
        for (size_t i = 0; i < t->ncolumns; i++)
            need_enum(c, &t->columns[i].type);
        ath_op *op = push(c, ATH_OP_CREATE_TABLE, t, false);
        if (!op)
            return;
        op->u.table_def = copy;
        /* Alembic: indexes after the table, by name */
        size_t *ix = ath_arena_alloc(c->arena, (t->nindexes + 1) * sizeof(size_t));
        if (!ix) {
            c->oom = true;
            return;
        }
        for (size_t i = 0; i < t->nindexes; i++) {
            size_t j = i;
            while (j > 0 && strcmp(t->indexes[ix[j - 1]].name, t->indexes[i].name) > 0) {
                ix[j] = ix[j - 1];
                j--;
            }
            ix[j] = i;
        }
        for (size_t i = 0; i < t->nindexes; i++)
            op_create_index(c, t, &t->indexes[ix[i]]);
    }
    for (size_t i = 0; i < nlater && !c->oom; i++)
        op_create_fk(c, later_tab[i], later_fk[i]);
}

static void drop_tables(ctx *c)
{
    size_t *order;
    if (fk_order(&order, c->arena, c->actual)) {
        c->oom = true;
        return;
    }
    const ath_schema *s = c->actual;
    size_t n = s->ntables;
    long *pos = ath_arena_alloc(c->arena, (n + 1) * sizeof(long));
    if (!pos) {
        c->oom = true;
        return;
    }
    long p = 0;
    for (size_t k = n; k-- > 0;) {
        const ath_table *t = &s->tables[order[k]];
        bool dropped = !ignored_table(t) &&
                       !ath_schema_find_table(c->desired, t->schema, t->name) &&
                       !table_rename_from(c, t->name);
        pos[order[k]] = dropped ? p++ : -1;
    }
    /* a cycle: foreign keys to a table dropped earlier go first */
    for (size_t k = n; k-- > 0;) {
        const ath_table *t = &s->tables[order[k]];
        if (pos[order[k]] < 0)
            continue;
        for (size_t f = 0; f < t->nfks; f++) {
            long r = table_index(s, t->fks[f].ref_schema, t->fks[f].ref_table);
            if (r >= 0 && (size_t)r != order[k] && pos[r] >= 0 && pos[r] < pos[order[k]])
                op_drop_fk(c, t, t, &t->fks[f]);
        }
    }
    for (size_t k = n; k-- > 0 && !c->oom;) {
        const ath_table *t = &s->tables[order[k]];
        if (pos[order[k]] < 0)
            continue;
        ath_table *copy = ath_arena_alloc(c->arena, sizeof(*copy));
        if (!copy || ath_table_copy(copy, c->arena, t)) {
            c->oom = true;
            return;
        }
        size_t w = 0;
        for (size_t f = 0; f < t->nfks; f++) {
            long r = table_index(s, t->fks[f].ref_schema, t->fks[f].ref_table);
            if (r >= 0 && (size_t)r != order[k] && pos[r] >= 0 && pos[r] < pos[order[k]] &&
                t->fks[f].name)
                continue;
            copy->fks[w++] = copy->fks[f];
        }
        copy->nfks = w;
        copy->nindexes = 0; /* dropped (and re-created on downgrade) by their own ops */
        for (size_t i = 0; i < t->nindexes; i++)
            op_drop_index(c, t, &t->indexes[i]);
        ath_op *op = push(c, ATH_OP_DROP_TABLE, t, false);
        if (!op)
            return;
        op->u.table_def = copy;
        NOTE(c, ATH_DIAG_WARNING, "destructive: table %s is dropped with its data",
             t->name);
    }
}

/* ---- enum types ---- */

static void enum_values(ctx *c)
{
    if (c->d != ATH_DIALECT_POSTGRESQL)
        return;
    for (size_t i = 0; i < c->desired->nenums; i++) {
        const ath_enum *de = &c->desired->enums[i];
        const ath_enum *ae = find_enum(c->actual, de->name, NULL);
        if (!ae)
            continue;
        for (size_t v = 0; v < ae->nvalues; v++) {
            bool kept = false;
            for (size_t w = 0; w < de->nvalues && !kept; w++)
                kept = strcmp(ae->values[v], de->values[w]) == 0;
            if (!kept)
                NOTE(c, ATH_DIAG_WARNING,
                     "enum %s: value '%s' is gone from the models; PostgreSQL cannot remove "
                     "an enum value, so it stays",
                     de->name, ae->values[v]);
        }
        for (size_t w = 0; w < de->nvalues; w++) {
            bool had = false;
            for (size_t v = 0; v < ae->nvalues && !had; v++)
                had = strcmp(ae->values[v], de->values[w]) == 0;
            if (had)
                continue;
            ath_op *op = push(c, ATH_OP_ADD_ENUM_VALUE, NULL, false);
            if (!op)
                return;
            op->schema = de->schema;
            op->u.enum_value.name = de->name;
            op->u.enum_value.value = de->values[w];
            if (w > 0)
                op->u.enum_value.after = de->values[w - 1];
            else if (de->nvalues > 1)
                op->u.enum_value.before = de->values[1];
        }
    }
}

static void enums_left(ctx *c)
{
    if (c->d != ATH_DIALECT_POSTGRESQL)
        return;
    for (size_t i = 0; i < c->desired->nenums; i++)
        if (!c->enum_made[i] && !find_enum(c->actual, c->desired->enums[i].name, NULL)) {
            ath_op *op = push(c, ATH_OP_CREATE_ENUM, NULL, false);
            if (!op)
                return;
            op->u.enum_def = c->desired->enums[i];
            c->enum_made[i] = true;
        }
    for (size_t i = 0; i < c->actual->nenums; i++)
        if (!find_enum(c->desired, c->actual->enums[i].name, NULL)) {
            ath_op *op = push(c, ATH_OP_DROP_ENUM, NULL, false);
            if (!op)
                return;
            op->u.enum_def = c->actual->enums[i];
        }
}

int ath_diff(ath_op **ops, size_t *nops, ath_arena *arena, const ath_schema *actual,
             const ath_schema *desired, const ath_diff_options *opts, ath_diags *notes)
{
    static const ath_diff_options defaults = {0};
    *ops = NULL;
    *nops = 0;
    ctx c = {0};
    c.arena = arena;
    c.actual = actual;
    c.desired = desired;
    c.o = opts ? opts : &defaults;
    c.d = c.o->dialect;
    c.notes = notes;
    int rc = check_renames(&c);
    if (rc)
        return rc;
    c.enum_made = ath_arena_alloc(arena, desired->nenums + 1);
    if (!c.enum_made)
        return ath_error_oom();

    for (size_t i = 0; i < c.o->nrenames; i++) {
        const ath_rename *r = &c.o->renames[i];
        if (r->table)
            continue;
        const ath_table *at = ath_schema_find_table(actual, NULL, r->old_name);
        ath_op *op = push(&c, ATH_OP_RENAME_TABLE, at, false);
        if (op)
            op->u.rename.new_name = r->new_name;
    }
    enum_values(&c);
    create_tables(&c);
    drop_tables(&c);

    size_t nd = desired->ntables;
    const ath_table **common = ath_arena_alloc(arena, (nd + 1) * sizeof(void *));
    if (!common)
        return ath_error_oom();
    size_t ncommon = 0;
    for (size_t i = 0; i < nd; i++) {
        const ath_table *dt = &desired->tables[i];
        if (ignored_table(dt))
            continue;
        const ath_rename *r = table_rename_to(&c, dt->name);
        if (ath_schema_find_table(actual, dt->schema, r ? r->old_name : dt->name)) {
            size_t j = ncommon++;
            while (j > 0 && by_name(common[j - 1], dt) > 0) {
                common[j] = common[j - 1];
                j--;
            }
            common[j] = dt;
        }
    }
    for (size_t i = 0; i < ncommon && !c.oom; i++) {
        const ath_rename *r = table_rename_to(&c, common[i]->name);
        compare_table(&c, ath_schema_find_table(actual, common[i]->schema,
                                                r ? r->old_name : common[i]->name),
                      common[i]);
    }
    enums_left(&c);
    if (c.oom)
        return ath_error_oom();
    *ops = c.ops;
    *nops = c.n;
    return 0;
}

int ath_rename_parse(ath_rename *out, ath_arena *arena, const char *text)
{
    memset(out, 0, sizeof(*out));
    const char *eq = text ? strchr(text, '=') : NULL;
    if (!eq)
        return ath_error(ATH_EINVAL, "rename '%s': expected table.old=new or old=new",
                         text ? text : "");
    const char *dot = memchr(text, '.', (size_t)(eq - text));
    const char *old = dot ? dot + 1 : text;
    const char *nw = eq + 1;
    if (old == eq || !*nw || (dot && dot == text) || strchr(nw, '.') || strchr(nw, '='))
        return ath_error(ATH_EINVAL, "rename '%s': expected table.old=new or old=new", text);
    out->table = dot ? ath_arena_strndup(arena, text, (size_t)(dot - text)) : NULL;
    out->old_name = ath_arena_strndup(arena, old, (size_t)(eq - old));
    out->new_name = ath_arena_strdup(arena, nw);
    if (!out->old_name || !out->new_name || (dot && !out->table))
        return ath_error_oom();
    return 0;
}
