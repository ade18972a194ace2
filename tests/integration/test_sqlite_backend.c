/* The SQLite backend on real files: opening, statements, queries and the migration lock. */
#include "testsupport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *with_query(const char *url, const char *query)
{
    ath_buf b = ATH_BUF_INIT;
    ath_buf_printf(&b, "%s?%s", url, query);
    assert_int_equal(ath_buf_check(&b), 0);
    return ath_buf_detach(&b);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("\"%s\" lacks \"%s\"", text, part);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void missing_file_with_must_exist_is_not_found_and_not_created(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("missing");
    char *url = ts_sqlite_url(path);
    ath_backend *be = (ath_backend *)&be;
    assert_int_equal(ath_backend_open(&be, url, ATH_OPEN_MUST_EXIST), ATH_ENOTFOUND);
    assert_null(be);
    char expected[512];
    snprintf(expected, sizeof(expected), "no SQLite database at %s", path);
    assert_string_equal(ath_error_last(), expected);
    struct stat st;
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(errno, ENOENT);
    free(url);
    free(path);
}

static void text_file_is_not_a_database(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("notes");
    static const char text[] = "These are my notes, not a database.\n"
                               "They are long enough to fill SQLite's 100-byte header, "
                               "and then some more words.\n";
    write_file(path, text);
    char *url = ts_sqlite_url(path);
    for (int i = 0; i < 2; i++) {
        ath_backend *be = NULL;
        assert_int_equal(ath_backend_open(&be, url, i ? 0 : ATH_OPEN_MUST_EXIST), ATH_EBACKEND);
        assert_null(be);
        char expected[512];
        snprintf(expected, sizeof(expected), "%s is not a SQLite database", path);
        assert_string_equal(ath_error_last(), expected);
    }
    /* Untouched. */
    FILE *f = fopen(path, "r");
    char back[sizeof(text) + 8];
    size_t n = fread(back, 1, sizeof(back), f);
    fclose(f);
    assert_int_equal(n, sizeof(text) - 1);
    assert_memory_equal(back, text, n);
    free(url);
    free(path);
}

static void open_without_flag_creates_the_file(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("fresh");
    char *url = ts_sqlite_url(path);
    ath_backend *be = ts_open(url);
    assert_int_equal(ath_backend_dialect(be), ATH_DIALECT_SQLITE);
    assert_true(ath_backend_caps_of(be).transactional_ddl);
    assert_false(ath_backend_caps_of(be).native_alter);
    ath_backend_close(be);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);

    /* Now it exists, so ATH_OPEN_MUST_EXIST opens it. */
    assert_int_equal(ath_backend_open(&be, url, ATH_OPEN_MUST_EXIST), 0);
    ath_backend_close(be);
    free(url);
    free(path);
}

static void relative_path_is_relative_to_the_working_directory(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("anchor");
    char *dir = strdup(path);
    *strrchr(dir, '/') = '\0';
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(dir), 0);
    ath_backend *be = ts_open("sqlite:///relative.db");
    ts_exec(be, "CREATE TABLE t (a)");
    ath_backend_close(be);
    assert_int_equal(chdir(cwd), 0);
    char full[4200];
    snprintf(full, sizeof(full), "%s/relative.db", dir);
    struct stat st;
    assert_int_equal(stat(full, &st), 0);
    free(dir);
    free(path);
}

static void memory_url_works(void **state)
{
    (void)state;
    static const char *const urls[] = {"sqlite://", "sqlite:///:memory:"};
    for (size_t u = 0; u < 2; u++) {
        ath_backend *be = NULL;
        assert_int_equal(ath_backend_open(&be, urls[u], ATH_OPEN_MUST_EXIST), 0);
        ts_exec(be, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (42)");
        ath_arena *arena = ath_arena_new();
        ath_rows rows;
        assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT a FROM t", NULL, 0), 0);
        assert_int_equal(rows.nrows, 1);
        assert_string_equal(rows.values[0], "42");
        ath_arena_free(arena);
        ath_backend_close(be);
    }
}

static void query_binds_parameters_and_returns_nulls(void **state)
{
    (void)state;
    ath_backend *be = ts_open("sqlite://");
    ts_exec(be, "CREATE TABLE t (name TEXT, note TEXT, n INTEGER);"
                "INSERT INTO t VALUES ('a', NULL, 1), ('b', 'x''y', NULL), ('c', 'z', 3)");
    ath_arena *arena = ath_arena_new();
    ath_rows rows;
    const char *params[] = {"a", NULL, "x'y"};
    assert_int_equal(ath_backend_query(&rows, arena, be,
                                       "SELECT name, note, n AS number FROM t"
                                       " WHERE name = ?1 OR note IS ?2 OR note = ?3 ORDER BY name",
                                       params, 3),
                     0);
    assert_int_equal(rows.ncols, 3);
    assert_string_equal(rows.names[0], "name");
    assert_string_equal(rows.names[1], "note");
    assert_string_equal(rows.names[2], "number");
    assert_int_equal(rows.nrows, 2);
    assert_string_equal(rows.values[0], "a");
    assert_null(rows.values[1]);
    assert_string_equal(rows.values[2], "1");
    assert_string_equal(rows.values[3], "b");
    assert_string_equal(rows.values[4], "x'y");
    assert_null(rows.values[5]);

    /* No rows: the names are still there. */
    const char *none[] = {"nobody"};
    assert_int_equal(
        ath_backend_query(&rows, arena, be, "SELECT name, n FROM t WHERE name = ?1", none, 1), 0);
    assert_int_equal(rows.nrows, 0);
    assert_int_equal(rows.ncols, 2);
    assert_string_equal(rows.names[1], "n");

    /* A parameter is a value, never SQL. */
    const char *evil[] = {"x'); DROP TABLE t; --"};
    assert_int_equal(
        ath_backend_query(&rows, arena, be, "SELECT count(*) FROM t WHERE name = ?1", evil, 1), 0);
    assert_string_equal(rows.values[0], "0");
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT count(*) FROM t", NULL, 0), 0);
    assert_string_equal(rows.values[0], "3");
    ath_arena_free(arena);
    ath_backend_close(be);
}

static void query_refuses_wrong_parameter_counts_and_many_statements(void **state)
{
    (void)state;
    ath_backend *be = ts_open("sqlite://");
    ath_arena *arena = ath_arena_new();
    ath_rows rows;
    const char *one[] = {"1"};
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT ?1, ?2", one, 1), ATH_EINVAL);
    assert_string_equal(ath_error_last(), "query takes 2 parameter(s), 1 given");
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT 1", one, 1), ATH_EINVAL);
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT 1; SELECT 2", NULL, 0),
                     ATH_EINVAL);
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT 1; -- done\n", NULL, 0), 0);
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT * FROM nosuch", NULL, 0),
                     ATH_EBACKEND);
    assert_contains(ath_error_last(), "no such table: nosuch");
    assert_contains(ath_error_last(), "statement: SELECT * FROM nosuch");
    ath_arena_free(arena);
    ath_backend_close(be);
}

static bool table_exists(ath_backend *be, const char *name)
{
    ath_arena *arena = ath_arena_new();
    ath_rows rows;
    const char *params[] = {name};
    assert_int_equal(ath_backend_query(&rows, arena, be,
                                       "SELECT 1 FROM sqlite_master WHERE name = ?1", params, 1),
                     0);
    bool found = rows.nrows == 1;
    ath_arena_free(arena);
    return found;
}

static void exec_failure_names_the_failing_statement(void **state)
{
    (void)state;
    ath_backend *be = ts_open("sqlite://");
    assert_int_equal(ath_backend_exec(be, "CREATE TABLE a (x);\n"
                                          "INSERT INTO nosuch VALUES (1);\n"
                                          "CREATE TABLE b (y);"),
                     ATH_EBACKEND);
    assert_string_equal(ath_error_last(), "statement failed: no such table: nosuch\n"
                                          "  statement: INSERT INTO nosuch VALUES (1)");
    assert_true(table_exists(be, "a"));
    assert_false(table_exists(be, "b"));

    /* A failure while running, not preparing, names its statement too. */
    ts_exec(be, "CREATE TABLE u (k TEXT UNIQUE); INSERT INTO u VALUES ('k')");
    assert_int_equal(ath_backend_exec(be, "INSERT INTO u VALUES ('j'); INSERT INTO u VALUES ('k')"),
                     ATH_EBACKEND);
    assert_string_equal(ath_error_last(), "statement failed: UNIQUE constraint failed: u.k\n"
                                          "  statement: INSERT INTO u VALUES ('k')");
    /* A syntax error in a later statement: only that statement is shown. */
    assert_int_equal(ath_backend_exec(be, "SELECT 1; SELEC 2; SELECT 3"), ATH_EBACKEND);
    assert_string_equal(ath_error_last(), "statement failed: near \"SELEC\": syntax error\n"
                                          "  statement: SELEC 2");
    ath_backend_close(be);
}

static void every_statement_is_counted(void **state)
{
    (void)state;
    ath_backend *be = ts_open("sqlite://");
    unsigned long before = ath_backend_query_count(be);
    ts_exec(be, ";; CREATE TABLE t (a); INSERT INTO t VALUES (1);\n-- comment\n"
                "INSERT INTO t VALUES (2); /* end */");
    assert_int_equal(ath_backend_query_count(be) - before, 3);
    ath_arena *arena = ath_arena_new();
    ath_rows rows;
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT count(*) FROM t", NULL, 0), 0);
    assert_string_equal(rows.values[0], "2");
    assert_int_equal(ath_backend_query_count(be) - before, 4);
    ath_arena_free(arena);
    ath_backend_close(be);
}

static void bad_timeout_is_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"soon", "-1", "1e99", "nan", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char query[64];
        snprintf(query, sizeof(query), "timeout=%s", bad[i]);
        char *url = with_query("sqlite://", query);
        ath_backend *be = NULL;
        assert_int_equal(ath_backend_open(&be, url, 0), ATH_EINVAL);
        assert_contains(ath_error_last(), "is not a number of seconds");
        free(url);
    }
}

static void lock_keeps_out_a_second_writer_until_unlock(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("locked");
    char *base = ts_sqlite_url(path);
    char *url = with_query(base, "timeout=0.1");
    ath_backend *first = ts_open(url);
    ath_backend *second = ts_open(url);
    ts_exec(first, "CREATE TABLE t (a)");

    assert_int_equal(ath_backend_lock(first), 0);
    ts_exec(first, "INSERT INTO t VALUES (1)");

    double started = now_seconds();
    assert_int_equal(ath_backend_lock(second), ATH_EBACKEND);
    double waited = now_seconds() - started;
    assert_contains(ath_error_last(), "cannot take the migration lock: database is locked");
    assert_true(waited >= 0.05 && waited < 5.0);
    assert_int_equal(ath_backend_exec(second, "INSERT INTO t VALUES (2)"), ATH_EBACKEND);
    assert_contains(ath_error_last(), "database is locked");

    assert_int_equal(ath_backend_unlock(first), 0);
    assert_int_equal(ath_backend_lock(second), 0);
    ts_exec(second, "INSERT INTO t VALUES (2)");
    assert_int_equal(ath_backend_unlock(second), 0);

    ath_arena *arena = ath_arena_new();
    ath_rows rows;
    assert_int_equal(
        ath_backend_query(&rows, arena, first, "SELECT group_concat(a) FROM t", NULL, 0), 0);
    assert_string_equal(rows.values[0], "1,2");
    ath_arena_free(arena);
    ath_backend_close(second);
    ath_backend_close(first);
    free(url);
    free(base);
    free(path);
}

static void steps_inside_the_lock_roll_back_alone(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("steps");
    char *url = ts_sqlite_url(path);
    ath_backend *be = ts_open(url);
    assert_int_equal(ath_backend_lock(be), 0);
    assert_int_equal(ath_backend_lock(be), 0); /* already held */
    assert_int_equal(ath_backend_begin(be), 0);
    ts_exec(be, "CREATE TABLE kept (a)");
    assert_int_equal(ath_backend_commit(be), 0);
    assert_int_equal(ath_backend_begin(be), 0);
    ts_exec(be, "CREATE TABLE dropped (a)");
    assert_int_equal(ath_backend_rollback(be), 0);
    assert_int_equal(ath_backend_unlock(be), 0);
    ath_backend_close(be);

    be = ts_open(url);
    assert_true(table_exists(be, "kept"));
    assert_false(table_exists(be, "dropped"));
    ath_backend_close(be);
    free(url);
    free(path);
}

static void failed_commit_at_unlock_rolls_back_and_frees_the_lock(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("deferred");
    char *url = ts_sqlite_url(path);
    ath_backend *be = ts_open(url);
    ts_exec(be, "PRAGMA foreign_keys = ON;"
                "CREATE TABLE p (id INTEGER PRIMARY KEY);"
                "CREATE TABLE c (p_id INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)");
    assert_int_equal(ath_backend_lock(be), 0);
    ts_exec(be, "INSERT INTO c VALUES (7)");
    assert_int_equal(ath_backend_unlock(be), ATH_EBACKEND);
    assert_string_equal(ath_error_last(),
                        "cannot commit and release the migration lock: FOREIGN KEY constraint "
                        "failed\n  statement: COMMIT");
    /* Nothing half done, and the lock can be taken again. */
    ath_arena *arena = ath_arena_new();
    ath_rows rows;
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT count(*) FROM c", NULL, 0), 0);
    assert_string_equal(rows.values[0], "0");
    ath_arena_free(arena);
    assert_int_equal(ath_backend_lock(be), 0);
    assert_int_equal(ath_backend_unlock(be), 0);
    ath_backend_close(be);
    free(url);
    free(path);
}

static void closing_while_locked_rolls_back(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("closed");
    char *url = ts_sqlite_url(path);
    ath_backend *be = ts_open(url);
    assert_int_equal(ath_backend_lock(be), 0);
    ts_exec(be, "CREATE TABLE never (a)");
    ath_backend_close(be);
    be = ts_open(url);
    assert_false(table_exists(be, "never"));
    /* And the lock is free again. */
    assert_int_equal(ath_backend_lock(be), 0);
    assert_int_equal(ath_backend_unlock(be), 0);
    ath_backend_close(be);
    free(url);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_file_with_must_exist_is_not_found_and_not_created),
        cmocka_unit_test(text_file_is_not_a_database),
        cmocka_unit_test(open_without_flag_creates_the_file),
        cmocka_unit_test(relative_path_is_relative_to_the_working_directory),
        cmocka_unit_test(memory_url_works),
        cmocka_unit_test(query_binds_parameters_and_returns_nulls),
        cmocka_unit_test(query_refuses_wrong_parameter_counts_and_many_statements),
        cmocka_unit_test(exec_failure_names_the_failing_statement),
        cmocka_unit_test(every_statement_is_counted),
        cmocka_unit_test(bad_timeout_is_refused),
        cmocka_unit_test(lock_keeps_out_a_second_writer_until_unlock),
        cmocka_unit_test(steps_inside_the_lock_roll_back_alone),
        cmocka_unit_test(failed_commit_at_unlock_rolls_back_and_frees_the_lock),
        cmocka_unit_test(closing_while_locked_rolls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
