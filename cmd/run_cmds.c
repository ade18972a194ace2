/*
 * `athanor upgrade` and `downgrade`: run migrations with `flask db`'s
 * options, logging each step as Alembic does on stderr, or with --sql print
 * the script of a range without connecting (Alembic's offline mode).
 *
 * Progress: each step is Alembic's INFO line, except when stderr is a
 * terminal and more than PROGRESS_MIN migrations are about to run. Then one
 * line "[12/200] abc123 message" is rewritten in place with \r, cleared at
 * the end, and a last line says how many ran; a failure clears it before the
 * error, which names the revision. Logs and CI (not a terminal) keep
 * Alembic's lines, one per migration.
 */
#include "session.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum { PROGRESS_MIN = 10 };

/* The progress line's state; total 0: Alembic's INFO lines instead. */
typedef struct progress {
    size_t total;
    size_t done;
    size_t width; /* columns the line may take */
    size_t shown; /* characters of the line on screen now */
} progress;

/* "Running upgrade a -> b, doc", as alembic.runtime.migration logs it. */
static void info_line(const ath_revision_step *step)
{
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

/* Blanks the progress line and puts the cursor at its start. */
static void progress_clear(progress *p)
{
    if (!p->shown)
        return;
    fprintf(stderr, "\r%*s\r", (int)p->shown, "");
    p->shown = 0;
}

/* Rewrites the line with `text`, cut to the terminal's width (counting UTF-8 characters). */
static void progress_show(progress *p, const char *text)
{
    size_t bytes = 0, chars = 0;
    while (text[bytes] && chars < p->width) {
        bytes++;
        while (((unsigned char)text[bytes] & 0xC0) == 0x80)
            bytes++;
        chars++;
    }
    int pad = chars < p->shown ? (int)(p->shown - chars) : 0;
    fprintf(stderr, "\r%.*s%*s", (int)bytes, text, pad, "");
    fflush(stderr);
    p->shown = chars;
}

static void print_step(void *ctx, const ath_revision_step *step)
{
    progress *p = ctx;
    if (!p || !p->total) {
        info_line(step);
        return;
    }
    p->done++;
    ath_buf line = ATH_BUF_INIT;
    ath_buf_printf(&line, "[%zu/%zu] %s %s", p->done, p->total, step->revision->id,
                   step->revision->doc);
    /* The doc may hold newlines and tabs (a longdoc's first paragraph): one line on screen. */
    for (size_t i = 0; i < line.len; i++)
        if (line.ptr[i] == '\n' || line.ptr[i] == '\r' || line.ptr[i] == '\t')
            line.ptr[i] = ' ';
    if (!line.oom)
        progress_show(p, ath_buf_cstr(&line));
    ath_buf_free(&line);
}

static size_t terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
        return (size_t)ws.ws_col - 1; /* the last column would wrap on some terminals */
    return 79;
}

/* The runner's plan decides: a progress line on a terminal for many migrations. */
static void plan_made(void *ctx, size_t count)
{
    progress *p = ctx;
    if (count > PROGRESS_MIN && isatty(STDERR_FILENO)) {
        p->total = count;
        p->width = terminal_width();
    }
}

static int migrate_online(session *s, bool upgrade, const char *target)
{
    progress p = {0, 0, 0, 0};
    ath_diags diags;
    ath_diags_init(&diags, s->arena);
    size_t applied = 0;
    ath_runner_options opt = {&diags, print_step, &p, &applied, plan_made, s->map};
    int lrc = upgrade ? ath_runner_upgrade(s->backend, s->versions, target, &opt)
                      : ath_runner_downgrade(s->backend, s->versions, target, &opt);
    progress_clear(&p);
    cli_print_diags(&diags);
    if (lrc)
        return cli_fail();
    if (p.total)
        fprintf(stderr, "Ran %zu %s%s.\n", applied, upgrade ? "upgrade" : "downgrade",
                applied == 1 ? "" : "s");
    return EXIT_OK;
}

/*
 * --sql: "START:END", or for upgrade "END" alone (from base), as `flask db
 * upgrade --sql` takes it. The dialect comes from the URL, which is not opened.
 */
static int migrate_offline(session *s, bool upgrade, const char *range, const char *url_opt)
{
    const char *command = upgrade ? "upgrade" : "downgrade";
    const char *start = NULL, *target = range;
    const char *colon = range ? strchr(range, ':') : NULL;
    if (colon) {
        start = ath_arena_printf(s->arena, "%.*s", (int)(colon - range), range);
        target = colon + 1;
        if (!start) {
            ath_error_oom();
            return cli_fail();
        }
        if (!*start || !*target)
            return cli_usage_error(command, "a range is START:END, both given: '%s'", range);
    } else if (!upgrade) {
        return cli_usage_error(command, "downgrade with --sql requires <fromrev>:<torev>");
    }
    const char *url = cli_config_url(url_opt, &s->config);
    if (!url)
        return cli_usage_error(command,
                               "no database URL to choose the SQL dialect: give --url, set "
                               "DATABASE_URL or SQLALCHEMY_DATABASE_URI, or set url in the "
                               "[athanor] section of %s/alembic.ini",
                               s->dir);
    ath_url parsed;
    if (ath_url_parse(&parsed, s->arena, url))
        return cli_fail();
    ath_diags diags;
    ath_diags_init(&diags, s->arena);
    progress none = {0, 0, 0, 0};
    ath_runner_options opt = {&diags, print_step, &none, NULL, NULL, NULL};
    ath_buf out = ATH_BUF_INIT;
    int lrc =
        upgrade ? ath_runner_upgrade_sql(&out, parsed.dialect, s->versions, start, target, &opt)
                : ath_runner_downgrade_sql(&out, parsed.dialect, s->versions, start, target, &opt);
    cli_print_diags(&diags);
    int rc = lrc ? cli_fail() : cli_write_stdout(&out);
    ath_buf_free(&out);
    return rc;
}

static int migrate(bool upgrade, int argc, char **argv)
{
    const char *command = upgrade ? "upgrade" : "downgrade";
    const char *url_opt = NULL, *dir = "migrations", *help = NULL, *sql = NULL;
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"directory", 'd', true, &dir},
        {"sql", 0, false, &sql},
        {"help", 'h', false, &help},
    };
    const char *target = NULL;
    size_t npos = 0;
    int rc = cli_parse(command, argc, argv, options, sizeof(options) / sizeof(*options), &target, 1,
                       &npos);
    if (rc)
        return rc;
    if (help) {
        printf("usage: athanor %s [REVISION] [-d DIR] [--url URL] [--sql]\n\n"
               "%s\n\n"
               "  REVISION             target revision (default: %s); with --sql a range\n"
               "                       START:END%s\n"
               "  --url URL            SQLAlchemy database URL (default: $DATABASE_URL, else\n"
               "                       $SQLALCHEMY_DATABASE_URI, else the [athanor] url of\n"
               "                       DIR/alembic.ini)\n"
               "  --sql                print the SQL instead of running it (offline mode: the\n"
               "                       URL only chooses the dialect, nothing connects)\n"
               "  -d, --directory DIR  migrations folder (default: migrations)\n",
               command,
               upgrade ? "Run the migrations up to REVISION, each in its own transaction."
                       : "Revert migrations down to REVISION, each in its own transaction.",
               upgrade ? "head" : "-1", upgrade ? ", or END alone from base" : " (required)");
        return EXIT_OK;
    }
    session s;
    rc = session_open(&s, command, dir, url_opt, !sql, !sql);
    if (!rc)
        rc = sql ? migrate_offline(&s, upgrade, target, url_opt)
                 : migrate_online(&s, upgrade, target);
    session_close(&s);
    return rc;
}

int cmd_upgrade(int argc, char **argv) { return migrate(true, argc, argv); }

int cmd_downgrade(int argc, char **argv) { return migrate(false, argc, argv); }
