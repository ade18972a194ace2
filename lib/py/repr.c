/*
 * repr() of a Python str (repr.h), as CPython writes it for the text
 * Athanor produces: ASCII escapes for control characters, other bytes as they
 * are (scripts are UTF-8).
 */
#include "py/repr.h"

#include <string.h>

void ath_py_repr_str(ath_buf *out, const char *s)
{
    char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    ath_buf_putc(out, quote);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == (unsigned char)quote || c == '\\') {
            ath_buf_putc(out, '\\');
            ath_buf_putc(out, *s);
        } else if (c == '\n') {
            ath_buf_puts(out, "\\n");
        } else if (c == '\r') {
            ath_buf_puts(out, "\\r");
        } else if (c == '\t') {
            ath_buf_puts(out, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            ath_buf_printf(out, "\\x%02x", c);
        } else {
            ath_buf_putc(out, *s);
        }
    }
    ath_buf_putc(out, quote);
}
