/*
 * The dlopen of libpq (libpq.h). The function table is filled once, under
 * pthread_once, and read-only afterwards: the one piece of process state in
 * the library besides the thread-local last error.
 */
#include "backend/libpq.h"

#include "athanor/common.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

static pq_api api;
static int load_rc;
static char load_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define ENTRY(name) {#name, offsetof(pq_api, name)}

static void load(void)
{
    static const char *const names[] = {"libpq.so.5", "libpq.so"};
    void *handle = NULL;
    for (size_t i = 0; !handle && i < sizeof(names) / sizeof(*names); i++)
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(load_error, sizeof(load_error),
                 "PostgreSQL needs libpq, which cannot be loaded: %s (install libpq5)",
                 why ? why : "not found");
        load_rc = ATH_EUNSUPPORTED;
        return;
    }
    static const struct {
        const char *name;
        size_t offset;
    } entries[] = {
        ENTRY(PQclear),         ENTRY(PQconnectPoll),    ENTRY(PQconnectStartParams),
        ENTRY(PQerrorMessage),  ENTRY(PQexec),           ENTRY(PQexecParams),
        ENTRY(PQfinish),        ENTRY(PQfname),          ENTRY(PQfreemem),
        ENTRY(PQgetCopyData),   ENTRY(PQgetResult),      ENTRY(PQgetisnull),
        ENTRY(PQgetlength),     ENTRY(PQgetvalue),       ENTRY(PQnfields),
        ENTRY(PQntuples),       ENTRY(PQputCopyEnd),     ENTRY(PQresultErrorField),
        ENTRY(PQresultStatus),  ENTRY(PQsetNoticeReceiver), ENTRY(PQsocket),
        ENTRY(PQstatus),        ENTRY(PQtransactionStatus),
    };
    for (size_t i = 0; i < sizeof(entries) / sizeof(*entries); i++) {
        void *f = dlsym(handle, entries[i].name);
        if (!f) {
            snprintf(load_error, sizeof(load_error), "libpq lacks %s: %s", entries[i].name,
                     dlerror());
            load_rc = ATH_EUNSUPPORTED;
            return;
        }
        /* POSIX guarantees function pointers round-trip through void *. */
        *(void **)((char *)&api + entries[i].offset) = f;
    }
}

int pq_load(void)
{
    pthread_once(&once, load);
    return load_rc ? ath_error(load_rc, "%s", load_error) : 0;
}

const pq_api *pq_lib(void)
{
    return &api;
}
