/*
 * The [athanor] section of a migrations folder's alembic.ini: where the models
 * are, the database URL, and type mappings. Reading only; the precedence of
 * command-line options and environment variables over these is the CLI's.
 */
#include "athanor.h"

#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * The folder that holds the migrations folder, where model paths start:
 * "" for the current folder (so paths read as written), else a prefix.
 */
static char *project_root(ath_arena *arena, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t slash = n;
    while (slash > 0 && dir[slash - 1] != '/')
        slash--;
    const char *last = dir + slash;
    size_t lastlen = n - slash;
    if ((lastlen == 1 && last[0] == '.') || (lastlen == 2 && last[0] == '.' && last[1] == '.'))
        return ath_arena_printf(arena, "%.*s/..", (int)n, dir);
    if (slash == 0)
        return ath_arena_strdup(arena, "");
    if (slash == 1)
        return ath_arena_strdup(arena, "/");
    return ath_arena_strndup(arena, dir, slash - 1);
}

static const char *resolve(ath_arena *arena, const char *root, const char *path, size_t n)
{
    if (path[0] == '/' || !*root)
        return ath_arena_strndup(arena, path, n);
    if (strcmp(root, "/") == 0)
        return ath_arena_printf(arena, "/%.*s", (int)n, path);
    return ath_arena_printf(arena, "%s/%.*s", root, (int)n, path);
}

/* The interpolated value of [athanor] key, or NULL (not an error) when unset. */
static int athanor_value(const char **out, const ath_ini_entry **entry, ath_arena *arena,
                         const ath_ini *ini, const char *key, ath_diags *diags)
{
    *out = NULL;
    *entry = ath_ini_get(ini, "athanor", key);
    if (!*entry)
        return 0;
    return ath_ini_interpolate(out, arena, ini, *entry, diags);
}

static int read_models(ath_config *cfg, ath_arena *arena, const char *value)
{
    char *root = project_root(arena, cfg->dir);
    if (!root)
        return ath_error_oom();
    size_t cap = 0;
    const char *p = value;
    while (*p) {
        while (*p && is_space(*p))
            p++;
        const char *start = p;
        while (*p && !is_space(*p))
            p++;
        if (p == start)
            break;
        const char **slot = ATH_PUSH(arena, cfg->models, cfg->nmodels, cap);
        if (!slot)
            return ath_error_oom();
        *slot = resolve(arena, root, start, (size_t)(p - start));
        if (!*slot)
            return ath_error_oom();
    }
    return 0;
}

/* One "name = type expression" per line; blank lines are skipped. */
static int read_types(ath_config *cfg, ath_arena *arena, const ath_ini *ini,
                      const ath_ini_entry *entry, const char *value, ath_diags *diags)
{
    size_t cap = 0;
    int lineno = 0;
    bool bad = false;
    for (const char *p = value; *p; lineno++) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *line = p;
        p = eol ? eol + 1 : p + n;
        while (n && is_space(line[n - 1]))
            n--;
        while (n && is_space(*line)) {
            line++;
            n--;
        }
        if (n == 0)
            continue;
        const char *eq = memchr(line, '=', n);
        size_t nlen = eq ? (size_t)(eq - line) : 0;
        while (nlen && is_space(line[nlen - 1]))
            nlen--;
        const char *type = eq ? eq + 1 : line + n;
        while (type < line + n && is_space(*type))
            type++;
        size_t tlen = (size_t)(line + n - type);
        if (!eq || nlen == 0 || tlen == 0) {
            /* Lines of the value follow the key's line; comment lines inside
             * a value would shift this, and are rare there. */
            int col = lineno == 0 && entry->value_col && value == entry->value
                          ? entry->value_col + (int)(line - value)
                          : 0;
            int rc = ath_diags_add(diags, ATH_DIAG_ERROR, ini->path, entry->line + lineno, col,
                                   "in [athanor] types: expected 'name = SQLAlchemy type', "
                                   "got '%.*s'",
                                   (int)n, line);
            if (rc)
                return rc;
            bad = true;
            continue;
        }
        ath_type_mapping *m = ATH_PUSH(arena, cfg->types, cfg->ntypes, cap);
        if (!m)
            return ath_error_oom();
        m->name = ath_arena_strndup(arena, line, nlen);
        m->type_expr = ath_arena_strndup(arena, type, tlen);
        if (!m->name || !m->type_expr)
            return ath_error_oom();
    }
    if (bad)
        return ath_error(ATH_EPARSE, "%s: bad [athanor] types", ini->path);
    return 0;
}

int ath_config_load(ath_config *out, ath_arena *arena, const char *dir, ath_diags *diags)
{
    memset(out, 0, sizeof(*out));
    out->dir = ath_arena_strdup(arena, dir);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    const char *path = ath_arena_printf(arena, "%.*s/alembic.ini", (int)n, dir);
    if (!out->dir || !path)
        return ath_error_oom();
    ath_ini ini;
    int rc = ath_ini_load(&ini, arena, path, diags);
    if (rc == ATH_ENOTFOUND) {
        ath_error_clear();
        return 0;
    }
    if (rc)
        return rc;
    out->ini_path = ini.path;

    const char *value;
    const ath_ini_entry *entry;
    rc = athanor_value(&value, &entry, arena, &ini, "models", diags);
    if (!rc && value)
        rc = read_models(out, arena, value);
    if (!rc)
        rc = athanor_value(&value, &entry, arena, &ini, "url", diags);
    if (!rc && value && *value)
        out->url = value;
    if (!rc)
        rc = athanor_value(&value, &entry, arena, &ini, "types", diags);
    if (!rc && value)
        rc = read_types(out, arena, &ini, entry, value, diags);
    return rc;
}
