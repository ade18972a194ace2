/*
 * The script writer: Op lists to the text of a migration script as
 * Flask-Migrate 4's template and Alembic 1.8's autogenerate renderer lay it
 * out. It reads no files and knows nothing of how the ops were found; the
 * script reader (body.c) reads what it writes back to the same ops.
 */
#include "athanor.h"
#include "py/repr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* 'a', 'b' */
static void py_list_items(ath_buf *out, const char *const *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            ath_buf_puts(out, ", ");
        ath_py_repr_str(out, items[i]);
    }
}

/* None, 'a' (when scalar_one), or a tuple */
static void py_revs(ath_buf *out, const char *const *items, size_t n, bool scalar_one)
{
    if (n == 0) {
        ath_buf_puts(out, "None");
    } else if (n == 1 && scalar_one) {
        ath_py_repr_str(out, items[0]);
    } else {
        ath_buf_putc(out, '(');
        py_list_items(out, items, n);
        ath_buf_puts(out, n == 1 ? ",)" : ")");
    }
}

/* What the rendering of one body needs to know. */
typedef struct writer {
    ath_dialect dialect;
    bool pg_import; /* something was spelt postgresql.X */
    bool sqlite_import;
    const ath_op *up; /* downgrade's drop_index finds the index upgrade created here */
    size_t nup;
    const ath_op *body; /* the ops of the function being written, up to the current one */
    size_t nbody;
    bool in_create_table;
} writer;

/* PostgreSQL dialect types SQLAlchemy has under sqlalchemy.dialects.postgresql. */
static bool pg_type_name(const char *name)
{
    static const char *const names[] = {"JSONB", "JSON", "INET", "CIDR", "MACADDR", "BYTEA",
                                        "TSVECTOR", "UUID", "TIMESTAMP", "INTERVAL",
                                        "DOUBLE_PRECISION", "HSTORE", "MONEY", "OID", "BIT",
                                        "ENUM", "ARRAY", "INT4RANGE", "TSRANGE", "TSTZRANGE",
                                        "DATERANGE", "NUMRANGE", "INT8RANGE", "REGCLASS", "TIME"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static void pg(writer *w, ath_buf *out, const char *text)
{
    w->pg_import = true;
    ath_buf_puts(out, "postgresql.");
    ath_buf_puts(out, text);
}

static void enum_args(ath_buf *out, const ath_type *t)
{
    py_list_items(out, t->values, t->nvalues);
    if (t->name) {
        ath_buf_puts(out, t->nvalues ? ", name=" : "name=");
        ath_py_repr_str(out, t->name);
    }
    ath_buf_putc(out, ')');
}

static void render_type(writer *w, ath_buf *out, const ath_type *t, bool reflected);

/* A dialect type kept by name: postgresql.JSONB(astext_type=sa.Text()), sa.CITEXT(). */
static void other_type(writer *w, ath_buf *out, const ath_type *t)
{
    const char *name = t->name ? t->name : "NullType";
    if (w->dialect == ATH_DIALECT_POSTGRESQL &&
        (strcmp(name, "DOUBLE PRECISION") == 0 || strcmp(name, "DOUBLE_PRECISION") == 0)) {
        pg(w, out, "DOUBLE_PRECISION(");
        ath_buf_puts(out, t->args ? t->args : "precision=53");
        ath_buf_putc(out, ')');
        return;
    }
    if (w->dialect == ATH_DIALECT_POSTGRESQL && pg_type_name(name)) {
        pg(w, out, name);
        if (!t->args && (strcmp(name, "JSONB") == 0 || strcmp(name, "JSON") == 0))
            ath_buf_puts(out, "(astext_type=sa.Text())");
        else
            ath_buf_printf(out, "(%s)", t->args ? t->args : "");
        return;
    }
    ath_buf_printf(out, "sa.%s(%s)", name, t->args ? t->args : "");
}

/* The type as the models spell it. */
static void model_type(writer *w, ath_buf *out, const ath_type *t)
{
    switch (t->kind) {
    case ATH_TYPE_OTHER: other_type(w, out, t); return;
    case ATH_TYPE_JSON:
        if (w->dialect == ATH_DIALECT_POSTGRESQL) {
            pg(w, out, "JSON(astext_type=sa.Text())");
            return;
        }
        break;
    case ATH_TYPE_ARRAY:
        pg(w, out, "ARRAY(");
        if (t->item)
            render_type(w, out, t->item, false);
        if (t->dimensions > 1)
            ath_buf_printf(out, ", dimensions=%d", t->dimensions);
        ath_buf_putc(out, ')');
        return;
    default: break;
    }
    ath_buf_puts(out, "sa.");
    ath_type_sqla(out, t);
}

/* The type as reflection of the database spells it on the writer's dialect. */
static void reflected_type(writer *w, ath_buf *out, const ath_type *t)
{
    bool is_pg = w->dialect == ATH_DIALECT_POSTGRESQL;
    switch (t->kind) {
    case ATH_TYPE_INTEGER: ath_buf_puts(out, "sa.INTEGER()"); return;
    case ATH_TYPE_BIGINT: ath_buf_puts(out, "sa.BIGINT()"); return;
    case ATH_TYPE_SMALLINT: ath_buf_puts(out, "sa.SMALLINT()"); return;
    case ATH_TYPE_BOOLEAN: ath_buf_puts(out, "sa.BOOLEAN()"); return;
    case ATH_TYPE_STRING:
    case ATH_TYPE_UNICODE:
    case ATH_TYPE_CHAR:
        ath_buf_puts(out, t->kind == ATH_TYPE_CHAR ? "sa.CHAR(" : "sa.VARCHAR(");
        if (t->length >= 0)
            ath_buf_printf(out, "length=%d", t->length);
        ath_buf_putc(out, ')');
        return;
    case ATH_TYPE_TEXT:
    case ATH_TYPE_UNICODE_TEXT: ath_buf_puts(out, "sa.TEXT()"); return;
    case ATH_TYPE_FLOAT:
        if (!is_pg)
            ath_buf_puts(out, "sa.FLOAT()");
        else if (t->precision >= 0 && t->precision <= 24)
            ath_buf_puts(out, "sa.REAL()");
        else
            pg(w, out, "DOUBLE_PRECISION(precision=53)");
        return;
    case ATH_TYPE_NUMERIC:
        ath_buf_puts(out, "sa.NUMERIC(");
        if (t->precision >= 0)
            ath_buf_printf(out, "precision=%d", t->precision);
        if (t->scale >= 0)
            ath_buf_printf(out, "%sscale=%d", t->precision >= 0 ? ", " : "", t->scale);
        ath_buf_putc(out, ')');
        return;
    case ATH_TYPE_DATETIME:
        if (is_pg)
            pg(w, out, t->timezone ? "TIMESTAMP(timezone=True)" : "TIMESTAMP()");
        else
            ath_buf_puts(out, "sa.DATETIME()");
        return;
    case ATH_TYPE_DATE: ath_buf_puts(out, "sa.DATE()"); return;
    case ATH_TYPE_TIME:
        if (is_pg)
            pg(w, out, t->timezone ? "TIME(timezone=True)" : "TIME()");
        else
            ath_buf_puts(out, "sa.TIME()");
        return;
    case ATH_TYPE_INTERVAL:
        if (is_pg)
            pg(w, out, "INTERVAL()");
        else
            ath_buf_puts(out, "sa.DATETIME()");
        return;
    case ATH_TYPE_LARGEBINARY:
        if (is_pg)
            pg(w, out, "BYTEA()");
        else
            ath_buf_puts(out, "sa.BLOB()");
        return;
    case ATH_TYPE_ENUM:
        if (is_pg) {
            pg(w, out, "ENUM(");
            enum_args(out, t);
            return;
        }
        break;
    case ATH_TYPE_JSON:
        if (is_pg) {
            pg(w, out, "JSON(astext_type=sa.Text())");
        } else {
            w->sqlite_import = true;
            ath_buf_puts(out, "sqlite.JSON()");
        }
        return;
    case ATH_TYPE_UUID:
        if (is_pg) {
            pg(w, out, "UUID()");
            return;
        }
        break;
    case ATH_TYPE_ARRAY:
        pg(w, out, "ARRAY(");
        if (t->item)
            render_type(w, out, t->item, true);
        if (t->dimensions > 1)
            ath_buf_printf(out, ", dimensions=%d", t->dimensions);
        ath_buf_putc(out, ')');
        return;
    case ATH_TYPE_OTHER: other_type(w, out, t); return;
    }
    model_type(w, out, t);
}

static void render_type(writer *w, ath_buf *out, const ath_type *t, bool reflected)
{
    if (reflected)
        reflected_type(w, out, t);
    else
        model_type(w, out, t);
}

/* A server default: the models' plain string '0' comes back as a Python
 * string; everything else, and all the database shows, as sa.text(...). */
static void render_default(ath_buf *out, const char *sql, bool reflected)
{
    size_t n = strlen(sql);
    if (!reflected && n >= 2 && sql[0] == '\'' && sql[n - 1] == '\'') {
        ath_buf inner = ATH_BUF_INIT;
        bool plain = true;
        for (size_t i = 1; i + 1 < n; i++) {
            if (sql[i] == '\'') {
                if (i + 2 < n && sql[i + 1] == '\'') {
                    i++;
                } else {
                    plain = false;
                    break;
                }
            }
            ath_buf_putc(&inner, sql[i]);
        }
        if (plain) {
            ath_py_repr_str(out, inner.ptr ? inner.ptr : "");
            ath_buf_free(&inner);
            return;
        }
        ath_buf_free(&inner);
    }
    ath_buf_puts(out, "sa.text(");
    ath_py_repr_str(out, sql);
    ath_buf_putc(out, ')');
}

/*
 * The column SQLAlchemy makes autoincrement on its own ("auto"): the one
 * integer column of a primary key, without a foreign key. The models reader
 * marks it TRUE; Alembic writes autoincrement only when a model says it.
 */
static bool implied_autoincrement(const ath_table *t, const ath_column *c)
{
    if (!t || t->pk.ncolumns != 1 || strcmp(t->pk.columns[0], c->name) != 0)
        return false;
    if (c->type.kind != ATH_TYPE_INTEGER && c->type.kind != ATH_TYPE_BIGINT &&
        c->type.kind != ATH_TYPE_SMALLINT)
        return false;
    for (size_t f = 0; f < t->nfks; f++)
        for (size_t k = 0; k < t->fks[f].ncolumns; k++)
            if (strcmp(t->fks[f].columns[k], c->name) == 0)
                return false;
    return true;
}

/*
 * True when an earlier op of the function creates enum type t: op.create_table
 * must then not create it again (on PostgreSQL its table event would, and
 * fail), so the column says postgresql.ENUM(..., create_type=False), which
 * SQLite takes as the plain Enum it is.
 */
static bool enum_created_before(const writer *w, const ath_type *t)
{
    if (t->kind != ATH_TYPE_ENUM || !t->name)
        return false;
    for (size_t i = 0; i < w->nbody; i++)
        if (w->body[i].kind == ATH_OP_CREATE_ENUM && w->body[i].u.enum_def.name &&
            strcmp(w->body[i].u.enum_def.name, t->name) == 0)
            return true;
    return false;
}

static void render_column(writer *w, ath_buf *out, const ath_column *c, const ath_table *t,
                          bool reflected)
{
    ath_buf_puts(out, "sa.Column(");
    ath_py_repr_str(out, c->name);
    ath_buf_puts(out, ", ");
    if (w->in_create_table && enum_created_before(w, &c->type)) {
        pg(w, out, "ENUM(");
        py_list_items(out, c->type.values, c->type.nvalues);
        ath_buf_puts(out, c->type.nvalues ? ", name=" : "name=");
        ath_py_repr_str(out, c->type.name);
        ath_buf_puts(out, ", create_type=False)");
    } else {
        render_type(w, out, &c->type, reflected);
    }
    if (c->server_default) {
        ath_buf_puts(out, ", server_default=");
        render_default(out, c->server_default, reflected);
    }
    if (reflected && w->dialect == ATH_DIALECT_POSTGRESQL)
        ath_buf_puts(out, c->autoincrement == ATH_AUTOINC_TRUE ? ", autoincrement=True"
                                                                 : ", autoincrement=False");
    else if (c->autoincrement == ATH_AUTOINC_FALSE ||
             (c->autoincrement == ATH_AUTOINC_TRUE && !implied_autoincrement(t, c)))
        ath_buf_puts(out, c->autoincrement == ATH_AUTOINC_TRUE ? ", autoincrement=True"
                                                                 : ", autoincrement=False");
    ath_buf_puts(out, c->nullable ? ", nullable=True" : ", nullable=False");
    if (c->comment) {
        ath_buf_puts(out, ", comment=");
        ath_py_repr_str(out, c->comment);
    }
    ath_buf_putc(out, ')');
}

/* ['a', 'b'] */
static void py_list(ath_buf *out, const char *const *items, size_t n)
{
    ath_buf_putc(out, '[');
    py_list_items(out, items, n);
    ath_buf_putc(out, ']');
}

static void fk_opts(ath_buf *out, const ath_foreign_key *fk, bool first)
{
    const char *sep = first ? "" : ", ";
    if (fk->onupdate) {
        ath_buf_printf(out, "%sonupdate=", sep);
        ath_py_repr_str(out, fk->onupdate);
        sep = ", ";
    }
    if (fk->ondelete) {
        ath_buf_printf(out, "%sondelete=", sep);
        ath_py_repr_str(out, fk->ondelete);
        sep = ", ";
    }
    if (fk->initially) {
        ath_buf_printf(out, "%sinitially=", sep);
        ath_py_repr_str(out, fk->initially);
        sep = ", ";
    }
    if (fk->deferrable)
        ath_buf_printf(out, "%sdeferrable=True", sep);
}

static void name_opt(ath_buf *out, const char *name)
{
    if (name) {
        ath_buf_puts(out, ", name=");
        ath_py_repr_str(out, name);
    }
}

/* The constraints of create_table, each one line, sorted by their text as Alembic sorts them. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int table_constraints(char ***out, size_t *n, const ath_table *t)
{
    size_t max = (t->pk.ncolumns ? 1 : 0) + t->nuniques + t->nfks + t->nchecks;
    *n = 0;
    *out = NULL;
    if (!max)
        return 0;
    char **items = calloc(max, sizeof(*items));
    if (!items)
        return ath_error_oom();
    ath_buf b = ATH_BUF_INIT;
    for (size_t i = 0; i < t->nchecks; i++) {
        ath_buf_puts(&b, "sa.CheckConstraint(");
        ath_py_repr_str(&b, t->checks[i].sqltext);
        name_opt(&b, t->checks[i].name);
        ath_buf_putc(&b, ')');
        items[(*n)++] = ath_buf_detach(&b);
    }
    for (size_t i = 0; i < t->nfks; i++) {
        const ath_foreign_key *fk = &t->fks[i];
        ath_buf_puts(&b, "sa.ForeignKeyConstraint(");
        py_list(&b, fk->columns, fk->ncolumns);
        ath_buf_puts(&b, ", [");
        for (size_t k = 0; k < fk->ncolumns; k++) {
            ath_buf ref = ATH_BUF_INIT;
            if (fk->ref_schema)
                ath_buf_printf(&ref, "%s.", fk->ref_schema);
            ath_buf_printf(&ref, "%s.%s", fk->ref_table, fk->ref_columns[k]);
            if (k)
                ath_buf_puts(&b, ", ");
            ath_py_repr_str(&b, ath_buf_cstr(&ref));
            ath_buf_free(&ref);
        }
        /* Alembic leaves ", " before the options even when there are none. */
        ath_buf_puts(&b, "], ");
        if (fk->name) {
            ath_buf_puts(&b, "name=");
            ath_py_repr_str(&b, fk->name);
        }
        fk_opts(&b, fk, fk->name == NULL);
        ath_buf_putc(&b, ')');
        items[(*n)++] = ath_buf_detach(&b);
    }
    if (t->pk.ncolumns) {
        ath_buf_puts(&b, "sa.PrimaryKeyConstraint(");
        py_list_items(&b, t->pk.columns, t->pk.ncolumns);
        name_opt(&b, t->pk.name);
        ath_buf_putc(&b, ')');
        items[(*n)++] = ath_buf_detach(&b);
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        ath_buf_puts(&b, "sa.UniqueConstraint(");
        py_list_items(&b, t->uniques[i].columns, t->uniques[i].ncolumns);
        name_opt(&b, t->uniques[i].name);
        ath_buf_putc(&b, ')');
        items[(*n)++] = ath_buf_detach(&b);
    }
    for (size_t i = 0; i < *n; i++) {
        if (!items[i]) {
            for (size_t k = 0; k < *n; k++)
                free(items[k]);
            free(items);
            *n = 0;
            return ath_error_oom();
        }
    }
    qsort(items, *n, sizeof(*items), cmp_str);
    *out = items;
    return 0;
}

static int create_table(writer *w, ath_buf *out, const ath_table *t, bool reflected)
{
    ath_buf_puts(out, "op.create_table(");
    ath_py_repr_str(out, t->name);
    ath_buf_putc(out, ',');
    for (size_t i = 0; i < t->ncolumns; i++) {
        ath_buf_puts(out, i ? ",\n" : "\n");
        render_column(w, out, &t->columns[i], t, reflected);
    }
    char **cons = NULL;
    size_t ncons = 0;
    int rc = table_constraints(&cons, &ncons, t);
    if (rc)
        return rc;
    for (size_t i = 0; i < ncons; i++) {
        ath_buf_puts(out, t->ncolumns || i ? ",\n" : "\n");
        ath_buf_puts(out, cons[i]);
        free(cons[i]);
    }
    free(cons);
    if (t->schema) {
        ath_buf_puts(out, ",\nschema=");
        ath_py_repr_str(out, t->schema);
    }
    if (t->comment) {
        ath_buf_puts(out, ",\ncomment=");
        ath_py_repr_str(out, t->comment);
    }
    ath_buf_puts(out, "\n)");
    return 0;
}

/* ", schema='s'" for table-level ops outside batch mode. */
static void schema_opt(ath_buf *out, const ath_op *op)
{
    if (op->schema && !op->batch) {
        ath_buf_puts(out, ", schema=");
        ath_py_repr_str(out, op->schema);
    }
}

/* True when `name` is what the default naming convention ix_%(column_0_label)s gives. */
static bool convention_index_name(const ath_op *op, const char *name, const ath_index *ix)
{
    if (!op->table || !ix || ix->nelems == 0 || ix->elems[0].expression)
        return false;
    char want[512];
    int n = snprintf(want, sizeof(want), "ix_%s_%s", op->table, ix->elems[0].text);
    return n > 0 && (size_t)n < sizeof(want) && strcmp(want, name) == 0;
}

static void index_name(ath_buf *out, const char *prefix, const char *name, bool f)
{
    if (f) {
        ath_buf_printf(out, "%sf(", prefix);
        ath_py_repr_str(out, name);
        ath_buf_putc(out, ')');
    } else {
        ath_py_repr_str(out, name);
    }
}

static void alter_column(writer *w, ath_buf *out, const ath_op *op, bool is_down)
{
    const ath_op_alter_column *a = &op->u.alter;
    const char *ind = ",\n           ";
    ath_buf_puts(out, op->batch ? "batch_op.alter_column(" : "op.alter_column(");
    if (!op->batch) {
        ath_py_repr_str(out, op->table);
        ath_buf_puts(out, ", ");
    }
    ath_py_repr_str(out, a->column);
    /* Alembic 1.8 does not render new_column_name; Athanor's renames need it. */
    if (a->new_name) {
        ath_buf_printf(out, "%snew_column_name=", ind);
        ath_py_repr_str(out, a->new_name);
    }
    /* In a downgrade, an existing value is the models' only where the upgrade changed it. */
    if (a->existing_type) {
        ath_buf_printf(out, "%sexisting_type=", ind);
        render_type(w, out, a->existing_type, !is_down || !a->type);
    }
    if (a->server_default.set) {
        ath_buf_printf(out, "%sserver_default=", ind);
        if (a->server_default.value)
            render_default(out, a->server_default.value, is_down);
        else
            ath_buf_puts(out, "None");
    }
    if (a->type) {
        ath_buf_printf(out, "%stype_=", ind);
        render_type(w, out, a->type, is_down);
    }
    if (a->nullable.set)
        ath_buf_printf(out, "%snullable=%s", ind, a->nullable.value ? "True" : "False");
    if (a->comment.set) {
        ath_buf_printf(out, "%scomment=", ind);
        if (a->comment.value)
            ath_py_repr_str(out, a->comment.value);
        else
            ath_buf_puts(out, "None");
    }
    if (a->existing_comment.set && a->existing_comment.value) {
        ath_buf_printf(out, "%sexisting_comment=", ind);
        ath_py_repr_str(out, a->existing_comment.value);
    }
    if (!a->nullable.set && a->existing_nullable.set)
        ath_buf_printf(out, "%sexisting_nullable=%s", ind,
                       a->existing_nullable.value ? "True" : "False");
    if (!a->server_default.set && a->existing_server_default.set &&
        a->existing_server_default.value) {
        ath_buf_printf(out, "%sexisting_server_default=", ind);
        render_default(out, a->existing_server_default.value, true);
    }
    if (op->schema && !op->batch) {
        ath_buf_printf(out, "%sschema=", ind);
        ath_py_repr_str(out, op->schema);
    }
    ath_buf_putc(out, ')');
}

static const char *constraint_type_name(ath_constraint_type t)
{
    switch (t) {
    case ATH_CONSTRAINT_UNIQUE: return "unique";
    case ATH_CONSTRAINT_FOREIGNKEY: return "foreignkey";
    case ATH_CONSTRAINT_CHECK: return "check";
    case ATH_CONSTRAINT_PRIMARY: return "primary";
    case ATH_CONSTRAINT_UNKNOWN: break;
    }
    return NULL;
}

static void name_or_none(ath_buf *out, const char *name)
{
    if (name)
        ath_py_repr_str(out, name);
    else
        ath_buf_puts(out, "None");
}

/* "op.NAME(" or "batch_op.NAME(" followed by the table for op. */
static void call_head(ath_buf *out, const ath_op *op, const char *name, bool table_first)
{
    ath_buf_printf(out, "%s.%s(", op->batch ? "batch_op" : "op", name);
    if (table_first && !op->batch) {
        ath_py_repr_str(out, op->table);
        ath_buf_puts(out, ", ");
    }
}

static void enum_call(ath_buf *out, const ath_op *op, const char *verb)
{
    const ath_enum *e = &op->u.enum_def;
    const char *schema = op->schema ? op->schema : e->schema;
    ath_buf_puts(out, "sa.Enum(");
    py_list_items(out, e->values, e->nvalues);
    ath_buf_puts(out, e->nvalues ? ", name=" : "name=");
    ath_py_repr_str(out, e->name);
    if (schema) {
        ath_buf_puts(out, ", schema=");
        ath_py_repr_str(out, schema);
    }
    ath_buf_printf(out, ").%s(op.get_bind(), checkfirst=True)", verb);
}

/*
 * ALTER TYPE ... ADD VALUE, run on PostgreSQL only: through sa.DDL's
 * execute_if, so that the script stays a no-op on SQLite under Alembic as
 * under Athanor (whose script reader knows this form).
 */
static int enum_value_call(ath_buf *out, const ath_op *op)
{
    ath_buf sql = ATH_BUF_INIT;
    ath_buf_puts(&sql, "ALTER TYPE ");
    if (op->schema) {
        ath_quote_ident(&sql, ATH_DIALECT_POSTGRESQL, op->schema);
        ath_buf_putc(&sql, '.');
    }
    ath_quote_ident(&sql, ATH_DIALECT_POSTGRESQL, op->u.enum_value.name);
    ath_buf_puts(&sql, " ADD VALUE IF NOT EXISTS ");
    ath_quote_literal(&sql, ATH_DIALECT_POSTGRESQL, op->u.enum_value.value);
    if (op->u.enum_value.before || op->u.enum_value.after) {
        ath_buf_puts(&sql, op->u.enum_value.before ? " BEFORE " : " AFTER ");
        ath_quote_literal(&sql, ATH_DIALECT_POSTGRESQL,
                          op->u.enum_value.before ? op->u.enum_value.before
                                                  : op->u.enum_value.after);
    }
    if (ath_buf_check(&sql)) {
        ath_buf_free(&sql);
        return ath_error_oom();
    }
    ath_buf_puts(out, "sa.DDL(");
    ath_py_repr_str(out, ath_buf_cstr(&sql));
    ath_buf_puts(out, ").execute_if(dialect='postgresql')(None, op.get_bind())");
    ath_buf_free(&sql);
    return 0;
}

/* A str in double quotes, as Alembic's documentation spells naming
 * conventions; repr() when that would need escapes. */
static void py_dquoted(ath_buf *out, const char *s)
{
    for (const char *p = s; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f) {
            ath_py_repr_str(out, s);
            return;
        }
    ath_buf_printf(out, "\"%s\"", s);
}

/*
 * ', naming_convention={"uq": "..."}' when ops of the block carry a naming
 * convention: their union, each key once (the first op's template wins), in
 * the order the ops give them.
 */
static void naming_convention(ath_buf *out, const ath_op *ops, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ops[i].nnaming; k++) {
            const char *key = ops[i].naming[2 * k];
            bool seen = false;
            for (size_t p = 0; p <= i && !seen; p++)
                for (size_t q = 0; q < (p == i ? k : ops[p].nnaming) && !seen; q++)
                    seen = strcmp(ops[p].naming[2 * q], key) == 0;
            if (seen)
                continue;
            ath_buf_puts(out, any ? ", " : ", naming_convention={");
            any = true;
            py_dquoted(out, key);
            ath_buf_puts(out, ": ");
            py_dquoted(out, ops[i].naming[2 * k + 1]);
        }
    if (any)
        ath_buf_putc(out, '}');
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* One op's call text; continuation lines carry their own indentation. */
static int render_op(writer *w, ath_buf *out, const ath_op *op, bool is_down)
{
    /* Create ops in downgrade() put back what the database had. */
    bool reflected = is_down;
    switch (op->kind) {
    case ATH_OP_CREATE_TABLE:
        if (!op->u.table_def)
            return ath_error(ATH_EINVAL, "create_table %s: no table definition", op->table);
    {
        w->in_create_table = true;
        int rc = create_table(w, out, op->u.table_def, reflected);
        w->in_create_table = false;
        return rc;
    }
    case ATH_OP_DROP_TABLE:
        ath_buf_puts(out, "op.drop_table(");
        ath_py_repr_str(out, op->table);
        if (op->schema) {
            ath_buf_puts(out, ", schema=");
            ath_py_repr_str(out, op->schema);
        }
        ath_buf_putc(out, ')');
        return 0;
    case ATH_OP_RENAME_TABLE:
        ath_buf_puts(out, "op.rename_table(");
        ath_py_repr_str(out, op->table);
        ath_buf_puts(out, ", ");
        ath_py_repr_str(out, op->u.rename.new_name);
        if (op->schema) {
            ath_buf_puts(out, ", schema=");
            ath_py_repr_str(out, op->schema);
        }
        ath_buf_putc(out, ')');
        return 0;
    case ATH_OP_CREATE_TABLE_COMMENT:
    case ATH_OP_DROP_TABLE_COMMENT:
        call_head(out, op,
                  op->kind == ATH_OP_CREATE_TABLE_COMMENT ? "create_table_comment"
                                                          : "drop_table_comment",
                  false);
        if (!op->batch)
            ath_py_repr_str(out, op->table);
        if (op->kind == ATH_OP_CREATE_TABLE_COMMENT) {
            ath_buf_puts(out, op->batch ? "" : ", ");
            ath_py_repr_str(out, op->u.table_comment.comment ? op->u.table_comment.comment : "");
        }
        if (op->u.table_comment.existing.set) {
            ath_buf_puts(out, op->batch && op->kind == ATH_OP_DROP_TABLE_COMMENT
                                  ? "existing_comment="
                                  : ", existing_comment=");
            name_or_none(out, op->u.table_comment.existing.value);
        }
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    case ATH_OP_ADD_COLUMN:
        if (!op->u.column.def)
            return ath_error(ATH_EINVAL, "add_column %s: no column definition", op->table);
        call_head(out, op, "add_column", true);
        render_column(w, out, op->u.column.def, NULL, reflected);
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    case ATH_OP_DROP_COLUMN:
        call_head(out, op, "drop_column", true);
        ath_py_repr_str(out, op->u.column.name);
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    case ATH_OP_ALTER_COLUMN: alter_column(w, out, op, is_down); return 0;
    case ATH_OP_CREATE_INDEX: {
        const ath_index *ix = op->u.index.def;
        if (!ix)
            return ath_error(ATH_EINVAL, "create_index: no index definition");
        call_head(out, op, "create_index", false);
        index_name(out, op->batch ? "batch_op." : "op.", ix->name,
                   !is_down && convention_index_name(op, ix->name, ix));
        if (!op->batch) {
            ath_buf_puts(out, ", ");
            ath_py_repr_str(out, op->table);
        }
        ath_buf_puts(out, ", [");
        for (size_t i = 0; i < ix->nelems; i++) {
            if (i)
                ath_buf_puts(out, ", ");
            if (ix->elems[i].expression) {
                ath_buf_puts(out, "sa.text(");
                ath_py_repr_str(out, ix->elems[i].text);
                ath_buf_putc(out, ')');
            } else {
                ath_py_repr_str(out, ix->elems[i].text);
            }
        }
        ath_buf_printf(out, "], unique=%s", ix->unique ? "True" : "False");
        if (ix->where) {
            ath_buf_printf(out, ", %s_where=sa.text(", ath_dialect_name(w->dialect));
            ath_py_repr_str(out, ix->where);
            ath_buf_putc(out, ')');
        }
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    }
    case ATH_OP_DROP_INDEX: {
        call_head(out, op, "drop_index", false);
        const ath_index *ix = op->u.index.def;
        for (size_t i = 0; !ix && is_down && i < w->nup; i++)
            if (w->up[i].kind == ATH_OP_CREATE_INDEX && w->up[i].u.index.def &&
                same(w->up[i].table, op->table) && same(w->up[i].schema, op->schema) &&
                strcmp(w->up[i].u.index.def->name, op->u.index.name) == 0)
                ix = w->up[i].u.index.def;
        bool f = is_down && convention_index_name(op, op->u.index.name, ix);
        index_name(out, op->batch ? "batch_op." : "op.", op->u.index.name, f);
        if (!op->batch && op->table) {
            ath_buf_puts(out, ", table_name=");
            ath_py_repr_str(out, op->table);
        }
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    }
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT: {
        const ath_op_constraint *c = &op->u.constraint;
        call_head(out, op, "create_unique_constraint", false);
        name_or_none(out, c->name);
        if (!op->batch) {
            ath_buf_puts(out, ", ");
            ath_py_repr_str(out, op->table);
        }
        ath_buf_puts(out, ", ");
        py_list(out, c->unique.columns, c->unique.ncolumns);
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    }
    case ATH_OP_CREATE_PRIMARY_KEY: {
        const ath_op_constraint *c = &op->u.constraint;
        call_head(out, op, "create_primary_key", false);
        name_or_none(out, c->name);
        if (!op->batch) {
            ath_buf_puts(out, ", ");
            ath_py_repr_str(out, op->table);
        }
        ath_buf_puts(out, ", ");
        py_list(out, c->pk.columns, c->pk.ncolumns);
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    }
    case ATH_OP_CREATE_CHECK_CONSTRAINT: {
        const ath_op_constraint *c = &op->u.constraint;
        call_head(out, op, "create_check_constraint", false);
        name_or_none(out, c->name);
        if (!op->batch) {
            ath_buf_puts(out, ", ");
            ath_py_repr_str(out, op->table);
        }
        ath_buf_puts(out, ", ");
        ath_py_repr_str(out, c->check.sqltext ? c->check.sqltext : "");
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    }
    case ATH_OP_CREATE_FOREIGN_KEY: {
        const ath_foreign_key *fk = &op->u.constraint.fk;
        call_head(out, op, "create_foreign_key", false);
        name_or_none(out, op->u.constraint.name);
        if (!op->batch) {
            ath_buf_puts(out, ", ");
            ath_py_repr_str(out, op->table);
        }
        ath_buf_puts(out, ", ");
        ath_py_repr_str(out, fk->ref_table);
        ath_buf_puts(out, ", ");
        py_list(out, fk->columns, fk->ncolumns);
        ath_buf_puts(out, ", ");
        py_list(out, fk->ref_columns, fk->ncolumns);
        if (fk->ref_schema) {
            ath_buf_puts(out, ", referent_schema=");
            ath_py_repr_str(out, fk->ref_schema);
        }
        fk_opts(out, fk, false);
        if (op->schema && !op->batch) {
            ath_buf_puts(out, ", source_schema=");
            ath_py_repr_str(out, op->schema);
        }
        ath_buf_putc(out, ')');
        return 0;
    }
    case ATH_OP_DROP_CONSTRAINT: {
        const ath_op_constraint *c = &op->u.constraint;
        if (!c->name)
            return ath_error(ATH_EINVAL, "drop_constraint on %s: the constraint has no name",
                             op->table);
        call_head(out, op, "drop_constraint", false);
        ath_py_repr_str(out, c->name);
        if (!op->batch) {
            ath_buf_puts(out, ", ");
            ath_py_repr_str(out, op->table);
        }
        const char *tn = constraint_type_name(c->type);
        if (tn)
            ath_buf_printf(out, ", type_='%s'", tn);
        schema_opt(out, op);
        ath_buf_putc(out, ')');
        return 0;
    }
    case ATH_OP_CREATE_ENUM: enum_call(out, op, "create"); return 0;
    case ATH_OP_DROP_ENUM: enum_call(out, op, "drop"); return 0;
    case ATH_OP_EXECUTE:
        ath_buf_puts(out, "op.execute(");
        ath_py_repr_str(out, op->u.execute.sql);
        ath_buf_putc(out, ')');
        return 0;
    case ATH_OP_ADD_ENUM_VALUE: return enum_value_call(out, op);
    case ATH_OP_BULK_INSERT: break;
    }
    return ath_error(ATH_EUNSUPPORTED, "the script writer cannot write %s yet",
                     ath_op_kind_name(op->kind));
}

/* Appends each line of `text` to `out` indented by `n` spaces (empty lines stay empty). */
static void put_indented(ath_buf *out, const char *text, int n)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len)
            ath_buf_printf(out, "%*s", n, "");
        ath_buf_put(out, p, len);
        ath_buf_putc(out, '\n');
        p += len + (nl ? 1 : 0);
    }
}

/* The body of upgrade() or downgrade(), every line ending in '\n'. */
static int render_body(writer *w, ath_buf *out, const ath_op *ops, size_t n, bool is_down)
{
    if (n == 0 && !(is_down && w->nup)) {
        ath_buf_puts(out, "    pass\n");
        return 0;
    }
    if (n == 0) {
        /* Autogenerate whose downgrade has nothing to undo. */
        ath_buf_puts(out, "    # ### commands auto generated by Alembic - please adjust! ###\n"
                          "    pass\n"
                          "    # ### end Alembic commands ###\n");
        return 0;
    }
    ath_buf_puts(out, "    # ### commands auto generated by Alembic - please adjust! ###\n");
    ath_buf text = ATH_BUF_INIT;
    for (size_t i = 0; i < n;) {
        const ath_op *op = &ops[i];
        w->body = ops;
        w->nbody = i;
        if (!op->batch) {
            ath_buf_clear(&text);
            int rc = render_op(w, &text, op, is_down);
            if (rc) {
                ath_buf_free(&text);
                return rc;
            }
            put_indented(out, ath_buf_cstr(&text), 4);
            i++;
            continue;
        }
        size_t end = i;
        while (end < n && ops[end].batch && same(ops[end].table, op->table) &&
               same(ops[end].schema, op->schema))
            end++;
        ath_buf_puts(out, "    with op.batch_alter_table(");
        ath_py_repr_str(out, op->table ? op->table : "");
        ath_buf_puts(out, ", schema=");
        name_or_none(out, op->schema);
        naming_convention(out, ops + i, end - i);
        ath_buf_puts(out, ") as batch_op:\n");
        size_t j = i;
        for (; j < end; j++) {
            ath_buf_clear(&text);
            ath_buf_puts(&text, "    ");
            w->nbody = j;
            int rc = render_op(w, &text, &ops[j], is_down);
            if (rc) {
                ath_buf_free(&text);
                return rc;
            }
            put_indented(out, ath_buf_cstr(&text), 4);
        }
        ath_buf_putc(out, '\n');
        i = j;
    }
    ath_buf_free(&text);
    ath_buf_puts(out, "    # ### end Alembic commands ###\n");
    return 0;
}

int ath_script_write(ath_buf *out, const ath_script_meta *meta, const ath_op *up, size_t nup,
                     const ath_op *down, size_t ndown, ath_dialect dialect)
{
    if (!meta || !meta->revision || !*meta->revision)
        return ath_error(ATH_EINVAL, "a script needs a revision id");
    /* The imports depend on the bodies, so they are written first. */
    writer w = {dialect, false, false, up, nup, NULL, 0, false};
    ath_buf body = ATH_BUF_INIT;
    ath_buf_puts(&body, "\n\ndef upgrade():\n");
    int rc = render_body(&w, &body, up, nup, false);
    if (!rc) {
        ath_buf_puts(&body, "\n\ndef downgrade():\n");
        rc = render_body(&w, &body, down, ndown, true);
    }
    if (rc) {
        ath_buf_free(&body);
        return rc;
    }
    ath_buf_printf(out, "\"\"\"%s\n\nRevision ID: %s\nRevises: ",
                   meta->message ? meta->message : "None", meta->revision);
    for (size_t i = 0; i < meta->ndown_revisions; i++)
        ath_buf_printf(out, "%s%s", i ? ", " : "", meta->down_revisions[i]);
    ath_buf_printf(out, "\nCreate Date: %s\n\n\"\"\"\n",
                   meta->create_date ? meta->create_date : "");
    ath_buf_puts(out, "from alembic import op\nimport sqlalchemy as sa\n");
    if (w.pg_import)
        ath_buf_puts(out, "from sqlalchemy.dialects import postgresql\n");
    if (w.sqlite_import)
        ath_buf_puts(out, "from sqlalchemy.dialects import sqlite\n");
    if (!w.pg_import && !w.sqlite_import)
        ath_buf_putc(out, '\n');
    ath_buf_puts(out, "\n# revision identifiers, used by Alembic.\nrevision = ");
    ath_py_repr_str(out, meta->revision);
    ath_buf_puts(out, "\ndown_revision = ");
    py_revs(out, meta->down_revisions, meta->ndown_revisions, true);
    ath_buf_puts(out, "\nbranch_labels = ");
    py_revs(out, meta->branch_labels, meta->nbranch_labels, false);
    ath_buf_puts(out, "\ndepends_on = ");
    py_revs(out, meta->depends_on, meta->ndepends_on, true);
    ath_buf_putc(out, '\n');
    ath_buf_put(out, ath_buf_cstr(&body), body.len);
    ath_buf_free(&body);
    return ath_buf_check(out);
}

int ath_script_write_merge(ath_buf *out, const ath_script_meta *meta)
{
    if (!meta || meta->ndown_revisions < 2)
        return ath_error(ATH_EINVAL, "a merge needs at least two revisions to merge");
    return ath_script_write(out, meta, NULL, 0, NULL, 0, ATH_DIALECT_SQLITE);
}

int ath_script_new_id(char out[13])
{
    unsigned char raw[6];
    size_t got = 0;
    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ath_error(ATH_EIO, "no random bytes for a revision id: %s", strerror(errno));
        }
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

void ath_script_date_now(char *out, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    long us = ts.tv_nsec / 1000;
    char day[32];
    strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
    if (us)
        snprintf(out, size, "%s.%06ld", day, us);
    else
        snprintf(out, size, "%s", day);
}

/* Python's \w on bytes of UTF-8 text: ASCII letters, digits, '_', and any
 * non-ASCII byte (most non-ASCII characters are letters). */
static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c >= 0x80;
}

void ath_script_filename(ath_buf *out, const char *revision, const char *message)
{
    ath_buf slug = ATH_BUF_INIT;
    ath_buf_puts(&slug, "");
    for (const char *p = message ? message : ""; *p;) {
        if (!word_byte((unsigned char)*p)) {
            p++;
            continue;
        }
        if (slug.len)
            ath_buf_putc(&slug, '_');
        for (; *p && word_byte((unsigned char)*p); p++) {
            char c = *p;
            ath_buf_putc(&slug, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
        }
    }
    const char *s = ath_buf_cstr(&slug);
    size_t len = slug.len;
    ath_buf_printf(out, "%s_", revision);
    if (len > 40) {
        size_t cut = 40;
        while (cut > 0 && s[cut - 1] != '_')
            cut--;
        /* rsplit('_', 1)[0] + '_': with no '_' in the first 40, all 40 and a '_'. */
        if (cut == 0) {
            ath_buf_put(out, s, 40);
            ath_buf_putc(out, '_');
        } else {
            ath_buf_put(out, s, cut);
        }
    } else {
        ath_buf_put(out, s, len);
    }
    ath_buf_puts(out, ".py");
    ath_buf_free(&slug);
}
