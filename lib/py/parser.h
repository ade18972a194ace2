/*
 * The Python parser: tokens to the syntax tree of ast.h, for the whole
 * language a model file or migration script may be written in (Python 3.11,
 * plus `match` and `type` statements, which are kept as OTHER_STMT without
 * their insides). It checks the grammar and what Python's parser checks of
 * targets and arguments; it does not resolve names or evaluate anything.
 */
#ifndef ATH_LIB_PY_PARSER_H
#define ATH_LIB_PY_PARSER_H

#include "py/ast.h"

/*
 * How deep a tree can be: deeper input is refused with "too deeply nested",
 * so readers may recurse over a tree without a depth check of their own.
 */
#define ATH_PY_MAX_DEPTH 1000

/*
 * Tokenizes and parses `len` bytes of `src` (not necessarily NUL-terminated)
 * into a MODULE node. `path` names the file in diagnostics and in every
 * node. The tree and its strings live in `arena`; the tree does not point
 * into `src`. Errors: ATH_EPARSE with one error diagnostic in `diags` (the
 * parser stops at the first syntax error), ATH_ENOMEM. Never prints.
 */
int ath_py_parse(ath_py_node **out, ath_arena *arena, const char *path, const char *src,
                 size_t len, ath_diags *diags);

#endif
