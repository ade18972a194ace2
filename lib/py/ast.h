/*
 * The syntax tree of a Python file: one tagged node struct, a kind and the
 * fields of that kind, every node with its file, line and column. It says
 * what was written and nothing of what it means; readers (models, scripts)
 * decide. Nodes and their arrays live in the arena of the parse.
 */
#ifndef ATH_LIB_PY_AST_H
#define ATH_LIB_PY_AST_H

#include "py/lexer.h"

#include <stdint.h>

typedef enum ath_py_kind {
    ATH_PY_MODULE, /* module.body */

    /* statements */
    ATH_PY_IMPORT,      /* import a.b as c, d         import_.names: ALIAS */
    ATH_PY_IMPORT_FROM, /* from ..m import x as y     import_from */
    ATH_PY_ASSIGN,      /* a = b = value              assign */
    ATH_PY_ANN_ASSIGN,  /* x: T [= value]             ann_assign */
    ATH_PY_AUG_ASSIGN,  /* x += value                 aug_assign */
    ATH_PY_EXPR_STMT,   /* a call, a docstring ...    value.value */
    ATH_PY_CLASS_DEF,   /* class_def */
    ATH_PY_FUNC_DEF,    /* def and async def          func_def */
    ATH_PY_RETURN,      /* value.value, NULL for a bare return */
    ATH_PY_PASS,
    ATH_PY_BREAK,
    ATH_PY_CONTINUE,
    ATH_PY_WITH,        /* with and async with        with */
    ATH_PY_IF,          /* if_: elif is an IF alone in orelse */
    ATH_PY_FOR,         /* for_ */
    ATH_PY_WHILE,       /* while_ */
    ATH_PY_TRY,         /* try_ */
    ATH_PY_RAISE,       /* raise */
    ATH_PY_ASSERT,      /* assert_ */
    ATH_PY_DEL,         /* del.targets */
    ATH_PY_GLOBAL,      /* names */
    ATH_PY_NONLOCAL,    /* names */
    ATH_PY_OTHER_STMT,  /* match, type: skipped as a whole   other */

    /* parts of statements and calls */
    ATH_PY_ALIAS,       /* a.b as c, or "*"           alias */
    ATH_PY_PARAM,       /* a parameter of def/lambda  param */
    ATH_PY_WITH_ITEM,   /* expr as target             with_item */
    ATH_PY_EXCEPT,      /* except T as e: body        except */
    ATH_PY_KEYWORD,     /* name=value, **value        keyword */
    ATH_PY_COMP_FOR,    /* for t in it if c           comp_for */

    /* expressions */
    ATH_PY_NAME,        /* name.id */
    ATH_PY_ATTRIBUTE,   /* value.attr                 attribute */
    ATH_PY_CALL,        /* call */
    ATH_PY_SUBSCRIPT,   /* value[index]               subscript */
    ATH_PY_SLICE,       /* lower:upper:step           slice */
    ATH_PY_STARRED,     /* *value                     value.value */
    ATH_PY_TUPLE,       /* seq.elts */
    ATH_PY_LIST,        /* seq.elts */
    ATH_PY_SET,         /* seq.elts */
    ATH_PY_DICT,        /* dict */
    ATH_PY_STR,         /* str and bytes literals, adjacent ones joined   str */
    ATH_PY_FSTRING,     /* a literal with an f-string part               str.raw */
    ATH_PY_NUM,         /* num */
    ATH_PY_CONST,       /* True, False, None, ...     constant */
    ATH_PY_UNARY,       /* -x +x ~x not x             unary */
    ATH_PY_BINOP,       /* binop */
    ATH_PY_BOOLOP,      /* a and b and c              boolop */
    ATH_PY_COMPARE,     /* a < b <= c                 compare */
    ATH_PY_IFEXP,       /* body if test else orelse   ifexp */
    ATH_PY_LAMBDA,      /* lambda */
    ATH_PY_COMP,        /* [x for ...] {...} (...)    comp */
    ATH_PY_NAMED,       /* target := value            named */
    ATH_PY_AWAIT,       /* value.value */
    ATH_PY_YIELD,       /* yield / yield from         yield */
    ATH_PY_KIND_COUNT
} ath_py_kind;

typedef struct ath_py_node ath_py_node;

/* A node array in the arena. */
typedef struct ath_py_nodes {
    ath_py_node **items;
    size_t count;
} ath_py_nodes;

typedef enum ath_py_const_kind {
    ATH_PY_CONST_NONE,
    ATH_PY_CONST_TRUE,
    ATH_PY_CONST_FALSE,
    ATH_PY_CONST_ELLIPSIS
} ath_py_const_kind;

typedef enum ath_py_num_kind {
    ATH_PY_NUM_INT,
    ATH_PY_NUM_FLOAT,
    ATH_PY_NUM_IMAGINARY
} ath_py_num_kind;

typedef enum ath_py_param_kind {
    ATH_PY_PARAM_POSONLY, /* before a / */
    ATH_PY_PARAM_NORMAL,
    ATH_PY_PARAM_VARARGS, /* *args */
    ATH_PY_PARAM_KWONLY,  /* after * or *args */
    ATH_PY_PARAM_KWARGS   /* **kwargs */
} ath_py_param_kind;

typedef enum ath_py_comp_kind {
    ATH_PY_COMP_LIST,
    ATH_PY_COMP_SET,
    ATH_PY_COMP_DICT,
    ATH_PY_COMP_GEN
} ath_py_comp_kind;

struct ath_py_node {
    ath_py_kind kind;
    int line, col;    /* 1-based, of the node's first token (of `def` or `class`,
                       * not of a decorator, as in Python) */
    const char *path; /* the file, shared by all nodes of a parse; may be NULL */
    bool parens;      /* an expression written in parentheses of its own: (x) */
    union {
        struct {
            ath_py_nodes body;
        } module;
        struct {
            ath_py_nodes names;
        } import_;
        struct {
            const char *module; /* dotted; NULL in `from . import x` */
            int level;          /* leading dots */
            ath_py_nodes names; /* ALIAS; one named "*" for `import *` */
        } import_from;
        struct {
            const char *name;   /* dotted in `import a.b` */
            const char *asname; /* NULL without `as` */
        } alias;
        struct {
            ath_py_nodes targets; /* a = b = value: a, b */
            ath_py_node *value;
        } assign;
        struct {
            ath_py_node *target;
            ath_py_node *annotation;
            ath_py_node *value; /* NULL without `= value` */
            bool simple;        /* the target is a name not in parentheses */
        } ann_assign;
        struct {
            ath_py_node *target;
            ath_py_op op; /* the binary operator: PLUS for += */
            ath_py_node *value;
        } aug_assign;
        struct {
            ath_py_node *value;
        } value; /* EXPR_STMT, RETURN, STARRED, AWAIT */
        struct {
            const char *name;
            ath_py_nodes bases;      /* expressions, STARRED for *args */
            ath_py_nodes keywords;   /* KEYWORD: metaclass=..., **kw */
            ath_py_nodes decorators; /* expressions, in source order */
            ath_py_nodes body;
        } class_def;
        struct {
            const char *name;
            ath_py_nodes params;     /* PARAM */
            ath_py_node *returns;    /* NULL without -> */
            ath_py_nodes decorators;
            ath_py_nodes body;
            bool is_async;
        } func_def;
        struct {
            const char *name;
            ath_py_param_kind kind;
            ath_py_node *annotation; /* NULL if none */
            ath_py_node *default_value; /* NULL if none */
        } param;
        struct {
            ath_py_nodes items; /* WITH_ITEM */
            ath_py_nodes body;
            bool is_async;
        } with;
        struct {
            ath_py_node *context;
            ath_py_node *target; /* NULL without `as` */
        } with_item;
        struct {
            ath_py_node *test;
            ath_py_nodes body;
            ath_py_nodes orelse;
        } if_;
        struct {
            ath_py_node *target;
            ath_py_node *iter;
            ath_py_nodes body;
            ath_py_nodes orelse;
            bool is_async;
        } for_;
        struct {
            ath_py_node *test;
            ath_py_nodes body;
            ath_py_nodes orelse;
        } while_;
        struct {
            ath_py_nodes body;
            ath_py_nodes handlers; /* EXCEPT */
            ath_py_nodes orelse;
            ath_py_nodes finalbody;
        } try_;
        struct {
            ath_py_node *type; /* NULL for a bare except */
            const char *name;  /* NULL without `as` */
            ath_py_nodes body;
            bool is_star;      /* except* */
        } except;
        struct {
            ath_py_node *exc;   /* NULL for a bare raise */
            ath_py_node *cause; /* NULL without `from` */
        } raise;
        struct {
            ath_py_node *test;
            ath_py_node *msg; /* NULL if none */
        } assert_;
        struct {
            ath_py_nodes targets;
        } del;
        struct {
            const char **names;
            size_t count;
        } names; /* GLOBAL, NONLOCAL */
        struct {
            const char *keyword; /* "match", "type" */
            int end_line;        /* last line of the statement */
        } other;
        struct {
            const char *name; /* NULL for **value */
            ath_py_node *value;
        } keyword;
        struct {
            ath_py_node *target;
            ath_py_node *iter;
            ath_py_nodes ifs;
            bool is_async;
        } comp_for;
        struct {
            const char *id;
        } name;
        struct {
            ath_py_node *value;
            const char *attr;
        } attribute;
        struct {
            ath_py_node *func;
            ath_py_nodes args;     /* positional, STARRED for *args */
            ath_py_nodes keywords; /* KEYWORD, in source order */
        } call;
        struct {
            ath_py_node *value;
            ath_py_node *index; /* a SLICE, a TUPLE of several, or an expression */
        } subscript;
        struct {
            ath_py_node *lower, *upper, *step; /* each NULL when left out */
        } slice;
        struct {
            ath_py_nodes elts;
        } seq; /* TUPLE, LIST, SET */
        struct {
            ath_py_nodes keys; /* NULL for a **mapping entry */
            ath_py_nodes values;
        } dict;
        struct {
            const char *value; /* decoded, NUL-terminated; NULL for FSTRING */
            size_t len;        /* may hold NULs: \x00 */
            const char *raw;   /* the literal(s) as written, quotes and prefixes kept */
            bool is_bytes;
            bool named_escape; /* holds \N{...}, left undecoded */
        } str;
        struct {
            const char *text; /* as written, underscores kept */
            ath_py_num_kind kind;
            bool fits;        /* INT: the value fits in `ival` */
            int64_t ival;     /* INT when `fits` */
            double fval;      /* FLOAT, IMAGINARY (the imaginary part); INT too */
        } num;
        struct {
            ath_py_const_kind kind;
        } constant;
        struct {
            ath_py_op op; /* PLUS, MINUS, TILDE, NOT */
            ath_py_node *operand;
        } unary;
        struct {
            ath_py_op op; /* PLUS ... DSTAR, AT, VBAR, AMPER, CIRCUMFLEX, shifts */
            ath_py_node *left, *right;
        } binop;
        struct {
            ath_py_op op; /* AND, OR */
            ath_py_nodes values;
        } boolop;
        struct {
            ath_py_node *left;
            ath_py_op *ops;           /* one per comparator */
            ath_py_nodes comparators;
        } compare;
        struct {
            ath_py_node *test, *body, *orelse;
        } ifexp;
        struct {
            ath_py_nodes params; /* PARAM, never annotated */
            ath_py_node *body;
        } lambda;
        struct {
            ath_py_comp_kind kind;
            ath_py_node *elt;       /* the key for a dict */
            ath_py_node *value;     /* dict only */
            ath_py_nodes generators; /* COMP_FOR */
        } comp;
        struct {
            ath_py_node *target; /* a NAME */
            ath_py_node *value;
        } named;
        struct {
            ath_py_node *value; /* NULL for a bare yield */
            bool is_from;
        } yield;
    };
};

/* "module", "class", "call" ...: the names the printer uses. */
const char *ath_py_kind_name(ath_py_kind kind);

/*
 * The docstring of a MODULE, CLASS_DEF or FUNC_DEF: its first statement when
 * that is a plain string literal; NULL otherwise.
 */
const ath_py_node *ath_py_docstring(const ath_py_node *node);

/*
 * Appends the tree under `node` to `out` as S-expressions with positions,
 * one statement per line; for tests and debugging. The format is described
 * in print.c.
 */
void ath_py_print(ath_buf *out, const ath_py_node *node);

#endif
