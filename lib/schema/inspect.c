/*
 * A Schema as readable text and as JSON, for `athanor inspect`. Both are pure
 * functions of the (sorted) Schema, so equal schemas print equal bytes.
 */
#include "athanor.h"

#include <string.h>

static const char *kind_name(ath_type_kind k)
{
    switch (k) {
    case ATH_TYPE_INTEGER: return "Integer";
    case ATH_TYPE_BIGINT: return "BigInteger";
    case ATH_TYPE_SMALLINT: return "SmallInteger";
    case ATH_TYPE_BOOLEAN: return "Boolean";
    case ATH_TYPE_STRING: return "String";
    case ATH_TYPE_TEXT: return "Text";
    case ATH_TYPE_UNICODE: return "Unicode";
    case ATH_TYPE_UNICODE_TEXT: return "UnicodeText";
    case ATH_TYPE_FLOAT: return "Float";
    case ATH_TYPE_NUMERIC: return "Numeric";
    case ATH_TYPE_DATETIME: return "DateTime";
    case ATH_TYPE_DATE: return "Date";
    case ATH_TYPE_TIME: return "Time";
    case ATH_TYPE_INTERVAL: return "Interval";
    case ATH_TYPE_LARGEBINARY: return "LargeBinary";
    case ATH_TYPE_ENUM: return "Enum";
    case ATH_TYPE_JSON: return "JSON";
    case ATH_TYPE_UUID: return "Uuid";
    case ATH_TYPE_CHAR: return "CHAR";
    case ATH_TYPE_ARRAY: return "ARRAY";
    case ATH_TYPE_OTHER: return "Other";
    }
    return "Other";
}

/* ---- text ---- */

static void qualified(ath_buf *out, const char *schema, const char *name)
{
    if (schema)
        ath_buf_printf(out, "%s.", schema);
    ath_buf_puts(out, name);
}

static void names(ath_buf *out, const char **list, size_t n)
{
    ath_buf_putc(out, '(');
    for (size_t i = 0; i < n; i++)
        ath_buf_printf(out, "%s%s", i ? ", " : "", list[i]);
    ath_buf_putc(out, ')');
}

static void pad(ath_buf *out, size_t have, size_t want)
{
    for (; have < want; have++)
        ath_buf_putc(out, ' ');
}

static void text_table(ath_buf *out, const ath_table *t)
{
    ath_buf_puts(out, "table ");
    qualified(out, t->schema, t->name);
    ath_buf_putc(out, '\n');
    if (t->comment)
        ath_buf_printf(out, "  comment %s\n", t->comment);

    size_t wname = 0, wtype = 0;
    ath_buf ty = ATH_BUF_INIT;
    for (size_t i = 0; i < t->ncolumns; i++) {
        size_t n = strlen(t->columns[i].name);
        wname = n > wname ? n : wname;
        ath_buf_clear(&ty);
        ath_type_sqla(&ty, &t->columns[i].type);
        wtype = ty.len > wtype ? ty.len : wtype;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        const ath_column *c = &t->columns[i];
        ath_buf_puts(out, "  column ");
        ath_buf_puts(out, c->name);
        pad(out, strlen(c->name), wname + 2);
        ath_buf_clear(&ty);
        ath_type_sqla(&ty, &c->type);
        ath_buf_puts(out, ath_buf_cstr(&ty));
        pad(out, ty.len, wtype + 2);
        ath_buf_puts(out, c->nullable ? "NULL" : "NOT NULL");
        if (c->identity != ATH_IDENTITY_NONE)
            ath_buf_puts(out, c->identity == ATH_IDENTITY_ALWAYS ? "  identity always"
                                                                 : "  identity by default");
        else if (c->autoincrement == ATH_AUTOINC_TRUE)
            ath_buf_puts(out, "  autoincrement");
        if (c->server_default)
            ath_buf_printf(out, "  default %s", c->server_default);
        if (c->comment)
            ath_buf_printf(out, "  comment %s", c->comment);
        ath_buf_putc(out, '\n');
    }
    ath_buf_free(&ty);

    if (t->pk.ncolumns) {
        ath_buf_puts(out, "  primary key ");
        if (t->pk.name)
            ath_buf_printf(out, "%s ", t->pk.name);
        names(out, t->pk.columns, t->pk.ncolumns);
        ath_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        ath_buf_puts(out, "  unique ");
        if (t->uniques[i].name)
            ath_buf_printf(out, "%s ", t->uniques[i].name);
        names(out, t->uniques[i].columns, t->uniques[i].ncolumns);
        ath_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const ath_index *ix = &t->indexes[i];
        ath_buf_printf(out, "  %s %s (", ix->unique ? "unique index" : "index", ix->name);
        for (size_t j = 0; j < ix->nelems; j++)
            ath_buf_printf(out, "%s%s", j ? ", " : "", ix->elems[j].text);
        ath_buf_putc(out, ')');
        if (ix->where)
            ath_buf_printf(out, " where %s", ix->where);
        ath_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < t->nfks; i++) {
        const ath_foreign_key *fk = &t->fks[i];
        ath_buf_puts(out, "  foreign key ");
        if (fk->name)
            ath_buf_printf(out, "%s ", fk->name);
        names(out, fk->columns, fk->ncolumns);
        ath_buf_puts(out, " references ");
        qualified(out, fk->ref_schema, fk->ref_table);
        ath_buf_putc(out, ' ');
        names(out, fk->ref_columns, fk->ncolumns);
        if (fk->ondelete)
            ath_buf_printf(out, " on delete %s", fk->ondelete);
        if (fk->onupdate)
            ath_buf_printf(out, " on update %s", fk->onupdate);
        if (fk->deferrable)
            ath_buf_puts(out, " deferrable");
        if (fk->initially)
            ath_buf_printf(out, " initially %s", fk->initially);
        ath_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        ath_buf_puts(out, "  check ");
        if (t->checks[i].name)
            ath_buf_printf(out, "%s ", t->checks[i].name);
        ath_buf_printf(out, "(%s)\n", t->checks[i].sqltext);
    }
}

int ath_schema_to_text(ath_buf *out, const ath_schema *s)
{
    for (size_t i = 0; i < s->nenums; i++) {
        ath_buf_puts(out, "enum ");
        qualified(out, s->enums[i].schema, s->enums[i].name);
        ath_buf_puts(out, " (");
        for (size_t v = 0; v < s->enums[i].nvalues; v++) {
            if (v)
                ath_buf_puts(out, ", ");
            ath_quote_literal(out, ATH_DIALECT_POSTGRESQL, s->enums[i].values[v]);
        }
        ath_buf_puts(out, ")\n\n");
    }
    for (size_t i = 0; i < s->ntables; i++) {
        if (i)
            ath_buf_putc(out, '\n');
        text_table(out, &s->tables[i]);
    }
    if (s->ntables == 0 && s->nenums == 0)
        ath_buf_puts(out, "(no tables)\n");
    return ath_buf_check(out);
}

/* ---- JSON ---- */

static void jstr(ath_buf *out, const char *s)
{
    if (!s) {
        ath_buf_puts(out, "null");
        return;
    }
    ath_buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': ath_buf_puts(out, "\\\""); break;
        case '\\': ath_buf_puts(out, "\\\\"); break;
        case '\n': ath_buf_puts(out, "\\n"); break;
        case '\r': ath_buf_puts(out, "\\r"); break;
        case '\t': ath_buf_puts(out, "\\t"); break;
        default:
            if (*p < 0x20)
                ath_buf_printf(out, "\\u%04x", *p);
            else
                ath_buf_putc(out, (char)*p);
        }
    }
    ath_buf_putc(out, '"');
}

static void jstrs(ath_buf *out, const char **list, size_t n)
{
    ath_buf_putc(out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            ath_buf_puts(out, ", ");
        jstr(out, list[i]);
    }
    ath_buf_putc(out, ']');
}

static void jkey(ath_buf *out, const char *indent, const char *key, bool first)
{
    ath_buf_printf(out, "%s\n%s\"%s\": ", first ? "" : ",", indent, key);
}

static void jtype(ath_buf *out, const ath_type *t)
{
    ath_buf_puts(out, "{\"kind\": ");
    jstr(out, t->kind == ATH_TYPE_OTHER ? t->name : kind_name(t->kind));
    if (t->length >= 0)
        ath_buf_printf(out, ", \"length\": %d", t->length);
    if (t->precision >= 0)
        ath_buf_printf(out, ", \"precision\": %d", t->precision);
    if (t->scale >= 0)
        ath_buf_printf(out, ", \"scale\": %d", t->scale);
    if (t->timezone)
        ath_buf_puts(out, ", \"timezone\": true");
    if (t->kind == ATH_TYPE_ENUM) {
        ath_buf_puts(out, ", \"name\": ");
        jstr(out, t->name);
        ath_buf_puts(out, ", \"values\": ");
        jstrs(out, t->values, t->nvalues);
    }
    if (t->kind == ATH_TYPE_OTHER && t->args) {
        ath_buf_puts(out, ", \"args\": ");
        jstr(out, t->args);
    }
    if (t->kind == ATH_TYPE_ARRAY && t->item) {
        ath_buf_puts(out, ", \"item\": ");
        jtype(out, t->item);
        ath_buf_printf(out, ", \"dimensions\": %d", t->dimensions);
    }
    ath_buf_putc(out, '}');
}

static void jcolumn(ath_buf *out, const ath_column *c)
{
    static const char *const autoinc[] = {"auto", "true", "false"};
    static const char *const identity[] = {NULL, "always", "by default"};
    ath_buf_puts(out, "{\"name\": ");
    jstr(out, c->name);
    ath_buf_puts(out, ", \"type\": ");
    jtype(out, &c->type);
    ath_buf_printf(out, ", \"nullable\": %s, \"default\": ", c->nullable ? "true" : "false");
    jstr(out, c->server_default);
    ath_buf_printf(out, ", \"autoincrement\": \"%s\", \"identity\": ", autoinc[c->autoincrement]);
    jstr(out, identity[c->identity]);
    ath_buf_puts(out, ", \"comment\": ");
    jstr(out, c->comment);
    ath_buf_putc(out, '}');
}

static void jtable(ath_buf *out, const ath_table *t)
{
    const char *in = "      ";
    ath_buf_puts(out, "    {");
    jkey(out, in, "schema", true);
    jstr(out, t->schema);
    jkey(out, in, "name", false);
    jstr(out, t->name);
    jkey(out, in, "comment", false);
    jstr(out, t->comment);
    jkey(out, in, "columns", false);
    ath_buf_putc(out, '[');
    for (size_t i = 0; i < t->ncolumns; i++) {
        ath_buf_printf(out, "%s\n        ", i ? "," : "");
        jcolumn(out, &t->columns[i]);
    }
    ath_buf_printf(out, "%s]", t->ncolumns ? "\n      " : "");

    jkey(out, in, "primary_key", false);
    if (t->pk.ncolumns) {
        ath_buf_puts(out, "{\"name\": ");
        jstr(out, t->pk.name);
        ath_buf_puts(out, ", \"columns\": ");
        jstrs(out, t->pk.columns, t->pk.ncolumns);
        ath_buf_putc(out, '}');
    } else {
        ath_buf_puts(out, "null");
    }

    jkey(out, in, "unique_constraints", false);
    ath_buf_putc(out, '[');
    for (size_t i = 0; i < t->nuniques; i++) {
        ath_buf_printf(out, "%s\n        {\"name\": ", i ? "," : "");
        jstr(out, t->uniques[i].name);
        ath_buf_puts(out, ", \"columns\": ");
        jstrs(out, t->uniques[i].columns, t->uniques[i].ncolumns);
        ath_buf_putc(out, '}');
    }
    ath_buf_printf(out, "%s]", t->nuniques ? "\n      " : "");

    jkey(out, in, "indexes", false);
    ath_buf_putc(out, '[');
    for (size_t i = 0; i < t->nindexes; i++) {
        const ath_index *ix = &t->indexes[i];
        ath_buf_printf(out, "%s\n        {\"name\": ", i ? "," : "");
        jstr(out, ix->name);
        ath_buf_printf(out, ", \"unique\": %s, \"elements\": [", ix->unique ? "true" : "false");
        for (size_t j = 0; j < ix->nelems; j++) {
            ath_buf_puts(out, j ? ", {" : "{");
            ath_buf_puts(out, ix->elems[j].expression ? "\"expression\": " : "\"column\": ");
            jstr(out, ix->elems[j].text);
            ath_buf_putc(out, '}');
        }
        ath_buf_puts(out, "], \"where\": ");
        jstr(out, ix->where);
        ath_buf_putc(out, '}');
    }
    ath_buf_printf(out, "%s]", t->nindexes ? "\n      " : "");

    jkey(out, in, "foreign_keys", false);
    ath_buf_putc(out, '[');
    for (size_t i = 0; i < t->nfks; i++) {
        const ath_foreign_key *fk = &t->fks[i];
        ath_buf_printf(out, "%s\n        {\"name\": ", i ? "," : "");
        jstr(out, fk->name);
        ath_buf_puts(out, ", \"columns\": ");
        jstrs(out, fk->columns, fk->ncolumns);
        ath_buf_puts(out, ", \"referred_schema\": ");
        jstr(out, fk->ref_schema);
        ath_buf_puts(out, ", \"referred_table\": ");
        jstr(out, fk->ref_table);
        ath_buf_puts(out, ", \"referred_columns\": ");
        jstrs(out, fk->ref_columns, fk->ncolumns);
        ath_buf_puts(out, ", \"ondelete\": ");
        jstr(out, fk->ondelete);
        ath_buf_puts(out, ", \"onupdate\": ");
        jstr(out, fk->onupdate);
        ath_buf_printf(out, ", \"deferrable\": %s, \"initially\": ", fk->deferrable ? "true" : "false");
        jstr(out, fk->initially);
        ath_buf_putc(out, '}');
    }
    ath_buf_printf(out, "%s]", t->nfks ? "\n      " : "");

    jkey(out, in, "check_constraints", false);
    ath_buf_putc(out, '[');
    for (size_t i = 0; i < t->nchecks; i++) {
        ath_buf_printf(out, "%s\n        {\"name\": ", i ? "," : "");
        jstr(out, t->checks[i].name);
        ath_buf_puts(out, ", \"sqltext\": ");
        jstr(out, t->checks[i].sqltext);
        ath_buf_putc(out, '}');
    }
    ath_buf_printf(out, "%s]\n    }", t->nchecks ? "\n      " : "");
}

int ath_schema_to_json(ath_buf *out, const ath_schema *s)
{
    ath_buf_puts(out, "{\n  \"enums\": [");
    for (size_t i = 0; i < s->nenums; i++) {
        ath_buf_printf(out, "%s\n    {\"schema\": ", i ? "," : "");
        jstr(out, s->enums[i].schema);
        ath_buf_puts(out, ", \"name\": ");
        jstr(out, s->enums[i].name);
        ath_buf_puts(out, ", \"values\": ");
        jstrs(out, s->enums[i].values, s->enums[i].nvalues);
        ath_buf_putc(out, '}');
    }
    ath_buf_printf(out, "%s],\n  \"tables\": [", s->nenums ? "\n  " : "");
    for (size_t i = 0; i < s->ntables; i++) {
        ath_buf_puts(out, i ? ",\n" : "\n");
        jtable(out, &s->tables[i]);
    }
    ath_buf_printf(out, "%s]\n}\n", s->ntables ? "\n  " : "");
    return ath_buf_check(out);
}
