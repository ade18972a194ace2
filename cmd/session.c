/*
 * Sessions on a migrations folder and the revision printers (session.h).
 */
#include "session.h"

#include <stdio.h>
#include <string.h>

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
    if (need_map) {
        ath_diags diags;
        ath_diags_init(&diags, s->arena);
        rc = ath_revmap_load(&s->map, s->arena, s->versions, &diags);
        cli_print_diags(&diags);
        if (rc)
            return cli_fail();
    }
    if (!need_db)
        return 0;
    const char *url = cli_config_url(url_opt, &s->config);
    if (!url)
        return cli_usage_error(command,
                               "no database: give --url, set DATABASE_URL or "
                               "SQLALCHEMY_DATABASE_URI, or set url in the [athanor] section of "
                               "%s/alembic.ini",
                               dir);
    if (ath_backend_open(&s->backend, url, 0) != 0)
        return cli_fail();
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

