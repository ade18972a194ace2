/*
 * What every command of the `athanor` binary shares: exit codes, option
 * parsing, and printing of errors and diagnostics. Only cmd/ prints.
 */
#ifndef ATH_CMD_CLI_H
#define ATH_CMD_CLI_H

#include "athanor.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_DRIFT = 3 };

typedef struct cli_option {
    const char *name;      /* long name without dashes: "url" */
    char short_name;       /* 0 if none */
    bool takes_value;
    const char **value;    /* where a value goes; for a flag, set to "" when given */
} cli_option;

/*
 * Parses argv[0..argc) against `options`; arguments that are not options go
 * to positional[] (at most `max_positional`). Prints a usage error and
 * returns EXIT_USAGE on an unknown option, a missing value or too many
 * arguments; returns 0 otherwise.
 */
int cli_parse(const char *command, int argc, char **argv, const cli_option *options,
              size_t noptions, const char **positional, size_t max_positional,
              size_t *npositional);

/* Prints "athanor: error: <last library error>" and returns EXIT_ERROR. */
int cli_fail(void);
/* Prints "athanor <command>: <message>" as a usage error and returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) ATH_PRINTF(2, 3);
/* Writes the buffer to stdout; EXIT_ERROR (with a message) if the write fails. */
int cli_write_stdout(const ath_buf *buf);

/* The database URL: the option's value, else DATABASE_URL; NULL if neither. */
const char *cli_database_url(const char *option_value);

/* The database URL of a command with a migrations folder: the option's
 * value, else DATABASE_URL, else SQLALCHEMY_DATABASE_URI, else the [athanor]
 * url of the folder's alembic.ini; NULL if none. */
const char *cli_config_url(const char *option_value, const ath_config *config);

/* Values of a repeatable option; free `items` with free(). */
typedef struct cli_list {
    const char **items;
    size_t count;
} cli_list;

/*
 * Takes every `--name VALUE` and `--name=VALUE` out of argv (up to a "--"),
 * appending the values to `out` and closing the gaps, so that cli_parse sees
 * the rest. EXIT_USAGE (printed) when the last one lacks its value.
 */
int cli_take_repeated(const char *command, int *argc, char **argv, const char *name,
                      cli_list *out);

/*
 * cli_parse for commands that read models: `--models PATH` may be repeated,
 * and arguments after it are more paths (`--models a.py b.py`). Paths go to
 * `models` (free its items); other arguments are a usage error.
 */
int cli_parse_with_models(const char *command, int argc, char **argv, const cli_option *options,
                          size_t noptions, cli_list *models);

/* Prints every diagnostic to stderr with its source line and caret. */
void cli_print_diags(const ath_diags *diags);

/*
 * Reads the models into a Schema for `dialect`: from `paths` (files and
 * folders) when there are any, else from the [athanor] models of `config`,
 * else from the files ath_models_discover finds under the current folder.
 * Unless every path named a file, says on stderr which files it used.
 * Prints diagnostics (and errors) itself; returns EXIT_OK or EXIT_ERROR.
 */
int cli_read_models(ath_schema **out, ath_arena *arena, const char *const *paths, size_t npaths,
                    const ath_config *config, ath_dialect dialect);

/* Loads DIR/alembic.ini's settings, printing diagnostics; EXIT_OK or EXIT_ERROR. */
int cli_load_config(ath_config *out, ath_arena *arena, const char *dir);

/* `path` made absolute against the current folder, "./" dropped, links not
 * resolved (the path may not exist yet), as Python's os.path.abspath spells
 * it for printing; free() it. NULL (errno set) when the current folder is
 * unknown or memory runs out. */
char *cli_absolute_path(const char *path);

int cmd_inspect(int argc, char **argv);
int cmd_create_all(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);
int cmd_downgrade(int argc, char **argv);
int cmd_current(int argc, char **argv);
int cmd_heads(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_revision(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_stamp(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_branches(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_edit(int argc, char **argv);

#endif
