/*
 * The tree as text, for golden tests and debugging. Every node prints as
 * (kind line:col fields...); statements go one per line, indented two
 * spaces per level, their bodies under them; expressions stay on the line
 * of their statement. A field left out prints as _. Strings print as C
 * string literals of their decoded value, f-strings as their source text.
 */
#include "py/ast.h"

#include <string.h>

static const char *const kind_names[ATH_PY_KIND_COUNT] = {
    [ATH_PY_MODULE] = "module",
    [ATH_PY_IMPORT] = "import",
    [ATH_PY_IMPORT_FROM] = "from",
    [ATH_PY_ASSIGN] = "assign",
    [ATH_PY_ANN_ASSIGN] = "annassign",
    [ATH_PY_AUG_ASSIGN] = "augassign",
    [ATH_PY_EXPR_STMT] = "expr",
    [ATH_PY_CLASS_DEF] = "class",
    [ATH_PY_FUNC_DEF] = "def",
    [ATH_PY_RETURN] = "return",
    [ATH_PY_PASS] = "pass",
    [ATH_PY_BREAK] = "break",
    [ATH_PY_CONTINUE] = "continue",
    [ATH_PY_WITH] = "with",
    [ATH_PY_IF] = "if",
    [ATH_PY_FOR] = "for",
    [ATH_PY_WHILE] = "while",
    [ATH_PY_TRY] = "try",
    [ATH_PY_RAISE] = "raise",
    [ATH_PY_ASSERT] = "assert",
    [ATH_PY_DEL] = "del",
    [ATH_PY_GLOBAL] = "global",
    [ATH_PY_NONLOCAL] = "nonlocal",
    [ATH_PY_OTHER_STMT] = "other",
    [ATH_PY_ALIAS] = "alias",
    [ATH_PY_PARAM] = "param",
    [ATH_PY_WITH_ITEM] = "item",
    [ATH_PY_EXCEPT] = "except",
    [ATH_PY_KEYWORD] = "kw",
    [ATH_PY_COMP_FOR] = "compfor",
    [ATH_PY_NAME] = "name",
    [ATH_PY_ATTRIBUTE] = "attr",
    [ATH_PY_CALL] = "call",
    [ATH_PY_SUBSCRIPT] = "sub",
    [ATH_PY_SLICE] = "slice",
    [ATH_PY_STARRED] = "star",
    [ATH_PY_TUPLE] = "tuple",
    [ATH_PY_LIST] = "list",
    [ATH_PY_SET] = "set",
    [ATH_PY_DICT] = "dict",
    [ATH_PY_STR] = "str",
    [ATH_PY_FSTRING] = "fstr",
    [ATH_PY_NUM] = "num",
    [ATH_PY_CONST] = "const",
    [ATH_PY_UNARY] = "unary",
    [ATH_PY_BINOP] = "binop",
    [ATH_PY_BOOLOP] = "boolop",
    [ATH_PY_COMPARE] = "compare",
    [ATH_PY_IFEXP] = "ifexp",
    [ATH_PY_LAMBDA] = "lambda",
    [ATH_PY_COMP] = "comp",
    [ATH_PY_NAMED] = "named",
    [ATH_PY_AWAIT] = "await",
    [ATH_PY_YIELD] = "yield",
};

const char *ath_py_kind_name(ath_py_kind kind)
{
    return (unsigned)kind < ATH_PY_KIND_COUNT && kind_names[kind] ? kind_names[kind] : "?";
}

static const ath_py_nodes *body_of(const ath_py_node *n)
{
    switch (n->kind) {
    case ATH_PY_MODULE: return &n->module.body;
    case ATH_PY_CLASS_DEF: return &n->class_def.body;
    case ATH_PY_FUNC_DEF: return &n->func_def.body;
    default: return NULL;
    }
}

const ath_py_node *ath_py_docstring(const ath_py_node *n)
{
    const ath_py_nodes *body = n ? body_of(n) : NULL;
    if (!body || body->count == 0)
        return NULL;
    const ath_py_node *first = body->items[0];
    if (first->kind != ATH_PY_EXPR_STMT || first->value.value->kind != ATH_PY_STR ||
        first->value.value->str.is_bytes)
        return NULL;
    return first->value.value;
}

static void expr(ath_buf *out, const ath_py_node *n);
static void stmt(ath_buf *out, const ath_py_node *n, int indent);

static void quoted(ath_buf *out, const char *s, size_t len, bool bytes)
{
    ath_buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': ath_buf_puts(out, "\\\""); break;
        case '\\': ath_buf_puts(out, "\\\\"); break;
        case '\n': ath_buf_puts(out, "\\n"); break;
        case '\t': ath_buf_puts(out, "\\t"); break;
        case '\r': ath_buf_puts(out, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80))
                ath_buf_printf(out, "\\x%02x", c);
            else
                ath_buf_putc(out, (char)c);
        }
    }
    ath_buf_putc(out, '"');
}

static void head(ath_buf *out, const ath_py_node *n)
{
    ath_buf_printf(out, "(%s %d:%d", ath_py_kind_name(n->kind), n->line, n->col);
}

static void opt(ath_buf *out, const ath_py_node *n)
{
    ath_buf_putc(out, ' ');
    if (n)
        expr(out, n);
    else
        ath_buf_putc(out, '_');
}

static void list(ath_buf *out, const ath_py_nodes *l)
{
    for (size_t i = 0; i < l->count; i++)
        opt(out, l->items[i]);
}

/* (label items...), left out when empty. */
static void labelled(ath_buf *out, const char *label, const ath_py_nodes *l)
{
    if (l->count == 0)
        return;
    ath_buf_printf(out, " (%s", label);
    list(out, l);
    ath_buf_putc(out, ')');
}

static const char *const_text(ath_py_const_kind k)
{
    switch (k) {
    case ATH_PY_CONST_NONE: return "None";
    case ATH_PY_CONST_TRUE: return "True";
    case ATH_PY_CONST_FALSE: return "False";
    case ATH_PY_CONST_ELLIPSIS: return "...";
    }
    return "?";
}

static const char *param_prefix(ath_py_param_kind k)
{
    switch (k) {
    case ATH_PY_PARAM_POSONLY: return "/";
    case ATH_PY_PARAM_VARARGS: return "*";
    case ATH_PY_PARAM_KWONLY: return "kw:";
    case ATH_PY_PARAM_KWARGS: return "**";
    default: return "";
    }
}

static const char *comp_text(ath_py_comp_kind k)
{
    switch (k) {
    case ATH_PY_COMP_LIST: return "list";
    case ATH_PY_COMP_SET: return "set";
    case ATH_PY_COMP_DICT: return "dict";
    case ATH_PY_COMP_GEN: return "gen";
    }
    return "?";
}

static void expr(ath_buf *out, const ath_py_node *n)
{
    head(out, n);
    switch (n->kind) {
    case ATH_PY_NAME: ath_buf_printf(out, " %s", n->name.id); break;
    case ATH_PY_ATTRIBUTE:
        opt(out, n->attribute.value);
        ath_buf_printf(out, " %s", n->attribute.attr);
        break;
    case ATH_PY_CALL:
        opt(out, n->call.func);
        list(out, &n->call.args);
        list(out, &n->call.keywords);
        break;
    case ATH_PY_KEYWORD:
        ath_buf_printf(out, " %s", n->keyword.name ? n->keyword.name : "**");
        opt(out, n->keyword.value);
        break;
    case ATH_PY_SUBSCRIPT:
        opt(out, n->subscript.value);
        opt(out, n->subscript.index);
        break;
    case ATH_PY_SLICE:
        opt(out, n->slice.lower);
        opt(out, n->slice.upper);
        opt(out, n->slice.step);
        break;
    case ATH_PY_STARRED:
    case ATH_PY_AWAIT: opt(out, n->value.value); break;
    case ATH_PY_TUPLE:
    case ATH_PY_LIST:
    case ATH_PY_SET: list(out, &n->seq.elts); break;
    case ATH_PY_DICT:
        for (size_t i = 0; i < n->dict.keys.count; i++) {
            if (n->dict.keys.items[i])
                opt(out, n->dict.keys.items[i]);
            else
                ath_buf_puts(out, " **");
            opt(out, n->dict.values.items[i]);
        }
        break;
    case ATH_PY_STR:
        ath_buf_puts(out, n->str.is_bytes ? " b" : " ");
        quoted(out, n->str.value, n->str.len, n->str.is_bytes);
        break;
    case ATH_PY_FSTRING:
        ath_buf_putc(out, ' ');
        quoted(out, n->str.raw, strlen(n->str.raw), false);
        break;
    case ATH_PY_NUM: ath_buf_printf(out, " %s", n->num.text); break;
    case ATH_PY_CONST: ath_buf_printf(out, " %s", const_text(n->constant.kind)); break;
    case ATH_PY_UNARY:
        ath_buf_printf(out, " %s", ath_py_op_text(n->unary.op));
        opt(out, n->unary.operand);
        break;
    case ATH_PY_BINOP:
        ath_buf_printf(out, " %s", ath_py_op_text(n->binop.op));
        opt(out, n->binop.left);
        opt(out, n->binop.right);
        break;
    case ATH_PY_BOOLOP:
        ath_buf_printf(out, " %s", ath_py_op_text(n->boolop.op));
        list(out, &n->boolop.values);
        break;
    case ATH_PY_COMPARE:
        opt(out, n->compare.left);
        for (size_t i = 0; i < n->compare.comparators.count; i++) {
            ath_buf_printf(out, " %s", ath_py_op_text(n->compare.ops[i]));
            opt(out, n->compare.comparators.items[i]);
        }
        break;
    case ATH_PY_IFEXP:
        opt(out, n->ifexp.test);
        opt(out, n->ifexp.body);
        opt(out, n->ifexp.orelse);
        break;
    case ATH_PY_LAMBDA:
        labelled(out, "params", &n->lambda.params);
        opt(out, n->lambda.body);
        break;
    case ATH_PY_PARAM:
        ath_buf_printf(out, " %s%s", param_prefix(n->param.kind), n->param.name);
        if (n->param.annotation || n->param.default_value) {
            opt(out, n->param.annotation);
            opt(out, n->param.default_value);
        }
        break;
    case ATH_PY_COMP:
        ath_buf_printf(out, " %s", comp_text(n->comp.kind));
        opt(out, n->comp.elt);
        if (n->comp.kind == ATH_PY_COMP_DICT)
            opt(out, n->comp.value);
        list(out, &n->comp.generators);
        break;
    case ATH_PY_COMP_FOR:
        if (n->comp_for.is_async)
            ath_buf_puts(out, " async");
        opt(out, n->comp_for.target);
        opt(out, n->comp_for.iter);
        labelled(out, "if", &n->comp_for.ifs);
        break;
    case ATH_PY_NAMED:
        opt(out, n->named.target);
        opt(out, n->named.value);
        break;
    case ATH_PY_YIELD:
        if (n->yield.is_from)
            ath_buf_puts(out, " from");
        if (n->yield.value)
            opt(out, n->yield.value);
        break;
    case ATH_PY_ALIAS:
        ath_buf_printf(out, " %s", n->alias.name);
        if (n->alias.asname)
            ath_buf_printf(out, " %s", n->alias.asname);
        break;
    case ATH_PY_WITH_ITEM:
        opt(out, n->with_item.context);
        if (n->with_item.target)
            opt(out, n->with_item.target);
        break;
    default:
        /* A statement where an expression was expected: print it inline. */
        ath_buf_puts(out, " ?");
        break;
    }
    ath_buf_putc(out, ')');
}

static void body(ath_buf *out, const ath_py_nodes *l, int indent)
{
    for (size_t i = 0; i < l->count; i++) {
        ath_buf_printf(out, "\n%*s", indent, "");
        stmt(out, l->items[i], indent);
    }
}

/* (label\n stmts...), left out when empty. */
static void clause(ath_buf *out, const char *label, const ath_py_nodes *l, int indent)
{
    if (l->count == 0)
        return;
    ath_buf_printf(out, "\n%*s(%s", indent, "", label);
    body(out, l, indent + 2);
    ath_buf_putc(out, ')');
}

static void stmt(ath_buf *out, const ath_py_node *n, int indent)
{
    int in = indent + 2;
    head(out, n);
    switch (n->kind) {
    case ATH_PY_MODULE: body(out, &n->module.body, in); break;
    case ATH_PY_IMPORT: list(out, &n->import_.names); break;
    case ATH_PY_IMPORT_FROM:
        ath_buf_putc(out, ' ');
        for (int i = 0; i < n->import_from.level; i++)
            ath_buf_putc(out, '.');
        if (n->import_from.module)
            ath_buf_puts(out, n->import_from.module);
        list(out, &n->import_from.names);
        break;
    case ATH_PY_ASSIGN:
        list(out, &n->assign.targets);
        ath_buf_puts(out, " =");
        opt(out, n->assign.value);
        break;
    case ATH_PY_ANN_ASSIGN:
        if (!n->ann_assign.simple)
            ath_buf_puts(out, " nonsimple");
        opt(out, n->ann_assign.target);
        opt(out, n->ann_assign.annotation);
        if (n->ann_assign.value) {
            ath_buf_puts(out, " =");
            opt(out, n->ann_assign.value);
        }
        break;
    case ATH_PY_AUG_ASSIGN:
        opt(out, n->aug_assign.target);
        ath_buf_printf(out, " %s=", ath_py_op_text(n->aug_assign.op));
        opt(out, n->aug_assign.value);
        break;
    case ATH_PY_EXPR_STMT: opt(out, n->value.value); break;
    case ATH_PY_RETURN:
        if (n->value.value)
            opt(out, n->value.value);
        break;
    case ATH_PY_CLASS_DEF:
        ath_buf_printf(out, " %s", n->class_def.name);
        labelled(out, "decorators", &n->class_def.decorators);
        labelled(out, "bases", &n->class_def.bases);
        labelled(out, "keywords", &n->class_def.keywords);
        body(out, &n->class_def.body, in);
        break;
    case ATH_PY_FUNC_DEF:
        ath_buf_printf(out, " %s%s", n->func_def.is_async ? "async " : "", n->func_def.name);
        labelled(out, "decorators", &n->func_def.decorators);
        ath_buf_puts(out, " (params");
        list(out, &n->func_def.params);
        ath_buf_putc(out, ')');
        if (n->func_def.returns) {
            ath_buf_puts(out, " ->");
            opt(out, n->func_def.returns);
        }
        body(out, &n->func_def.body, in);
        break;
    case ATH_PY_WITH:
        if (n->with.is_async)
            ath_buf_puts(out, " async");
        list(out, &n->with.items);
        body(out, &n->with.body, in);
        break;
    case ATH_PY_IF:
        opt(out, n->if_.test);
        body(out, &n->if_.body, in);
        clause(out, "else", &n->if_.orelse, in);
        break;
    case ATH_PY_FOR:
        if (n->for_.is_async)
            ath_buf_puts(out, " async");
        opt(out, n->for_.target);
        opt(out, n->for_.iter);
        body(out, &n->for_.body, in);
        clause(out, "else", &n->for_.orelse, in);
        break;
    case ATH_PY_WHILE:
        opt(out, n->while_.test);
        body(out, &n->while_.body, in);
        clause(out, "else", &n->while_.orelse, in);
        break;
    case ATH_PY_TRY:
        body(out, &n->try_.body, in);
        for (size_t i = 0; i < n->try_.handlers.count; i++) {
            ath_buf_printf(out, "\n%*s", in, "");
            stmt(out, n->try_.handlers.items[i], in);
        }
        clause(out, "else", &n->try_.orelse, in);
        clause(out, "finally", &n->try_.finalbody, in);
        break;
    case ATH_PY_EXCEPT:
        if (n->except.is_star)
            ath_buf_puts(out, " *");
        opt(out, n->except.type);
        if (n->except.name)
            ath_buf_printf(out, " %s", n->except.name);
        body(out, &n->except.body, in);
        break;
    case ATH_PY_RAISE:
        if (n->raise.exc || n->raise.cause) {
            opt(out, n->raise.exc);
            opt(out, n->raise.cause);
        }
        break;
    case ATH_PY_ASSERT:
        opt(out, n->assert_.test);
        if (n->assert_.msg)
            opt(out, n->assert_.msg);
        break;
    case ATH_PY_DEL: list(out, &n->del.targets); break;
    case ATH_PY_GLOBAL:
    case ATH_PY_NONLOCAL:
        for (size_t i = 0; i < n->names.count; i++)
            ath_buf_printf(out, " %s", n->names.names[i]);
        break;
    case ATH_PY_OTHER_STMT:
        ath_buf_printf(out, " %s ..%d", n->other.keyword, n->other.end_line);
        break;
    default: break;
    }
    ath_buf_putc(out, ')');
}

void ath_py_print(ath_buf *out, const ath_py_node *n)
{
    if (!n)
        return;
    if (n->kind <= ATH_PY_OTHER_STMT || n->kind == ATH_PY_EXCEPT) {
        stmt(out, n, 0);
        ath_buf_putc(out, '\n');
    } else {
        expr(out, n);
    }
}
