/*
 * Python source text for values Athanor writes into scripts and type
 * expressions: a str as Python's repr() spells it. Writing only; reading
 * literals is the lexer's and the parser's job.
 */
#ifndef ATH_LIB_PY_REPR_H
#define ATH_LIB_PY_REPR_H

#include "athanor.h"

/* Appends repr(s): single quotes unless the text holds a ' and no ", the
 * chosen quote, backslashes and control characters escaped. */
void ath_py_repr_str(ath_buf *out, const char *s);

#endif
