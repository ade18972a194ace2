/*
 * The type system: reading a type as a database reports it, comparing two
 * types for one dialect, and spelling a type as DDL or as SQLAlchemy does.
 * Comparison goes through the DDL spelling, so two types are equal exactly
 * when they create the same column type.
 */
#include "athanor.h"
#include "py/repr.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_map {
    const char *name;      /* lower case, single spaces */
    ath_type_kind kind;
    int precision;         /* fixed precision the name implies, -1 if none */
    int timezone;          /* 1 with time zone, 0 without */
} name_map;

/* Names both dialects report or accept, folded to SQLAlchemy's generic types. */
static const name_map known_names[] = {
    {"integer", ATH_TYPE_INTEGER, -1, 0},
    {"int", ATH_TYPE_INTEGER, -1, 0},
    {"int4", ATH_TYPE_INTEGER, -1, 0},
    {"serial", ATH_TYPE_INTEGER, -1, 0},
    {"bigint", ATH_TYPE_BIGINT, -1, 0},
    {"int8", ATH_TYPE_BIGINT, -1, 0},
    {"bigserial", ATH_TYPE_BIGINT, -1, 0},
    {"smallint", ATH_TYPE_SMALLINT, -1, 0},
    {"int2", ATH_TYPE_SMALLINT, -1, 0},
    {"smallserial", ATH_TYPE_SMALLINT, -1, 0},
    {"boolean", ATH_TYPE_BOOLEAN, -1, 0},
    {"bool", ATH_TYPE_BOOLEAN, -1, 0},
    {"character varying", ATH_TYPE_STRING, -1, 0},
    {"varchar", ATH_TYPE_STRING, -1, 0},
    {"nvarchar", ATH_TYPE_STRING, -1, 0},
    {"character", ATH_TYPE_CHAR, -1, 0},
    {"char", ATH_TYPE_CHAR, -1, 0},
    {"nchar", ATH_TYPE_CHAR, -1, 0},
    {"bpchar", ATH_TYPE_CHAR, -1, 0},
    {"text", ATH_TYPE_TEXT, -1, 0},
    {"clob", ATH_TYPE_TEXT, -1, 0},
    {"double precision", ATH_TYPE_FLOAT, -1, 0},
    {"float8", ATH_TYPE_FLOAT, -1, 0},
    {"double", ATH_TYPE_FLOAT, -1, 0},
    {"float", ATH_TYPE_FLOAT, -1, 0},
    {"real", ATH_TYPE_FLOAT, 24, 0},
    {"float4", ATH_TYPE_FLOAT, 24, 0},
    {"numeric", ATH_TYPE_NUMERIC, -1, 0},
    {"decimal", ATH_TYPE_NUMERIC, -1, 0},
    {"timestamp", ATH_TYPE_DATETIME, -1, 0},
    {"timestamp without time zone", ATH_TYPE_DATETIME, -1, 0},
    {"timestamp with time zone", ATH_TYPE_DATETIME, -1, 1},
    {"timestamptz", ATH_TYPE_DATETIME, -1, 1},
    {"datetime", ATH_TYPE_DATETIME, -1, 0},
    {"date", ATH_TYPE_DATE, -1, 0},
    {"time", ATH_TYPE_TIME, -1, 0},
    {"time without time zone", ATH_TYPE_TIME, -1, 0},
    {"time with time zone", ATH_TYPE_TIME, -1, 1},
    {"timetz", ATH_TYPE_TIME, -1, 1},
    {"interval", ATH_TYPE_INTERVAL, -1, 0},
    {"bytea", ATH_TYPE_LARGEBINARY, -1, 0},
    {"blob", ATH_TYPE_LARGEBINARY, -1, 0},
    {"json", ATH_TYPE_JSON, -1, 0},
    {"uuid", ATH_TYPE_UUID, -1, 0},
};

static bool parse_int(const char *s, size_t n, int *out)
{
    char tmp[16];
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    long v = strtol(tmp, &end, 10);
    if (errno || *end || v < 0 || v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}

/*
 * Splits "timestamp(6) with time zone" into the folded name "timestamp with
 * time zone" and the argument text "6". Returns false for unbalanced text.
 */
static bool split_type(ath_buf *name, ath_buf *args, const char *text, size_t len)
{
    int depth = 0;
    bool space = false;
    bool seen_args = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '(') {
            if (depth > 0)
                ath_buf_putc(args, c);
            else if (seen_args)
                return false;
            depth++;
            continue;
        }
        if (c == ')') {
            if (--depth < 0)
                return false;
            if (depth > 0)
                ath_buf_putc(args, c);
            else
                seen_args = true;
            continue;
        }
        if (depth > 0) {
            ath_buf_putc(args, c);
            continue;
        }
        if (isspace((unsigned char)c)) {
            space = name->len > 0;
            continue;
        }
        if (space)
            ath_buf_putc(name, ' ');
        space = false;
        ath_buf_putc(name, (char)tolower((unsigned char)c));
    }
    return depth == 0;
}

int ath_type_parse_sql(ath_type *out, ath_arena *arena, ath_dialect dialect, const char *text)
{
    (void)dialect;
    size_t len = strlen(text);
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    int dims = 0;
    while (len >= 2 && text[len - 2] == '[' && text[len - 1] == ']') {
        dims++;
        len -= 2;
        while (len && isspace((unsigned char)text[len - 1]))
            len--;
    }
    ath_buf name = ATH_BUF_INIT, args = ATH_BUF_INIT;
    bool ok = split_type(&name, &args, text, len);
    int rc = 0;
    if (!ok || name.len == 0) {
        rc = ath_error(ATH_EPARSE, "cannot read the type '%s'", text);
        goto done;
    }
    if ((rc = ath_buf_check(&name)) || (rc = ath_buf_check(&args)))
        goto done;

    ath_type t = ath_type_make(ATH_TYPE_OTHER);
    const name_map *hit = NULL;
    for (size_t i = 0; i < sizeof(known_names) / sizeof(known_names[0]); i++)
        if (strcmp(known_names[i].name, name.ptr) == 0)
            hit = &known_names[i];
    const char *a = ath_buf_cstr(&args);
    const char *comma = strchr(a, ',');
    if (hit) {
        t.kind = hit->kind;
        t.precision = hit->precision;
        t.timezone = hit->timezone != 0;
        switch (t.kind) {
        case ATH_TYPE_STRING:
        case ATH_TYPE_CHAR:
            if (args.len && !parse_int(a, args.len, &t.length))
                hit = NULL;
            break;
        case ATH_TYPE_FLOAT:
            if (args.len && !parse_int(a, args.len, &t.precision))
                hit = NULL;
            break;
        case ATH_TYPE_NUMERIC:
            if (comma) {
                if (!parse_int(a, (size_t)(comma - a), &t.precision) ||
                    !parse_int(comma + 1, strlen(comma + 1), &t.scale))
                    hit = NULL;
            } else if (args.len && !parse_int(a, args.len, &t.precision)) {
                hit = NULL;
            }
            break;
        default:
            /* Fractional-second precision of TIMESTAMP(6) and the like does
             * not change the generic type. */
            break;
        }
    }
    if (!hit) {
        t = ath_type_make(ATH_TYPE_OTHER);
        for (size_t i = 0; i < name.len; i++)
            name.ptr[i] = (char)toupper((unsigned char)name.ptr[i]);
        t.name = ath_arena_strdup(arena, name.ptr);
        t.args = args.len ? ath_arena_strdup(arena, a) : NULL;
        if (!t.name || (args.len && !t.args)) {
            rc = ath_error_oom();
            goto done;
        }
    }
    if (dims) {
        ath_type *item = ath_arena_alloc(arena, sizeof(*item));
        if (!item) {
            rc = ath_error_oom();
            goto done;
        }
        *item = t;
        t = ath_type_make(ATH_TYPE_ARRAY);
        t.item = item;
        t.dimensions = dims;
    }
    *out = t;
done:
    ath_buf_free(&name);
    ath_buf_free(&args);
    return rc;
}

static int enum_max_length(const ath_type *t)
{
    size_t max = 0;
    for (size_t i = 0; i < t->nvalues; i++) {
        size_t n = strlen(t->values[i]);
        if (n > max)
            max = n;
    }
    return (int)max;
}

void ath_type_sql(ath_buf *out, const ath_type *t, ath_dialect dialect)
{
    bool pg = dialect == ATH_DIALECT_POSTGRESQL;
    switch (t->kind) {
    case ATH_TYPE_INTEGER: ath_buf_puts(out, "INTEGER"); return;
    case ATH_TYPE_BIGINT: ath_buf_puts(out, "BIGINT"); return;
    case ATH_TYPE_SMALLINT: ath_buf_puts(out, "SMALLINT"); return;
    case ATH_TYPE_BOOLEAN: ath_buf_puts(out, "BOOLEAN"); return;
    case ATH_TYPE_STRING:
    case ATH_TYPE_UNICODE:
        ath_buf_puts(out, "VARCHAR");
        if (t->length >= 0)
            ath_buf_printf(out, "(%d)", t->length);
        return;
    case ATH_TYPE_CHAR:
        ath_buf_puts(out, "CHAR");
        if (t->length >= 0)
            ath_buf_printf(out, "(%d)", t->length);
        return;
    case ATH_TYPE_TEXT:
    case ATH_TYPE_UNICODE_TEXT: ath_buf_puts(out, "TEXT"); return;
    case ATH_TYPE_FLOAT:
        /* SQLAlchemy writes the precision only for PostgreSQL. */
        ath_buf_puts(out, "FLOAT");
        if (pg && t->precision >= 0)
            ath_buf_printf(out, "(%d)", t->precision);
        return;
    case ATH_TYPE_NUMERIC:
        ath_buf_puts(out, "NUMERIC");
        if (t->precision >= 0 && t->scale >= 0)
            ath_buf_printf(out, "(%d, %d)", t->precision, t->scale);
        else if (t->precision >= 0)
            ath_buf_printf(out, "(%d)", t->precision);
        return;
    case ATH_TYPE_DATETIME:
        if (!pg)
            ath_buf_puts(out, "DATETIME");
        else
            ath_buf_puts(out, t->timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE");
        return;
    case ATH_TYPE_DATE: ath_buf_puts(out, "DATE"); return;
    case ATH_TYPE_TIME:
        if (!pg)
            ath_buf_puts(out, "TIME");
        else
            ath_buf_puts(out, t->timezone ? "TIME WITH TIME ZONE" : "TIME WITHOUT TIME ZONE");
        return;
    case ATH_TYPE_INTERVAL: ath_buf_puts(out, pg ? "INTERVAL" : "DATETIME"); return;
    case ATH_TYPE_LARGEBINARY: ath_buf_puts(out, pg ? "BYTEA" : "BLOB"); return;
    case ATH_TYPE_ENUM:
        if (pg && t->name)
            ath_quote_ident(out, dialect, t->name);
        else
            ath_buf_printf(out, "VARCHAR(%d)", t->length >= 0 ? t->length : enum_max_length(t));
        return;
    case ATH_TYPE_JSON: ath_buf_puts(out, "JSON"); return;
    case ATH_TYPE_UUID: ath_buf_puts(out, pg ? "UUID" : "CHAR(32)"); return;
    case ATH_TYPE_ARRAY:
        if (t->item)
            ath_type_sql(out, t->item, dialect);
        for (int i = 0; i < (t->dimensions > 0 ? t->dimensions : 1); i++)
            ath_buf_puts(out, "[]");
        return;
    case ATH_TYPE_OTHER:
        ath_buf_puts(out, t->name ? t->name : "NULL");
        if (t->args)
            ath_buf_printf(out, "(%s)", t->args);
        return;
    }
}

/* The spelling two types are compared by: the DDL, folded where the database
 * folds two spellings into one type. */
static void canonical(ath_buf *out, const ath_type *t, ath_dialect dialect)
{
    if (dialect == ATH_DIALECT_POSTGRESQL && t->kind == ATH_TYPE_FLOAT) {
        /* PostgreSQL keeps two float types: real for up to 24 bits, else double. */
        ath_buf_puts(out, t->precision >= 0 && t->precision <= 24 ? "REAL" : "DOUBLE PRECISION");
        return;
    }
    if (dialect == ATH_DIALECT_SQLITE && t->kind == ATH_TYPE_FLOAT) {
        ath_buf_puts(out, "FLOAT");
        return;
    }
    if (t->kind == ATH_TYPE_ARRAY && t->item) {
        canonical(out, t->item, dialect);
        ath_buf_puts(out, "[]");
        return;
    }
    ath_type_sql(out, t, dialect);
}

bool ath_type_equal(const ath_type *a, const ath_type *b, ath_dialect dialect)
{
    ath_buf x = ATH_BUF_INIT, y = ATH_BUF_INIT;
    canonical(&x, a, dialect);
    canonical(&y, b, dialect);
    bool eq = !x.oom && !y.oom && strcmp(ath_buf_cstr(&x), ath_buf_cstr(&y)) == 0;
    ath_buf_free(&x);
    ath_buf_free(&y);
    return eq;
}

void ath_type_sqla(ath_buf *out, const ath_type *t)
{
    switch (t->kind) {
    case ATH_TYPE_INTEGER: ath_buf_puts(out, "Integer()"); return;
    case ATH_TYPE_BIGINT: ath_buf_puts(out, "BigInteger()"); return;
    case ATH_TYPE_SMALLINT: ath_buf_puts(out, "SmallInteger()"); return;
    case ATH_TYPE_BOOLEAN: ath_buf_puts(out, "Boolean()"); return;
    case ATH_TYPE_STRING:
    case ATH_TYPE_UNICODE:
    case ATH_TYPE_CHAR:
        ath_buf_puts(out, t->kind == ATH_TYPE_STRING ? "String(" : t->kind == ATH_TYPE_UNICODE ? "Unicode(" : "CHAR(");
        if (t->length >= 0)
            ath_buf_printf(out, "length=%d", t->length);
        ath_buf_putc(out, ')');
        return;
    case ATH_TYPE_TEXT: ath_buf_puts(out, "Text()"); return;
    case ATH_TYPE_UNICODE_TEXT: ath_buf_puts(out, "UnicodeText()"); return;
    case ATH_TYPE_FLOAT:
        if (t->precision >= 0)
            ath_buf_printf(out, "Float(precision=%d)", t->precision);
        else
            ath_buf_puts(out, "Float()");
        return;
    case ATH_TYPE_NUMERIC:
        ath_buf_puts(out, "Numeric(");
        if (t->precision >= 0)
            ath_buf_printf(out, "precision=%d", t->precision);
        if (t->scale >= 0)
            ath_buf_printf(out, "%sscale=%d", t->precision >= 0 ? ", " : "", t->scale);
        ath_buf_putc(out, ')');
        return;
    case ATH_TYPE_DATETIME: ath_buf_puts(out, t->timezone ? "DateTime(timezone=True)" : "DateTime()"); return;
    case ATH_TYPE_DATE: ath_buf_puts(out, "Date()"); return;
    case ATH_TYPE_TIME: ath_buf_puts(out, t->timezone ? "Time(timezone=True)" : "Time()"); return;
    case ATH_TYPE_INTERVAL: ath_buf_puts(out, "Interval()"); return;
    case ATH_TYPE_LARGEBINARY: ath_buf_puts(out, "LargeBinary()"); return;
    case ATH_TYPE_ENUM:
        ath_buf_puts(out, "Enum(");
        for (size_t i = 0; i < t->nvalues; i++) {
            if (i)
                ath_buf_puts(out, ", ");
            ath_py_repr_str(out, t->values[i]);
        }
        if (t->name) {
            ath_buf_puts(out, t->nvalues ? ", name=" : "name=");
            ath_py_repr_str(out, t->name);
        }
        ath_buf_putc(out, ')');
        return;
    case ATH_TYPE_JSON: ath_buf_puts(out, "JSON()"); return;
    case ATH_TYPE_UUID: ath_buf_puts(out, "Uuid()"); return;
    case ATH_TYPE_ARRAY:
        ath_buf_puts(out, "ARRAY(");
        if (t->item)
            ath_type_sqla(out, t->item);
        if (t->dimensions > 1)
            ath_buf_printf(out, ", dimensions=%d", t->dimensions);
        ath_buf_putc(out, ')');
        return;
    case ATH_TYPE_OTHER:
        ath_buf_printf(out, "%s(%s)", t->name ? t->name : "NullType", t->args ? t->args : "");
        return;
    }
}
