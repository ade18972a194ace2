/*
 * The Python tokenizer. One pass over the bytes produces every token of the
 * file into an arena array; indentation becomes INDENT/DEDENT, brackets are
 * matched here, and f-strings are checked brace by brace as Python 3.11 does
 * (the whole f-string is one STRING token). It stops at the first error.
 */
#include "py/lexer.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* The limits CPython's tokenizer has, with its messages. */
#define MAX_NEST 200
#define MAX_INDENT 100 /* levels, column 0 included */
#define TABSIZE 8

typedef struct bracket {
    char ch;
    int line, col;
} bracket;

typedef struct lexer {
    const char *begin, *p, *end; /* begin: after a UTF-8 BOM */
    const char *line_start; /* first byte of the current physical line */
    int line;
    const char *path;
    ath_arena *arena;
    ath_diags *diags;
    ath_py_token *toks;
    size_t ntoks, cap;
    int indent[MAX_INDENT + 1];    /* columns with tabs to multiples of 8 */
    int altindent[MAX_INDENT + 1]; /* the same with tabs counted as 1 */
    int nindent;                   /* levels above column 0 */
    bracket nest[MAX_NEST];
    int depth;
    /* Errors unwind to ath_py_tokenize: everything lives in the arena, so
     * nothing has to be released on the way. */
    jmp_buf fail;
    int err;
} lexer;

static const char *const op_texts[ATH_PY_OP_COUNT] = {
    [ATH_PY_OP_NONE] = "",
    [ATH_PY_OP_LPAR] = "(",
    [ATH_PY_OP_RPAR] = ")",
    [ATH_PY_OP_LSQB] = "[",
    [ATH_PY_OP_RSQB] = "]",
    [ATH_PY_OP_LBRACE] = "{",
    [ATH_PY_OP_RBRACE] = "}",
    [ATH_PY_OP_COLON] = ":",
    [ATH_PY_OP_COMMA] = ",",
    [ATH_PY_OP_SEMI] = ";",
    [ATH_PY_OP_DOT] = ".",
    [ATH_PY_OP_ELLIPSIS] = "...",
    [ATH_PY_OP_ARROW] = "->",
    [ATH_PY_OP_AT] = "@",
    [ATH_PY_OP_EQUAL] = "=",
    [ATH_PY_OP_WALRUS] = ":=",
    [ATH_PY_OP_PLUS] = "+",
    [ATH_PY_OP_MINUS] = "-",
    [ATH_PY_OP_STAR] = "*",
    [ATH_PY_OP_SLASH] = "/",
    [ATH_PY_OP_DSLASH] = "//",
    [ATH_PY_OP_PERCENT] = "%",
    [ATH_PY_OP_DSTAR] = "**",
    [ATH_PY_OP_LSHIFT] = "<<",
    [ATH_PY_OP_RSHIFT] = ">>",
    [ATH_PY_OP_AMPER] = "&",
    [ATH_PY_OP_VBAR] = "|",
    [ATH_PY_OP_CIRCUMFLEX] = "^",
    [ATH_PY_OP_TILDE] = "~",
    [ATH_PY_OP_LESS] = "<",
    [ATH_PY_OP_GREATER] = ">",
    [ATH_PY_OP_LESSEQUAL] = "<=",
    [ATH_PY_OP_GREATEREQUAL] = ">=",
    [ATH_PY_OP_EQEQUAL] = "==",
    [ATH_PY_OP_NOTEQUAL] = "!=",
    [ATH_PY_OP_PLUSEQUAL] = "+=",
    [ATH_PY_OP_MINEQUAL] = "-=",
    [ATH_PY_OP_STAREQUAL] = "*=",
    [ATH_PY_OP_SLASHEQUAL] = "/=",
    [ATH_PY_OP_DSLASHEQUAL] = "//=",
    [ATH_PY_OP_PERCENTEQUAL] = "%=",
    [ATH_PY_OP_ATEQUAL] = "@=",
    [ATH_PY_OP_DSTAREQUAL] = "**=",
    [ATH_PY_OP_LSHIFTEQUAL] = "<<=",
    [ATH_PY_OP_RSHIFTEQUAL] = ">>=",
    [ATH_PY_OP_AMPEREQUAL] = "&=",
    [ATH_PY_OP_VBAREQUAL] = "|=",
    [ATH_PY_OP_CIRCUMFLEXEQUAL] = "^=",
    [ATH_PY_OP_NOT] = "not",
    [ATH_PY_OP_AND] = "and",
    [ATH_PY_OP_OR] = "or",
    [ATH_PY_OP_IN] = "in",
    [ATH_PY_OP_NOT_IN] = "not in",
    [ATH_PY_OP_IS] = "is",
    [ATH_PY_OP_IS_NOT] = "is not",
};

static const char *const kw_texts[] = {
    [ATH_PY_KW_NOT_KEYWORD] = "",
    [ATH_PY_KW_FALSE] = "False",
    [ATH_PY_KW_NONE] = "None",
    [ATH_PY_KW_TRUE] = "True",
    [ATH_PY_KW_AND] = "and",
    [ATH_PY_KW_AS] = "as",
    [ATH_PY_KW_ASSERT] = "assert",
    [ATH_PY_KW_ASYNC] = "async",
    [ATH_PY_KW_AWAIT] = "await",
    [ATH_PY_KW_BREAK] = "break",
    [ATH_PY_KW_CLASS] = "class",
    [ATH_PY_KW_CONTINUE] = "continue",
    [ATH_PY_KW_DEF] = "def",
    [ATH_PY_KW_DEL] = "del",
    [ATH_PY_KW_ELIF] = "elif",
    [ATH_PY_KW_ELSE] = "else",
    [ATH_PY_KW_EXCEPT] = "except",
    [ATH_PY_KW_FINALLY] = "finally",
    [ATH_PY_KW_FOR] = "for",
    [ATH_PY_KW_FROM] = "from",
    [ATH_PY_KW_GLOBAL] = "global",
    [ATH_PY_KW_IF] = "if",
    [ATH_PY_KW_IMPORT] = "import",
    [ATH_PY_KW_IN] = "in",
    [ATH_PY_KW_IS] = "is",
    [ATH_PY_KW_LAMBDA] = "lambda",
    [ATH_PY_KW_NONLOCAL] = "nonlocal",
    [ATH_PY_KW_NOT] = "not",
    [ATH_PY_KW_OR] = "or",
    [ATH_PY_KW_PASS] = "pass",
    [ATH_PY_KW_RAISE] = "raise",
    [ATH_PY_KW_RETURN] = "return",
    [ATH_PY_KW_TRY] = "try",
    [ATH_PY_KW_WHILE] = "while",
    [ATH_PY_KW_WITH] = "with",
    [ATH_PY_KW_YIELD] = "yield",
};

#define NKW ((int)(sizeof(kw_texts) / sizeof(kw_texts[0])))

const char *ath_py_op_text(ath_py_op op)
{
    return (unsigned)op < ATH_PY_OP_COUNT && op_texts[op] ? op_texts[op] : "";
}

const char *ath_py_kw_text(ath_py_kw kw)
{
    return (int)kw >= 0 && (int)kw < NKW ? kw_texts[kw] : "";
}

const char *ath_py_tok_kind_name(ath_py_tok_kind kind)
{
    switch (kind) {
    case ATH_PY_TOK_ENDMARKER: return "ENDMARKER";
    case ATH_PY_TOK_NAME: return "NAME";
    case ATH_PY_TOK_NUMBER: return "NUMBER";
    case ATH_PY_TOK_STRING: return "STRING";
    case ATH_PY_TOK_OP: return "OP";
    case ATH_PY_TOK_NEWLINE: return "NEWLINE";
    case ATH_PY_TOK_INDENT: return "INDENT";
    case ATH_PY_TOK_DEDENT: return "DEDENT";
    }
    return "?";
}

static size_t prefix_len(unsigned flags)
{
    return !!(flags & ATH_PY_STR_RAW) + !!(flags & ATH_PY_STR_BYTES) +
           !!(flags & ATH_PY_STR_FORMAT) + !!(flags & ATH_PY_STR_UNICODE);
}

const char *ath_py_string_body(const ath_py_token *tok, size_t *len)
{
    size_t quotes = (tok->flags & ATH_PY_STR_TRIPLE) ? 3 : 1;
    size_t pre = prefix_len(tok->flags);
    *len = tok->len - pre - 2 * quotes;
    return tok->text + pre + quotes;
}

/* ---- errors ---- */

static _Noreturn ATH_PRINTF(4, 5) void fail_at(lexer *lx, int line, int col, const char *fmt,
                                               ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ath_diags_add(lx->diags, ATH_DIAG_ERROR, lx->path, line, col, "%s", msg) < 0) {
        lx->err = ATH_ENOMEM;
    } else {
        ath_error(ATH_EPARSE, "%s:%d:%d: %s", lx->path ? lx->path : "<input>", line, col, msg);
        lx->err = ATH_EPARSE;
    }
    longjmp(lx->fail, 1);
}

static _Noreturn void fail_oom(lexer *lx)
{
    lx->err = ath_error_oom();
    longjmp(lx->fail, 1);
}

static int col_of(const lexer *lx, const char *p)
{
    return (int)(p - lx->line_start) + 1;
}

void ath_py_locate(const ath_py_token *tok, const char *p, int *oline, int *ocol)
{
    int line = tok->line, col = tok->col;
    for (const char *q = tok->text; q < p; q++) {
        if (*q == '\n' || (*q == '\r' && !(q + 1 < p && q[1] == '\n'))) {
            line++;
            col = 1;
        } else if (*q != '\r') {
            col++;
        }
    }
    *oline = line;
    *ocol = col;
}

/* ---- characters ---- */

/* Decodes one UTF-8 sequence; returns its length, 0 when it is malformed. */
static int utf8_decode(const unsigned char *s, const unsigned char *e, uint32_t *cp)
{
    unsigned c = s[0];
    int n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (e - s < n)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Code points Python does not print: controls, format characters, separators. */
static bool is_nonprintable(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
           (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF ||
           (cp >= 0xFFF0 && cp <= 0xFFFB) || cp == 0xFFFE || cp == 0xFFFF ||
           (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000;
}

/*
 * Whether a non-ASCII code point may be part of a name. Python asks the
 * Unicode database (XID_Start / XID_Continue); this keeps letters of every
 * script and refuses the punctuation, symbol and space blocks people paste by
 * accident (typographic quotes, arrows, no-break space, emoji).
 */
static bool is_name_cp(uint32_t cp)
{
    if (is_nonprintable(cp))
        return false;
    if (cp >= 0xA1 && cp <= 0xBF)
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    if (cp == 0xD7 || cp == 0xF7)
        return false;
    return !((cp >= 0x2010 && cp <= 0x205E) || (cp >= 0x20A0 && cp <= 0x20CF) ||
             (cp >= 0x2190 && cp <= 0x23FF) || (cp >= 0x2500 && cp <= 0x2BFF) ||
             (cp >= 0x2E80 && cp <= 0x2FFF) || (cp >= 0x3001 && cp <= 0x3004) ||
             (cp >= 0x3008 && cp <= 0x3020) || cp == 0xFFFC || cp == 0xFFFD ||
             (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
             (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
             (cp >= 0x1F000 && cp <= 0x1FAFF));
}

static _Noreturn void fail_char(lexer *lx, const char *p)
{
    uint32_t cp = (unsigned char)*p;
    int n = utf8_decode((const unsigned char *)p, (const unsigned char *)lx->end, &cp);
    if (n == 0)
        n = 1;
    if (is_nonprintable(cp))
        fail_at(lx, lx->line, col_of(lx, p), "invalid non-printable character U+%04X",
                (unsigned)cp);
    fail_at(lx, lx->line, col_of(lx, p), "invalid character '%.*s' (U+%04X)", n, p,
            (unsigned)cp);
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_ascii_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
}

static bool is_name_byte(int c)
{
    return is_ascii_name_char(c) || c >= 0x80;
}

static bool is_newline(int c)
{
    return c == '\n' || c == '\r';
}

/* The byte at p + k, or -1 past the end. */
static int at(const lexer *lx, const char *p, size_t k)
{
    return (size_t)(lx->end - p) > k ? (unsigned char)p[k] : -1;
}

/* Steps over one line ending (\n, \r\n or \r) at p and starts the next line. */
static const char *next_line(lexer *lx, const char *p)
{
    if (*p == '\r' && p + 1 < lx->end && p[1] == '\n')
        p++;
    p++;
    lx->line++;
    lx->line_start = p;
    return p;
}

/*
 * The whole file must be UTF-8 without NUL bytes, as Python requires; one
 * pass up front keeps every later scan free of that concern.
 */
static void check_encoding(lexer *lx)
{
    const unsigned char *s = (const unsigned char *)lx->p;
    const unsigned char *e = (const unsigned char *)lx->end;
    const unsigned char *ls = s;
    int line = 1;
    while (s < e) {
        unsigned c = *s;
        if (c < 0x80) {
            if (c == 0)
                fail_at(lx, line, (int)(s - ls) + 1, "source code cannot contain null bytes");
            if (c == '\n' || c == '\r') {
                if (c == '\r' && s + 1 < e && s[1] == '\n')
                    s++;
                line++;
                ls = s + 1;
            }
            s++;
            continue;
        }
        uint32_t cp;
        int n = utf8_decode(s, e, &cp);
        if (n == 0)
            fail_at(lx, line, (int)(s - ls) + 1, "invalid UTF-8 byte 0x%02x in source", c);
        s += n;
    }
}

/*
 * A coding declaration (PEP 263) on line 1 or 2 may name UTF-8 under any of
 * its spellings. Another encoding is refused when the file holds non-ASCII
 * bytes, which that encoding would read differently; an ASCII file reads the
 * same in all of them.
 */
static void check_coding(lexer *lx, const char *line, int lineno)
{
    const char *end = line;
    while (end < lx->end && !is_newline((unsigned char)*end))
        end++;
    const char *p = line;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\f'))
        p++;
    if (p >= end || *p != '#')
        return;
    const char *name = NULL;
    for (const char *q = p; q + 7 <= end && !name; q++) {
        if (memcmp(q, "coding", 6) == 0 && (q[6] == ':' || q[6] == '=')) {
            name = q + 7;
            while (name < end && (*name == ' ' || *name == '\t'))
                name++;
        }
    }
    if (!name)
        return;
    const char *ne = name;
    while (ne < end && (is_ascii_name_char((unsigned char)*ne) || *ne == '-' || *ne == '.'))
        ne++;
    if (ne == name)
        return;
    char norm[16];
    size_t n = (size_t)(ne - name);
    for (size_t i = 0; i < n && i < sizeof(norm) - 1; i++)
        norm[i] = name[i] == '_' ? '-' : (char)(name[i] | 0x20);
    norm[n < sizeof(norm) - 1 ? n : sizeof(norm) - 1] = '\0';
    if (strcmp(norm, "utf-8") == 0 || strcmp(norm, "utf8") == 0 ||
        strncmp(norm, "utf-8-", 6) == 0)
        return;
    for (const char *q = lx->p; q < lx->end; q++) {
        if ((unsigned char)*q >= 0x80)
            fail_at(lx, lineno, (int)(name - line) + 1,
                    "unsupported source encoding '%.*s': only UTF-8 files are read", (int)n,
                    name);
    }
}

static void check_coding_lines(lexer *lx)
{
    const char *line = lx->p;
    check_coding(lx, line, 1);
    /* Line 2 counts only after a blank or comment-only line 1. */
    const char *p = line;
    while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\f'))
        p++;
    if (p < lx->end && *p != '#' && !is_newline((unsigned char)*p))
        return;
    while (p < lx->end && !is_newline((unsigned char)*p))
        p++;
    if (p >= lx->end)
        return;
    p += (*p == '\r' && p + 1 < lx->end && p[1] == '\n') ? 2 : 1;
    check_coding(lx, p, 2);
}

/* ---- tokens ---- */

static ath_py_token *emit(lexer *lx, ath_py_tok_kind kind, const char *text, size_t len, int line,
                          int col)
{
    if (lx->ntoks == lx->cap) {
        size_t ncap = lx->cap * 2;
        ath_py_token *grown = ath_arena_alloc(lx->arena, ncap * sizeof(*grown));
        if (!grown)
            fail_oom(lx);
        memcpy(grown, lx->toks, lx->ntoks * sizeof(*grown));
        lx->toks = grown;
        lx->cap = ncap;
    }
    ath_py_token *t = &lx->toks[lx->ntoks++];
    t->text = text;
    t->len = (uint32_t)len;
    t->line = line;
    t->col = col;
    t->kind = (uint8_t)kind;
    t->sub = 0;
    t->flags = 0;
    return t;
}

static ath_py_kw keyword_of(const char *s, size_t n)
{
    if (n < 2 || n > 8)
        return ATH_PY_KW_NOT_KEYWORD;
    for (int k = 1; k < NKW; k++) {
        /* Names hold no NUL, so strncmp stops within both strings. */
        const char *w = kw_texts[k];
        if (w[0] == s[0] && strncmp(w, s, n) == 0 && w[n] == '\0')
            return (ath_py_kw)k;
    }
    return ATH_PY_KW_NOT_KEYWORD;
}

/* Decimal digits of other scripts: they may continue a name, not start it. */
static bool is_other_digit(uint32_t cp)
{
    return (cp >= 0x660 && cp <= 0x669) || (cp >= 0x6F0 && cp <= 0x6F9) ||
           (cp >= 0x966 && cp <= 0x96F) || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* A name's end; stops at the first byte that cannot continue it. */
static const char *scan_name(lexer *lx, const char *p)
{
    const char *start = p;
    while (p < lx->end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            if (!is_ascii_name_char(c))
                break;
            p++;
            continue;
        }
        uint32_t cp;
        int n = utf8_decode((const unsigned char *)p, (const unsigned char *)lx->end, &cp);
        if (n == 0 || !is_name_cp(cp) || (p == start && is_other_digit(cp)))
            fail_char(lx, p);
        p += n;
    }
    return p;
}

/* String prefix flags of a name, or -1 when the name is no string prefix. */
static int string_prefix(const char *s, size_t n)
{
    if (n == 0 || n > 2)
        return -1;
    unsigned flags = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned f;
        switch (s[i] | 0x20) {
        case 'r': f = ATH_PY_STR_RAW; break;
        case 'b': f = ATH_PY_STR_BYTES; break;
        case 'f': f = ATH_PY_STR_FORMAT; break;
        case 'u': f = ATH_PY_STR_UNICODE; break;
        default: return -1;
        }
        if (flags & f)
            return -1;
        flags |= f;
    }
    /* Two letters combine only as a raw prefix with b or f. */
    if (n == 2 && (!(flags & ATH_PY_STR_RAW) || (flags & ATH_PY_STR_UNICODE)))
        return -1;
    return (int)flags;
}

/* ---- numbers ---- */

static bool is_base_digit(int c, int base)
{
    switch (base) {
    case 2: return c == '0' || c == '1';
    case 8: return c >= '0' && c <= '7';
    case 10: return is_digit(c);
    default: return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    }
}

/* Digits with single underscores between them, starting at a digit. */
static const char *scan_digits(const lexer *lx, const char *p, int base)
{
    while (p < lx->end) {
        if (is_base_digit((unsigned char)*p, base))
            p++;
        else if (*p == '_' && is_base_digit(at(lx, p, 1), base))
            p += 2;
        else
            break;
    }
    return p;
}

/* Refuses a name character glued to the end of a number. */
static void check_number_end(lexer *lx, const char *p, const char *what)
{
    if (p < lx->end && is_name_byte((unsigned char)*p))
        fail_at(lx, lx->line, col_of(lx, p), "invalid %s literal", what);
}

static const char *scan_number(lexer *lx, const char *start)
{
    const char *p = start;
    int c1 = at(lx, p, 1) | 0x20;
    if (*p == '0' && (c1 == 'x' || c1 == 'o' || c1 == 'b')) {
        int base = c1 == 'x' ? 16 : c1 == 'o' ? 8 : 2;
        const char *what = base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary";
        p += 2;
        if (p < lx->end && *p == '_')
            p++;
        if (!is_base_digit(at(lx, p, 0), base)) {
            if (is_digit(at(lx, p, 0)))
                fail_at(lx, lx->line, col_of(lx, p), "invalid digit '%c' in %s literal", *p, what);
            fail_at(lx, lx->line, col_of(lx, p), "invalid %s literal", what);
        }
        p = scan_digits(lx, p, base);
        if (is_digit(at(lx, p, 0)))
            fail_at(lx, lx->line, col_of(lx, p), "invalid digit '%c' in %s literal", *p, what);
        check_number_end(lx, p, what);
        return p;
    }
    bool is_float = false;
    if (*p == '.') {
        p = scan_digits(lx, p + 1, 10);
        is_float = true;
    } else {
        p = scan_digits(lx, p, 10);
        if (p < lx->end && *p == '.') {
            p++;
            is_float = true;
            if (is_digit(at(lx, p, 0)))
                p = scan_digits(lx, p, 10);
        }
    }
    if (p < lx->end && (*p | 0x20) == 'e') {
        const char *q = p + 1;
        if (q < lx->end && (*q == '+' || *q == '-'))
            q++;
        if (!is_digit(at(lx, q, 0)))
            fail_at(lx, lx->line, col_of(lx, p), "invalid decimal literal");
        p = scan_digits(lx, q, 10);
        is_float = true;
    }
    if (p < lx->end && (*p | 0x20) == 'j') {
        p++;
        check_number_end(lx, p, "imaginary");
        return p;
    }
    if (!is_float && *start == '0') {
        for (const char *q = start; q < p; q++) {
            if (*q != '0' && *q != '_')
                fail_at(lx, lx->line, col_of(lx, start),
                        "leading zeros in decimal integer literals are not permitted; "
                        "use an 0o prefix for octal integers");
        }
    }
    check_number_end(lx, p, "decimal");
    return p;
}

/* ---- strings ---- */

static bool closes(char open, char close)
{
    return (open == '(' && close == ')') || (open == '[' && close == ']') ||
           (open == '{' && close == '}');
}

typedef struct fstring_ctx {
    lexer *lx;
    ath_py_token tok; /* the f-string */
    const char *end;  /* end of its body */
    bool raw;
} fstring_ctx;

static _Noreturn ATH_PRINTF(3, 4) void fail_in_string(const fstring_ctx *fc, const char *p,
                                                      const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    int line, col;
    ath_py_locate(&fc->tok, p, &line, &col);
    fail_at(fc->lx, line, col, "%s", msg);
}

/* A string literal inside a replacement field; returns the byte after it. */
static const char *skip_field_string(const fstring_ctx *fc, const char *p)
{
    char q = *p;
    bool triple = fc->end - p >= 3 && p[1] == q && p[2] == q;
    const char *s = p + (triple ? 3 : 1);
    for (; s < fc->end; s++) {
        if (*s == '\\')
            fail_in_string(fc, s, "f-string expression part cannot include a backslash");
        if (*s == q && (!triple || (fc->end - s >= 3 && s[1] == q && s[2] == q)))
            return s + (triple ? 3 : 1);
    }
    fail_in_string(fc, p, "f-string: unterminated string");
}

/*
 * One replacement field, from the byte after its '{' to the byte after its
 * '}': the expression (brackets and strings inside it balanced), an optional
 * !conversion, and an optional format spec that may hold fields of its own.
 */
static const char *scan_field(const fstring_ctx *fc, const char *p, int nesting)
{
    const char *open = p - 1;
    if (nesting >= 2)
        fail_in_string(fc, open, "f-string: expressions nested too deeply");
    char stack[MAX_NEST];
    int depth = 0;
    bool empty = true;
    for (;;) {
        if (p >= fc->end)
            fail_in_string(fc, open, "f-string: expecting '}'");
        char c = *p;
        if (c == '\\')
            fail_in_string(fc, p, "f-string expression part cannot include a backslash");
        if (c == '#')
            fail_in_string(fc, p, "f-string expression part cannot include '#'");
        if (c == '\'' || c == '"') {
            p = skip_field_string(fc, p);
            empty = false;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') {
            if (depth == MAX_NEST)
                fail_in_string(fc, p, "f-string: too many nested parenthesis");
            stack[depth++] = c;
            p++;
            empty = false;
            continue;
        }
        if (c == ')' || c == ']' || c == '}') {
            if (depth == 0 && c == '}')
                break;
            if (depth == 0)
                fail_in_string(fc, p, "f-string: unmatched '%c'", c);
            if (!closes(stack[depth - 1], c))
                fail_in_string(fc, p,
                               "f-string: closing parenthesis '%c' does not match opening "
                               "parenthesis '%c'",
                               c, stack[depth - 1]);
            depth--;
            p++;
            continue;
        }
        if (depth == 0 && c == '!' && !(p + 1 < fc->end && p[1] == '='))
            break;
        if (depth == 0 && c == ':')
            break;
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            empty = false;
        p++;
    }
    if (empty)
        fail_in_string(fc, p, "f-string: empty expression not allowed");
    if (*p == '!') {
        p++;
        if (p >= fc->end || (*p != 's' && *p != 'r' && *p != 'a'))
            fail_in_string(fc, p,
                           "f-string: invalid conversion character: expected 's', 'r', or 'a'");
        p++;
        if (p >= fc->end || (*p != ':' && *p != '}'))
            fail_in_string(fc, open, "f-string: expecting '}'");
    }
    if (*p == ':') {
        p++;
        for (;;) {
            if (p >= fc->end)
                fail_in_string(fc, open, "f-string: expecting '}'");
            if (*p == '}')
                break;
            if (*p == '{')
                p = scan_field(fc, p + 1, nesting + 1);
            else if (*p == '\\' && !fc->raw && p + 1 < fc->end)
                p += 2;
            else
                p++;
        }
    }
    return p + 1;
}

/* The braces of an f-string's body, as Python 3.11 checks them. */
static void check_fstring(const fstring_ctx *fc, const char *p)
{
    while (p < fc->end) {
        char c = *p;
        if (c == '\\' && !fc->raw) {
            /* \N{NAME} is an escape, not a field. */
            if (fc->end - p > 2 && p[1] == 'N' && p[2] == '{') {
                const char *close = memchr(p + 3, '}', (size_t)(fc->end - (p + 3)));
                p = close ? close + 1 : p + 3;
            } else {
                p += p + 1 < fc->end ? 2 : 1;
            }
        } else if (c == '{') {
            if (p + 1 < fc->end && p[1] == '{')
                p += 2;
            else
                p = scan_field(fc, p + 1, 0);
        } else if (c == '}') {
            if (!(p + 1 < fc->end && p[1] == '}'))
                fail_in_string(fc, p, "f-string: single '}' is not allowed");
            p += 2;
        } else {
            p++;
        }
    }
}

/*
 * A string literal from its prefix at `start`; the opening quote is at
 * `quote`. Backslashes escape the next byte for the purpose of finding the
 * end, in raw strings too, as in Python.
 */
static const char *scan_string(lexer *lx, const char *start, const char *quote, unsigned flags)
{
    int line = lx->line, col = col_of(lx, start);
    char q = *quote;
    bool triple = at(lx, quote, 1) == q && at(lx, quote, 2) == q;
    if (triple)
        flags |= ATH_PY_STR_TRIPLE;
    const char *body = quote + (triple ? 3 : 1);
    const char *p = body;
    const char *body_end;
    for (;;) {
        if (p >= lx->end) {
            /* "detected at" names the line of the file's last character. */
            int last = lx->line;
            if (p > lx->begin && is_newline((unsigned char)p[-1]))
                last--;
            fail_at(lx, line, col,
                    triple ? "unterminated triple-quoted string literal (detected at line %d)"
                           : "unterminated string literal (detected at line %d)",
                    last);
        }
        unsigned char c = (unsigned char)*p;
        if (c == '\\') {
            p++;
            if (p < lx->end) {
                if (is_newline((unsigned char)*p))
                    p = next_line(lx, p);
                else
                    p++;
            }
            continue;
        }
        if (is_newline(c)) {
            if (!triple)
                fail_at(lx, line, col, "unterminated string literal (detected at line %d)",
                        lx->line);
            p = next_line(lx, p);
            continue;
        }
        if (c == (unsigned char)q && (!triple || (at(lx, p, 1) == q && at(lx, p, 2) == q))) {
            body_end = p;
            p += triple ? 3 : 1;
            break;
        }
        if (c >= 0x80 && (flags & ATH_PY_STR_BYTES))
            fail_at(lx, line, col, "bytes can only contain ASCII literal characters");
        p++;
    }
    ath_py_token *t = emit(lx, ATH_PY_TOK_STRING, start, (size_t)(p - start), line, col);
    t->flags = (uint8_t)flags;
    if (flags & ATH_PY_STR_FORMAT) {
        fstring_ctx fc = {lx, *t, body_end, (flags & ATH_PY_STR_RAW) != 0};
        check_fstring(&fc, body);
    }
    return p;
}

/* ---- operators ---- */

static ath_py_op op1(char c)
{
    switch (c) {
    case '(': return ATH_PY_OP_LPAR;
    case ')': return ATH_PY_OP_RPAR;
    case '[': return ATH_PY_OP_LSQB;
    case ']': return ATH_PY_OP_RSQB;
    case '{': return ATH_PY_OP_LBRACE;
    case '}': return ATH_PY_OP_RBRACE;
    case ':': return ATH_PY_OP_COLON;
    case ',': return ATH_PY_OP_COMMA;
    case ';': return ATH_PY_OP_SEMI;
    case '.': return ATH_PY_OP_DOT;
    case '@': return ATH_PY_OP_AT;
    case '=': return ATH_PY_OP_EQUAL;
    case '+': return ATH_PY_OP_PLUS;
    case '-': return ATH_PY_OP_MINUS;
    case '*': return ATH_PY_OP_STAR;
    case '/': return ATH_PY_OP_SLASH;
    case '%': return ATH_PY_OP_PERCENT;
    case '&': return ATH_PY_OP_AMPER;
    case '|': return ATH_PY_OP_VBAR;
    case '^': return ATH_PY_OP_CIRCUMFLEX;
    case '~': return ATH_PY_OP_TILDE;
    case '<': return ATH_PY_OP_LESS;
    case '>': return ATH_PY_OP_GREATER;
    default: return ATH_PY_OP_NONE;
    }
}

/* The operator at p, longest match first, and its length; NONE if there is none. */
static ath_py_op match_op(const char *p, size_t avail, size_t *len)
{
    char c1 = avail > 1 ? p[1] : '\0';
    char c2 = avail > 2 ? p[2] : '\0';
    *len = 2;
    switch (*p) {
    case '*':
        if (c1 == '*')
            return c2 == '=' ? (*len = 3, ATH_PY_OP_DSTAREQUAL) : ATH_PY_OP_DSTAR;
        if (c1 == '=')
            return ATH_PY_OP_STAREQUAL;
        break;
    case '/':
        if (c1 == '/')
            return c2 == '=' ? (*len = 3, ATH_PY_OP_DSLASHEQUAL) : ATH_PY_OP_DSLASH;
        if (c1 == '=')
            return ATH_PY_OP_SLASHEQUAL;
        break;
    case '<':
        if (c1 == '<')
            return c2 == '=' ? (*len = 3, ATH_PY_OP_LSHIFTEQUAL) : ATH_PY_OP_LSHIFT;
        if (c1 == '=')
            return ATH_PY_OP_LESSEQUAL;
        break;
    case '>':
        if (c1 == '>')
            return c2 == '=' ? (*len = 3, ATH_PY_OP_RSHIFTEQUAL) : ATH_PY_OP_RSHIFT;
        if (c1 == '=')
            return ATH_PY_OP_GREATEREQUAL;
        break;
    case '.':
        if (c1 == '.' && c2 == '.')
            return *len = 3, ATH_PY_OP_ELLIPSIS;
        break;
    case '-':
        if (c1 == '=')
            return ATH_PY_OP_MINEQUAL;
        if (c1 == '>')
            return ATH_PY_OP_ARROW;
        break;
    case '+':
        if (c1 == '=')
            return ATH_PY_OP_PLUSEQUAL;
        break;
    case '%':
        if (c1 == '=')
            return ATH_PY_OP_PERCENTEQUAL;
        break;
    case '&':
        if (c1 == '=')
            return ATH_PY_OP_AMPEREQUAL;
        break;
    case '|':
        if (c1 == '=')
            return ATH_PY_OP_VBAREQUAL;
        break;
    case '^':
        if (c1 == '=')
            return ATH_PY_OP_CIRCUMFLEXEQUAL;
        break;
    case '@':
        if (c1 == '=')
            return ATH_PY_OP_ATEQUAL;
        break;
    case '=':
        if (c1 == '=')
            return ATH_PY_OP_EQEQUAL;
        break;
    case '!':
        if (c1 == '=')
            return ATH_PY_OP_NOTEQUAL;
        break;
    case ':':
        if (c1 == '=')
            return ATH_PY_OP_WALRUS;
        break;
    default: break;
    }
    *len = 1;
    return op1(*p);
}

static void open_bracket(lexer *lx, const char *p)
{
    if (lx->depth == MAX_NEST)
        fail_at(lx, lx->line, col_of(lx, p), "too many nested parentheses");
    bracket *b = &lx->nest[lx->depth++];
    b->ch = *p;
    b->line = lx->line;
    b->col = col_of(lx, p);
}

static void close_bracket(lexer *lx, const char *p)
{
    int col = col_of(lx, p);
    if (lx->depth == 0)
        fail_at(lx, lx->line, col, "unmatched '%c'", *p);
    const bracket *b = &lx->nest[lx->depth - 1];
    if (!closes(b->ch, *p)) {
        if (b->line != lx->line)
            fail_at(lx, lx->line, col,
                    "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d",
                    *p, b->ch, b->line);
        fail_at(lx, lx->line, col,
                "closing parenthesis '%c' does not match opening parenthesis '%c'", *p, b->ch);
    }
    lx->depth--;
}

static const char *scan_op(lexer *lx, const char *p)
{
    size_t n;
    ath_py_op op = match_op(p, (size_t)(lx->end - p), &n);
    if (op == ATH_PY_OP_NONE)
        fail_char(lx, p);
    if (op == ATH_PY_OP_LPAR || op == ATH_PY_OP_LSQB || op == ATH_PY_OP_LBRACE)
        open_bracket(lx, p);
    else if (op == ATH_PY_OP_RPAR || op == ATH_PY_OP_RSQB || op == ATH_PY_OP_RBRACE)
        close_bracket(lx, p);
    ath_py_token *t = emit(lx, ATH_PY_TOK_OP, p, n, lx->line, col_of(lx, p));
    t->sub = (uint8_t)op;
    return p + n;
}

/* ---- lines and indentation ---- */

/*
 * At the start of a logical line: measures the indentation and emits INDENT
 * or DEDENTs. Returns false for a blank or comment-only line, which is
 * skipped whole (p is then past its line ending, or at the end).
 *
 * A backslash continuation inside the indentation does not end it, as in
 * Python: measuring goes on in the next physical line, and the column of
 * the first such backslash, unless it is 0, is the line's indentation.
 */
static bool start_line(lexer *lx)
{
    const char *p = lx->p;
    int col = 0, altcol = 0, cont_col = 0, cont_altcol = 0;
    while (p < lx->end) {
        if (*p == ' ') {
            col++, altcol++;
        } else if (*p == '\t') {
            col = (col / TABSIZE + 1) * TABSIZE;
            altcol++;
        } else if (*p == '\f') {
            col = altcol = 0;
        } else if (*p == '\\' && is_newline(at(lx, p, 1))) {
            if (!cont_col) {
                cont_col = col;
                cont_altcol = altcol;
            }
            int bline = lx->line, bcol = col_of(lx, p);
            p = next_line(lx, p + 1);
            if (p >= lx->end)
                fail_at(lx, bline, bcol, "unexpected EOF while parsing");
            continue;
        } else {
            break;
        }
        p++;
    }
    if (cont_col) {
        col = cont_col;
        altcol = cont_altcol;
    }
    if (p >= lx->end) {
        lx->p = p;
        return false;
    }
    if (*p == '#' || is_newline((unsigned char)*p)) {
        while (p < lx->end && !is_newline((unsigned char)*p))
            p++;
        lx->p = p < lx->end ? next_line(lx, p) : p;
        return false;
    }
    int tcol = col_of(lx, p);
    int top = lx->nindent;
    if (col == lx->indent[top]) {
        if (altcol != lx->altindent[top])
            fail_at(lx, lx->line, tcol, "inconsistent use of tabs and spaces in indentation");
    } else if (col > lx->indent[top]) {
        if (altcol <= lx->altindent[top])
            fail_at(lx, lx->line, tcol, "inconsistent use of tabs and spaces in indentation");
        if (top + 1 >= MAX_INDENT)
            fail_at(lx, lx->line, tcol, "too many levels of indentation");
        lx->nindent = ++top;
        lx->indent[top] = col;
        lx->altindent[top] = altcol;
        emit(lx, ATH_PY_TOK_INDENT, p, 0, lx->line, tcol);
    } else {
        while (top > 0 && col < lx->indent[top]) {
            top--;
            emit(lx, ATH_PY_TOK_DEDENT, p, 0, lx->line, tcol);
        }
        lx->nindent = top;
        if (col != lx->indent[top])
            fail_at(lx, lx->line, tcol, "unindent does not match any outer indentation level");
        if (altcol != lx->altindent[top])
            fail_at(lx, lx->line, tcol, "inconsistent use of tabs and spaces in indentation");
    }
    lx->p = p;
    return true;
}

static void tokenize(lexer *lx)
{
    bool line_start = true;
    size_t line_first = 0; /* the first token of the logical line */
    for (;;) {
        if (line_start) {
            if (!start_line(lx)) {
                if (lx->p >= lx->end)
                    break;
                continue;
            }
            line_start = false;
            line_first = lx->ntoks;
        }
        const char *p = lx->p;
        while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\f'))
            p++;
        if (p >= lx->end) {
            lx->p = p;
            break;
        }
        unsigned char c = (unsigned char)*p;
        if (c == '#') {
            while (p < lx->end && !is_newline((unsigned char)*p))
                p++;
            lx->p = p;
            continue;
        }
        if (is_newline(c)) {
            /* A logical line that got no token (a continuation line followed
             * by a blank one) ends without NEWLINE. */
            if (lx->depth == 0) {
                if (lx->ntoks > line_first)
                    emit(lx, ATH_PY_TOK_NEWLINE, p, c == '\r' && at(lx, p, 1) == '\n' ? 2 : 1,
                         lx->line, col_of(lx, p));
                line_start = true;
            }
            lx->p = next_line(lx, p);
            continue;
        }
        if (c == '\\') {
            int n = at(lx, p, 1);
            if (n < 0)
                fail_at(lx, lx->line, col_of(lx, p), "unexpected EOF while parsing");
            if (!is_newline(n))
                fail_at(lx, lx->line, col_of(lx, p),
                        "unexpected character after line continuation character");
            int bline = lx->line, bcol = col_of(lx, p);
            lx->p = next_line(lx, p + 1);
            /* Python refuses a file that ends right after a continuation. */
            if (lx->p >= lx->end && lx->depth == 0)
                fail_at(lx, bline, bcol, "unexpected EOF while parsing");
            continue;
        }
        if (is_digit(c) || (c == '.' && is_digit(at(lx, p, 1)))) {
            const char *e = scan_number(lx, p);
            emit(lx, ATH_PY_TOK_NUMBER, p, (size_t)(e - p), lx->line, col_of(lx, p));
            lx->p = e;
            continue;
        }
        if (c == '\'' || c == '"') {
            lx->p = scan_string(lx, p, p, 0);
            continue;
        }
        if (is_name_byte(c) && !is_digit(c)) {
            const char *e = scan_name(lx, p);
            size_t n = (size_t)(e - p);
            if (e < lx->end && (*e == '\'' || *e == '"')) {
                int flags = string_prefix(p, n);
                if (flags >= 0) {
                    lx->p = scan_string(lx, p, e, (unsigned)flags);
                    continue;
                }
            }
            ath_py_token *t = emit(lx, ATH_PY_TOK_NAME, p, n, lx->line, col_of(lx, p));
            t->sub = (uint8_t)keyword_of(p, n);
            lx->p = e;
            continue;
        }
        lx->p = scan_op(lx, p);
    }
    int line = lx->line, col = col_of(lx, lx->p);
    if (lx->depth > 0) {
        const bracket *b = &lx->nest[lx->depth - 1];
        fail_at(lx, b->line, b->col, "'%c' was never closed", b->ch);
    }
    if (!line_start && lx->ntoks > line_first)
        emit(lx, ATH_PY_TOK_NEWLINE, lx->p, 0, line, col);
    for (; lx->nindent > 0; lx->nindent--)
        emit(lx, ATH_PY_TOK_DEDENT, lx->p, 0, line, col);
    emit(lx, ATH_PY_TOK_ENDMARKER, lx->p, 0, line, col);
}

int ath_py_tokenize(ath_py_tokens *out, ath_arena *arena, const char *path, const char *src,
                    size_t len, ath_diags *diags)
{
    out->items = NULL;
    out->count = 0;
    lexer *lx = ath_arena_alloc(arena, sizeof(*lx));
    if (!lx)
        return ath_error_oom();
    lx->arena = arena;
    lx->path = path;
    lx->diags = diags;
    lx->p = src;
    lx->end = src + len;
    lx->line = 1;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        lx->p += 3;
    lx->line_start = lx->p;
    lx->begin = lx->p;
    if (setjmp(lx->fail))
        return lx->err;
    if (len > INT32_MAX)
        fail_at(lx, 0, 0, "file too large");
    lx->cap = len / 3 + 64; /* model files run about one token per 4 bytes */
    lx->toks = ath_arena_alloc(arena, lx->cap * sizeof(*lx->toks));
    if (!lx->toks)
        fail_oom(lx);
    check_coding_lines(lx);
    check_encoding(lx);
    tokenize(lx);
    out->items = lx->toks;
    out->count = lx->ntoks;
    return 0;
}
