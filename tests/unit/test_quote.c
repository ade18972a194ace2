/*
 * Quoting of identifiers and literals, as SQLAlchemy's identifier preparer
 * does it, and the reserved-word tables behind it, checked against word lists
 * written out here from PostgreSQL's documentation and SQLAlchemy's SQLite
 * dialect.
 */
#include "testsupport.h"

#include <stdio.h>
#include <string.h>

#define PG ATH_DIALECT_POSTGRESQL
#define LITE ATH_DIALECT_SQLITE

/* clang-format off */

/* PostgreSQL's key words appendix, PostgreSQL column: "reserved" and
 * "reserved (can be function or type)". Such a word is never a bare name. */
static const char *const pg_reserved_words[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
    "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
    "current_date", "current_role", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
    "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
    "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
    "null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
    "returning", "select", "session_user", "some", "symmetric", "system_user", "table", "then",
    "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
    "window", "with",
    /* reserved (can be function or type) */
    "authorization", "binary", "collation", "concurrently", "cross", "current_schema",
    "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural",
    "notnull", "outer", "overlaps", "right", "similar", "tablesample", "verbose",
};

/* The key words SQLAlchemy's SQLite dialect quotes. */
static const char *const sqlite_reserved_words[] = {
    "add", "after", "all", "alter", "analyze", "and", "as", "asc", "attach", "autoincrement",
    "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate",
    "column", "commit", "conflict", "constraint", "create", "cross", "current_date",
    "current_time", "current_timestamp", "database", "default", "deferrable", "deferred",
    "delete", "desc", "detach", "distinct", "drop", "each", "else", "end", "escape", "except",
    "exclusive", "exists", "explain", "false", "fail", "for", "foreign", "from", "full",
    "glob", "group", "having", "if", "ignore", "immediate", "in", "index", "indexed",
    "initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull", "join",
    "key", "left", "like", "limit", "match", "natural", "not", "notnull", "null", "of",
    "offset", "on", "or", "order", "outer", "plan", "pragma", "primary", "query", "raise",
    "references", "reindex", "rename", "replace", "restrict", "right", "rollback", "row",
    "select", "set", "table", "temp", "temporary", "then", "to", "transaction", "trigger",
    "true", "union", "unique", "update", "using", "vacuum", "values", "view", "virtual",
    "when", "where",
};

/* clang-format on */

static void assert_ident(ath_dialect dialect, const char *name, const char *expected)
{
    ath_buf out = ATH_BUF_INIT;
    ath_quote_ident(&out, dialect, name);
    assert_int_equal(ath_buf_check(&out), 0);
    if (strcmp(ath_buf_cstr(&out), expected) != 0)
        fail_msg("%s: '%s' quoted as '%s', expected '%s'", ath_dialect_name(dialect), name,
                 ath_buf_cstr(&out), expected);
    ath_buf_free(&out);
}

static void assert_both(const char *name, const char *expected)
{
    assert_ident(PG, name, expected);
    assert_ident(LITE, name, expected);
}

static void plain_lower_case_names_stay_bare(void **state)
{
    (void)state;
    const char *plain[] = {"users", "user_id", "a1", "x$y", "_private", "created_at", "t"};
    for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++)
        assert_both(plain[i], plain[i]);
}

static void user_is_quoted_on_postgresql_but_not_on_sqlite(void **state)
{
    (void)state;
    assert_ident(PG, "user", "\"user\"");
    assert_ident(LITE, "user", "user");
}

static void words_reserved_on_both_are_quoted_on_both(void **state)
{
    (void)state;
    assert_both("group", "\"group\"");
    assert_both("order", "\"order\"");
    assert_both("select", "\"select\"");
    assert_both("table", "\"table\"");
}

static void words_reserved_on_sqlite_only(void **state)
{
    (void)state;
    assert_ident(LITE, "key", "\"key\"");
    assert_ident(PG, "key", "key");
    assert_ident(LITE, "index", "\"index\"");
    assert_ident(PG, "index", "index");
}

static void upper_case_letters_force_quotes(void **state)
{
    (void)state;
    assert_both("UserAccount", "\"UserAccount\"");
    assert_both("USERS", "\"USERS\"");
    assert_both("userId", "\"userId\"");
    assert_both("SELECT", "\"SELECT\"");
}

static void odd_characters_and_leading_digits_force_quotes(void **state)
{
    (void)state;
    assert_both("first name", "\"first name\"");
    assert_both("1st", "\"1st\"");
    assert_both("$x", "\"$x\"");
    assert_both("a-b", "\"a-b\"");
    assert_both("a.b", "\"a.b\"");
    assert_both("caf\xc3\xa9", "\"caf\xc3\xa9\"");
}

static void embedded_double_quotes_are_doubled(void **state)
{
    (void)state;
    assert_both("say\"hi\"", "\"say\"\"hi\"\"\"");
    assert_both("\"", "\"\"\"\"");
}

static void quote_ident_appends_to_what_is_there(void **state)
{
    (void)state;
    ath_buf out = ATH_BUF_INIT;
    ath_buf_puts(&out, "SELECT ");
    ath_quote_ident(&out, PG, "user");
    ath_buf_puts(&out, ", ");
    ath_quote_ident(&out, PG, "name");
    assert_string_equal(ath_buf_cstr(&out), "SELECT \"user\", name");
    ath_buf_free(&out);
}

static void quote_ident_always_delimits(void **state)
{
    (void)state;
    ath_buf out = ATH_BUF_INIT;
    ath_quote_ident_always(&out, "users");
    assert_string_equal(ath_buf_cstr(&out), "\"users\"");
    ath_buf_clear(&out);
    ath_quote_ident_always(&out, "a\"b");
    assert_string_equal(ath_buf_cstr(&out), "\"a\"\"b\"");
    ath_buf_free(&out);
}

static void quote_literal_doubles_single_quotes_only(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"it's", "'it''s'"},
        {"", "''"},
        {"''", "''''''"},
        {"plain", "'plain'"},
        {"back\\slash", "'back\\slash'"},
        {"say \"hi\"", "'say \"hi\"'"},
        {"line\nbreak", "'line\nbreak'"},
    };
    for (int d = 0; d < 2; d++) {
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
            ath_buf out = ATH_BUF_INIT;
            ath_quote_literal(&out, d ? PG : LITE, cases[i][0]);
            assert_string_equal(ath_buf_cstr(&out), cases[i][1]);
            ath_buf_free(&out);
        }
    }
}

static void reserved_word_check_ignores_case(void **state)
{
    (void)state;
    assert_true(ath_is_reserved_word(PG, "select"));
    assert_true(ath_is_reserved_word(PG, "SELECT"));
    assert_true(ath_is_reserved_word(PG, "SeLeCt"));
    assert_true(ath_is_reserved_word(LITE, "Pragma"));
    assert_true(ath_is_reserved_word(PG, "USER"));
    assert_false(ath_is_reserved_word(LITE, "USER"));
}

static void reserved_word_check_refuses_non_words(void **state)
{
    (void)state;
    assert_false(ath_is_reserved_word(PG, ""));
    assert_false(ath_is_reserved_word(PG, "selects"));
    assert_false(ath_is_reserved_word(PG, "selec"));
    assert_false(ath_is_reserved_word(PG, "current_timestamp_of_the_last_login_attempt"));
    assert_false(ath_is_reserved_word(LITE, "select "));
}

static void every_postgresql_reserved_word_is_reported(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pg_reserved_words) / sizeof(*pg_reserved_words); i++) {
        if (!ath_is_reserved_word(PG, pg_reserved_words[i]))
            fail_msg("'%s' is reserved in PostgreSQL but not reported so", pg_reserved_words[i]);
        char quoted[64];
        snprintf(quoted, sizeof(quoted), "\"%s\"", pg_reserved_words[i]);
        assert_ident(PG, pg_reserved_words[i], quoted);
    }
}

static void every_sqlite_reserved_word_is_reported(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(sqlite_reserved_words) / sizeof(*sqlite_reserved_words); i++) {
        if (!ath_is_reserved_word(LITE, sqlite_reserved_words[i]))
            fail_msg("'%s' is quoted by SQLAlchemy on SQLite but not reported reserved",
                     sqlite_reserved_words[i]);
    }
}

static void common_column_names_are_not_reserved(void **state)
{
    (void)state;
    const char *pg_free[] = {"name",  "type",      "value",   "key",      "data", "text",
                             "date",  "timestamp", "level",   "position", "year", "password",
                             "email", "status",    "comment", "role",     "id",   "index"};
    for (size_t i = 0; i < sizeof(pg_free) / sizeof(*pg_free); i++) {
        if (ath_is_reserved_word(PG, pg_free[i]))
            fail_msg("'%s' is not reserved in PostgreSQL", pg_free[i]);
        assert_ident(PG, pg_free[i], pg_free[i]);
    }
    const char *lite_free[] = {"user",  "name",   "type", "data",     "text", "date",
                               "email", "status", "id",   "password", "level"};
    for (size_t i = 0; i < sizeof(lite_free) / sizeof(*lite_free); i++) {
        if (ath_is_reserved_word(LITE, lite_free[i]))
            fail_msg("'%s' is not reserved on SQLite", lite_free[i]);
        assert_ident(LITE, lite_free[i], lite_free[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_lower_case_names_stay_bare),
        cmocka_unit_test(user_is_quoted_on_postgresql_but_not_on_sqlite),
        cmocka_unit_test(words_reserved_on_both_are_quoted_on_both),
        cmocka_unit_test(words_reserved_on_sqlite_only),
        cmocka_unit_test(upper_case_letters_force_quotes),
        cmocka_unit_test(odd_characters_and_leading_digits_force_quotes),
        cmocka_unit_test(embedded_double_quotes_are_doubled),
        cmocka_unit_test(quote_ident_appends_to_what_is_there),
        cmocka_unit_test(quote_ident_always_delimits),
        cmocka_unit_test(quote_literal_doubles_single_quotes_only),
        cmocka_unit_test(reserved_word_check_ignores_case),
        cmocka_unit_test(reserved_word_check_refuses_non_words),
        cmocka_unit_test(every_postgresql_reserved_word_is_reported),
        cmocka_unit_test(every_sqlite_reserved_word_is_reported),
        cmocka_unit_test(common_column_names_are_not_reserved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
