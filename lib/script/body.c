/*
 * Reads the body of a migration script's upgrade() / downgrade() into ops:
 * op.* and batch_op.* calls with Alembic's documented arguments, the
 * SQLAlchemy constructors they take, and a few local aliases. Types go
 * through the shared resolver. Anything else is refused, every refusal a
 * diagnostic, and then no op is returned at all.
 */
#include "script/body.h"

#include <string.h>

typedef enum { LOCAL_TABLE, LOCAL_COLUMN, LOCAL_ENUM, LOCAL_CREATED } local_kind;

typedef struct local {
    local_kind kind;
    const ath_py_node *value;   /* the constructor call */
    const ath_table *created;   /* LOCAL_CREATED: the table op.create_table made */
} local;

typedef struct reader {
    ath_arena *arena;
    const ath_scope *scope;
    ath_diags *diags;
    const char *path, *rev, *fname;
    ath_dialect dialect;
    ath_op *ops;
    size_t nops, cap;
    ath_strmap locals;
    bool oom;
    /* inside `with op.batch_alter_table(...) as <batch_name>:` */
    const char *batch_name, *batch_table, *batch_schema;
    const char *const *batch_naming; /* its naming_convention: key, template pairs */
    size_t batch_nnaming;
    /* inside `with op.get_context().autocommit_block():` */
    bool autocommit;
} reader;

static int err(reader *r, const ath_py_node *at, const char *fmt, ...) ATH_PRINTF(3, 4);

static int err(reader *r, const ath_py_node *at, const char *fmt, ...)
{
    ath_buf b = ATH_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ath_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    int rc = ath_buf_check(&b);
    if (!rc)
        rc = ath_diags_add(r->diags, ATH_DIAG_ERROR, r->path, at ? at->line : 0, at ? at->col : 0,
                           "revision %s: %s", r->rev, ath_buf_cstr(&b));
    ath_buf_free(&b);
    if (rc) {
        r->oom = true;
        return rc;
    }
    return ATH_EPARSE;
}

static int oom(reader *r)
{
    r->oom = true;
    return ath_error_oom();
}

static bool is_none(const ath_py_node *e)
{
    return e && e->kind == ATH_PY_CONST && e->constant.kind == ATH_PY_CONST_NONE;
}

static local *local_of(reader *r, const ath_py_node *e)
{
    if (!e || e->kind != ATH_PY_NAME)
        return NULL;
    return ath_strmap_get(&r->locals, e->name.id);
}

static bool is_batch_name(reader *r, const ath_py_node *e)
{
    return r->batch_name && e && e->kind == ATH_PY_NAME && strcmp(e->name.id, r->batch_name) == 0;
}

/* The canonical name of a callee; NULL for locals, batch_op and the unknown. */
static const char *callee(reader *r, const ath_py_node *call)
{
    if (!call || call->kind != ATH_PY_CALL)
        return NULL;
    const ath_py_node *f = call->call.func;
    const ath_py_node *root = f;
    while (root->kind == ATH_PY_ATTRIBUTE)
        root = root->attribute.value;
    if (root->kind == ATH_PY_NAME && (local_of(r, root) || is_batch_name(r, root)))
        return NULL;
    return ath_resolve_name(r->scope, f);
}

static bool calls(reader *r, const ath_py_node *e, const char *canonical)
{
    const char *c = callee(r, e);
    return c && strcmp(c, canonical) == 0;
}

/* op.f('x') / batch_op.f('x'): the name as given. */
static bool is_f_call(reader *r, const ath_py_node *e)
{
    if (!e || e->kind != ATH_PY_CALL)
        return false;
    const ath_py_node *f = e->call.func;
    if (f->kind == ATH_PY_ATTRIBUTE && strcmp(f->attribute.attr, "f") == 0 &&
        is_batch_name(r, f->attribute.value))
        return true;
    return calls(r, e, "alembic.op.f");
}

/* ---- arguments ---- */

#define MAXP 20

typedef struct args {
    const ath_py_node *v[MAXP];
    const ath_py_node **rest; /* positional beyond the named ones (*args) */
    size_t nrest;
} args;

/* Keyword arguments of other dialects change nothing on SQLite or PostgreSQL. */
static bool other_dialect_kw(const char *name)
{
    static const char *const prefixes[] = {"mysql_", "mariadb_", "mssql_", "oracle_"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/*
 * Binds a call's arguments to `names` (NULL-terminated): the first `npos` may
 * be given by position, extra positional arguments go to a->rest when `star`.
 */
static int bind(reader *r, const ath_py_node *call, const char *what, const char *const *names,
                size_t npos, bool star, args *a)
{
    memset(a, 0, sizeof(*a));
    size_t nnames = 0;
    while (names[nnames])
        nnames++;
    const ath_py_nodes *pa = &call->call.args;
    for (size_t i = 0; i < pa->count; i++) {
        const ath_py_node *v = pa->items[i];
        if (v->kind == ATH_PY_STARRED)
            return err(r, v, "%s: *arguments cannot be read without Python", what);
        if (i < npos) {
            a->v[i] = v;
        } else if (star) {
            if (!a->rest) {
                a->rest = (const ath_py_node **)pa->items + i;
                a->nrest = pa->count - i;
            }
        } else {
            return err(r, v, "%s: too many positional arguments", what);
        }
    }
    const ath_py_nodes *kw = &call->call.keywords;
    for (size_t i = 0; i < kw->count; i++) {
        const ath_py_node *k = kw->items[i];
        if (!k->keyword.name)
            return err(r, k, "%s: **arguments cannot be read without Python", what);
        size_t j = 0;
        while (j < nnames && strcmp(names[j], k->keyword.name) != 0)
            j++;
        if (j == nnames) {
            if (other_dialect_kw(k->keyword.name))
                continue;
            return err(r, k, "%s: unknown argument '%s'", what, k->keyword.name);
        }
        if (a->v[j])
            return err(r, k, "%s: argument '%s' given twice", what, k->keyword.name);
        a->v[j] = k->keyword.value;
    }
    return 0;
}

static int need(reader *r, const ath_py_node *call, const char *what, const args *a, size_t i,
                const char *name)
{
    if (a->v[i])
        return 0;
    return err(r, call, "%s: missing argument '%s'", what, name);
}

/* A string literal (or op.f of one); None gives NULL when allow_none. */
static int str_value(reader *r, const ath_py_node *e, const char *what, const char *arg,
                     bool allow_none, const char **out)
{
    *out = NULL;
    if (!e || (allow_none && is_none(e)))
        return 0;
    if (is_f_call(r, e)) {
        if (e->call.args.count != 1 || e->call.keywords.count)
            return err(r, e, "%s: op.f() takes one string", what);
        e = e->call.args.items[0];
    }
    const char *s = ath_py_str_value(e);
    if (!s)
        return err(r, e, "%s: %s must be a string literal", what, arg);
    *out = s;
    return 0;
}

/* A string or sa.text('...'): SQL text as written. */
static int sql_value(reader *r, const ath_py_node *e, const char *what, const char *arg,
                     const char **out)
{
    *out = NULL;
    if (e && (calls(r, e, "sqlalchemy.text") || calls(r, e, "sqlalchemy.literal_column")) &&
        e->call.args.count == 1 && !e->call.keywords.count)
        e = e->call.args.items[0];
    const char *s = e ? ath_py_str_value(e) : NULL;
    if (!s)
        return err(r, e, "%s: %s must be a string or sa.text('...') of a string literal", what,
                   arg);
    *out = s;
    return 0;
}

static int bool_value(reader *r, const ath_py_node *e, const char *what, const char *arg,
                      ath_opt_bool *out)
{
    out->set = false;
    if (!e || is_none(e))
        return 0;
    int b = ath_py_bool_value(e);
    if (b < 0)
        return err(r, e, "%s: %s must be True, False or None", what, arg);
    out->set = true;
    out->value = b == 1;
    return 0;
}

static int str_list(reader *r, const ath_py_node *e, const char *what, const char *arg,
                    const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!e || (e->kind != ATH_PY_LIST && e->kind != ATH_PY_TUPLE))
        return err(r, e, "%s: %s must be a list of column names", what, arg);
    const char **v = ath_arena_alloc(r->arena, (e->seq.elts.count + 1) * sizeof(*v));
    if (!v)
        return oom(r);
    for (size_t i = 0; i < e->seq.elts.count; i++) {
        v[i] = ath_py_str_value(e->seq.elts.items[i]);
        if (!v[i])
            return err(r, e->seq.elts.items[i], "%s: %s must be a list of column names", what, arg);
    }
    *out = v;
    *n = e->seq.elts.count;
    return 0;
}

/* ---- types and server defaults ---- */

static int read_type(reader *r, const ath_py_node *e, ath_type *out)
{
    local *l = local_of(r, e);
    if (l && l->kind == LOCAL_ENUM)
        e = l->value;
    int rc = ath_resolve_type(out, r->scope, e);
    if (rc == ATH_ENOMEM)
        r->oom = true;
    return rc;
}

/* server_default as DDL has it, through the resolver models use too. */
static int render_default(reader *r, const ath_py_node *e, const char *what, const char **out)
{
    const ath_py_node *bad;
    const char *why;
    int rc = ath_resolve_server_default(out, r->arena, r->scope, e, r->dialect, &bad, &why);
    if (rc == ATH_EPARSE)
        return err(r, bad, "%s: %s", what, why);
    return rc ? oom(r) : 0;
}

/* server_default=False (not given), None (none) or a default. */
static int opt_default(reader *r, const ath_py_node *e, const char *what, ath_opt_str *out)
{
    out->set = false;
    out->value = NULL;
    if (!e || ath_py_bool_value(e) == 0)
        return 0;
    out->set = true;
    if (is_none(e))
        return 0;
    return render_default(r, e, what, &out->value);
}

/* comment=False (not given), None, or a string. */
static int opt_str(reader *r, const ath_py_node *e, const char *what, const char *arg,
                   ath_opt_str *out)
{
    out->set = false;
    out->value = NULL;
    if (!e || ath_py_bool_value(e) == 0)
        return 0;
    out->set = true;
    return str_value(r, e, what, arg, true, &out->value);
}

/* ---- columns and table items ---- */

typedef struct colextra {
    bool primary_key, unique, index, nullable_given;
    bool default_is_string; /* server_default is a plain string, not sa.text() or a function */
    const ath_py_node *fk; /* sa.ForeignKey(...) */
} colextra;

static int parse_target(reader *r, const ath_py_node *at, const char *what, const char *spec,
                        const char **schema, const char **table, const char **column)
{
    const char *dot = strrchr(spec, '.');
    if (!dot || dot == spec || !dot[1])
        return err(r, at, "%s: '%s' must name table.column", what, spec);
    *column = dot + 1;
    char *t = ath_arena_strndup(r->arena, spec, (size_t)(dot - spec));
    if (!t)
        return oom(r);
    char *sdot = strrchr(t, '.');
    *schema = NULL;
    if (sdot) {
        *sdot = '\0';
        *schema = t;
        t = sdot + 1;
    }
    *table = t;
    return 0;
}

static int fk_options(reader *r, const args *a, size_t first, const char *what,
                      ath_foreign_key *fk)
{
    /* first .. first+3: ondelete, onupdate, deferrable, initially */
    int rc;
    if ((rc = str_value(r, a->v[first], what, "ondelete", true, &fk->ondelete)) ||
        (rc = str_value(r, a->v[first + 1], what, "onupdate", true, &fk->onupdate)) ||
        (rc = str_value(r, a->v[first + 3], what, "initially", true, &fk->initially)))
        return rc;
    ath_opt_bool d;
    if ((rc = bool_value(r, a->v[first + 2], what, "deferrable", &d)))
        return rc;
    fk->deferrable = d.set && d.value;
    return 0;
}

static int read_column(reader *r, const ath_py_node *call, const char *what, ath_column *col,
                       colextra *x)
{
    static const char *const names[] = {"name",          "type_",   "nullable", "server_default",
                                        "primary_key",   "autoincrement", "comment",
                                        "unique",        "index",   "default",  "onupdate",
                                        "doc",           "info",    NULL};
    const char *cw = "sa.Column";
    memset(x, 0, sizeof(*x));
    memset(col, 0, sizeof(*col));
    if (!calls(r, call, "sqlalchemy.Column"))
        return err(r, call, "%s: expected sa.Column(...) here", what);
    args a;
    int rc = bind(r, call, cw, names, 1, true, &a);
    if (rc)
        return rc;
    if ((rc = need(r, call, cw, &a, 0, "name")) ||
        (rc = str_value(r, a.v[0], cw, "the column name", false, &col->name)))
        return rc;
    const ath_py_node *type = a.v[1];
    for (size_t i = 0; i < a.nrest; i++) {
        const ath_py_node *e = a.rest[i];
        if (calls(r, e, "sqlalchemy.ForeignKey")) {
            if (x->fk)
                return err(r, e, "%s: only one sa.ForeignKey per column can be read", cw);
            x->fk = e;
        } else if (!type && i == 0) {
            type = e;
        } else {
            return err(r, e, "%s: only the type and sa.ForeignKey(...) can be given by position",
                       cw);
        }
    }
    if (!type)
        return err(r, call, "%s('%s'): the column needs a type", cw, col->name);
    if ((rc = read_type(r, type, &col->type)))
        return rc;
    ath_opt_bool b;
    if ((rc = bool_value(r, a.v[4], cw, "primary_key", &b)))
        return rc;
    x->primary_key = b.set && b.value;
    if ((rc = bool_value(r, a.v[2], cw, "nullable", &b)))
        return rc;
    x->nullable_given = b.set;
    col->nullable = b.set ? b.value : !x->primary_key;
    if (a.v[3] && !is_none(a.v[3]) && (rc = render_default(r, a.v[3], cw, &col->server_default)))
        return rc;
    x->default_is_string = a.v[3] && ath_py_str_value(a.v[3]);
    col->autoincrement = ATH_AUTOINC_AUTO;
    if (a.v[5] && !ath_py_str_value(a.v[5])) {
        if ((rc = bool_value(r, a.v[5], cw, "autoincrement", &b)))
            return rc;
        if (b.set)
            col->autoincrement = b.value ? ATH_AUTOINC_TRUE : ATH_AUTOINC_FALSE;
    }
    if ((rc = str_value(r, a.v[6], cw, "comment", true, &col->comment)))
        return rc;
    if ((rc = bool_value(r, a.v[7], cw, "unique", &b)))
        return rc;
    x->unique = b.set && b.value;
    if ((rc = bool_value(r, a.v[8], cw, "index", &b)))
        return rc;
    x->index = b.set && b.value;
    return 0;
}

static int read_fk_call(reader *r, const ath_py_node *call, ath_foreign_key *fk, bool table_level)
{
    static const char *const tnames[] = {"columns",  "refcolumns", "name",  "ondelete", "onupdate",
                                         "deferrable", "initially", "match", "use_alter", NULL};
    static const char *const cnames[] = {"column",    "name",  "ondelete",  "onupdate", "deferrable",
                                         "initially", "match", "use_alter", NULL};
    const char *what = table_level ? "sa.ForeignKeyConstraint" : "sa.ForeignKey";
    args a;
    int rc = bind(r, call, what, table_level ? tnames : cnames, table_level ? 2 : 1, false, &a);
    if (rc)
        return rc;
    size_t off = table_level ? 1 : 0;
    if ((rc = need(r, call, what, &a, 0, table_level ? "columns" : "column")) ||
        (table_level && (rc = need(r, call, what, &a, 1, "refcolumns"))) ||
        (rc = str_value(r, a.v[off + 1], what, "name", true, &fk->name)))
        return rc;
    args o;
    memset(&o, 0, sizeof(o));
    for (size_t i = 0; i < 4; i++)
        o.v[i] = a.v[off + 2 + i];
    if ((rc = fk_options(r, &o, 0, what, fk)))
        return rc;
    if (a.v[off + 6] && !is_none(a.v[off + 6]))
        return err(r, a.v[off + 6], "%s: match= is not supported", what);
    const char **targets;
    size_t nt;
    if (table_level) {
        if ((rc = str_list(r, a.v[0], what, "columns", &fk->columns, &fk->ncolumns)) ||
            (rc = str_list(r, a.v[1], what, "refcolumns", &targets, &nt)))
            return rc;
        if (nt != fk->ncolumns || !nt)
            return err(r, call, "%s: columns and refcolumns must have the same length", what);
    } else {
        targets = ath_arena_alloc(r->arena, sizeof(*targets));
        if (!targets)
            return oom(r);
        if ((rc = str_value(r, a.v[0], what, "the target", false, &targets[0])))
            return rc;
        nt = 1;
    }
    fk->ref_columns = ath_arena_alloc(r->arena, nt * sizeof(*fk->ref_columns));
    if (!fk->ref_columns)
        return oom(r);
    for (size_t i = 0; i < nt; i++) {
        const char *s = NULL, *t = NULL;
        if ((rc = parse_target(r, call, what, targets[i], &s, &t, &fk->ref_columns[i])))
            return rc;
        if (i && (strcmp(t, fk->ref_table) != 0 ||
                  (s == NULL) != (fk->ref_schema == NULL) || (s && strcmp(s, fk->ref_schema))))
            return err(r, call, "%s: every refcolumn must be of one table", what);
        fk->ref_table = t;
        fk->ref_schema = s;
    }
    return 0;
}

static int name_only_kw(reader *r, const ath_py_node *call, const char *what, const char **name)
{
    *name = NULL;
    for (size_t i = 0; i < call->call.keywords.count; i++) {
        const ath_py_node *k = call->call.keywords.items[i];
        if (!k->keyword.name || strcmp(k->keyword.name, "name") != 0)
            return err(r, k, "%s: unknown argument '%s'", what,
                       k->keyword.name ? k->keyword.name : "**");
        int rc = str_value(r, k->keyword.value, what, "name", true, name);
        if (rc)
            return rc;
    }
    return 0;
}

static int positional_strs(reader *r, const ath_py_node *call, const char *what,
                           const char ***out, size_t *n)
{
    *n = call->call.args.count;
    *out = ath_arena_alloc(r->arena, (*n + 1) * sizeof(**out));
    if (!*out)
        return oom(r);
    for (size_t i = 0; i < *n; i++)
        if (!((*out)[i] = ath_py_str_value(call->call.args.items[i])))
            return err(r, call->call.args.items[i], "%s: columns must be string literals", what);
    if (!*n)
        return err(r, call, "%s: needs at least one column", what);
    return 0;
}

/* op.create_table's arguments into a table of its own scratch schema. */
static int read_table(reader *r, const ath_py_node *call, const char *what, const char *schema,
                      const char *name, const ath_py_node *comment, const args *a,
                      ath_table **out)
{
    ath_schema *s = ath_schema_new(r->arena);
    ath_table *t = s ? ath_schema_add_table(s, schema, name) : NULL;
    if (!t)
        return oom(r);
    int rc;
    if ((rc = str_value(r, comment, what, "comment", true, &t->comment)))
        return rc;
    unsigned seq = 0;
    bool have_pkc = false;
    bool *given = ath_arena_alloc(r->arena, (a->nrest + 1) * sizeof(*given));
    if (!given)
        return oom(r);
    for (size_t i = 0; i < a->nrest; i++) {
        const ath_py_node *e = a->rest[i];
        if (calls(r, e, "sqlalchemy.Column")) {
            ath_column c;
            colextra x;
            if ((rc = read_column(r, e, what, &c, &x)))
                return rc;
            if (ath_table_find_column(t, c.name))
                return err(r, e, "%s: column '%s' given twice", what, c.name);
            ath_column *col = ath_table_add_column(s, t, c.name);
            if (!col)
                return oom(r);
            *col = c;
            given[t->ncolumns - 1] = x.nullable_given;
            if (x.primary_key && !have_pkc) {
                const char **cols = ath_arena_alloc(r->arena, (t->pk.ncolumns + 1) * sizeof(*cols));
                if (!cols)
                    return oom(r);
                if (t->pk.ncolumns)
                    memcpy(cols, t->pk.columns, t->pk.ncolumns * sizeof(*cols));
                cols[t->pk.ncolumns++] = c.name;
                t->pk.columns = cols;
            }
            if (x.fk) {
                ath_foreign_key *fk = ath_table_add_fk(s, t);
                if (!fk)
                    return oom(r);
                if ((rc = read_fk_call(r, x.fk, fk, false)))
                    return rc;
                fk->seq = ++seq;
                fk->columns = ath_arena_alloc(r->arena, sizeof(*fk->columns));
                if (!fk->columns)
                    return oom(r);
                fk->columns[0] = c.name;
                fk->ncolumns = 1;
            }
            if (x.index) {
                ath_index *ix = ath_table_add_index(s, t);
                if (!ix || !(ix->elems = ath_arena_alloc(r->arena, sizeof(*ix->elems))) ||
                    !(ix->name = ath_arena_printf(r->arena, "ix_%s_%s", name, c.name)))
                    return oom(r);
                ix->unique = x.unique;
                ix->elems[0].text = c.name;
                ix->nelems = 1;
            } else if (x.unique) {
                ath_unique *u = ath_table_add_unique(s, t);
                if (!u || !(u->columns = ath_arena_alloc(r->arena, sizeof(*u->columns))))
                    return oom(r);
                u->seq = ++seq;
                u->columns[0] = c.name;
                u->ncolumns = 1;
            }
        } else if (calls(r, e, "sqlalchemy.PrimaryKeyConstraint")) {
            if (have_pkc)
                return err(r, e, "%s: two primary keys", what);
            have_pkc = true;
            t->pk.ncolumns = 0;
            if ((rc = name_only_kw(r, e, "sa.PrimaryKeyConstraint", &t->pk.name)) ||
                (rc = positional_strs(r, e, "sa.PrimaryKeyConstraint", &t->pk.columns,
                                      &t->pk.ncolumns)))
                return rc;
        } else if (calls(r, e, "sqlalchemy.UniqueConstraint")) {
            ath_unique *u = ath_table_add_unique(s, t);
            if (!u)
                return oom(r);
            u->seq = ++seq;
            if ((rc = name_only_kw(r, e, "sa.UniqueConstraint", &u->name)) ||
                (rc = positional_strs(r, e, "sa.UniqueConstraint", &u->columns, &u->ncolumns)))
                return rc;
        } else if (calls(r, e, "sqlalchemy.ForeignKeyConstraint")) {
            ath_foreign_key *fk = ath_table_add_fk(s, t);
            if (!fk)
                return oom(r);
            fk->seq = ++seq;
            if ((rc = read_fk_call(r, e, fk, true)))
                return rc;
        } else if (calls(r, e, "sqlalchemy.CheckConstraint")) {
            ath_check *ck = ath_table_add_check(s, t);
            if (!ck)
                return oom(r);
            ck->seq = ++seq;
            if (e->call.args.count != 1)
                return err(r, e, "sa.CheckConstraint: takes the condition and name=");
            if ((rc = name_only_kw(r, e, "sa.CheckConstraint", &ck->name)) ||
                (rc = sql_value(r, e->call.args.items[0], "sa.CheckConstraint", "the condition",
                                &ck->sqltext)))
                return rc;
        } else if (calls(r, e, "sqlalchemy.Index")) {
            return err(r, e, "%s: sa.Index inside create_table is not supported: write "
                             "op.create_index(...) after it",
                       what);
        } else {
            return err(r, e, "%s: expected sa.Column(...) or a constraint here", what);
        }
    }
    for (size_t i = 0; i < t->pk.ncolumns; i++) {
        ath_column *c = ath_table_find_column(t, t->pk.columns[i]);
        if (!c)
            return err(r, call, "%s: primary key column '%s' is not in the table", what,
                       t->pk.columns[i]);
        if (!given[c - t->columns])
            c->nullable = false;
    }
    /* SQLAlchemy's "auto": the one integer column of the primary key, without
     * a foreign key or a server default, autoincrements (SERIAL on PostgreSQL). */
    ath_column *pk = t->pk.ncolumns == 1 ? ath_table_find_column(t, t->pk.columns[0]) : NULL;
    if (pk && pk->autoincrement == ATH_AUTOINC_AUTO && !pk->server_default &&
        (pk->type.kind == ATH_TYPE_INTEGER || pk->type.kind == ATH_TYPE_BIGINT ||
         pk->type.kind == ATH_TYPE_SMALLINT)) {
        bool has_fk = false;
        for (size_t f = 0; f < t->nfks; f++)
            for (size_t k = 0; k < t->fks[f].ncolumns; k++)
                has_fk = has_fk || strcmp(t->fks[f].columns[k], pk->name) == 0;
        if (!has_fk)
            pk->autoincrement = ATH_AUTOINC_TRUE;
    }
    *out = t;
    return 0;
}

/* ---- bulk_insert ---- */

static int read_sa_table(reader *r, const ath_py_node *e, const char *what, ath_op *op)
{
    local *l = local_of(r, e);
    if (l && l->kind == LOCAL_CREATED) {
        const ath_table *t = l->created;
        op->table = t->name;
        op->schema = t->schema;
        op->u.bulk.ncolumns = t->ncolumns;
        const char **cols = ath_arena_alloc(r->arena, (t->ncolumns + 1) * sizeof(*cols));
        ath_type *types = ath_arena_alloc(r->arena, (t->ncolumns + 1) * sizeof(*types));
        if (!cols || !types)
            return oom(r);
        for (size_t i = 0; i < t->ncolumns; i++) {
            cols[i] = t->columns[i].name;
            types[i] = t->columns[i].type;
        }
        op->u.bulk.columns = cols;
        op->u.bulk.types = types;
        return 0;
    }
    if (l && l->kind == LOCAL_TABLE)
        e = l->value;
    if (!calls(r, e, "sqlalchemy.table"))
        return err(r, e, "%s: the table must be sa.table('name', sa.column(...), ...)", what);
    static const char *const names[] = {"name", "schema", NULL};
    args a;
    int rc = bind(r, e, "sa.table", names, 1, true, &a);
    if (rc || (rc = need(r, e, "sa.table", &a, 0, "name")) ||
        (rc = str_value(r, a.v[0], "sa.table", "the name", false, &op->table)) ||
        (rc = str_value(r, a.v[1], "sa.table", "schema", true, &op->schema)))
        return rc;
    const char **cols = ath_arena_alloc(r->arena, (a.nrest + 1) * sizeof(*cols));
    ath_type *types = ath_arena_alloc(r->arena, (a.nrest + 1) * sizeof(*types));
    if (!cols || !types)
        return oom(r);
    for (size_t i = 0; i < a.nrest; i++) {
        const ath_py_node *c = a.rest[i];
        local *cl = local_of(r, c);
        if (cl && cl->kind == LOCAL_COLUMN)
            c = cl->value;
        static const char *const cn[] = {"text", "type_", NULL};
        args ca;
        if (!calls(r, c, "sqlalchemy.column"))
            return err(r, c, "sa.table: expected sa.column('name', type) here");
        if ((rc = bind(r, c, "sa.column", cn, 2, false, &ca)) ||
            (rc = need(r, c, "sa.column", &ca, 0, "text")) ||
            (rc = str_value(r, ca.v[0], "sa.column", "the name", false, &cols[i])))
            return rc;
        types[i] = ath_type_make(ATH_TYPE_OTHER);
        types[i].name = "NULLTYPE";
        if (ca.v[1] && (rc = read_type(r, ca.v[1], &types[i])))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(cols[j], cols[i]) == 0)
                return err(r, c, "sa.table: column '%s' given twice", cols[i]);
    }
    op->u.bulk.columns = cols;
    op->u.bulk.types = types;
    op->u.bulk.ncolumns = a.nrest;
    return 0;
}

static int literal(reader *r, const ath_py_node *e, ath_literal *out)
{
    int b = ath_py_bool_value(e);
    bool neg = false;
    const ath_py_node *n = e;
    if (e->kind == ATH_PY_UNARY && (e->unary.op == ATH_PY_OP_MINUS || e->unary.op == ATH_PY_OP_PLUS)) {
        neg = e->unary.op == ATH_PY_OP_MINUS;
        n = e->unary.operand;
    }
    if (is_none(e)) {
        out->kind = ATH_LIT_NULL;
    } else if (b >= 0) {
        out->kind = ATH_LIT_BOOL;
        out->text = b ? "true" : "false";
    } else if (n->kind == ATH_PY_NUM && n->num.kind != ATH_PY_NUM_IMAGINARY) {
        out->kind = n->num.kind == ATH_PY_NUM_INT ? ATH_LIT_INT : ATH_LIT_FLOAT;
        /* Python allows 1_000; SQL does not. */
        ath_buf t = ATH_BUF_INIT;
        if (neg)
            ath_buf_putc(&t, '-');
        for (const char *p = n->num.text; *p; p++)
            if (*p != '_')
                ath_buf_putc(&t, *p);
        if (out->kind == ATH_LIT_INT && (strpbrk(t.ptr, "xXoObB") != NULL)) {
            ath_buf_free(&t);
            out->kind = ATH_LIT_INT;
            out->text = ath_arena_printf(r->arena, "%s%lld", neg ? "-" : "",
                                         (long long)n->num.ival);
            if (!n->num.fits)
                return err(r, e, "op.bulk_insert: this number is too large");
        } else {
            out->text = ath_buf_check(&t) ? NULL : ath_arena_strdup(r->arena, t.ptr);
            ath_buf_free(&t);
        }
        if (!out->text)
            return oom(r);
    } else if (e->kind == ATH_PY_STR && !e->str.is_bytes && e->str.value &&
               strlen(e->str.value) == e->str.len && !e->str.named_escape) {
        out->kind = ATH_LIT_STRING;
        out->text = e->str.value;
    } else {
        return err(r, e,
                   "op.bulk_insert: row values must be literals (strings, numbers, True, False, "
                   "None)");
    }
    return 0;
}

static int read_rows(reader *r, const ath_py_node *e, ath_op *op)
{
    if (!e || (e->kind != ATH_PY_LIST && e->kind != ATH_PY_TUPLE))
        return err(r, e, "op.bulk_insert: the rows must be a list of dicts written in the script");
    size_t nc = op->u.bulk.ncolumns, nr = e->seq.elts.count;
    ath_literal *vals = ath_arena_alloc(r->arena, (nr * nc + 1) * sizeof(*vals));
    if (!vals)
        return oom(r);
    for (size_t i = 0; i < nr; i++) {
        const ath_py_node *d = e->seq.elts.items[i];
        if (d->kind != ATH_PY_DICT)
            return err(r, d, "op.bulk_insert: each row must be a dict literal");
        for (size_t j = 0; j < nc; j++)
            vals[i * nc + j].kind = ATH_LIT_ABSENT;
        for (size_t k = 0; k < d->dict.keys.count; k++) {
            const ath_py_node *key = d->dict.keys.items[k];
            const char *ks = key ? ath_py_str_value(key) : NULL;
            if (!ks)
                return err(r, key ? key : d, "op.bulk_insert: row keys must be column names");
            size_t j = 0;
            while (j < nc && strcmp(op->u.bulk.columns[j], ks) != 0)
                j++;
            if (j == nc)
                return err(r, key, "op.bulk_insert: '%s' is not a column of the table", ks);
            if (vals[i * nc + j].kind != ATH_LIT_ABSENT)
                return err(r, key, "op.bulk_insert: '%s' given twice in a row", ks);
            int rc = literal(r, d->dict.values.items[k], &vals[i * nc + j]);
            if (rc)
                return rc;
        }
    }
    op->u.bulk.values = vals;
    op->u.bulk.nrows = nr;
    return 0;
}

/* ---- operations ---- */

typedef struct opspec {
    const char *name;
    ath_op_kind kind;
    const char *const *params;       /* outside batch mode: table first where it has one */
    size_t npos;
    const char *const *batch_params; /* NULL: not a batch operation */
    size_t batch_npos;
} opspec;

#define P(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Parameters in Alembic 1.8's order; the batch forms drop the table and schema. */
static const opspec opspecs[] = {
    {"create_table", ATH_OP_CREATE_TABLE, P("table_name", "schema", "comment", "info"), 1, NULL, 0},
    {"drop_table", ATH_OP_DROP_TABLE, P("table_name", "schema"), 1, NULL, 0},
    {"rename_table", ATH_OP_RENAME_TABLE, P("old_table_name", "new_table_name", "schema"), 3,
     NULL, 0},
    {"add_column", ATH_OP_ADD_COLUMN, P("table_name", "column", "schema"), 3,
     P("column", "insert_before", "insert_after"), 1},
    {"drop_column", ATH_OP_DROP_COLUMN, P("table_name", "column_name", "schema"), 2,
     P("column_name"), 1},
    {"alter_column", ATH_OP_ALTER_COLUMN,
     P("table_name", "column_name", "nullable", "comment", "server_default", "new_column_name",
       "type_", "existing_type", "existing_server_default", "existing_nullable",
       "existing_comment", "schema", "autoincrement", "existing_autoincrement",
       "postgresql_using"),
     12,
     P("column_name", "nullable", "comment", "server_default", "new_column_name", "type_",
       "existing_type", "existing_server_default", "existing_nullable", "existing_comment",
       "insert_before", "insert_after", "autoincrement", "existing_autoincrement",
       "postgresql_using"),
     12},
    {"create_index", ATH_OP_CREATE_INDEX,
     P("index_name", "table_name", "columns", "schema", "unique", "postgresql_where",
       "sqlite_where", "postgresql_concurrently"),
     5,
     P("index_name", "columns", "unique", "postgresql_where", "sqlite_where",
       "postgresql_concurrently"),
     2},
    {"drop_index", ATH_OP_DROP_INDEX,
     P("index_name", "table_name", "schema", "postgresql_concurrently"), 3,
     P("index_name", "postgresql_concurrently"), 1},
    {"create_unique_constraint", ATH_OP_CREATE_UNIQUE_CONSTRAINT,
     P("constraint_name", "table_name", "columns", "schema"), 4,
     P("constraint_name", "columns"), 2},
    {"create_foreign_key", ATH_OP_CREATE_FOREIGN_KEY,
     P("constraint_name", "source_table", "referent_table", "local_cols", "remote_cols",
       "onupdate", "ondelete", "deferrable", "initially", "match", "source_schema",
       "referent_schema"),
     12,
     P("constraint_name", "referent_table", "local_cols", "remote_cols", "referent_schema",
       "onupdate", "ondelete", "deferrable", "initially", "match"),
     10},
    {"create_check_constraint", ATH_OP_CREATE_CHECK_CONSTRAINT,
     P("constraint_name", "table_name", "condition", "schema"), 4,
     P("constraint_name", "condition"), 2},
    {"create_primary_key", ATH_OP_CREATE_PRIMARY_KEY,
     P("constraint_name", "table_name", "columns", "schema"), 4,
     P("constraint_name", "columns"), 2},
    {"drop_constraint", ATH_OP_DROP_CONSTRAINT,
     P("constraint_name", "table_name", "type_", "schema"), 4, P("constraint_name", "type_"), 2},
    {"create_table_comment", ATH_OP_CREATE_TABLE_COMMENT,
     P("table_name", "comment", "existing_comment", "schema"), 4,
     P("comment", "existing_comment"), 2},
    {"drop_table_comment", ATH_OP_DROP_TABLE_COMMENT,
     P("table_name", "existing_comment", "schema"), 3, P("existing_comment"), 1},
    {"execute", ATH_OP_EXECUTE, P("sqltext", "execution_options"), 2,
     P("sqltext", "execution_options"), 2},
    {"bulk_insert", ATH_OP_BULK_INSERT, P("table", "rows", "multiinsert"), 3,
     P("table", "rows", "multiinsert"), 3},
};

/* The index of parameter `name` in the form in use; -1 when it has none. */
static int slot(const char *const *params, const char *name)
{
    for (int i = 0; params[i]; i++)
        if (strcmp(params[i], name) == 0)
            return i;
    return -1;
}

typedef struct call_ctx {
    reader *r;
    const ath_py_node *call;
    const char *what; /* "op.create_index" / "batch_op.create_index" */
    const char *const *params;
    args a;
} call_ctx;

static const ath_py_node *A(const call_ctx *c, const char *name)
{
    int i = slot(c->params, name);
    return i < 0 ? NULL : c->a.v[i];
}

static int req(call_ctx *c, const char *name)
{
    int i = slot(c->params, name);
    if (i >= 0 && c->a.v[i])
        return 0;
    return err(c->r, c->call, "%s: missing argument '%s'", c->what, name);
}

static int S(call_ctx *c, const char *name, bool allow_none, const char **out)
{
    return str_value(c->r, A(c, name), c->what, name, allow_none, out);
}

static int table_and_schema(call_ctx *c, ath_op *op, const char *tname, bool required)
{
    int rc;
    if (op->batch)
        return 0;
    if ((required && (rc = req(c, tname))) || (rc = S(c, tname, !required, &op->table)) ||
        (rc = S(c, "schema", true, &op->schema)))
        return rc;
    return 0;
}

static int column_list_or_exprs(call_ctx *c, const ath_py_node *e, ath_index *ix)
{
    reader *r = c->r;
    if (!e || (e->kind != ATH_PY_LIST && e->kind != ATH_PY_TUPLE)) {
        /* Alembic also takes a single column name. */
        const char *s = e ? ath_py_str_value(e) : NULL;
        if (!s)
            return err(r, e ? e : c->call, "%s: columns must be a list of column names or "
                                           "sa.text('...') expressions",
                       c->what);
        if (!(ix->elems = ath_arena_alloc(r->arena, sizeof(*ix->elems))))
            return oom(r);
        ix->elems[0].text = s;
        ix->nelems = 1;
        return 0;
    }
    size_t n = e->seq.elts.count;
    if (!n)
        return err(r, e, "%s: needs at least one column", c->what);
    if (!(ix->elems = ath_arena_alloc(r->arena, n * sizeof(*ix->elems))))
        return oom(r);
    for (size_t i = 0; i < n; i++) {
        const ath_py_node *x = e->seq.elts.items[i];
        const char *s = ath_py_str_value(x);
        if (s) {
            ix->elems[i].text = s;
        } else if (calls(r, x, "sqlalchemy.text") && x->call.args.count == 1 &&
                   ath_py_str_value(x->call.args.items[0])) {
            ix->elems[i].text = ath_py_str_value(x->call.args.items[0]);
            ix->elems[i].expression = true;
        } else {
            return err(r, x, "%s: columns must be a list of column names or sa.text('...') "
                             "expressions",
                       c->what);
        }
    }
    ix->nelems = n;
    return 0;
}

static int constraint_type(call_ctx *c, ath_constraint_type *out)
{
    const ath_py_node *e = A(c, "type_");
    *out = ATH_CONSTRAINT_UNKNOWN;
    if (!e || is_none(e))
        return 0;
    static const struct {
        const char *name;
        ath_constraint_type type;
    } types[] = {{"unique", ATH_CONSTRAINT_UNIQUE},
                 {"foreignkey", ATH_CONSTRAINT_FOREIGNKEY},
                 {"check", ATH_CONSTRAINT_CHECK},
                 {"primary", ATH_CONSTRAINT_PRIMARY}};
    const char *s = ath_py_str_value(e);
    for (size_t i = 0; s && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i].name, s) == 0) {
            *out = types[i].type;
            return 0;
        }
    return err(c->r, e, "%s: type_ must be 'unique', 'foreignkey', 'check' or 'primary'",
               c->what);
}

static int push_op(reader *r, const ath_op *op)
{
    ath_op *slot_ = ATH_PUSH(r->arena, r->ops, r->nops, r->cap);
    if (!slot_)
        return oom(r);
    *slot_ = *op;
    if (r->autocommit)
        slot_->run_flags |= ATH_OP_AUTOCOMMIT;
    return 0;
}

/* postgresql_concurrently=True: CREATE / DROP INDEX CONCURRENTLY, outside a transaction. */
static int concurrently(call_ctx *c, ath_op *op)
{
    ath_opt_bool v;
    int rc =
        bool_value(c->r, A(c, "postgresql_concurrently"), c->what, "postgresql_concurrently", &v);
    if (!rc && v.set && v.value && c->r->dialect == ATH_DIALECT_POSTGRESQL)
        op->run_flags |= ATH_OP_CONCURRENTLY;
    return rc;
}

static int run_op(reader *r, const opspec *spec, const ath_py_node *call, bool batch,
                  const ath_table **created)
{
    call_ctx c;
    c.r = r;
    c.call = call;
    c.params = batch ? spec->batch_params : spec->params;
    c.what = ath_arena_printf(r->arena, "%s.%s", batch ? r->batch_name : "op", spec->name);
    if (!c.what)
        return oom(r);
    int rc = bind(r, call, c.what, c.params, batch ? spec->batch_npos : spec->npos,
                  spec->kind == ATH_OP_CREATE_TABLE, &c.a);
    if (rc)
        return rc;
    ath_op op = ath_op_make(spec->kind);
    op.pos.path = r->path;
    op.pos.line = call->line;
    op.pos.col = call->col;
    bool executes_now = spec->kind == ATH_OP_EXECUTE || spec->kind == ATH_OP_BULK_INSERT;
    op.batch = batch && !executes_now;
    if (op.batch) {
        op.table = r->batch_table;
        op.schema = r->batch_schema;
        op.naming = r->batch_naming;
        op.nnaming = r->batch_nnaming;
    }
    switch (spec->kind) {
    case ATH_OP_CREATE_TABLE: {
        ath_table *t = NULL;
        if ((rc = table_and_schema(&c, &op, "table_name", true)) ||
            (rc = read_table(r, call, c.what, op.schema, op.table, A(&c, "comment"), &c.a, &t)))
            return rc;
        op.u.table_def = t;
        if (created)
            *created = t;
        break;
    }
    case ATH_OP_DROP_TABLE:
        if ((rc = table_and_schema(&c, &op, "table_name", true)))
            return rc;
        break;
    case ATH_OP_RENAME_TABLE:
        if ((rc = table_and_schema(&c, &op, "old_table_name", true)) ||
            (rc = req(&c, "new_table_name")) || (rc = S(&c, "new_table_name", false, &op.u.rename.new_name)))
            return rc;
        break;
    case ATH_OP_ADD_COLUMN: {
        if (batch && (A(&c, "insert_before") || A(&c, "insert_after")))
            return err(r, call, "%s: insert_before / insert_after are not supported", c.what);
        ath_column *col = ath_arena_alloc(r->arena, sizeof(*col));
        colextra x;
        if (!col)
            return oom(r);
        if ((rc = table_and_schema(&c, &op, "table_name", true)) || (rc = req(&c, "column")) ||
            (rc = read_column(r, A(&c, "column"), c.what, col, &x)))
            return rc;
        if (x.primary_key || x.unique || x.index || x.fk)
            return err(r, A(&c, "column"),
                       "%s: primary_key, unique, index and sa.ForeignKey on an added column are "
                       "not supported: add the column, then create the constraint or index",
                       c.what);
        op.u.column.name = col->name;
        op.u.column.def = col;
        op.u.column.default_is_string = x.default_is_string;
        break;
    }
    case ATH_OP_DROP_COLUMN:
        if ((rc = table_and_schema(&c, &op, "table_name", true)) || (rc = req(&c, "column_name")) ||
            (rc = S(&c, "column_name", false, &op.u.column.name)))
            return rc;
        break;
    case ATH_OP_ALTER_COLUMN: {
        ath_op_alter_column *al = &op.u.alter;
        if (A(&c, "postgresql_using"))
            return err(r, A(&c, "postgresql_using"),
                       "%s: postgresql_using is not supported yet: write the ALTER with "
                       "op.execute(...)",
                       c.what);
        if (batch && (A(&c, "insert_before") || A(&c, "insert_after")))
            return err(r, call, "%s: insert_before / insert_after are not supported", c.what);
        /* autoincrement / existing_autoincrement change nothing on SQLite or PostgreSQL. */
        ath_opt_bool ai;
        if ((rc = bool_value(r, A(&c, "autoincrement"), c.what, "autoincrement", &ai)) ||
            (rc = bool_value(r, A(&c, "existing_autoincrement"), c.what, "existing_autoincrement",
                             &ai)))
            return rc;
        if ((rc = table_and_schema(&c, &op, "table_name", true)) || (rc = req(&c, "column_name")) ||
            (rc = S(&c, "column_name", false, &al->column)) ||
            (rc = S(&c, "new_column_name", true, &al->new_name)) ||
            (rc = bool_value(r, A(&c, "nullable"), c.what, "nullable", &al->nullable)) ||
            (rc = bool_value(r, A(&c, "existing_nullable"), c.what, "existing_nullable",
                             &al->existing_nullable)) ||
            (rc = opt_default(r, A(&c, "server_default"), c.what, &al->server_default)) ||
            (rc = opt_default(r, A(&c, "existing_server_default"), c.what,
                              &al->existing_server_default)) ||
            (rc = opt_str(r, A(&c, "comment"), c.what, "comment", &al->comment)))
            return rc;
        const ath_py_node *ec = A(&c, "existing_comment");
        if (ec && (rc = opt_str(r, ec, c.what, "existing_comment", &al->existing_comment)))
            return rc;
        if (ec && is_none(ec))
            al->existing_comment.set = true;
        const char *tn[] = {"type_", "existing_type"};
        for (int i = 0; i < 2; i++) {
            const ath_py_node *te = A(&c, tn[i]);
            if (!te || is_none(te))
                continue;
            ath_type *t = ath_arena_alloc(r->arena, sizeof(*t));
            if (!t)
                return oom(r);
            if ((rc = read_type(r, te, t)))
                return rc;
            if (i == 0)
                al->type = t;
            else
                al->existing_type = t;
        }
        break;
    }
    case ATH_OP_CREATE_INDEX: {
        ath_index *ix = ath_arena_alloc(r->arena, sizeof(*ix));
        ath_opt_bool u;
        if (!ix)
            return oom(r);
        if ((rc = req(&c, "index_name")) || (rc = S(&c, "index_name", false, &ix->name)) ||
            (rc = table_and_schema(&c, &op, "table_name", true)) || (rc = req(&c, "columns")) ||
            (rc = column_list_or_exprs(&c, A(&c, "columns"), ix)) ||
            (rc = bool_value(r, A(&c, "unique"), c.what, "unique", &u)) ||
            (rc = concurrently(&c, &op)))
            return rc;
        ix->unique = u.set && u.value;
        const char *wk = r->dialect == ATH_DIALECT_POSTGRESQL ? "postgresql_where" : "sqlite_where";
        if (A(&c, wk) && !is_none(A(&c, wk)) &&
            (rc = sql_value(r, A(&c, wk), c.what, wk, &ix->where)))
            return rc;
        op.u.index.name = ix->name;
        op.u.index.def = ix;
        break;
    }
    case ATH_OP_DROP_INDEX:
        if ((rc = req(&c, "index_name")) || (rc = S(&c, "index_name", false, &op.u.index.name)) ||
            (rc = table_and_schema(&c, &op, "table_name", false)) || (rc = concurrently(&c, &op)))
            return rc;
        break;
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
    case ATH_OP_CREATE_PRIMARY_KEY:
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
    case ATH_OP_CREATE_FOREIGN_KEY:
    case ATH_OP_DROP_CONSTRAINT: {
        ath_op_constraint *k = &op.u.constraint;
        bool drop = spec->kind == ATH_OP_DROP_CONSTRAINT;
        const char *tname = spec->kind == ATH_OP_CREATE_FOREIGN_KEY ? "source_table" : "table_name";
        if ((rc = req(&c, "constraint_name")) ||
            (rc = S(&c, "constraint_name", !drop, &k->name)))
            return rc;
        if (!batch && spec->kind == ATH_OP_CREATE_FOREIGN_KEY) {
            if ((rc = req(&c, tname)) || (rc = S(&c, tname, false, &op.table)) ||
                (rc = S(&c, "source_schema", true, &op.schema)))
                return rc;
        } else if ((rc = table_and_schema(&c, &op, tname, true))) {
            return rc;
        }
        if (spec->kind == ATH_OP_CREATE_UNIQUE_CONSTRAINT) {
            k->type = ATH_CONSTRAINT_UNIQUE;
            k->unique.name = k->name;
            if ((rc = req(&c, "columns")) ||
                (rc = str_list(r, A(&c, "columns"), c.what, "columns", &k->unique.columns,
                               &k->unique.ncolumns)))
                return rc;
        } else if (spec->kind == ATH_OP_CREATE_PRIMARY_KEY) {
            k->type = ATH_CONSTRAINT_PRIMARY;
            k->pk.name = k->name;
            if ((rc = req(&c, "columns")) ||
                (rc = str_list(r, A(&c, "columns"), c.what, "columns", &k->pk.columns,
                               &k->pk.ncolumns)))
                return rc;
        } else if (spec->kind == ATH_OP_CREATE_CHECK_CONSTRAINT) {
            k->type = ATH_CONSTRAINT_CHECK;
            k->check.name = k->name;
            if ((rc = req(&c, "condition")) ||
                (rc = sql_value(r, A(&c, "condition"), c.what, "condition", &k->check.sqltext)))
                return rc;
        } else if (spec->kind == ATH_OP_CREATE_FOREIGN_KEY) {
            ath_foreign_key *fk = &k->fk;
            k->type = ATH_CONSTRAINT_FOREIGNKEY;
            fk->name = k->name;
            args o;
            memset(&o, 0, sizeof(o));
            o.v[0] = A(&c, "ondelete");
            o.v[1] = A(&c, "onupdate");
            o.v[2] = A(&c, "deferrable");
            o.v[3] = A(&c, "initially");
            if (A(&c, "match") && !is_none(A(&c, "match")))
                return err(r, A(&c, "match"), "%s: match= is not supported", c.what);
            const char **rc_cols;
            size_t nr;
            if ((rc = req(&c, "referent_table")) || (rc = req(&c, "local_cols")) ||
                (rc = req(&c, "remote_cols")) ||
                (rc = S(&c, "referent_table", false, &fk->ref_table)) ||
                (rc = S(&c, "referent_schema", true, &fk->ref_schema)) ||
                (rc = str_list(r, A(&c, "local_cols"), c.what, "local_cols", &fk->columns,
                               &fk->ncolumns)) ||
                (rc = str_list(r, A(&c, "remote_cols"), c.what, "remote_cols", &rc_cols, &nr)) ||
                (rc = fk_options(r, &o, 0, c.what, fk)))
                return rc;
            if (nr != fk->ncolumns || !nr)
                return err(r, call, "%s: local_cols and remote_cols must have the same length",
                           c.what);
            fk->ref_columns = rc_cols;
        } else if ((rc = constraint_type(&c, &k->type))) {
            return rc;
        }
        break;
    }
    case ATH_OP_CREATE_TABLE_COMMENT:
    case ATH_OP_DROP_TABLE_COMMENT:
        if ((rc = table_and_schema(&c, &op, "table_name", true)) ||
            (rc = opt_str(r, A(&c, "existing_comment"), c.what, "existing_comment",
                          &op.u.table_comment.existing)))
            return rc;
        if (spec->kind == ATH_OP_CREATE_TABLE_COMMENT &&
            ((rc = req(&c, "comment")) || (rc = S(&c, "comment", false, &op.u.table_comment.comment))))
            return rc;
        break;
    case ATH_OP_EXECUTE:
        if (A(&c, "execution_options") && !is_none(A(&c, "execution_options")))
            return err(r, A(&c, "execution_options"), "%s: execution_options is not supported",
                       c.what);
        if ((rc = req(&c, "sqltext")) ||
            (rc = sql_value(r, A(&c, "sqltext"), c.what, "the SQL", &op.u.execute.sql)))
            return rc;
        break;
    case ATH_OP_BULK_INSERT: {
        ath_opt_bool mi;
        if ((rc = req(&c, "table")) || (rc = req(&c, "rows")) ||
            (rc = bool_value(r, A(&c, "multiinsert"), c.what, "multiinsert", &mi)) ||
            (rc = read_sa_table(r, A(&c, "table"), c.what, &op)) ||
            (rc = read_rows(r, A(&c, "rows"), &op)))
            return rc;
        break;
    }
    default:
        return err(r, call, "%s is not supported", c.what);
    }
    return push_op(r, &op);
}

static const opspec *find_op(const char *name)
{
    for (size_t i = 0; i < sizeof(opspecs) / sizeof(opspecs[0]); i++)
        if (strcmp(opspecs[i].name, name) == 0)
            return &opspecs[i];
    return NULL;
}

/* ---- enums: X.create(op.get_bind(), checkfirst=...) / X.drop(...) ---- */

static bool is_enum_ctor(reader *r, const ath_py_node *e)
{
    return calls(r, e, "sqlalchemy.Enum") || calls(r, e, "sqlalchemy.dialects.postgresql.ENUM");
}

static int enum_stmt(reader *r, const ath_py_node *call, const ath_py_node *target, bool create)
{
    const char *what = create ? "Enum.create" : "Enum.drop";
    local *l = local_of(r, target);
    if (l && l->kind == LOCAL_ENUM)
        target = l->value;
    static const char *const names[] = {"bind", "checkfirst", NULL};
    args a;
    int rc = bind(r, call, what, names, 2, false, &a);
    if (rc || (rc = need(r, call, what, &a, 0, "bind")))
        return rc;
    if (!calls(r, a.v[0], "alembic.op.get_bind") || a.v[0]->call.args.count ||
        a.v[0]->call.keywords.count)
        return err(r, a.v[0], "%s: the bind must be op.get_bind()", what);
    ath_opt_bool cf;
    if ((rc = bool_value(r, a.v[1], what, "checkfirst", &cf)))
        return rc;
    ath_type t = ath_type_make(ATH_TYPE_OTHER);
    if ((rc = read_type(r, target, &t)))
        return rc;
    if (t.kind != ATH_TYPE_ENUM || !t.name)
        return err(r, target, "%s: the enum needs a name: give name='...'", what);
    const ath_py_node *sk = ath_py_call_kw(target, "schema");
    ath_op op = ath_op_make(create ? ATH_OP_CREATE_ENUM : ATH_OP_DROP_ENUM);
    op.pos.path = r->path;
    op.pos.line = call->line;
    op.pos.col = call->col;
    if ((rc = str_value(r, sk, what, "schema", true, &op.schema)))
        return rc;
    op.u.enum_def.schema = op.schema;
    op.u.enum_def.name = t.name;
    op.u.enum_def.values = t.values;
    op.u.enum_def.nvalues = t.nvalues;
    return push_op(r, &op);
}

/*
 * ---- sa.DDL(SQL).execute_if(dialect=D)(None, op.get_bind()) ----
 * SQL that only one dialect runs: the way scripts Athanor writes add a value
 * to a PostgreSQL enum type and stay runnable, by Alembic too, on SQLite. It
 * is an execute op when D is the dialect being read for, and nothing else.
 */

static bool is_ddl_if(reader *r, const ath_py_node *call)
{
    const ath_py_node *f = call->call.func;
    return f->kind == ATH_PY_CALL && f->call.func->kind == ATH_PY_ATTRIBUTE &&
           strcmp(f->call.func->attribute.attr, "execute_if") == 0 &&
           calls(r, f->call.func->attribute.value, "sqlalchemy.DDL");
}

static int ddl_if_stmt(reader *r, const ath_py_node *call)
{
    const char *what = "sa.DDL(...).execute_if(...)";
    const ath_py_node *cond = call->call.func;
    const ath_py_node *ddl = cond->call.func->attribute.value;
    static const char *const ddl_names[] = {"statement", NULL};
    static const char *const cond_names[] = {"dialect", NULL};
    static const char *const run_names[] = {"target", "bind", NULL};
    args da, ca, ra;
    int rc;
    if ((rc = bind(r, ddl, "sa.DDL", ddl_names, 1, false, &da)) ||
        (rc = need(r, ddl, "sa.DDL", &da, 0, "statement")) ||
        (rc = bind(r, cond, what, cond_names, 0, false, &ca)) ||
        (rc = need(r, cond, what, &ca, 0, "dialect")) ||
        (rc = bind(r, call, what, run_names, 2, false, &ra)) ||
        (rc = need(r, call, what, &ra, 1, "bind")))
        return rc;
    if (ra.v[0] && !is_none(ra.v[0]))
        return err(r, ra.v[0], "%s: the target must be None", what);
    if (!calls(r, ra.v[1], "alembic.op.get_bind") || ra.v[1]->call.args.count ||
        ra.v[1]->call.keywords.count)
        return err(r, ra.v[1], "%s: the bind must be op.get_bind()", what);
    const char *sql = NULL, *dialect = NULL;
    if ((rc = str_value(r, da.v[0], "sa.DDL", "the statement", false, &sql)) ||
        (rc = str_value(r, ca.v[0], what, "dialect", false, &dialect)))
        return rc;
    if (strcmp(dialect, ath_dialect_name(r->dialect)) != 0)
        return 0;
    ath_op op = ath_op_make(ATH_OP_EXECUTE);
    op.pos.path = r->path;
    op.pos.line = call->line;
    op.pos.col = call->col;
    op.u.execute.sql = sql;
    return push_op(r, &op);
}

/* ---- statements ---- */

static int body(reader *r, const ath_py_nodes *stmts);

static int refuse(reader *r, const ath_py_node *at, const char *construct)
{
    return err(r, at, "%s in %s cannot be run without Python; Athanor runs op.* calls only",
               construct, r->fname);
}

static int call_stmt(reader *r, const ath_py_node *call, const ath_table **created)
{
    const ath_py_node *f = call->call.func;
    if (is_ddl_if(r, call))
        return ddl_if_stmt(r, call);
    if (f->kind == ATH_PY_ATTRIBUTE) {
        const ath_py_node *obj = f->attribute.value;
        const char *attr = f->attribute.attr;
        bool enum_target = is_enum_ctor(r, obj) || (local_of(r, obj) && local_of(r, obj)->kind == LOCAL_ENUM);
        if (enum_target && (strcmp(attr, "create") == 0 || strcmp(attr, "drop") == 0))
            return enum_stmt(r, call, obj, attr[0] == 'c');
        if (calls(r, obj, "alembic.op.get_bind"))
            return err(r, call,
                       "op.get_bind().%s(...) in %s cannot be run without Python; write the SQL "
                       "with op.execute(...)",
                       attr, r->fname);
        if (is_batch_name(r, obj)) {
            const opspec *s = find_op(attr);
            if (!s || !s->batch_params) {
                if (s && (s->kind == ATH_OP_EXECUTE || s->kind == ATH_OP_BULK_INSERT))
                    return run_op(r, s, call, true, created);
                return err(r, call, "%s.%s is not an operation Athanor can run", r->batch_name,
                           attr);
            }
            return run_op(r, s, call, true, created);
        }
    }
    const char *name = callee(r, call);
    if (name && strncmp(name, "alembic.op.", 11) == 0) {
        const opspec *s = find_op(name + 11);
        if (!s)
            return err(r, call, "op.%s is not an operation Athanor can run", name + 11);
        return run_op(r, s, call, false, created);
    }
    if (name && (strncmp(name, "sqlalchemy.orm.", 15) == 0 || strstr(name, "Session")))
        return refuse(r, call, "an ORM session");
    const char *shown = name ? name : (f->kind == ATH_PY_NAME ? f->name.id
                                       : f->kind == ATH_PY_ATTRIBUTE ? f->attribute.attr : "?");
    ath_buf b = ATH_BUF_INIT;
    ath_buf_printf(&b, "a call to %s", shown);
    int rc = ath_buf_check(&b) ? oom(r) : refuse(r, call, ath_buf_cstr(&b));
    ath_buf_free(&b);
    return rc;
}

static int assign_stmt(reader *r, const ath_py_node *st)
{
    const ath_py_node *v = st->assign.value;
    if (st->assign.targets.count != 1 || st->assign.targets.items[0]->kind != ATH_PY_NAME)
        return refuse(r, st, "an assignment");
    const char *name = st->assign.targets.items[0]->name.id;
    if (r->batch_name && strcmp(name, r->batch_name) == 0)
        return refuse(r, st, "an assignment to the batch operations object");
    local *l = ath_arena_alloc(r->arena, sizeof(*l));
    if (!l)
        return oom(r);
    l->value = v;
    if (calls(r, v, "sqlalchemy.table")) {
        l->kind = LOCAL_TABLE;
    } else if (calls(r, v, "sqlalchemy.column")) {
        l->kind = LOCAL_COLUMN;
    } else if (is_enum_ctor(r, v)) {
        l->kind = LOCAL_ENUM;
    } else if (calls(r, v, "alembic.op.create_table")) {
        l->kind = LOCAL_CREATED;
        int rc = call_stmt(r, v, &l->created);
        if (rc)
            return rc;
    } else if (calls(r, v, "alembic.op.get_bind")) {
        return refuse(r, st, "an assignment of op.get_bind()");
    } else if (v->kind == ATH_PY_CALL && callee(r, v) &&
               (strncmp(callee(r, v), "sqlalchemy.orm.", 15) == 0 ||
                strstr(callee(r, v), "Session"))) {
        return refuse(r, st, "an ORM session");
    } else {
        return refuse(r, st, "an assignment of anything but sa.table(), sa.column(), sa.Enum() "
                             "or op.create_table()");
    }
    if (ath_strmap_put(&r->locals, r->arena, name, l))
        return oom(r);
    return 0;
}

/* op.get_context().autocommit_block() */
static bool is_autocommit_block(reader *r, const ath_py_node *ctx)
{
    if (!ctx || ctx->kind != ATH_PY_CALL || ctx->call.args.count || ctx->call.keywords.count)
        return false;
    const ath_py_node *f = ctx->call.func;
    if (f->kind != ATH_PY_ATTRIBUTE || strcmp(f->attribute.attr, "autocommit_block") != 0)
        return false;
    const ath_py_node *get = f->attribute.value;
    return calls(r, get, "alembic.op.get_context") && !get->call.args.count &&
           !get->call.keywords.count;
}

/*
 * The ops inside run outside the migration's transaction (the runner commits
 * what came before and begins anew after), as Alembic's autocommit_block.
 */
static int autocommit_stmt(reader *r, const ath_py_node *st, const ath_py_node *item)
{
    if (r->autocommit)
        return err(r, st, "op.get_context().autocommit_block() inside another is not supported");
    if (r->batch_name)
        return err(r, st,
                   "op.get_context().autocommit_block() inside batch_alter_table is not "
                   "supported: put the batch block inside it");
    if (item->with_item.target)
        return err(r, st, "op.get_context().autocommit_block(): write it without `as`");
    r->autocommit = true;
    int rc = body(r, &st->with.body);
    r->autocommit = false;
    return rc;
}

/*
 * batch_alter_table's naming_convention: a dict literal of str to str (None:
 * none), into r->batch_naming. Keys are kept as written; what uses them reads
 * "uq" and "fk".
 */
static int naming_value(reader *r, const ath_py_node *e)
{
    r->batch_naming = NULL;
    r->batch_nnaming = 0;
    if (!e || is_none(e))
        return 0;
    if (e->kind != ATH_PY_DICT)
        return err(r, e, "op.batch_alter_table: naming_convention must be a dict literal of "
                         "strings");
    size_t n = e->dict.keys.count;
    const char **pairs = ath_arena_alloc(r->arena, (2 * n + 1) * sizeof(char *));
    if (!pairs)
        return oom(r);
    for (size_t i = 0; i < n; i++) {
        const ath_py_node *k = e->dict.keys.items[i], *v = e->dict.values.items[i];
        const char *ks = k ? ath_py_str_value(k) : NULL, *vs = v ? ath_py_str_value(v) : NULL;
        if (!ks || !vs)
            return err(r, k ? k : e,
                       "op.batch_alter_table: naming_convention must map strings to strings");
        for (size_t j = 0; j < i; j++)
            if (strcmp(pairs[2 * j], ks) == 0)
                return err(r, k, "op.batch_alter_table: naming_convention key '%s' given twice",
                           ks);
        pairs[2 * i] = ks;
        pairs[2 * i + 1] = vs;
    }
    r->batch_naming = pairs;
    r->batch_nnaming = n;
    return 0;
}

static int with_stmt(reader *r, const ath_py_node *st)
{
    const ath_py_node *item0 = st->with.items.count == 1 ? st->with.items.items[0] : NULL;
    if (item0 && !st->with.is_async && is_autocommit_block(r, item0->with_item.context))
        return autocommit_stmt(r, st, item0);
    if (r->batch_name)
        return refuse(r, st, "a with statement inside batch_alter_table");
    const ath_py_node *item = st->with.items.count == 1 ? st->with.items.items[0] : NULL;
    const ath_py_node *ctx = item ? item->with_item.context : NULL;
    if (st->with.is_async || !ctx || !calls(r, ctx, "alembic.op.batch_alter_table"))
        return refuse(r, st, "a with statement other than op.batch_alter_table(...)");
    if (!item->with_item.target || item->with_item.target->kind != ATH_PY_NAME)
        return err(r, st, "op.batch_alter_table: write `as batch_op`");
    static const char *const names[] = {"table_name", "schema", "recreate",
                                        "naming_convention", NULL};
    args a;
    int rc = bind(r, ctx, "op.batch_alter_table", names, 3, false, &a);
    const char *table, *schema, *recreate;
    if (rc || (rc = need(r, ctx, "op.batch_alter_table", &a, 0, "table_name")) ||
        (rc = str_value(r, a.v[0], "op.batch_alter_table", "table_name", false, &table)) ||
        (rc = str_value(r, a.v[1], "op.batch_alter_table", "schema", true, &schema)) ||
        (rc = str_value(r, a.v[2], "op.batch_alter_table", "recreate", true, &recreate)) ||
        (rc = naming_value(r, a.v[3])))
        return rc;
    if (recreate && strcmp(recreate, "auto") != 0)
        return err(r, a.v[2], "op.batch_alter_table: recreate='%s' is not supported; only 'auto'",
                   recreate);
    r->batch_name = item->with_item.target->name.id;
    r->batch_table = table;
    r->batch_schema = schema;
    rc = body(r, &st->with.body);
    r->batch_name = r->batch_table = r->batch_schema = NULL;
    r->batch_naming = NULL;
    r->batch_nnaming = 0;
    return rc;
}

static int stmt(reader *r, const ath_py_node *st)
{
    switch (st->kind) {
    case ATH_PY_PASS:
        return 0;
    case ATH_PY_EXPR_STMT: {
        const ath_py_node *v = st->value.value;
        if (v->kind == ATH_PY_STR)
            return 0;
        if (v->kind == ATH_PY_CALL)
            return call_stmt(r, v, NULL);
        return refuse(r, st, "an expression");
    }
    case ATH_PY_WITH:
        return with_stmt(r, st);
    case ATH_PY_ASSIGN:
        return assign_stmt(r, st);
    case ATH_PY_FOR:
        return refuse(r, st, "a for loop");
    case ATH_PY_WHILE:
        return refuse(r, st, "a while loop");
    case ATH_PY_IF:
        return refuse(r, st, "an if statement");
    case ATH_PY_TRY:
        return refuse(r, st, "a try statement");
    case ATH_PY_RETURN:
        return refuse(r, st, "a return statement");
    case ATH_PY_IMPORT:
    case ATH_PY_IMPORT_FROM:
        return refuse(r, st, "an import");
    case ATH_PY_FUNC_DEF:
        return refuse(r, st, "a function definition");
    case ATH_PY_CLASS_DEF:
        return refuse(r, st, "a class definition");
    case ATH_PY_ANN_ASSIGN:
    case ATH_PY_AUG_ASSIGN:
        return refuse(r, st, "an assignment");
    case ATH_PY_RAISE:
        return refuse(r, st, "a raise statement");
    case ATH_PY_ASSERT:
        return refuse(r, st, "an assert statement");
    case ATH_PY_DEL:
        return refuse(r, st, "a del statement");
    default:
        return refuse(r, st, "this statement");
    }
}

/* Every statement is read, so that one run reports every refusal. */
static int body(reader *r, const ath_py_nodes *stmts)
{
    int first = 0;
    for (size_t i = 0; i < stmts->count; i++) {
        int rc = stmt(r, stmts->items[i]);
        if (r->oom)
            return ATH_ENOMEM;
        if (rc && !first)
            first = rc;
    }
    return first;
}

/* Resolver diagnostics carry no revision: add it, as ours have it. */
static int tag_diags(reader *r, size_t from)
{
    for (size_t i = from; i < r->diags->count; i++) {
        ath_diag *d = &r->diags->items[i];
        if (d->level != ATH_DIAG_ERROR || strncmp(d->message, "revision ", 9) == 0)
            continue;
        char *m = ath_arena_printf(r->diags->arena, "revision %s: %s", r->rev, d->message);
        if (!m)
            return ath_error_oom();
        d->message = m;
    }
    return 0;
}

int ath_script_read_body(ath_op **out, size_t *count, ath_arena *arena, const ath_py_node *module,
                         const char *path, const char *revision, const ath_scope *scope,
                         ath_dialect dialect, ath_script_direction direction, ath_diags *diags)
{
    *out = NULL;
    *count = 0;
    reader r;
    memset(&r, 0, sizeof(r));
    r.arena = arena;
    r.scope = scope;
    r.diags = diags;
    r.path = path;
    r.rev = revision ? revision : "?";
    r.dialect = dialect;
    const char *fn = direction == ATH_SCRIPT_UPGRADE ? "upgrade" : "downgrade";
    r.fname = direction == ATH_SCRIPT_UPGRADE ? "upgrade()" : "downgrade()";
    size_t first_diag = diags->count;
    const ath_py_node *def = NULL;
    for (size_t i = 0; i < module->module.body.count; i++) {
        const ath_py_node *st = module->module.body.items[i];
        if (st->kind == ATH_PY_FUNC_DEF && strcmp(st->func_def.name, fn) == 0)
            def = st;
    }
    int rc;
    if (!def) {
        rc = err(&r, NULL, "the script has no %s() function", fn);
    } else if (def->func_def.params.count || def->func_def.decorators.count ||
               def->func_def.is_async) {
        rc = err(&r, def,
                 "%s() must be a plain function without parameters or decorators (a "
                 "multi-database template cannot be run without Python)",
                 fn);
    } else {
        rc = body(&r, &def->func_def.body);
    }
    if (r.oom)
        return ATH_ENOMEM;
    if (rc) {
        if (tag_diags(&r, first_diag))
            return ATH_ENOMEM;
        return diags->errors ? ATH_EPARSE : rc;
    }
    *out = r.ops;
    *count = r.nops;
    return 0;
}

/* ---- the dump ---- */

static void dump_str(ath_buf *b, const char *s)
{
    ath_buf_puts(b, s ? s : "-");
}

static void dump_opt(ath_buf *b, const char *key, ath_opt_str o)
{
    if (!o.set)
        return;
    ath_buf_printf(b, " %s=", key);
    if (o.value)
        ath_buf_printf(b, "[%s]", o.value);
    else
        ath_buf_puts(b, "None");
}

static void dump_optb(ath_buf *b, const char *key, ath_opt_bool o)
{
    if (o.set)
        ath_buf_printf(b, " %s=%s", key, o.value ? "True" : "False");
}

static void dump_list(ath_buf *b, const char *const *v, size_t n)
{
    ath_buf_putc(b, '(');
    for (size_t i = 0; i < n; i++)
        ath_buf_printf(b, "%s%s", i ? ", " : "", v[i]);
    ath_buf_putc(b, ')');
}

static void dump_type(ath_buf *b, const ath_type *t)
{
    ath_type_sqla(b, t);
}

static void dump_column(ath_buf *b, const ath_column *c)
{
    ath_buf_printf(b, "%s ", c->name);
    dump_type(b, &c->type);
    ath_buf_puts(b, c->nullable ? " NULL" : " NOT NULL");
    if (c->server_default)
        ath_buf_printf(b, " default=[%s]", c->server_default);
    if (c->autoincrement != ATH_AUTOINC_AUTO)
        ath_buf_printf(b, " autoincrement=%s",
                       c->autoincrement == ATH_AUTOINC_TRUE ? "True" : "False");
    if (c->comment)
        ath_buf_printf(b, " comment=[%s]", c->comment);
}

static void dump_fk(ath_buf *b, const ath_foreign_key *fk)
{
    dump_list(b, fk->columns, fk->ncolumns);
    ath_buf_puts(b, " -> ");
    if (fk->ref_schema)
        ath_buf_printf(b, "%s.", fk->ref_schema);
    ath_buf_puts(b, fk->ref_table);
    dump_list(b, fk->ref_columns, fk->ncolumns);
    if (fk->ondelete)
        ath_buf_printf(b, " ondelete=%s", fk->ondelete);
    if (fk->onupdate)
        ath_buf_printf(b, " onupdate=%s", fk->onupdate);
    if (fk->deferrable)
        ath_buf_puts(b, " deferrable");
    if (fk->initially)
        ath_buf_printf(b, " initially=%s", fk->initially);
}

static void dump_index(ath_buf *b, const ath_index *ix)
{
    ath_buf_printf(b, "%s%s (", ix->name, ix->unique ? " unique" : "");
    for (size_t i = 0; i < ix->nelems; i++)
        ath_buf_printf(b, "%s%s%s%s", i ? ", " : "", ix->elems[i].expression ? "[" : "",
                       ix->elems[i].text, ix->elems[i].expression ? "]" : "");
    ath_buf_putc(b, ')');
    if (ix->where)
        ath_buf_printf(b, " where=[%s]", ix->where);
}

static void dump_table(ath_buf *b, const ath_table *t)
{
    if (t->comment)
        ath_buf_printf(b, "  comment [%s]\n", t->comment);
    for (size_t i = 0; i < t->ncolumns; i++) {
        ath_buf_puts(b, "  column ");
        dump_column(b, &t->columns[i]);
        ath_buf_putc(b, '\n');
    }
    if (t->pk.ncolumns) {
        ath_buf_puts(b, "  primary_key ");
        dump_str(b, t->pk.name);
        ath_buf_putc(b, ' ');
        dump_list(b, t->pk.columns, t->pk.ncolumns);
        ath_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        ath_buf_printf(b, "  unique #%u ", t->uniques[i].seq);
        dump_str(b, t->uniques[i].name);
        ath_buf_putc(b, ' ');
        dump_list(b, t->uniques[i].columns, t->uniques[i].ncolumns);
        ath_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < t->nfks; i++) {
        ath_buf_printf(b, "  foreign_key #%u ", t->fks[i].seq);
        dump_str(b, t->fks[i].name);
        ath_buf_putc(b, ' ');
        dump_fk(b, &t->fks[i]);
        ath_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        ath_buf_printf(b, "  check #%u ", t->checks[i].seq);
        dump_str(b, t->checks[i].name);
        ath_buf_printf(b, " [%s]\n", t->checks[i].sqltext);
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        ath_buf_puts(b, "  index ");
        dump_index(b, &t->indexes[i]);
        ath_buf_putc(b, '\n');
    }
}

static const char *constraint_type_name(ath_constraint_type t)
{
    switch (t) {
    case ATH_CONSTRAINT_UNIQUE:
        return "unique";
    case ATH_CONSTRAINT_FOREIGNKEY:
        return "foreignkey";
    case ATH_CONSTRAINT_CHECK:
        return "check";
    case ATH_CONSTRAINT_PRIMARY:
        return "primary";
    default:
        return "None";
    }
}

void ath_ops_dump(ath_buf *b, const ath_op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ath_op *op = &ops[i];
        ath_buf_printf(b, "%d:%d %s%s%s%s", op->pos.line, op->pos.col,
                       op->run_flags & ATH_OP_AUTOCOMMIT ? "autocommit " : "",
                       op->run_flags & ATH_OP_CONCURRENTLY ? "concurrently " : "",
                       op->batch ? "batch " : "", ath_op_kind_name(op->kind));
        if (op->schema)
            ath_buf_printf(b, " schema=%s", op->schema);
        if (op->table)
            ath_buf_printf(b, " table=%s", op->table);
        for (size_t k = 0; k < op->nnaming; k++)
            ath_buf_printf(b, "%s%s: %s", k ? ", " : " naming_convention={", op->naming[2 * k],
                           op->naming[2 * k + 1]);
        if (op->nnaming)
            ath_buf_putc(b, '}');
        switch (op->kind) {
        case ATH_OP_CREATE_TABLE:
            ath_buf_putc(b, '\n');
            dump_table(b, op->u.table_def);
            continue;
        case ATH_OP_RENAME_TABLE:
            ath_buf_printf(b, " to=%s", op->u.rename.new_name);
            break;
        case ATH_OP_CREATE_TABLE_COMMENT:
        case ATH_OP_DROP_TABLE_COMMENT:
            if (op->u.table_comment.comment)
                ath_buf_printf(b, " comment=[%s]", op->u.table_comment.comment);
            dump_opt(b, "existing", op->u.table_comment.existing);
            break;
        case ATH_OP_ADD_COLUMN:
            ath_buf_puts(b, " column=");
            dump_column(b, op->u.column.def);
            break;
        case ATH_OP_DROP_COLUMN:
            ath_buf_printf(b, " column=%s", op->u.column.name);
            break;
        case ATH_OP_ALTER_COLUMN: {
            const ath_op_alter_column *a = &op->u.alter;
            ath_buf_printf(b, " column=%s", a->column);
            if (a->new_name)
                ath_buf_printf(b, " new_name=%s", a->new_name);
            dump_optb(b, "nullable", a->nullable);
            if (a->type) {
                ath_buf_puts(b, " type=");
                dump_type(b, a->type);
            }
            dump_opt(b, "server_default", a->server_default);
            dump_opt(b, "comment", a->comment);
            if (a->existing_type) {
                ath_buf_puts(b, " existing_type=");
                dump_type(b, a->existing_type);
            }
            dump_optb(b, "existing_nullable", a->existing_nullable);
            dump_opt(b, "existing_server_default", a->existing_server_default);
            dump_opt(b, "existing_comment", a->existing_comment);
            break;
        }
        case ATH_OP_CREATE_INDEX:
            ath_buf_puts(b, " index=");
            dump_index(b, op->u.index.def);
            break;
        case ATH_OP_DROP_INDEX:
            ath_buf_printf(b, " index=%s", op->u.index.name);
            break;
        case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
        case ATH_OP_CREATE_FOREIGN_KEY:
        case ATH_OP_CREATE_CHECK_CONSTRAINT:
        case ATH_OP_CREATE_PRIMARY_KEY:
        case ATH_OP_DROP_CONSTRAINT: {
            const ath_op_constraint *k = &op->u.constraint;
            ath_buf_puts(b, " name=");
            dump_str(b, k->name);
            ath_buf_printf(b, " type=%s", constraint_type_name(k->type));
            if (op->kind != ATH_OP_DROP_CONSTRAINT)
                ath_buf_putc(b, ' ');
            if (op->kind == ATH_OP_CREATE_UNIQUE_CONSTRAINT)
                dump_list(b, k->unique.columns, k->unique.ncolumns);
            else if (op->kind == ATH_OP_CREATE_PRIMARY_KEY)
                dump_list(b, k->pk.columns, k->pk.ncolumns);
            else if (op->kind == ATH_OP_CREATE_CHECK_CONSTRAINT)
                ath_buf_printf(b, "[%s]", k->check.sqltext);
            else if (op->kind == ATH_OP_CREATE_FOREIGN_KEY)
                dump_fk(b, &k->fk);
            break;
        }
        case ATH_OP_CREATE_ENUM:
        case ATH_OP_DROP_ENUM:
            ath_buf_printf(b, " name=%s ", op->u.enum_def.name);
            dump_list(b, op->u.enum_def.values, op->u.enum_def.nvalues);
            break;
        case ATH_OP_ADD_ENUM_VALUE:
            ath_buf_printf(b, " name=%s value=%s", op->u.enum_value.name, op->u.enum_value.value);
            break;
        case ATH_OP_EXECUTE:
            ath_buf_printf(b, " sql=[%s]", op->u.execute.sql);
            break;
        case ATH_OP_BULK_INSERT:
            ath_buf_putc(b, '\n');
            for (size_t c = 0; c < op->u.bulk.ncolumns; c++) {
                ath_buf_printf(b, "  column %s ", op->u.bulk.columns[c]);
                dump_type(b, &op->u.bulk.types[c]);
                ath_buf_putc(b, '\n');
            }
            for (size_t rw = 0; rw < op->u.bulk.nrows; rw++) {
                ath_buf_puts(b, "  row");
                for (size_t c = 0; c < op->u.bulk.ncolumns; c++) {
                    const ath_literal *l = &op->u.bulk.values[rw * op->u.bulk.ncolumns + c];
                    static const char *const kn[] = {"null", "bool", "int", "float", "str", "absent"};
                    ath_buf_printf(b, " %s", kn[l->kind]);
                    if (l->text)
                        ath_buf_printf(b, ":[%s]", l->text);
                }
                ath_buf_putc(b, '\n');
            }
            continue;
        case ATH_OP_DROP_TABLE:
            break;
        }
        ath_buf_putc(b, '\n');
    }
}
