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

int cmd_inspect(int argc, char **argv);

#endif
