/*
 * The one place identifiers and literals become SQL text. An identifier is
 * quoted when SQLAlchemy would quote it (a reserved word, upper case letters,
 * a character outside [a-z0-9_$], a leading digit or '$'), so generated DDL
 * reads like SQLAlchemy's own.
 */
#include "athanor.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's reserved key words (system_user since PostgreSQL 16), and the
 * few more SQLAlchemy quotes on PostgreSQL (new, of, off, old, over) so that
 * generated DDL matches its byte for byte. Lower case, sorted for bsearch. */
static const char *const pg_reserved[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "binary", "both", "case", "cast", "check", "collate",
    "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
    "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except",
    "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having",
    "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral",
    "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "new", "not",
    "notnull", "null", "of", "off", "offset", "old", "on", "only", "or", "order", "outer",
    "over", "overlaps", "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample",
    "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose",
    "when", "where", "window", "with",
};

/* SQLite's key words that SQLAlchemy quotes, lower case and sorted. */
static const char *const sqlite_reserved[] = {
    "add", "after", "all", "alter", "analyze", "and", "as", "asc", "attach",
    "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check",
    "collate", "column", "commit", "conflict", "constraint", "create", "cross",
    "current_date", "current_time", "current_timestamp", "database", "default",
    "deferrable", "deferred", "delete", "desc", "detach", "distinct", "drop", "each", "else",
    "end", "escape", "except", "exclusive", "exists", "explain", "fail", "false", "for",
    "foreign", "from", "full", "glob", "group", "having", "if", "ignore", "immediate", "in",
    "index", "indexed", "initially", "inner", "insert", "instead", "intersect", "into", "is",
    "isnull", "join", "key", "left", "like", "limit", "match", "natural", "not", "notnull",
    "null", "of", "offset", "on", "or", "order", "outer", "plan", "pragma", "primary",
    "query", "raise", "references", "reindex", "rename", "replace", "restrict", "right",
    "rollback", "row", "select", "set", "table", "temp", "temporary", "then", "to",
    "transaction", "trigger", "true", "union", "unique", "update", "using", "vacuum",
    "values", "view", "virtual", "when", "where",
};

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

bool ath_is_reserved_word(ath_dialect dialect, const char *name)
{
    char lower[32];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof(lower))
        return false;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    const char *const *list = dialect == ATH_DIALECT_POSTGRESQL ? pg_reserved : sqlite_reserved;
    size_t count = dialect == ATH_DIALECT_POSTGRESQL ? sizeof(pg_reserved) / sizeof(*pg_reserved)
                                                     : sizeof(sqlite_reserved) / sizeof(*sqlite_reserved);
    return bsearch(lower, list, count, sizeof(*list), cmp_word) != NULL;
}

static bool needs_quotes(ath_dialect dialect, const char *name)
{
    if (!*name || isdigit((unsigned char)name[0]) || name[0] == '$')
        return true;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(islower(c) || isdigit(c) || c == '_' || c == '$'))
            return true;
    }
    return ath_is_reserved_word(dialect, name);
}

void ath_quote_ident_always(ath_buf *out, const char *name)
{
    ath_buf_putc(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            ath_buf_putc(out, '"');
        ath_buf_putc(out, *p);
    }
    ath_buf_putc(out, '"');
}

void ath_quote_ident(ath_buf *out, ath_dialect dialect, const char *name)
{
    if (needs_quotes(dialect, name))
        ath_quote_ident_always(out, name);
    else
        ath_buf_puts(out, name);
}

void ath_quote_literal(ath_buf *out, ath_dialect dialect, const char *value)
{
    (void)dialect; /* both dialects use standard strings: only quotes are doubled */
    ath_buf_putc(out, '\'');
    for (const char *p = value; *p; p++) {
        if (*p == '\'')
            ath_buf_putc(out, '\'');
        ath_buf_putc(out, *p);
    }
    ath_buf_putc(out, '\'');
}
