/*
 * `athanor upgrade` and `downgrade`: run migrations with `flask db`'s
 * options, logging each step as Alembic does on stderr.
 */
#include "session.h"

#include <stdio.h>
#include <string.h>

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
