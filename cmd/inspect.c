/*
 * `athanor inspect`: print a database's schema, or the schema the models
 * declare, as text, SQL or JSON. Reads only; a SQLite file that does not
 * exist is an error, never created.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: athanor inspect [--url URL] [--format text|sql|json] [--dialect sqlite|postgresql]\n"
    "       athanor inspect --models PATH... [--format text|sql|json] [--dialect NAME] [-d DIR]\n"
    "\n"
    "Print the schema of a database, sorted, the same way every time; or, with\n"
    "--models, the schema the models declare, as SQLAlchemy builds it for a\n"
    "dialect (with --format sql: the statements db.create_all() runs).\n"
    "\n"
    "  --url URL            SQLAlchemy database URL (default: $DATABASE_URL)\n"
    "  --models PATH...     model files or folders (repeatable); no database needed\n"
    "  --format FORMAT      text (default), sql (CREATE statements) or json\n"
    "  --dialect NAME       the dialect to write for (default: the database's;\n"
    "                       sqlite for --models)\n"
    "  -d, --directory DIR  migrations folder whose alembic.ini maps types\n"
    "                       (default: migrations)\n";

static int write_schema(const ath_schema *schema, const char *format, ath_dialect dialect)
{
    ath_buf out = ATH_BUF_INIT;
    int rc;
    if (strcmp(format, "sql") == 0)
        rc = ath_schema_to_sql(&out, schema, dialect);
    else if (strcmp(format, "json") == 0)
        rc = ath_schema_to_json(&out, schema);
    else
        rc = ath_schema_to_text(&out, schema);
    rc = rc ? cli_fail() : cli_write_stdout(&out);
    ath_buf_free(&out);
    return rc;
}

static int inspect_models(const cli_list *paths, const char *dir, const char *format,
                          ath_dialect dialect)
{
    ath_arena *arena = ath_arena_new();
    if (!arena) {
        ath_error_oom();
        return cli_fail();
    }
    ath_config config;
    ath_schema *schema = NULL;
    int rc = cli_load_config(&config, arena, dir);
    if (!rc)
        rc = cli_read_models(&schema, arena, paths->items, paths->count, &config, dialect);
    if (!rc)
        rc = write_schema(schema, format, dialect);
    ath_arena_free(arena);
    return rc;
}

static int inspect_database(const char *url_opt, const char *format, const ath_dialect *forced)
{
    const char *url = cli_database_url(url_opt);
    if (!url)
        return cli_usage_error("inspect", "no database: give --url or set DATABASE_URL");

    ath_backend *backend = NULL;
    ath_arena *arena = ath_arena_new();
    ath_schema *schema = NULL;
    int rc;
    if (!arena) {
        ath_error_oom();
        rc = cli_fail();
    } else if (ath_backend_open(&backend, url, ATH_OPEN_MUST_EXIST) != 0 ||
               ath_backend_introspect(&schema, arena, backend) != 0) {
        rc = cli_fail();
    } else {
        /* Release the connection before writing: output may block on a pipe. */
        ath_dialect dialect = forced ? *forced : ath_backend_dialect(backend);
        ath_backend_close(backend);
        backend = NULL;
        rc = write_schema(schema, format, dialect);
    }
    ath_backend_close(backend);
    ath_arena_free(arena);
    return rc;
}

int cmd_inspect(int argc, char **argv)
{
    const char *url_opt = NULL, *format = "text", *dialect_name = NULL, *help = NULL;
    const char *dir = "migrations";
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"format", 'f', true, &format},
        {"dialect", 0, true, &dialect_name},
        {"directory", 'd', true, &dir},
        {"help", 'h', false, &help},
    };
    cli_list models = {NULL, 0};
    int rc = cli_parse_with_models("inspect", argc, argv, options,
                                   sizeof(options) / sizeof(*options), &models);
    ath_dialect dialect = ATH_DIALECT_SQLITE;
    if (!rc && help) {
        fputs(usage, stdout);
    } else if (rc) {
        /* The usage error is printed already. */
    } else if (strcmp(format, "text") != 0 && strcmp(format, "sql") != 0 &&
               strcmp(format, "json") != 0) {
        rc = cli_usage_error("inspect", "unknown format '%s' (expected text, sql or json)",
                             format);
    } else if (dialect_name && ath_dialect_parse(&dialect, dialect_name) != 0) {
        rc = cli_usage_error("inspect", "%s", ath_error_last());
    } else if (models.count && url_opt) {
        rc = cli_usage_error("inspect", "give --url or --models, not both");
    } else if (models.count) {
        rc = inspect_models(&models, dir, format, dialect);
    } else {
        rc = inspect_database(url_opt, format, dialect_name ? &dialect : NULL);
    }
    free(models.items);
    return rc;
}
