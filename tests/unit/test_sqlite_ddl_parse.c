/* The reader of stored SQLite CREATE TABLE / CREATE INDEX text, on tricky and broken input. */
#include "testsupport.h"

#include <string.h>

#include "backend/sqlite_ddl_parse.h"

static ath_arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = ath_arena_new();
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ath_arena_free(arena);
    arena = NULL;
    return 0;
}

static ath_sqlite_table_def *table_ok(const char *sql)
{
    ath_sqlite_table_def *def = NULL;
    int rc = ath_sqlite_parse_create_table(&def, arena, sql);
    if (rc != 0)
        fail_msg("parse failed: %s\n  input: %s", ath_error_last(), sql);
    assert_non_null(def);
    return def;
}

static ath_sqlite_index_def *index_ok(const char *sql)
{
    ath_sqlite_index_def *def = NULL;
    int rc = ath_sqlite_parse_create_index(&def, arena, sql);
    if (rc != 0)
        fail_msg("parse failed: %s\n  input: %s", ath_error_last(), sql);
    assert_non_null(def);
    return def;
}

static void table_fails(const char *sql, const char *message_part)
{
    ath_sqlite_table_def *def = (ath_sqlite_table_def *)&def;
    int rc = ath_sqlite_parse_create_table(&def, arena, sql);
    if (rc != ATH_EPARSE)
        fail_msg("expected ATH_EPARSE, got %d for: %s", rc, sql);
    assert_null(def);
    if (!strstr(ath_error_last(), message_part))
        fail_msg("message \"%s\" lacks \"%s\"", ath_error_last(), message_part);
}

static void index_fails(const char *sql, const char *message_part)
{
    ath_sqlite_index_def *def = (ath_sqlite_index_def *)&def;
    int rc = ath_sqlite_parse_create_index(&def, arena, sql);
    if (rc != ATH_EPARSE)
        fail_msg("expected ATH_EPARSE, got %d for: %s", rc, sql);
    assert_null(def);
    if (!strstr(ath_error_last(), message_part))
        fail_msg("message \"%s\" lacks \"%s\"", ath_error_last(), message_part);
}

static void assert_names(const char *const *names, size_t n, const char *const *expected,
                         size_t nexpected)
{
    assert_int_equal(n, nexpected);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], expected[i]);
}

#define NAMES(...)                                                                                 \
    ((const char *const[]){__VA_ARGS__}),                                                          \
        (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void create_all_output_is_read(void **state)
{
    (void)state;
    ath_sqlite_table_def *def = table_ok("CREATE TABLE user (\n\tid INTEGER NOT NULL, \n"
                                         "\tusername VARCHAR(80) NOT NULL, \n"
                                         "\temail VARCHAR(120), \n"
                                         "\tPRIMARY KEY (id), \n\tUNIQUE (username)\n)");
    assert_string_equal(def->name, "user");
    assert_null(def->schema_name);
    assert_false(def->without_rowid);
    assert_int_equal(def->ncolumns, 3);
    assert_string_equal(def->columns[0].name, "id");
    assert_string_equal(def->columns[0].type, "INTEGER");
    assert_true(def->columns[0].not_null);
    assert_string_equal(def->columns[1].type, "VARCHAR(80)");
    assert_string_equal(def->columns[2].name, "email");
    assert_false(def->columns[2].not_null);
    assert_null(def->columns[2].default_sql);
    assert_int_equal(def->nconstraints, 2);
    assert_int_equal(def->constraints[0].kind, ATH_SQLITE_CONS_PRIMARY_KEY);
    assert_null(def->constraints[0].name);
    assert_false(def->constraints[0].column_level);
    assert_names(def->constraints[0].columns, def->constraints[0].ncolumns, NAMES("id"));
    assert_int_equal(def->constraints[1].kind, ATH_SQLITE_CONS_UNIQUE);
    assert_names(def->constraints[1].columns, def->constraints[1].ncolumns, NAMES("username"));
}

static void every_quote_kind_is_unquoted(void **state)
{
    (void)state;
    ath_sqlite_table_def *def =
        table_ok("CREATE TABLE \"my \"\"t\"\"\" ([a b] INT, `c``d` TEXT, 'e''f' REAL, "
                 "\"select\" INT, [x\"y] INT, UNIQUE ([a b], 'e''f'))");
    assert_string_equal(def->name, "my \"t\"");
    assert_int_equal(def->ncolumns, 5);
    assert_string_equal(def->columns[0].name, "a b");
    assert_string_equal(def->columns[1].name, "c`d");
    assert_string_equal(def->columns[2].name, "e'f");
    assert_string_equal(def->columns[3].name, "select");
    assert_string_equal(def->columns[4].name, "x\"y");
    assert_names(def->constraints[0].columns, def->constraints[0].ncolumns, NAMES("a b", "e'f"));
}

static void comments_and_strings_hide_parentheses(void **state)
{
    (void)state;
    ath_sqlite_table_def *def = table_ok("CREATE TABLE t ( -- a comment with ) and ,\n"
                                         "  a TEXT /* ) , */ NOT NULL,\n"
                                         "  b INT CHECK (a <> ')' /* ) */ AND b > 0 -- )\n),\n"
                                         "  CHECK (\"x)\" IS NULL OR [y)] > 0)\n"
                                         ") /* trailing */ -- done");
    assert_int_equal(def->ncolumns, 2);
    assert_true(def->columns[0].not_null);
    assert_int_equal(def->nconstraints, 2);
    /* Inner comments stay; one at the end would comment out a ')' put after it. */
    assert_string_equal(def->constraints[0].check, "a <> ')' /* ) */ AND b > 0");
    assert_true(def->constraints[0].column_level);
    assert_names(def->constraints[0].columns, def->constraints[0].ncolumns, NAMES("b"));
    assert_string_equal(def->constraints[1].check, "\"x)\" IS NULL OR [y)] > 0");
    assert_false(def->constraints[1].column_level);
}

static void nested_parentheses_are_kept_whole(void **state)
{
    (void)state;
    ath_sqlite_table_def *def = table_ok("CREATE TABLE t (a INT, b INT, "
                                         "CONSTRAINT ck_sum CHECK ((a + (b * 2)) > (SELECT 0)), "
                                         "CHECK(length(trim(a, ' ()')) BETWEEN 1 AND 10))");
    assert_int_equal(def->nconstraints, 2);
    assert_string_equal(def->constraints[0].name, "ck_sum");
    assert_string_equal(def->constraints[0].check, "(a + (b * 2)) > (SELECT 0)");
    assert_null(def->constraints[1].name);
    assert_string_equal(def->constraints[1].check, "length(trim(a, ' ()')) BETWEEN 1 AND 10");
}

static void named_table_constraints_are_read(void **state)
{
    (void)state;
    ath_sqlite_table_def *def = table_ok(
        "CREATE TABLE line (\n\ta INTEGER NOT NULL, \n\tb INTEGER NOT NULL, \n\tc INTEGER, \n"
        "\tCONSTRAINT pk_line PRIMARY KEY (a, b), \n"
        "\tCONSTRAINT uq_line_c UNIQUE (c, b), \n"
        "\tCONSTRAINT ck_line_c CHECK (c > 0), \n"
        "\tCONSTRAINT fk_line_order FOREIGN KEY(a, b) REFERENCES \"order\" (id, rev) "
        "ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED\n)");
    assert_int_equal(def->nconstraints, 4);
    const ath_sqlite_cons *c = def->constraints;
    assert_int_equal(c[0].kind, ATH_SQLITE_CONS_PRIMARY_KEY);
    assert_string_equal(c[0].name, "pk_line");
    assert_names(c[0].columns, c[0].ncolumns, NAMES("a", "b"));
    assert_int_equal(c[1].kind, ATH_SQLITE_CONS_UNIQUE);
    assert_string_equal(c[1].name, "uq_line_c");
    assert_names(c[1].columns, c[1].ncolumns, NAMES("c", "b"));
    assert_int_equal(c[2].kind, ATH_SQLITE_CONS_CHECK);
    assert_string_equal(c[2].name, "ck_line_c");
    assert_string_equal(c[2].check, "c > 0");
    assert_int_equal(c[3].kind, ATH_SQLITE_CONS_FOREIGN_KEY);
    assert_string_equal(c[3].name, "fk_line_order");
    assert_names(c[3].columns, c[3].ncolumns, NAMES("a", "b"));
    assert_string_equal(c[3].ref_table, "order");
    assert_names(c[3].ref_columns, c[3].nref_columns, NAMES("id", "rev"));
    assert_string_equal(c[3].on_delete, "CASCADE");
    assert_string_equal(c[3].on_update, "SET NULL");
    assert_true(c[3].deferrable);
    assert_string_equal(c[3].initially, "DEFERRED");
}

static void column_constraints_are_read(void **state)
{
    (void)state;
    ath_sqlite_table_def *def = table_ok(
        "CREATE TABLE t (\n"
        "  id integer CONSTRAINT pk_t PRIMARY KEY ASC ON CONFLICT ABORT AUTOINCREMENT,\n"
        "  x INT NOT NULL ON CONFLICT FAIL CONSTRAINT ck_x CHECK (x > 0) UNIQUE\n"
        "    REFERENCES other ON DELETE SET DEFAULT MATCH FULL NOT DEFERRABLE INITIALLY "
        "IMMEDIATE,\n"
        "  y DEFAULT (datetime('now')) COLLATE \"NOCASE\" NULL,\n"
        "  z GENERATED ALWAYS AS (x + 1) STORED,\n"
        "  w AS (x * 2),\n"
        "  v TEXT CONSTRAINT named_nothing DEFAULT 'it''s' CONSTRAINT fk_v REFERENCES p(k) "
        "DEFERRABLE\n"
        ")");
    assert_int_equal(def->ncolumns, 6);
    assert_string_equal(def->columns[0].type, "integer");
    assert_string_equal(def->columns[2].type, "");
    assert_string_equal(def->columns[2].default_sql, "(datetime('now'))");
    assert_string_equal(def->columns[2].collation, "NOCASE");
    assert_false(def->columns[2].not_null);
    assert_true(def->columns[3].generated);
    assert_true(def->columns[4].generated);
    assert_string_equal(def->columns[5].default_sql, "'it''s'");

    assert_int_equal(def->nconstraints, 5);
    const ath_sqlite_cons *c = def->constraints;
    assert_int_equal(c[0].kind, ATH_SQLITE_CONS_PRIMARY_KEY);
    assert_string_equal(c[0].name, "pk_t");
    assert_true(c[0].column_level);
    assert_true(c[0].autoincrement);
    assert_false(c[0].desc);
    assert_names(c[0].columns, c[0].ncolumns, NAMES("id"));
    assert_int_equal(c[1].kind, ATH_SQLITE_CONS_CHECK);
    assert_string_equal(c[1].name, "ck_x");
    assert_int_equal(c[2].kind, ATH_SQLITE_CONS_UNIQUE);
    assert_null(c[2].name);
    assert_names(c[2].columns, c[2].ncolumns, NAMES("x"));
    assert_int_equal(c[3].kind, ATH_SQLITE_CONS_FOREIGN_KEY);
    assert_null(c[3].name);
    assert_string_equal(c[3].ref_table, "other");
    assert_null(c[3].ref_columns);
    assert_string_equal(c[3].on_delete, "SET DEFAULT");
    assert_null(c[3].on_update);
    assert_false(c[3].deferrable);
    assert_string_equal(c[3].initially, "IMMEDIATE");
    assert_int_equal(c[4].kind, ATH_SQLITE_CONS_FOREIGN_KEY);
    assert_string_equal(c[4].name, "fk_v");
    assert_names(c[4].ref_columns, c[4].nref_columns, NAMES("k"));
    assert_true(c[4].deferrable);
    assert_null(c[4].initially);
}

static void defaults_of_every_shape(void **state)
{
    (void)state;
    ath_sqlite_table_def *def = table_ok(
        "CREATE TABLE d (a INT DEFAULT -1, b REAL DEFAULT +2.5e-3, c BLOB DEFAULT x'00ff', "
        "e DEFAULT CURRENT_TIMESTAMP, f BOOLEAN DEFAULT TRUE NOT NULL, g DEFAULT NULL, "
        "h DEFAULT 0x1F)");
    assert_int_equal(def->ncolumns, 7);
    assert_string_equal(def->columns[0].default_sql, "-1");
    assert_string_equal(def->columns[1].default_sql, "+2.5e-3");
    assert_string_equal(def->columns[2].default_sql, "x'00ff'");
    assert_string_equal(def->columns[3].default_sql, "CURRENT_TIMESTAMP");
    assert_string_equal(def->columns[4].default_sql, "TRUE");
    assert_true(def->columns[4].not_null);
    assert_string_equal(def->columns[5].default_sql, "NULL");
    assert_string_equal(def->columns[6].default_sql, "0x1F");
}

static void odd_spacing_and_case(void **state)
{
    (void)state;
    ath_sqlite_table_def *def =
        table_ok("create   table\tT(a int,b VARCHAR ( 80 )not null,c double precision,"
                 "d UNSIGNED BIG INT,primary key(a)unique(b)constraint u2 unique(c))"
                 "without rowid,strict;");
    assert_string_equal(def->name, "T");
    assert_int_equal(def->ncolumns, 4);
    assert_string_equal(def->columns[1].type, "VARCHAR ( 80 )");
    assert_true(def->columns[1].not_null);
    assert_string_equal(def->columns[2].type, "double precision");
    assert_string_equal(def->columns[3].type, "UNSIGNED BIG INT");
    assert_int_equal(def->nconstraints, 3);
    assert_string_equal(def->constraints[2].name, "u2");
    assert_true(def->without_rowid);
    assert_true(def->strict);
}

static void generated_is_a_type_word_unless_always_follows(void **state)
{
    (void)state;
    /* As SQLite reads them (found by the differential fuzzer). */
    ath_sqlite_table_def *def =
        table_ok("CREATE TABLE g (desc\nGENERATED\t INT, b INT GENERATED, c GENERATED, "
                 "d INT GENERATED ALWAYS AS (1), e GENERATED ALWAYS AS (2) VIRTUAL)");
    assert_int_equal(def->ncolumns, 5);
    assert_string_equal(def->columns[0].name, "desc");
    assert_string_equal(def->columns[0].type, "GENERATED\t INT");
    assert_false(def->columns[0].generated);
    assert_string_equal(def->columns[1].type, "INT GENERATED");
    assert_string_equal(def->columns[2].type, "GENERATED");
    assert_string_equal(def->columns[3].type, "INT");
    assert_true(def->columns[3].generated);
    assert_string_equal(def->columns[4].type, "");
    assert_true(def->columns[4].generated);
}

static void table_forms_beyond_plain(void **state)
{
    (void)state;
    ath_sqlite_table_def *def =
        table_ok("CREATE TEMP TABLE IF NOT EXISTS main.t (id PRIMARY KEY DESC, "
                 "PRIMARY KEY (\"id\" COLLATE nocase DESC AUTOINCREMENT))");
    assert_string_equal(def->schema_name, "main");
    assert_string_equal(def->name, "t");
    assert_true(def->constraints[0].desc);
    assert_true(def->constraints[1].autoincrement);
    assert_names(def->constraints[1].columns, def->constraints[1].ncolumns, NAMES("id"));

    def = table_ok("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter')");
    assert_true(def->is_virtual);
    assert_string_equal(def->name, "docs");
    assert_int_equal(def->ncolumns, 0);

    def = table_ok("CREATE TABLE copy AS SELECT * FROM t");
    assert_true(def->as_select);
    assert_int_equal(def->ncolumns, 0);

    /* A CONSTRAINT name alone is allowed and names nothing. */
    def = table_ok("CREATE TABLE n (a, CONSTRAINT lonely)");
    assert_int_equal(def->nconstraints, 0);
    def = table_ok("CREATE TABLE n (a, CONSTRAINT lonely CONSTRAINT uq UNIQUE (a))");
    assert_int_equal(def->nconstraints, 1);
    assert_string_equal(def->constraints[0].name, "uq");
}

static void index_with_expressions_and_where(void **state)
{
    (void)state;
    ath_sqlite_index_def *def =
        index_ok("CREATE UNIQUE INDEX IF NOT EXISTS main.\"ix_user_email\" ON \"user\" "
                 "(lower(email) COLLATE NOCASE DESC, [name], \"select\" ASC, (a + b), "
                 "substr(x, 1, 2) || ')', desc) WHERE (deleted IS NULL) AND email <> '(';");
    assert_true(def->unique);
    assert_string_equal(def->schema_name, "main");
    assert_string_equal(def->name, "ix_user_email");
    assert_string_equal(def->table, "user");
    assert_int_equal(def->nelems, 6);
    const ath_sqlite_index_elem *e = def->elems;
    assert_string_equal(e[0].text, "lower(email) COLLATE NOCASE DESC");
    assert_string_equal(e[0].expr, "lower(email)");
    assert_null(e[0].column);
    assert_string_equal(e[0].collation, "NOCASE");
    assert_true(e[0].desc);
    assert_string_equal(e[1].column, "name");
    assert_string_equal(e[1].expr, "[name]");
    assert_string_equal(e[2].column, "select");
    assert_false(e[2].desc);
    assert_string_equal(e[2].expr, "\"select\"");
    assert_null(e[3].column);
    assert_string_equal(e[3].expr, "(a + b)");
    assert_string_equal(e[4].expr, "substr(x, 1, 2) || ')'");
    /* A column may be called desc. */
    assert_string_equal(e[5].column, "desc");
    assert_false(e[5].desc);
    assert_string_equal(def->where, "(deleted IS NULL) AND email <> '('");

    def = index_ok("CREATE INDEX ix_plain ON t (a)");
    assert_false(def->unique);
    assert_null(def->where);
    assert_null(def->schema_name);
    assert_int_equal(def->nelems, 1);
}

static void error_says_where(void **state)
{
    (void)state;
    ath_sqlite_table_def *def;
    int rc = ath_sqlite_parse_create_table(&def, arena, "CREATE TABLE t (\n  a INT,\n  b INT ]\n)");
    assert_int_equal(rc, ATH_EPARSE);
    assert_string_equal(ath_error_last(),
                        "CREATE TABLE: expected a column constraint, ',' or ')' at line 3, "
                        "column 9, near \"]\"");
}

static void garbage_is_a_parse_error(void **state)
{
    (void)state;
    table_fails("", "expected CREATE");
    table_fails("   -- only a comment", "expected CREATE");
    table_fails("DROP TABLE t", "expected CREATE");
    table_fails("CREATE", "expected TABLE");
    table_fails("CREATE TABLE", "expected a table name");
    table_fails("CREATE TABLE t", "expected '(' or AS");
    table_fails("CREATE TABLE t (", "expected a column name");
    table_fails("CREATE TABLE t (a", "expected ',' or ')'");
    table_fails("CREATE TABLE t (a INT,)", "expected a column name");
    table_fails("CREATE TABLE t ()", "expected a column name");
    table_fails("CREATE TABLE t (a) garbage", "expected the end of the statement");
    table_fails("CREATE TABLE t (a) WITHOUT", "expected ROWID");
    table_fails("CREATE TABLE t (a) WITHOUT ROWID,", "expected WITHOUT ROWID or STRICT");
    table_fails("CREATE TABLE t (a CHECK ())", "expected an expression");
    table_fails("CREATE TABLE t (a CHECK (a > 0)", "expected ',' or ')'");
    table_fails("CREATE TABLE t (a CHECK ((a > 0)", "expected ')'");
    table_fails("CREATE TABLE t (a REFERENCES)", "expected the referenced table");
    table_fails("CREATE TABLE t (a REFERENCES p ON DROP)", "expected DELETE or UPDATE");
    table_fails("CREATE TABLE t (a REFERENCES p ON DELETE EXPLODE)", "expected SET NULL");
    table_fails("CREATE TABLE t (PRIMARY KEY (a))", "expected a column definition");
    table_fails("CREATE TABLE t (a, PRIMARY KEY (a), b INT)", "expected a table constraint");
    table_fails("CREATE TABLE t (a, PRIMARY KEY ())", "expected a column name or an expression");
    table_fails("CREATE TABLE t (a, FOREIGN KEY (a) p)", "expected REFERENCES");
    table_fails("CREATE TABLE t (a TEXT DEFAULT 'open", "unterminated quoted text");
    table_fails("CREATE TABLE \"t (a)", "unterminated quoted text");
    table_fails("CREATE TABLE [t (a)", "unterminated quoted text");
    table_fails("CREATE TABLE t (a DEFAULT)", "expected a default value");
    table_fails("CREATE TABLE t (a NOT)", "expected NULL or DEFERRABLE");
    table_fails("CREATE TABLE t (a UNIQUE ON CONFLICT EXPLODE)", "expected ROLLBACK");
    table_fails("CREATE TABLE t (a INT NOT NULL GENERATED AS (1))", "expected ALWAYS");

    index_fails("", "expected CREATE");
    index_fails("CREATE TABLE t (a)", "expected INDEX");
    index_fails("CREATE INDEX i t (a)", "expected ON");
    index_fails("CREATE INDEX i ON t", "expected '('");
    index_fails("CREATE INDEX i ON t ()", "expected a column name or an expression");
    index_fails("CREATE INDEX i ON t (a,)", "expected a column name or an expression");
    index_fails("CREATE INDEX i ON t (a", "expected ')'");
    index_fails("CREATE INDEX i ON t (a) WHERE", "expected an expression after WHERE");
    index_fails("CREATE INDEX i ON t (a) WHERE (b", "expected ')'");
    index_fails("CREATE INDEX i ON t (a) WHERE b)", "unbalanced ')'");
    index_fails("CREATE INDEX i ON t (a) junk", "expected the end of the statement");
    index_fails("CREATE INDEX i ON t (a) WHERE b; c", "expected the end of the statement");
}

static void every_prefix_is_handled(void **state)
{
    (void)state;
    /* Each cut of a valid statement is either read or refused, never a crash
     * (run under ASan, this walks every early end of the text). */
    static const char table[] =
        "CREATE TABLE \"t\" (id INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT, "
        "n VARCHAR(5) DEFAULT 'x' CHECK (n IN ('a', 'b')), "
        "CONSTRAINT fk FOREIGN KEY (n) REFERENCES [p] (k) ON DELETE CASCADE DEFERRABLE "
        "INITIALLY DEFERRED) WITHOUT ROWID";
    static const char index[] =
        "CREATE UNIQUE INDEX ix ON t (lower(a) COLLATE nocase DESC, b) WHERE c > 0";
    char buf[sizeof(table)];
    for (size_t n = 0; n < sizeof(table); n++) {
        memcpy(buf, table, n);
        buf[n] = '\0';
        ath_sqlite_table_def *def;
        int rc = ath_sqlite_parse_create_table(&def, arena, buf);
        assert_true(rc == 0 || rc == ATH_EPARSE);
    }
    for (size_t n = 0; n < sizeof(index); n++) {
        memcpy(buf, index, n);
        buf[n] = '\0';
        ath_sqlite_index_def *def;
        int rc = ath_sqlite_parse_create_index(&def, arena, buf);
        assert_true(rc == 0 || rc == ATH_EPARSE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_all_output_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(every_quote_kind_is_unquoted, setup, teardown),
        cmocka_unit_test_setup_teardown(comments_and_strings_hide_parentheses, setup, teardown),
        cmocka_unit_test_setup_teardown(nested_parentheses_are_kept_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(named_table_constraints_are_read, setup, teardown),
        cmocka_unit_test_setup_teardown(column_constraints_are_read, setup, teardown),
        cmocka_unit_test_setup_teardown(defaults_of_every_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(odd_spacing_and_case, setup, teardown),
        cmocka_unit_test_setup_teardown(generated_is_a_type_word_unless_always_follows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(table_forms_beyond_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(index_with_expressions_and_where, setup, teardown),
        cmocka_unit_test_setup_teardown(error_says_where, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_is_a_parse_error, setup, teardown),
        cmocka_unit_test_setup_teardown(every_prefix_is_handled, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
