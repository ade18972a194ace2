/*
 * Finding model files: expanding files and folders into a sorted list of
 * .py files (skipping hidden folders, __pycache__, virtualenvs and
 * migrations), and discovering which of them define models. Reading them
 * is models.c's job.
 */
#include "athanor.h"
#include "athanor/models.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct list {
    ath_arena *arena;
    const char **items;
    size_t count, cap;
} list;

static int push(list *l, const char *path)
{
    const char **slot = ATH_PUSH(l->arena, l->items, l->count, l->cap);
    if (!slot)
        return ath_error_oom();
    *slot = ath_arena_strdup(l->arena, path);
    if (!*slot) {
        l->count--;
        return ath_error_oom();
    }
    return 0;
}

static bool skip_folder(const char *dir, const char *name)
{
    if (name[0] == '.' || strcmp(name, "__pycache__") == 0 || strcmp(name, "site-packages") == 0 ||
        strcmp(name, "node_modules") == 0 || strcmp(name, "migrations") == 0)
        return true;
    char cfg[4096];
    int n = snprintf(cfg, sizeof(cfg), "%s/%s/pyvenv.cfg", dir, name);
    return n > 0 && (size_t)n < sizeof(cfg) && access(cfg, F_OK) == 0;
}

static bool is_py(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".py") == 0;
}

static int walk(list *l, const char *dir, int depth)
{
    if (depth > 64)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return ath_error(ATH_EIO, "cannot read the folder %s: %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        size_t need = strlen(dir) + strlen(name) + 2;
        char *path = malloc(need);
        if (!path) {
            rc = ath_error_oom();
            break;
        }
        snprintf(path, need, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (!skip_folder(dir, name))
                    rc = walk(l, path, depth + 1);
            } else if (S_ISREG(st.st_mode) && is_py(name)) {
                rc = push(l, path);
            }
        }
        free(path);
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ath_models_expand(const char ***out, size_t *count, ath_arena *arena, const char *const *paths,
                      size_t npaths)
{
    *out = NULL;
    *count = 0;
    list l = {arena, NULL, 0, 0};
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0)
            return ath_error(ATH_ENOTFOUND, "no such file or folder: %s", paths[i]);
        int rc = S_ISDIR(st.st_mode) ? walk(&l, paths[i], 0) : push(&l, paths[i]);
        if (rc)
            return rc;
    }
    if (l.count > 1) {
        qsort(l.items, l.count, sizeof(*l.items), cmp_str);
        size_t k = 1;
        for (size_t i = 1; i < l.count; i++)
            if (strcmp(l.items[i], l.items[k - 1]) != 0)
                l.items[k++] = l.items[i];
        l.count = k;
    }
    *out = l.items;
    *count = l.count;
    return 0;
}

/* A cheap test of the text, not a parse: a file whose lines define a
 * model, a declarative base or a Table. */
static bool defines_models(const char *text)
{
    static const char *const marks[] = {"db.Model", "declarative_base(", "DeclarativeBase",
                                        "Table(",   "__tablename__",     "mapped_column(",
                                        "Column("};
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (strstr(text, marks[i]))
            return true;
    return false;
}

int ath_models_discover(const char ***out, size_t *count, ath_arena *arena, const char *root)
{
    const char **all;
    size_t n;
    int rc = ath_models_expand(&all, &n, arena, &root, 1);
    if (rc)
        return rc;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char *text = NULL;
        size_t len = 0;
        if ((rc = ath_file_read(&text, &len, all[i])))
            return rc;
        /* A file with a NUL byte is no Python source: not a model file. */
        bool yes = strlen(text) == len && defines_models(text);
        free(text);
        if (yes)
            all[k++] = all[i];
    }
    *out = all;
    *count = k;
    return 0;
}
