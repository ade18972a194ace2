/*
 * INI files as Python's configparser reads alembic.ini (strict mode, '=' and
 * ':' delimiters, full-line '#' and ';' comments, no inline comments, indented
 * continuation lines), and the basic %(name)s interpolation alembic's Config
 * applies when it reads an option. Reading only; nothing is ever written back.
 */
#include "athanor.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* configparser's MAX_INTERPOLATION_DEPTH. */
#define MAX_DEPTH 10

/* What str.strip() drops, short of Unicode spaces. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static bool same_key(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

typedef struct section_seen {
    const char *name;
    int line;
} section_seen;

typedef struct parser {
    ath_ini *ini;
    ath_arena *arena;
    ath_diags *diags;
    const char *section;          /* NULL before the first header */
    section_seen *seen;
    size_t nseen, seen_cap;
    size_t current;               /* entry whose value is being read; SIZE_MAX when none */
    size_t indent;                /* indentation of the line that started that entry */
    ath_buf value;                /* its lines so far, joined with '\n' */
} parser;

static int error_at(parser *p, int line, int col, const char *fmt, ...) ATH_PRINTF(4, 5);

static int error_at(parser *p, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ath_diags_vadd(p->diags, ATH_DIAG_ERROR, p->ini->path, line, col, fmt, ap);
    va_end(ap);
    return rc ? rc : ATH_EPARSE;
}

/* Stores the value being read into its entry, outer whitespace trimmed. */
static int finish_value(parser *p)
{
    if (p->current == SIZE_MAX)
        return 0;
    if (ath_buf_check(&p->value))
        return ATH_ENOMEM;
    const char *s = ath_buf_cstr(&p->value);
    size_t n = p->value.len;
    while (n && is_space(s[n - 1]))
        n--;
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    ath_ini_entry *e = &p->ini->entries[p->current];
    e->value = ath_arena_strndup(p->arena, s, n);
    p->current = SIZE_MAX;
    ath_buf_clear(&p->value);
    return e->value ? 0 : ath_error_oom();
}

static int section_header(parser *p, const char *name, size_t n, int line, int col)
{
    int rc = finish_value(p);
    if (rc)
        return rc;
    char *copy = ath_arena_strndup(p->arena, name, n);
    if (!copy)
        return ath_error_oom();
    p->section = copy;
    /* [DEFAULT] may come back; any other section only once (strict mode). */
    if (strcmp(copy, "DEFAULT") == 0)
        return 0;
    for (size_t i = 0; i < p->nseen; i++) {
        if (strcmp(p->seen[i].name, copy) == 0) {
            return error_at(p, line, col, "section [%s] is already defined on line %d", copy,
                            p->seen[i].line);
        }
    }
    section_seen *s = ATH_PUSH(p->arena, p->seen, p->nseen, p->seen_cap);
    if (!s)
        return ath_error_oom();
    s->name = copy;
    s->line = line;
    return 0;
}

static int key_value(parser *p, const char *s, size_t n, int line, int col, size_t indent)
{
    int rc = finish_value(p);
    if (rc)
        return rc;
    size_t delim = 0;
    while (delim < n && s[delim] != '=' && s[delim] != ':')
        delim++;
    if (delim == n)
        return error_at(p, line, col, "%s",
                        "expected 'key = value', 'key: value' or a [section] header");
    size_t klen = delim;
    while (klen && is_space(s[klen - 1]))
        klen--;
    if (klen == 0)
        return error_at(p, line, col + (int)delim, "missing key before '%s'",
                        s[delim] == '=' ? "=" : ":");
    char *key = ath_arena_strndup(p->arena, s, klen);
    if (!key)
        return ath_error_oom();
    for (char *k = key; *k; k++)
        if (*k >= 'A' && *k <= 'Z')
            *k = (char)(*k - 'A' + 'a');
    for (size_t i = 0; i < p->ini->count; i++) {
        const ath_ini_entry *e = &p->ini->entries[i];
        if (strcmp(e->section, p->section) == 0 && strcmp(e->key, key) == 0) {
            return error_at(p, line, col, "key '%s' of [%s] is already defined on line %d", key,
                            p->section, e->line);
        }
    }
    ath_ini_entry *e = ATH_PUSH(p->arena, p->ini->entries, p->ini->count, p->ini->cap);
    if (!e)
        return ath_error_oom();
    e->section = p->section;
    e->key = key;
    e->line = line;
    size_t v = delim + 1;
    while (v < n && is_space(s[v]))
        v++;
    e->value_col = v < n ? col + (int)v : 0;
    p->current = p->ini->count - 1;
    p->indent = indent;
    ath_buf_put(&p->value, s + v, n - v);
    return 0;
}

/* One physical line, without its line break. */
static int parse_line(parser *p, const char *text, size_t n, int line)
{
    size_t start = 0;
    while (start < n && is_space(text[start]))
        start++;
    size_t end = n;
    while (end > start && is_space(text[end - 1]))
        end--;
    const char *s = text + start;
    size_t len = end - start;
    int col = (int)start + 1;

    if (len == 0) {
        /* Blank lines inside a value are kept; trailing ones are trimmed later. */
        if (p->current != SIZE_MAX)
            ath_buf_putc(&p->value, '\n');
        return 0;
    }
    if (s[0] == '#' || s[0] == ';')
        return 0;
    if (p->current != SIZE_MAX && start > p->indent) {
        ath_buf_putc(&p->value, '\n');
        ath_buf_put(&p->value, s, len);
        return 0;
    }
    /* configparser's SECTCRE, \[(?P<header>.+)\], matched from the start:
     * the header runs to the last ']' of the line. */
    if (s[0] == '[') {
        size_t close = len;
        while (close > 1 && s[close - 1] != ']')
            close--;
        if (close > 2)
            return section_header(p, s + 1, close - 2, line, col);
    }
    if (!p->section) {
        int rc = finish_value(p);
        return rc ? rc
                  : error_at(p, line, col, "%s",
                             "expected a [section] header before the first key");
    }
    return key_value(p, s, len, line, col, start);
}

int ath_ini_parse(ath_ini *out, ath_arena *arena, const char *path, const char *text,
                  size_t len, ath_diags *diags)
{
    memset(out, 0, sizeof(*out));
    out->path = ath_arena_strdup(arena, path);
    if (path && !out->path)
        return ath_error_oom();
    parser p = {0};
    p.ini = out;
    p.arena = arena;
    p.diags = diags;
    p.current = SIZE_MAX;
    p.value = (ath_buf)ATH_BUF_INIT;

    size_t pos = 0;
    /* A UTF-8 byte order mark, as Windows editors write it, is not text. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    int line = 1;
    bool failed = false;
    int rc = 0;
    while (pos < len) {
        size_t eol = pos;
        while (eol < len && text[eol] != '\n' && text[eol] != '\r')
            eol++;
        rc = parse_line(&p, text + pos, eol - pos, line);
        if (rc == ATH_EPARSE) {
            failed = true;
            rc = 0;
        } else if (rc) {
            break;
        }
        if (eol < len && text[eol] == '\r' && eol + 1 < len && text[eol + 1] == '\n')
            eol++;
        pos = eol + 1;
        line++;
    }
    if (!rc)
        rc = finish_value(&p);
    ath_buf_free(&p.value);
    if (rc)
        return rc;
    if (failed)
        return ath_error(ATH_EPARSE, "%s: not a valid INI file", path ? path : "<ini>");
    return 0;
}

int ath_ini_load(ath_ini *out, ath_arena *arena, const char *path, ath_diags *diags)
{
    memset(out, 0, sizeof(*out));
    char *text = NULL;
    size_t len = 0;
    int rc = ath_file_read(&text, &len, path);
    if (!rc)
        rc = ath_ini_parse(out, arena, path, text, len, diags);
    free(text);
    return rc;
}

static const ath_ini_entry *find(const ath_ini *ini, const char *section, const char *key)
{
    for (size_t i = 0; i < ini->count; i++)
        if (strcmp(ini->entries[i].section, section) == 0 && same_key(ini->entries[i].key, key))
            return &ini->entries[i];
    return NULL;
}

const ath_ini_entry *ath_ini_get(const ath_ini *ini, const char *section, const char *key)
{
    const ath_ini_entry *e = find(ini, section, key);
    return e ? e : find(ini, "DEFAULT", key);
}

/* The absolute folder of the ini file: what alembic puts in %(here)s. */
static char *here_of(ath_arena *arena, const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    if (path && path[0] == '/')
        return ath_arena_strndup(arena, path, dirlen ? dirlen : 1);
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd)))
        return NULL;
    ath_buf b = ATH_BUF_INIT;
    ath_buf_puts(&b, cwd);
    /* Drop "./" segments so the folder reads as os.path.abspath prints it. */
    const char *p = path;
    const char *stop = path ? path + dirlen : NULL;
    while (p && p < stop) {
        const char *seg_end = memchr(p, '/', (size_t)(stop - p));
        if (!seg_end)
            seg_end = stop;
        size_t seg = (size_t)(seg_end - p);
        if (seg == 2 && p[0] == '.' && p[1] == '.') {
            while (b.len > 1 && b.ptr[b.len - 1] != '/')
                b.len--;
            if (b.len > 1)
                b.len--;
            b.ptr[b.len] = '\0';
        } else if (seg && !(seg == 1 && p[0] == '.')) {
            if (b.len != 1)
                ath_buf_putc(&b, '/');
            ath_buf_put(&b, p, seg);
        }
        p = seg_end + 1;
    }
    char *here = ath_buf_check(&b) ? NULL : ath_arena_strdup(arena, ath_buf_cstr(&b));
    ath_buf_free(&b);
    return here;
}

typedef struct interp {
    ath_arena *arena;
    const ath_ini *ini;
    const ath_ini_entry *entry;   /* the option asked for: diagnostics point at it */
    const char *here;
    ath_diags *diags;
    ath_buf out;
} interp;

static int interp_error(interp *in, const char *at, const char *fmt, ...) ATH_PRINTF(3, 4);

/* A diagnostic at the entry: at the '%' when it sits on the entry's own line. */
static int interp_error(interp *in, const char *at, const char *fmt, ...)
{
    const ath_ini_entry *e = in->entry;
    int col = 0;
    if (at && e->value_col && at >= e->value && at < e->value + strlen(e->value) &&
        !memchr(e->value, '\n', (size_t)(at - e->value)))
        col = e->value_col + (int)(at - e->value);
    ath_buf msg = ATH_BUF_INIT;
    ath_buf_printf(&msg, "in [%s] %s: ", e->section, e->key);
    va_list ap;
    va_start(ap, fmt);
    ath_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    int rc = ath_buf_check(&msg);
    if (!rc)
        rc = ath_diags_add(in->diags, ATH_DIAG_ERROR, in->ini->path, e->line, col, "%s",
                           ath_buf_cstr(&msg));
    ath_buf_free(&msg);
    return rc ? rc : ath_error(ATH_EPARSE, "%s: bad interpolation in [%s] %s",
                               in->ini->path ? in->ini->path : "<ini>", e->section, e->key);
}

/* `text` is the raw value of an option of `section`; appends it interpolated. */
static int interpolate(interp *in, const char *section, const char *text, int depth)
{
    if (depth > MAX_DEPTH)
        return interp_error(in, NULL, "%s", "interpolation nested more than 10 deep");
    const char *rest = text;
    while (*rest) {
        const char *pct = strchr(rest, '%');
        if (!pct) {
            ath_buf_puts(&in->out, rest);
            break;
        }
        ath_buf_put(&in->out, rest, (size_t)(pct - rest));
        if (pct[1] == '%') {
            ath_buf_putc(&in->out, '%');
            rest = pct + 2;
            continue;
        }
        /* Only the option's own text can be pointed at; a referenced
         * value's position is elsewhere in the file. */
        const char *at = depth == 0 ? pct : NULL;
        if (pct[1] != '(') {
            char shown[24];
            snprintf(shown, sizeof(shown), "%.20s", pct);
            return interp_error(in, at, "'%%' must be followed by '%%' or '(', found '%s'", shown);
        }
        const char *close = strchr(pct + 2, ')');
        if (!close || close == pct + 2 || close[1] != 's') {
            char shown[24];
            snprintf(shown, sizeof(shown), "%.20s", pct);
            return interp_error(in, at, "bad interpolation variable reference '%s'", shown);
        }
        char *name = ath_arena_strndup(in->arena, pct + 2, (size_t)(close - pct - 2));
        if (!name)
            return ath_error_oom();
        for (char *k = name; *k; k++)
            if (*k >= 'A' && *k <= 'Z')
                *k = (char)(*k - 'A' + 'a');
        const ath_ini_entry *ref = ath_ini_get(in->ini, section, name);
        if (ref) {
            int rc = interpolate(in, section, ref->value, depth + 1);
            if (rc)
                return rc;
        } else if (strcmp(name, "here") == 0) {
            ath_buf_puts(&in->out, in->here);
        } else {
            return interp_error(in, at, "'%%(%s)s' names no key of [%s] or [DEFAULT]", name,
                                section);
        }
        rest = close + 2;
    }
    return 0;
}

int ath_ini_interpolate(const char **out, ath_arena *arena, const ath_ini *ini,
                        const ath_ini_entry *entry, ath_diags *diags)
{
    *out = NULL;
    if (!strchr(entry->value, '%')) {
        *out = entry->value;
        return 0;
    }
    interp in = {arena, ini, entry, here_of(arena, ini->path), diags, ATH_BUF_INIT};
    if (!in.here)
        return ath_error_oom();
    int rc = interpolate(&in, entry->section, entry->value, 0);
    if (!rc)
        rc = ath_buf_check(&in.out);
    if (!rc) {
        *out = ath_arena_strdup(arena, ath_buf_cstr(&in.out));
        if (!*out)
            rc = ath_error_oom();
    }
    ath_buf_free(&in.out);
    return rc;
}
