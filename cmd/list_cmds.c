/*
 * `athanor current`, `heads` and `history`: the listings of `flask db`, with
 * its options and its output lines on stdout.
 */
#include "session.h"

#include <stdio.h>
#include <string.h>

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
