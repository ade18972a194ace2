/*
 * The public face of the backends: parse the URL, pick the dialect's table of
 * functions, and keep what is common to both (transaction state, savepoints
 * inside the lock's transaction, the statement counter, error text).
 */
#include "backend/backend.h"

#include <stdlib.h>
#include <string.h>

int ath_backend_fail(const char *what, const char *message, const char *sqlstate, const char *sql)
{
    ath_buf msg = ATH_BUF_INIT;
    ath_buf_printf(&msg, "%s: ", what);
    /* Server messages may span lines; keep the words, drop trailing space. */
    size_t n = message ? strlen(message) : 0;
    while (n && (message[n - 1] == '\n' || message[n - 1] == ' '))
        n--;
    if (n)
        ath_buf_put(&msg, message, n);
    else
        ath_buf_puts(&msg, "unknown error");
    if (sqlstate && *sqlstate)
        ath_buf_printf(&msg, " [SQLSTATE %s]", sqlstate);
    if (sql && *sql) {
        size_t len = strlen(sql);
        while (len && (sql[len - 1] == '\n' || sql[len - 1] == ' ' || sql[len - 1] == ';'))
            len--;
        ath_buf_puts(&msg, "\n  statement: ");
        ath_buf_put(&msg, sql, len > 400 ? 400 : len);
        if (len > 400)
            ath_buf_puts(&msg, " ...");
    }
    if (msg.oom) {
        ath_buf_free(&msg);
        return ath_error_oom();
    }
    ath_error(ATH_EBACKEND, "%s", ath_buf_cstr(&msg));
    ath_buf_free(&msg);
    return ATH_EBACKEND;
}

int ath_backend_open(ath_backend **out, const char *url, unsigned flags)
{
    *out = NULL;
    ath_arena *arena = ath_arena_new();
    ath_backend *be = arena ? ath_arena_alloc(arena, sizeof(*be)) : NULL;
    if (!be) {
        ath_arena_free(arena);
        return ath_error_oom();
    }
    be->arena = arena;
    int rc = ath_url_parse(&be->url, arena, url);
    if (rc) {
        ath_arena_free(arena);
        return rc;
    }
    be->ops = be->url.dialect == ATH_DIALECT_POSTGRESQL ? &ath_postgres_ops : &ath_sqlite_ops;
    rc = be->ops->open(be, &be->url, flags);
    if (rc) {
        ath_arena_free(arena);
        return rc;
    }
    *out = be;
    return 0;
}

void ath_backend_close(ath_backend *be)
{
    if (!be)
        return;
    be->ops->close(be);
    ath_arena_free(be->arena);
}

ath_dialect ath_backend_dialect(const ath_backend *be)
{
    return be->ops->dialect;
}

ath_backend_caps ath_backend_caps_of(const ath_backend *be)
{
    return be->ops->caps;
}

int ath_backend_introspect(ath_schema **out, ath_arena *arena, ath_backend *be)
{
    *out = NULL;
    ath_schema *schema = ath_schema_new(arena);
    if (!schema)
        return ath_error_oom();
    int rc = be->ops->introspect(schema, be);
    if (rc)
        return rc;
    ath_schema_sort(schema);
    *out = schema;
    return 0;
}

int ath_backend_exec(ath_backend *be, const char *sql)
{
    return be->ops->exec(be, sql);
}

int ath_backend_query(ath_rows *out, ath_arena *arena, ath_backend *be, const char *sql,
                      const char *const *params, size_t nparams)
{
    memset(out, 0, sizeof(*out));
    return be->ops->query(out, arena, be, sql, params, nparams);
}

/*
 * On SQLite the lock is itself a write transaction; a migration's
 * transaction inside it is a savepoint, so one failed step rolls back alone.
 */
static bool in_savepoint(const ath_backend *be)
{
    return be->locked && be->ops->dialect == ATH_DIALECT_SQLITE;
}

int ath_backend_begin(ath_backend *be)
{
    if (in_savepoint(be))
        return ath_backend_exec(be, "SAVEPOINT athanor_step");
    if (be->in_transaction)
        return ath_error(ATH_ECONFLICT, "a transaction is already open");
    int rc = ath_backend_exec(be, "BEGIN");
    if (rc == 0)
        be->in_transaction = true;
    return rc;
}

int ath_backend_commit(ath_backend *be)
{
    if (in_savepoint(be))
        return ath_backend_exec(be, "RELEASE SAVEPOINT athanor_step");
    int rc = ath_backend_exec(be, "COMMIT");
    be->in_transaction = false;
    return rc;
}

int ath_backend_rollback(ath_backend *be)
{
    if (in_savepoint(be)) {
        int rc = ath_backend_exec(be, "ROLLBACK TO SAVEPOINT athanor_step");
        return rc ? rc : ath_backend_exec(be, "RELEASE SAVEPOINT athanor_step");
    }
    int rc = ath_backend_exec(be, "ROLLBACK");
    be->in_transaction = false;
    return rc;
}

int ath_backend_exec_framed(ath_backend *be, const char *sql, unsigned frame)
{
    if (be->ops->dialect != ATH_DIALECT_POSTGRESQL || in_savepoint(be)) {
        int rc = frame & ATH_FRAME_BEGIN ? ath_backend_begin(be) : 0;
        if (!rc)
            rc = ath_backend_exec(be, sql);
        if (!rc && (frame & ATH_FRAME_COMMIT))
            rc = ath_backend_commit(be);
        return rc;
    }
    if ((frame & ATH_FRAME_BEGIN) && be->in_transaction)
        return ath_error(ATH_ECONFLICT, "a transaction is already open");
    /* One simple query: the server stops at the first statement that fails,
     * so a COMMIT at the end runs only when everything before it did. */
    ath_buf text = ATH_BUF_INIT;
    if (frame & ATH_FRAME_BEGIN)
        ath_buf_puts(&text, "BEGIN;\n");
    ath_buf_puts(&text, sql);
    if (frame & ATH_FRAME_COMMIT)
        ath_buf_puts(&text, "\n;\nCOMMIT");
    int rc = ath_buf_check(&text);
    if (!rc) {
        if (frame & ATH_FRAME_BEGIN)
            be->in_transaction = true;
        rc = ath_backend_exec(be, ath_buf_cstr(&text));
        if (!rc && (frame & ATH_FRAME_COMMIT))
            be->in_transaction = false;
    }
    ath_buf_free(&text);
    return rc;
}

int ath_backend_lock(ath_backend *be)
{
    if (be->locked)
        return 0;
    return be->ops->lock(be);
}

int ath_backend_unlock(ath_backend *be)
{
    if (!be->locked)
        return 0;
    return be->ops->unlock(be);
}

unsigned long ath_backend_query_count(const ath_backend *be)
{
    return be->nstatements;
}
