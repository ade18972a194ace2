/*
 * libpq, loaded with dlopen when the first PostgreSQL URL is opened, so that
 * a run on SQLite neither links nor maps it (libpq and the TLS, Kerberos and
 * LDAP libraries it pulls in cost every command a few milliseconds and
 * megabytes). Only lib/backend/postgres.c uses it, through PQ(name).
 */
#ifndef ATH_LIB_BACKEND_LIBPQ_H
#define ATH_LIB_BACKEND_LIBPQ_H

#include <libpq-fe.h>

/* The libpq functions Athanor calls, each member named as the function. */
typedef struct pq_api {
    void (*PQclear)(PGresult *res);
    PostgresPollingStatusType (*PQconnectPoll)(PGconn *conn);
    PGconn *(*PQconnectStartParams)(const char *const *keywords, const char *const *values,
                                    int expand_dbname);
    char *(*PQerrorMessage)(const PGconn *conn);
    PGresult *(*PQexec)(PGconn *conn, const char *query);
    PGresult *(*PQexecParams)(PGconn *conn, const char *command, int nParams,
                              const Oid *paramTypes, const char *const *paramValues,
                              const int *paramLengths, const int *paramFormats,
                              int resultFormat);
    void (*PQfinish)(PGconn *conn);
    char *(*PQfname)(const PGresult *res, int field_num);
    void (*PQfreemem)(void *ptr);
    int (*PQgetCopyData)(PGconn *conn, char **buffer, int async);
    PGresult *(*PQgetResult)(PGconn *conn);
    int (*PQgetisnull)(const PGresult *res, int tup_num, int field_num);
    int (*PQgetlength)(const PGresult *res, int tup_num, int field_num);
    char *(*PQgetvalue)(const PGresult *res, int tup_num, int field_num);
    int (*PQnfields)(const PGresult *res);
    int (*PQntuples)(const PGresult *res);
    int (*PQputCopyEnd)(PGconn *conn, const char *errormsg);
    char *(*PQresultErrorField)(const PGresult *res, int fieldcode);
    ExecStatusType (*PQresultStatus)(const PGresult *res);
    PQnoticeReceiver (*PQsetNoticeReceiver)(PGconn *conn, PQnoticeReceiver proc, void *arg);
    int (*PQsocket)(const PGconn *conn);
    ConnStatusType (*PQstatus)(const PGconn *conn);
    PGTransactionStatusType (*PQtransactionStatus)(const PGconn *conn);
} pq_api;

/*
 * Loads libpq once per process (thread-safe). Errors: ATH_EUNSUPPORTED
 * naming the library and dlerror()'s words when it cannot be loaded or
 * lacks a function (install libpq5).
 */
int pq_load(void);

/* The loaded functions; only after pq_load succeeded. */
const pq_api *pq_lib(void);

#define PQ(name) (pq_lib()->name)

#endif
