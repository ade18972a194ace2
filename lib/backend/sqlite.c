/*
 * The SQLite backend: opening a file as SQLAlchemy's pysqlite dialect does,
 * running statements and queries, the migration lock (a write transaction),
 * and introspection in four catalog queries whatever the number of tables:
 * the pragma table functions report columns, keys and indexes; the stored
 * CREATE statements add what the pragmas do not (names, CHECKs, expressions).
 * Rendering DDL is not here (ddl.c).
 */
#include "backend/backend.h"
#include "backend/sqlite_ddl_parse.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_BUSY_TIMEOUT_MS 30000

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)

static sqlite3 *db_of(const ath_backend *be) { return be->conn; }

/* ---- open and close ---- */

/* The `timeout` URL parameter, in seconds as pysqlite takes it. */
static int busy_timeout_ms(const ath_url *url, int *out)
{
    *out = DEFAULT_BUSY_TIMEOUT_MS;
    const char *text = ath_url_param_get(url, "timeout");
    if (!text)
        return 0;
    char *end = NULL;
    errno = 0;
    double seconds = strtod(text, &end);
    /* The comparison is false for NaN too. */
    if (errno || end == text || *end || !(seconds >= 0 && seconds <= 2000000.0))
        return ath_error(ATH_EINVAL, "timeout=%s in the SQLite URL is not a number of seconds",
                         text);
    *out = (int)(seconds * 1000.0 + 0.5);
    return 0;
}

/* Reads the schema once, so a file that is no database fails at open. */
static int check_readable(ath_backend *be, const char *path)
{
    static const char sql[] = "SELECT count(*) FROM sqlite_master";
    sqlite3_stmt *stmt = NULL;
    be->nstatements++;
    int rc = sqlite3_prepare_v2(db_of(be), sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_OK)
        return 0;
    if ((rc & 0xff) == SQLITE_NOTADB)
        return ath_error(ATH_EBACKEND, "%s is not a SQLite database", path);
    return ath_backend_fail("cannot read the database", sqlite3_errmsg(db_of(be)), NULL, sql);
}

static int sqlite_open(ath_backend *be, const ath_url *url, unsigned flags)
{
    /* Like SQLAlchemy: no path is a memory database, and a relative path is
     * relative to the working directory. */
    const char *path = url->database && *url->database ? url->database : ":memory:";
    int timeout_ms;
    TRY(busy_timeout_ms(url, &timeout_ms));

    bool must_exist = (flags & ATH_OPEN_MUST_EXIST) && strcmp(path, ":memory:") != 0;
    int open_flags = SQLITE_OPEN_READWRITE | (must_exist ? 0 : SQLITE_OPEN_CREATE);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, open_flags, NULL);
    if (rc != SQLITE_OK) {
        struct stat st;
        if (must_exist && stat(path, &st) != 0 && errno == ENOENT)
            rc = ath_error(ATH_ENOTFOUND, "no SQLite database at %s", path);
        else
            rc = ath_error(ATH_EBACKEND, "cannot open the SQLite database %s: %s", path,
                           db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, timeout_ms);
    be->conn = db;
    rc = check_readable(be, path);
    if (rc) {
        sqlite3_close(db);
        be->conn = NULL;
    }
    return rc;
}

/* An open transaction, the lock's included, is rolled back by closing. */
static void sqlite_close(ath_backend *be)
{
    sqlite3_close(db_of(be));
    be->conn = NULL;
    be->locked = false;
    be->in_transaction = false;
}

/* ---- statements ---- */

/* Past the blanks and comments that lead a statement, for messages. */
static const char *skip_blank(const char *sql)
{
    for (;;) {
        if (*sql == ' ' || (*sql >= '\t' && *sql <= '\r')) {
            sql++;
        } else if (sql[0] == '-' && sql[1] == '-') {
            while (*sql && *sql != '\n')
                sql++;
        } else if (sql[0] == '/' && sql[1] == '*') {
            const char *end = strstr(sql + 2, "*/");
            sql = end ? end + 2 : sql + strlen(sql);
        } else {
            return sql;
        }
    }
}

/*
 * The statement of `sql` that starts at its beginning, in `out`: up to the
 * first ';' after which the text is a complete statement (trigger bodies
 * hold semicolons of their own), else all of it.
 */
static void first_statement(ath_buf *out, const char *sql)
{
    sql = skip_blank(sql);
    size_t len = strlen(sql);
    char *copy = malloc(len + 1);
    size_t end = len;
    if (copy) {
        memcpy(copy, sql, len + 1);
        for (size_t i = 0; i < len; i++) {
            if (copy[i] != ';')
                continue;
            char saved = copy[i + 1];
            copy[i + 1] = '\0';
            bool complete = sqlite3_complete(copy) != 0;
            copy[i + 1] = saved;
            if (complete) {
                end = i + 1;
                break;
            }
        }
        free(copy);
    }
    ath_buf_put(out, sql, end);
}

/* A statement that could not be prepared: the error names that statement only. */
static int fail_prepare(sqlite3 *db, const char *what, const char *sql)
{
    ath_buf message = ATH_BUF_INIT, stmt = ATH_BUF_INIT;
    ath_buf_puts(&message, sqlite3_errmsg(db));
    first_statement(&stmt, sql);
    int rc = ath_buf_check(&message);
    if (!rc)
        rc = ath_buf_check(&stmt);
    if (!rc)
        rc = ath_backend_fail(what, ath_buf_cstr(&message), NULL, ath_buf_cstr(&stmt));
    ath_buf_free(&message);
    ath_buf_free(&stmt);
    return rc;
}

/* Prepares the first statement of `sql`; *stmt is NULL when only blanks and comments remain. */
static int prepare(ath_backend *be, const char *what, const char *sql, sqlite3_stmt **stmt,
                   const char **tail)
{
    int rc = sqlite3_prepare_v2(db_of(be), sql, -1, stmt, tail);
    if (rc != SQLITE_OK) {
        be->nstatements++;
        *stmt = NULL;
        return fail_prepare(db_of(be), what, sql);
    }
    if (*stmt)
        be->nstatements++;
    return 0;
}

/* Runs a prepared statement to its end, dropping any rows, and finalizes it. */
static int run(ath_backend *be, const char *what, sqlite3_stmt *stmt)
{
    int rc;
    do
        rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW);
    int result = 0;
    if (rc != SQLITE_DONE)
        result =
            ath_backend_fail(what, sqlite3_errmsg(db_of(be)), NULL, skip_blank(sqlite3_sql(stmt)));
    sqlite3_finalize(stmt);
    return result;
}

static int exec_all(ath_backend *be, const char *what, const char *sql)
{
    const char *rest = sql;
    while (*rest) {
        sqlite3_stmt *stmt;
        const char *tail = NULL;
        TRY(prepare(be, what, rest, &stmt, &tail));
        if (stmt)
            TRY(run(be, what, stmt));
        if (!tail || tail == rest)
            break;
        rest = tail;
    }
    return 0;
}

static int sqlite_exec(ath_backend *be, const char *sql)
{
    return exec_all(be, "statement failed", sql);
}

static int sqlite_query(ath_rows *out, ath_arena *arena, ath_backend *be, const char *sql,
                        const char *const *params, size_t nparams)
{
    static const char what[] = "query failed";
    sqlite3 *db = db_of(be);
    sqlite3_stmt *stmt;
    const char *tail = NULL;
    TRY(prepare(be, what, sql, &stmt, &tail));
    if (!stmt)
        return ath_error(ATH_EINVAL, "query: the SQL text holds no statement");
    if (tail && *tail) {
        sqlite3_stmt *more = NULL;
        if (sqlite3_prepare_v2(db, tail, -1, &more, NULL) != SQLITE_OK || more) {
            sqlite3_finalize(more);
            sqlite3_finalize(stmt);
            return ath_error(ATH_EINVAL, "query: one statement expected, the SQL text holds more");
        }
    }
    int expected = sqlite3_bind_parameter_count(stmt);
    if ((size_t)expected != nparams) {
        sqlite3_finalize(stmt);
        return ath_error(ATH_EINVAL, "query takes %d parameter(s), %zu given", expected, nparams);
    }
    int rc = SQLITE_OK;
    for (size_t i = 0; i < nparams && rc == SQLITE_OK; i++)
        rc = params[i] ? sqlite3_bind_text(stmt, (int)i + 1, params[i], -1, SQLITE_STATIC)
                       : sqlite3_bind_null(stmt, (int)i + 1);
    if (rc != SQLITE_OK) {
        int r = ath_backend_fail(what, sqlite3_errmsg(db), NULL, sql);
        sqlite3_finalize(stmt);
        return r;
    }

    size_t ncols = (size_t)sqlite3_column_count(stmt);
    const char **names = ath_arena_alloc(arena, (ncols ? ncols : 1) * sizeof(*names));
    if (!names) {
        sqlite3_finalize(stmt);
        return ath_error_oom();
    }
    for (size_t c = 0; c < ncols; c++) {
        const char *name = sqlite3_column_name(stmt, (int)c);
        if (!(names[c] = ath_arena_strdup(arena, name ? name : ""))) {
            sqlite3_finalize(stmt);
            return ath_error_oom();
        }
    }
    const char **values = NULL;
    size_t nvalues = 0, cap = 0, nrows = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (size_t c = 0; c < ncols; c++) {
            const char **slot = ATH_PUSH(arena, values, nvalues, cap);
            const unsigned char *text = sqlite3_column_text(stmt, (int)c);
            if (!slot || (text && !(*slot = ath_arena_strndup(
                                        arena, (const char *)text,
                                        (size_t)sqlite3_column_bytes(stmt, (int)c))))) {
                sqlite3_finalize(stmt);
                return ath_error_oom();
            }
        }
        nrows++;
    }
    if (rc != SQLITE_DONE) {
        int r = ath_backend_fail(what, sqlite3_errmsg(db), NULL, sql);
        sqlite3_finalize(stmt);
        return r;
    }
    sqlite3_finalize(stmt);
    out->nrows = nrows;
    out->ncols = ncols;
    out->names = names;
    out->values = values;
    return 0;
}

/* ---- the migration lock ---- */

/* BEGIN IMMEDIATE takes the database's write lock, waiting out the busy timeout. */
static int sqlite_lock(ath_backend *be)
{
    if (be->in_transaction || !sqlite3_get_autocommit(db_of(be)))
        return ath_error(ATH_ECONFLICT, "cannot take the migration lock inside a transaction");
    TRY(exec_all(be, "cannot take the migration lock", "BEGIN IMMEDIATE"));
    be->locked = true;
    be->in_transaction = true;
    return 0;
}

/*
 * Commits the lock's transaction. If the commit fails, the transaction is
 * rolled back, so that the lock is released either way and nothing is
 * left half done.
 */
static int sqlite_unlock(ath_backend *be)
{
    int rc = exec_all(be, "cannot commit and release the migration lock", "COMMIT");
    if (rc && !sqlite3_get_autocommit(db_of(be))) {
        be->nstatements++;
        sqlite3_exec(db_of(be), "ROLLBACK", NULL, NULL, NULL);
    }
    be->locked = false;
    be->in_transaction = false;
    return rc;
}

/* ---- introspection ---- */

/*
 * Four queries collect everything: sqlite_master (tables, CREATE texts),
 * pragma_table_info, pragma_index_list + pragma_index_xinfo and
 * pragma_foreign_key_list, each joined with sqlite_master. Then each table is
 * finished on its own: its CREATE TABLE text is parsed in a short-lived arena
 * for names, CHECKs and index expressions, so memory stays flat however
 * many tables there are.
 */

static bool same_name(const char *a, const char *b)
{
    /* SQLite folds the case of ASCII letters in names, nothing else. */
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

static bool same_names(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!a[i] || !b[i] || !same_name(a[i], b[i]))
            return false;
    return true;
}

typedef struct pk_part {
    long position;
    const char *column;   /* schema arena */
    const char *declared; /* the declared type */
} pk_part;

/* A table's rows in a grouped row array. */
typedef struct row_span {
    size_t first, n;
} row_span;

/* What introspection keeps about a table beside its ath_table. */
typedef struct table_extra {
    const char *sql; /* its CREATE TABLE; NULL if none */
    pk_part *pk;
    size_t npk, pk_cap;
    row_span indexes, fks;
} table_extra;

typedef struct index_text {
    const char *name;
    const char *sql;
} index_text;

/* Where a row of the index or foreign key query belongs: rows are grouped by table. */
typedef struct row_head {
    size_t table;
    size_t ordinal; /* arrival order, kept within a table */
} row_head;

/* The rows of those two queries begin with a row_head. */
typedef struct index_row {
    row_head head;
    const char *index;
    bool unique, partial;
    char origin; /* 'c' (CREATE INDEX) or 'u' (UNIQUE constraint) */
    long cid;    /* -2 for an expression */
    const char *column;
} index_row;

typedef struct fk_row {
    row_head head;
    long id;
    const char *ref_table, *from, *to, *on_update, *on_delete;
} fk_row;

typedef struct introspection {
    ath_backend *be;
    ath_schema *schema;
    ath_arena *scratch; /* texts and rows; freed at the end */
    size_t first;       /* schema->tables[first...] are this database's */
    table_extra *extra; /* parallel to those tables */
    size_t nextra, extra_cap;
    index_text *indexes; /* sorted by name */
    size_t nindexes, indexes_cap;
    size_t last; /* the table found last, tried first */
    index_row *index_rows;
    size_t nindex_rows, index_rows_cap;
    fk_row *fk_rows;
    size_t nfk_rows, fk_rows_cap;
} introspection;

/* One table's CREATE TABLE, parsed while the table is finished. */
typedef struct table_text {
    ath_arena *arena;          /* owns the parse; freed when the table is done */
    ath_sqlite_table_def *def; /* NULL for a virtual table or CREATE TABLE ... AS */
    bool *used;                /* per constraint: matched to an index or a foreign key */
} table_text;

#define NOT_FOUND ((size_t)-1)

static int cmp_table(const void *key, const void *elem)
{
    return strcmp(key, ((const ath_table *)elem)->name);
}

/* The table named exactly `name`; rows come grouped by table, so the last hit is tried first. */
static size_t find_table(introspection *in, const char *name)
{
    ath_table *tables = in->schema->tables + in->first;
    size_t n = in->schema->ntables - in->first;
    if (in->last < n && strcmp(tables[in->last].name, name) == 0)
        return in->last;
    const ath_table *hit = bsearch(name, tables, n, sizeof(*tables), cmp_table);
    if (!hit) {
        /* sqlite_master's order is byte order; this is only a safety net. */
        for (size_t i = 0; i < n && !hit; i++)
            if (strcmp(tables[i].name, name) == 0)
                hit = &tables[i];
        if (!hit)
            return NOT_FOUND;
    }
    in->last = (size_t)(hit - tables);
    return in->last;
}

/* The table a REFERENCES clause names: exact first, then as SQLite folds case. */
static size_t find_table_folded(introspection *in, const char *name)
{
    size_t i = find_table(in, name);
    if (i != NOT_FOUND)
        return i;
    for (i = 0; i < in->schema->ntables - in->first; i++)
        if (same_name(in->schema->tables[in->first + i].name, name))
            return i;
    return NOT_FOUND;
}

static ath_table *table_at(introspection *in, size_t i)
{
    return &in->schema->tables[in->first + i];
}

static const char *text_at(sqlite3_stmt *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

static char *keep(introspection *in, const char *s)
{
    return ath_arena_strdup(in->schema->arena, s);
}

static char *scratch_copy(introspection *in, const char *s)
{
    return ath_arena_strdup(in->scratch, s);
}

/*
 * Makes room for `more` elements in an arena array at once, when the query
 * says how many will come, instead of growing it by doubling (each doubling
 * leaves the old copy behind in the arena).
 */
static int reserve(ath_arena *arena, void **items, size_t count, size_t *cap, size_t more,
                   size_t elem_size)
{
    if (*cap - count >= more)
        return 0;
    if (more > ((size_t)-1) / elem_size - count)
        return ath_error_oom();
    void *grown = ath_arena_alloc(arena, (count + more) * elem_size);
    if (!grown)
        return ath_error_oom();
    if (count)
        memcpy(grown, *items, count * elem_size);
    *items = grown;
    *cap = count + more;
    return 0;
}

#define RESERVE(arena, arr, n, cap, more)                                                          \
    reserve((arena), (void **)&(arr), (n), &(cap), (more), sizeof(*(arr)))

/* The count a query reports with count(*) OVER (...), as a size. */
static size_t count_at(sqlite3_stmt *stmt, int col)
{
    sqlite3_int64 n = sqlite3_column_int64(stmt, col);
    return n > 0 ? (size_t)n : 0;
}

typedef int (*row_fn)(introspection *in, sqlite3_stmt *stmt);

static int each_row(introspection *in, const char *sql, row_fn fn)
{
    static const char what[] = "introspection query failed";
    sqlite3_stmt *stmt;
    TRY(prepare(in->be, what, sql, &stmt, NULL));
    int rc, result = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        if ((result = fn(in, stmt)) != 0)
            break;
    if (!result && rc != SQLITE_DONE)
        result = ath_backend_fail(what, sqlite3_errmsg(db_of(in->be)), NULL, sql);
    sqlite3_finalize(stmt);
    return result;
}

/* sqlite_master: the tables by name, then the indexes' CREATE statements by name. */
static int master_row(introspection *in, sqlite3_stmt *stmt)
{
    const char *type = text_at(stmt, 0), *name = text_at(stmt, 1), *sql = text_at(stmt, 2);
    if (!type || !name)
        return 0;
    if (strcmp(type, "index") == 0) {
        if (!sql)
            return 0;
        index_text *ix = ATH_PUSH(in->scratch, in->indexes, in->nindexes, in->indexes_cap);
        if (!ix || !(ix->name = scratch_copy(in, name)) || !(ix->sql = scratch_copy(in, sql)))
            return ath_error_oom();
        return 0;
    }
    if (in->nextra == 0) {
        size_t ntables = count_at(stmt, 3);
        TRY(RESERVE(in->schema->arena, in->schema->tables, in->schema->ntables,
                    in->schema->tables_cap, ntables));
        TRY(RESERVE(in->scratch, in->extra, 0, in->extra_cap, ntables));
    }
    ath_table *t = ath_schema_add_table(in->schema, NULL, name);
    table_extra *x = ATH_PUSH(in->scratch, in->extra, in->nextra, in->extra_cap);
    if (!t || !x || (sql && !(x->sql = scratch_copy(in, sql))))
        return ath_error_oom();
    return 0;
}

static int set_type(introspection *in, ath_column *col, const char *declared)
{
    if (!*declared) {
        /* No declared type: SQLAlchemy's NullType. */
        col->type = ath_type_make(ATH_TYPE_OTHER);
        return 0;
    }
    if (ath_type_parse_sql(&col->type, in->schema->arena, ATH_DIALECT_SQLITE, declared) == 0)
        return 0;
    if (ath_error_last_code() == ATH_ENOMEM)
        return ATH_ENOMEM;
    /* SQLite takes any words as a type; keep what cannot be read as written. */
    ath_error_clear();
    col->type = ath_type_make(ATH_TYPE_OTHER);
    char *name = keep(in, declared);
    if (!name)
        return ath_error_oom();
    for (char *c = name; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    col->type.name = name;
    return 0;
}

/* pragma_table_info: one row per column, in table order. */
static int column_row(introspection *in, sqlite3_stmt *stmt)
{
    const char *table = text_at(stmt, 0), *name = text_at(stmt, 1);
    size_t ti = table ? find_table(in, table) : NOT_FOUND;
    if (ti == NOT_FOUND || !name)
        return 0;
    ath_table *t = table_at(in, ti);
    if (t->ncolumns == 0)
        TRY(RESERVE(in->schema->arena, t->columns, 0, t->columns_cap, count_at(stmt, 6)));
    ath_column *col = ath_table_add_column(in->schema, t, name);
    if (!col)
        return ath_error_oom();
    const char *declared = text_at(stmt, 2);
    TRY(set_type(in, col, declared ? declared : ""));
    col->nullable = sqlite3_column_int(stmt, 3) == 0;
    const char *dflt = text_at(stmt, 4);
    if (dflt && !(col->server_default = keep(in, dflt)))
        return ath_error_oom();
    long pk = (long)sqlite3_column_int64(stmt, 5);
    if (pk > 0) {
        table_extra *x = &in->extra[ti];
        pk_part *part = ATH_PUSH(in->scratch, x->pk, x->npk, x->pk_cap);
        if (!part || !(part->declared = scratch_copy(in, declared ? declared : "")))
            return ath_error_oom();
        part->position = pk;
        part->column = col->name;
    }
    return 0;
}

/* Every table's primary key, before any foreign key looks one up. */
static int set_primary_keys(introspection *in)
{
    for (size_t ti = 0; ti < in->nextra; ti++) {
        table_extra *x = &in->extra[ti];
        if (!x->npk)
            continue;
        /* A handful of columns at most: insertion sort by position. */
        for (size_t i = 1; i < x->npk; i++) {
            pk_part part = x->pk[i];
            size_t j = i;
            for (; j > 0 && x->pk[j - 1].position > part.position; j--)
                x->pk[j] = x->pk[j - 1];
            x->pk[j] = part;
        }
        ath_table *t = table_at(in, ti);
        t->pk.columns = ath_arena_alloc(in->schema->arena, x->npk * sizeof(*t->pk.columns));
        if (!t->pk.columns)
            return ath_error_oom();
        for (size_t i = 0; i < x->npk; i++)
            t->pk.columns[i] = x->pk[i].column;
        t->pk.ncolumns = x->npk;
    }
    return 0;
}

static int index_row_fn(introspection *in, sqlite3_stmt *stmt)
{
    const char *table = text_at(stmt, 0), *index = text_at(stmt, 1);
    const char *origin = text_at(stmt, 4);
    size_t ti = table ? find_table(in, table) : NOT_FOUND;
    if (ti == NOT_FOUND || !index || !origin)
        return 0;
    index_row *r = ATH_PUSH(in->scratch, in->index_rows, in->nindex_rows, in->index_rows_cap);
    if (!r || !(r->index = scratch_copy(in, index)))
        return ath_error_oom();
    const char *column = text_at(stmt, 6);
    if (column && !(r->column = scratch_copy(in, column)))
        return ath_error_oom();
    r->head.table = ti;
    r->head.ordinal = in->nindex_rows;
    r->unique = sqlite3_column_int(stmt, 2) != 0;
    r->partial = sqlite3_column_int(stmt, 3) != 0;
    r->origin = origin[0];
    r->cid = (long)sqlite3_column_int64(stmt, 5);
    return 0;
}

static int fk_row_fn(introspection *in, sqlite3_stmt *stmt)
{
    const char *table = text_at(stmt, 0);
    size_t ti = table ? find_table(in, table) : NOT_FOUND;
    if (ti == NOT_FOUND)
        return 0;
    fk_row *r = ATH_PUSH(in->scratch, in->fk_rows, in->nfk_rows, in->fk_rows_cap);
    if (!r)
        return ath_error_oom();
    r->head.table = ti;
    r->head.ordinal = in->nfk_rows;
    r->id = (long)sqlite3_column_int64(stmt, 1);
    const char *texts[5];
    for (int i = 0; i < 5; i++) {
        const char *v = text_at(stmt, 2 + i);
        texts[i] = v ? scratch_copy(in, v) : NULL;
        if (v && !texts[i])
            return ath_error_oom();
    }
    r->ref_table = texts[0];
    r->from = texts[1];
    r->to = texts[2];
    r->on_update = texts[3];
    r->on_delete = texts[4];
    return 0;
}

static int cmp_row(const void *x, const void *y)
{
    const row_head *a = x, *b = y;
    if (a->table != b->table)
        return a->table < b->table ? -1 : 1;
    return (a->ordinal > b->ordinal) - (a->ordinal < b->ordinal);
}

static size_t row_table(const void *rows, size_t i, size_t size)
{
    return ((const row_head *)(const void *)((const char *)rows + i * size))->table;
}

/* Sorts rows by table (they come so already) and gives each table its span. */
static void group_rows(introspection *in, void *rows, size_t n, size_t size, bool fks)
{
    if (n > 1)
        qsort(rows, n, size, cmp_row);
    size_t i = 0;
    while (i < n) {
        size_t table = row_table(rows, i, size), j = i + 1;
        while (j < n && row_table(rows, j, size) == table)
            j++;
        row_span *span = fks ? &in->extra[table].fks : &in->extra[table].indexes;
        span->first = i;
        span->n = j - i;
        i = j;
    }
}

static int parse_failed(const char *kind, const char *name)
{
    char message[512];
    snprintf(message, sizeof(message), "%s", ath_error_last());
    return ath_error(ATH_EPARSE, "cannot read the stored definition of %s %s: %s", kind, name,
                     message);
}

static int cmp_index_text(const void *key, const void *elem)
{
    return strcmp(key, ((const index_text *)elem)->name);
}

/* The parsed CREATE INDEX of `name`, in the table's arena. */
static int index_def(ath_sqlite_index_def **out, introspection *in, table_text *text,
                     const char *name)
{
    const index_text *ix =
        bsearch(name, in->indexes, in->nindexes, sizeof(*in->indexes), cmp_index_text);
    for (size_t i = 0; !ix && i < in->nindexes; i++)
        if (strcmp(in->indexes[i].name, name) == 0)
            ix = &in->indexes[i];
    if (!ix)
        return ath_error(ATH_ENOTFOUND, "index %s has no stored CREATE INDEX statement", name);
    if (ath_sqlite_parse_create_index(out, text->arena, ix->sql) != 0)
        return parse_failed("index", name);
    return 0;
}

/* A constraint of the CREATE TABLE text not matched yet, of `kind`, on these columns. */
static const ath_sqlite_cons *take_cons(table_text *text, ath_sqlite_cons_kind kind,
                                        const char *const *columns, size_t ncolumns,
                                        const char *ref_table, const char *const *ref_columns,
                                        bool match_refs)
{
    if (!text->def)
        return NULL;
    for (size_t i = 0; i < text->def->nconstraints; i++) {
        const ath_sqlite_cons *c = &text->def->constraints[i];
        if (text->used[i] || c->kind != kind ||
            !same_names(c->columns, c->ncolumns, columns, ncolumns))
            continue;
        if (ref_table && !same_name(c->ref_table, ref_table))
            continue;
        if (match_refs) {
            bool written = c->ref_columns != NULL, reported = ref_columns != NULL;
            if (written != reported ||
                (written && !same_names(c->ref_columns, c->nref_columns, ref_columns, ncolumns)))
                continue;
        }
        text->used[i] = true;
        return c;
    }
    return NULL;
}

/* One index's rows (key columns, by seqno): a unique constraint or an index. */
static int add_index(introspection *in, table_text *text, const index_row *rows, size_t n)
{
    ath_arena *arena = in->schema->arena;
    ath_table *t = table_at(in, rows[0].head.table);
    if (rows[0].origin == 'u') {
        ath_unique *u = ath_table_add_unique(in->schema, t);
        const char **columns = ath_arena_alloc(arena, n * sizeof(*columns));
        if (!u || !columns)
            return ath_error_oom();
        for (size_t i = 0; i < n; i++)
            if (!(columns[i] = keep(in, rows[i].column ? rows[i].column : "rowid")))
                return ath_error_oom();
        u->columns = columns;
        u->ncolumns = n;
        const ath_sqlite_cons *c =
            take_cons(text, ATH_SQLITE_CONS_UNIQUE, columns, n, NULL, NULL, false);
        if (c && c->name && !(u->name = keep(in, c->name)))
            return ath_error_oom();
        return 0;
    }

    /* Expressions and WHERE clauses are only in the CREATE INDEX text. */
    ath_sqlite_index_def *def = NULL;
    bool needs_text = rows[0].partial;
    for (size_t i = 0; i < n; i++)
        needs_text = needs_text || rows[i].cid == -2;
    if (needs_text) {
        TRY(index_def(&def, in, text, rows[0].index));
        if (def->nelems != n)
            return ath_error(ATH_EPARSE, "index %s: %zu elements in its CREATE INDEX, %zu reported",
                             rows[0].index, def->nelems, n);
    }
    ath_index *ix = ath_table_add_index(in->schema, t);
    ath_index_elem *elems = ath_arena_alloc(arena, n * sizeof(*elems));
    if (!ix || !elems || !(ix->name = keep(in, rows[0].index)))
        return ath_error_oom();
    ix->unique = rows[0].unique;
    for (size_t i = 0; i < n; i++) {
        /* SQLite cannot index the rowid itself: a key column is a column or an expression. */
        elems[i].expression = rows[i].cid == -2;
        const char *elem = elems[i].expression ? def->elems[i].expr : rows[i].column;
        if (!(elems[i].text = keep(in, elem ? elem : "")))
            return ath_error_oom();
    }
    ix->elems = elems;
    ix->nelems = n;
    if (rows[0].partial && def->where && !(ix->where = keep(in, def->where)))
        return ath_error_oom();
    return 0;
}

/* The referenced table's primary key, for REFERENCES t without columns. */
static const char *const *referenced_pk(introspection *in, const char *ref_table, size_t n)
{
    size_t ti = find_table_folded(in, ref_table);
    if (ti == NOT_FOUND)
        return NULL;
    const ath_table *t = table_at(in, ti);
    return t->pk.ncolumns == n ? t->pk.columns : NULL;
}

/* One foreign key's rows, by seq. */
static int add_fk(introspection *in, table_text *text, const fk_row *rows, size_t n)
{
    ath_arena *arena = in->schema->arena;
    ath_table *t = table_at(in, rows[0].head.table);
    ath_foreign_key *fk = ath_table_add_fk(in->schema, t);
    const char **columns = ath_arena_alloc(arena, n * sizeof(*columns));
    const char **ref_columns = ath_arena_alloc(arena, n * sizeof(*ref_columns));
    if (!fk || !columns || !ref_columns || !(fk->ref_table = keep(in, rows[0].ref_table)))
        return ath_error_oom();
    bool ref_written = true;
    for (size_t i = 0; i < n; i++) {
        if (!(columns[i] = keep(in, rows[i].from ? rows[i].from : "")))
            return ath_error_oom();
        ref_written = ref_written && rows[i].to;
    }
    const char *const *pk = ref_written ? NULL : referenced_pk(in, rows[0].ref_table, n);
    for (size_t i = 0; i < n; i++) {
        /* With no referenced columns and no such primary key, SQLite has no
         * parent key to name; the local names are the least surprising. */
        const char *ref = ref_written ? rows[i].to : pk ? pk[i] : columns[i];
        if (!(ref_columns[i] = keep(in, ref)))
            return ath_error_oom();
    }
    fk->columns = columns;
    fk->ncolumns = n;
    fk->ref_columns = ref_columns;
    if (rows[0].on_delete && strcmp(rows[0].on_delete, "NO ACTION") != 0 &&
        !(fk->ondelete = keep(in, rows[0].on_delete)))
        return ath_error_oom();
    if (rows[0].on_update && strcmp(rows[0].on_update, "NO ACTION") != 0 &&
        !(fk->onupdate = keep(in, rows[0].on_update)))
        return ath_error_oom();

    /* Name and DEFERRABLE from the text: the clause with these columns and
     * table, preferring one that also names the same referenced columns. */
    const char *const *reported = ref_written ? (const char *const *)ref_columns : NULL;
    const ath_sqlite_cons *c =
        take_cons(text, ATH_SQLITE_CONS_FOREIGN_KEY, columns, n, rows[0].ref_table, reported, true);
    if (!c)
        c = take_cons(text, ATH_SQLITE_CONS_FOREIGN_KEY, columns, n, rows[0].ref_table, NULL,
                      false);
    if (c) {
        if (c->name && !(fk->name = keep(in, c->name)))
            return ath_error_oom();
        fk->deferrable = c->deferrable;
        if (c->initially && !(fk->initially = keep(in, c->initially)))
            return ath_error_oom();
    }
    return 0;
}

/* A rowid table's single INTEGER PRIMARY KEY column is the rowid itself. */
static bool is_rowid_alias(const table_extra *x, const ath_sqlite_table_def *def)
{
    if (x->npk != 1 || !same_name(x->pk[0].declared, "INTEGER") || !def || def->without_rowid)
        return false;
    /* A quirk SQLite keeps for compatibility: INTEGER PRIMARY KEY DESC is not an alias. */
    for (size_t i = 0; i < def->nconstraints; i++) {
        const ath_sqlite_cons *c = &def->constraints[i];
        if (c->kind == ATH_SQLITE_CONS_PRIMARY_KEY && c->column_level && c->desc)
            return false;
    }
    return true;
}

/* Checks and the primary key's name: only the CREATE TABLE text has them. */
static int add_from_text(introspection *in, ath_table *t, const ath_sqlite_table_def *def)
{
    size_t nchecks = 0;
    for (size_t i = 0; i < def->nconstraints; i++)
        nchecks += def->constraints[i].kind == ATH_SQLITE_CONS_CHECK;
    TRY(RESERVE(in->schema->arena, t->checks, t->nchecks, t->checks_cap, nchecks));
    for (size_t i = 0; i < def->nconstraints; i++) {
        const ath_sqlite_cons *c = &def->constraints[i];
        if (c->kind == ATH_SQLITE_CONS_PRIMARY_KEY && c->name && !t->pk.name) {
            if (!(t->pk.name = keep(in, c->name)))
                return ath_error_oom();
        } else if (c->kind == ATH_SQLITE_CONS_CHECK) {
            ath_check *check = ath_table_add_check(in->schema, t);
            if (!check || !(check->sqltext = keep(in, c->check)) ||
                (c->name && !(check->name = keep(in, c->name))))
                return ath_error_oom();
        }
    }
    return 0;
}

static int finish_with_text(introspection *in, size_t ti, table_text *text)
{
    table_extra *x = &in->extra[ti];
    ath_table *t = table_at(in, ti);
    if (x->sql) {
        ath_sqlite_table_def *def;
        if (ath_sqlite_parse_create_table(&def, text->arena, x->sql) != 0)
            return parse_failed("table", t->name);
        if (!def->is_virtual && !def->as_select) {
            text->def = def;
            if (def->nconstraints &&
                !(text->used = ath_arena_alloc(text->arena, def->nconstraints)))
                return ath_error_oom();
            TRY(add_from_text(in, t, def));
        }
    }
    if (is_rowid_alias(x, text->def)) {
        ath_column *col = ath_table_find_column(t, x->pk[0].column);
        if (col)
            col->autoincrement = ATH_AUTOINC_TRUE;
    }

    const index_row *irows = in->index_rows + x->indexes.first;
    size_t i = 0;
    while (i < x->indexes.n) {
        size_t j = i + 1;
        while (j < x->indexes.n && strcmp(irows[j].index, irows[i].index) == 0)
            j++;
        TRY(add_index(in, text, &irows[i], j - i));
        i = j;
    }
    const fk_row *frows = in->fk_rows + x->fks.first;
    i = 0;
    while (i < x->fks.n) {
        size_t j = i + 1;
        while (j < x->fks.n && frows[j].id == frows[i].id)
            j++;
        TRY(add_fk(in, text, &frows[i], j - i));
        i = j;
    }
    return 0;
}

/* Everything of one table the pragmas alone do not give. */
static int finish_table(introspection *in, size_t ti)
{
    table_text text = {ath_arena_new(), NULL, NULL};
    if (!text.arena)
        return ath_error_oom();
    int rc = finish_with_text(in, ti, &text);
    ath_arena_free(text.arena);
    return rc;
}

/* The user's tables: not SQLite's own (sqlite_sequence, sqlite_stat1 ...). */
#define USER_TABLES "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"

static const char master_sql[] =
    "SELECT m.type, m.name, m.sql, count(*) OVER (PARTITION BY m.type)"
    " FROM main.sqlite_master m"
    " WHERE m.type IN ('table', 'index') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " ORDER BY m.type DESC, m.name";

static const char columns_sql[] =
    "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk,"
    " count(*) OVER (PARTITION BY m.name)"
    " FROM main.sqlite_master m JOIN pragma_table_info(m.name, 'main') p"
    " WHERE " USER_TABLES " ORDER BY m.name, p.cid";

static const char indexes_sql[] =
    "SELECT m.name, il.name, il.\"unique\", il.partial, il.origin, x.cid, x.name"
    " FROM main.sqlite_master m JOIN pragma_index_list(m.name, 'main') il"
    " JOIN pragma_index_xinfo(il.name, 'main') x"
    " WHERE " USER_TABLES " AND il.origin <> 'pk' AND x.\"key\" = 1"
    " ORDER BY m.name, il.name, x.seqno";

static const char fks_sql[] =
    "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete"
    " FROM main.sqlite_master m JOIN pragma_foreign_key_list(m.name, 'main') f"
    " WHERE " USER_TABLES " ORDER BY m.name, f.id, f.seq";

static int introspect_all(introspection *in)
{
    TRY(each_row(in, master_sql, master_row));
    TRY(each_row(in, columns_sql, column_row));
    TRY(each_row(in, indexes_sql, index_row_fn));
    TRY(each_row(in, fks_sql, fk_row_fn));
    TRY(set_primary_keys(in));
    group_rows(in, in->index_rows, in->nindex_rows, sizeof(*in->index_rows), false);
    group_rows(in, in->fk_rows, in->nfk_rows, sizeof(*in->fk_rows), true);
    for (size_t ti = 0; ti < in->nextra; ti++)
        TRY(finish_table(in, ti));
    return 0;
}

static int sqlite_introspect(ath_schema *schema, ath_backend *be)
{
    introspection in;
    memset(&in, 0, sizeof(in));
    in.be = be;
    in.schema = schema;
    in.first = schema->ntables;
    in.last = NOT_FOUND;
    if (!(in.scratch = ath_arena_new()))
        return ath_error_oom();
    /* One read transaction, so the four queries see one state of the schema. */
    bool own_transaction = sqlite3_get_autocommit(db_of(be)) != 0;
    int rc = own_transaction ? exec_all(be, "introspection failed", "BEGIN") : 0;
    if (rc == 0) {
        rc = introspect_all(&in);
        if (own_transaction) {
            be->nstatements++;
            sqlite3_exec(db_of(be), "COMMIT", NULL, NULL, NULL);
        }
    }
    ath_arena_free(in.scratch);
    return rc;
}

const ath_backend_ops ath_sqlite_ops = {
    .name = "sqlite",
    .dialect = ATH_DIALECT_SQLITE,
    .caps = {.transactional_ddl = true, .native_alter = false},
    .open = sqlite_open,
    .close = sqlite_close,
    .introspect = sqlite_introspect,
    .exec = sqlite_exec,
    .query = sqlite_query,
    .lock = sqlite_lock,
    .unlock = sqlite_unlock,
};
