/*
 * The PostgreSQL backend against a real server: queries with parameters,
 * statement errors, connection failures that keep the password out of the
 * message, the advisory migration lock, and transactions.
 */
#include "testsupport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The migration lock's key: "athanor" in ASCII as a big-endian integer. */
#define LOCK_KEY "27431064400981874"

/* Runs a one-value query and returns the value in `arena` (NULL for SQL NULL). */
static const char *query1(ath_arena *arena, ath_backend *be, const char *sql)
{
    ath_rows rows;
    if (ath_backend_query(&rows, arena, be, sql, NULL, 0) != 0)
        fail_msg("query failed: %s", ath_error_last());
    assert_int_equal(rows.nrows, 1);
    assert_int_equal(rows.ncols, 1);
    return rows.values[0];
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void query_binds_text_params_and_nulls(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgb_query");
    ath_backend *be = ts_open(url);
    ath_arena *arena = ath_arena_new();

    const char *params[] = {"it's \"quoted\"", NULL, "41"};
    ath_rows rows;
    unsigned long before = ath_backend_query_count(be);
    assert_int_equal(ath_backend_query(&rows, arena, be,
                                       "SELECT $1::text AS a, $2::text AS b, $3::int + 1 AS c,"
                                       " NULL::int AS d",
                                       params, 3),
                     0);
    assert_int_equal(ath_backend_query_count(be), before + 1);
    assert_int_equal(rows.nrows, 1);
    assert_int_equal(rows.ncols, 4);
    assert_string_equal(rows.names[0], "a");
    assert_string_equal(rows.names[1], "b");
    assert_string_equal(rows.names[2], "c");
    assert_string_equal(rows.names[3], "d");
    assert_string_equal(rows.values[0], "it's \"quoted\"");
    assert_null(rows.values[1]);
    assert_string_equal(rows.values[2], "42");
    assert_null(rows.values[3]);

    /* Several rows come back row-major. */
    assert_int_equal(ath_backend_query(&rows, arena, be,
                                       "SELECT g, g * 10 AS tens FROM generate_series(1, 3) g",
                                       NULL, 0),
                     0);
    assert_int_equal(rows.nrows, 3);
    assert_int_equal(rows.ncols, 2);
    assert_string_equal(rows.values[0], "1");
    assert_string_equal(rows.values[1], "10");
    assert_string_equal(rows.values[4], "3");
    assert_string_equal(rows.values[5], "30");

    /* A command through query: no rows, no columns. */
    assert_int_equal(ath_backend_query(&rows, arena, be, "CREATE TABLE q (x int)", NULL, 0), 0);
    assert_int_equal(rows.nrows, 0);
    assert_int_equal(rows.ncols, 0);

    /* Parameters never become SQL. */
    const char *evil[] = {"x'); DROP TABLE q; --"};
    assert_int_equal(
        ath_backend_query(&rows, arena, be, "INSERT INTO q SELECT length($1)", evil, 1), 0);
    assert_string_equal(query1(arena, be, "SELECT x FROM q"), "21");

    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
}

static void exec_failure_names_server_message_sqlstate_and_statement(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgb_fail");
    ath_backend *be = ts_open(url);
    ath_arena *arena = ath_arena_new();

    unsigned long before = ath_backend_query_count(be);
    assert_int_equal(ath_backend_exec(be, "SELECT * FROM no_such_table"), ATH_EBACKEND);
    assert_int_equal(ath_backend_query_count(be), before + 1);
    assert_int_equal(ath_error_last_code(), ATH_EBACKEND);
    const char *msg = ath_error_last();
    assert_non_null(strstr(msg, "relation \"no_such_table\" does not exist"));
    assert_non_null(strstr(msg, "[SQLSTATE 42P01]"));
    assert_non_null(strstr(msg, "statement: SELECT * FROM no_such_table"));

    /* Several statements in one call run as one: a failure in the second
     * leaves nothing of the first. */
    assert_int_equal(ath_backend_exec(be, "CREATE TABLE a (x int); INSERT INTO a VALUES ('zz')"),
                     ATH_EBACKEND);
    assert_non_null(strstr(ath_error_last(), "invalid input syntax for type integer"));
    assert_non_null(strstr(ath_error_last(), "[SQLSTATE 22P02]"));
    assert_null(query1(arena, be, "SELECT to_regclass('a')::text"));

    /* Queries fail the same way, and the session stays usable. */
    const char *params[] = {"nope"};
    ath_rows rows;
    assert_int_equal(ath_backend_query(&rows, arena, be, "SELECT $1::int", params, 1),
                     ATH_EBACKEND);
    assert_non_null(strstr(ath_error_last(), "[SQLSTATE 22P02]"));
    assert_non_null(strstr(ath_error_last(), "statement: SELECT $1::int"));
    assert_int_equal(rows.nrows, 0);
    assert_string_equal(query1(arena, be, "SELECT 'still here'"), "still here");

    /* COPY cannot be spoken: refused, and the connection is not left waiting. */
    ts_exec(be, "CREATE TABLE c (x int)");
    assert_int_equal(ath_backend_exec(be, "COPY c FROM STDIN"), ATH_EBACKEND);
    assert_string_equal(query1(arena, be, "SELECT count(*) FROM c"), "0");

    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
}

/*
 * `url` with its password (as written in the URL) replaced by `password`;
 * NULL when the URL has no password written plainly.
 */
static char *with_password(const char *url, const char *password)
{
    ath_arena *arena = ath_arena_new();
    ath_url parsed;
    assert_int_equal(ath_url_parse(&parsed, arena, url), 0);
    char *out = NULL;
    if (parsed.password && *parsed.password) {
        ath_buf needle = ATH_BUF_INIT;
        ath_buf_printf(&needle, ":%s@", parsed.password);
        const char *hit = strstr(url, ath_buf_cstr(&needle));
        if (hit) {
            ath_buf b = ATH_BUF_INIT;
            ath_buf_put(&b, url, (size_t)(hit - url));
            ath_buf_printf(&b, ":%s@", password);
            ath_buf_puts(&b, hit + needle.len);
            out = ath_buf_detach(&b);
        }
        ath_buf_free(&needle);
    }
    ath_arena_free(arena);
    return out;
}

static void wrong_password_fails_without_showing_it(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgb_auth");
    const char *wrong = "Wr0ng-Passw0rd-xyzzy";
    char *bad = with_password(url, wrong);
    if (!bad) {
        free(url);
        skip(); /* the test server's URL carries no plain password to change */
    }
    ath_backend *be = NULL;
    assert_int_equal(ath_backend_open(&be, bad, 0), ATH_EBACKEND);
    assert_null(be);
    const char *msg = ath_error_last();
    assert_non_null(strstr(msg, "cannot connect to postgresql://"));
    assert_non_null(strstr(msg, ":***@"));
    assert_non_null(strstr(msg, "password authentication failed"));
    assert_null(strstr(msg, wrong));
    assert_null(strchr(msg, '\n'));
    free(bad);
    free(url);
}

static void unreachable_port_fails_fast_on_one_line(void **state)
{
    (void)state;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    ath_backend *be = NULL;
    assert_int_equal(ath_backend_open(&be, "postgresql://someone:s3cret-word@127.0.0.1:1/db", 0),
                     ATH_EBACKEND);
    assert_null(be);
    assert_true(seconds_since(&start) < 5.0);
    const char *msg = ath_error_last();
    const char *prefix = "cannot connect to postgresql://someone:***@127.0.0.1:1/db: ";
    assert_true(strncmp(msg, prefix, strlen(prefix)) == 0);
    assert_non_null(strstr(msg, "Connection refused"));
    assert_null(strchr(msg, '\n'));
    assert_null(strchr(msg, '\t'));
    assert_null(strstr(msg, "s3cret-word"));
    size_t len = strlen(msg);
    assert_true(len > strlen(prefix) && msg[len - 1] != ' ');

    /* A password that happens to be words of libpq's message is hidden there too. */
    assert_int_equal(ath_backend_open(&be, "postgresql://u:Connection%20refused@127.0.0.1:1/db", 0),
                     ATH_EBACKEND);
    msg = ath_error_last();
    assert_non_null(strstr(msg, "cannot connect to postgresql://u:***@127.0.0.1:1/db: "));
    assert_non_null(strstr(msg, "***"));
    assert_null(strstr(msg, "Connection refused"));
}

/* A server that takes the connection and never answers: connect_timeout ends the wait. */
static void silent_server_fails_after_connect_timeout(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof(addr);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);

    char url[128];
    snprintf(url, sizeof(url), "postgresql://u:pw-hidden@127.0.0.1:%d/db?connect_timeout=1",
             ntohs(addr.sin_port));
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    ath_backend *be = NULL;
    assert_int_equal(ath_backend_open(&be, url, 0), ATH_EBACKEND);
    double took = seconds_since(&start);
    assert_true(took >= 0.9 && took < 5.0);
    assert_non_null(strstr(ath_error_last(), "timeout expired"));
    assert_non_null(strstr(ath_error_last(), "cannot connect to postgresql://u:***@127.0.0.1:"));
    assert_null(strstr(ath_error_last(), "pw-hidden"));
    close(fd);
}

/* The library never prints: a server WARNING does not reach stderr. */
static void server_warnings_are_not_printed(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgb_notice");
    ath_backend *be = ts_open(url);

    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *capture = tmpfile();
    assert_non_null(capture);
    dup2(fileno(capture), STDERR_FILENO);
    int rc = ath_backend_exec(be, "DO $$ BEGIN RAISE WARNING 'loud warning'; END $$");
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(rc, 0);
    fseek(capture, 0, SEEK_END);
    assert_int_equal(ftell(capture), 0);
    fclose(capture);

    ath_backend_close(be);
    free(url);
}

static void url_query_parameters_reach_libpq(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgb_params");
    ath_arena *arena = ath_arena_new();

    ath_backend *be = ts_open(url);
    assert_string_equal(query1(arena, be, "SELECT current_setting('application_name')"), "athanor");
    assert_string_equal(query1(arena, be, "SELECT current_setting('client_min_messages')"),
                        "warning");
    ath_backend_close(be);

    ath_buf with = ATH_BUF_INIT;
    ath_buf_printf(&with, "%s%sapplication_name=deploy-42&options=-c%%20work_mem%%3D5MB", url,
                   strchr(url, '?') ? "&" : "?");
    be = ts_open(ath_buf_cstr(&with));
    assert_string_equal(query1(arena, be, "SELECT current_setting('application_name')"),
                        "deploy-42");
    assert_string_equal(query1(arena, be, "SELECT current_setting('work_mem')"), "5MB");
    ath_backend_close(be);

    /* A parameter libpq does not know is libpq's error, said once. */
    ath_buf_clear(&with);
    ath_buf_printf(&with, "%s%sno_such_option=1", url, strchr(url, '?') ? "&" : "?");
    be = NULL;
    assert_int_equal(ath_backend_open(&be, ath_buf_cstr(&with), 0), ATH_EBACKEND);
    assert_non_null(strstr(ath_error_last(), "invalid connection option \"no_such_option\""));

    ath_buf_free(&with);
    ath_arena_free(arena);
    free(url);
}

static const char held_by_sql[] =
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = $1::int AND objsubid = 1"
    " AND (classid::bigint << 32 | objid::bigint) = " LOCK_KEY;

static const char *lock_holders(ath_arena *arena, ath_backend *observer, const char *pid)
{
    ath_rows rows;
    const char *params[] = {pid};
    if (ath_backend_query(&rows, arena, observer, held_by_sql, params, 1) != 0)
        fail_msg("pg_locks query failed: %s", ath_error_last());
    return rows.values[0];
}

static void advisory_lock_is_held_until_unlock_or_close(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgb_lock");
    ath_arena *arena = ath_arena_new();
    ath_backend *a = ts_open(url);
    ath_backend *b = ts_open(url);
    const char *pid_a = query1(arena, a, "SELECT pg_backend_pid()");

    assert_string_equal(lock_holders(arena, b, pid_a), "0");
    unsigned long before = ath_backend_query_count(a);
    assert_int_equal(ath_backend_lock(a), 0);
    assert_int_equal(ath_backend_query_count(a), before + 1);
    assert_string_equal(lock_holders(arena, b, pid_a), "1");
    assert_string_equal(query1(arena, b, "SELECT pg_try_advisory_lock(" LOCK_KEY ")"), "f");

    assert_int_equal(ath_backend_unlock(a), 0);
    assert_string_equal(lock_holders(arena, b, pid_a), "0");
    assert_string_equal(query1(arena, b, "SELECT pg_try_advisory_lock(" LOCK_KEY ")"), "t");
    assert_string_equal(query1(arena, b, "SELECT pg_advisory_unlock(" LOCK_KEY ")"), "t");

    /* Closing releases it too. */
    assert_int_equal(ath_backend_lock(a), 0);
    assert_string_equal(query1(arena, b, "SELECT pg_try_advisory_lock(" LOCK_KEY ")"), "f");
    ath_backend_close(a);
    /* The server notices the closed session a moment later. */
    const char *got = "f";
    for (int i = 0; i < 200 && strcmp(got, "t") != 0; i++) {
        got = query1(arena, b, "SELECT pg_try_advisory_lock(" LOCK_KEY ")");
        if (strcmp(got, "t") != 0) {
            struct timespec ms = {0, 10 * 1000 * 1000};
            nanosleep(&ms, NULL);
        }
    }
    assert_string_equal(got, "t");

    ath_backend_close(b);
    ath_arena_free(arena);
    free(url);
}

static void rolled_back_transaction_leaves_no_table(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgb_tx");
    ath_arena *arena = ath_arena_new();
    ath_backend *be = ts_open(url);

    assert_int_equal(ath_backend_begin(be), 0);
    ts_exec(be, "CREATE TABLE gone (id int PRIMARY KEY); INSERT INTO gone VALUES (1)");
    assert_string_equal(query1(arena, be, "SELECT count(*) FROM gone"), "1");
    assert_int_equal(ath_backend_rollback(be), 0);
    assert_null(query1(arena, be, "SELECT to_regclass('gone')::text"));

    /* The same steps committed do leave it. */
    assert_int_equal(ath_backend_begin(be), 0);
    ts_exec(be, "CREATE TABLE kept (id int PRIMARY KEY)");
    assert_int_equal(ath_backend_commit(be), 0);
    assert_string_equal(query1(arena, be, "SELECT to_regclass('kept')::text"), "kept");

    ath_backend_close(be);
    ath_arena_free(arena);
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_binds_text_params_and_nulls),
        cmocka_unit_test(exec_failure_names_server_message_sqlstate_and_statement),
        cmocka_unit_test(wrong_password_fails_without_showing_it),
        cmocka_unit_test(unreachable_port_fails_fast_on_one_line),
        cmocka_unit_test(silent_server_fails_after_connect_timeout),
        cmocka_unit_test(server_warnings_are_not_printed),
        cmocka_unit_test(url_query_parameters_reach_libpq),
        cmocka_unit_test(advisory_lock_is_held_until_unlock_or_close),
        cmocka_unit_test(rolled_back_transaction_leaves_no_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
