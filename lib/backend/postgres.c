/*
 * The PostgreSQL backend over libpq: connecting from a SQLAlchemy URL, running
 * statements and queries, the advisory migration lock, and reading the
 * current schema from pg_catalog with one query per kind of object. DDL
 * rendering is not here (ddl.c), nor transactions (backend.c).
 */
#include "backend/backend.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/libpq.h"

/*
 * The key of the migration lock: the ASCII bytes of "athanor" read as one
 * big-endian integer (0x617468616e6f72). Every Athanor process uses it, so
 * parallel deploys against one database queue behind each other.
 */
#define ATH_PG_LOCK_KEY INT64_C(27431064400981874)

static PGconn *conn_of(const ath_backend *be)
{
    return (PGconn *)be->conn;
}

/* The library never prints: notices and warnings are dropped, not sent to stderr. */
static void drop_notice(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Appends `msg` as a single line: every run of blanks that holds a line
 * break becomes one space, and the ends are trimmed. libpq's connection
 * errors come as several tab-indented lines.
 */
static void put_one_line(ath_buf *out, const char *msg)
{
    size_t n = msg ? strlen(msg) : 0;
    size_t i = 0;
    while (i < n && is_blank(msg[i]))
        i++;
    while (n > i && is_blank(msg[n - 1]))
        n--;
    while (i < n) {
        if (!is_blank(msg[i])) {
            ath_buf_putc(out, msg[i++]);
            continue;
        }
        size_t j = i;
        bool newline = false;
        for (; j < n && is_blank(msg[j]); j++)
            newline = newline || msg[j] == '\n' || msg[j] == '\r';
        if (newline)
            ath_buf_putc(out, ' ');
        else
            ath_buf_put(out, msg + i, j - i);
        i = j;
    }
}

/*
 * Replaces every occurrence of `secret` in the buffer with "***". libpq does
 * not repeat passwords; this makes sure of it even by coincidence. Secrets
 * shorter than 4 bytes are left alone: they turn up in any text by chance,
 * and hiding them would only garble the message.
 */
static void scrub(ath_buf *buf, const char *secret)
{
    if (!secret || strlen(secret) < 4 || buf->oom || !buf->ptr)
        return;
    size_t slen = strlen(secret);
    ath_buf out = ATH_BUF_INIT;
    const char *p = buf->ptr;
    const char *end = buf->ptr + buf->len;
    while (p < end) {
        const char *hit = strstr(p, secret);
        if (!hit) {
            ath_buf_put(&out, p, (size_t)(end - p));
            break;
        }
        ath_buf_put(&out, p, (size_t)(hit - p));
        ath_buf_puts(&out, "***");
        p = hit + slen;
    }
    if (out.oom) {
        /* Better no message than one that may hold the password. */
        ath_buf_free(&out);
        ath_buf_clear(buf);
        buf->oom = true;
        return;
    }
    ath_buf_free(buf);
    *buf = out;
}

/* ---- statements ---- */

/*
 * A statement left the connection copying (COPY FROM STDIN / TO STDOUT),
 * which Athanor does not speak: end the copy and read every pending result,
 * so the connection is usable again.
 */
static void abandon_copy(PGconn *conn, PGresult *res)
{
    ExecStatusType st = PQ(PQresultStatus)(res);
    if (st == PGRES_COPY_IN) {
        PQ(PQputCopyEnd)(conn, "COPY FROM STDIN is not supported by athanor");
    } else if (st == PGRES_COPY_OUT) {
        char *chunk = NULL;
        while (PQ(PQgetCopyData)(conn, &chunk, 0) > 0) {
            PQ(PQfreemem)(chunk);
            chunk = NULL;
        }
    }
    PGresult *rest;
    while ((rest = PQ(PQgetResult)(conn)) != NULL)
        PQ(PQclear)(rest);
}

static bool is_copy(const PGresult *res)
{
    ExecStatusType st = PQ(PQresultStatus)(res);
    return st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH;
}

/*
 * Sets the last error for a failed statement and clears `res` (which may be
 * NULL when libpq could not even produce a result). Returns ATH_EBACKEND.
 */
static int statement_failed(ath_backend *be, PGresult *res, const char *sql)
{
    const char *primary = res ? PQ(PQresultErrorField)(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *sqlstate = res ? PQ(PQresultErrorField)(res, PG_DIAG_SQLSTATE) : NULL;
    ath_buf msg = ATH_BUF_INIT;
    if (primary)
        ath_buf_puts(&msg, primary);
    else if (res && is_copy(res))
        ath_buf_puts(&msg, "COPY is not supported");
    else
        put_one_line(&msg, PQ(PQerrorMessage)(conn_of(be)));
    int rc;
    if (msg.oom)
        rc = ath_error_oom();
    else
        rc = ath_backend_fail("statement failed", ath_buf_cstr(&msg), sqlstate, sql);
    ath_buf_free(&msg);
    PQ(PQclear)(res);
    return rc;
}

/* Sends one or more statements; NULL result or a failed status is handled by the caller. */
static PGresult *send_exec(ath_backend *be, const char *sql)
{
    be->nstatements++;
    PGresult *res = PQ(PQexec)(conn_of(be), sql);
    if (res && is_copy(res))
        abandon_copy(conn_of(be), res);
    return res;
}

static PGresult *send_query(ath_backend *be, const char *sql, const char *const *params,
                            int nparams)
{
    be->nstatements++;
    PGresult *res = PQ(PQexecParams)(conn_of(be), sql, nparams, NULL, params, NULL, NULL, 0);
    if (res && is_copy(res))
        abandon_copy(conn_of(be), res);
    return res;
}

static bool result_ok(const PGresult *res)
{
    ExecStatusType st = res ? PQ(PQresultStatus)(res) : PGRES_FATAL_ERROR;
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

static int pg_exec(ath_backend *be, const char *sql)
{
    PGresult *res = send_exec(be, sql);
    if (!result_ok(res))
        return statement_failed(be, res, sql);
    PQ(PQclear)(res);
    return 0;
}

static int pg_query(ath_rows *out, ath_arena *arena, ath_backend *be, const char *sql,
                    const char *const *params, size_t nparams)
{
    memset(out, 0, sizeof(*out));
    /* The protocol counts parameters in 16 bits. */
    if (nparams > 65535)
        return ath_error(ATH_EINVAL, "too many query parameters (%zu)", nparams);
    PGresult *res = send_query(be, sql, params, (int)nparams);
    if (!result_ok(res))
        return statement_failed(be, res, sql);

    size_t nrows = (size_t)PQ(PQntuples)(res);
    size_t ncols = (size_t)PQ(PQnfields)(res);
    const char **names = NULL, **values = NULL;
    if (ncols) {
        names = ath_arena_alloc(arena, ncols * sizeof(*names));
        if (!names)
            goto oom;
    }
    if (nrows && ncols) {
        if (nrows > SIZE_MAX / sizeof(*values) / ncols)
            goto oom;
        values = ath_arena_alloc(arena, nrows * ncols * sizeof(*values));
        if (!values)
            goto oom;
    }
    for (size_t c = 0; c < ncols; c++)
        if (!(names[c] = ath_arena_strdup(arena, PQ(PQfname)(res, (int)c))))
            goto oom;
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++) {
            if (PQ(PQgetisnull)(res, (int)r, (int)c))
                continue; /* already NULL: the arena zeroes */
            const char *v = PQ(PQgetvalue)(res, (int)r, (int)c);
            size_t len = (size_t)PQ(PQgetlength)(res, (int)r, (int)c);
            if (!(values[r * ncols + c] = ath_arena_strndup(arena, v, len)))
                goto oom;
        }
    }
    out->nrows = nrows;
    out->ncols = ncols;
    out->names = names;
    out->values = values;
    PQ(PQclear)(res);
    return 0;
oom:
    PQ(PQclear)(res);
    return ath_error_oom();
}

/* ---- connecting ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* connect_timeout as libpq reads it: seconds, 0 (or less) to wait for ever. */
static int timeout_seconds(const char *text)
{
    if (!text)
        return 10;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v <= 0)
        return 0;
    return v > 86400 ? 86400 : (int)v;
}

/*
 * Drives a connection started with PQconnectStartParams to its end. The
 * connection is made step by step so that the notice receiver is in place
 * before the server can send its first warning (a collation version
 * mismatch is reported at startup); libpq applies connect_timeout only to
 * blocking connections, so the deadline is kept here. Returns false with
 * the reason in libpq's error message or `*timed_out`.
 */
static bool finish_connect(PGconn *conn, int timeout, bool *timed_out)
{
    *timed_out = false;
    long long deadline = timeout > 0 ? now_ms() + (long long)timeout * 1000 : 0;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    for (;;) {
        if (st == PGRES_POLLING_OK)
            return true;
        if (st == PGRES_POLLING_FAILED)
            return false;
        struct pollfd pfd = {PQ(PQsocket)(conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
        if (pfd.fd < 0)
            return false;
        int wait = -1;
        if (deadline) {
            long long left = deadline - now_ms();
            if (left <= 0) {
                *timed_out = true;
                return false;
            }
            wait = left > INT_MAX ? INT_MAX : (int)left;
        }
        int n = poll(&pfd, 1, wait);
        if (n < 0 && errno != EINTR)
            return false;
        if (n > 0)
            st = PQ(PQconnectPoll)(conn);
    }
}

typedef struct conn_params {
    const char **keys;
    const char **values;
    size_t n, cap;
} conn_params;

static void param_add(conn_params *p, const char *key, const char *value)
{
    if (!value || p->n + 1 >= p->cap)
        return;
    p->keys[p->n] = key;
    p->values[p->n] = value;
    p->n++;
}

static int pg_open(ath_backend *be, const ath_url *url, unsigned flags)
{
    (void)flags;
    int lrc = pq_load();
    if (lrc)
        return lrc;
    conn_params p = {NULL, NULL, 0, 0};
    p.cap = url->nparams + 10; /* our keywords, the URL's, and the terminating NULL */
    p.keys = ath_arena_alloc(be->arena, p.cap * sizeof(*p.keys));
    p.values = ath_arena_alloc(be->arena, p.cap * sizeof(*p.values));
    if (!p.keys || !p.values)
        return ath_error_oom();

    char port[16];
    snprintf(port, sizeof(port), "%d", url->port);
    param_add(&p, "host", url->host && *url->host ? url->host : NULL);
    param_add(&p, "port", url->port > 0 ? port : NULL);
    param_add(&p, "user", url->username);
    param_add(&p, "password", url->password);
    param_add(&p, "dbname", url->database && *url->database ? url->database : NULL);
    /* Defaults a URL's own query parameters may override. Names come back
     * in UTF-8 whatever the database's encoding, as the scripts are UTF-8. */
    if (!ath_url_param_get(url, "application_name"))
        param_add(&p, "application_name", "athanor");
    if (!ath_url_param_get(url, "connect_timeout"))
        param_add(&p, "connect_timeout", "10");
    if (!ath_url_param_get(url, "client_encoding"))
        param_add(&p, "client_encoding", "UTF8");
    /* As SQLAlchemy hands the query string to the driver: libpq keywords. */
    for (size_t i = 0; i < url->nparams; i++)
        param_add(&p, url->params[i].key, url->params[i].value);
    p.keys[p.n] = NULL;
    p.values[p.n] = NULL;

    /* expand_dbname = 0: a database name is only ever a name, never a conninfo. */
    PGconn *conn = PQ(PQconnectStartParams)(p.keys, p.values, 0);
    if (!conn)
        return ath_error_oom();
    PQ(PQsetNoticeReceiver)(conn, drop_notice, NULL);
    bool timed_out = false;
    if (PQ(PQstatus)(conn) == CONNECTION_BAD ||
        !finish_connect(conn, timeout_seconds(ath_url_param_get(url, "connect_timeout")),
                        &timed_out)) {
        ath_buf why = ATH_BUF_INIT, msg = ATH_BUF_INIT;
        if (timed_out)
            ath_buf_puts(&why, "timeout expired");
        else
            put_one_line(&why, PQ(PQerrorMessage)(conn));
        PQ(PQfinish)(conn);
        scrub(&why, url->password);
        scrub(&why, ath_url_param_get(url, "password"));
        ath_buf_puts(&msg, "cannot connect to ");
        ath_url_format_redacted(&msg, url);
        ath_buf_puts(&msg, ": ");
        ath_buf_puts(&msg, ath_buf_cstr(&why));
        int rc = msg.oom || why.oom ? ath_error_oom()
                                    : ath_error(ATH_EBACKEND, "%s", ath_buf_cstr(&msg));
        ath_buf_free(&why);
        ath_buf_free(&msg);
        return rc;
    }
    be->conn = conn;
    int rc = pg_exec(be, "SET client_min_messages = warning");
    if (rc) {
        PQ(PQfinish)(conn);
        be->conn = NULL;
    }
    return rc;
}

static void pg_close(ath_backend *be)
{
    if (be->conn)
        PQ(PQfinish)(conn_of(be));
    be->conn = NULL;
    be->locked = false;
}

/* ---- the migration lock ---- */

/*
 * The lock is tried (pg_try_advisory_lock returns at once) until it is had,
 * never waited for inside a statement: CREATE INDEX CONCURRENTLY, which the
 * holder's run may be executing, waits for every transaction older than its
 * own in every session, and a session blocked in pg_advisory_lock() is one,
 * itself waiting for the holder: PostgreSQL would report a deadlock.
 */
static int pg_lock(ath_backend *be)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%" PRId64 ")", ATH_PG_LOCK_KEY);
    long wait_ms = 5;
    for (;;) {
        PGresult *res = send_exec(be, sql);
        if (!result_ok(res))
            return statement_failed(be, res, sql);
        bool had = PQ(PQntuples)(res) == 1 && strcmp(PQ(PQgetvalue)(res, 0, 0), "t") == 0;
        PQ(PQclear)(res);
        if (had)
            break;
        struct timespec ts = {0, wait_ms * 1000000L};
        nanosleep(&ts, NULL);
        if (wait_ms < 200)
            wait_ms *= 2;
    }
    be->locked = true;
    return 0;
}

static int pg_unlock(ath_backend *be)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%" PRId64 ")", ATH_PG_LOCK_KEY);
    PGresult *res = send_exec(be, sql);
    if (!result_ok(res))
        return statement_failed(be, res, sql);
    bool released = PQ(PQntuples)(res) == 1 && strcmp(PQ(PQgetvalue)(res, 0, 0), "t") == 0;
    PQ(PQclear)(res);
    be->locked = false;
    if (!released)
        return ath_error(ATH_ECONFLICT, "the migration lock was not held by this session");
    return 0;
}

/* ---- introspection ---- */

/*
 * Every query reads the namespace of current_schema(); table->schema and
 * enum->schema stay NULL there. Rows come ordered by owner oid so that the
 * objects of one table or type are consecutive.
 */
#define CURRENT_NS                                                                                 \
    "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = pg_catalog.current_schema())"

/* One row per label; an enum without labels has one row with a NULL label. */
enum { EN_OID, EN_SCHEMA, EN_NAME, EN_IN_CURRENT, EN_LABEL, EN_NCOLS };
static const char enums_sql[] =
    "SELECT t.oid, n.nspname, t.typname, t.typnamespace = " CURRENT_NS ", e.enumlabel"
    " FROM pg_catalog.pg_type t"
    " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
    " LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
    " WHERE t.typtype = 'e' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"
    " ORDER BY t.oid, e.enumsortorder";

enum { TB_OID, TB_NAME, TB_COMMENT, TB_NCOLS };
static const char tables_sql[] =
    "SELECT c.oid, c.relname, d.description"
    " FROM pg_catalog.pg_class c"
    " LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::regclass"
    "  AND d.objoid = c.oid AND d.objsubid = 0"
    " WHERE c.relnamespace = " CURRENT_NS " AND c.relkind IN ('r', 'p')"
    " ORDER BY c.oid";

/*
 * A default holds no column references, so it is printed without the table
 * as context (the same text, and a third of this query's time saved at a
 * thousand tables); a generated column's expression does, and is no default.
 *
 * CO_ENUM is the enum type of the column or of its array's elements;
 * CO_SERIAL whether the default takes from a sequence the column owns.
 */
enum {
    CO_TABLE,
    CO_NAME,
    CO_TYPE,
    CO_NOT_NULL,
    CO_DEFAULT,
    CO_IDENTITY,
    CO_DIMS,
    CO_ENUM,
    CO_IS_ARRAY,
    CO_SERIAL,
    CO_COMMENT,
    CO_NCOLS
};
static const char columns_sql[] =
    "SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
    " a.attnotnull,"
    " CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0) END,"
    " a.attidentity, a.attndims,"
    " CASE WHEN t.typtype = 'e' THEN t.oid WHEN et.typtype = 'e' THEN et.oid END,"
    " t.typcategory = 'A',"
    " ad.oid IS NOT NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend dd"
    "  JOIN pg_catalog.pg_depend od ON od.classid = 'pg_catalog.pg_class'::regclass"
    "   AND od.objid = dd.refobjid AND od.refclassid = 'pg_catalog.pg_class'::regclass"
    "   AND od.refobjid = a.attrelid AND od.refobjsubid = a.attnum AND od.deptype = 'a'"
    "  WHERE dd.classid = 'pg_catalog.pg_attrdef'::regclass AND dd.objid = ad.oid"
    "   AND dd.refclassid = 'pg_catalog.pg_class'::regclass),"
    " d.description"
    " FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
    " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    " LEFT JOIN pg_catalog.pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem"
    " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
    " LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::regclass"
    "  AND d.objoid = a.attrelid AND d.objsubid = a.attnum"
    " WHERE c.relnamespace = " CURRENT_NS " AND c.relkind IN ('r', 'p')"
    "  AND a.attnum > 0 AND NOT a.attisdropped"
    " ORDER BY a.attrelid, a.attnum";

/*
 * One row per constraint column, in key order, with the referred column
 * beside it for foreign keys. A check on no column has one row. (unnest of
 * two arrays is FROM-clause syntax, which cannot be schema-qualified.)
 */
enum {
    CN_TABLE,
    CN_OID,
    CN_TYPE,
    CN_NAME,
    CN_COLUMN,
    CN_REF_COLUMN,
    CN_REF_TABLE,
    CN_REF_SCHEMA,
    CN_REF_IN_CURRENT,
    CN_ON_DELETE,
    CN_ON_UPDATE,
    CN_DEFERRABLE,
    CN_DEFERRED,
    CN_CHECK,
    CN_NCOLS
};
static const char constraints_sql[] =
    "SELECT con.conrelid, con.oid, con.contype, con.conname, a.attname, fa.attname,"
    " fc.relname, fn.nspname, fc.relnamespace = " CURRENT_NS ","
    " con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred,"
    " CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END"
    " FROM pg_catalog.pg_constraint con"
    " JOIN pg_catalog.pg_class c ON c.oid = con.conrelid"
    " LEFT JOIN LATERAL unnest(con.conkey, con.confkey)"
    "  WITH ORDINALITY AS k(attnum, refnum, ord)"
    "  ON true"
    " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
    " LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.refnum"
    " LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid"
    " LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace"
    " WHERE c.relnamespace = " CURRENT_NS " AND c.relkind IN ('r', 'p')"
    "  AND con.contype IN ('p', 'u', 'f', 'c')"
    " ORDER BY con.conrelid, con.oid, k.ord";

/*
 * One row per key column of every index that backs no primary key, unique or
 * exclusion constraint: IX_COLUMN is the column's name, or NULL for an
 * expression, whose text is in IX_EXPRESSION.
 */
enum { IX_TABLE, IX_OID, IX_NAME, IX_UNIQUE, IX_COLUMN, IX_EXPRESSION, IX_WHERE, IX_NCOLS };
static const char indexes_sql[] =
    "SELECT i.indrelid, i.indexrelid, ic.relname, i.indisunique, a.attname,"
    " CASE WHEN i.indkey[k.n - 1] = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true) END,"
    " pg_catalog.pg_get_expr(i.indpred, i.indrelid)"
    " FROM pg_catalog.pg_index i"
    " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
    " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
    " CROSS JOIN LATERAL pg_catalog.generate_series(1, i.indnkeyatts::int) AS k(n)"
    " LEFT JOIN pg_catalog.pg_attribute a ON i.indkey[k.n - 1] <> 0"
    "  AND a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1]"
    " WHERE c.relnamespace = " CURRENT_NS " AND c.relkind IN ('r', 'p')"
    "  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con"
    "   WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))"
    " ORDER BY i.indrelid, i.indexrelid, k.n";

/*
 * Output of values that can appear in defaults and predicates (timestamps,
 * intervals, floats, bytea) depends on session settings; fix them for the
 * introspection only, so two sessions always read the same schema.
 */
#define FIXED_OUTPUT                                                                               \
    "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC';"                                \
    " SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1;"                     \
    " SET LOCAL bytea_output = 'hex'"

typedef struct oid_slot {
    uint32_t oid;
    size_t index;
} oid_slot;

typedef struct introspection {
    ath_schema *schema;
    ath_backend *be;
    /* tables and enums found, sorted by oid; index into schema->tables / ->enums */
    oid_slot *tables;
    size_t ntables;
    oid_slot *enums;
    size_t nenums;
} introspection;

static int cmp_slot(const void *a, const void *b)
{
    uint32_t x = ((const oid_slot *)a)->oid, y = ((const oid_slot *)b)->oid;
    return x < y ? -1 : x > y;
}

static const oid_slot *find_slot(const oid_slot *slots, size_t n, uint32_t oid)
{
    oid_slot key = {oid, 0};
    return n ? bsearch(&key, slots, n, sizeof(*slots), cmp_slot) : NULL;
}

/* Parses an oid column; false for NULL or text that is no oid. */
static bool get_oid(const PGresult *res, int row, int col, uint32_t *out)
{
    if (PQ(PQgetisnull)(res, row, col))
        return false;
    const char *s = PQ(PQgetvalue)(res, row, col);
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool get_int(const PGresult *res, int row, int col, int *out)
{
    if (PQ(PQgetisnull)(res, row, col))
        return false;
    const char *s = PQ(PQgetvalue)(res, row, col);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < INT_MIN || v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}

/* The text of a value, or NULL for SQL NULL (borrowed from the result). */
static const char *get_text(const PGresult *res, int row, int col)
{
    return PQ(PQgetisnull)(res, row, col) ? NULL : PQ(PQgetvalue)(res, row, col);
}

static bool get_bool(const PGresult *res, int row, int col)
{
    const char *v = get_text(res, row, col);
    return v && v[0] == 't' && v[1] == '\0';
}

/* The single character of a "char" column, or '\0'. */
static char get_char(const PGresult *res, int row, int col)
{
    const char *v = get_text(res, row, col);
    return v ? v[0] : '\0';
}

/* The table a row belongs to: every query has the table's oid first. */
static ath_table *table_of(introspection *in, const PGresult *res, int row)
{
    uint32_t oid;
    if (!get_oid(res, row, 0, &oid))
        return NULL;
    const oid_slot *s = find_slot(in->tables, in->ntables, oid);
    return s ? &in->schema->tables[s->index] : NULL;
}

/*
 * Runs one catalog query whose rows have `ncols` columns; on failure the
 * error is set and NULL returned.
 */
static PGresult *catalog_query(introspection *in, const char *sql, int ncols)
{
    PGresult *res = send_query(in->be, sql, NULL, 0);
    if (!res || PQ(PQresultStatus)(res) != PGRES_TUPLES_OK) {
        statement_failed(in->be, res, sql);
        return NULL;
    }
    if (PQ(PQnfields)(res) != ncols) {
        ath_error(ATH_ERROR, "catalog query returned %d columns, expected %d", PQ(PQnfields)(res),
                  ncols);
        PQ(PQclear)(res);
        return NULL;
    }
    return res;
}

/* Number of consecutive rows from `row` whose column `col` has the same text. */
static int group_len(const PGresult *res, int row, int col)
{
    int n = PQ(PQntuples)(res);
    const char *key = PQ(PQgetvalue)(res, row, col);
    int end = row + 1;
    while (end < n && strcmp(PQ(PQgetvalue)(res, end, col), key) == 0)
        end++;
    return end - row;
}

/*
 * Makes room for `more` elements of a schema array in one allocation: the
 * counts are known from the rows, and growing by doubling would leave every
 * smaller copy behind in the arena.
 */
static bool reserve(ath_arena *arena, void **items, size_t count, size_t *cap, size_t more,
                    size_t elem_size)
{
    if (*cap - count >= more)
        return true;
    if (more > SIZE_MAX / elem_size - count)
        return false;
    void *grown = ath_arena_alloc(arena, (count + more) * elem_size);
    if (!grown)
        return false;
    if (count)
        memcpy(grown, *items, count * elem_size);
    *items = grown;
    *cap = count + more;
    return true;
}
#define RESERVE(arena, arr, n, cap, more)                                                          \
    reserve((arena), (void **)&(arr), (n), &(cap), (more), sizeof(*(arr)))

static int read_enums(introspection *in, ath_arena *scratch)
{
    PGresult *res = catalog_query(in, enums_sql, EN_NCOLS);
    if (!res)
        return ath_error_last_code();
    ath_schema *schema = in->schema;
    int nrows = PQ(PQntuples)(res);
    in->enums = ath_arena_alloc(scratch, (size_t)(nrows ? nrows : 1) * sizeof(*in->enums));
    if (!in->enums ||
        !RESERVE(schema->arena, schema->enums, schema->nenums, schema->enums_cap, (size_t)nrows))
        goto oom;
    for (int row = 0; row < nrows;) {
        int n = group_len(res, row, EN_OID);
        uint32_t oid;
        if (!get_oid(res, row, EN_OID, &oid)) {
            row += n;
            continue;
        }
        const char *nsp = get_bool(res, row, EN_IN_CURRENT) ? NULL : get_text(res, row, EN_SCHEMA);
        size_t index = schema->nenums;
        ath_enum *e = ath_schema_add_enum(schema, nsp, get_text(res, row, EN_NAME));
        if (!e)
            goto oom;
        size_t nvalues = get_text(res, row, EN_LABEL) ? (size_t)n : 0;
        if (nvalues) {
            e->values = ath_arena_alloc(schema->arena, nvalues * sizeof(*e->values));
            if (!e->values)
                goto oom;
            for (size_t i = 0; i < nvalues; i++)
                if (!(e->values[i] =
                          ath_arena_strdup(schema->arena, get_text(res, row + (int)i, EN_LABEL))))
                    goto oom;
        }
        e->nvalues = nvalues;
        in->enums[in->nenums].oid = oid;
        in->enums[in->nenums].index = index;
        in->nenums++;
        row += n;
    }
    qsort(in->enums, in->nenums, sizeof(*in->enums), cmp_slot);
    PQ(PQclear)(res);
    return 0;
oom:
    PQ(PQclear)(res);
    return ath_error_oom();
}

static int read_tables(introspection *in, ath_arena *scratch)
{
    PGresult *res = catalog_query(in, tables_sql, TB_NCOLS);
    if (!res)
        return ath_error_last_code();
    ath_schema *schema = in->schema;
    int nrows = PQ(PQntuples)(res);
    in->tables = ath_arena_alloc(scratch, (size_t)(nrows ? nrows : 1) * sizeof(*in->tables));
    if (!in->tables ||
        !RESERVE(schema->arena, schema->tables, schema->ntables, schema->tables_cap, (size_t)nrows))
        goto oom;
    for (int row = 0; row < nrows; row++) {
        uint32_t oid;
        if (!get_oid(res, row, TB_OID, &oid))
            continue;
        size_t index = schema->ntables;
        ath_table *t = ath_schema_add_table(schema, NULL, get_text(res, row, TB_NAME));
        if (!t)
            goto oom;
        const char *comment = get_text(res, row, TB_COMMENT);
        if (comment && !(t->comment = ath_arena_strdup(schema->arena, comment)))
            goto oom;
        in->tables[in->ntables].oid = oid;
        in->tables[in->ntables].index = index;
        in->ntables++;
    }
    qsort(in->tables, in->ntables, sizeof(*in->tables), cmp_slot);
    PQ(PQclear)(res);
    return 0;
oom:
    PQ(PQclear)(res);
    return ath_error_oom();
}

static bool is_integer_kind(ath_type_kind kind)
{
    return kind == ATH_TYPE_INTEGER || kind == ATH_TYPE_BIGINT || kind == ATH_TYPE_SMALLINT;
}

/*
 * The column's type: enums (and arrays of enums) from the enum query, which
 * format_type would only name; everything else as format_type spells it.
 */
static int column_type(ath_type *out, introspection *in, const PGresult *res, int row)
{
    ath_arena *arena = in->schema->arena;
    const char *text = get_text(res, row, CO_TYPE);
    uint32_t enum_oid;
    const oid_slot *slot = NULL;
    if (get_oid(res, row, CO_ENUM, &enum_oid))
        slot = find_slot(in->enums, in->nenums, enum_oid);
    if (slot) {
        const ath_enum *e = &in->schema->enums[slot->index];
        ath_type t = ath_type_make(ATH_TYPE_ENUM);
        t.name = e->name;
        t.values = e->values;
        t.nvalues = e->nvalues;
        if (!get_bool(res, row, CO_IS_ARRAY)) {
            *out = t;
            return 0;
        }
        ath_type *item = ath_arena_alloc(arena, sizeof(*item));
        if (!item)
            return ath_error_oom();
        *item = t;
        *out = ath_type_make(ATH_TYPE_ARRAY);
        out->item = item;
    } else if (ath_type_parse_sql(out, arena, ATH_DIALECT_POSTGRESQL, text) != 0) {
        if (ath_error_last_code() == ATH_ENOMEM)
            return ATH_ENOMEM;
        /* A name the type parser cannot read is still a type: keep it whole. */
        ath_error_clear();
        *out = ath_type_make(ATH_TYPE_OTHER);
        if (!(out->name = ath_arena_strdup(arena, text)))
            return ath_error_oom();
    }
    /* format_type shows one [] whatever the declared dimensions. */
    int dims;
    if (out->kind == ATH_TYPE_ARRAY && get_int(res, row, CO_DIMS, &dims) && dims > 1)
        out->dimensions = dims;
    return 0;
}

static int read_columns(introspection *in)
{
    PGresult *res = catalog_query(in, columns_sql, CO_NCOLS);
    if (!res)
        return ath_error_last_code();
    ath_schema *schema = in->schema;
    int nrows = PQ(PQntuples)(res);
    int rc = 0;
    ath_table *t = NULL;
    for (int row = 0; row < nrows; row++) {
        /* A table's columns come together: size its array once, at the first. */
        if (row == 0 ||
            strcmp(PQ(PQgetvalue)(res, row, CO_TABLE), PQ(PQgetvalue)(res, row - 1, CO_TABLE)) != 0) {
            t = table_of(in, res, row);
            if (t && !RESERVE(schema->arena, t->columns, t->ncolumns, t->columns_cap,
                              (size_t)group_len(res, row, CO_TABLE)))
                goto oom;
        }
        if (!t)
            continue;
        ath_type type;
        if ((rc = column_type(&type, in, res, row)))
            goto done;
        ath_column *c = ath_table_add_column(schema, t, get_text(res, row, CO_NAME));
        if (!c)
            goto oom;
        c->type = type;
        c->nullable = !get_bool(res, row, CO_NOT_NULL);
        c->autoincrement = ATH_AUTOINC_AUTO;
        c->identity = ATH_IDENTITY_NONE;
        const char *def = get_text(res, row, CO_DEFAULT);
        char identity = get_char(res, row, CO_IDENTITY);
        if (identity == 'a' || identity == 'd') {
            c->identity = identity == 'a' ? ATH_IDENTITY_ALWAYS : ATH_IDENTITY_BY_DEFAULT;
            c->autoincrement = ATH_AUTOINC_TRUE;
        }
        /* An integer fed by nextval() autoincrements, as SQLAlchemy reads it;
         * when the sequence belongs to the column it is a serial, whose
         * default is part of the type rather than a server default. */
        if (def && is_integer_kind(type.kind) && strncmp(def, "nextval(", 8) == 0) {
            c->autoincrement = ATH_AUTOINC_TRUE;
            if (get_bool(res, row, CO_SERIAL))
                def = NULL;
        }
        if (def && !(c->server_default = ath_arena_strdup(schema->arena, def)))
            goto oom;
        const char *comment = get_text(res, row, CO_COMMENT);
        if (comment && !(c->comment = ath_arena_strdup(schema->arena, comment)))
            goto oom;
    }
done:
    PQ(PQclear)(res);
    return rc;
oom:
    PQ(PQclear)(res);
    return ath_error_oom();
}

/*
 * Skips a quoted literal or identifier starting at text[i] (a ' or "), where
 * the quote character is escaped by doubling it. Returns the index just past
 * the closing quote, or `len` when it is unterminated.
 */
static size_t skip_quoted(const char *text, size_t len, size_t i)
{
    char q = text[i++];
    while (i < len) {
        if (text[i] == q) {
            if (i + 1 < len && text[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    return len;
}

/* Index of the ')' matching the '(' at text[open], or `len` if none. */
static size_t matching_paren(const char *text, size_t len, size_t open)
{
    int depth = 0;
    for (size_t i = open; i < len;) {
        char c = text[i];
        if (c == '\'' || c == '"') {
            i = skip_quoted(text, len, i);
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            return i;
        i++;
    }
    return len;
}

/*
 * The condition of a check constraint from pg_get_constraintdef: "CHECK
 * (price > 0) NOT VALID" gives "price > 0", with any parentheses around the
 * whole condition removed too.
 */
static const char *check_sqltext(ath_arena *arena, const char *def)
{
    static const char prefix[] = "CHECK (";
    size_t len = strlen(def);
    size_t start = 0, end = len;
    if (strncmp(def, prefix, sizeof(prefix) - 1) == 0) {
        size_t open = sizeof(prefix) - 2;
        size_t close = matching_paren(def, len, open);
        if (close < len) {
            start = open + 1;
            end = close;
        }
    }
    for (;;) {
        while (start < end && (def[start] == ' ' || def[start] == '\n'))
            start++;
        while (end > start && (def[end - 1] == ' ' || def[end - 1] == '\n'))
            end--;
        if (end - start >= 2 && def[start] == '(' && matching_paren(def, end, start) == end - 1) {
            start++;
            end--;
            continue;
        }
        break;
    }
    return ath_arena_strndup(arena, def + start, end - start);
}

static const char *fk_action(char code)
{
    switch (code) {
    case 'r':
        return "RESTRICT";
    case 'c':
        return "CASCADE";
    case 'n':
        return "SET NULL";
    case 'd':
        return "SET DEFAULT";
    default:
        return NULL; /* 'a': NO ACTION, the default */
    }
}

/* Copies column `col` of `n` rows from `row` into a new arena array; NULL names are skipped. */
static const char **names_of(ath_arena *arena, const PGresult *res, int row, int n, int col,
                             size_t *count)
{
    const char **names = ath_arena_alloc(arena, (size_t)n * sizeof(*names));
    *count = 0;
    if (!names)
        return NULL;
    for (int i = 0; i < n; i++) {
        const char *v = get_text(res, row + i, col);
        if (!v)
            continue;
        if (!(names[*count] = ath_arena_strdup(arena, v)))
            return NULL;
        (*count)++;
    }
    return names;
}

static int add_constraint(introspection *in, ath_table *t, const PGresult *res, int row, int n)
{
    ath_schema *schema = in->schema;
    ath_arena *arena = schema->arena;
    const char *name = get_text(res, row, CN_NAME);
    size_t ncols = 0;
    switch (get_char(res, row, CN_TYPE)) {
    case 'p': {
        const char **cols = names_of(arena, res, row, n, CN_COLUMN, &ncols);
        if (!cols || !(t->pk.name = ath_arena_strdup(arena, name)))
            return ath_error_oom();
        t->pk.columns = cols;
        t->pk.ncolumns = ncols;
        return 0;
    }
    case 'u': {
        ath_unique *u = ath_table_add_unique(schema, t);
        if (!u || !(u->columns = names_of(arena, res, row, n, CN_COLUMN, &u->ncolumns)) ||
            !(u->name = ath_arena_strdup(arena, name)))
            return ath_error_oom();
        return 0;
    }
    case 'f': {
        ath_foreign_key *fk = ath_table_add_fk(schema, t);
        if (!fk || !(fk->name = ath_arena_strdup(arena, name)) ||
            !(fk->columns = names_of(arena, res, row, n, CN_COLUMN, &fk->ncolumns)) ||
            !(fk->ref_columns = names_of(arena, res, row, n, CN_REF_COLUMN, &ncols)) ||
            !(fk->ref_table = ath_arena_strdup(arena, get_text(res, row, CN_REF_TABLE))))
            return ath_error_oom();
        if (!get_bool(res, row, CN_REF_IN_CURRENT) &&
            !(fk->ref_schema = ath_arena_strdup(arena, get_text(res, row, CN_REF_SCHEMA))))
            return ath_error_oom();
        fk->ondelete = fk_action(get_char(res, row, CN_ON_DELETE));
        fk->onupdate = fk_action(get_char(res, row, CN_ON_UPDATE));
        fk->deferrable = get_bool(res, row, CN_DEFERRABLE);
        fk->initially = fk->deferrable && get_bool(res, row, CN_DEFERRED) ? "DEFERRED" : NULL;
        return 0;
    }
    case 'c': {
        const char *def = get_text(res, row, CN_CHECK);
        ath_check *ck = ath_table_add_check(schema, t);
        if (!ck || !(ck->name = ath_arena_strdup(arena, name)) ||
            !(ck->sqltext = check_sqltext(arena, def ? def : "")))
            return ath_error_oom();
        return 0;
    }
    default:
        return 0;
    }
}

static int read_constraints(introspection *in)
{
    PGresult *res = catalog_query(in, constraints_sql, CN_NCOLS);
    if (!res)
        return ath_error_last_code();
    int nrows = PQ(PQntuples)(res);
    int rc = 0;
    for (int row = 0; row < nrows && rc == 0;) {
        int n = group_len(res, row, CN_OID);
        ath_table *t = table_of(in, res, row);
        if (t)
            rc = add_constraint(in, t, res, row, n);
        row += n;
    }
    PQ(PQclear)(res);
    return rc;
}

static int add_index(introspection *in, ath_table *t, const PGresult *res, int row, int n)
{
    ath_arena *arena = in->schema->arena;
    ath_index *ix = ath_table_add_index(in->schema, t);
    if (!ix || !(ix->name = ath_arena_strdup(arena, get_text(res, row, IX_NAME))) ||
        !(ix->elems = ath_arena_alloc(arena, (size_t)n * sizeof(*ix->elems))))
        return ath_error_oom();
    ix->unique = get_bool(res, row, IX_UNIQUE);
    for (int i = 0; i < n; i++) {
        const char *column = get_text(res, row + i, IX_COLUMN);
        const char *text = column ? column : get_text(res, row + i, IX_EXPRESSION);
        ath_index_elem *el = &ix->elems[i];
        el->expression = column == NULL;
        if (!(el->text = ath_arena_strdup(arena, text ? text : "")))
            return ath_error_oom();
    }
    ix->nelems = (size_t)n;
    const char *where = get_text(res, row, IX_WHERE);
    if (where && !(ix->where = ath_arena_strdup(arena, where)))
        return ath_error_oom();
    return 0;
}

static int read_indexes(introspection *in)
{
    PGresult *res = catalog_query(in, indexes_sql, IX_NCOLS);
    if (!res)
        return ath_error_last_code();
    int nrows = PQ(PQntuples)(res);
    int rc = 0;
    for (int row = 0; row < nrows && rc == 0;) {
        int n = group_len(res, row, IX_OID);
        ath_table *t = table_of(in, res, row);
        if (t)
            rc = add_index(in, t, res, row, n);
        row += n;
    }
    PQ(PQclear)(res);
    return rc;
}

static int read_schema(introspection *in)
{
    ath_arena *scratch = ath_arena_new();
    if (!scratch)
        return ath_error_oom();
    int rc;
    /* Enums and tables first: columns and constraints find theirs by oid. */
    if ((rc = read_enums(in, scratch)) == 0 && (rc = read_tables(in, scratch)) == 0 &&
        (rc = read_columns(in)) == 0 && (rc = read_constraints(in)) == 0)
        rc = read_indexes(in);
    ath_arena_free(scratch);
    return rc;
}

/*
 * All catalog queries run in one snapshot with fixed output settings: in a
 * read-only repeatable-read transaction of their own, or, inside the
 * caller's transaction, in a savepoint rolled back afterwards (which undoes
 * the SET LOCALs and keeps the caller's view of its own uncommitted DDL).
 */
static int pg_introspect(ath_schema *schema, ath_backend *be)
{
    PGTransactionStatusType ts = PQ(PQtransactionStatus)(conn_of(be));
    if (ts == PQTRANS_INERROR)
        return ath_error(ATH_ECONFLICT,
                         "cannot read the schema: the current transaction has failed");
    if (ts != PQTRANS_IDLE && ts != PQTRANS_INTRANS)
        return ath_error(ATH_EBACKEND, "cannot read the schema: the connection is not ready");
    bool nested = ts == PQTRANS_INTRANS;
    const char *start = nested ? "SAVEPOINT athanor_introspect; " FIXED_OUTPUT
                               : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " FIXED_OUTPUT;
    const char *finish = nested ? "ROLLBACK TO SAVEPOINT athanor_introspect;"
                                  " RELEASE SAVEPOINT athanor_introspect"
                                : "ROLLBACK";
    int rc = pg_exec(be, start);
    if (rc)
        return rc;
    introspection in;
    memset(&in, 0, sizeof(in));
    in.schema = schema;
    in.be = be;
    rc = read_schema(&in);
    if (rc == 0)
        return pg_exec(be, finish);
    /* Keep the first error; the connection is put back as it was if it can be. */
    PGresult *res = send_exec(be, finish);
    PQ(PQclear)(res);
    return rc;
}

const ath_backend_ops ath_postgres_ops = {
    "postgresql", ATH_DIALECT_POSTGRESQL,
    {true, true}, pg_open,
    pg_close,     pg_introspect,
    pg_exec,      pg_query,
    pg_lock,      pg_unlock,
};
