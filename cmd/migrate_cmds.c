/*
 * `athanor upgrade`, `downgrade`, `current`, `heads` and `history`: the
 * commands of `flask db` that run or show migrations, with its options and
 * its output lines (Alembic's log lines on stderr, listings on stdout).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What every one of these commands shares: the folder, the URL, the map. */
typedef struct session {
    ath_arena *arena;
    ath_config config;
    const char *versions;
    ath_revmap *map;
    ath_backend *backend;
} session;

static int session_open(session *s, const char *command, const char *dir, const char *url_opt,
                        bool need_map, bool need_db)
{
    memset(s, 0, sizeof(*s));
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

static void session_close(session *s)
{
    ath_backend_close(s->backend);
    ath_arena_free(s->arena);
}

/* Alembic's util.format_as_comma over revisions. */
static void put_ids(ath_buf *out, const ath_revision *const *revs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ath_buf_printf(out, "%s%s", i ? ", " : "", revs[i]->id);
}

/* Alembic's " (head)" / " (effective head)" and, with `tree`, branch and merge points. */
static void put_indicators(ath_buf *out, const ath_revision *rev, bool tree)
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

static void put_labels(ath_buf *out, const ath_revision *rev)
{
    if (!rev->nlabels)
        return;
    ath_buf_puts(out, " (");
    for (size_t i = 0; i < rev->nlabels; i++)
        ath_buf_printf(out, "%s%s", i ? ", " : "", rev->labels[i]);
    ath_buf_puts(out, ")");
}

/* "Running upgrade a -> b, doc", as alembic.runtime.migration logs it. */
static void print_step(void *ctx, const ath_revision_step *step)
{
    (void)ctx;
    const ath_revision *rev = step->revision;
    ath_buf down = ATH_BUF_INIT;
    put_ids(&down, rev->down, rev->ndown);
    if (step->upgrade)
        fprintf(stderr, "INFO  [alembic.runtime.migration] Running upgrade %s -> %s, %s\n",
                ath_buf_cstr(&down), rev->id, rev->doc);
    else
        fprintf(stderr, "INFO  [alembic.runtime.migration] Running downgrade %s -> %s, %s\n",
                rev->id, ath_buf_cstr(&down), rev->doc);
    ath_buf_free(&down);
}

static int migrate(bool upgrade, int argc, char **argv)
{
    const char *command = upgrade ? "upgrade" : "downgrade";
    const char *url_opt = NULL, *dir = "migrations", *help = NULL;
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"directory", 'd', true, &dir},
        {"help", 'h', false, &help},
    };
    const char *target = NULL;
    size_t npos = 0;
    int rc = cli_parse(command, argc, argv, options, sizeof(options) / sizeof(*options), &target, 1,
                       &npos);
    if (rc)
        return rc;
    if (help) {
        printf("usage: athanor %s [REVISION] [-d DIR] [--url URL]\n\n"
               "%s\n\n"
               "  REVISION             target revision (default: %s)\n"
               "  --url URL            SQLAlchemy database URL (default: $DATABASE_URL, else\n"
               "                       $SQLALCHEMY_DATABASE_URI, else the [athanor] url of\n"
               "                       DIR/alembic.ini)\n"
               "  -d, --directory DIR  migrations folder (default: migrations)\n",
               command,
               upgrade ? "Run the migrations up to REVISION, each in its own transaction."
                       : "Revert migrations down to REVISION, each in its own transaction.",
               upgrade ? "head" : "-1");
        return EXIT_OK;
    }
    session s;
    rc = session_open(&s, command, dir, url_opt, false, true);
    if (!rc) {
        ath_diags diags;
        ath_diags_init(&diags, s.arena);
        ath_runner_options opt = {&diags, print_step, NULL, NULL};
        int lrc = upgrade ? ath_runner_upgrade(s.backend, s.versions, target, &opt)
                          : ath_runner_downgrade(s.backend, s.versions, target, &opt);
        cli_print_diags(&diags);
        if (lrc)
            rc = cli_fail();
    }
    session_close(&s);
    return rc;
}

int cmd_upgrade(int argc, char **argv) { return migrate(true, argc, argv); }

int cmd_downgrade(int argc, char **argv) { return migrate(false, argc, argv); }

/* Options of the listing commands; a non-NULL `range` adds -r (history). */
static int parse_listing(const char *command, int argc, char **argv, const char **url_opt,
                         const char **dir, const char **range, bool *help)
{
    const char *help_flag = NULL, *verbose = NULL;
    cli_option options[] = {
        {"url", 0, true, url_opt},        {"directory", 'd', true, dir},
        {"help", 'h', false, &help_flag}, {"verbose", 'v', false, &verbose},
        {"rev-range", 'r', true, range},
    };
    size_t n = sizeof(options) / sizeof(*options) - (range ? 0 : 1);
    size_t npos = 0;
    int rc = cli_parse(command, argc, argv, options, n, NULL, 0, &npos);
    if (!rc && verbose)
        rc = cli_usage_error(command, "-v/--verbose is not supported yet");
    *help = help_flag != NULL;
    if (!rc && *help)
        printf("usage: athanor %s [-d DIR]%s%s\n", command,
               strcmp(command, "heads") == 0 ? "" : " [--url URL]",
               range ? " [-r [START]:[END]]" : "");
    return rc;
}

int cmd_current(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations";
    bool help = false;
    int rc = parse_listing("current", argc, argv, &url_opt, &dir, NULL, &help);
    if (rc || help)
        return rc;
    session s;
    rc = session_open(&s, "current", dir, url_opt, true, true);
    const char **heads = NULL;
    size_t n = 0;
    if (!rc && ath_runner_current(&heads, &n, s.arena, s.backend) != 0)
        rc = cli_fail();
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; !rc && i < n; i++) {
        const ath_revision *rev = NULL;
        if (ath_revmap_resolve_one(&rev, s.arena, s.map, heads[i], NULL, 0) != 0 || !rev) {
            rc = cli_fail();
            break;
        }
        ath_buf_puts(&out, rev->id);
        put_indicators(&out, rev, true);
        ath_buf_putc(&out, '\n');
    }
    if (!rc)
        rc = cli_write_stdout(&out);
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}

int cmd_heads(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations";
    bool help = false;
    int rc = parse_listing("heads", argc, argv, &url_opt, &dir, NULL, &help);
    if (rc || help)
        return rc;
    session s;
    rc = session_open(&s, "heads", dir, url_opt, true, false);
    ath_buf out = ATH_BUF_INIT;
    if (!rc) {
        ath_revset heads = ath_revmap_heads(s.map);
        for (size_t i = 0; i < heads.count; i++) {
            ath_buf_puts(&out, heads.items[i]->id);
            put_labels(&out, heads.items[i]);
            put_indicators(&out, heads.items[i], false);
            ath_buf_putc(&out, '\n');
        }
        rc = cli_write_stdout(&out);
    }
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}

int cmd_history(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations", *range = NULL;
    bool help = false;
    int rc = parse_listing("history", argc, argv, &url_opt, &dir, &range, &help);
    if (rc || help)
        return rc;
    if (range && !strchr(range, ':'))
        return cli_usage_error("history", "History range requires [start]:[end], [start]:, or "
                                          ":[end]");
    session s;
    rc = session_open(&s, "history", dir, url_opt, true, false);
    const char *lower = NULL, *upper = NULL;
    if (!rc && range) {
        const char *colon = strchr(range, ':');
        lower = colon > range ? ath_arena_strndup(s.arena, range, (size_t)(colon - range)) : NULL;
        upper = colon[1] ? colon + 1 : NULL;
    }
    ath_revset revs = {NULL, 0};
    if (!rc && ath_revmap_history(&revs, s.arena, s.map, lower, upper, NULL, 0) != 0)
        rc = cli_fail();
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; !rc && i < revs.count; i++) {
        const ath_revision *rev = revs.items[i];
        if (rev->ndown)
            put_ids(&out, rev->down, rev->ndown);
        else
            ath_buf_puts(&out, "<base>");
        if (rev->ndepends) {
            ath_buf_puts(&out, " (");
            put_ids(&out, rev->depends, rev->ndepends);
            ath_buf_puts(&out, ")");
        }
        ath_buf_printf(&out, " -> %s", rev->id);
        put_labels(&out, rev);
        put_indicators(&out, rev, true);
        ath_buf_printf(&out, ", %s\n", rev->doc);
    }
    if (!rc)
        rc = cli_write_stdout(&out);
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}
