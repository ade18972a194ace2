/*
 * Growable, NUL-terminated string buffers on the heap. A failed growth sets a
 * sticky flag instead of returning an error from every append; callers check
 * once with ath_buf_check when the text is complete.
 */
#include "athanor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(ath_buf *buf, size_t extra)
{
    if (buf->oom)
        return false;
    if (extra > SIZE_MAX - buf->len - 1) {
        buf->oom = true;
        return false;
    }
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return true;
    size_t ncap = buf->cap ? buf->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    char *p = realloc(buf->ptr, ncap);
    if (!p) {
        buf->oom = true;
        return false;
    }
    buf->ptr = p;
    buf->cap = ncap;
    return true;
}

void ath_buf_free(ath_buf *buf)
{
    free(buf->ptr);
    buf->ptr = NULL;
    buf->len = buf->cap = 0;
    buf->oom = false;
}

void ath_buf_clear(ath_buf *buf)
{
    buf->len = 0;
    if (buf->ptr)
        buf->ptr[0] = '\0';
    buf->oom = false;
}

void ath_buf_put(ath_buf *buf, const char *s, size_t n)
{
    if (!reserve(buf, n))
        return;
    if (n)
        memcpy(buf->ptr + buf->len, s, n);
    buf->len += n;
    buf->ptr[buf->len] = '\0';
}

void ath_buf_puts(ath_buf *buf, const char *s)
{
    ath_buf_put(buf, s, strlen(s));
}

void ath_buf_putc(ath_buf *buf, char c)
{
    ath_buf_put(buf, &c, 1);
}

void ath_buf_vprintf(ath_buf *buf, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        buf->oom = true;
        return;
    }
    if (!reserve(buf, (size_t)n))
        return;
    vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
}

void ath_buf_printf(ath_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ath_buf_vprintf(buf, fmt, ap);
    va_end(ap);
}

const char *ath_buf_cstr(const ath_buf *buf)
{
    return buf->ptr ? buf->ptr : "";
}

int ath_buf_check(const ath_buf *buf)
{
    return buf->oom ? ath_error_oom() : 0;
}

char *ath_buf_detach(ath_buf *buf)
{
    char *p = buf->ptr;
    if (!p)
        p = calloc(1, 1);
    buf->ptr = NULL;
    buf->len = buf->cap = 0;
    buf->oom = false;
    return p;
}
