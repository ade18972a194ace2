/*
 * `athanor create-all`: what db.create_all() does. Reads the models, then
 * creates the tables, indexes and enum types the database lacks, in one
 * transaction; never alters what exists. Models are read before connecting,
 * so a model error leaves even a SQLite file uncreated.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "usage: athanor create-all [--models PATH]... [--url URL] [-d DIR]\n"
    "\n"
    "Create the tables, indexes and enum types of the models that the database\n"
    "lacks, as db.create_all() does. Existing tables are left as they are.\n"
    "\n"
    "  --models PATH...     model files or folders (repeatable; default: the\n"
    "                       [athanor] models of DIR/alembic.ini, else the files\n"
    "                       under the current folder that define models)\n"
    "  --url URL            SQLAlchemy database URL (default: $DATABASE_URL, else\n"
    "                       $SQLALCHEMY_DATABASE_URI, else the [athanor] url of\n"
    "                       DIR/alembic.ini)\n"
    "  -d, --directory DIR  migrations folder (default: migrations)\n";

static int create_all(const cli_list *models, const char *url_opt, const char *dir)
{
    ath_arena *arena = ath_arena_new();
    if (!arena) {
        ath_error_oom();
        return cli_fail();
    }
    ath_config config;
    ath_url url;
    ath_schema *schema = NULL;
    ath_backend *backend = NULL;
    size_t created = 0;
    int rc = cli_load_config(&config, arena, dir);
    const char *url_text = rc ? NULL : cli_config_url(url_opt, &config);
    if (!rc && !url_text)
        rc = cli_usage_error("create-all",
                             "no database: give --url, set DATABASE_URL or "
                             "SQLALCHEMY_DATABASE_URI, or set url in the [athanor] section of "
                             "%s/alembic.ini",
                             dir);
    if (!rc && ath_url_parse(&url, arena, url_text) != 0)
        rc = cli_fail();
    if (!rc)
        rc = cli_read_models(&schema, arena, models->items, models->count, &config, url.dialect);
    if (!rc && (ath_backend_open(&backend, url_text, 0) != 0 ||
                ath_create_all(backend, schema, &created) != 0))
        rc = cli_fail();
    ath_backend_close(backend);
    ath_arena_free(arena);
    if (rc)
        return rc;
    if (created)
        printf("created %zu table%s\n", created, created == 1 ? "" : "s");
    else
        puts("nothing to create");
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_ERROR;
}

int cmd_create_all(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations", *help = NULL;
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"directory", 'd', true, &dir},
        {"help", 'h', false, &help},
    };
    cli_list models = {NULL, 0};
    int rc = cli_parse_with_models("create-all", argc, argv, options,
                                   sizeof(options) / sizeof(*options), &models);
    if (!rc && help)
        fputs(usage, stdout);
    else if (!rc)
        rc = create_all(&models, url_opt, dir);
    free(models.items);
    return rc;
}
