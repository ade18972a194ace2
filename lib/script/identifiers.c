/*
 * Reading a migration script's identifiers and message from the module
 * level of its syntax tree, and listing a versions folder. No body is looked
 * into and nothing is evaluated: values must be literals, as Alembic writes
 * them and as people edit them.
 */
#define _DEFAULT_SOURCE /* d_type and DT_REG in struct dirent */
#include "script/identifiers.h"

#include "py/parser.h"
#include "script/ids_cache.h"
#include "util/parallel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { ID_REVISION, ID_DOWN, ID_LABELS, ID_DEPENDS, ID_COUNT };
static const char *const id_names[ID_COUNT] = {"revision", "down_revision", "branch_labels",
                                               "depends_on"};

static int name_index(const ath_py_node *target)
{
    if (!target || target->kind != ATH_PY_NAME)
        return -1;
    for (int i = 0; i < ID_COUNT; i++)
        if (strcmp(target->name.id, id_names[i]) == 0)
            return i;
    return -1;
}

/* "a call", "the name x", "an int" ...: what the reader found instead. */
static const char *construct(ath_arena *arena, const ath_py_node *n)
{
    switch (n->kind) {
    case ATH_PY_STR:
        return n->str.is_bytes ? "a bytes literal" : "a string";
    case ATH_PY_FSTRING:
        return "an f-string";
    case ATH_PY_NUM:
        return n->num.kind == ATH_PY_NUM_INT ? "an int" : "a number";
    case ATH_PY_CONST:
        switch (n->constant.kind) {
        case ATH_PY_CONST_NONE:
            return "None";
        case ATH_PY_CONST_TRUE:
            return "True";
        case ATH_PY_CONST_FALSE:
            return "False";
        case ATH_PY_CONST_ELLIPSIS:
            return "...";
        }
        return "a constant";
    case ATH_PY_NAME: {
        const char *s = ath_arena_printf(arena, "the name %s", n->name.id);
        return s ? s : "a name";
    }
    case ATH_PY_CALL:
        return "a call";
    case ATH_PY_ATTRIBUTE:
        return "an attribute";
    case ATH_PY_TUPLE:
        return "a tuple";
    case ATH_PY_LIST:
        return "a list";
    case ATH_PY_SET:
        return "a set";
    case ATH_PY_DICT:
        return "a dict";
    case ATH_PY_SUBSCRIPT:
        return "a subscript";
    case ATH_PY_BINOP:
    case ATH_PY_UNARY:
    case ATH_PY_BOOLOP:
    case ATH_PY_COMPARE:
    case ATH_PY_IFEXP:
        return "an expression";
    case ATH_PY_COMP:
        return "a comprehension";
    case ATH_PY_LAMBDA:
        return "a lambda";
    default: {
        const char *s = ath_arena_printf(arena, "a %s", ath_py_kind_name(n->kind));
        return s ? s : "an expression";
    }
    }
}

typedef struct reader {
    ath_arena *arena; /* the output's */
    ath_diags *diags;
    const char *path;
    int rc;
} reader;

static void fail(reader *r, const ath_py_node *at, const char *fmt, ...) ATH_PRINTF(3, 4);
static void fail(reader *r, const ath_py_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ath_diags_vadd(r->diags, ATH_DIAG_ERROR, r->path, at ? at->line : 0,
                            at ? at->col : 0, fmt, ap);
    va_end(ap);
    if (!r->rc)
        r->rc = rc ? rc : ATH_EPARSE;
}

/* A plain string literal's text, or NULL after a diagnostic. */
static const char *string_value(reader *r, const ath_py_node *n, const char *what)
{
    if (n->kind != ATH_PY_STR || n->str.is_bytes) {
        fail(r, n, "%s must be a string, not %s", what, construct(r->arena, n));
        return NULL;
    }
    if (strlen(n->str.value) != n->str.len) {
        fail(r, n, "%s holds a NUL character", what);
        return NULL;
    }
    const char *s = ath_arena_strdup(r->arena, n->str.value);
    if (!s && !r->rc)
        r->rc = ath_error_oom();
    return s;
}

/* None, a string, or a tuple / list of strings (Alembic's util.to_tuple). */
static void string_list(reader *r, const ath_py_node *n, int which, const char *const **out,
                        size_t *count)
{
    *out = NULL;
    *count = 0;
    const char *what = id_names[which];
    if (n->kind == ATH_PY_CONST && n->constant.kind == ATH_PY_CONST_NONE)
        return;
    if (n->kind == ATH_PY_STR && !n->str.is_bytes) {
        const char **one = ath_arena_alloc(r->arena, sizeof(*one));
        if (!one) {
            r->rc = ath_error_oom();
            return;
        }
        if (!(one[0] = string_value(r, n, what)))
            return;
        *out = one;
        *count = 1;
        return;
    }
    if (n->kind != ATH_PY_TUPLE && n->kind != ATH_PY_LIST) {
        fail(r, n, "%s must be None, a string or a tuple of strings, not %s", what,
             construct(r->arena, n));
        return;
    }
    const ath_py_nodes *elts = &n->seq.elts;
    const char **list = ath_arena_alloc(r->arena, (elts->count + 1) * sizeof(*list));
    if (!list) {
        r->rc = ath_error_oom();
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < elts->count; i++) {
        const ath_py_node *e = elts->items[i];
        if (e->kind != ATH_PY_STR || e->str.is_bytes) {
            fail(r, e, "%s must be None, a string or a tuple of strings: item %zu is %s", what,
                 i + 1, construct(r->arena, e));
            continue;
        }
        const char *s = string_value(r, e, what);
        if (!s)
            continue;
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = strcmp(list[j], s) == 0;
        if (!seen)
            list[k++] = s;
    }
    *out = list;
    *count = k;
}

/* Python's str.strip() (ASCII whitespace and the separators \x1c-\x1f). */
static bool py_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

/* Alembic's longdoc (the docstring stripped) and doc (up to the first blank line). */
static int read_doc(reader *r, const ath_py_node *module, ath_revision_decl *decl)
{
    decl->doc = decl->longdoc = "";
    const ath_py_node *ds = ath_py_docstring(module);
    if (!ds)
        return 0;
    /* Python reads source with universal newlines: \r\n and \r are \n. */
    char *text = ath_arena_alloc(r->arena, ds->str.len + 1);
    if (!text)
        return ath_error_oom();
    size_t n = 0;
    for (size_t i = 0; i < ds->str.len; i++) {
        char c = ds->str.value[i];
        if (c == '\r') {
            if (i + 1 < ds->str.len && ds->str.value[i + 1] == '\n')
                i++;
            c = '\n';
        }
        text[n++] = c == '\0' ? ' ' : c;
    }
    text[n] = '\0';
    size_t b = 0;
    while (b < n && py_space(text[b]))
        b++;
    while (n > b && py_space(text[n - 1]))
        text[--n] = '\0';
    decl->longdoc = text + b;
    const char *blank = strstr(decl->longdoc, "\n\n");
    decl->doc = blank ? ath_arena_strndup(r->arena, decl->longdoc, (size_t)(blank - decl->longdoc))
                      : decl->longdoc;
    return decl->doc ? 0 : ath_error_oom();
}

/* A tuple or list target that names one of the identifiers, or NULL. */
static const ath_py_node *unpacks(const ath_py_node *target)
{
    if (target->kind != ATH_PY_TUPLE && target->kind != ATH_PY_LIST)
        return NULL;
    for (size_t i = 0; i < target->seq.elts.count; i++) {
        const ath_py_node *e = target->seq.elts.items[i];
        if (e->kind == ATH_PY_STARRED)
            e = e->value.value;
        if (name_index(e) >= 0)
            return e;
        const ath_py_node *inner = unpacks(e);
        if (inner)
            return inner;
    }
    return NULL;
}

/*
 * ath_script_read_ids with the syntax tree in `scratch`, which the caller
 * frees or reuses: nothing in *out points into it.
 */
static int read_ids(ath_revision_decl **out, ath_arena *arena, ath_arena *scratch, const char *path,
                    const char *src, size_t len, ath_diags *diags)
{
    *out = NULL;
    ath_py_node *module;
    int rc = ath_py_parse(&module, scratch, path, src, len, diags);
    if (rc)
        return rc;
    reader r = {arena, diags, path, 0};
    /* The value each name has once the module has run: the last assignment. */
    const ath_py_node *value[ID_COUNT] = {NULL}, *stmt_of[ID_COUNT] = {NULL};
    const ath_py_nodes *body = &module->module.body;
    for (size_t i = 0; i < body->count; i++) {
        const ath_py_node *s = body->items[i];
        if (s->kind == ATH_PY_ASSIGN) {
            for (size_t t = 0; t < s->assign.targets.count; t++) {
                const ath_py_node *target = s->assign.targets.items[t];
                int which = name_index(target);
                if (which >= 0) {
                    value[which] = s->assign.value;
                    stmt_of[which] = s;
                } else if ((target = unpacks(target))) {
                    fail(&r, target,
                         "%s is assigned by unpacking, which is not read: write %s = ...",
                         target->name.id, target->name.id);
                }
            }
        } else if (s->kind == ATH_PY_ANN_ASSIGN && s->ann_assign.value) {
            int which = s->ann_assign.simple ? name_index(s->ann_assign.target) : -1;
            if (which >= 0) {
                value[which] = s->ann_assign.value;
                stmt_of[which] = s;
            }
        } else if (s->kind == ATH_PY_AUG_ASSIGN && name_index(s->aug_assign.target) >= 0) {
            fail(&r, s, "%s is changed by an augmented assignment, which is not read",
                 s->aug_assign.target->name.id);
        }
    }
    ath_revision_decl *decl = NULL;
    if (!value[ID_REVISION]) {
        if (!r.rc)
            r.rc = ath_diags_add(diags, ATH_DIAG_NOTE, path, 0, 0,
                                 "no module-level `revision` assignment: not a migration script, "
                                 "ignored (Alembic 1.8 stops on such a file)");
        goto done;
    }
    decl = ath_arena_alloc(arena, sizeof(*decl));
    if (!decl) {
        r.rc = ath_error_oom();
        goto done;
    }
    decl->path = ath_arena_strdup(arena, path);
    decl->line = stmt_of[ID_REVISION]->line;
    decl->col = stmt_of[ID_REVISION]->col;
    if ((path && !decl->path) || (rc = read_doc(&r, module, decl))) {
        r.rc = ath_error_oom();
        goto done;
    }
    decl->id = string_value(&r, value[ID_REVISION], "revision");
    if (value[ID_DOWN])
        string_list(&r, value[ID_DOWN], ID_DOWN, &decl->down_revisions, &decl->ndown);
    else
        fail(&r, stmt_of[ID_REVISION],
             "revision %s has no down_revision assignment (write down_revision = None for a "
             "first revision)",
             decl->id ? decl->id : "");
    if (value[ID_LABELS])
        string_list(&r, value[ID_LABELS], ID_LABELS, &decl->branch_labels, &decl->nlabels);
    if (value[ID_DEPENDS])
        string_list(&r, value[ID_DEPENDS], ID_DEPENDS, &decl->depends_on, &decl->ndepends);
    for (size_t i = 0; i < decl->nlabels; i++)
        if (!decl->branch_labels[i][0])
            fail(&r, value[ID_LABELS], "branch_labels holds an empty string");
done:
    if (r.rc)
        return r.rc;
    *out = decl;
    return 0;
}

int ath_script_read_ids(ath_revision_decl **out, ath_arena *arena, const char *path,
                        const char *src, size_t len, ath_diags *diags)
{
    *out = NULL;
    ath_arena *scratch = ath_arena_new();
    if (!scratch)
        return ath_error_oom();
    int rc = read_ids(out, arena, scratch, path, src, len, diags);
    ath_arena_free(scratch);
    return rc;
}

/* ---- a versions folder ---- */

/* A script of the folder: its path as diagnostics name it, its name in the folder. */
typedef struct entry {
    const char *path, *name;
    bool regular; /* readdir said so; else stat tells */
} entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* The files Alembic takes as scripts: `*.py`, but not `__init__*` nor `.#*`. */
static bool is_script_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 3 || strcmp(name + n - 3, ".py") != 0)
        return false;
    return strncmp(name, "__init__", 8) != 0 && strncmp(name, ".#", 2) != 0;
}

/*
 * Reads the file `e` of the folder open as `dirfd` into *buf (grown as
 * needed, kept for the next file): *len bytes. ath_file_read's errors, but
 * with a name looked up in the folder, no stdio, and one buffer for all the
 * files — a thousand scripts are a few thousand system calls fewer.
 */
static int read_entry(char **buf, size_t *cap, size_t *len, int dirfd, const entry *e)
{
    *len = 0;
    int fd = openat(dirfd, e->name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ath_error(errno == ENOENT ? ATH_ENOTFOUND : ATH_EIO, "cannot read %s: %s", e->path,
                         strerror(errno));
    for (;;) {
        if (*cap - *len < 4096) {
            size_t ncap = *cap ? *cap * 2 : 65536;
            char *grown = ncap > *cap ? realloc(*buf, ncap) : NULL;
            if (!grown) {
                close(fd);
                return ath_error_oom();
            }
            *buf = grown;
            *cap = ncap;
        }
        ssize_t got = read(fd, *buf + *len, *cap - *len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            close(fd);
            return ath_error(ATH_EIO, "cannot read %s", e->path);
        }
        if (got == 0)
            break;
        *len += (size_t)got;
    }
    close(fd);
    (*buf)[*len] = '\0'; /* room is left: the last read found at least 4 KiB free */
    return 0;
}

/* The syntax trees of this many bytes of scripts share one scratch arena. */
#define SCRATCH_REUSE (256 * 1024)
/* Scripts a thread takes at a time, and the fewest worth more than one thread. */
#define CHUNK 16
#define PARALLEL_MIN 64

/*
 * The scripts are read by ath_parallel_for's threads. What each file gives
 * is kept apart (its declaration, diagnostics, error) and put together in
 * name order afterwards, up to the first error that stops the reading, so
 * that the outcome is what one thread reading the files in order gives.
 */
typedef struct result {
    ath_revision_decl *decl; /* NULL: not a revision, or not read */
    ath_diags diags;
    int rc;          /* ATH_EPARSE, or an error that stops the reading */
    const char *why; /* the stopping error's message */
    bool done;
    bool cached;          /* decl is the cache's record */
    ath_ids_stamp stamp;  /* with a cache: the file's, taken before it was read */
} result;

/* One thread's own: its declarations and messages, a syntax-tree scratch arena, a read buffer. */
typedef struct own {
    ath_arena *arena, *scratch;
    char *src;
    size_t src_cap;
} own;

typedef struct load {
    const entry *entries;
    int dfd;
    const ath_ids_cache *cache; /* NULL: every file is read */
    result *results;
    own owns[ATH_PARALLEL_MAX];
    atomic_bool stop;
} load;

static int read_one(own *o, const load *l, size_t i, result *res)
{
    const entry *e = &l->entries[i];
    struct stat st;
    /* a folder named x.py, a dangling link: Alembic would fail on it */
    if ((l->cache || !e->regular) && (fstatat(l->dfd, e->name, &st, 0) != 0 || !S_ISREG(st.st_mode)))
        return 0;
    if (l->cache) {
        ath_ids_stamp_of(&res->stamp, &st);
        const ath_ids_record *rec = ath_ids_cache_find(l->cache, e->name, &res->stamp);
        if (rec) {
            res->decl = (ath_revision_decl *)&rec->decl;
            res->cached = true;
            return 0;
        }
    }
    if (!o->arena && !(o->arena = ath_arena_new()))
        return ath_error_oom();
    ath_diags_init(&res->diags, o->arena);
    size_t len;
    int rc = read_entry(&o->src, &o->src_cap, &len, l->dfd, e);
    if (rc)
        return rc;
    if (o->scratch && ath_arena_used(o->scratch) > SCRATCH_REUSE) {
        ath_arena_free(o->scratch);
        o->scratch = NULL;
    }
    if (!o->scratch && !(o->scratch = ath_arena_new()))
        return ath_error_oom();
    return read_ids(&res->decl, o->arena, o->scratch, e->path, len ? o->src : "", len,
                    &res->diags);
}

static void read_task(void *ctx, size_t worker, size_t i)
{
    load *l = ctx;
    own *o = &l->owns[worker];
    result *res = &l->results[i];
    res->rc = read_one(o, l, i, res);
    if (res->rc && res->rc != ATH_EPARSE) {
        res->why = o->arena ? ath_arena_strdup(o->arena, ath_error_last()) : NULL;
        atomic_store(&l->stop, true);
    }
    res->done = true;
}

/* The records of the files read cleanly (cached or not), in name order, for the next run. */
static void store_cache(const load *l, size_t nentries, ath_arena *arena)
{
    ath_ids_record *records = ath_arena_alloc(arena, (nentries + 1) * sizeof(*records));
    if (!records)
        return;
    size_t n = 0;
    bool changed = false;
    for (size_t i = 0; i < nentries; i++) {
        const result *res = &l->results[i];
        if (res->decl && !res->cached && res->diags.count == 0)
            changed = true;
        if (!res->decl || (!res->cached && res->diags.count))
            continue;
        ath_ids_record *r = &records[n++];
        r->name = l->entries[i].name;
        r->stamp = res->stamp;
        r->decl = *res->decl;
        r->decl.path = NULL;
    }
    /* Unchanged when every record was used and nothing new was read. */
    size_t used = 0;
    for (size_t i = 0; i < nentries; i++)
        used += l->results[i].cached;
    if (changed || used != l->cache->count) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        ath_ids_cache_store(l->dfd, records, n, &now);
    }
}

static int load_ids(ath_revision_decl **out, size_t *count, ath_arena *arena,
                    const char *versions_dir, ath_diags *diags, bool use_cache)
{
    *out = NULL;
    *count = 0;
    DIR *dir = opendir(versions_dir);
    if (!dir)
        return ath_error(errno == ENOENT ? ATH_ENOTFOUND : ATH_EIO, "cannot read folder %s: %s",
                         versions_dir, strerror(errno));
    entry *entries = NULL;
    size_t nentries = 0, cap = 0;
    size_t prefix = strlen(versions_dir) + 1;
    struct dirent *ent;
    int rc = 0;
    while ((ent = readdir(dir)) != NULL) {
        if (!is_script_name(ent->d_name))
            continue;
        entry *slot = ATH_PUSH(arena, entries, nentries, cap);
        if (!slot || !(slot->path = ath_arena_printf(arena, "%s/%s", versions_dir, ent->d_name))) {
            rc = ath_error_oom();
            break;
        }
        slot->name = slot->path + prefix;
#ifdef _DIRENT_HAVE_D_TYPE
        slot->regular = ent->d_type == DT_REG;
#endif
    }
    if (rc) {
        closedir(dir);
        return rc;
    }
    if (nentries > 1)
        qsort(entries, nentries, sizeof(*entries), cmp_entry);
    ath_revision_decl *decls = ath_arena_alloc(arena, (nentries + 1) * sizeof(*decls));
    load l;
    memset(&l, 0, sizeof(l));
    l.entries = entries;
    l.dfd = dirfd(dir);
    ath_ids_cache cache;
    if (use_cache) {
        ath_ids_cache_load(&cache, arena, l.dfd);
        l.cache = &cache;
    }
    l.results = ath_arena_alloc(arena, (nentries + 1) * sizeof(*l.results));
    if (!decls || !l.results) {
        closedir(dir);
        return ath_error_oom();
    }
    ath_parallel_for(nentries, CHUNK, ath_parallel_workers(nentries, CHUNK, PARALLEL_MIN),
                     read_task, &l, &l.stop);
    for (size_t w = 0; w < ATH_PARALLEL_MAX; w++) {
        ath_arena_free(l.owns[w].scratch);
        free(l.owns[w].src);
        ath_arena_adopt(arena, l.owns[w].arena);
    }
    int result_rc = 0;
    /* In name order, up to the first error that stopped the reading. */
    bool parse_failed = false;
    size_t n = 0;
    for (size_t i = 0; i < nentries && l.results[i].done; i++) {
        const result *res = &l.results[i];
        if ((result_rc = ath_diags_append(diags, &res->diags)) != 0)
            break;
        if (res->rc == ATH_EPARSE) {
            parse_failed = true;
        } else if (res->rc) {
            result_rc = ath_error(res->rc, "%s", res->why ? res->why : "out of memory");
            break;
        }
        if (res->decl) {
            decls[n] = *res->decl;
            decls[n++].path = entries[i].path;
        }
    }
    if (!result_rc && parse_failed)
        result_rc = ath_error(ATH_EPARSE, "%zu error(s) in the scripts of %s", diags->errors,
                              versions_dir);
    if (!result_rc && use_cache)
        store_cache(&l, nentries, arena);
    closedir(dir);
    if (result_rc)
        return result_rc;
    *out = decls;
    *count = n;
    return 0;
}

int ath_script_load_ids(ath_revision_decl **out, size_t *count, ath_arena *arena,
                        const char *versions_dir, ath_diags *diags)
{
    return load_ids(out, count, arena, versions_dir, diags, false);
}

int ath_script_load_ids_cached(ath_revision_decl **out, size_t *count, ath_arena *arena,
                               const char *versions_dir, ath_diags *diags)
{
    return load_ids(out, count, arena, versions_dir, diags, true);
}
