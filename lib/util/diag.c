/*
 * Diagnostics: positioned messages collected while reading a file, and their
 * compiler-style rendering with the source line and a caret. Collecting and
 * formatting only; printing is the command line's job.
 */
#include "athanor.h"

#include <stdio.h>
#include <string.h>

void ath_diags_init(ath_diags *diags, ath_arena *arena)
{
    memset(diags, 0, sizeof(*diags));
    diags->arena = arena;
}

int ath_diags_add(ath_diags *diags, ath_diag_level level, const char *path, int line, int col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ath_diags_vadd(diags, level, path, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

int ath_diags_vadd(ath_diags *diags, ath_diag_level level, const char *path, int line, int col,
                   const char *fmt, va_list ap)
{
    ath_diag *d = ATH_PUSH(diags->arena, diags->items, diags->count, diags->cap);
    if (!d)
        return ath_error_oom();
    ath_buf msg = ATH_BUF_INIT;
    ath_buf_vprintf(&msg, fmt, ap);
    d->level = level;
    d->path = ath_arena_strdup(diags->arena, path);
    d->line = line;
    d->col = col;
    d->message = ath_arena_strdup(diags->arena, ath_buf_cstr(&msg));
    bool failed = msg.oom || !d->message || (path && !d->path);
    ath_buf_free(&msg);
    if (failed) {
        diags->count--;
        return ath_error_oom();
    }
    if (level == ATH_DIAG_ERROR)
        diags->errors++;
    return 0;
}

int ath_diags_append(ath_diags *to, const ath_diags *from)
{
    for (size_t i = 0; i < from->count; i++) {
        const ath_diag *d = &from->items[i];
        if (ath_diags_add(to, d->level, d->path, d->line, d->col, "%s", d->message))
            return ath_error_oom();
    }
    return 0;
}

static const char *level_name(ath_diag_level level)
{
    switch (level) {
    case ATH_DIAG_ERROR: return "error";
    case ATH_DIAG_WARNING: return "warning";
    case ATH_DIAG_NOTE: return "note";
    }
    return "error";
}

/* Finds line `line` (1-based) of `source`; returns its start and sets *len. */
static const char *find_line(const char *source, int line, size_t *len)
{
    const char *p = source;
    for (int i = 1; i < line; i++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    size_t n = strcspn(p, "\r\n");
    *len = n;
    return p;
}

void ath_diag_format(ath_buf *out, const ath_diag *diag, const char *source)
{
    if (diag->path) {
        ath_buf_puts(out, diag->path);
        if (diag->line > 0) {
            ath_buf_printf(out, ":%d", diag->line);
            if (diag->col > 0)
                ath_buf_printf(out, ":%d", diag->col);
        }
        ath_buf_puts(out, ": ");
    }
    ath_buf_printf(out, "%s: %s\n", level_name(diag->level), diag->message);
    if (!source || diag->line <= 0)
        return;
    size_t len = 0;
    const char *text = find_line(source, diag->line, &len);
    if (!text)
        return;
    ath_buf_puts(out, "    ");
    ath_buf_put(out, text, len);
    ath_buf_putc(out, '\n');
    if (diag->col <= 0)
        return;
    ath_buf_puts(out, "    ");
    /* Keep tabs so the caret lines up under tab-indented source. */
    for (int i = 1; i < diag->col && (size_t)(i - 1) < len; i++)
        ath_buf_putc(out, text[i - 1] == '\t' ? '\t' : ' ');
    ath_buf_puts(out, "^\n");
}
