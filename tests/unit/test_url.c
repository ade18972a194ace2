/*
 * SQLAlchemy URLs: every form SQLAlchemy's make_url() reads for SQLite and
 * PostgreSQL, the errors for everything else — whose messages never show the
 * password — and the redacted spelling used in messages.
 */
#include "testsupport.h"

#include <stdio.h>
#include <string.h>

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

static ath_url parse(const char *text)
{
    ath_url url;
    if (ath_url_parse(&url, arena, text) != 0)
        fail_msg("cannot parse '%s': %s", text, ath_error_last());
    return url;
}

/* Parses a URL that must be refused; returns the message. */
static const char *refuse(const char *text)
{
    ath_url url;
    ath_error_clear();
    int rc = ath_url_parse(&url, arena, text);
    if (rc != ATH_EINVAL)
        fail_msg("'%s' gave %d, not ATH_EINVAL", text ? text : "(null)", rc);
    assert_int_equal(ath_error_last_code(), ATH_EINVAL);
    return ath_error_last();
}

static void assert_redacted(const char *text, const char *expected)
{
    ath_url url = parse(text);
    ath_buf out = ATH_BUF_INIT;
    ath_url_format_redacted(&out, &url);
    assert_int_equal(ath_buf_check(&out), 0);
    assert_string_equal(ath_buf_cstr(&out), expected);
    ath_buf_free(&out);
}

static void assert_no_server(const ath_url *url)
{
    assert_null(url->username);
    assert_null(url->password);
    assert_null(url->host);
    assert_int_equal(url->port, 0);
}

/* ---- SQLite ---- */

static void sqlite_three_slashes_is_a_relative_path(void **state)
{
    (void)state;
    ath_url url = parse("sqlite:///rel.db");
    assert_int_equal(url.dialect, ATH_DIALECT_SQLITE);
    assert_string_equal(url.scheme, "sqlite");
    assert_null(url.driver);
    assert_no_server(&url);
    assert_string_equal(url.database, "rel.db");
    assert_int_equal(url.nparams, 0);

    url = parse("sqlite:///instance/app.db");
    assert_string_equal(url.database, "instance/app.db");
}

static void sqlite_four_slashes_is_an_absolute_path(void **state)
{
    (void)state;
    ath_url url = parse("sqlite:////abs/x.db");
    assert_string_equal(url.database, "/abs/x.db");
    assert_no_server(&url);
}

static void sqlite_without_path_is_memory(void **state)
{
    (void)state;
    ath_url url = parse("sqlite://");
    assert_int_equal(url.dialect, ATH_DIALECT_SQLITE);
    assert_null(url.database);
    assert_no_server(&url);

    url = parse("sqlite:///:memory:");
    assert_string_equal(url.database, ":memory:");
    assert_no_server(&url);
}

static void sqlite_keeps_driver_and_query(void **state)
{
    (void)state;
    ath_url url = parse("sqlite+pysqlite:///app.db?timeout=20&mode=ro");
    assert_int_equal(url.dialect, ATH_DIALECT_SQLITE);
    assert_string_equal(url.scheme, "sqlite+pysqlite");
    assert_string_equal(url.driver, "pysqlite");
    assert_string_equal(url.database, "app.db");
    assert_int_equal(url.nparams, 2);
    assert_string_equal(ath_url_param_get(&url, "mode"), "ro");
}

static void sqlite_with_a_host_or_user_is_refused(void **state)
{
    (void)state;
    const char *bad[] = {"sqlite://host/x.db", "sqlite://u@/x.db", "sqlite://:5/x.db"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        const char *msg = refuse(bad[i]);
        assert_non_null(strstr(msg, "sqlite:///"));
    }
}

/* ---- PostgreSQL ---- */

static void postgresql_url_with_every_field(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://u:p@h:5433/db?sslmode=require&application_name=x");
    assert_int_equal(url.dialect, ATH_DIALECT_POSTGRESQL);
    assert_string_equal(url.scheme, "postgresql");
    assert_null(url.driver);
    assert_string_equal(url.username, "u");
    assert_string_equal(url.password, "p");
    assert_string_equal(url.host, "h");
    assert_int_equal(url.port, 5433);
    assert_string_equal(url.database, "db");
    assert_int_equal(url.nparams, 2);
    assert_string_equal(url.params[0].key, "sslmode");
    assert_string_equal(url.params[0].value, "require");
    assert_string_equal(url.params[1].key, "application_name");
    assert_string_equal(url.params[1].value, "x");
}

static void postgresql_driver_follows_the_plus(void **state)
{
    (void)state;
    ath_url url = parse("postgresql+psycopg2://scott:tiger@localhost/test");
    assert_int_equal(url.dialect, ATH_DIALECT_POSTGRESQL);
    assert_string_equal(url.scheme, "postgresql+psycopg2");
    assert_string_equal(url.driver, "psycopg2");
    assert_string_equal(url.username, "scott");
    assert_string_equal(url.password, "tiger");
    assert_string_equal(url.host, "localhost");
    assert_int_equal(url.port, 0);
    assert_string_equal(url.database, "test");
}

static void postgres_scheme_is_postgresql(void **state)
{
    (void)state;
    ath_url url = parse("postgres://u@h/db");
    assert_int_equal(url.dialect, ATH_DIALECT_POSTGRESQL);
    assert_string_equal(url.scheme, "postgres");
    assert_string_equal(url.username, "u");
    assert_null(url.password);
}

static void password_is_percent_decoded(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://u:p%40ss@h/db");
    assert_string_equal(url.password, "p@ss");
    assert_string_equal(url.host, "h");
    url = parse("postgresql://us%3Aer:%2F%3a%25x@h/db");
    assert_string_equal(url.username, "us:er");
    assert_string_equal(url.password, "/:%x");
    /* A '%' not followed by two hex digits is kept as it is. */
    url = parse("postgresql://u:100%@h/db");
    assert_string_equal(url.password, "100%");
    url = parse("postgresql://u:a%4@h/db");
    assert_string_equal(url.password, "a%4");
}

static void password_may_hold_slash_and_question_mark(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://u:p/w@h:5432/db");
    assert_string_equal(url.username, "u");
    assert_string_equal(url.password, "p/w");
    assert_string_equal(url.host, "h");
    assert_int_equal(url.port, 5432);
    assert_string_equal(url.database, "db");

    url = parse("postgresql://u:p?x@h/db?sslmode=disable");
    assert_string_equal(url.password, "p?x");
    assert_string_equal(url.host, "h");
    assert_string_equal(url.database, "db");
    assert_int_equal(url.nparams, 1);
    assert_string_equal(ath_url_param_get(&url, "sslmode"), "disable");
}

static void user_may_hold_an_at_sign_before_the_password(void **state)
{
    (void)state;
    /* Azure's user@server form: SQLAlchemy splits at the '@' after the password. */
    ath_url url = parse("postgresql://myuser@myserver:pass@host.example/db");
    assert_string_equal(url.username, "myuser@myserver");
    assert_string_equal(url.password, "pass");
    assert_string_equal(url.host, "host.example");
    assert_string_equal(url.database, "db");
}

static void at_sign_in_the_query_is_not_userinfo(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://u@h/db?application_name=me@laptop");
    assert_string_equal(url.username, "u");
    assert_string_equal(url.host, "h");
    assert_string_equal(url.database, "db");
    assert_string_equal(ath_url_param_get(&url, "application_name"), "me@laptop");

    url = parse("postgresql://h/db?application_name=a@b");
    assert_null(url.username);
    assert_string_equal(url.host, "h");
    assert_string_equal(ath_url_param_get(&url, "application_name"), "a@b");
}

static void user_without_password(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://deploy@db.internal:5432/app");
    assert_string_equal(url.username, "deploy");
    assert_null(url.password);
    assert_string_equal(url.host, "db.internal");
    assert_int_equal(url.port, 5432);

    /* An empty password is a password. */
    url = parse("postgresql://deploy:@h/app");
    assert_string_equal(url.username, "deploy");
    assert_string_equal(url.password, "");
}

static void no_user_at_all(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://localhost:5432/app");
    assert_null(url.username);
    assert_null(url.password);
    assert_string_equal(url.host, "localhost");
    assert_int_equal(url.port, 5432);
    assert_string_equal(url.database, "app");
}

static void ipv6_host_is_unbracketed(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://u:p@[::1]:5432/db");
    assert_string_equal(url.host, "::1");
    assert_int_equal(url.port, 5432);
    assert_string_equal(url.database, "db");

    url = parse("postgresql://[fe80::1:2]/db");
    assert_string_equal(url.host, "fe80::1:2");
    assert_int_equal(url.port, 0);
    assert_null(url.username);
}

static void host_without_port(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://u@db.example.com/app");
    assert_string_equal(url.host, "db.example.com");
    assert_int_equal(url.port, 0);
}

static void no_database(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://u:p@h:5432");
    assert_string_equal(url.host, "h");
    assert_int_equal(url.port, 5432);
    assert_null(url.database);

    url = parse("postgresql://");
    assert_int_equal(url.dialect, ATH_DIALECT_POSTGRESQL);
    assert_null(url.host);
    assert_null(url.database);

    /* libpq finds the host in the query, as with ?host=/var/run/postgresql. */
    url = parse("postgresql:///app?host=/var/run/postgresql");
    assert_null(url.host);
    assert_string_equal(url.database, "app");
    assert_string_equal(ath_url_param_get(&url, "host"), "/var/run/postgresql");
}

static void port_range_edges(void **state)
{
    (void)state;
    assert_int_equal(parse("postgresql://h:1/db").port, 1);
    assert_int_equal(parse("postgresql://h:65535/db").port, 65535);
    assert_int_equal(parse("postgresql://h:05432/db").port, 5432);
}

static void query_parameters_are_decoded_in_order(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://h/db?b=x+y&a=%26%3D&c=1");
    assert_int_equal(url.nparams, 3);
    assert_string_equal(url.params[0].key, "b");
    assert_string_equal(url.params[0].value, "x y");
    assert_string_equal(url.params[1].key, "a");
    assert_string_equal(url.params[1].value, "&=");
    assert_string_equal(url.params[2].key, "c");
    assert_string_equal(url.params[2].value, "1");
}

static void param_get_finds_values_by_exact_key(void **state)
{
    (void)state;
    ath_url url = parse("postgresql://h/db?sslmode=require&connect_timeout=10");
    assert_string_equal(ath_url_param_get(&url, "sslmode"), "require");
    assert_string_equal(ath_url_param_get(&url, "connect_timeout"), "10");
    assert_null(ath_url_param_get(&url, "SSLMODE"));
    assert_null(ath_url_param_get(&url, "ssl"));
    url = parse("postgresql://h/db");
    assert_null(ath_url_param_get(&url, "sslmode"));
}

/* ---- errors ---- */

static void empty_or_schemeless_text_is_refused(void **state)
{
    (void)state;
    refuse("");
    refuse(NULL);
    const char *msg = refuse("nonsense");
    assert_non_null(strstr(msg, "sqlite:///"));
    refuse("://x");
    refuse("/var/app.db");
    refuse("postgre sql://h/db");
}

static void unsupported_database_is_named_without_the_password(void **state)
{
    (void)state;
    const char *msg = refuse("mysql://u:secret@h/db");
    assert_non_null(strstr(msg, "'mysql'"));
    assert_null(strstr(msg, "secret"));
    msg = refuse("mysql+pymysql://u:secret@h/db");
    assert_non_null(strstr(msg, "'mysql'"));
    assert_null(strstr(msg, "secret"));
}

static void bad_port_is_refused_without_the_password(void **state)
{
    (void)state;
    const char *ports[] = {"abc", "0", "70000", "65536", "99999999999", "-1", "54 32", "5432x"};
    for (size_t i = 0; i < sizeof(ports) / sizeof(*ports); i++) {
        char text[128];
        snprintf(text, sizeof(text), "postgresql://u:secret@h:%s/db", ports[i]);
        const char *msg = refuse(text);
        assert_non_null(strstr(msg, "port"));
        assert_null(strstr(msg, "secret"));
    }
}

static void malformed_hosts_and_queries_are_refused_without_the_password(void **state)
{
    (void)state;
    const char *bad[] = {
        "postgresql://u:secret@[::1/db",
        "postgresql://u:secret@[::1]x/db",
        "postgresql://u:secret@h/db?=x",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        const char *msg = refuse(bad[i]);
        assert_null(strstr(msg, "secret"));
    }
}

/* ---- redacted spelling ---- */

static void redacted_format_hides_the_password(void **state)
{
    (void)state;
    assert_redacted("postgresql+psycopg2://u:secret@h:5433/db?sslmode=require",
                    "postgresql+psycopg2://u:***@h:5433/db?sslmode=require");
    assert_redacted("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db");
    assert_redacted("postgresql://u:secret@[::1]:5432/db", "postgresql://u:***@[::1]:5432/db");
    assert_redacted("postgresql://u@h/db", "postgresql://u@h/db");
    assert_redacted("postgresql://h/db?password=secret&sslmode=require",
                    "postgresql://h/db?password=***&sslmode=require");
}

static void redacted_format_keeps_sqlite_urls(void **state)
{
    (void)state;
    assert_redacted("sqlite:///rel.db", "sqlite:///rel.db");
    assert_redacted("sqlite:////abs/x.db", "sqlite:////abs/x.db");
    assert_redacted("sqlite://", "sqlite://");
    assert_redacted("sqlite:///:memory:", "sqlite:///:memory:");
}

static void redacted_format_never_contains_the_password(void **state)
{
    (void)state;
    const char *urls[] = {
        "postgresql://u:hunter2@h/db",
        "postgresql://hunter2:hunter2@h/db",
        "postgresql://u:hunter2@h/db?password=hunter2",
        "postgresql://u:hun%74er2@h/db",
    };
    for (size_t i = 0; i < sizeof(urls) / sizeof(*urls); i++) {
        ath_url url = parse(urls[i]);
        ath_buf out = ATH_BUF_INIT;
        ath_url_format_redacted(&out, &url);
        const char *text = ath_buf_cstr(&out);
        /* The user may share the password's spelling; the password itself never shows. */
        const char *after_user = strstr(text, "://");
        assert_non_null(after_user);
        if (url.username && strcmp(url.username, "hunter2") == 0)
            after_user += strlen("://hunter2");
        assert_null(strstr(after_user, "hunter2"));
        assert_non_null(strstr(text, "***"));
        ath_buf_free(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sqlite_three_slashes_is_a_relative_path),
        cmocka_unit_test(sqlite_four_slashes_is_an_absolute_path),
        cmocka_unit_test(sqlite_without_path_is_memory),
        cmocka_unit_test(sqlite_keeps_driver_and_query),
        cmocka_unit_test(sqlite_with_a_host_or_user_is_refused),
        cmocka_unit_test(postgresql_url_with_every_field),
        cmocka_unit_test(postgresql_driver_follows_the_plus),
        cmocka_unit_test(postgres_scheme_is_postgresql),
        cmocka_unit_test(password_is_percent_decoded),
        cmocka_unit_test(password_may_hold_slash_and_question_mark),
        cmocka_unit_test(user_may_hold_an_at_sign_before_the_password),
        cmocka_unit_test(at_sign_in_the_query_is_not_userinfo),
        cmocka_unit_test(user_without_password),
        cmocka_unit_test(no_user_at_all),
        cmocka_unit_test(ipv6_host_is_unbracketed),
        cmocka_unit_test(host_without_port),
        cmocka_unit_test(no_database),
        cmocka_unit_test(port_range_edges),
        cmocka_unit_test(query_parameters_are_decoded_in_order),
        cmocka_unit_test(param_get_finds_values_by_exact_key),
        cmocka_unit_test(empty_or_schemeless_text_is_refused),
        cmocka_unit_test(unsupported_database_is_named_without_the_password),
        cmocka_unit_test(bad_port_is_refused_without_the_password),
        cmocka_unit_test(malformed_hosts_and_queries_are_refused_without_the_password),
        cmocka_unit_test(redacted_format_hides_the_password),
        cmocka_unit_test(redacted_format_keeps_sqlite_urls),
        cmocka_unit_test(redacted_format_never_contains_the_password),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
