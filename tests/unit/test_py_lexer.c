/*
 * The Python tokenizer: every token kind with its text and position, the
 * string and number forms, line joining, indentation, and each error with its
 * exact message and line:col.
 */
#include "testsupport.h"

#include "py/lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The tokens of `src` as "KIND text@line:col" separated by spaces; OP and
 * NAME print their text only, NEWLINE/INDENT/DEDENT/ENDMARKER their kind.
 */
static char *render(const char *src, size_t len, bool positions)
{
    ath_arena *a = ath_arena_new();
    ath_diags d;
    ath_diags_init(&d, a);
    ath_py_tokens toks;
    int rc = ath_py_tokenize(&toks, a, "t.py", src, len, &d);
    if (rc != 0) {
        fail_msg("tokenize failed: %s", d.count ? d.items[0].message : ath_error_last());
    }
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; i < toks.count; i++) {
        const ath_py_token *t = &toks.items[i];
        if (i)
            ath_buf_putc(&out, ' ');
        switch (t->kind) {
        case ATH_PY_TOK_NAME:
        case ATH_PY_TOK_OP: ath_buf_put(&out, t->text, t->len); break;
        case ATH_PY_TOK_NUMBER:
        case ATH_PY_TOK_STRING:
            ath_buf_printf(&out, "%s:", ath_py_tok_kind_name(t->kind));
            ath_buf_put(&out, t->text, t->len);
            break;
        default: ath_buf_puts(&out, ath_py_tok_kind_name(t->kind)); break;
        }
        if (positions)
            ath_buf_printf(&out, "@%d:%d", t->line, t->col);
    }
    ath_arena_free(a);
    return ath_buf_detach(&out);
}

#define assert_tokens(src, expected)                                    \
    do {                                                                \
        char *got_ = render((src), strlen(src), false);                 \
        assert_string_equal(got_, (expected));                          \
        free(got_);                                                     \
    } while (0)

#define assert_tokens_at(src, expected)                                 \
    do {                                                                \
        char *got_ = render((src), strlen(src), true);                  \
        assert_string_equal(got_, (expected));                          \
        free(got_);                                                     \
    } while (0)

/* "line:col: message" of the one error tokenizing `src` gives. */
static char *error_of(const char *src, size_t len)
{
    ath_arena *a = ath_arena_new();
    ath_diags d;
    ath_diags_init(&d, a);
    ath_py_tokens toks;
    int rc = ath_py_tokenize(&toks, a, "t.py", src, len, &d);
    assert_int_equal(rc, ATH_EPARSE);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.items[0].path, "t.py");
    assert_null(toks.items);
    char *s = ath_arena_printf(a, "%d:%d: %s", d.items[0].line, d.items[0].col,
                               d.items[0].message);
    char *copy = strdup(s);
    /* The last-error slot carries the same message. */
    assert_non_null(strstr(ath_error_last(), d.items[0].message));
    assert_int_equal(ath_error_last_code(), ATH_EPARSE);
    ath_arena_free(a);
    return copy;
}

#define assert_lex_error(src, expected)                                 \
    do {                                                                \
        char *got_ = error_of((src), sizeof(src) - 1);                  \
        assert_string_equal(got_, (expected));                          \
        free(got_);                                                     \
    } while (0)

static void tokens_carry_kind_text_and_position(void **state)
{
    (void)state;
    assert_tokens_at("x = f(1, 'a')\n",
                     "x@1:1 =@1:3 f@1:5 (@1:6 NUMBER:1@1:7 ,@1:8 STRING:'a'@1:10 )@1:13 "
                     "NEWLINE@1:14 ENDMARKER@2:1");
}

static void empty_and_comment_only_files_give_only_endmarker(void **state)
{
    (void)state;
    assert_tokens("", "ENDMARKER");
    assert_tokens("\n\n  \n", "ENDMARKER");
    assert_tokens("# just a comment\n    # indented comment\n", "ENDMARKER");
}

static void keywords_are_marked_and_soft_keywords_are_names(void **state)
{
    (void)state;
    const char *src = "if match is not None: type = _";
    ath_arena *a = ath_arena_new();
    ath_diags d;
    ath_diags_init(&d, a);
    ath_py_tokens toks;
    assert_int_equal(ath_py_tokenize(&toks, a, NULL, src, strlen(src), &d), 0);
    assert_int_equal(toks.items[0].sub, ATH_PY_KW_IF);
    assert_int_equal(toks.items[1].sub, ATH_PY_KW_NOT_KEYWORD); /* match */
    assert_int_equal(toks.items[2].sub, ATH_PY_KW_IS);
    assert_int_equal(toks.items[3].sub, ATH_PY_KW_NOT);
    assert_int_equal(toks.items[4].sub, ATH_PY_KW_NONE);
    assert_int_equal(toks.items[6].sub, ATH_PY_KW_NOT_KEYWORD); /* type */
    assert_int_equal(toks.items[8].sub, ATH_PY_KW_NOT_KEYWORD); /* _ */
    assert_string_equal(ath_py_kw_text(ATH_PY_KW_NONLOCAL), "nonlocal");
    ath_arena_free(a);
}

static void every_operator_is_one_token(void **state)
{
    (void)state;
    const char *ops = "+ - * ** / // % @ << >> & | ^ ~ := < > <= >= == != ( ) [ ] { } , : . ; "
                      "= -> += -= *= /= //= %= @= &= |= ^= >>= <<= **= ...";
    char *got = render(ops, strlen(ops), false);
    char expected[512];
    snprintf(expected, sizeof(expected), "%s NEWLINE ENDMARKER", ops);
    assert_string_equal(got, expected);
    free(got);
    /* Longest match without spaces. */
    assert_tokens("a**=b//=c->d...e", "a **= b //= c -> d ... e NEWLINE ENDMARKER");
    assert_tokens("x[1:-1]", "x [ NUMBER:1 : - NUMBER:1 ] NEWLINE ENDMARKER");
}

static void operators_know_their_enum(void **state)
{
    (void)state;
    const char *src = "**= -> := ...";
    ath_arena *a = ath_arena_new();
    ath_diags d;
    ath_diags_init(&d, a);
    ath_py_tokens toks;
    assert_int_equal(ath_py_tokenize(&toks, a, NULL, src, strlen(src), &d), 0);
    assert_int_equal(toks.items[0].sub, ATH_PY_OP_DSTAREQUAL);
    assert_int_equal(toks.items[1].sub, ATH_PY_OP_ARROW);
    assert_int_equal(toks.items[2].sub, ATH_PY_OP_WALRUS);
    assert_int_equal(toks.items[3].sub, ATH_PY_OP_ELLIPSIS);
    assert_string_equal(ath_py_op_text(ATH_PY_OP_NOT_IN), "not in");
    ath_arena_free(a);
}

static void string_prefixes_in_any_case(void **state)
{
    (void)state;
    assert_tokens("r'a' b'b' u'c' f'd' rb'e' br'f' fr'g' rf'h'",
                  "STRING:r'a' STRING:b'b' STRING:u'c' STRING:f'd' STRING:rb'e' STRING:br'f' "
                  "STRING:fr'g' STRING:rf'h' NEWLINE ENDMARKER");
    assert_tokens("R'a' B'b' U'c' F'd' Rb'e' bR'f' Fr'g' rF'h' RB'i' FR'j'",
                  "STRING:R'a' STRING:B'b' STRING:U'c' STRING:F'd' STRING:Rb'e' STRING:bR'f' "
                  "STRING:Fr'g' STRING:rF'h' STRING:RB'i' STRING:FR'j' NEWLINE ENDMARKER");
    /* Not prefixes: names followed by a string. */
    assert_tokens("ur'x' bb'y' rr'z'",
                  "ur STRING:'x' bb STRING:'y' rr STRING:'z' NEWLINE ENDMARKER");
}

static void string_flags_and_body(void **state)
{
    (void)state;
    const char *src = "Rb'''x\\'y''' f\"\"";
    ath_arena *a = ath_arena_new();
    ath_diags d;
    ath_diags_init(&d, a);
    ath_py_tokens toks;
    assert_int_equal(ath_py_tokenize(&toks, a, NULL, src, strlen(src), &d), 0);
    assert_int_equal(toks.items[0].flags, ATH_PY_STR_RAW | ATH_PY_STR_BYTES | ATH_PY_STR_TRIPLE);
    size_t n;
    const char *body = ath_py_string_body(&toks.items[0], &n);
    assert_int_equal(n, 4);
    assert_memory_equal(body, "x\\'y", 4);
    assert_int_equal(toks.items[1].flags, ATH_PY_STR_FORMAT);
    body = ath_py_string_body(&toks.items[1], &n);
    assert_int_equal(n, 0);
    ath_arena_free(a);
}

static void single_double_and_triple_quotes(void **state)
{
    (void)state;
    assert_tokens("'a' \"b\" '''c''' \"\"\"d\"\"\" '' \"\" '''''' \"\"\"\"\"\"",
                  "STRING:'a' STRING:\"b\" STRING:'''c''' STRING:\"\"\"d\"\"\" STRING:'' "
                  "STRING:\"\" STRING:'''''' STRING:\"\"\"\"\"\" NEWLINE ENDMARKER");
    /* The other quote inside, escaped quotes, quotes inside triple quotes. */
    assert_tokens("\"it's\" 'say \"hi\"' 'it\\'s' \"\\\"\" '''a 'b' \"c\" ''d'''",
                  "STRING:\"it's\" STRING:'say \"hi\"' STRING:'it\\'s' STRING:\"\\\"\" "
                  "STRING:'''a 'b' \"c\" ''d''' NEWLINE ENDMARKER");
    /* A backslash escapes the quote in raw strings too. */
    assert_tokens("r'\\'' r\"\\\\\"", "STRING:r'\\'' STRING:r\"\\\\\" NEWLINE ENDMARKER");
}

static void triple_quoted_strings_span_lines(void **state)
{
    (void)state;
    assert_tokens_at("x = '''one\ntwo\n'''\ny = 1\n",
                     "x@1:1 =@1:3 STRING:'''one\ntwo\n'''@1:5 NEWLINE@3:4 y@4:1 =@4:3 "
                     "NUMBER:1@4:5 NEWLINE@4:6 ENDMARKER@5:1");
    /* A backslash-newline continues a single-quoted string. */
    assert_tokens_at("s = 'a\\\nb' + c\n",
                     "s@1:1 =@1:3 STRING:'a\\\nb'@1:5 +@2:4 c@2:6 NEWLINE@2:7 ENDMARKER@3:1");
}

static void fstrings_nest_quotes_braces_and_specs(void **state)
{
    (void)state;
    assert_tokens("f\"{x!r:>{width}}\"", "STRING:f\"{x!r:>{width}}\" NEWLINE ENDMARKER");
    assert_tokens("f'{d[\"k\"]}'", "STRING:f'{d[\"k\"]}' NEWLINE ENDMARKER");
    assert_tokens("f'''{d['k']}'''", "STRING:f'''{d['k']}''' NEWLINE ENDMARKER");
    assert_tokens("f'{{literal}} {x:{a}.{b}f} {y=} {z!s} {\"{\"} {a[1:2]} {f(x, *y)}'",
                  "STRING:f'{{literal}} {x:{a}.{b}f} {y=} {z!s} {\"{\"} {a[1:2]} {f(x, *y)}' "
                  "NEWLINE ENDMARKER");
    assert_tokens("f'{ {1: 2}[1] }' f'{x!=y}' f'\\N{DASH} {x}' rf'\\{x}'",
                  "STRING:f'{ {1: 2}[1] }' STRING:f'{x!=y}' STRING:f'\\N{DASH} {x}' "
                  "STRING:rf'\\{x}' NEWLINE ENDMARKER");
    /* Python 3.11: the same quote ends the f-string, even inside a field. */
    assert_lex_error("f'{d['k']}'", "1:3: f-string: expecting '}'");
}

static void fstring_errors(void **state)
{
    (void)state;
    assert_lex_error("x = f'{}'\n", "1:8: f-string: empty expression not allowed");
    assert_lex_error("x = f'{  }'\n", "1:10: f-string: empty expression not allowed");
    assert_lex_error("x = f'}'\n", "1:7: f-string: single '}' is not allowed");
    assert_lex_error("x = f'{a'\n", "1:7: f-string: expecting '}'");
    assert_lex_error("x = f'{a!x}'\n",
                     "1:10: f-string: invalid conversion character: expected 's', 'r', or 'a'");
    assert_lex_error("x = f'{a!r x}'\n", "1:7: f-string: expecting '}'");
    assert_lex_error("x = f'{a:{b:{c}}}'\n", "1:13: f-string: expressions nested too deeply");
    assert_lex_error("x = f'{a\\n}'\n",
                     "1:9: f-string expression part cannot include a backslash");
    assert_lex_error("x = f'{a#}'\n", "1:9: f-string expression part cannot include '#'");
    assert_lex_error("x = f'{a)}'\n", "1:9: f-string: unmatched ')'");
    assert_lex_error("x = f'{(a]}'\n",
                     "1:10: f-string: closing parenthesis ']' does not match opening "
                     "parenthesis '('");
    assert_lex_error("x = f'''\n{a\"}'''\n", "2:3: f-string: unterminated string");
}

static void numbers_of_every_form(void **state)
{
    (void)state;
    assert_tokens("0 7 00 0_0 123 1_000_000 0x1F 0XdeadBEEF 0x_ff 0o17 0O7_7 0b1010 0B_1",
                  "NUMBER:0 NUMBER:7 NUMBER:00 NUMBER:0_0 NUMBER:123 NUMBER:1_000_000 "
                  "NUMBER:0x1F NUMBER:0XdeadBEEF NUMBER:0x_ff NUMBER:0o17 NUMBER:0O7_7 "
                  "NUMBER:0b1010 NUMBER:0B_1 NEWLINE ENDMARKER");
    assert_tokens("3.14 .5 5. 1e10 1E-5 2.5e+3 1_0.0_1e1_0 09.5 0e0 00.0",
                  "NUMBER:3.14 NUMBER:.5 NUMBER:5. NUMBER:1e10 NUMBER:1E-5 NUMBER:2.5e+3 "
                  "NUMBER:1_0.0_1e1_0 NUMBER:09.5 NUMBER:0e0 NUMBER:00.0 NEWLINE ENDMARKER");
    assert_tokens("2j 3.5J 1e3j 09j .5j", "NUMBER:2j NUMBER:3.5J NUMBER:1e3j NUMBER:09j "
                                          "NUMBER:.5j NEWLINE ENDMARKER");
    /* A dot after a name is an attribute, a dot before a name after a number too. */
    assert_tokens("x.y 1 .real 1..real", "x . y NUMBER:1 . real NUMBER:1. . real NEWLINE "
                                          "ENDMARKER");
}

static void number_errors(void **state)
{
    (void)state;
    assert_lex_error("x = 1abc\n", "1:6: invalid decimal literal");
    assert_lex_error("x = 1__0\n", "1:6: invalid decimal literal");
    assert_lex_error("x = 1_\n", "1:6: invalid decimal literal");
    assert_lex_error("x = 1e\n", "1:6: invalid decimal literal");
    assert_lex_error("x = 1e+\n", "1:6: invalid decimal literal");
    assert_lex_error("x = 1.real\n", "1:7: invalid decimal literal");
    assert_lex_error("x = 0123\n",
                     "1:5: leading zeros in decimal integer literals are not permitted; use an "
                     "0o prefix for octal integers");
    assert_lex_error("x = 0x\n", "1:7: invalid hexadecimal literal");
    assert_lex_error("x = 0x1g\n", "1:8: invalid hexadecimal literal");
    assert_lex_error("x = 0o8\n", "1:7: invalid digit '8' in octal literal");
    assert_lex_error("x = 0o17 + 0o79\n", "1:15: invalid digit '9' in octal literal");
    assert_lex_error("x = 0b2\n", "1:7: invalid digit '2' in binary literal");
    assert_lex_error("x = 0b\n", "1:7: invalid binary literal");
    assert_lex_error("x = 1jx\n", "1:7: invalid imaginary literal");
}

static void backslash_joins_lines(void **state)
{
    (void)state;
    assert_tokens_at("x = 1 + \\\n    2\ny\n",
                     "x@1:1 =@1:3 NUMBER:1@1:5 +@1:7 NUMBER:2@2:5 NEWLINE@2:6 y@3:1 "
                     "NEWLINE@3:2 ENDMARKER@4:1");
    /* The continued line's indentation does not count. */
    assert_tokens("if a and \\\n        b:\n    pass\n",
                  "if a and b : NEWLINE INDENT pass NEWLINE DEDENT ENDMARKER");
    /* A continuation followed by a blank line ends the (empty) logical line. */
    assert_tokens("\\\n\nx\n", "x NEWLINE ENDMARKER");
}

static void brackets_join_lines_implicitly(void **state)
{
    (void)state;
    assert_tokens_at("t = db.Table('a',\n\n    # comment\n        db.Column('id'),\n)\nz\n",
                     "t@1:1 =@1:3 db@1:5 .@1:7 Table@1:8 (@1:13 STRING:'a'@1:14 ,@1:17 "
                     "db@4:9 .@4:11 Column@4:12 (@4:18 STRING:'id'@4:19 )@4:23 ,@4:24 )@5:1 "
                     "NEWLINE@5:2 z@6:1 NEWLINE@6:2 ENDMARKER@7:1");
    assert_tokens("x = [1,\n  {2: (3,\n4)}]\n",
                  "x = [ NUMBER:1 , { NUMBER:2 : ( NUMBER:3 , NUMBER:4 ) } ] NEWLINE ENDMARKER");
}

static void indentation_gives_indent_and_dedent(void **state)
{
    (void)state;
    assert_tokens_at("class A:\n    x = 1\n\n    def f(self):\n        return 1\ny = 2\n",
                     "class@1:1 A@1:7 :@1:8 NEWLINE@1:9 INDENT@2:5 x@2:5 =@2:7 NUMBER:1@2:9 "
                     "NEWLINE@2:10 def@4:5 f@4:9 (@4:10 self@4:11 )@4:15 :@4:16 NEWLINE@4:17 "
                     "INDENT@5:9 return@5:9 NUMBER:1@5:16 NEWLINE@5:17 DEDENT@6:1 DEDENT@6:1 "
                     "y@6:1 =@6:3 NUMBER:2@6:5 NEWLINE@6:6 ENDMARKER@7:1");
    /* Comments and blank lines at any indentation change nothing. */
    assert_tokens("if a:\n    b\n# outer\n        # inner\n\n    c\n",
                  "if a : NEWLINE INDENT b NEWLINE c NEWLINE DEDENT ENDMARKER");
    /* Tabs alone are consistent; a tab reaches column 8. */
    assert_tokens("if a:\n\tb\n\tif c:\n\t\td\n", "if a : NEWLINE INDENT b NEWLINE if c : "
                                                   "NEWLINE INDENT d NEWLINE DEDENT DEDENT "
                                                   "ENDMARKER");
    /* The same indentation written the same way with tabs then spaces. */
    assert_tokens("if a:\n\t  b\n\t  c\n", "if a : NEWLINE INDENT b NEWLINE c NEWLINE DEDENT "
                                           "ENDMARKER");
}

static void file_without_trailing_newline(void **state)
{
    (void)state;
    assert_tokens_at("if a:\n    b = 1", "if@1:1 a@1:4 :@1:5 NEWLINE@1:6 INDENT@2:5 b@2:5 =@2:7 "
                                        "NUMBER:1@2:9 NEWLINE@2:10 DEDENT@2:10 ENDMARKER@2:10");
    assert_tokens("x # trailing comment", "x NEWLINE ENDMARKER");
}

static void crlf_and_cr_line_endings(void **state)
{
    (void)state;
    assert_tokens_at("if a:\r\n    b\r\nc\r\n",
                     "if@1:1 a@1:4 :@1:5 NEWLINE@1:6 INDENT@2:5 b@2:5 NEWLINE@2:6 DEDENT@3:1 "
                     "c@3:1 NEWLINE@3:2 ENDMARKER@4:1");
    assert_tokens_at("a\rb\r", "a@1:1 NEWLINE@1:2 b@2:1 NEWLINE@2:2 ENDMARKER@3:1");
    assert_tokens_at("s = '''x\r\ny'''\r\nz\r\n",
                     "s@1:1 =@1:3 STRING:'''x\r\ny'''@1:5 NEWLINE@2:5 z@3:1 NEWLINE@3:2 "
                     "ENDMARKER@4:1");
}

static void utf8_bom_is_skipped(void **state)
{
    (void)state;
    assert_tokens_at("\xEF\xBB\xBFx = 1\n",
                     "x@1:1 =@1:3 NUMBER:1@1:5 NEWLINE@1:6 ENDMARKER@2:1");
}

static void non_ascii_names_and_strings(void **state)
{
    (void)state;
    assert_tokens("café = 'naïve' # ünïcode", "café = STRING:'naïve' NEWLINE ENDMARKER");
    assert_tokens("µ = Ω", "µ = Ω NEWLINE ENDMARKER");
}

static void string_errors(void **state)
{
    (void)state;
    assert_lex_error("x = 'abc\n", "1:5: unterminated string literal (detected at line 1)");
    assert_lex_error("x = 1\ny = \"abc", "2:5: unterminated string literal (detected at line 2)");
    assert_lex_error("x = b'abc\\\n", "1:5: unterminated string literal (detected at line 1)");
    assert_lex_error("x = '''abc\n",
                     "1:5: unterminated triple-quoted string literal (detected at line 1)");
    assert_lex_error("x = \"\"\"abc\ndef\n\n",
                     "1:5: unterminated triple-quoted string literal (detected at line 3)");
    assert_lex_error("x = rb'''a'' ",
                     "1:5: unterminated triple-quoted string literal (detected at line 1)");
    assert_lex_error("x = b'caf\xC3\xA9'\n",
                     "1:5: bytes can only contain ASCII literal characters");
}

static void bracket_errors(void **state)
{
    (void)state;
    assert_lex_error("x = (1,\n", "1:5: '(' was never closed");
    assert_lex_error("x = [(1,\n2)\n", "1:5: '[' was never closed");
    assert_lex_error("x = 1)\n", "1:6: unmatched ')'");
    assert_lex_error("}\n", "1:1: unmatched '}'");
    assert_lex_error("x = (1]\n",
                     "1:7: closing parenthesis ']' does not match opening parenthesis '('");
    assert_lex_error("x = {1,\n  2)\n",
                     "2:4: closing parenthesis ')' does not match opening parenthesis '{' on "
                     "line 1");
}

static void too_many_nested_brackets(void **state)
{
    (void)state;
    char src[256];
    memset(src, '(', 201);
    src[201] = '\0';
    char *got = error_of(src, 201);
    assert_string_equal(got, "1:201: too many nested parentheses");
    free(got);
}

static void indentation_errors(void **state)
{
    (void)state;
    assert_lex_error("if x:\n    a\n  b\n",
                     "3:3: unindent does not match any outer indentation level");
    assert_lex_error("if x:\n        a\n\tb\n",
                     "3:2: inconsistent use of tabs and spaces in indentation");
    assert_lex_error("if x:\n    a\n\tb\n",
                     "3:2: inconsistent use of tabs and spaces in indentation");
    assert_lex_error("if x:\n\ta\n        b\n",
                     "3:9: inconsistent use of tabs and spaces in indentation");
    assert_lex_error("if x:\n  \ta\n\t  b\n",
                     "3:4: inconsistent use of tabs and spaces in indentation");
}

static void too_many_indentation_levels(void **state)
{
    (void)state;
    /* As in Python: 99 levels are fine, the 100th is not. */
    ath_buf b = ATH_BUF_INIT;
    for (int i = 0; i < 99; i++)
        ath_buf_printf(&b, "%*sif x:\n", i, "");
    size_t ok_len = b.len;
    ath_buf_printf(&b, "%*spass\n", 99, "");
    char *got = render(b.ptr, b.len, false);
    assert_non_null(strstr(got, "pass NEWLINE DEDENT"));
    free(got);
    b.len = ok_len;
    ath_buf_printf(&b, "%*sif x:\n%*spass\n", 99, "", 100, "");
    got = error_of(b.ptr, b.len);
    assert_string_equal(got, "101:101: too many levels of indentation");
    free(got);
    ath_buf_free(&b);
}

static void character_errors(void **state)
{
    (void)state;
    assert_lex_error("x = $\n", "1:5: invalid character '$' (U+0024)");
    assert_lex_error("x = a ? b\n", "1:7: invalid character '?' (U+003F)");
    assert_lex_error("x = a ! b\n", "1:7: invalid character '!' (U+0021)");
    assert_lex_error("x = `a`\n", "1:5: invalid character '`' (U+0060)");
    assert_lex_error("x = a\xE2\x86\x92" "b\n", "1:6: invalid character '\xE2\x86\x92' (U+2192)");
    assert_lex_error("x = \xE2\x80\x9Cq\xE2\x80\x9D\n",
                     "1:5: invalid character '\xE2\x80\x9C' (U+201C)");
    assert_lex_error("x =\xC2\xA0 1\n", "1:4: invalid non-printable character U+00A0");
    assert_lex_error("x = \x01\n", "1:5: invalid non-printable character U+0001");
    assert_lex_error("x = 1\ny = \xFF\n", "2:5: invalid UTF-8 byte 0xff in source");
    assert_lex_error("# \xC0\xAF overlong\n", "1:3: invalid UTF-8 byte 0xc0 in source");
    assert_lex_error("x = 'a\0b'\n", "1:7: source code cannot contain null bytes");
}

static void continuation_errors(void **state)
{
    (void)state;
    assert_lex_error("x = a \\ b\n",
                     "1:7: unexpected character after line continuation character");
    assert_lex_error("x = 1 \\", "1:7: unexpected EOF while parsing");
    assert_lex_error("x = 1 \\\n", "1:7: unexpected EOF while parsing");
}

static void continuation_inside_indentation(void **state)
{
    (void)state;
    /* A backslash line followed by a blank or comment line is blank. */
    assert_tokens("x = 1\n  \\\n  # c\ny = 2\n",
                  "x = NUMBER:1 NEWLINE y = NUMBER:2 NEWLINE ENDMARKER");
    assert_tokens("x = 1\n \\\n \\\n\ny = 2\n",
                  "x = NUMBER:1 NEWLINE y = NUMBER:2 NEWLINE ENDMARKER");
    /* Indentation is measured on across the continuation. */
    assert_tokens("x = 1\n\\\n    y = 2\n",
                  "x = NUMBER:1 NEWLINE INDENT y = NUMBER:2 NEWLINE DEDENT ENDMARKER");
    /* ... but the column of the first backslash, if not 0, is the indentation. */
    assert_tokens("if a:\n  \\\n      b\n  c\n",
                  "if a : NEWLINE INDENT b NEWLINE c NEWLINE DEDENT ENDMARKER");
    /* Whitespace after a final continuation is fine, nothing after it is not. */
    assert_tokens("x = 1 \\\n  ", "x = NUMBER:1 NEWLINE ENDMARKER");
    assert_lex_error("x = 1\n  \\\n", "2:3: unexpected EOF while parsing");
}

static void coding_declarations(void **state)
{
    (void)state;
    assert_tokens("# -*- coding: utf-8 -*-\nx = '\xC3\xA9'\n",
                  "x = STRING:'\xC3\xA9' NEWLINE ENDMARKER");
    assert_tokens("#!/usr/bin/env python\n# vim: set fileencoding=UTF_8 :\nx\n",
                  "x NEWLINE ENDMARKER");
    /* Another encoding is harmless in an ASCII file. */
    assert_tokens("# coding: latin-1\nx = 'e'\n", "x = STRING:'e' NEWLINE ENDMARKER");
    assert_lex_error("# -*- coding: latin-1 -*-\nx = '\xC3\xA9'\n",
                     "1:15: unsupported source encoding 'latin-1': only UTF-8 files are read");
    assert_lex_error("\n#coding=cp1252\nx = '\xC3\xA9'\n",
                     "2:9: unsupported source encoding 'cp1252': only UTF-8 files are read");
    /* Only lines 1 and 2, and line 2 only after a comment or blank line 1. */
    assert_tokens("x = 1\n# coding: latin-1\ny = '\xC3\xA9'\n",
                  "x = NUMBER:1 NEWLINE y = STRING:'\xC3\xA9' NEWLINE ENDMARKER");
}

static void source_need_not_be_nul_terminated(void **state)
{
    (void)state;
    /* Only the first 5 bytes are the source; what follows must not be read. */
    const char buf[] = "x = 1'unterminated";
    char *got = render(buf, 5, false);
    assert_string_equal(got, "x = NUMBER:1 NEWLINE ENDMARKER");
    free(got);
    char *err = error_of("x = 'ab'", 7);
    assert_string_equal(err, "1:5: unterminated string literal (detected at line 1)");
    free(err);
}

static void diagnostic_renders_with_caret(void **state)
{
    (void)state;
    const char *src = "class A:\n\tx = 'abc\n";
    ath_arena *a = ath_arena_new();
    ath_diags d;
    ath_diags_init(&d, a);
    ath_py_tokens toks;
    assert_int_equal(ath_py_tokenize(&toks, a, "models.py", src, strlen(src), &d), ATH_EPARSE);
    ath_buf out = ATH_BUF_INIT;
    ath_diag_format(&out, &d.items[0], src);
    assert_string_equal(ath_buf_cstr(&out),
                        "models.py:2:6: error: unterminated string literal (detected at line 2)\n"
                        "    \tx = 'abc\n"
                        "    \t    ^\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokens_carry_kind_text_and_position),
        cmocka_unit_test(empty_and_comment_only_files_give_only_endmarker),
        cmocka_unit_test(keywords_are_marked_and_soft_keywords_are_names),
        cmocka_unit_test(every_operator_is_one_token),
        cmocka_unit_test(operators_know_their_enum),
        cmocka_unit_test(string_prefixes_in_any_case),
        cmocka_unit_test(string_flags_and_body),
        cmocka_unit_test(single_double_and_triple_quotes),
        cmocka_unit_test(triple_quoted_strings_span_lines),
        cmocka_unit_test(fstrings_nest_quotes_braces_and_specs),
        cmocka_unit_test(fstring_errors),
        cmocka_unit_test(numbers_of_every_form),
        cmocka_unit_test(number_errors),
        cmocka_unit_test(backslash_joins_lines),
        cmocka_unit_test(brackets_join_lines_implicitly),
        cmocka_unit_test(indentation_gives_indent_and_dedent),
        cmocka_unit_test(file_without_trailing_newline),
        cmocka_unit_test(crlf_and_cr_line_endings),
        cmocka_unit_test(utf8_bom_is_skipped),
        cmocka_unit_test(non_ascii_names_and_strings),
        cmocka_unit_test(string_errors),
        cmocka_unit_test(bracket_errors),
        cmocka_unit_test(too_many_nested_brackets),
        cmocka_unit_test(indentation_errors),
        cmocka_unit_test(too_many_indentation_levels),
        cmocka_unit_test(character_errors),
        cmocka_unit_test(continuation_errors),
        cmocka_unit_test(continuation_inside_indentation),
        cmocka_unit_test(coding_declarations),
        cmocka_unit_test(source_need_not_be_nul_terminated),
        cmocka_unit_test(diagnostic_renders_with_caret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
