/*
 * Databases: SQLAlchemy URLs, connecting, introspecting into a Schema,
 * executing SQL, transactions and the migration lock. One interface; SQLite
 * and PostgreSQL behind it. Quoting of identifiers and literals lives here and
 * nowhere else.
 */
#ifndef ATHANOR_BACKEND_H
#define ATHANOR_BACKEND_H

#include "athanor/common.h"
#include "athanor/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SQLAlchemy URLs ---- */

typedef struct ath_url_param {
    const char *key;
    const char *value;
} ath_url_param;

typedef struct ath_url {
    const char *scheme;       /* as written: "postgresql+psycopg2" */
    ath_dialect dialect;      /* from the part before '+' */
    const char *driver;       /* the part after '+'; NULL if none */
    const char *username;     /* percent-decoded; NULL if none */
    const char *password;     /* percent-decoded; NULL if none */
    const char *host;         /* NULL if none; IPv6 without brackets */
    int port;                 /* 0 if none */
    const char *database;     /* SQLite: the file path (NULL or "" = memory); else the db name */
    ath_url_param *params;    /* the query string, decoded, in order */
    size_t nparams;
} ath_url;

/*
 * Parses a SQLAlchemy URL: sqlite:///rel.db, sqlite:////abs.db, sqlite://,
 * postgresql://user:pass@host:port/db?sslmode=require, postgresql+psycopg2://...,
 * postgres://... Strings live in `arena`. ATH_EINVAL with a message naming the
 * cause (never the password) for anything else.
 */
int ath_url_parse(ath_url *out, ath_arena *arena, const char *text);
/* Appends the URL with the password replaced by "***", for messages. */
void ath_url_format_redacted(ath_buf *out, const ath_url *url);
/* The value of query parameter `key`, or NULL. */
const char *ath_url_param_get(const ath_url *url, const char *key);

/* ---- quoting: every identifier and literal in generated SQL goes through these ---- */

/* Appends `name` as a delimited identifier when it needs quoting (reserved
 * word, upper case, odd characters), else as is, the way SQLAlchemy does. */
void ath_quote_ident(ath_buf *out, ath_dialect dialect, const char *name);
/* Appends `name` always delimited: "name" with embedded quotes doubled. */
void ath_quote_ident_always(ath_buf *out, const char *name);
/* Appends a string literal: 'it''s'. */
void ath_quote_literal(ath_buf *out, ath_dialect dialect, const char *value);
/* True when `name` is a reserved word of the dialect (case-insensitive). */
bool ath_is_reserved_word(ath_dialect dialect, const char *name);

/* ---- backends ---- */

typedef struct ath_backend ath_backend;

enum {
    ATH_OPEN_MUST_EXIST = 1 << 0  /* SQLite: never create the file; fail if it is missing */
};

typedef struct ath_backend_caps {
    bool transactional_ddl;   /* DDL can be rolled back */
    bool native_alter;        /* ALTER COLUMN / DROP COLUMN / constraints without rebuilding */
} ath_backend_caps;

/*
 * Connects to the database named by a URL. `flags` are ATH_OPEN_*. On success
 * *out is a backend to release with ath_backend_close. Errors: ATH_EINVAL (bad
 * URL), ATH_ENOTFOUND (SQLite file missing with ATH_OPEN_MUST_EXIST),
 * ATH_EBACKEND (cannot connect, wrong password, not a database); the message
 * never contains the password.
 */
int ath_backend_open(ath_backend **out, const char *url, unsigned flags);
void ath_backend_close(ath_backend *backend);

ath_dialect ath_backend_dialect(const ath_backend *backend);
ath_backend_caps ath_backend_caps_of(const ath_backend *backend);

/*
 * Reads the database's schema (tables of the default schema; on PostgreSQL
 * also its enum types) into a new Schema in `arena`, sorted with
 * ath_schema_sort. PostgreSQL uses a fixed number of catalog queries whatever
 * the number of tables. Errors: ATH_EBACKEND, ATH_ENOMEM.
 */
int ath_backend_introspect(ath_schema **out, ath_arena *arena, ath_backend *backend);

/* Runs one or more SQL statements with no result. ATH_EBACKEND with the
 * server's message, SQLSTATE where there is one, and the failing statement. */
int ath_backend_exec(ath_backend *backend, const char *sql);

/* A query result: rows of text values, NULL for SQL NULL; all in the arena. */
typedef struct ath_rows {
    size_t nrows, ncols;
    const char **names;       /* ncols column names */
    const char **values;      /* nrows * ncols, row-major */
} ath_rows;

/* Runs one query with text parameters ($1, $2 ... on PostgreSQL, ?1, ?2 ... on
 * SQLite) and returns its rows in `arena`. */
int ath_backend_query(ath_rows *out, ath_arena *arena, ath_backend *backend, const char *sql,
                      const char *const *params, size_t nparams);

int ath_backend_begin(ath_backend *backend);
int ath_backend_commit(ath_backend *backend);
int ath_backend_rollback(ath_backend *backend);

enum {
    ATH_FRAME_BEGIN = 1 << 0, /* open a transaction first, as ath_backend_begin */
    ATH_FRAME_COMMIT = 1 << 1 /* commit it after, as ath_backend_commit */
};

/*
 * ath_backend_begin (with ATH_FRAME_BEGIN), ath_backend_exec(sql) and
 * ath_backend_commit (with ATH_FRAME_COMMIT), on PostgreSQL in one round
 * trip. On failure a transaction it began is left open (and aborted) for
 * ath_backend_rollback; the error's statement may then be the whole text.
 */
int ath_backend_exec_framed(ath_backend *backend, const char *sql, unsigned frame);

/*
 * The migration lock: on PostgreSQL a session advisory lock, waited for by
 * trying it again and again (never blocked inside a statement, which would
 * deadlock with a CREATE INDEX CONCURRENTLY in the holder's run); on SQLite a
 * write transaction taken with a busy timeout. No time limit on PostgreSQL.
 * Released by ath_backend_unlock or closing.
 */
int ath_backend_lock(ath_backend *backend);
int ath_backend_unlock(ath_backend *backend);

/* Number of statements sent to the database since open (tests and benchmarks). */
unsigned long ath_backend_query_count(const ath_backend *backend);

/*
 * Appends the CREATE statements for the whole schema on `dialect` (enum types,
 * tables in foreign-key order, then indexes), each ending with ";\n\n".
 */
int ath_schema_to_sql(ath_buf *out, const ath_schema *schema, ath_dialect dialect);

/*
 * What db.create_all() does: creates the enum types, tables and indexes of
 * `schema` that the database lacks (tables by schema and name, enum types by
 * name), never altering what exists: an existing table is left as it is,
 * indexes included. One transaction; on error nothing is created. *created
 * (may be NULL) counts the tables created.
 */
int ath_create_all(ath_backend *backend, const ath_schema *schema, size_t *created);

#ifdef __cplusplus
}
#endif
#endif
