/*
 * INI parsing as configparser reads alembic.ini: sections, both delimiters,
 * comments, continuation lines, strictness, and %(name)s interpolation; bad
 * lines give exact diagnostics at line:col.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture {
    ath_arena *arena;
    ath_diags diags;
    ath_ini ini;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->arena = ath_arena_new();
    ath_diags_init(&f->diags, f->arena);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ath_arena_free(f->arena);
    free(f);
    return 0;
}

static int parse(fixture *f, const char *text)
{
    return ath_ini_parse(&f->ini, f->arena, "alembic.ini", text, strlen(text), &f->diags);
}

static const char *get(fixture *f, const char *section, const char *key)
{
    const ath_ini_entry *e = ath_ini_get(&f->ini, section, key);
    return e ? e->value : NULL;
}

/* The one diagnostic, formatted without the source excerpt. */
static const char *only_diag(fixture *f)
{
    assert_int_equal(f->diags.count, 1);
    ath_buf out = ATH_BUF_INIT;
    ath_diag_format(&out, &f->diags.items[0], NULL);
    char *s = ath_arena_strdup(f->arena, ath_buf_cstr(&out));
    ath_buf_free(&out);
    return s;
}

static void reads_sections_keys_and_both_delimiters(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[alembic]\n"
                              "script_location = migrations\n"
                              "Sqlalchemy.URL: sqlite:///app.db\n"
                              "\n"
                              "[athanor]\n"
                              "url=postgresql://u@h/db\n"),
                     0);
    assert_int_equal(f->ini.count, 3);
    assert_string_equal(get(f, "alembic", "script_location"), "migrations");
    /* Keys are lower-cased as configparser's optionxform does; lookups ignore case. */
    assert_string_equal(f->ini.entries[1].key, "sqlalchemy.url");
    assert_string_equal(get(f, "alembic", "SQLALCHEMY.url"), "sqlite:///app.db");
    assert_string_equal(get(f, "athanor", "url"), "postgresql://u@h/db");
    assert_int_equal(f->ini.entries[2].line, 6);
    assert_int_equal(f->ini.entries[2].value_col, 5);
    assert_null(get(f, "athanor", "models"));
    /* Section names keep their case. */
    assert_null(get(f, "Alembic", "script_location"));
}

static void splits_at_the_first_delimiter(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[s]\nkey = a=b:c\nother: x = y\n"), 0);
    assert_string_equal(get(f, "s", "key"), "a=b:c");
    assert_string_equal(get(f, "s", "other"), "x = y");
}

static void skips_comments_and_keeps_inline_hashes(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "# top\n; also a comment\n[s]\n  # indented comment\n"
                              "key = value # not a comment\n"),
                     0);
    assert_int_equal(f->ini.count, 1);
    assert_string_equal(get(f, "s", "key"), "value # not a comment");
}

static void joins_continuation_lines(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[athanor]\n"
                              "models =\n"
                              "    app/models.py\n"
                              "    # a comment inside the value\n"
                              "\n"
                              "    app/extra.py\n"
                              "\n"
                              "\n"
                              "url = x\n"),
                     0);
    /* The blank line in the middle stays; the trailing ones and the empty
     * first line are trimmed. */
    assert_string_equal(get(f, "athanor", "models"), "app/models.py\n\napp/extra.py");
    assert_int_equal(f->ini.entries[0].value_col, 0);
    assert_string_equal(get(f, "athanor", "url"), "x");
}

static void an_indented_header_continues_a_value(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[s]\nkey = a\n  [t]\n"), 0);
    assert_string_equal(get(f, "s", "key"), "a\n[t]");
}

static void continuation_is_relative_to_the_key_indent(void **state)
{
    fixture *f = *state;
    /* A key indented by two spaces: a line with the same indent is a new key. */
    assert_int_equal(parse(f, "[s]\n  a = 1\n  b = 2\n    more\n"), 0);
    assert_string_equal(get(f, "s", "a"), "1");
    assert_string_equal(get(f, "s", "b"), "2\nmore");
}

static void handles_crlf_and_a_byte_order_mark(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "\xEF\xBB\xBF[s]\r\nkey = v\r\n  w\r\n"), 0);
    assert_string_equal(get(f, "s", "key"), "v\nw");
}

static void reads_a_flask_db_init_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "# A generic, single database configuration.\n\n"
                              "[alembic]\n"
                              "# template used to generate migration files\n"
                              "# file_template = %%(rev)s_%%(slug)s\n\n"
                              "[loggers]\nkeys = root,sqlalchemy,alembic,flask_migrate\n\n"
                              "[logger_root]\nlevel = WARN\nhandlers = console\nqualname =\n\n"
                              "[formatter_generic]\n"
                              "format = %(levelname)-5.5s [%(name)s] %(message)s\n"
                              "datefmt = %H:%M:%S\n"),
                     0);
    assert_string_equal(get(f, "logger_root", "qualname"), "");
    assert_string_equal(get(f, "formatter_generic", "datefmt"), "%H:%M:%S");
    assert_null(get(f, "athanor", "models"));
}

static void falls_back_to_default(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[DEFAULT]\nroot = /srv\n[athanor]\nurl = x\n[DEFAULT]\nother = 1\n"),
                     0);
    assert_string_equal(get(f, "athanor", "root"), "/srv");
    assert_string_equal(get(f, "athanor", "other"), "1");
}

static void a_key_before_any_section_is_an_error(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "# comment\n  url = x\n[s]\n"), ATH_EPARSE);
    assert_string_equal(only_diag(f),
                        "alembic.ini:2:3: error: expected a [section] header before the first key\n");
}

static void a_line_without_delimiter_is_an_error(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[s]\nkey = 1\njust words\n"), ATH_EPARSE);
    assert_string_equal(
        only_diag(f),
        "alembic.ini:3:1: error: expected 'key = value', 'key: value' or a [section] header\n");
    /* The good lines are still read. */
    assert_string_equal(get(f, "s", "key"), "1");
}

static void every_bad_line_is_reported(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[s]\nbad one\nok = 1\nbad two\n"), ATH_EPARSE);
    assert_int_equal(f->diags.count, 2);
    assert_int_equal(f->diags.items[0].line, 2);
    assert_int_equal(f->diags.items[1].line, 4);
}

static void an_empty_key_is_an_error(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[s]\n   = value\n"), ATH_EPARSE);
    assert_string_equal(only_diag(f), "alembic.ini:2:4: error: missing key before '='\n");
}

static void an_empty_header_is_not_a_section(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[]\n"), ATH_EPARSE);
    assert_string_equal(only_diag(f),
                        "alembic.ini:1:1: error: expected a [section] header before the first key\n");
}

static void duplicates_are_errors_as_in_strict_mode(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[athanor]\nurl = a\nURL = b\n"), ATH_EPARSE);
    assert_string_equal(
        only_diag(f),
        "alembic.ini:3:1: error: key 'url' of [athanor] is already defined on line 2\n");

    fixture g = {ath_arena_new(), {0}, {0}};
    ath_diags_init(&g.diags, g.arena);
    assert_int_equal(parse(&g, "[a]\nx = 1\n[b]\n[a]\n"), ATH_EPARSE);
    assert_string_equal(only_diag(&g),
                        "alembic.ini:4:1: error: section [a] is already defined on line 1\n");
    ath_arena_free(g.arena);
}

static void diagnostics_show_the_line_and_caret(void **state)
{
    fixture *f = *state;
    const char *text = "[s]\n  oops\n";
    assert_int_equal(parse(f, text), ATH_EPARSE);
    ath_buf out = ATH_BUF_INIT;
    ath_diag_format(&out, &f->diags.items[0], text);
    assert_string_equal(
        ath_buf_cstr(&out),
        "alembic.ini:2:3: error: expected 'key = value', 'key: value' or a [section] header\n"
        "      oops\n"
        "      ^\n");
    ath_buf_free(&out);
}

static const char *interp(fixture *f, const char *section, const char *key, int *rc)
{
    const char *out = NULL;
    *rc = ath_ini_interpolate(&out, f->arena, &f->ini, ath_ini_get(&f->ini, section, key),
                              &f->diags);
    return out;
}

static void interpolates_like_basic_interpolation(void **state)
{
    fixture *f = *state;
    const char *text = "[DEFAULT]\nhost = db.local\n"
                       "[athanor]\n"
                       "name = app\n"
                       "url = postgresql://%(HOST)s/%(name)s?x=100%%\n"
                       "models = %(here)s/../models.py\n"
                       "deep = <%(url)s>\n";
    assert_int_equal(ath_ini_parse(&f->ini, f->arena, "/srv/app/migrations/alembic.ini", text,
                                   strlen(text), &f->diags),
                     0);
    int rc;
    assert_string_equal(interp(f, "athanor", "url", &rc), "postgresql://db.local/app?x=100%");
    assert_int_equal(rc, 0);
    assert_string_equal(interp(f, "athanor", "models", &rc), "/srv/app/migrations/../models.py");
    assert_string_equal(interp(f, "athanor", "deep", &rc), "<postgresql://db.local/app?x=100%>");
    assert_string_equal(interp(f, "athanor", "name", &rc), "app");
}

static void here_is_absolute_for_a_relative_path(void **state)
{
    fixture *f = *state;
    const char *text = "[athanor]\nmodels = %(here)s\n";
    assert_int_equal(ath_ini_parse(&f->ini, f->arena, "./a/../migrations/alembic.ini", text,
                                   strlen(text), &f->diags),
                     0);
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    char want[4200];
    snprintf(want, sizeof(want), "%s/migrations", strcmp(cwd, "/") == 0 ? "" : cwd);
    int rc;
    assert_string_equal(interp(f, "athanor", "models", &rc), want);
}

static void a_lone_percent_is_an_error(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[athanor]\nurl = sqlite:///100%.db\n"), 0);
    int rc;
    assert_null(interp(f, "athanor", "url", &rc));
    assert_int_equal(rc, ATH_EPARSE);
    assert_string_equal(only_diag(f), "alembic.ini:2:20: error: in [athanor] url: '%' must be "
                                      "followed by '%' or '(', found '%.db'\n");
}

static void an_unknown_name_is_an_error(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[athanor]\nurl = %(nope)s\n"), 0);
    int rc;
    assert_null(interp(f, "athanor", "url", &rc));
    assert_int_equal(rc, ATH_EPARSE);
    assert_string_equal(only_diag(f), "alembic.ini:2:7: error: in [athanor] url: '%(nope)s' "
                                      "names no key of [athanor] or [DEFAULT]\n");
}

static void a_bad_reference_is_an_error(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[athanor]\nurl = %(here\n"), 0);
    int rc;
    assert_null(interp(f, "athanor", "url", &rc));
    assert_int_equal(rc, ATH_EPARSE);
    assert_string_equal(only_diag(f), "alembic.ini:2:7: error: in [athanor] url: bad "
                                      "interpolation variable reference '%(here'\n");
}

static void a_reference_loop_stops(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "[s]\na = %(b)s\nb = %(a)s\n"), 0);
    int rc;
    assert_null(interp(f, "s", "a", &rc));
    assert_int_equal(rc, ATH_EPARSE);
    assert_string_equal(only_diag(f),
                        "alembic.ini:2: error: in [s] a: interpolation nested more than 10 deep\n");
}

static void load_reports_a_missing_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(ath_ini_load(&f->ini, f->arena, "/nonexistent/alembic.ini", &f->diags),
                     ATH_ENOTFOUND);
    assert_non_null(strstr(ath_error_last(), "/nonexistent/alembic.ini"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reads_sections_keys_and_both_delimiters, setup, teardown),
        cmocka_unit_test_setup_teardown(splits_at_the_first_delimiter, setup, teardown),
        cmocka_unit_test_setup_teardown(skips_comments_and_keeps_inline_hashes, setup, teardown),
        cmocka_unit_test_setup_teardown(joins_continuation_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(an_indented_header_continues_a_value, setup, teardown),
        cmocka_unit_test_setup_teardown(continuation_is_relative_to_the_key_indent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(handles_crlf_and_a_byte_order_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(reads_a_flask_db_init_file, setup, teardown),
        cmocka_unit_test_setup_teardown(falls_back_to_default, setup, teardown),
        cmocka_unit_test_setup_teardown(a_key_before_any_section_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_line_without_delimiter_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(every_bad_line_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(an_empty_key_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(an_empty_header_is_not_a_section, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicates_are_errors_as_in_strict_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(diagnostics_show_the_line_and_caret, setup, teardown),
        cmocka_unit_test_setup_teardown(interpolates_like_basic_interpolation, setup, teardown),
        cmocka_unit_test_setup_teardown(here_is_absolute_for_a_relative_path, setup, teardown),
        cmocka_unit_test_setup_teardown(a_lone_percent_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(an_unknown_name_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_reference_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_reference_loop_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(load_reports_a_missing_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
