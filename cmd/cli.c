/* Option parsing and error printing shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "athanor %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'athanor %s --help'.\n", command);
    va_end(ap);
    return EXIT_USAGE;
}

static const cli_option *find_long(const cli_option *o, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(o[i].name) == len && strncmp(o[i].name, name, len) == 0)
            return &o[i];
    return NULL;
}

static const cli_option *find_short(const cli_option *o, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (o[i].short_name && o[i].short_name == c)
            return &o[i];
    return NULL;
}

int cli_parse(const char *command, int argc, char **argv, const cli_option *options,
              size_t noptions, const char **positional, size_t max_positional,
              size_t *npositional)
{
    *npositional = 0;
    bool only_positional = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const cli_option *opt = NULL;
        const char *inline_value = NULL;
        if (!only_positional && strcmp(arg, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (!only_positional && arg[0] == '-' && arg[1] == '-') {
            const char *eq = strchr(arg + 2, '=');
            size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            opt = find_long(options, noptions, arg + 2, len);
            if (!opt)
                return cli_usage_error(command, "unknown option '%.*s'", (int)len + 2, arg);
            inline_value = eq ? eq + 1 : NULL;
        } else if (!only_positional && arg[0] == '-' && arg[1] && !(arg[1] >= '0' && arg[1] <= '9')) {
            /* "-1" is a relative revision, not an option. */
            opt = find_short(options, noptions, arg[1]);
            if (!opt)
                return cli_usage_error(command, "unknown option '-%c'", arg[1]);
            inline_value = arg[2] ? arg + 2 : NULL;
            if (inline_value && !opt->takes_value)
                return cli_usage_error(command, "option '-%c' takes no value", arg[1]);
        } else {
            if (*npositional >= max_positional)
                return cli_usage_error(command, "unexpected argument '%s'", arg);
            positional[(*npositional)++] = arg;
            continue;
        }
        if (!opt->takes_value) {
            if (inline_value)
                return cli_usage_error(command, "option '--%s' takes no value", opt->name);
            *opt->value = "";
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= argc)
                return cli_usage_error(command, "option '--%s' needs a value", opt->name);
            inline_value = argv[++i];
        }
        *opt->value = inline_value;
    }
    return 0;
}

int cli_fail(void)
{
    fprintf(stderr, "athanor: error: %s\n", ath_error_last());
    return EXIT_ERROR;
}

int cli_write_stdout(const ath_buf *buf)
{
    if (buf->len && fwrite(buf->ptr, 1, buf->len, stdout) != buf->len) {
        fprintf(stderr, "athanor: error: cannot write the output: %s\n", strerror(errno));
        return EXIT_ERROR;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "athanor: error: cannot write the output: %s\n", strerror(errno));
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

const char *cli_database_url(const char *option_value)
{
    if (option_value)
        return option_value;
    const char *env = getenv("DATABASE_URL");
    return env && *env ? env : NULL;
}
