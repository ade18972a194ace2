/*
 * The Python tokenizer: a whole source file to an array of tokens (NAME,
 * NUMBER, STRING, OP, NEWLINE, INDENT, DEDENT, ENDMARKER), following the
 * language reference of Python 3.11. It checks what the tokenizer checks
 * (strings, numbers, brackets, indentation, f-string braces) and nothing of
 * the grammar; string values are decoded later, by the parser.
 */
#ifndef ATH_LIB_PY_LEXER_H
#define ATH_LIB_PY_LEXER_H

#include "athanor.h"

#include <stdint.h>

typedef enum ath_py_tok_kind {
    ATH_PY_TOK_ENDMARKER,
    ATH_PY_TOK_NAME,
    ATH_PY_TOK_NUMBER,
    ATH_PY_TOK_STRING,
    ATH_PY_TOK_OP,
    ATH_PY_TOK_NEWLINE,
    ATH_PY_TOK_INDENT,
    ATH_PY_TOK_DEDENT
} ath_py_tok_kind;

/*
 * Operators and delimiters as the tokenizer finds them, followed by the
 * operators that only the AST uses (word operators and the two-word
 * comparisons).
 */
typedef enum ath_py_op {
    ATH_PY_OP_NONE,
    ATH_PY_OP_LPAR,        /* ( */
    ATH_PY_OP_RPAR,        /* ) */
    ATH_PY_OP_LSQB,        /* [ */
    ATH_PY_OP_RSQB,        /* ] */
    ATH_PY_OP_LBRACE,      /* { */
    ATH_PY_OP_RBRACE,      /* } */
    ATH_PY_OP_COLON,       /* : */
    ATH_PY_OP_COMMA,       /* , */
    ATH_PY_OP_SEMI,        /* ; */
    ATH_PY_OP_DOT,         /* . */
    ATH_PY_OP_ELLIPSIS,    /* ... */
    ATH_PY_OP_ARROW,       /* -> */
    ATH_PY_OP_AT,          /* @ */
    ATH_PY_OP_EQUAL,       /* = */
    ATH_PY_OP_WALRUS,      /* := */
    ATH_PY_OP_PLUS,        /* + */
    ATH_PY_OP_MINUS,       /* - */
    ATH_PY_OP_STAR,        /* * */
    ATH_PY_OP_SLASH,       /* / */
    ATH_PY_OP_DSLASH,      /* // */
    ATH_PY_OP_PERCENT,     /* % */
    ATH_PY_OP_DSTAR,       /* ** */
    ATH_PY_OP_LSHIFT,      /* << */
    ATH_PY_OP_RSHIFT,      /* >> */
    ATH_PY_OP_AMPER,       /* & */
    ATH_PY_OP_VBAR,        /* | */
    ATH_PY_OP_CIRCUMFLEX,  /* ^ */
    ATH_PY_OP_TILDE,       /* ~ */
    ATH_PY_OP_LESS,        /* < */
    ATH_PY_OP_GREATER,     /* > */
    ATH_PY_OP_LESSEQUAL,   /* <= */
    ATH_PY_OP_GREATEREQUAL,/* >= */
    ATH_PY_OP_EQEQUAL,     /* == */
    ATH_PY_OP_NOTEQUAL,    /* != */
    ATH_PY_OP_PLUSEQUAL,   /* += */
    ATH_PY_OP_MINEQUAL,    /* -= */
    ATH_PY_OP_STAREQUAL,   /* *= */
    ATH_PY_OP_SLASHEQUAL,  /* /= */
    ATH_PY_OP_DSLASHEQUAL, /* //= */
    ATH_PY_OP_PERCENTEQUAL,/* %= */
    ATH_PY_OP_ATEQUAL,     /* @= */
    ATH_PY_OP_DSTAREQUAL,  /* **= */
    ATH_PY_OP_LSHIFTEQUAL, /* <<= */
    ATH_PY_OP_RSHIFTEQUAL, /* >>= */
    ATH_PY_OP_AMPEREQUAL,  /* &= */
    ATH_PY_OP_VBAREQUAL,   /* |= */
    ATH_PY_OP_CIRCUMFLEXEQUAL, /* ^= */
    /* AST only */
    ATH_PY_OP_NOT,         /* not */
    ATH_PY_OP_AND,         /* and */
    ATH_PY_OP_OR,          /* or */
    ATH_PY_OP_IN,          /* in */
    ATH_PY_OP_NOT_IN,      /* not in */
    ATH_PY_OP_IS,          /* is */
    ATH_PY_OP_IS_NOT,      /* is not */
    ATH_PY_OP_COUNT
} ath_py_op;

/* Python's hard keywords; soft keywords (match, case, type, _) are plain names. */
typedef enum ath_py_kw {
    ATH_PY_KW_NOT_KEYWORD,
    ATH_PY_KW_FALSE,
    ATH_PY_KW_NONE,
    ATH_PY_KW_TRUE,
    ATH_PY_KW_AND,
    ATH_PY_KW_AS,
    ATH_PY_KW_ASSERT,
    ATH_PY_KW_ASYNC,
    ATH_PY_KW_AWAIT,
    ATH_PY_KW_BREAK,
    ATH_PY_KW_CLASS,
    ATH_PY_KW_CONTINUE,
    ATH_PY_KW_DEF,
    ATH_PY_KW_DEL,
    ATH_PY_KW_ELIF,
    ATH_PY_KW_ELSE,
    ATH_PY_KW_EXCEPT,
    ATH_PY_KW_FINALLY,
    ATH_PY_KW_FOR,
    ATH_PY_KW_FROM,
    ATH_PY_KW_GLOBAL,
    ATH_PY_KW_IF,
    ATH_PY_KW_IMPORT,
    ATH_PY_KW_IN,
    ATH_PY_KW_IS,
    ATH_PY_KW_LAMBDA,
    ATH_PY_KW_NONLOCAL,
    ATH_PY_KW_NOT,
    ATH_PY_KW_OR,
    ATH_PY_KW_PASS,
    ATH_PY_KW_RAISE,
    ATH_PY_KW_RETURN,
    ATH_PY_KW_TRY,
    ATH_PY_KW_WHILE,
    ATH_PY_KW_WITH,
    ATH_PY_KW_YIELD
} ath_py_kw;

/* Prefix and quoting of a STRING token. */
enum {
    ATH_PY_STR_RAW = 1 << 0,     /* r / R */
    ATH_PY_STR_BYTES = 1 << 1,   /* b / B */
    ATH_PY_STR_FORMAT = 1 << 2,  /* f / F */
    ATH_PY_STR_UNICODE = 1 << 3, /* u / U (no effect in Python 3) */
    ATH_PY_STR_TRIPLE = 1 << 4   /* ''' or """ */
};

/*
 * One token. `text` points into the source (not NUL-terminated): the whole
 * token as written, prefix and quotes included for strings; empty for
 * NEWLINE at end of file, INDENT, DEDENT and ENDMARKER. `line` and `col`
 * are 1-based, columns count bytes, and a UTF-8 BOM is not counted.
 */
typedef struct ath_py_token {
    const char *text;
    uint32_t len;
    int line;
    int col;
    uint8_t kind;  /* ath_py_tok_kind */
    uint8_t sub;   /* OP: ath_py_op; NAME: ath_py_kw (0 for other names) */
    uint8_t flags; /* STRING: ATH_PY_STR_* */
} ath_py_token;

typedef struct ath_py_tokens {
    ath_py_token *items; /* ends with one ENDMARKER */
    size_t count;
} ath_py_tokens;

/*
 * Tokenizes `len` bytes of `src` (which need not be NUL-terminated and is
 * read only within those bytes). `path` only names the file in diagnostics.
 * On success the tokens live in `arena` and point into `src`, which must
 * outlive them. Errors: ATH_EPARSE with one error diagnostic added to
 * `diags` (the tokenizer stops at the first), ATH_ENOMEM.
 */
int ath_py_tokenize(ath_py_tokens *out, ath_arena *arena, const char *path, const char *src,
                    size_t len, ath_diags *diags);

/* The operator's spelling ("**=", "not in", ...); "" for ATH_PY_OP_NONE. */
const char *ath_py_op_text(ath_py_op op);
/* The keyword's spelling; "" for ATH_PY_KW_NOT_KEYWORD. */
const char *ath_py_kw_text(ath_py_kw kw);
/* "NAME", "NUMBER", ... */
const char *ath_py_tok_kind_name(ath_py_tok_kind kind);

/*
 * Where a STRING token's body (between the quotes) starts and how long it
 * is; the prefix and quotes are known from the token's flags.
 */
const char *ath_py_string_body(const ath_py_token *tok, size_t *len);

/*
 * Line and column of `p`, a byte inside `tok` (a string may span lines);
 * for placing an error within a token.
 */
void ath_py_locate(const ath_py_token *tok, const char *p, int *line, int *col);

#endif
