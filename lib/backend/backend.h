/*
 * What a backend implements: a table of functions behind ath_backend. The
 * public functions in backend.c dispatch here and keep the transaction state;
 * the dialect files know only their own database, count every statement they
 * send (one per round trip), and set and clear `locked`.
 */
#ifndef ATH_LIB_BACKEND_H
#define ATH_LIB_BACKEND_H

#include "athanor.h"

typedef struct ath_backend_ops {
    const char *name;
    ath_dialect dialect;
    ath_backend_caps caps;
    /* Fills backend->conn. The URL and backend->arena are set already. */
    int (*open)(ath_backend *backend, const ath_url *url, unsigned flags);
    void (*close)(ath_backend *backend);
    int (*introspect)(ath_schema *schema, ath_backend *backend);
    int (*exec)(ath_backend *backend, const char *sql);
    int (*query)(ath_rows *out, ath_arena *arena, ath_backend *backend, const char *sql,
                 const char *const *params, size_t nparams);
    int (*lock)(ath_backend *backend);
    int (*unlock)(ath_backend *backend);
} ath_backend_ops;

struct ath_backend {
    const ath_backend_ops *ops;
    ath_arena *arena;            /* owns the parsed URL; freed on close */
    ath_url url;
    void *conn;                  /* sqlite3 * or PGconn * */
    unsigned long nstatements;   /* bumped by the dialect for every statement sent */
    bool in_transaction;
    bool locked;
};

extern const ath_backend_ops ath_sqlite_ops;
extern const ath_backend_ops ath_postgres_ops;

/*
 * Sets the last error for a failed statement: "<what>: <server message>
 * [SQLSTATE xxxxx]\n  statement: <first line(s) of sql>". Returns ATH_EBACKEND.
 */
int ath_backend_fail(const char *what, const char *message, const char *sqlstate, const char *sql);

#endif
