/* Option parsing and error printing shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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

const char *cli_config_url(const char *option_value, const ath_config *config)
{
    const char *url = cli_database_url(option_value);
    if (url)
        return url;
    const char *env = getenv("SQLALCHEMY_DATABASE_URI");
    if (env && *env)
        return env;
    return config->url;
}

static int append(cli_list *list, const char *value)
{
    const char **grown = realloc(list->items, (list->count + 1) * sizeof(*grown));
    if (!grown) {
        ath_error_oom();
        return cli_fail();
    }
    list->items = grown;
    list->items[list->count++] = value;
    return 0;
}

int cli_take_repeated(const char *command, int *argc, char **argv, const char *name,
                      cli_list *out)
{
    size_t len = strlen(name);
    int kept = 0;
    int i = 0;
    for (; i < *argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0)
            break;
        const char *value = NULL;
        if (arg[0] == '-' && arg[1] == '-' && strncmp(arg + 2, name, len) == 0) {
            if (arg[2 + len] == '=') {
                value = arg + 3 + len;
            } else if (arg[2 + len] == '\0') {
                if (i + 1 >= *argc)
                    return cli_usage_error(command, "option '--%s' needs a value", name);
                value = argv[++i];
            }
        }
        if (!value) {
            argv[kept++] = argv[i];
            continue;
        }
        int rc = append(out, value);
        if (rc)
            return rc;
    }
    for (; i < *argc; i++)
        argv[kept++] = argv[i];
    *argc = kept;
    return 0;
}

int cli_parse_with_models(const char *command, int argc, char **argv, const cli_option *options,
                          size_t noptions, cli_list *models)
{
    int rc = cli_take_repeated(command, &argc, argv, "models", models);
    if (rc)
        return rc;
    const char **positional = calloc((size_t)argc + 1, sizeof(*positional));
    if (!positional) {
        ath_error_oom();
        return cli_fail();
    }
    size_t npos = 0;
    rc = cli_parse(command, argc, argv, options, noptions, positional, (size_t)argc, &npos);
    if (!rc && npos && !models->count)
        rc = cli_usage_error(command, "unexpected argument '%s'", positional[0]);
    for (size_t i = 0; !rc && i < npos; i++)
        rc = append(models, positional[i]);
    free(positional);
    return rc;
}

/* The whole text of a file, malloc'd; NULL when it cannot be read. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ath_buf text = ATH_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ath_buf_put(&text, chunk, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || ath_buf_check(&text)) {
        ath_buf_free(&text);
        return NULL;
    }
    ath_buf_putc(&text, '\0');
    text.len--;
    return ath_buf_detach(&text);
}

void cli_print_diags(const ath_diags *diags)
{
    const char *source_path = NULL;
    char *source = NULL;
    for (size_t i = 0; i < diags->count; i++) {
        const ath_diag *d = &diags->items[i];
        /* Diagnostics come grouped by file: read each file once. */
        if (d->path && (!source_path || strcmp(source_path, d->path) != 0)) {
            free(source);
            source = read_text(d->path);
            source_path = d->path;
        }
        ath_buf out = ATH_BUF_INIT;
        ath_diag_format(&out, d, d->path ? source : NULL);
        fputs(ath_buf_cstr(&out), stderr);
        ath_buf_free(&out);
    }
    free(source);
}

int cli_load_config(ath_config *out, ath_arena *arena, const char *dir)
{
    ath_diags diags;
    ath_diags_init(&diags, arena);
    int rc = ath_config_load(out, arena, dir, &diags);
    cli_print_diags(&diags);
    if (rc == ATH_EPARSE && diags.errors)
        return EXIT_ERROR;
    return rc ? cli_fail() : EXIT_OK;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "./app/models.py" reads better as "app/models.py". */
static const char *shown(const char *path)
{
    while (path[0] == '.' && path[1] == '/' && path[2])
        path += 2;
    return path;
}

int cli_read_models(ath_schema **out, ath_arena *arena, const char *const *paths, size_t npaths,
                    const ath_config *config, ath_dialect dialect)
{
    *out = NULL;
    const char **files = NULL;
    size_t nfiles = 0;
    bool announce = false;
    int rc;
    if (npaths) {
        for (size_t i = 0; i < npaths; i++)
            announce = announce || !is_file(paths[i]);
        rc = ath_models_expand(&files, &nfiles, arena, paths, npaths);
        if (rc)
            return cli_fail();
        if (nfiles == 0) {
            fprintf(stderr, "athanor: error: no Python files in %s\n",
                    npaths == 1 ? paths[0] : "the --models paths");
            return EXIT_ERROR;
        }
    } else if (config->nmodels) {
        announce = true;
        rc = ath_models_expand(&files, &nfiles, arena, config->models, config->nmodels);
        if (rc) {
            fprintf(stderr, "athanor: error: %s (models of [athanor] in %s)\n", ath_error_last(),
                    config->ini_path);
            return EXIT_ERROR;
        }
        if (nfiles == 0) {
            fprintf(stderr, "athanor: error: the [athanor] models of %s name no Python files\n",
                    config->ini_path);
            return EXIT_ERROR;
        }
    } else {
        announce = true;
        rc = ath_models_discover(&files, &nfiles, arena, ".");
        if (rc)
            return cli_fail();
        if (nfiles == 0) {
            fprintf(stderr,
                    "athanor: error: no models found: no file under the current folder defines "
                    "a db.Model subclass, a declarative base or a db.Table; give --models PATH "
                    "or set models in the [athanor] section of %s/alembic.ini\n",
                    config->dir ? config->dir : "migrations");
            return EXIT_ERROR;
        }
    }
    /* Diagnostics name the files as they are listed here. */
    for (size_t i = 0; i < nfiles; i++)
        files[i] = shown(files[i]);
    if (announce) {
        fputs("athanor: using models from ", stderr);
        for (size_t i = 0; i < nfiles; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", files[i]);
        fputc('\n', stderr);
    }

    ath_models_options options = {0};
    options.dialect = dialect;
    options.types = config->types;
    options.ntypes = config->ntypes;
    options.types_origin = config->ini_path;
    ath_diags diags;
    ath_diags_init(&diags, arena);
    rc = ath_models_read(out, arena, files, nfiles, &options, &diags);
    cli_print_diags(&diags);
    if (rc == ATH_EPARSE && diags.errors)
        return EXIT_ERROR;
    return rc ? cli_fail() : EXIT_OK;
}

char *cli_absolute_path(const char *dir)
{
    if (dir[0] == '/')
        return strdup(dir);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        return NULL;
    while (dir[0] == '.' && dir[1] == '/')
        dir += 2;
    size_t n = strlen(cwd) + strlen(dir) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", cwd, strcmp(dir, ".") == 0 ? "" : dir);
    return out;
}
