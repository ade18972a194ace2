/*
 * `athanor inspect`: print a database's schema as text, SQL or JSON. Reads
 * only; a SQLite file that does not exist is an error, never created.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: athanor inspect [--url URL] [--format text|sql|json] [--dialect sqlite|postgresql]\n"
    "\n"
    "Print the schema of a database, sorted, the same way every time.\n"
    "\n"
    "  --url URL        SQLAlchemy database URL (default: $DATABASE_URL)\n"
    "  --format FORMAT  text (default), sql (CREATE statements) or json\n"
    "  --dialect NAME   with --format sql: the dialect to write for (default: the database's)\n";

int cmd_inspect(int argc, char **argv)
{
    const char *url_opt = NULL, *format = "text", *dialect_name = NULL, *help = NULL;
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"format", 'f', true, &format},
        {"dialect", 0, true, &dialect_name},
        {"help", 'h', false, &help},
    };
    size_t npos = 0;
    int rc = cli_parse("inspect", argc, argv, options, sizeof(options) / sizeof(*options), NULL, 0,
                       &npos);
    if (rc)
        return rc;
    if (help) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "sql") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("inspect", "unknown format '%s' (expected text, sql or json)", format);
    ath_dialect dialect = ATH_DIALECT_SQLITE;
    if (dialect_name && ath_dialect_parse(&dialect, dialect_name) != 0)
        return cli_usage_error("inspect", "%s", ath_error_last());
    const char *url = cli_database_url(url_opt);
    if (!url)
        return cli_usage_error("inspect", "no database: give --url or set DATABASE_URL");

    ath_backend *backend = NULL;
    ath_arena *arena = ath_arena_new();
    ath_buf out = ATH_BUF_INIT;
    ath_schema *schema = NULL;
    if (!arena) {
        ath_error_oom();
        goto fail;
    }
    if (ath_backend_open(&backend, url, ATH_OPEN_MUST_EXIST) != 0)
        goto fail;
    if (ath_backend_introspect(&schema, arena, backend) != 0)
        goto fail;
    if (!dialect_name)
        dialect = ath_backend_dialect(backend);
    if (strcmp(format, "sql") == 0)
        rc = ath_schema_to_sql(&out, schema, dialect);
    else if (strcmp(format, "json") == 0)
        rc = ath_schema_to_json(&out, schema);
    else
        rc = ath_schema_to_text(&out, schema);
    if (rc)
        goto fail;
    ath_backend_close(backend);
    ath_arena_free(arena);
    rc = cli_write_stdout(&out);
    ath_buf_free(&out);
    return rc;

fail:
    rc = cli_fail();
    ath_backend_close(backend);
    ath_arena_free(arena);
    ath_buf_free(&out);
    return rc;
}
