/*
 * Sessions on a migrations folder and the revision printers (session.h).
 */
#include "session.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ath_backend_open on a thread of its own, its error kept for the caller. */
typedef struct opening {
    const char *url;
    ath_backend *backend;
    int rc;
    char why[1024];
} opening;

static void *open_backend(void *arg)
{
    opening *o = arg;
    o->rc = ath_backend_open(&o->backend, o->url, 0);
    if (o->rc)
        snprintf(o->why, sizeof(o->why), "%s", ath_error_last());
    return NULL;
}

int session_open(session *s, const char *command, const char *dir, const char *url_opt,
                 bool need_map, bool need_db)
{
    memset(s, 0, sizeof(*s));
    s->dir = dir;
    s->arena = ath_arena_new();
    if (!s->arena) {
        ath_error_oom();
        return cli_fail();
    }
    int rc = cli_load_config(&s->config, s->arena, dir);
    if (rc)
        return rc;
    s->versions = ath_arena_printf(s->arena, "%s/versions", dir);
    if (!s->versions) {
        ath_error_oom();
        return cli_fail();
    }
    opening o = {NULL, NULL, 0, ""};
    if (need_db) {
        o.url = cli_config_url(url_opt, &s->config);
        if (!o.url)
            return cli_usage_error(command,
                                   "no database: give --url, set DATABASE_URL or "
                                   "SQLALCHEMY_DATABASE_URI, or set url in the [athanor] section "
                                   "of %s/alembic.ini",
                                   dir);
    }
    /* Connecting to a server (loading libpq, authenticating) and reading the
     * scripts take about as long as each other: both at once. A SQLite file
     * opens at once, and only after the scripts are read, so that a script
     * error leaves no new empty file behind. */
    ath_url parsed;
    bool server = need_db && need_map && ath_url_parse(&parsed, s->arena, o.url) == 0 &&
                  parsed.dialect == ATH_DIALECT_POSTGRESQL;
    pthread_t opener;
    bool threaded = server && pthread_create(&opener, NULL, open_backend, &o) == 0;
    if (need_map) {
        ath_diags diags;
        ath_diags_init(&diags, s->arena);
        rc = ath_revmap_load_cached(&s->map, s->arena, s->versions, &diags);
        /* (the last error is per thread: the opener's does not touch this one) */
        if (threaded)
            pthread_join(opener, NULL);
        s->backend = o.backend;
        cli_print_diags(&diags);
        if (rc)
            return cli_fail();
    }
    if (!need_db)
        return 0;
    if (!threaded)
        open_backend(&o);
    s->backend = o.backend;
    if (o.rc) {
        ath_error(o.rc, "%s", o.why);
        return cli_fail();
    }
    return 0;
}

void session_close(session *s)
{
    ath_backend_close(s->backend);
    ath_arena_free(s->arena);
}

/* Alembic's util.format_as_comma over revisions. */
void put_ids(ath_buf *out, const ath_revision *const *revs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ath_buf_printf(out, "%s%s", i ? ", " : "", revs[i]->id);
}

/* Alembic's " (head)" / " (effective head)" and, with `tree`, branch and merge points. */
void put_indicators(ath_buf *out, const ath_revision *rev, bool tree)
{
    if (rev->is_real_head)
        ath_buf_puts(out, " (head)");
    else if (rev->is_head)
        ath_buf_puts(out, " (effective head)");
    if (tree && rev->is_branch_point)
        ath_buf_puts(out, " (branchpoint)");
    if (tree && rev->is_merge_point)
        ath_buf_puts(out, " (mergepoint)");
}

void put_labels(ath_buf *out, const ath_revision *rev)
{
    if (!rev->nlabels)
        return;
    ath_buf_puts(out, " (");
    for (size_t i = 0; i < rev->nlabels; i++)
        ath_buf_printf(out, "%s%s", i ? ", " : "", rev->labels[i]);
    ath_buf_puts(out, ")");
}

