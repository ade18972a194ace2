/*
 * The floor of any PostgreSQL client's run, for bench/upgrade.sh: connect to
 * the URL with libpq (as athanor does: TCP, the server's authentication),
 * then disconnect. Nothing is queried. Exit 1 with libpq's message when the
 * connection fails.
 */
#include <libpq-fe.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pq_connect URL\n");
        return 2;
    }
    PGconn *conn = PQconnectdb(argv[1]);
    int ok = PQstatus(conn) == CONNECTION_OK;
    if (!ok)
        fprintf(stderr, "pq_connect: %s", PQerrorMessage(conn));
    PQfinish(conn);
    return ok ? 0 : 1;
}
