/*
 * The runner on real SQLite and PostgreSQL: a versions/ folder written here
 * upgraded step by step from base to head and back, with alembic_version,
 * the schema and athanor_history checked after each step; a failing
 * statement rolls its migration back alone; a refused script refuses the run
 * before anything changes.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEADER "from alembic import op\nimport sqlalchemy as sa\n\n"

static const char script_a[] =
    "\"\"\"users\n\nRevision ID: a1\n\"\"\"\n" HEADER
    "revision = 'a1'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "    op.create_table('user',\n"
    "        sa.Column('id', sa.Integer(), nullable=False),\n"
    "        sa.Column('name', sa.String(length=64), nullable=True),\n"
    "        sa.PrimaryKeyConstraint('id'))\n"
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.create_index(batch_op.f('ix_user_name'), ['name'], unique=True)\n\n"
    "def downgrade():\n"
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.drop_index(batch_op.f('ix_user_name'))\n"
    "    op.drop_table('user')\n";

static const char script_b[] =
    "\"\"\"email and seed\n\"\"\"\n" HEADER
    "revision = 'b2'\ndown_revision = 'a1'\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "    op.add_column('user', sa.Column('email', sa.String(length=120), nullable=True))\n"
    "    op.execute(\"INSERT INTO \\\"user\\\" (id, name, email) VALUES (1, 'ann', 'a@x')\")\n"
    "    %s\n\n"
    "def downgrade():\n"
    "    op.execute('DELETE FROM \"user\"')\n"
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.drop_column('email')\n";

static const char script_c[] =
    "\"\"\"posts\n\"\"\"\n" HEADER
    "revision = 'c3'\ndown_revision = 'b2'\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "%s"
    "    op.create_table('post',\n"
    "        sa.Column('id', sa.Integer(), nullable=False),\n"
    "        sa.Column('user_id', sa.Integer(), nullable=True),\n"
    "        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),\n"
    "        sa.PrimaryKeyConstraint('id'))\n\n"
    "def downgrade():\n"
    "    op.drop_table('post')\n";

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A versions/ folder beside a fresh SQLite path; `b_extra` is one more line
 * of b2's upgrade(), `c_extra` lines before c3's create_table. malloc'd. */
static char *versions(const char *tag, const char *b_extra, const char *c_extra)
{
    char *db = ts_sqlite_path(tag);
    char *slash = strrchr(db, '/');
    assert_non_null(slash);
    char dir[1024];
    snprintf(dir, sizeof(dir), "%.*s/versions", (int)(slash - db), db);
    free(db);
    assert_int_equal(mkdir(dir, 0700), 0);
    char text[4096];
    write_file(dir, "a1_users.py", script_a);
    snprintf(text, sizeof(text), script_b, b_extra);
    write_file(dir, "b2_email.py", text);
    snprintf(text, sizeof(text), script_c, c_extra);
    write_file(dir, "c3_posts.py", text);
    write_file(dir, "README.txt", "not a script\n");
    return strdup(dir);
}

/* alembic_version's rows joined by ',' ("" for none). */
static char *current(ath_backend *be)
{
    ath_arena *a = ath_arena_new();
    const char **heads = NULL;
    size_t n = 0;
    if (ath_runner_current(&heads, &n, a, be) != 0)
        fail_msg("current: %s", ath_error_last());
    ath_buf b = ATH_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        ath_buf_printf(&b, "%s%s", i ? "," : "", heads[i]);
    ath_buf_puts(&b, "");
    ath_arena_free(a);
    return ath_buf_detach(&b);
}

/* The user tables as "table(col col ...)[ix ...]" joined by ' ', leaving out the runner's own. */
static char *shape(ath_backend *be)
{
    ath_arena *a = ath_arena_new();
    ath_schema *s = NULL;
    if (ath_backend_introspect(&s, a, be) != 0)
        fail_msg("introspect: %s", ath_error_last());
    ath_buf b = ATH_BUF_INIT;
    ath_buf_puts(&b, "");
    for (size_t i = 0; i < s->ntables; i++) {
        const ath_table *t = &s->tables[i];
        if (strcmp(t->name, "alembic_version") == 0 || strcmp(t->name, "athanor_history") == 0)
            continue;
        ath_buf_printf(&b, "%s%s(", b.len ? " " : "", t->name);
        for (size_t c = 0; c < t->ncolumns; c++)
            ath_buf_printf(&b, "%s%s", c ? " " : "", t->columns[c].name);
        ath_buf_puts(&b, ")");
        for (size_t k = 0; k < t->nindexes; k++)
            ath_buf_printf(&b, "[%s]", t->indexes[k].name);
        for (size_t k = 0; k < t->nfks; k++)
            ath_buf_printf(&b, "{fk->%s}", t->fks[k].ref_table);
    }
    ath_arena_free(a);
    return ath_buf_detach(&b);
}

static char *scalar(ath_backend *be, const char *sql)
{
    ath_arena *a = ath_arena_new();
    ath_rows rows;
    if (ath_backend_query(&rows, a, be, sql, NULL, 0) != 0)
        fail_msg("query: %s", ath_error_last());
    assert_int_equal(rows.nrows, 1);
    char *v = strdup(rows.values[0] ? rows.values[0] : "NULL");
    ath_arena_free(a);
    return v;
}

static void expect(ath_backend *be, const char *want_version, const char *want_shape)
{
    char *v = current(be), *s = shape(be);
    assert_string_equal(v, want_version);
    assert_string_equal(s, want_shape);
    free(v);
    free(s);
}

static const char *const shapes[] = {
    "",
    "user(id name)[ix_user_name]",
    "user(id name email)[ix_user_name]",
    "post(id user_id){fk->user} user(id name email)[ix_user_name]",
};
static const char *const ids[] = {"", "a1", "b2", "c3"};

static void up_and_down(const char *url, const char *tag)
{
    char *dir = versions(tag, "pass", "");
    ath_backend *be = ts_open(url);
    size_t applied = 99;
    ath_runner_options opt = {NULL, NULL, NULL, &applied};
    for (int i = 1; i <= 3; i++) {
        if (ath_runner_upgrade(be, dir, "+1", &opt) != 0)
            fail_msg("upgrade +1: %s", ath_error_last());
        assert_int_equal(applied, 1);
        expect(be, ids[i], shapes[i]);
    }
    /* At head, upgrade does nothing and says so through `applied`. */
    assert_int_equal(ath_runner_upgrade(be, dir, NULL, &opt), 0);
    assert_int_equal(applied, 0);
    char *rows = scalar(be, "SELECT count(*) FROM \"user\"");
    assert_string_equal(rows, "1");
    free(rows);
    for (int i = 2; i >= 0; i--) {
        if (ath_runner_downgrade(be, dir, NULL, &opt) != 0)
            fail_msg("downgrade -1: %s", ath_error_last());
        assert_int_equal(applied, 1);
        expect(be, ids[i], shapes[i]);
    }
    /* Down at base there is nothing to revert: Alembic's refusal. */
    assert_true(ath_runner_downgrade(be, dir, NULL, NULL) < 0);
    assert_non_null(strstr(ath_error_last(), "Relative revision -1 didn't produce 1 migrations"));
    /* All the way up and down again in one run each. */
    assert_int_equal(ath_runner_upgrade(be, dir, "head", &opt), 0);
    assert_int_equal(applied, 3);
    expect(be, "c3", shapes[3]);
    assert_int_equal(ath_runner_downgrade(be, dir, "base", &opt), 0);
    assert_int_equal(applied, 3);
    expect(be, "", "");

    char *n = scalar(be, "SELECT count(*) FROM athanor_history");
    assert_string_equal(n, "12");
    free(n);
    char *dirs = scalar(be, "SELECT count(*) FROM athanor_history WHERE direction = 'downgrade' "
                            "AND revision = 'a1' AND username IS NOT NULL AND "
                            "finished_at >= started_at");
    assert_string_equal(dirs, "2");
    free(dirs);
    /* The checksum is the script's git blob id. */
    char hex[41];
    ath_runner_blob_id(hex, script_a, strlen(script_a));
    char *sum = scalar(be, "SELECT min(checksum) FROM athanor_history WHERE revision = 'a1'");
    assert_string_equal(sum, hex);
    free(sum);
    ath_backend_close(be);
    free(dir);
}

static void test_sqlite_upgrade_and_downgrade_step_by_step(void **state)
{
    (void)state;
    char *db = ts_sqlite_path("runner_steps_db");
    char *url = ts_sqlite_url(db);
    up_and_down(url, "runner_steps");
    free(url);
    free(db);
}

static void test_postgres_upgrade_and_downgrade_step_by_step(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("runner_steps");
    if (!url)
        skip();
    up_and_down(url, "runner_pg_steps");
    free(url);
}

/* b2 fails on its last statement: a1 stays, nothing of b2 remains. */
static void broken_in_the_middle(const char *url, const char *tag)
{
    char *dir = versions(tag, "op.execute('INSERT INTO no_such_table VALUES (1)')", "");
    ath_backend *be = ts_open(url);
    size_t applied = 99;
    ath_runner_options opt = {NULL, NULL, NULL, &applied};
    assert_int_equal(ath_runner_upgrade(be, dir, NULL, &opt), ATH_EBACKEND);
    const char *msg = ath_error_last();
    if (!strstr(msg, "upgrade to b2 (") || !strstr(msg, "b2_email.py) failed") ||
        !strstr(msg, "no_such_table") || !strstr(msg, "statement: INSERT INTO no_such_table"))
        fail_msg("unexpected message: %s", msg);
    assert_int_equal(applied, 1);
    expect(be, "a1", shapes[1]);
    char *rows = scalar(be, "SELECT count(*) FROM \"user\"");
    assert_string_equal(rows, "0");
    free(rows);
    char *n = scalar(be, "SELECT count(*) FROM athanor_history");
    assert_string_equal(n, "1");
    free(n);
    ath_backend_close(be);
    free(dir);
}

static void test_sqlite_failing_statement_rolls_back_its_migration(void **state)
{
    (void)state;
    char *db = ts_sqlite_path("runner_broken_db");
    char *url = ts_sqlite_url(db);
    broken_in_the_middle(url, "runner_broken");
    free(url);
    free(db);
}

static void test_postgres_failing_statement_rolls_back_its_migration(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("runner_broken");
    if (!url)
        skip();
    broken_in_the_middle(url, "runner_pg_broken");
    free(url);
}

/* c3 has a loop: refused with its position before a1 runs; not even alembic_version appears. */
static void refused_up_front(const char *url, const char *tag)
{
    char *dir = versions(tag, "pass", "    for t in ['a']:\n        op.drop_table(t)\n");
    ath_backend *be = ts_open(url);
    ath_arena *a = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, a);
    size_t applied = 99;
    ath_runner_options opt = {&diags, NULL, NULL, &applied};
    assert_int_equal(ath_runner_upgrade(be, dir, NULL, &opt), ATH_EPARSE);
    assert_int_equal(applied, 0);
    assert_int_equal(diags.errors, 1);
    bool found = false;
    for (size_t i = 0; i < diags.count; i++) {
        if (diags.items[i].level != ATH_DIAG_ERROR)
            continue;
        found = strstr(diags.items[i].path, "c3_posts.py") && diags.items[i].line == 12 &&
                strstr(diags.items[i].message, "revision c3: a for loop in upgrade()");
    }
    assert_true(found);
    expect(be, "", "");
    char *n = scalar(be, ath_backend_dialect(be) == ATH_DIALECT_SQLITE
                             ? "SELECT count(*) FROM sqlite_master"
                             : "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    assert_string_equal(n, "0");
    free(n);
    /* Only the steps that run are read: up to b2 goes through. */
    assert_int_equal(ath_runner_upgrade(be, dir, "b2", &opt), 0);
    assert_int_equal(applied, 2);
    expect(be, "b2", shapes[2]);
    ath_arena_free(a);
    ath_backend_close(be);
    free(dir);
}

static void test_sqlite_refused_script_changes_nothing(void **state)
{
    (void)state;
    char *db = ts_sqlite_path("runner_refused_db");
    char *url = ts_sqlite_url(db);
    refused_up_front(url, "runner_refused");
    free(url);
    free(db);
}

static void test_postgres_refused_script_changes_nothing(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("runner_refused");
    if (!url)
        skip();
    refused_up_front(url, "runner_pg_refused");
    free(url);
}

/* git hash-object of "", "hello\n" and 200 x's (more than one block). */
static void test_blob_id_is_gits(void **state)
{
    (void)state;
    char hex[41];
    ath_runner_blob_id(hex, "", 0);
    assert_string_equal(hex, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    ath_runner_blob_id(hex, "hello\n", 6);
    assert_string_equal(hex, "ce013625030ba8dba906f756967f9e9ca394464a");
    char big[200];
    memset(big, 'x', sizeof(big));
    ath_runner_blob_id(hex, big, sizeof(big));
    assert_string_equal(hex, "debcf03c10222209e6ac75be3fa2c1796d204d91");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blob_id_is_gits),
        cmocka_unit_test(test_sqlite_upgrade_and_downgrade_step_by_step),
        cmocka_unit_test(test_sqlite_failing_statement_rolls_back_its_migration),
        cmocka_unit_test(test_sqlite_refused_script_changes_nothing),
        cmocka_unit_test(test_postgres_upgrade_and_downgrade_step_by_step),
        cmocka_unit_test(test_postgres_failing_statement_rolls_back_its_migration),
        cmocka_unit_test(test_postgres_refused_script_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
