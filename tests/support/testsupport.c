/* Helpers for the cmocka tests; see testsupport.h. */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool in_ci(void)
{
    const char *ci = getenv("CI");
    return ci && strcmp(ci, "true") == 0;
}

char *ts_pg_fresh_db(const char *tag)
{
    const char *base = getenv("ATHANOR_TEST_PG_URL");
    if (!base || !*base) {
        if (in_ci())
            fail_msg("ATHANOR_TEST_PG_URL is not set under CI=true: PostgreSQL tests cannot be skipped");
        skip();
    }
    ath_backend *admin = ts_open(base);
    ath_buf sql = ATH_BUF_INIT;
    ath_buf_puts(&sql, "DROP DATABASE IF EXISTS ");
    ath_quote_ident_always(&sql, tag);
    ath_buf_puts(&sql, " WITH (FORCE)");
    ts_exec(admin, ath_buf_cstr(&sql));
    ath_buf_clear(&sql);
    ath_buf_puts(&sql, "CREATE DATABASE ");
    ath_quote_ident_always(&sql, tag);
    ts_exec(admin, ath_buf_cstr(&sql));
    ath_buf_free(&sql);
    ath_backend_close(admin);

    /* Replace the database name: everything after the last '/' before any '?'. */
    const char *query = strchr(base, '?');
    size_t end = query ? (size_t)(query - base) : strlen(base);
    size_t slash = end;
    while (slash > 0 && base[slash - 1] != '/')
        slash--;
    ath_buf url = ATH_BUF_INIT;
    ath_buf_put(&url, base, slash);
    ath_buf_puts(&url, tag);
    if (query)
        ath_buf_puts(&url, query);
    assert_int_equal(ath_buf_check(&url), 0);
    return ath_buf_detach(&url);
}

char *ts_sqlite_path(const char *tag)
{
    /* Under the build tree when ctest runs us, so nothing piles up in /tmp. */
    const char *base = getenv("ATHANOR_TEST_TMPDIR");
    ath_buf dir = ATH_BUF_INIT;
    ath_buf_printf(&dir, "%s/athanor-test-XXXXXX", base && *base ? base : "/tmp");
    assert_int_equal(ath_buf_check(&dir), 0);
    if (!mkdtemp(dir.ptr))
        fail_msg("mkdtemp failed in %s", base && *base ? base : "/tmp");
    ath_buf path = ATH_BUF_INIT;
    ath_buf_printf(&path, "%s/%s.db", dir.ptr, tag);
    ath_buf_free(&dir);
    assert_int_equal(ath_buf_check(&path), 0);
    return ath_buf_detach(&path);
}

char *ts_sqlite_url(const char *path)
{
    ath_buf url = ATH_BUF_INIT;
    ath_buf_printf(&url, "sqlite:///%s", path);
    assert_int_equal(ath_buf_check(&url), 0);
    return ath_buf_detach(&url);
}

ath_backend *ts_open(const char *url)
{
    ath_backend *backend = NULL;
    int rc = ath_backend_open(&backend, url, 0);
    if (rc != 0)
        fail_msg("open failed: %s", ath_error_last());
    return backend;
}

void ts_exec(ath_backend *backend, const char *sql)
{
    if (ath_backend_exec(backend, sql) != 0)
        fail_msg("exec failed: %s", ath_error_last());
}

const char **ts_strs(ath_arena *arena, size_t n, ...)
{
    const char **list = ath_arena_alloc(arena, (n ? n : 1) * sizeof(char *));
    assert_non_null(list);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        list[i] = va_arg(ap, const char *);
    va_end(ap);
    return list;
}

ath_column *ts_col(ath_schema *schema, ath_table *table, const char *name, ath_type_kind kind,
                   bool nullable)
{
    ath_column *c = ath_table_add_column(schema, table, name);
    assert_non_null(c);
    c->type = ath_type_make(kind);
    c->nullable = nullable;
    return c;
}

ath_index *ts_index(ath_schema *schema, ath_table *table, const char *name, bool unique, size_t n,
                    const char **cols)
{
    ath_index *ix = ath_table_add_index(schema, table);
    assert_non_null(ix);
    ix->name = name;
    ix->unique = unique;
    ix->elems = ath_arena_alloc(schema->arena, (n ? n : 1) * sizeof(*ix->elems));
    assert_non_null(ix->elems);
    for (size_t i = 0; i < n; i++)
        ix->elems[i].text = cols[i];
    ix->nelems = n;
    return ix;
}
