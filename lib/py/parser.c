/*
 * The Python parser: recursive descent over the token array, one function
 * per rule of Python 3.11's grammar that the tree keeps apart. Literals are
 * decoded here. `match` and `type` statements are recognised by a rule that
 * holds for all valid Python and skipped whole. Errors stop the parse.
 */
#include "py/parser.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    ath_arena *arena;
    const char *path; /* arena copy, shared by the nodes */
    const ath_py_token *toks;
    size_t ntoks, pos;
    ath_diags *diags;
    int depth;
    /* A stack of nodes for lists under construction (heap; freed at the
     * end): a list is pushed here and copied to the arena at its exact size. */
    ath_py_node **scratch;
    size_t nscratch, scratch_cap;
    /* Errors unwind to ath_py_parse; all else lives in the arena. */
    jmp_buf fail;
    int err;
} parser;

typedef enum target_ctx { CTX_ASSIGN, CTX_FOR, CTX_WITH, CTX_DEL, CTX_AUG, CTX_ANN } target_ctx;

static ath_py_node *expression(parser *p);
static ath_py_node *named_expression(parser *p);
static ath_py_node *star_expressions(parser *p);
static ath_py_node *star_named_expression(parser *p);
static ath_py_node *disjunction(parser *p);
static ath_py_node *bitwise_or(parser *p);
static ath_py_node *primary(parser *p);
static void statement(parser *p);

/* ---- errors ---- */

static _Noreturn ATH_PRINTF(4, 5) void fail_at(parser *p, int line, int col, const char *fmt,
                                               ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ath_diags_add(p->diags, ATH_DIAG_ERROR, p->path, line, col, "%s", msg) < 0) {
        p->err = ATH_ENOMEM;
    } else {
        ath_error(ATH_EPARSE, "%s:%d:%d: %s", p->path ? p->path : "<input>", line, col, msg);
        p->err = ATH_EPARSE;
    }
    longjmp(p->fail, 1);
}

#define fail_tok(p, t, ...) fail_at((p), (t)->line, (t)->col, __VA_ARGS__)
#define fail_node(p, n, ...) fail_at((p), (n)->line, (n)->col, __VA_ARGS__)

static _Noreturn void fail_oom(parser *p)
{
    p->err = ath_error_oom();
    longjmp(p->fail, 1);
}

static void enter(parser *p, int line, int col)
{
    if (++p->depth > ATH_PY_MAX_DEPTH)
        fail_at(p, line, col, "too deeply nested");
}

/* ---- tokens ---- */

static const ath_py_token *tok(const parser *p)
{
    return &p->toks[p->pos];
}

static const ath_py_token *ahead(const parser *p, size_t k)
{
    size_t i = p->pos + k;
    return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static const ath_py_token *advance(parser *p)
{
    const ath_py_token *t = &p->toks[p->pos];
    if (p->pos + 1 < p->ntoks)
        p->pos++;
    return t;
}

static bool is_op(const ath_py_token *t, ath_py_op op)
{
    return t->kind == ATH_PY_TOK_OP && t->sub == op;
}

static bool is_kw(const ath_py_token *t, ath_py_kw kw)
{
    return t->kind == ATH_PY_TOK_NAME && t->sub == kw;
}

static bool is_plain_name(const ath_py_token *t)
{
    return t->kind == ATH_PY_TOK_NAME && t->sub == ATH_PY_KW_NOT_KEYWORD;
}

static bool is_soft_kw(const ath_py_token *t, const char *word)
{
    size_t n = strlen(word);
    return is_plain_name(t) && t->len == n && memcmp(t->text, word, n) == 0;
}

static bool accept_op(parser *p, ath_py_op op)
{
    if (!is_op(tok(p), op))
        return false;
    advance(p);
    return true;
}

static bool accept_kw(parser *p, ath_py_kw kw)
{
    if (!is_kw(tok(p), kw))
        return false;
    advance(p);
    return true;
}

/* Whether the token can begin an expression (a starred one included). */
static bool starts_expression(const ath_py_token *t)
{
    switch (t->kind) {
    case ATH_PY_TOK_NAME:
        switch (t->sub) {
        case ATH_PY_KW_NOT_KEYWORD:
        case ATH_PY_KW_TRUE:
        case ATH_PY_KW_FALSE:
        case ATH_PY_KW_NONE:
        case ATH_PY_KW_NOT:
        case ATH_PY_KW_LAMBDA:
        case ATH_PY_KW_AWAIT: return true;
        default: return false;
        }
    case ATH_PY_TOK_NUMBER:
    case ATH_PY_TOK_STRING: return true;
    case ATH_PY_TOK_OP:
        switch (t->sub) {
        case ATH_PY_OP_LPAR:
        case ATH_PY_OP_LSQB:
        case ATH_PY_OP_LBRACE:
        case ATH_PY_OP_MINUS:
        case ATH_PY_OP_PLUS:
        case ATH_PY_OP_TILDE:
        case ATH_PY_OP_ELLIPSIS:
        case ATH_PY_OP_STAR: return true;
        default: return false;
        }
    default: return false;
    }
}

/* The error for a token that no rule expects here. */
static _Noreturn void unexpected(parser *p)
{
    const ath_py_token *t = tok(p);
    if (t->kind == ATH_PY_TOK_INDENT)
        fail_tok(p, t, "unexpected indent");
    fail_tok(p, t, "invalid syntax");
}

static const ath_py_token *expect_op(parser *p, ath_py_op op)
{
    if (!is_op(tok(p), op)) {
        if (tok(p)->kind == ATH_PY_TOK_INDENT)
            unexpected(p);
        fail_tok(p, tok(p), "expected '%s'", ath_py_op_text(op));
    }
    return advance(p);
}

/* The closing bracket of a list of expressions. */
static void expect_close(parser *p, ath_py_op op)
{
    if (is_op(tok(p), op)) {
        advance(p);
        return;
    }
    if (starts_expression(tok(p)))
        fail_tok(p, tok(p), "invalid syntax. Perhaps you forgot a comma?");
    fail_tok(p, tok(p), "invalid syntax");
}

static void expect_kw(parser *p, ath_py_kw kw)
{
    if (!accept_kw(p, kw))
        fail_tok(p, tok(p), "expected '%s'", ath_py_kw_text(kw));
}

static const char *tok_str(parser *p, const ath_py_token *t)
{
    char *s = ath_arena_strndup(p->arena, t->text, t->len);
    if (!s)
        fail_oom(p);
    return s;
}

static const char *expect_name(parser *p)
{
    const ath_py_token *t = tok(p);
    if (!is_plain_name(t)) {
        if (t->kind == ATH_PY_TOK_NAME)
            fail_tok(p, t, "invalid syntax: '%s' is a keyword", ath_py_kw_text(t->sub));
        fail_tok(p, t, "expected a name");
    }
    advance(p);
    return tok_str(p, t);
}

/* ---- nodes and lists ---- */

static ath_py_node *node_at(parser *p, ath_py_kind kind, int line, int col)
{
    ath_py_node *n = ath_arena_alloc(p->arena, sizeof(*n));
    if (!n)
        fail_oom(p);
    n->kind = kind;
    n->line = line;
    n->col = col;
    n->path = p->path;
    return n;
}

static ath_py_node *node(parser *p, ath_py_kind kind, const ath_py_token *t)
{
    return node_at(p, kind, t->line, t->col);
}

static size_t mark(const parser *p)
{
    return p->nscratch;
}

static void push(parser *p, ath_py_node *n)
{
    if (p->nscratch == p->scratch_cap) {
        size_t ncap = p->scratch_cap ? p->scratch_cap * 2 : 256;
        ath_py_node **grown = realloc(p->scratch, ncap * sizeof(*grown));
        if (!grown)
            fail_oom(p);
        p->scratch = grown;
        p->scratch_cap = ncap;
    }
    p->scratch[p->nscratch++] = n;
}

/* Moves what was pushed since `m` into an arena list. */
static ath_py_nodes collect(parser *p, size_t m)
{
    ath_py_nodes l = {NULL, p->nscratch - m};
    if (l.count) {
        l.items = ath_arena_alloc(p->arena, l.count * sizeof(*l.items));
        if (!l.items)
            fail_oom(p);
        memcpy(l.items, p->scratch + m, l.count * sizeof(*l.items));
    }
    p->nscratch = m;
    return l;
}

/* Splits call arguments pushed since `m` into positional ones and keywords. */
static void collect_args(parser *p, size_t m, ath_py_nodes *args, ath_py_nodes *kws)
{
    size_t nkw = 0;
    for (size_t i = m; i < p->nscratch; i++)
        nkw += p->scratch[i]->kind == ATH_PY_KEYWORD;
    size_t total = p->nscratch - m;
    ath_py_node **a = NULL, **k = NULL;
    if (total - nkw && !(a = ath_arena_alloc(p->arena, (total - nkw) * sizeof(*a))))
        fail_oom(p);
    if (nkw && !(k = ath_arena_alloc(p->arena, nkw * sizeof(*k))))
        fail_oom(p);
    size_t na = 0, nk = 0;
    for (size_t i = m; i < p->nscratch; i++) {
        if (p->scratch[i]->kind == ATH_PY_KEYWORD)
            k[nk++] = p->scratch[i];
        else
            a[na++] = p->scratch[i];
    }
    args->items = a;
    args->count = na;
    kws->items = k;
    kws->count = nk;
    p->nscratch = m;
}

/* ---- literals ---- */

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static _Noreturn void fail_escape(parser *p, const ath_py_token *t, const char *at,
                                  const char *msg)
{
    int line, col;
    ath_py_locate(t, at, &line, &col);
    fail_at(p, line, col, "%s", msg);
}

/*
 * Decodes the body of a string token into `o`, which has room for the body
 * (decoding never lengthens); returns the decoded length. Line endings
 * become \n as Python reads them.
 */
static size_t decode_string(parser *p, ath_py_node *n, const ath_py_token *t, char *o)
{
    size_t blen;
    const char *s = ath_py_string_body(t, &blen);
    const char *e = s + blen;
    bool raw = t->flags & ATH_PY_STR_RAW, bytes = t->flags & ATH_PY_STR_BYTES;
    size_t k = 0;
    while (s < e) {
        char c = *s;
        if (c == '\r') {
            o[k++] = '\n';
            s += (s + 1 < e && s[1] == '\n') ? 2 : 1;
            continue;
        }
        if (c != '\\' || raw) {
            /* A raw string keeps backslashes and what follows them. */
            o[k++] = c;
            s++;
            continue;
        }
        const char *esc = s;
        s++;
        if (s >= e)
            break;
        c = *s++;
        switch (c) {
        case '\n': break;
        case '\r':
            if (s < e && *s == '\n')
                s++;
            break;
        case '\\': o[k++] = '\\'; break;
        case '\'': o[k++] = '\''; break;
        case '"': o[k++] = '"'; break;
        case 'a': o[k++] = '\a'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'v': o[k++] = '\v'; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            uint32_t v = (uint32_t)(c - '0');
            for (int i = 0; i < 2 && s < e && *s >= '0' && *s <= '7'; i++)
                v = v * 8 + (uint32_t)(*s++ - '0');
            if (bytes)
                o[k++] = (char)(v & 0xFF);
            else
                k += put_utf8(o + k, v);
            break;
        }
        case 'x':
        case 'u':
        case 'U': {
            if (bytes && c != 'x') {
                o[k++] = '\\';
                o[k++] = c;
                break;
            }
            int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            uint32_t v = 0;
            for (int i = 0; i < digits; i++) {
                int h = s < e ? hex_value((unsigned char)*s) : -1;
                if (h < 0)
                    fail_escape(p, t, esc,
                                c == 'x'   ? "truncated \\xXX escape"
                                : c == 'u' ? "truncated \\uXXXX escape"
                                           : "truncated \\UXXXXXXXX escape");
                v = v * 16 + (uint32_t)h;
                s++;
            }
            if (bytes)
                o[k++] = (char)v;
            else if (v > 0x10FFFF)
                fail_escape(p, t, esc, "illegal Unicode character");
            else
                k += put_utf8(o + k, v);
            break;
        }
        default:
            if (c == 'N' && !bytes) {
                /* Named characters need Unicode's name table; the escape is
                 * kept as written and flagged. */
                const char *close = s < e && *s == '{' ? memchr(s, '}', (size_t)(e - s)) : NULL;
                if (!close || close == s + 1)
                    fail_escape(p, t, esc, "malformed \\N character escape");
                memcpy(o + k, esc, (size_t)(close + 1 - esc));
                k += (size_t)(close + 1 - esc);
                s = close + 1;
                n->str.named_escape = true;
                break;
            }
            /* Unknown escapes stay as written (Python warns, nothing more). */
            o[k++] = '\\';
            s--;
            break;
        }
    }
    return k;
}

/* Adjacent string literals, joined into one STR or FSTRING node. */
static ath_py_node *strings(parser *p)
{
    const ath_py_token *first = tok(p);
    size_t total = 0;
    bool fmt = false;
    bool bytes = first->flags & ATH_PY_STR_BYTES;
    size_t i = p->pos;
    for (; p->toks[i].kind == ATH_PY_TOK_STRING; i++) {
        const ath_py_token *t = &p->toks[i];
        if (((t->flags & ATH_PY_STR_BYTES) != 0) != bytes)
            fail_tok(p, t, "cannot mix bytes and nonbytes literals");
        fmt |= (t->flags & ATH_PY_STR_FORMAT) != 0;
        total += t->len;
    }
    const ath_py_token *last = &p->toks[i - 1];
    ath_py_node *n = node(p, fmt ? ATH_PY_FSTRING : ATH_PY_STR, first);
    n->str.is_bytes = bytes;
    n->str.raw = ath_arena_strndup(p->arena, first->text,
                                   (size_t)(last->text + last->len - first->text));
    if (!n->str.raw)
        fail_oom(p);
    if (!fmt) {
        char *v = ath_arena_alloc(p->arena, total + 1);
        if (!v)
            fail_oom(p);
        size_t k = 0;
        for (size_t j = p->pos; j < i; j++)
            k += decode_string(p, n, &p->toks[j], v + k);
        v[k] = '\0';
        n->str.value = v;
        n->str.len = k;
    }
    p->pos = i;
    return n;
}

static void number_value(parser *p, ath_py_node *n, const ath_py_token *t)
{
    char *digits = ath_arena_alloc(p->arena, (size_t)t->len + 1);
    if (!digits)
        fail_oom(p);
    size_t k = 0;
    bool is_float = false;
    for (uint32_t i = 0; i < t->len; i++) {
        char c = t->text[i];
        if (c != '_')
            digits[k++] = c;
    }
    digits[k] = '\0';
    n->num.text = tok_str(p, t);
    if (k > 0 && (digits[k - 1] | 0x20) == 'j') {
        digits[--k] = '\0';
        n->num.kind = ATH_PY_NUM_IMAGINARY;
        n->num.fval = strtod(digits, NULL);
        return;
    }
    int base = 10;
    const char *d = digits;
    if (k > 1 && digits[0] == '0') {
        int c = digits[1] | 0x20;
        base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 10;
        if (base != 10)
            d += 2;
    }
    if (base == 10)
        is_float = strpbrk(digits, ".eE") != NULL;
    if (is_float) {
        n->num.kind = ATH_PY_NUM_FLOAT;
        n->num.fval = strtod(digits, NULL);
        return;
    }
    n->num.kind = ATH_PY_NUM_INT;
    uint64_t v = 0;
    double f = 0;
    bool fits = true;
    for (; *d; d++) {
        int h = hex_value((unsigned char)*d);
        if (fits && v > ((uint64_t)INT64_MAX - (uint64_t)h) / (uint64_t)base)
            fits = false;
        v = v * (uint64_t)base + (uint64_t)h;
        f = f * base + h;
    }
    n->num.fits = fits;
    n->num.ival = fits ? (int64_t)v : 0;
    /* strtod rounds a long decimal correctly; summing digits would not. */
    n->num.fval = base == 10 ? strtod(digits, NULL) : f;
}

/* ---- targets ---- */

static const char *expr_name(const ath_py_node *n)
{
    switch (n->kind) {
    case ATH_PY_CALL: return "function call";
    case ATH_PY_STR:
    case ATH_PY_NUM: return "literal";
    case ATH_PY_FSTRING: return "f-string expression";
    case ATH_PY_CONST:
        switch (n->constant.kind) {
        case ATH_PY_CONST_NONE: return "None";
        case ATH_PY_CONST_TRUE: return "True";
        case ATH_PY_CONST_FALSE: return "False";
        case ATH_PY_CONST_ELLIPSIS: return "ellipsis";
        }
        return "literal";
    case ATH_PY_COMPARE: return "comparison";
    case ATH_PY_IFEXP: return "conditional expression";
    case ATH_PY_LAMBDA: return "lambda";
    case ATH_PY_DICT: return "dict literal";
    case ATH_PY_SET: return "set display";
    case ATH_PY_TUPLE: return "tuple";
    case ATH_PY_LIST: return "list";
    case ATH_PY_NAMED: return "named expression";
    case ATH_PY_AWAIT: return "await expression";
    case ATH_PY_YIELD: return "yield expression";
    case ATH_PY_STARRED: return "starred";
    case ATH_PY_SLICE: return "slice";
    case ATH_PY_NAME: return "name";
    case ATH_PY_ATTRIBUTE: return "attribute";
    case ATH_PY_SUBSCRIPT: return "subscript";
    case ATH_PY_COMP:
        switch (n->comp.kind) {
        case ATH_PY_COMP_LIST: return "list comprehension";
        case ATH_PY_COMP_SET: return "set comprehension";
        case ATH_PY_COMP_DICT: return "dict comprehension";
        case ATH_PY_COMP_GEN: return "generator expression";
        }
        return "comprehension";
    default: return "expression";
    }
}

/* Refuses what cannot be assigned to (or deleted), as Python's parser does. */
static void check_target(parser *p, const ath_py_node *n, target_ctx ctx, bool nested)
{
    switch (n->kind) {
    case ATH_PY_NAME:
    case ATH_PY_ATTRIBUTE:
    case ATH_PY_SUBSCRIPT: return;
    case ATH_PY_TUPLE:
    case ATH_PY_LIST:
        if (ctx == CTX_AUG)
            fail_node(p, n, "'%s' is an illegal expression for augmented assignment",
                      expr_name(n));
        if (ctx == CTX_ANN)
            fail_node(p, n, "only single target (not %s) can be annotated", expr_name(n));
        for (size_t i = 0; i < n->seq.elts.count; i++)
            check_target(p, n->seq.elts.items[i], ctx, true);
        return;
    case ATH_PY_STARRED:
        if (ctx == CTX_DEL)
            fail_node(p, n, "cannot delete starred");
        if (!nested)
            fail_node(p, n, "starred assignment target must be in a list or tuple");
        check_target(p, n->value.value, ctx, true);
        return;
    default:
        break;
    }
    if (n->kind == ATH_PY_YIELD && ctx == CTX_ASSIGN && !nested)
        fail_node(p, n, "assignment to yield expression not possible");
    switch (ctx) {
    case CTX_DEL: fail_node(p, n, "cannot delete %s", expr_name(n));
    case CTX_AUG:
        fail_node(p, n, "'%s' is an illegal expression for augmented assignment", expr_name(n));
    case CTX_ANN: fail_node(p, n, "illegal target for annotation");
    case CTX_ASSIGN:
        if (!nested)
            fail_node(p, n, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                      expr_name(n));
        break;
    default: break;
    }
    fail_node(p, n, "cannot assign to %s", expr_name(n));
}

/* One target of a for or with statement, or of a comprehension. */
static ath_py_node *star_target(parser *p)
{
    const ath_py_token *t = tok(p);
    if (accept_op(p, ATH_PY_OP_STAR)) {
        if (is_op(tok(p), ATH_PY_OP_STAR))
            unexpected(p);
        enter(p, t->line, t->col);
        ath_py_node *n = node(p, ATH_PY_STARRED, t);
        n->value.value = star_target(p);
        p->depth--;
        return n;
    }
    return primary(p);
}

static bool ends_targets(const ath_py_token *t)
{
    return is_kw(t, ATH_PY_KW_IN) || is_op(t, ATH_PY_OP_EQUAL) || t->kind == ATH_PY_TOK_NEWLINE;
}

/* `a, *b` before `in`: a single target or a tuple of them. */
static ath_py_node *star_targets(parser *p, target_ctx ctx)
{
    const ath_py_token *t = tok(p);
    ath_py_node *first = star_target(p);
    if (!is_op(tok(p), ATH_PY_OP_COMMA)) {
        check_target(p, first, ctx, false);
        return first;
    }
    size_t m = mark(p);
    push(p, first);
    while (accept_op(p, ATH_PY_OP_COMMA) && !ends_targets(tok(p)))
        push(p, star_target(p));
    ath_py_node *n = node(p, ATH_PY_TUPLE, t);
    n->seq.elts = collect(p, m);
    check_target(p, n, ctx, false);
    return n;
}

/* ---- expressions ---- */

static ath_py_node *name_node(parser *p, const ath_py_token *t)
{
    ath_py_node *n = node(p, ATH_PY_NAME, t);
    n->name.id = tok_str(p, t);
    return n;
}

static bool at_comp_for(const parser *p)
{
    return is_kw(tok(p), ATH_PY_KW_FOR) ||
           (is_kw(tok(p), ATH_PY_KW_ASYNC) && is_kw(ahead(p, 1), ATH_PY_KW_FOR));
}

/* The `for ... in ... if ...` clauses of a comprehension. */
static ath_py_nodes comp_fors(parser *p)
{
    size_t m = mark(p);
    while (at_comp_for(p)) {
        ath_py_node *cf = node(p, ATH_PY_COMP_FOR, tok(p));
        cf->comp_for.is_async = accept_kw(p, ATH_PY_KW_ASYNC);
        expect_kw(p, ATH_PY_KW_FOR);
        cf->comp_for.target = star_targets(p, CTX_FOR);
        expect_kw(p, ATH_PY_KW_IN);
        cf->comp_for.iter = disjunction(p);
        size_t mi = mark(p);
        while (accept_kw(p, ATH_PY_KW_IF))
            push(p, disjunction(p));
        cf->comp_for.ifs = collect(p, mi);
        push(p, cf);
    }
    return collect(p, m);
}

static ath_py_node *comprehension(parser *p, ath_py_comp_kind kind, const ath_py_token *at,
                                  ath_py_node *elt, ath_py_node *value)
{
    if (elt->kind == ATH_PY_STARRED)
        fail_node(p, elt, "iterable unpacking cannot be used in comprehension");
    ath_py_node *n = node(p, ATH_PY_COMP, at);
    n->comp.kind = kind;
    n->comp.elt = elt;
    n->comp.value = value;
    n->comp.generators = comp_fors(p);
    return n;
}

/* `yield`, `yield x, y`, `yield from x` */
static ath_py_node *yield_expr(parser *p)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_YIELD, t);
    if (accept_kw(p, ATH_PY_KW_FROM)) {
        n->yield.is_from = true;
        n->yield.value = expression(p);
    } else if (starts_expression(tok(p))) {
        n->yield.value = star_expressions(p);
    }
    return n;
}

/* ( ... ): a group, a tuple, a generator expression, or a parenthesized yield. */
static ath_py_node *paren(parser *p)
{
    const ath_py_token *t = advance(p);
    if (accept_op(p, ATH_PY_OP_RPAR)) {
        ath_py_node *n = node(p, ATH_PY_TUPLE, t);
        n->parens = true;
        return n;
    }
    if (is_kw(tok(p), ATH_PY_KW_YIELD)) {
        ath_py_node *y = yield_expr(p);
        expect_close(p, ATH_PY_OP_RPAR);
        y->parens = true;
        return y;
    }
    ath_py_node *first = star_named_expression(p);
    if (at_comp_for(p)) {
        ath_py_node *n = comprehension(p, ATH_PY_COMP_GEN, t, first, NULL);
        expect_close(p, ATH_PY_OP_RPAR);
        n->parens = true;
        return n;
    }
    if (is_op(tok(p), ATH_PY_OP_COMMA)) {
        size_t m = mark(p);
        push(p, first);
        while (accept_op(p, ATH_PY_OP_COMMA) && !is_op(tok(p), ATH_PY_OP_RPAR))
            push(p, star_named_expression(p));
        expect_close(p, ATH_PY_OP_RPAR);
        ath_py_node *n = node(p, ATH_PY_TUPLE, t);
        n->seq.elts = collect(p, m);
        n->parens = true;
        return n;
    }
    expect_close(p, ATH_PY_OP_RPAR);
    if (first->kind == ATH_PY_STARRED)
        fail_node(p, first, "cannot use starred expression here");
    first->parens = true;
    return first;
}

/* [ ... ]: a list or a list comprehension. */
static ath_py_node *list_display(parser *p)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n;
    if (!is_op(tok(p), ATH_PY_OP_RSQB)) {
        ath_py_node *first = star_named_expression(p);
        if (at_comp_for(p)) {
            n = comprehension(p, ATH_PY_COMP_LIST, t, first, NULL);
            expect_close(p, ATH_PY_OP_RSQB);
            return n;
        }
        size_t m = mark(p);
        push(p, first);
        while (accept_op(p, ATH_PY_OP_COMMA) && !is_op(tok(p), ATH_PY_OP_RSQB))
            push(p, star_named_expression(p));
        n = node(p, ATH_PY_LIST, t);
        n->seq.elts = collect(p, m);
    } else {
        n = node(p, ATH_PY_LIST, t);
    }
    expect_close(p, ATH_PY_OP_RSQB);
    return n;
}

/* One `key: value` or `**mapping` of a dict display, pushed as two entries. */
static void dict_item(parser *p)
{
    if (accept_op(p, ATH_PY_OP_DSTAR)) {
        push(p, NULL);
        push(p, bitwise_or(p));
        return;
    }
    push(p, expression(p));
    expect_op(p, ATH_PY_OP_COLON);
    push(p, expression(p));
}

static ath_py_node *dict_rest(parser *p, const ath_py_token *t, size_t m)
{
    while (accept_op(p, ATH_PY_OP_COMMA) && !is_op(tok(p), ATH_PY_OP_RBRACE))
        dict_item(p);
    expect_close(p, ATH_PY_OP_RBRACE);
    ath_py_node *n = node(p, ATH_PY_DICT, t);
    size_t count = (p->nscratch - m) / 2;
    ath_py_node **keys = ath_arena_alloc(p->arena, (count ? count : 1) * sizeof(*keys));
    ath_py_node **values = ath_arena_alloc(p->arena, (count ? count : 1) * sizeof(*values));
    if (!keys || !values)
        fail_oom(p);
    for (size_t i = 0; i < count; i++) {
        keys[i] = p->scratch[m + 2 * i];
        values[i] = p->scratch[m + 2 * i + 1];
    }
    p->nscratch = m;
    n->dict.keys = (ath_py_nodes){count ? keys : NULL, count};
    n->dict.values = (ath_py_nodes){count ? values : NULL, count};
    return n;
}

/* { ... }: a dict, a set, or their comprehensions. */
static ath_py_node *brace_display(parser *p)
{
    const ath_py_token *t = advance(p);
    size_t m = mark(p);
    if (is_op(tok(p), ATH_PY_OP_RBRACE))
        return dict_rest(p, t, m);
    if (is_op(tok(p), ATH_PY_OP_DSTAR)) {
        const ath_py_token *first = tok(p);
        dict_item(p);
        if (at_comp_for(p))
            fail_tok(p, first, "dict unpacking cannot be used in dict comprehension");
        return dict_rest(p, t, m);
    }
    ath_py_node *first = star_named_expression(p);
    if (accept_op(p, ATH_PY_OP_COLON)) {
        if (first->kind == ATH_PY_STARRED)
            fail_node(p, first, "cannot use a starred expression in a dictionary key");
        ath_py_node *value = expression(p);
        if (at_comp_for(p)) {
            ath_py_node *n = comprehension(p, ATH_PY_COMP_DICT, t, first, value);
            expect_close(p, ATH_PY_OP_RBRACE);
            return n;
        }
        push(p, first);
        push(p, value);
        return dict_rest(p, t, m);
    }
    if (at_comp_for(p)) {
        ath_py_node *n = comprehension(p, ATH_PY_COMP_SET, t, first, NULL);
        expect_close(p, ATH_PY_OP_RBRACE);
        return n;
    }
    push(p, first);
    while (accept_op(p, ATH_PY_OP_COMMA) && !is_op(tok(p), ATH_PY_OP_RBRACE))
        push(p, star_named_expression(p));
    expect_close(p, ATH_PY_OP_RBRACE);
    ath_py_node *n = node(p, ATH_PY_SET, t);
    n->seq.elts = collect(p, m);
    return n;
}

static ath_py_node *atom(parser *p)
{
    const ath_py_token *t = tok(p);
    switch (t->kind) {
    case ATH_PY_TOK_NAME: {
        ath_py_const_kind k;
        switch (t->sub) {
        case ATH_PY_KW_NOT_KEYWORD: advance(p); return name_node(p, t);
        case ATH_PY_KW_TRUE: k = ATH_PY_CONST_TRUE; break;
        case ATH_PY_KW_FALSE: k = ATH_PY_CONST_FALSE; break;
        case ATH_PY_KW_NONE: k = ATH_PY_CONST_NONE; break;
        default: unexpected(p);
        }
        advance(p);
        ath_py_node *n = node(p, ATH_PY_CONST, t);
        n->constant.kind = k;
        return n;
    }
    case ATH_PY_TOK_NUMBER: {
        advance(p);
        ath_py_node *n = node(p, ATH_PY_NUM, t);
        number_value(p, n, t);
        return n;
    }
    case ATH_PY_TOK_STRING: return strings(p);
    case ATH_PY_TOK_OP:
        switch (t->sub) {
        case ATH_PY_OP_LPAR: return paren(p);
        case ATH_PY_OP_LSQB: return list_display(p);
        case ATH_PY_OP_LBRACE: return brace_display(p);
        case ATH_PY_OP_ELLIPSIS: {
            advance(p);
            ath_py_node *n = node(p, ATH_PY_CONST, t);
            n->constant.kind = ATH_PY_CONST_ELLIPSIS;
            return n;
        }
        default: break;
        }
        break;
    case ATH_PY_TOK_INDENT: unexpected(p);
    default: break;
    }
    fail_tok(p, t, "expected an expression");
}

/* `lower:upper:step`, or an expression, inside [ ]. */
static ath_py_node *slice_item(parser *p)
{
    const ath_py_token *t = tok(p);
    ath_py_node *lower = NULL;
    if (!is_op(t, ATH_PY_OP_COLON)) {
        if (accept_op(p, ATH_PY_OP_STAR)) {
            ath_py_node *s = node(p, ATH_PY_STARRED, t);
            s->value.value = bitwise_or(p);
            return s;
        }
        lower = named_expression(p);
        if (!is_op(tok(p), ATH_PY_OP_COLON))
            return lower;
    }
    advance(p);
    ath_py_node *n = node(p, ATH_PY_SLICE, t);
    n->slice.lower = lower;
    const ath_py_token *u = tok(p);
    if (!is_op(u, ATH_PY_OP_COLON) && !is_op(u, ATH_PY_OP_COMMA) && !is_op(u, ATH_PY_OP_RSQB))
        n->slice.upper = expression(p);
    if (accept_op(p, ATH_PY_OP_COLON)) {
        u = tok(p);
        if (!is_op(u, ATH_PY_OP_COMMA) && !is_op(u, ATH_PY_OP_RSQB))
            n->slice.step = expression(p);
    }
    return n;
}

static ath_py_node *slices(parser *p)
{
    const ath_py_token *t = tok(p);
    ath_py_node *first = slice_item(p);
    if (!is_op(tok(p), ATH_PY_OP_COMMA))
        return first;
    size_t m = mark(p);
    push(p, first);
    while (accept_op(p, ATH_PY_OP_COMMA) && !is_op(tok(p), ATH_PY_OP_RSQB))
        push(p, slice_item(p));
    ath_py_node *n = node(p, ATH_PY_TUPLE, t);
    n->seq.elts = collect(p, m);
    return n;
}

/*
 * Arguments of a call or a class statement, up to and including `)`:
 * positional ones (STARRED for *x) and KEYWORDs (name NULL for **x), pushed
 * in source order with Python's ordering rules checked.
 */
static void arguments(parser *p, const ath_py_token *open, bool call, ath_py_nodes *args,
                      ath_py_nodes *kws)
{
    size_t m = mark(p);
    bool seen_kw = false, seen_dstar = false;
    while (!is_op(tok(p), ATH_PY_OP_RPAR)) {
        const ath_py_token *t = tok(p);
        if (accept_op(p, ATH_PY_OP_STAR)) {
            if (seen_dstar)
                fail_tok(p, t, "iterable argument unpacking follows keyword argument unpacking");
            ath_py_node *s = node(p, ATH_PY_STARRED, t);
            s->value.value = expression(p);
            push(p, s);
        } else if (accept_op(p, ATH_PY_OP_DSTAR)) {
            ath_py_node *k = node(p, ATH_PY_KEYWORD, t);
            k->keyword.value = expression(p);
            seen_dstar = true;
            push(p, k);
        } else if (is_plain_name(t) && is_op(ahead(p, 1), ATH_PY_OP_EQUAL)) {
            advance(p);
            advance(p);
            ath_py_node *k = node(p, ATH_PY_KEYWORD, t);
            k->keyword.name = tok_str(p, t);
            k->keyword.value = expression(p);
            seen_kw = true;
            push(p, k);
        } else {
            ath_py_node *e = named_expression(p);
            if (at_comp_for(p)) {
                if (!call)
                    unexpected(p);
                ath_py_node *g = comprehension(p, ATH_PY_COMP_GEN, open, e, NULL);
                if (mark(p) != m || !is_op(tok(p), ATH_PY_OP_RPAR))
                    fail_node(p, g, "Generator expression must be parenthesized");
                e = g;
            } else if (is_op(tok(p), ATH_PY_OP_EQUAL)) {
                fail_node(p, e, "expression cannot contain assignment, perhaps you meant \"==\"?");
            }
            if (seen_dstar)
                fail_node(p, e, "positional argument follows keyword argument unpacking");
            if (seen_kw)
                fail_node(p, e, "positional argument follows keyword argument");
            push(p, e);
        }
        if (!accept_op(p, ATH_PY_OP_COMMA))
            break;
    }
    expect_close(p, ATH_PY_OP_RPAR);
    collect_args(p, m, args, kws);
}

/* An atom and its trailers: .name, (args), [index]. */
static ath_py_node *primary(parser *p)
{
    int depth = p->depth;
    const ath_py_token *start = tok(p);
    ath_py_node *n = atom(p);
    for (;;) {
        const ath_py_token *t = tok(p);
        ath_py_node *outer;
        if (is_op(t, ATH_PY_OP_DOT)) {
            advance(p);
            outer = node(p, ATH_PY_ATTRIBUTE, start);
            outer->attribute.value = n;
            outer->attribute.attr = expect_name(p);
        } else if (is_op(t, ATH_PY_OP_LPAR)) {
            advance(p);
            outer = node(p, ATH_PY_CALL, start);
            outer->call.func = n;
            arguments(p, t, true, &outer->call.args, &outer->call.keywords);
        } else if (is_op(t, ATH_PY_OP_LSQB)) {
            advance(p);
            outer = node(p, ATH_PY_SUBSCRIPT, start);
            outer->subscript.value = n;
            outer->subscript.index = slices(p);
            expect_close(p, ATH_PY_OP_RSQB);
        } else {
            break;
        }
        /* Each trailer wraps the tree once more. */
        enter(p, t->line, t->col);
        n = outer;
    }
    p->depth = depth;
    return n;
}

static ath_py_node *await_primary(parser *p)
{
    const ath_py_token *t = tok(p);
    if (!accept_kw(p, ATH_PY_KW_AWAIT))
        return primary(p);
    ath_py_node *n = node(p, ATH_PY_AWAIT, t);
    n->value.value = primary(p);
    return n;
}

static ath_py_node *factor(parser *p);

static ath_py_node *power(parser *p)
{
    const ath_py_token *start = tok(p);
    ath_py_node *left = await_primary(p);
    const ath_py_token *t = tok(p);
    if (!accept_op(p, ATH_PY_OP_DSTAR))
        return left;
    enter(p, t->line, t->col);
    ath_py_node *n = node(p, ATH_PY_BINOP, start);
    n->binop.op = ATH_PY_OP_DSTAR;
    n->binop.left = left;
    n->binop.right = factor(p);
    p->depth--;
    return n;
}

static ath_py_node *factor(parser *p)
{
    const ath_py_token *t = tok(p);
    if (is_op(t, ATH_PY_OP_MINUS) || is_op(t, ATH_PY_OP_PLUS) || is_op(t, ATH_PY_OP_TILDE)) {
        advance(p);
        enter(p, t->line, t->col);
        ath_py_node *n = node(p, ATH_PY_UNARY, t);
        n->unary.op = (ath_py_op)t->sub;
        n->unary.operand = factor(p);
        p->depth--;
        return n;
    }
    return power(p);
}

/* Binary operators by precedence, loosest first; all left-associative. */
static int binary_level(const ath_py_token *t)
{
    if (t->kind != ATH_PY_TOK_OP)
        return -1;
    switch (t->sub) {
    case ATH_PY_OP_VBAR: return 0;
    case ATH_PY_OP_CIRCUMFLEX: return 1;
    case ATH_PY_OP_AMPER: return 2;
    case ATH_PY_OP_LSHIFT:
    case ATH_PY_OP_RSHIFT: return 3;
    case ATH_PY_OP_PLUS:
    case ATH_PY_OP_MINUS: return 4;
    case ATH_PY_OP_STAR:
    case ATH_PY_OP_SLASH:
    case ATH_PY_OP_DSLASH:
    case ATH_PY_OP_PERCENT:
    case ATH_PY_OP_AT: return 5;
    default: return -1;
    }
}

static ath_py_node *binary(parser *p, int level)
{
    if (level > 5)
        return factor(p);
    int depth = p->depth;
    const ath_py_token *start = tok(p);
    ath_py_node *left = binary(p, level + 1);
    while (binary_level(tok(p)) == level) {
        const ath_py_token *t = advance(p);
        enter(p, t->line, t->col);
        ath_py_node *n = node(p, ATH_PY_BINOP, start);
        n->binop.op = (ath_py_op)t->sub;
        n->binop.left = left;
        n->binop.right = binary(p, level + 1);
        left = n;
    }
    p->depth = depth;
    return left;
}

static ath_py_node *bitwise_or(parser *p)
{
    return binary(p, 0);
}

/* A comparison operator at the current token (two for `not in`, `is not`). */
static ath_py_op compare_op(const parser *p, int *ntoks)
{
    const ath_py_token *t = tok(p);
    *ntoks = 1;
    if (t->kind == ATH_PY_TOK_OP) {
        switch (t->sub) {
        case ATH_PY_OP_LESS:
        case ATH_PY_OP_GREATER:
        case ATH_PY_OP_LESSEQUAL:
        case ATH_PY_OP_GREATEREQUAL:
        case ATH_PY_OP_EQEQUAL:
        case ATH_PY_OP_NOTEQUAL: return (ath_py_op)t->sub;
        default: return ATH_PY_OP_NONE;
        }
    }
    if (is_kw(t, ATH_PY_KW_IN))
        return ATH_PY_OP_IN;
    if (is_kw(t, ATH_PY_KW_NOT) && is_kw(ahead(p, 1), ATH_PY_KW_IN)) {
        *ntoks = 2;
        return ATH_PY_OP_NOT_IN;
    }
    if (is_kw(t, ATH_PY_KW_IS)) {
        if (is_kw(ahead(p, 1), ATH_PY_KW_NOT)) {
            *ntoks = 2;
            return ATH_PY_OP_IS_NOT;
        }
        return ATH_PY_OP_IS;
    }
    return ATH_PY_OP_NONE;
}

static ath_py_node *comparison(parser *p)
{
    const ath_py_token *start = tok(p);
    ath_py_node *left = bitwise_or(p);
    int n_op;
    ath_py_op op = compare_op(p, &n_op);
    if (op == ATH_PY_OP_NONE)
        return left;
    ath_py_node *n = node(p, ATH_PY_COMPARE, start);
    n->compare.left = left;
    ath_py_op *ops = NULL;
    size_t nops = 0, cap = 0;
    size_t m = mark(p);
    while (op != ATH_PY_OP_NONE) {
        for (int i = 0; i < n_op; i++)
            advance(p);
        ath_py_op *slot = ATH_PUSH(p->arena, ops, nops, cap);
        if (!slot)
            fail_oom(p);
        *slot = op;
        push(p, bitwise_or(p));
        op = compare_op(p, &n_op);
    }
    n->compare.ops = ops;
    n->compare.comparators = collect(p, m);
    return n;
}

static ath_py_node *inversion(parser *p)
{
    const ath_py_token *t = tok(p);
    if (!accept_kw(p, ATH_PY_KW_NOT))
        return comparison(p);
    enter(p, t->line, t->col);
    ath_py_node *n = node(p, ATH_PY_UNARY, t);
    n->unary.op = ATH_PY_OP_NOT;
    n->unary.operand = inversion(p);
    p->depth--;
    return n;
}

static ath_py_node *boolean(parser *p, ath_py_kw kw)
{
    const ath_py_token *start = tok(p);
    ath_py_node *first = kw == ATH_PY_KW_OR ? boolean(p, ATH_PY_KW_AND) : inversion(p);
    if (!is_kw(tok(p), kw))
        return first;
    size_t m = mark(p);
    push(p, first);
    while (accept_kw(p, kw))
        push(p, kw == ATH_PY_KW_OR ? boolean(p, ATH_PY_KW_AND) : inversion(p));
    ath_py_node *n = node(p, ATH_PY_BOOLOP, start);
    n->boolop.op = kw == ATH_PY_KW_OR ? ATH_PY_OP_OR : ATH_PY_OP_AND;
    n->boolop.values = collect(p, m);
    return n;
}

static ath_py_node *disjunction(parser *p)
{
    return boolean(p, ATH_PY_KW_OR);
}

/*
 * Parameters of a def (annotations allowed, ending at `)`) or a lambda
 * (ending at `:`), with Python's rules on their order.
 */
static ath_py_nodes parameters(parser *p, ath_py_op close, bool annotations)
{
    size_t m = mark(p);
    ath_py_param_kind section = ATH_PY_PARAM_NORMAL;
    bool saw_default = false, saw_slash = false, saw_kwargs = false;
    const ath_py_token *bare_star = NULL;
    while (!is_op(tok(p), close)) {
        const ath_py_token *t = tok(p);
        if (saw_kwargs)
            fail_tok(p, t, "arguments cannot follow var-keyword argument");
        if (accept_op(p, ATH_PY_OP_SLASH)) {
            if (saw_slash)
                fail_tok(p, t, "/ may appear only once");
            if (section == ATH_PY_PARAM_KWONLY)
                fail_tok(p, t, "/ must be ahead of *");
            if (mark(p) == m)
                fail_tok(p, t, "at least one argument must precede /");
            for (size_t i = m; i < p->nscratch; i++)
                p->scratch[i]->param.kind = ATH_PY_PARAM_POSONLY;
            saw_slash = true;
        } else if (accept_op(p, ATH_PY_OP_STAR)) {
            if (section == ATH_PY_PARAM_KWONLY)
                fail_tok(p, t, "* argument may appear only once");
            section = ATH_PY_PARAM_KWONLY;
            if (is_op(tok(p), ATH_PY_OP_COMMA) || is_op(tok(p), close)) {
                bare_star = t;
            } else {
                ath_py_node *n = node(p, ATH_PY_PARAM, tok(p));
                n->param.name = expect_name(p);
                n->param.kind = ATH_PY_PARAM_VARARGS;
                if (annotations && accept_op(p, ATH_PY_OP_COLON)) {
                    const ath_py_token *s = tok(p);
                    if (accept_op(p, ATH_PY_OP_STAR)) {
                        ath_py_node *st = node(p, ATH_PY_STARRED, s);
                        st->value.value = expression(p);
                        n->param.annotation = st;
                    } else {
                        n->param.annotation = expression(p);
                    }
                }
                if (is_op(tok(p), ATH_PY_OP_EQUAL))
                    fail_tok(p, tok(p), "var-positional argument cannot have default value");
                push(p, n);
            }
        } else if (accept_op(p, ATH_PY_OP_DSTAR)) {
            ath_py_node *n = node(p, ATH_PY_PARAM, tok(p));
            n->param.name = expect_name(p);
            n->param.kind = ATH_PY_PARAM_KWARGS;
            if (annotations && accept_op(p, ATH_PY_OP_COLON))
                n->param.annotation = expression(p);
            if (is_op(tok(p), ATH_PY_OP_EQUAL))
                fail_tok(p, tok(p), "var-keyword argument cannot have default value");
            saw_kwargs = true;
            push(p, n);
        } else {
            ath_py_node *n = node(p, ATH_PY_PARAM, t);
            n->param.name = expect_name(p);
            n->param.kind = section;
            if (annotations && accept_op(p, ATH_PY_OP_COLON))
                n->param.annotation = expression(p);
            if (accept_op(p, ATH_PY_OP_EQUAL)) {
                n->param.default_value = expression(p);
                if (section != ATH_PY_PARAM_KWONLY)
                    saw_default = true;
            } else if (saw_default && section != ATH_PY_PARAM_KWONLY) {
                fail_tok(p, t, "non-default argument follows default argument");
            }
            push(p, n);
        }
        if (!accept_op(p, ATH_PY_OP_COMMA))
            break;
    }
    if (bare_star) {
        bool named = false;
        for (size_t i = m; i < p->nscratch; i++)
            named |= p->scratch[i]->param.kind == ATH_PY_PARAM_KWONLY;
        if (!named)
            fail_tok(p, bare_star, "named arguments must follow bare *");
    }
    if (!is_op(tok(p), close))
        fail_tok(p, tok(p), close == ATH_PY_OP_COLON ? "expected ':'" : "invalid syntax");
    advance(p);
    return collect(p, m);
}

static ath_py_node *lambda(parser *p)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_LAMBDA, t);
    n->lambda.params = parameters(p, ATH_PY_OP_COLON, false);
    n->lambda.body = expression(p);
    return n;
}

/* expression: a conditional expression, a lambda, or a disjunction. */
static ath_py_node *expression(parser *p)
{
    const ath_py_token *t = tok(p);
    enter(p, t->line, t->col);
    ath_py_node *n;
    if (is_kw(t, ATH_PY_KW_LAMBDA)) {
        n = lambda(p);
    } else {
        n = disjunction(p);
        if (is_kw(tok(p), ATH_PY_KW_IF)) {
            advance(p);
            ath_py_node *c = node(p, ATH_PY_IFEXP, t);
            c->ifexp.body = n;
            c->ifexp.test = disjunction(p);
            if (!accept_kw(p, ATH_PY_KW_ELSE))
                fail_tok(p, tok(p), "expected 'else' after 'if' expression");
            c->ifexp.orelse = expression(p);
            n = c;
        }
    }
    p->depth--;
    return n;
}

/* `name := value` or an expression. */
static ath_py_node *named_expression(parser *p)
{
    const ath_py_token *t = tok(p);
    if (is_plain_name(t) && is_op(ahead(p, 1), ATH_PY_OP_WALRUS)) {
        advance(p);
        advance(p);
        ath_py_node *n = node(p, ATH_PY_NAMED, t);
        n->named.target = name_node(p, t);
        n->named.value = expression(p);
        return n;
    }
    ath_py_node *e = expression(p);
    if (is_op(tok(p), ATH_PY_OP_WALRUS))
        fail_node(p, e, "cannot use assignment expressions with %s", expr_name(e));
    return e;
}

static ath_py_node *starred(parser *p)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_STARRED, t);
    n->value.value = bitwise_or(p);
    return n;
}

static ath_py_node *star_named_expression(parser *p)
{
    return is_op(tok(p), ATH_PY_OP_STAR) ? starred(p) : named_expression(p);
}

static ath_py_node *star_expression(parser *p)
{
    return is_op(tok(p), ATH_PY_OP_STAR) ? starred(p) : expression(p);
}

/* `a, *b, c` without brackets: a tuple when there is a comma. */
static ath_py_node *star_expressions(parser *p)
{
    const ath_py_token *t = tok(p);
    ath_py_node *first = star_expression(p);
    if (!is_op(tok(p), ATH_PY_OP_COMMA))
        return first;
    size_t m = mark(p);
    push(p, first);
    while (accept_op(p, ATH_PY_OP_COMMA) && starts_expression(tok(p)))
        push(p, star_expression(p));
    ath_py_node *n = node(p, ATH_PY_TUPLE, t);
    n->seq.elts = collect(p, m);
    return n;
}

/* The right-hand side of an assignment. */
static ath_py_node *assigned_value(parser *p)
{
    return is_kw(tok(p), ATH_PY_KW_YIELD) ? yield_expr(p) : star_expressions(p);
}

/* ---- simple statements ---- */

static ath_py_op aug_op(const ath_py_token *t)
{
    if (t->kind != ATH_PY_TOK_OP)
        return ATH_PY_OP_NONE;
    switch (t->sub) {
    case ATH_PY_OP_PLUSEQUAL: return ATH_PY_OP_PLUS;
    case ATH_PY_OP_MINEQUAL: return ATH_PY_OP_MINUS;
    case ATH_PY_OP_STAREQUAL: return ATH_PY_OP_STAR;
    case ATH_PY_OP_SLASHEQUAL: return ATH_PY_OP_SLASH;
    case ATH_PY_OP_DSLASHEQUAL: return ATH_PY_OP_DSLASH;
    case ATH_PY_OP_PERCENTEQUAL: return ATH_PY_OP_PERCENT;
    case ATH_PY_OP_ATEQUAL: return ATH_PY_OP_AT;
    case ATH_PY_OP_DSTAREQUAL: return ATH_PY_OP_DSTAR;
    case ATH_PY_OP_LSHIFTEQUAL: return ATH_PY_OP_LSHIFT;
    case ATH_PY_OP_RSHIFTEQUAL: return ATH_PY_OP_RSHIFT;
    case ATH_PY_OP_AMPEREQUAL: return ATH_PY_OP_AMPER;
    case ATH_PY_OP_VBAREQUAL: return ATH_PY_OP_VBAR;
    case ATH_PY_OP_CIRCUMFLEXEQUAL: return ATH_PY_OP_CIRCUMFLEX;
    default: return ATH_PY_OP_NONE;
    }
}

/* Assignments of every form, and expression statements. */
static ath_py_node *assignment(parser *p)
{
    const ath_py_token *t = tok(p);
    ath_py_node *first = assigned_value(p);
    const ath_py_token *after = tok(p);
    if (is_op(after, ATH_PY_OP_COLON)) {
        advance(p);
        check_target(p, first, CTX_ANN, false);
        ath_py_node *n = node(p, ATH_PY_ANN_ASSIGN, t);
        n->ann_assign.target = first;
        n->ann_assign.simple = first->kind == ATH_PY_NAME && !first->parens;
        n->ann_assign.annotation = expression(p);
        if (accept_op(p, ATH_PY_OP_EQUAL))
            n->ann_assign.value = assigned_value(p);
        return n;
    }
    if (is_op(after, ATH_PY_OP_EQUAL)) {
        size_t m = mark(p);
        ath_py_node *value = first;
        while (accept_op(p, ATH_PY_OP_EQUAL)) {
            check_target(p, value, CTX_ASSIGN, false);
            push(p, value);
            value = assigned_value(p);
        }
        ath_py_node *n = node(p, ATH_PY_ASSIGN, t);
        n->assign.targets = collect(p, m);
        n->assign.value = value;
        return n;
    }
    ath_py_op op = aug_op(after);
    if (op != ATH_PY_OP_NONE) {
        advance(p);
        check_target(p, first, CTX_AUG, false);
        ath_py_node *n = node(p, ATH_PY_AUG_ASSIGN, t);
        n->aug_assign.target = first;
        n->aug_assign.op = op;
        n->aug_assign.value = assigned_value(p);
        return n;
    }
    if (first->kind == ATH_PY_STARRED)
        fail_node(p, first, "can't use starred expression here");
    ath_py_node *n = node(p, ATH_PY_EXPR_STMT, t);
    n->value.value = first;
    return n;
}

/* A dotted module name as one string: a.b.c */
static const char *dotted_name(parser *p)
{
    const ath_py_token *first = tok(p);
    expect_name(p);
    const ath_py_token *last = first;
    while (is_op(tok(p), ATH_PY_OP_DOT)) {
        advance(p);
        last = tok(p);
        expect_name(p);
    }
    if (first == last)
        return tok_str(p, first);
    ath_buf b = ATH_BUF_INIT;
    for (const ath_py_token *t = first; t <= last; t++) {
        if (t->kind == ATH_PY_TOK_NAME)
            ath_buf_put(&b, t->text, t->len);
        else
            ath_buf_putc(&b, '.');
    }
    char *s = b.oom ? NULL : ath_arena_strdup(p->arena, ath_buf_cstr(&b));
    ath_buf_free(&b);
    if (!s)
        fail_oom(p);
    return s;
}

static ath_py_node *alias(parser *p, bool dotted)
{
    ath_py_node *n = node(p, ATH_PY_ALIAS, tok(p));
    n->alias.name = dotted ? dotted_name(p) : expect_name(p);
    if (accept_kw(p, ATH_PY_KW_AS))
        n->alias.asname = expect_name(p);
    return n;
}

static ath_py_node *import_stmt(parser *p)
{
    ath_py_node *n = node(p, ATH_PY_IMPORT, advance(p));
    size_t m = mark(p);
    do
        push(p, alias(p, true));
    while (accept_op(p, ATH_PY_OP_COMMA));
    n->import_.names = collect(p, m);
    return n;
}

static ath_py_node *from_import(parser *p)
{
    ath_py_node *n = node(p, ATH_PY_IMPORT_FROM, advance(p));
    for (;;) {
        if (accept_op(p, ATH_PY_OP_DOT))
            n->import_from.level++;
        else if (accept_op(p, ATH_PY_OP_ELLIPSIS))
            n->import_from.level += 3;
        else
            break;
    }
    if (!is_kw(tok(p), ATH_PY_KW_IMPORT) || n->import_from.level == 0)
        n->import_from.module = dotted_name(p);
    expect_kw(p, ATH_PY_KW_IMPORT);
    size_t m = mark(p);
    const ath_py_token *t = tok(p);
    if (accept_op(p, ATH_PY_OP_STAR)) {
        ath_py_node *a = node(p, ATH_PY_ALIAS, t);
        a->alias.name = "*";
        push(p, a);
    } else if (accept_op(p, ATH_PY_OP_LPAR)) {
        do {
            if (is_op(tok(p), ATH_PY_OP_RPAR) && mark(p) != m)
                break;
            push(p, alias(p, false));
        } while (accept_op(p, ATH_PY_OP_COMMA));
        expect_close(p, ATH_PY_OP_RPAR);
    } else {
        do {
            if (mark(p) != m && tok(p)->kind == ATH_PY_TOK_NEWLINE)
                fail_tok(p, &p->toks[p->pos - 1],
                         "trailing comma not allowed without surrounding parentheses");
            push(p, alias(p, false));
        } while (accept_op(p, ATH_PY_OP_COMMA));
    }
    n->import_from.names = collect(p, m);
    return n;
}

static ath_py_node *names_stmt(parser *p, ath_py_kind kind)
{
    ath_py_node *n = node(p, kind, advance(p));
    const char **names = NULL;
    size_t count = 0, cap = 0;
    do {
        const char **slot = ATH_PUSH(p->arena, names, count, cap);
        if (!slot)
            fail_oom(p);
        *slot = expect_name(p);
    } while (accept_op(p, ATH_PY_OP_COMMA));
    n->names.names = names;
    n->names.count = count;
    return n;
}

/*
 * A statement kept whole as OTHER_STMT: from the current token to the end
 * of its logical line, and the indented block after it if `with_block`.
 */
static ath_py_node *other_stmt(parser *p, const char *keyword, bool with_block)
{
    const ath_py_token *t = tok(p);
    ath_py_node *n = node(p, ATH_PY_OTHER_STMT, t);
    n->other.keyword = keyword;
    int depth = 0;
    const ath_py_token *last = t;
    for (;;) {
        const ath_py_token *u = tok(p);
        if (u->kind == ATH_PY_TOK_ENDMARKER)
            break;
        if (!with_block && u->kind == ATH_PY_TOK_NEWLINE)
            break;
        if (!with_block && depth == 0 && is_op(u, ATH_PY_OP_SEMI))
            break;
        if (u->kind == ATH_PY_TOK_OP) {
            if (u->sub == ATH_PY_OP_LPAR || u->sub == ATH_PY_OP_LSQB || u->sub == ATH_PY_OP_LBRACE)
                depth++;
            else if (u->sub == ATH_PY_OP_RPAR || u->sub == ATH_PY_OP_RSQB ||
                     u->sub == ATH_PY_OP_RBRACE)
                depth--;
        }
        if (u->kind == ATH_PY_TOK_INDENT)
            depth++;
        if (u->kind != ATH_PY_TOK_NEWLINE && u->kind != ATH_PY_TOK_DEDENT &&
            u->kind != ATH_PY_TOK_INDENT)
            last = u;
        advance(p);
        if (u->kind == ATH_PY_TOK_DEDENT && --depth == 0)
            break;
    }
    n->other.end_line = last->line;
    return n;
}

/*
 * `match subject:` opens a match statement exactly when its logical line
 * ends with a colon and an indented block follows: no simple statement can
 * end with a colon.
 */
static bool at_match_stmt(const parser *p)
{
    if (!is_soft_kw(tok(p), "match"))
        return false;
    size_t i = p->pos + 1;
    while (p->toks[i].kind != ATH_PY_TOK_NEWLINE && p->toks[i].kind != ATH_PY_TOK_ENDMARKER)
        i++;
    return i > p->pos + 2 && p->toks[i].kind == ATH_PY_TOK_NEWLINE &&
           is_op(&p->toks[i - 1], ATH_PY_OP_COLON) && i + 1 < p->ntoks &&
           p->toks[i + 1].kind == ATH_PY_TOK_INDENT;
}

/* `type X = ...` and `type X[T] = ...` (Python 3.12). */
static bool at_type_alias(const parser *p)
{
    return is_soft_kw(tok(p), "type") && is_plain_name(ahead(p, 1)) &&
           (is_op(ahead(p, 2), ATH_PY_OP_EQUAL) || is_op(ahead(p, 2), ATH_PY_OP_LSQB));
}

static ath_py_node *simple_stmt(parser *p)
{
    const ath_py_token *t = tok(p);
    ath_py_node *n;
    if (t->kind == ATH_PY_TOK_NAME) {
        switch (t->sub) {
        case ATH_PY_KW_PASS: advance(p); return node(p, ATH_PY_PASS, t);
        case ATH_PY_KW_BREAK: advance(p); return node(p, ATH_PY_BREAK, t);
        case ATH_PY_KW_CONTINUE: advance(p); return node(p, ATH_PY_CONTINUE, t);
        case ATH_PY_KW_RETURN:
            advance(p);
            n = node(p, ATH_PY_RETURN, t);
            if (starts_expression(tok(p)))
                n->value.value = star_expressions(p);
            return n;
        case ATH_PY_KW_RAISE:
            advance(p);
            n = node(p, ATH_PY_RAISE, t);
            if (starts_expression(tok(p))) {
                n->raise.exc = expression(p);
                if (accept_kw(p, ATH_PY_KW_FROM))
                    n->raise.cause = expression(p);
            }
            return n;
        case ATH_PY_KW_GLOBAL: return names_stmt(p, ATH_PY_GLOBAL);
        case ATH_PY_KW_NONLOCAL: return names_stmt(p, ATH_PY_NONLOCAL);
        case ATH_PY_KW_DEL: {
            advance(p);
            n = node(p, ATH_PY_DEL, t);
            ath_py_node *e = star_expressions(p);
            if (e->kind == ATH_PY_TUPLE && !e->parens) {
                n->del.targets = e->seq.elts;
            } else {
                ath_py_node **one = ath_arena_alloc(p->arena, sizeof(*one));
                if (!one)
                    fail_oom(p);
                one[0] = e;
                n->del.targets = (ath_py_nodes){one, 1};
            }
            for (size_t i = 0; i < n->del.targets.count; i++)
                check_target(p, n->del.targets.items[i], CTX_DEL, true);
            return n;
        }
        case ATH_PY_KW_ASSERT:
            advance(p);
            n = node(p, ATH_PY_ASSERT, t);
            n->assert_.test = expression(p);
            if (accept_op(p, ATH_PY_OP_COMMA))
                n->assert_.msg = expression(p);
            return n;
        case ATH_PY_KW_IMPORT: return import_stmt(p);
        case ATH_PY_KW_FROM: return from_import(p);
        case ATH_PY_KW_NOT_KEYWORD:
            if (at_type_alias(p))
                return other_stmt(p, "type", false);
            break;
        default: break;
        }
    }
    return assignment(p);
}

static void simple_stmts(parser *p)
{
    for (;;) {
        push(p, simple_stmt(p));
        if (!accept_op(p, ATH_PY_OP_SEMI) || tok(p)->kind == ATH_PY_TOK_NEWLINE)
            break;
    }
    if (tok(p)->kind != ATH_PY_TOK_NEWLINE)
        unexpected(p);
    advance(p);
}

/* ---- compound statements ---- */

/*
 * The body after a compound statement's colon: an indented block, or simple
 * statements on the same line. `what` and `line` name the statement in the
 * error Python gives for a missing block.
 */
static ath_py_nodes block(parser *p, const char *what, int line)
{
    size_t m = mark(p);
    expect_op(p, ATH_PY_OP_COLON);
    if (tok(p)->kind != ATH_PY_TOK_NEWLINE) {
        simple_stmts(p);
        return collect(p, m);
    }
    const ath_py_token *nl = advance(p);
    const ath_py_token *t = tok(p);
    if (t->kind != ATH_PY_TOK_INDENT) {
        /* At the end of the file, point at the end of the statement's line. */
        if (t->kind == ATH_PY_TOK_ENDMARKER)
            t = nl;
        fail_tok(p, t, "expected an indented block after %s on line %d", what, line);
    }
    advance(p);
    enter(p, t->line, t->col);
    while (tok(p)->kind != ATH_PY_TOK_DEDENT && tok(p)->kind != ATH_PY_TOK_ENDMARKER)
        statement(p);
    advance(p);
    p->depth--;
    return collect(p, m);
}

static ath_py_node *if_stmt(parser *p)
{
    const ath_py_token *t = advance(p);
    enter(p, t->line, t->col);
    ath_py_node *n = node(p, ATH_PY_IF, t);
    n->if_.test = named_expression(p);
    n->if_.body = block(p, t->sub == ATH_PY_KW_ELIF ? "'elif' statement" : "'if' statement",
                        t->line);
    if (is_kw(tok(p), ATH_PY_KW_ELIF)) {
        size_t m = mark(p);
        push(p, if_stmt(p));
        n->if_.orelse = collect(p, m);
    } else if (is_kw(tok(p), ATH_PY_KW_ELSE)) {
        const ath_py_token *e = advance(p);
        n->if_.orelse = block(p, "'else' statement", e->line);
    }
    p->depth--;
    return n;
}

static ath_py_nodes else_block(parser *p)
{
    if (!is_kw(tok(p), ATH_PY_KW_ELSE))
        return (ath_py_nodes){NULL, 0};
    const ath_py_token *e = advance(p);
    return block(p, "'else' statement", e->line);
}

static ath_py_node *while_stmt(parser *p)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_WHILE, t);
    n->while_.test = named_expression(p);
    n->while_.body = block(p, "'while' statement", t->line);
    n->while_.orelse = else_block(p);
    return n;
}

static ath_py_node *for_stmt(parser *p, const ath_py_token *start, bool is_async)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_FOR, start);
    n->for_.is_async = is_async;
    n->for_.target = star_targets(p, CTX_FOR);
    expect_kw(p, ATH_PY_KW_IN);
    n->for_.iter = star_expressions(p);
    n->for_.body = block(p, "'for' statement", t->line);
    n->for_.orelse = else_block(p);
    return n;
}

static ath_py_node *with_item(parser *p)
{
    ath_py_node *n = node(p, ATH_PY_WITH_ITEM, tok(p));
    n->with_item.context = expression(p);
    if (accept_kw(p, ATH_PY_KW_AS)) {
        n->with_item.target = star_target(p);
        check_target(p, n->with_item.target, CTX_WITH, false);
    }
    return n;
}

/* Whether `with (` opens parenthesized items: `)` is followed by `:`. */
static bool with_parenthesized(const parser *p)
{
    if (!is_op(tok(p), ATH_PY_OP_LPAR))
        return false;
    int depth = 0;
    for (size_t i = p->pos; i < p->ntoks; i++) {
        const ath_py_token *u = &p->toks[i];
        if (u->kind != ATH_PY_TOK_OP)
            continue;
        if (u->sub == ATH_PY_OP_LPAR || u->sub == ATH_PY_OP_LSQB || u->sub == ATH_PY_OP_LBRACE)
            depth++;
        else if ((u->sub == ATH_PY_OP_RPAR || u->sub == ATH_PY_OP_RSQB ||
                  u->sub == ATH_PY_OP_RBRACE) &&
                 --depth == 0)
            return i + 1 < p->ntoks && is_op(&p->toks[i + 1], ATH_PY_OP_COLON);
    }
    return false;
}

static ath_py_node *with_stmt(parser *p, const ath_py_token *start, bool is_async)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_WITH, start);
    n->with.is_async = is_async;
    size_t m = mark(p);
    if (with_parenthesized(p)) {
        advance(p);
        do {
            if (is_op(tok(p), ATH_PY_OP_RPAR) && mark(p) != m)
                break;
            push(p, with_item(p));
        } while (accept_op(p, ATH_PY_OP_COMMA));
        expect_close(p, ATH_PY_OP_RPAR);
    } else {
        do
            push(p, with_item(p));
        while (accept_op(p, ATH_PY_OP_COMMA));
    }
    n->with.items = collect(p, m);
    n->with.body = block(p, "'with' statement", t->line);
    return n;
}

static ath_py_node *try_stmt(parser *p)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_TRY, t);
    n->try_.body = block(p, "'try' statement", t->line);
    size_t m = mark(p);
    int kinds = 0; /* 1: except, 2: except* */
    const ath_py_node *bare = NULL;
    while (is_kw(tok(p), ATH_PY_KW_EXCEPT)) {
        const ath_py_token *e = advance(p);
        ath_py_node *h = node(p, ATH_PY_EXCEPT, e);
        h->except.is_star = accept_op(p, ATH_PY_OP_STAR);
        kinds |= h->except.is_star ? 2 : 1;
        if (kinds == 3)
            fail_tok(p, e, "cannot have both 'except' and 'except*' on the same 'try'");
        if (bare)
            fail_node(p, bare, "default 'except:' must be last");
        if (!is_op(tok(p), ATH_PY_OP_COLON) || h->except.is_star) {
            h->except.type = expression(p);
            if (is_op(tok(p), ATH_PY_OP_COMMA))
                fail_node(p, h->except.type, "multiple exception types must be parenthesized");
            if (accept_kw(p, ATH_PY_KW_AS))
                h->except.name = expect_name(p);
        } else {
            bare = h;
        }
        h->except.body = block(p, h->except.is_star ? "'except*' statement"
                                                    : "'except' statement",
                               e->line);
        push(p, h);
    }
    n->try_.handlers = collect(p, m);
    if (n->try_.handlers.count)
        n->try_.orelse = else_block(p);
    if (is_kw(tok(p), ATH_PY_KW_FINALLY)) {
        const ath_py_token *f = advance(p);
        n->try_.finalbody = block(p, "'finally' statement", f->line);
    }
    if (!n->try_.handlers.count && !n->try_.finalbody.count)
        fail_tok(p, tok(p), "expected 'except' or 'finally' block");
    return n;
}

static ath_py_node *func_def(parser *p, const ath_py_token *start, bool is_async)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_FUNC_DEF, start);
    n->func_def.is_async = is_async;
    n->func_def.name = expect_name(p);
    expect_op(p, ATH_PY_OP_LPAR);
    n->func_def.params = parameters(p, ATH_PY_OP_RPAR, true);
    if (accept_op(p, ATH_PY_OP_ARROW))
        n->func_def.returns = expression(p);
    n->func_def.body = block(p, "function definition", t->line);
    return n;
}

static ath_py_node *class_def(parser *p)
{
    const ath_py_token *t = advance(p);
    ath_py_node *n = node(p, ATH_PY_CLASS_DEF, t);
    n->class_def.name = expect_name(p);
    const ath_py_token *open = tok(p);
    if (accept_op(p, ATH_PY_OP_LPAR))
        arguments(p, open, false, &n->class_def.bases, &n->class_def.keywords);
    n->class_def.body = block(p, "class definition", t->line);
    return n;
}

/* After `async`: def, with or for. */
static ath_py_node *async_stmt(parser *p)
{
    const ath_py_token *t = advance(p);
    if (is_kw(tok(p), ATH_PY_KW_DEF))
        return func_def(p, t, true);
    if (is_kw(tok(p), ATH_PY_KW_WITH))
        return with_stmt(p, t, true);
    if (is_kw(tok(p), ATH_PY_KW_FOR))
        return for_stmt(p, t, true);
    unexpected(p);
}

static ath_py_node *decorated(parser *p)
{
    size_t m = mark(p);
    while (accept_op(p, ATH_PY_OP_AT)) {
        push(p, named_expression(p));
        if (tok(p)->kind != ATH_PY_TOK_NEWLINE)
            unexpected(p);
        advance(p);
    }
    ath_py_nodes decorators = collect(p, m);
    ath_py_node *n;
    const ath_py_token *t = tok(p);
    if (is_kw(t, ATH_PY_KW_CLASS)) {
        n = class_def(p);
        n->class_def.decorators = decorators;
    } else if (is_kw(t, ATH_PY_KW_DEF)) {
        n = func_def(p, t, false);
        n->func_def.decorators = decorators;
    } else if (is_kw(t, ATH_PY_KW_ASYNC) && is_kw(ahead(p, 1), ATH_PY_KW_DEF)) {
        advance(p);
        n = func_def(p, t, true);
        n->func_def.decorators = decorators;
    } else {
        fail_tok(p, t, "expected 'def' or 'class' after a decorator");
    }
    return n;
}

/* One statement, or the simple statements of one line, pushed on the scratch stack. */
static void statement(parser *p)
{
    const ath_py_token *t = tok(p);
    if (t->kind == ATH_PY_TOK_INDENT)
        fail_tok(p, t, "unexpected indent");
    if (is_op(t, ATH_PY_OP_AT)) {
        push(p, decorated(p));
        return;
    }
    if (t->kind == ATH_PY_TOK_NAME) {
        switch (t->sub) {
        case ATH_PY_KW_IF: push(p, if_stmt(p)); return;
        case ATH_PY_KW_WHILE: push(p, while_stmt(p)); return;
        case ATH_PY_KW_FOR: push(p, for_stmt(p, t, false)); return;
        case ATH_PY_KW_TRY: push(p, try_stmt(p)); return;
        case ATH_PY_KW_WITH: push(p, with_stmt(p, t, false)); return;
        case ATH_PY_KW_DEF: push(p, func_def(p, t, false)); return;
        case ATH_PY_KW_CLASS: push(p, class_def(p)); return;
        case ATH_PY_KW_ASYNC: push(p, async_stmt(p)); return;
        case ATH_PY_KW_ELIF:
        case ATH_PY_KW_ELSE:
        case ATH_PY_KW_EXCEPT:
        case ATH_PY_KW_FINALLY: unexpected(p);
        case ATH_PY_KW_NOT_KEYWORD:
            if (at_match_stmt(p)) {
                push(p, other_stmt(p, "match", true));
                return;
            }
            break;
        default: break;
        }
    }
    simple_stmts(p);
}

int ath_py_parse(ath_py_node **out, ath_arena *arena, const char *path, const char *src,
                 size_t len, ath_diags *diags)
{
    *out = NULL;
    /* Tokens live only as long as the parse: the tree copies what it keeps,
     * so a file's tokens are gone before the next file is read. */
    ath_arena *tokens = ath_arena_new();
    if (!tokens)
        return ath_error_oom();
    ath_py_tokens toks;
    int rc = ath_py_tokenize(&toks, tokens, path, src, len, diags);
    if (rc < 0) {
        ath_arena_free(tokens);
        return rc;
    }
    parser *p = ath_arena_alloc(tokens, sizeof(*p));
    if (!p) {
        ath_arena_free(tokens);
        return ath_error_oom();
    }
    p->arena = arena;
    p->diags = diags;
    p->toks = toks.items;
    p->ntoks = toks.count;
    if (path && !(p->path = ath_arena_strdup(arena, path))) {
        ath_arena_free(tokens);
        return ath_error_oom();
    }
    if (setjmp(p->fail)) {
        free(p->scratch);
        rc = p->err;
        ath_arena_free(tokens);
        return rc;
    }
    ath_py_node *module = node_at(p, ATH_PY_MODULE, 1, 1);
    while (tok(p)->kind != ATH_PY_TOK_ENDMARKER)
        statement(p);
    module->module.body = collect(p, 0);
    free(p->scratch);
    ath_arena_free(tokens);
    *out = module;
    return 0;
}
