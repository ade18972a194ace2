/*
 * ath_create_all on a real SQLite file and a real PostgreSQL database: it
 * creates only what is missing, leaves existing tables as they are (even when
 * they differ from the models), creates nothing the second time, and a failing
 * statement rolls back everything it had created.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char **list(ath_arena *a, const char *x, const char *y)
{
    const char **l = ath_arena_alloc(a, 2 * sizeof(char *));
    l[0] = x;
    l[1] = y;
    return l;
}

static void fk_to(ath_schema *s, ath_table *t, const char *column, const char *ref)
{
    ath_foreign_key *fk = ath_table_add_fk(s, t);
    fk->columns = list(s->arena, column, NULL);
    fk->ncolumns = 1;
    fk->ref_table = ref;
    fk->ref_columns = list(s->arena, "id", NULL);
}

/*
 * The tutorial models: user (unique username, index on email), post -> user,
 * group, association -> user, group. On PostgreSQL, post.mood is a native
 * enum "mood", and "status" is an enum type no table uses.
 */
static ath_schema *models(ath_arena *a, ath_dialect d)
{
    ath_schema *s = ath_schema_new(a);
    ath_table *user = ath_schema_add_table(s, NULL, "user");
    ts_col(s, user, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(s, user, "username", ATH_TYPE_STRING, false)->type.length = 80;
    ts_col(s, user, "email", ATH_TYPE_STRING, true)->type.length = 120;
    user->pk.columns = list(a, "id", NULL);
    user->pk.ncolumns = 1;
    ath_unique *u = ath_table_add_unique(s, user);
    u->seq = 1;
    u->columns = list(a, "username", NULL);
    u->ncolumns = 1;
    ath_index *ix = ath_table_add_index(s, user);
    ix->name = "ix_user_email";
    ix->elems = ath_arena_alloc(a, sizeof(*ix->elems));
    ix->elems[0].text = "email";
    ix->nelems = 1;

    ath_table *post = ath_schema_add_table(s, NULL, "post");
    ts_col(s, post, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(s, post, "title", ATH_TYPE_STRING, false)->type.length = 80;
    ts_col(s, post, "user_id", ATH_TYPE_INTEGER, false);
    if (d == ATH_DIALECT_POSTGRESQL) {
        ath_column *mood = ts_col(s, post, "mood", ATH_TYPE_ENUM, true);
        mood->type.name = "mood";
        mood->type.values = list(a, "happy", "sad");
        mood->type.nvalues = 2;
        ath_enum *e = ath_schema_add_enum(s, NULL, "mood");
        e->values = list(a, "happy", "sad");
        e->nvalues = 2;
        e = ath_schema_add_enum(s, NULL, "status");
        e->values = list(a, "on", "off");
        e->nvalues = 2;
    }
    post->pk.columns = list(a, "id", NULL);
    post->pk.ncolumns = 1;
    fk_to(s, post, "user_id", "user");

    ath_table *group = ath_schema_add_table(s, NULL, "group");
    ts_col(s, group, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    group->pk.columns = list(a, "id", NULL);
    group->pk.ncolumns = 1;

    ath_table *assoc = ath_schema_add_table(s, NULL, "association");
    ts_col(s, assoc, "user_id", ATH_TYPE_INTEGER, true);
    ts_col(s, assoc, "group_id", ATH_TYPE_INTEGER, true);
    fk_to(s, assoc, "user_id", "user");
    fk_to(s, assoc, "group_id", "group");
    return s;
}

static ath_schema *introspect(ath_arena *arena, ath_backend *be)
{
    ath_schema *schema = NULL;
    if (ath_backend_introspect(&schema, arena, be) != 0)
        fail_msg("introspect failed: %s", ath_error_last());
    return schema;
}

/* The database's schema as JSON: equal strings mean an unchanged schema. */
static char *snapshot(ath_backend *be)
{
    ath_arena *a = ath_arena_new();
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_json(&out, introspect(a, be)), 0);
    ath_arena_free(a);
    return ath_buf_detach(&out);
}

static void create(ath_backend *be, const ath_schema *s, size_t want)
{
    size_t created = 99;
    if (ath_create_all(be, s, &created) != 0)
        fail_msg("create_all failed: %s", ath_error_last());
    assert_int_equal(created, want);
}

static void creates_everything_then_nothing(ath_backend *be, ath_dialect d)
{
    ath_arena *a = ath_arena_new();
    ath_schema *s = models(a, d);
    create(be, s, 4);
    ath_schema *got = introspect(a, be);
    assert_int_equal(got->ntables, 4);
    const ath_table *user = ath_schema_find_table(got, NULL, "user");
    assert_non_null(user);
    assert_int_equal(user->nindexes, 1);
    assert_string_equal(user->indexes[0].name, "ix_user_email");
    if (d == ATH_DIALECT_POSTGRESQL)
        assert_int_equal(got->nenums, 2);

    char *before = snapshot(be);
    unsigned long queries = ath_backend_query_count(be);
    create(be, s, 0);
    /* BEGIN, the catalog queries, COMMIT: no DDL at all. */
    assert_true(ath_backend_query_count(be) - queries <= 4);
    char *after = snapshot(be);
    assert_string_equal(before, after);
    free(before);
    free(after);
    ath_arena_free(a);
}

static void leaves_existing_tables_alone(ath_backend *be, ath_dialect d)
{
    /* "user" exists with other columns and no index; "mood" exists with other labels. */
    ts_exec(be, "CREATE TABLE \"user\" (id INTEGER PRIMARY KEY, nickname TEXT)");
    if (d == ATH_DIALECT_POSTGRESQL)
        ts_exec(be, "CREATE TYPE mood AS ENUM ('meh')");
    ath_arena *a = ath_arena_new();
    create(be, models(a, d), 3);
    ath_schema *got = introspect(a, be);
    assert_int_equal(got->ntables, 4);
    const ath_table *user = ath_schema_find_table(got, NULL, "user");
    assert_int_equal(user->ncolumns, 2);
    assert_string_equal(user->columns[1].name, "nickname");
    assert_int_equal(user->nindexes, 0);
    assert_int_equal(user->nuniques, 0);
    assert_non_null(ath_schema_find_table(got, NULL, "post"));
    if (d == ATH_DIALECT_POSTGRESQL) {
        assert_int_equal(got->nenums, 2);
        for (size_t i = 0; i < got->nenums; i++)
            if (strcmp(got->enums[i].name, "mood") == 0)
                assert_string_equal(got->enums[i].values[0], "meh");
    }
    ath_arena_free(a);
}

static void a_failing_statement_rolls_everything_back(ath_backend *be, ath_dialect d)
{
    /* An existing index holds the name the models give user's index: the
     * tables are made first, then CREATE INDEX fails. */
    ts_exec(be, "CREATE TABLE other (id INTEGER PRIMARY KEY, email TEXT)");
    ts_exec(be, "CREATE INDEX ix_user_email ON other (email)");
    char *before = snapshot(be);
    ath_arena *a = ath_arena_new();
    size_t created = 99;
    assert_int_equal(ath_create_all(be, models(a, d), &created), ATH_EBACKEND);
    assert_int_equal(created, 0);
    assert_non_null(strstr(ath_error_last(), "ix_user_email"));
    assert_non_null(strstr(ath_error_last(), "statement: CREATE INDEX ix_user_email"));
    char *after = snapshot(be);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* The connection is usable afterwards. */
    ts_exec(be, "SELECT 1");
    ath_arena_free(a);
}

typedef void (*scenario)(ath_backend *be, ath_dialect d);

static void on_sqlite(const char *tag, scenario run)
{
    char *path = ts_sqlite_path(tag);
    char *url = ts_sqlite_url(path);
    ath_backend *be = ts_open(url);
    run(be, ATH_DIALECT_SQLITE);
    ath_backend_close(be);
    free(url);
    free(path);
}

static void on_postgres(const char *tag, scenario run)
{
    char *url = ts_pg_fresh_db(tag);
    ath_backend *be = ts_open(url);
    run(be, ATH_DIALECT_POSTGRESQL);
    ath_backend_close(be);
    free(url);
}

static void sqlite_creates_everything_then_nothing(void **state)
{
    (void)state;
    on_sqlite("create_all_twice", creates_everything_then_nothing);
}

static void sqlite_leaves_existing_tables_alone(void **state)
{
    (void)state;
    on_sqlite("create_all_existing", leaves_existing_tables_alone);
}

static void sqlite_failure_rolls_back(void **state)
{
    (void)state;
    on_sqlite("create_all_rollback", a_failing_statement_rolls_everything_back);
}

static void postgres_creates_everything_then_nothing(void **state)
{
    (void)state;
    on_postgres("create_all_twice", creates_everything_then_nothing);
}

static void postgres_leaves_existing_tables_and_types_alone(void **state)
{
    (void)state;
    on_postgres("create_all_existing", leaves_existing_tables_alone);
}

static void postgres_failure_rolls_back(void **state)
{
    (void)state;
    on_postgres("create_all_rollback", a_failing_statement_rolls_everything_back);
}

static void postgres_sees_tables_of_other_schemas(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("create_all_schemas");
    ath_backend *be = ts_open(url);
    ts_exec(be, "CREATE SCHEMA audit; CREATE TABLE audit.log (id INTEGER PRIMARY KEY)");
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_table *log = ath_schema_add_table(s, "audit", "log");
    ts_col(s, log, "id", ATH_TYPE_INTEGER, false);
    ts_col(s, log, "extra", ATH_TYPE_TEXT, true);
    ath_table *entry = ath_schema_add_table(s, "audit", "entry");
    ts_col(s, entry, "id", ATH_TYPE_INTEGER, false);
    /* A default-schema table named like a table of another schema is still missing. */
    ath_table *plain = ath_schema_add_table(s, NULL, "log");
    ts_col(s, plain, "id", ATH_TYPE_INTEGER, false);
    create(be, s, 2);
    ath_rows rows;
    assert_int_equal(ath_backend_query(&rows, a, be,
                                       "SELECT count(*) FROM information_schema.columns "
                                       "WHERE table_schema = 'audit' AND table_name = 'log'",
                                       NULL, 0),
                     0);
    assert_string_equal(rows.values[0], "1");
    create(be, s, 0);
    ath_arena_free(a);
    ath_backend_close(be);
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sqlite_creates_everything_then_nothing),
        cmocka_unit_test(sqlite_leaves_existing_tables_alone),
        cmocka_unit_test(sqlite_failure_rolls_back),
        cmocka_unit_test(postgres_creates_everything_then_nothing),
        cmocka_unit_test(postgres_leaves_existing_tables_and_types_alone),
        cmocka_unit_test(postgres_failure_rolls_back),
        cmocka_unit_test(postgres_sees_tables_of_other_schemas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
