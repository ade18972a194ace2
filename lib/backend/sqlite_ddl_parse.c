/*
 * A tokenizer and a recursive-descent reader for the CREATE TABLE and CREATE
 * INDEX statements SQLite stores in sqlite_master. It follows SQLite's
 * grammar for everything around expressions and skips expressions by
 * balancing parentheses, so it never needs to understand them. Input may be
 * anything (it is a fuzz target): every read is bounded by the text's length.
 */
#include "backend/sqlite_ddl_parse.h"

#include <stdio.h>
#include <string.h>

typedef enum {
    T_EOF,
    T_WORD,   /* a bare identifier or keyword */
    T_QUOTED, /* "x", [x] or `x` */
    T_STRING, /* 'x' */
    T_NUMBER,
    T_BLOB,  /* x'00ff' */
    T_PUNCT, /* one byte of anything else */
    T_BAD    /* an unterminated quote: the rest of the input */
} token_kind;

typedef struct token {
    token_kind kind;
    size_t start, len;
} token;

typedef struct parser {
    ath_arena *arena;
    const char *what; /* "CREATE TABLE" or "CREATE INDEX", for messages */
    const char *src;
    size_t len;
    size_t pos;      /* where scanning resumes after `tok` */
    token tok;       /* the current token */
    size_t prev_end; /* end of the token before `tok` */
} parser;

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)

/* ---- tokens ---- */

static bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static bool is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

static unsigned char at(const parser *p, size_t i)
{
    return i < p->len ? (unsigned char)p->src[i] : 0;
}

/* Skips blanks and comments; an unterminated block comment runs to the end, as in SQLite. */
static void skip_space(parser *p)
{
    for (;;) {
        unsigned char c = at(p, p->pos);
        if (is_space(c)) {
            p->pos++;
        } else if (c == '-' && at(p, p->pos + 1) == '-') {
            while (p->pos < p->len && p->src[p->pos] != '\n')
                p->pos++;
        } else if (c == '/' && at(p, p->pos + 1) == '*') {
            p->pos += 2;
            while (p->pos < p->len && !(p->src[p->pos] == '*' && at(p, p->pos + 1) == '/'))
                p->pos++;
            p->pos = p->pos < p->len ? p->pos + 2 : p->len;
        } else {
            return;
        }
    }
}

/* The length of a quoted token starting at `start`, or 0 when it never closes. */
static size_t quoted_len(const parser *p, size_t start, char close)
{
    size_t i = start + 1;
    while (i < p->len) {
        if (p->src[i] == close) {
            /* A doubled quote stands for itself; brackets have no escape. */
            if (close != ']' && at(p, i + 1) == (unsigned char)close) {
                i += 2;
                continue;
            }
            return i + 1 - start;
        }
        i++;
    }
    return 0;
}

static void next(parser *p)
{
    p->prev_end = p->tok.start + p->tok.len;
    skip_space(p);
    token t = {T_EOF, p->pos, 0};
    unsigned char c = at(p, p->pos);
    size_t i = p->pos;
    if (i >= p->len) {
        t.kind = T_EOF;
    } else if (c == '"' || c == '`' || c == '[' || c == '\'') {
        size_t n = quoted_len(p, i, c == '[' ? ']' : (char)c);
        t.kind = n == 0 ? T_BAD : c == '\'' ? T_STRING : T_QUOTED;
        t.len = n == 0 ? p->len - i : n;
    } else if ((c == 'x' || c == 'X') && at(p, i + 1) == '\'') {
        size_t n = quoted_len(p, i + 1, '\'');
        t.kind = n == 0 ? T_BAD : T_BLOB;
        t.len = n == 0 ? p->len - i : n + 1;
    } else if (is_ident_start(c)) {
        size_t j = i + 1;
        while (j < p->len && is_ident_char((unsigned char)p->src[j]))
            j++;
        t.kind = T_WORD;
        t.len = j - i;
    } else if (is_digit(c) || (c == '.' && is_digit(at(p, i + 1)))) {
        size_t j = i + 1;
        for (;;) {
            unsigned char d = at(p, j);
            unsigned char prev = (unsigned char)p->src[j - 1];
            if (is_ident_char(d) || d == '.')
                j++;
            else if ((d == '+' || d == '-') && (prev == 'e' || prev == 'E') &&
                     is_digit(at(p, j + 1)))
                j++;
            else
                break;
        }
        t.kind = T_NUMBER;
        t.len = j - i;
    } else {
        t.kind = T_PUNCT;
        t.len = 1;
    }
    p->tok = t;
    p->pos = t.start + t.len;
}

/* ---- errors ---- */

static int fail(const parser *p, const char *expected)
{
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < p->tok.start && i < p->len; i++) {
        if (p->src[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    int col = (int)(p->tok.start - line_start) + 1;
    if (p->tok.kind == T_EOF)
        return ath_error(ATH_EPARSE, "%s: %s at line %d, column %d, at the end of the text",
                         p->what, expected, line, col);
    if (p->tok.kind == T_BAD)
        return ath_error(ATH_EPARSE, "%s: unterminated quoted text at line %d, column %d", p->what,
                         line, col);
    /* Show at most a short, printable excerpt of the offending token. */
    size_t n = 0;
    while (n < p->tok.len && n < 24 && (unsigned char)p->src[p->tok.start + n] >= 0x20)
        n++;
    return ath_error(ATH_EPARSE, "%s: %s at line %d, column %d, near \"%.*s\"", p->what, expected,
                     line, col, (int)n, p->src + p->tok.start);
}

/* ---- small matchers ---- */

static bool word_is(const parser *p, token t, const char *word)
{
    size_t n = strlen(word);
    if (t.kind != T_WORD || t.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p->src[t.start + i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        if (c != (unsigned char)word[i])
            return false;
    }
    return true;
}

static bool kw(const parser *p, const char *word) { return word_is(p, p->tok, word); }

static bool accept_kw(parser *p, const char *word)
{
    if (!kw(p, word))
        return false;
    next(p);
    return true;
}

/* True when the token after the current one is the keyword `word`. */
static bool next_is_kw(parser *p, const char *word)
{
    parser saved = *p;
    next(p);
    bool yes = kw(p, word);
    *p = saved;
    return yes;
}

static int expect_kw(parser *p, const char *word)
{
    if (accept_kw(p, word))
        return 0;
    char msg[48];
    snprintf(msg, sizeof(msg), "expected %s", word);
    return fail(p, msg);
}

static bool punct(const parser *p, char c)
{
    return p->tok.kind == T_PUNCT && p->src[p->tok.start] == c;
}

static bool accept_punct(parser *p, char c)
{
    if (!punct(p, c))
        return false;
    next(p);
    return true;
}

static bool name_kind(token_kind k) { return k == T_WORD || k == T_QUOTED || k == T_STRING; }

static int oom(void) { return ath_error_oom(); }

/* A token's text without its quotes, doubled quotes made single, in the arena. */
static char *dequote(const parser *p, token t)
{
    const char *s = p->src + t.start;
    if (t.kind != T_QUOTED && t.kind != T_STRING)
        return ath_arena_strndup(p->arena, s, t.len);
    if (s[0] == '[')
        return ath_arena_strndup(p->arena, s + 1, t.len - 2);
    char *out = ath_arena_alloc(p->arena, t.len);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 1; i + 1 < t.len; i++) {
        out[n++] = s[i];
        if (s[i] == s[0])
            i++;
    }
    out[n] = '\0';
    return out;
}

/* Source text between two offsets, blanks at both ends dropped, in the arena. */
static char *span(const parser *p, size_t start, size_t end)
{
    while (start < end && is_space((unsigned char)p->src[start]))
        start++;
    while (end > start && is_space((unsigned char)p->src[end - 1]))
        end--;
    return ath_arena_strndup(p->arena, p->src + start, end - start);
}

static int take_name(parser *p, const char **out, const char *what)
{
    if (!name_kind(p->tok.kind)) {
        char msg[64];
        snprintf(msg, sizeof(msg), "expected %s", what);
        return fail(p, msg);
    }
    if (!(*out = dequote(p, p->tok)))
        return oom();
    next(p);
    return 0;
}

/* [schema .] name */
static int qualified_name(parser *p, const char **schema_name, const char **name, const char *what)
{
    const char *first;
    TRY(take_name(p, &first, what));
    if (accept_punct(p, '.')) {
        *schema_name = first;
        return take_name(p, name, what);
    }
    *name = first;
    return 0;
}

static int if_not_exists(parser *p)
{
    if (!accept_kw(p, "IF"))
        return 0;
    TRY(expect_kw(p, "NOT"));
    return expect_kw(p, "EXISTS");
}

/*
 * At '(' : moves past the matching ')' and gives the offsets of the text
 * between them, from the first token to the end of the last one (comments
 * at either end are left out: a trailing "-- note" would swallow the ')' of
 * any statement the text is put back into). Parentheses inside strings,
 * quotes and comments do not count.
 */
static int skip_parens(parser *p, size_t *inner_start, size_t *inner_end)
{
    if (!punct(p, '('))
        return fail(p, "expected '('");
    size_t depth = 1;
    next(p);
    *inner_start = *inner_end = p->tok.start;
    for (;;) {
        if (p->tok.kind == T_EOF)
            return fail(p, "expected ')'");
        if (p->tok.kind == T_BAD)
            return fail(p, "");
        if (punct(p, '(')) {
            depth++;
        } else if (punct(p, ')') && --depth == 0) {
            next(p);
            return 0;
        }
        *inner_end = p->tok.start + p->tok.len;
        next(p);
    }
}

/* A parenthesised expression: the text inside, which must not be empty. */
static int paren_expr(parser *p, const char **out)
{
    size_t s, e;
    TRY(skip_parens(p, &s, &e));
    char *text = span(p, s, e);
    if (!text)
        return oom();
    if (!*text)
        return fail(p, "expected an expression inside the parentheses before this");
    *out = text;
    return 0;
}

/* [ON CONFLICT ROLLBACK|ABORT|FAIL|IGNORE|REPLACE] */
static int on_conflict(parser *p)
{
    if (!accept_kw(p, "ON"))
        return 0;
    TRY(expect_kw(p, "CONFLICT"));
    static const char *const actions[] = {"ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE"};
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (accept_kw(p, actions[i]))
            return 0;
    return fail(p, "expected ROLLBACK, ABORT, FAIL, IGNORE or REPLACE");
}

/* ---- indexed columns: "name", "expr COLLATE x DESC" ---- */

#define RING 8

/*
 * One element of a parenthesised list, up to the ',' or ')' that ends it at
 * the outer level. The last few top-level tokens are kept to peel off the
 * trailing AUTOINCREMENT, ASC/DESC and COLLATE name.
 */
static int index_elem(parser *p, ath_sqlite_index_elem *e, bool *autoincrement)
{
    token ring[RING];
    size_t n = 0;
    size_t depth = 0;
    token first = p->tok;
    for (;;) {
        if (p->tok.kind == T_EOF)
            return fail(p, "expected ')'");
        if (p->tok.kind == T_BAD)
            return fail(p, "");
        if (depth == 0 && (punct(p, ',') || punct(p, ')')))
            break;
        if (punct(p, '('))
            depth++;
        else if (punct(p, ')'))
            depth--;
        if (depth == 0 || (depth == 1 && punct(p, '('))) {
            ring[n % RING] = p->tok;
            n++;
        }
        next(p);
    }
    if (n == 0)
        return fail(p, "expected a column name or an expression");
#define LAST(k) ring[(n - 1 - (k)) % RING]
    if (autoincrement && n >= 2 && word_is(p, LAST(0), "AUTOINCREMENT")) {
        *autoincrement = true;
        n--;
    }
    size_t text_end = LAST(0).start + LAST(0).len;
    if (n >= 2 && (word_is(p, LAST(0), "ASC") || word_is(p, LAST(0), "DESC"))) {
        e->desc = word_is(p, LAST(0), "DESC");
        n--;
    }
    if (n >= 3 && word_is(p, LAST(1), "COLLATE") && name_kind(LAST(0).kind)) {
        if (!(e->collation = dequote(p, LAST(0))))
            return oom();
        n -= 2;
    }
    size_t expr_end = LAST(0).start + LAST(0).len;
#undef LAST
    e->text = span(p, first.start, text_end);
    e->expr = span(p, first.start, expr_end);
    if (!e->text || !e->expr)
        return oom();
    if (n == 1 && name_kind(first.kind) && !(e->column = dequote(p, first)))
        return oom();
    return 0;
}

/* ( elem, elem ... ) */
static int index_elems(parser *p, ath_sqlite_index_elem **elems, size_t *n, size_t *cap,
                       bool *autoincrement)
{
    if (!accept_punct(p, '('))
        return fail(p, "expected '('");
    for (;;) {
        ath_sqlite_index_elem *e = ATH_PUSH(p->arena, *elems, *n, *cap);
        if (!e)
            return oom();
        TRY(index_elem(p, e, autoincrement));
        if (accept_punct(p, ')'))
            return 0;
        if (!accept_punct(p, ','))
            return fail(p, "expected ',' or ')'");
    }
}

/* ( name, name ... ): the column names of a constraint. */
static int column_list(parser *p, const char ***names, size_t *count, bool *autoincrement)
{
    ath_sqlite_index_elem *elems = NULL;
    size_t n = 0, cap = 0;
    TRY(index_elems(p, &elems, &n, &cap, autoincrement));
    const char **out = ath_arena_alloc(p->arena, n * sizeof(*out));
    if (!out)
        return oom();
    /* SQLite refuses expressions here when it runs the statement; keep their
     * text rather than fail on what it would have stored. */
    for (size_t i = 0; i < n; i++)
        out[i] = elems[i].column ? elems[i].column : elems[i].expr;
    *names = out;
    *count = n;
    return 0;
}

/* ---- CREATE TABLE ---- */

static ath_sqlite_cons *add_cons(parser *p, ath_sqlite_table_def *def, ath_sqlite_cons_kind kind,
                                 const char *name)
{
    ath_sqlite_cons *c =
        ATH_PUSH(p->arena, def->constraints, def->nconstraints, def->constraints_cap);
    if (c) {
        c->kind = kind;
        c->name = name;
    }
    return c;
}

static int ref_action(parser *p, const char **out)
{
    if (accept_kw(p, "SET")) {
        if (accept_kw(p, "NULL"))
            *out = "SET NULL";
        else if (accept_kw(p, "DEFAULT"))
            *out = "SET DEFAULT";
        else
            return fail(p, "expected NULL or DEFAULT");
    } else if (accept_kw(p, "CASCADE")) {
        *out = "CASCADE";
    } else if (accept_kw(p, "RESTRICT")) {
        *out = "RESTRICT";
    } else if (accept_kw(p, "NO")) {
        TRY(expect_kw(p, "ACTION"));
        *out = "NO ACTION";
    } else {
        return fail(p, "expected SET NULL, SET DEFAULT, CASCADE, RESTRICT or NO ACTION");
    }
    return 0;
}

/* After REFERENCES: table [(columns)] {ON DELETE|UPDATE|INSERT action | MATCH name} */
static int references(parser *p, ath_sqlite_cons *c)
{
    TRY(take_name(p, &c->ref_table, "the referenced table"));
    if (punct(p, '('))
        TRY(column_list(p, &c->ref_columns, &c->nref_columns, NULL));
    for (;;) {
        if (accept_kw(p, "MATCH")) {
            const char *ignored;
            TRY(take_name(p, &ignored, "a MATCH name"));
        } else if (accept_kw(p, "ON")) {
            const char *action;
            if (accept_kw(p, "DELETE")) {
                TRY(ref_action(p, &c->on_delete));
            } else if (accept_kw(p, "UPDATE")) {
                TRY(ref_action(p, &c->on_update));
            } else if (accept_kw(p, "INSERT")) {
                TRY(ref_action(p, &action));
            } else {
                return fail(p, "expected DELETE or UPDATE");
            }
        } else {
            return 0;
        }
    }
}

/* After [NOT] DEFERRABLE: [INITIALLY DEFERRED|IMMEDIATE] */
static int deferrable(parser *p, ath_sqlite_cons *fk, bool yes)
{
    const char *initially = NULL;
    if (accept_kw(p, "INITIALLY")) {
        if (accept_kw(p, "DEFERRED"))
            initially = "DEFERRED";
        else if (accept_kw(p, "IMMEDIATE"))
            initially = "IMMEDIATE";
        else
            return fail(p, "expected DEFERRED or IMMEDIATE");
    }
    /* SQLite applies a clause without a foreign key before it to nothing. */
    if (fk) {
        fk->deferrable = yes;
        fk->initially = initially;
    }
    return 0;
}

static const char **one_name(parser *p, const char *name)
{
    const char **list = ath_arena_alloc(p->arena, sizeof(*list));
    if (list)
        list[0] = name;
    return list;
}

/*
 * Words that end a column's type and begin its constraints. GENERATED is one
 * only before ALWAYS: SQLite reads "a GENERATED INT" as the type GENERATED INT.
 */
static bool column_constraint_start(parser *p)
{
    static const char *const words[] = {"CONSTRAINT", "PRIMARY", "NOT",       "NULL",
                                        "UNIQUE",     "CHECK",   "DEFAULT",   "COLLATE",
                                        "REFERENCES", "AS",      "DEFERRABLE"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (kw(p, words[i]))
            return true;
    return kw(p, "GENERATED") && next_is_kw(p, "ALWAYS");
}

static bool table_constraint_start(const parser *p)
{
    return kw(p, "CONSTRAINT") || kw(p, "PRIMARY") || kw(p, "UNIQUE") || kw(p, "CHECK") ||
           kw(p, "FOREIGN");
}

/* DEFAULT ( expr ) | DEFAULT [+|-] literal | DEFAULT name */
static int column_default(parser *p, ath_sqlite_coldef *col)
{
    size_t start = p->tok.start;
    if (punct(p, '(')) {
        size_t s, e;
        TRY(skip_parens(p, &s, &e));
    } else {
        if (punct(p, '+') || punct(p, '-'))
            next(p);
        token_kind k = p->tok.kind;
        if (k != T_NUMBER && k != T_STRING && k != T_BLOB && k != T_WORD && k != T_QUOTED)
            return fail(p, "expected a default value");
        next(p);
    }
    if (!(col->default_sql = span(p, start, p->prev_end)))
        return oom();
    return 0;
}

static int generated_column(parser *p, ath_sqlite_coldef *col)
{
    const char *expr;
    TRY(paren_expr(p, &expr));
    col->generated = true;
    if (!accept_kw(p, "STORED"))
        accept_kw(p, "VIRTUAL");
    return 0;
}

static int column_def(parser *p, ath_sqlite_table_def *def)
{
    ath_sqlite_coldef *col = ATH_PUSH(p->arena, def->columns, def->ncolumns, def->columns_cap);
    if (!col)
        return oom();
    TRY(take_name(p, &col->name, "a column name"));

    /* The type: any words up to the first constraint, then ( n [, m] ). */
    size_t type_start = p->tok.start, type_end = type_start;
    bool typed = false;
    while (name_kind(p->tok.kind) && !column_constraint_start(p)) {
        next(p);
        typed = true;
    }
    if (typed && punct(p, '(')) {
        size_t s, e;
        TRY(skip_parens(p, &s, &e));
    }
    if (typed)
        type_end = p->prev_end;
    if (!(col->type = span(p, type_start, type_end)))
        return oom();

    const char **self = one_name(p, col->name);
    if (!self)
        return oom();
    const char *pending = NULL;  /* CONSTRAINT name, for the constraint right after it */
    size_t last_fk = (size_t)-1; /* index of this column's latest REFERENCES */
    while (!punct(p, ',') && !punct(p, ')') && p->tok.kind != T_EOF) {
        if (accept_kw(p, "CONSTRAINT")) {
            TRY(take_name(p, &pending, "a constraint name"));
            continue;
        }
        const char *name = pending;
        pending = NULL;
        ath_sqlite_cons *c = NULL;
        if (accept_kw(p, "PRIMARY")) {
            TRY(expect_kw(p, "KEY"));
            if (!(c = add_cons(p, def, ATH_SQLITE_CONS_PRIMARY_KEY, name)))
                return oom();
            if (accept_kw(p, "DESC"))
                c->desc = true;
            else
                accept_kw(p, "ASC");
            TRY(on_conflict(p));
            c->autoincrement = accept_kw(p, "AUTOINCREMENT");
        } else if (accept_kw(p, "NOT")) {
            if (accept_kw(p, "NULL")) {
                col->not_null = true;
                TRY(on_conflict(p));
            } else if (accept_kw(p, "DEFERRABLE")) {
                TRY(deferrable(p, last_fk < def->nconstraints ? &def->constraints[last_fk] : NULL,
                               false));
            } else {
                return fail(p, "expected NULL or DEFERRABLE");
            }
        } else if (accept_kw(p, "NULL")) {
            TRY(on_conflict(p));
        } else if (accept_kw(p, "UNIQUE")) {
            if (!(c = add_cons(p, def, ATH_SQLITE_CONS_UNIQUE, name)))
                return oom();
            TRY(on_conflict(p));
        } else if (accept_kw(p, "CHECK")) {
            if (!(c = add_cons(p, def, ATH_SQLITE_CONS_CHECK, name)))
                return oom();
            TRY(paren_expr(p, &c->check));
        } else if (accept_kw(p, "DEFAULT")) {
            TRY(column_default(p, col));
        } else if (accept_kw(p, "COLLATE")) {
            TRY(take_name(p, &col->collation, "a collation name"));
        } else if (accept_kw(p, "REFERENCES")) {
            if (!(c = add_cons(p, def, ATH_SQLITE_CONS_FOREIGN_KEY, name)))
                return oom();
            last_fk = def->nconstraints - 1;
            TRY(references(p, c));
        } else if (accept_kw(p, "DEFERRABLE")) {
            TRY(deferrable(p, last_fk < def->nconstraints ? &def->constraints[last_fk] : NULL,
                           true));
        } else if (accept_kw(p, "GENERATED")) {
            TRY(expect_kw(p, "ALWAYS"));
            TRY(expect_kw(p, "AS"));
            TRY(generated_column(p, col));
        } else if (accept_kw(p, "AS")) {
            TRY(generated_column(p, col));
        } else {
            return fail(p, "expected a column constraint, ',' or ')'");
        }
        if (c) {
            c->column_level = true;
            c->columns = self;
            c->ncolumns = 1;
        }
    }
    return 0;
}

static int table_constraint(parser *p, ath_sqlite_table_def *def)
{
    const char *name = NULL;
    if (accept_kw(p, "CONSTRAINT")) {
        TRY(take_name(p, &name, "a constraint name"));
        /* SQLite lets a name stand alone ("CONSTRAINT a CONSTRAINT b UNIQUE ..."):
         * it then names nothing. */
        if (punct(p, ',') || punct(p, ')') || kw(p, "CONSTRAINT"))
            return 0;
    }
    ath_sqlite_cons *c;
    if (accept_kw(p, "PRIMARY")) {
        TRY(expect_kw(p, "KEY"));
        if (!(c = add_cons(p, def, ATH_SQLITE_CONS_PRIMARY_KEY, name)))
            return oom();
        TRY(column_list(p, &c->columns, &c->ncolumns, &c->autoincrement));
        return on_conflict(p);
    }
    if (accept_kw(p, "UNIQUE")) {
        if (!(c = add_cons(p, def, ATH_SQLITE_CONS_UNIQUE, name)))
            return oom();
        TRY(column_list(p, &c->columns, &c->ncolumns, NULL));
        return on_conflict(p);
    }
    if (accept_kw(p, "CHECK")) {
        if (!(c = add_cons(p, def, ATH_SQLITE_CONS_CHECK, name)))
            return oom();
        TRY(paren_expr(p, &c->check));
        return on_conflict(p);
    }
    if (accept_kw(p, "FOREIGN")) {
        TRY(expect_kw(p, "KEY"));
        if (!(c = add_cons(p, def, ATH_SQLITE_CONS_FOREIGN_KEY, name)))
            return oom();
        size_t index = def->nconstraints - 1;
        TRY(column_list(p, &c->columns, &c->ncolumns, NULL));
        TRY(expect_kw(p, "REFERENCES"));
        TRY(references(p, &def->constraints[index]));
        if (accept_kw(p, "NOT")) {
            TRY(expect_kw(p, "DEFERRABLE"));
            return deferrable(p, &def->constraints[index], false);
        }
        if (accept_kw(p, "DEFERRABLE"))
            return deferrable(p, &def->constraints[index], true);
        return 0;
    }
    return fail(p, "expected PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY");
}

/* ( columns [, constraints] ) */
static int table_body(parser *p, ath_sqlite_table_def *def)
{
    if (!accept_punct(p, '('))
        return fail(p, "expected '(' or AS after the table name");
    if (table_constraint_start(p))
        return fail(p, "expected a column definition");
    for (;;) {
        TRY(column_def(p, def));
        if (accept_punct(p, ')'))
            return 0;
        if (!accept_punct(p, ','))
            return fail(p, "expected ',' or ')' after a column definition");
        if (table_constraint_start(p))
            break;
    }
    /* SQLite allows table constraints without commas between them. */
    for (;;) {
        TRY(table_constraint(p, def));
        if (accept_punct(p, ')'))
            return 0;
        accept_punct(p, ',');
        if (!table_constraint_start(p))
            return fail(p, "expected a table constraint");
    }
}

/* WITHOUT ROWID, STRICT, separated by commas. */
static int table_options(parser *p, ath_sqlite_table_def *def)
{
    if (!kw(p, "WITHOUT") && !kw(p, "STRICT"))
        return 0;
    for (;;) {
        if (accept_kw(p, "WITHOUT")) {
            TRY(expect_kw(p, "ROWID"));
            def->without_rowid = true;
        } else if (accept_kw(p, "STRICT")) {
            def->strict = true;
        } else {
            return fail(p, "expected WITHOUT ROWID or STRICT");
        }
        if (!accept_punct(p, ','))
            return 0;
    }
}

static int end_of_statement(parser *p)
{
    accept_punct(p, ';');
    if (p->tok.kind != T_EOF)
        return fail(p, "expected the end of the statement");
    return 0;
}

static void begin_parse(parser *p, ath_arena *arena, const char *what, const char *sql)
{
    memset(p, 0, sizeof(*p));
    p->arena = arena;
    p->what = what;
    p->src = sql;
    p->len = strlen(sql);
    next(p);
}

static int parse_table(parser *p, ath_sqlite_table_def *def)
{
    TRY(expect_kw(p, "CREATE"));
    if (!accept_kw(p, "TEMP"))
        accept_kw(p, "TEMPORARY");
    if (accept_kw(p, "VIRTUAL")) {
        /* The module's arguments are its own business. */
        def->is_virtual = true;
        TRY(expect_kw(p, "TABLE"));
        TRY(if_not_exists(p));
        return qualified_name(p, &def->schema_name, &def->name, "a table name");
    }
    TRY(expect_kw(p, "TABLE"));
    TRY(if_not_exists(p));
    TRY(qualified_name(p, &def->schema_name, &def->name, "a table name"));
    if (accept_kw(p, "AS")) {
        def->as_select = true;
        return 0;
    }
    TRY(table_body(p, def));
    TRY(table_options(p, def));
    return end_of_statement(p);
}

int ath_sqlite_parse_create_table(ath_sqlite_table_def **out, ath_arena *arena, const char *sql)
{
    *out = NULL;
    ath_sqlite_table_def *def = ath_arena_alloc(arena, sizeof(*def));
    if (!def)
        return oom();
    parser p;
    begin_parse(&p, arena, "CREATE TABLE", sql);
    TRY(parse_table(&p, def));
    *out = def;
    return 0;
}

/* ---- CREATE INDEX ---- */

/* WHERE expr: everything up to the end of the statement. */
static int index_where(parser *p, const char **out)
{
    size_t start = p->tok.start, end = start;
    size_t depth = 0;
    while (p->tok.kind != T_EOF && !(depth == 0 && punct(p, ';'))) {
        if (p->tok.kind == T_BAD)
            return fail(p, "");
        if (punct(p, '(')) {
            depth++;
        } else if (punct(p, ')')) {
            if (depth == 0)
                return fail(p, "unbalanced ')'");
            depth--;
        }
        end = p->tok.start + p->tok.len;
        next(p);
    }
    if (depth)
        return fail(p, "expected ')'");
    if (end == start)
        return fail(p, "expected an expression after WHERE");
    if (!(*out = span(p, start, end)))
        return oom();
    return 0;
}

static int parse_index(parser *p, ath_sqlite_index_def *def)
{
    TRY(expect_kw(p, "CREATE"));
    def->unique = accept_kw(p, "UNIQUE");
    TRY(expect_kw(p, "INDEX"));
    TRY(if_not_exists(p));
    TRY(qualified_name(p, &def->schema_name, &def->name, "an index name"));
    TRY(expect_kw(p, "ON"));
    TRY(take_name(p, &def->table, "a table name"));
    TRY(index_elems(p, &def->elems, &def->nelems, &def->elems_cap, NULL));
    if (accept_kw(p, "WHERE"))
        TRY(index_where(p, &def->where));
    return end_of_statement(p);
}

int ath_sqlite_parse_create_index(ath_sqlite_index_def **out, ath_arena *arena, const char *sql)
{
    *out = NULL;
    ath_sqlite_index_def *def = ath_arena_alloc(arena, sizeof(*def));
    if (!def)
        return oom();
    parser p;
    begin_parse(&p, arena, "CREATE INDEX", sql);
    TRY(parse_index(&p, def));
    *out = def;
    return 0;
}
