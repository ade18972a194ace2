/*
 * Offline mode (ath_runner_upgrade_sql / ath_runner_downgrade_sql): the
 * exact script for a range, the autocommit_block framing on PostgreSQL, and
 * a SQLite script with a table rebuild (which Alembic cannot write offline)
 * run on a real SQLite file to the schema the online runner makes.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEADER "from alembic import op\nimport sqlalchemy as sa\n\n"

static const char script_a[] =
    "\"\"\"users\n\"\"\"\n" HEADER
    "revision = 'a1'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "    op.create_table('user',\n"
    "        sa.Column('id', sa.Integer(), nullable=False),\n"
    "        sa.Column('name', sa.String(length=64), nullable=True),\n"
    "        sa.PrimaryKeyConstraint('id'))\n"
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.create_index(batch_op.f('ix_user_name'), ['name'], unique=True)\n\n"
    "def downgrade():\n"
    "    op.drop_table('user')\n";

/* A rebuild on SQLite: name becomes NOT NULL. */
static const char script_b[] =
    "\"\"\"name required\n\"\"\"\n" HEADER
    "revision = 'b2'\ndown_revision = 'a1'\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "    op.execute(\"UPDATE \\\"user\\\" SET name = 'x' WHERE name IS NULL\")\n"
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.alter_column('name', existing_type=sa.String(length=64), "
    "nullable=False)\n\n"
    "def downgrade():\n"
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.alter_column('name', existing_type=sa.String(length=64), "
    "nullable=True)\n";

static const char script_c[] =
    "\"\"\"concurrent index\n\"\"\"\n" HEADER
    "revision = 'c3'\ndown_revision = 'b2'\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "    op.add_column('user', sa.Column('age', sa.Integer(), nullable=True))\n"
    "    with op.get_context().autocommit_block():\n"
    "        op.create_index('ix_user_age', 'user', ['age'], postgresql_concurrently=True)\n\n"
    "def downgrade():\n"
    "    op.drop_index('ix_user_age', table_name='user')\n"
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.drop_column('age')\n";

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A versions/ folder with a1, b2, c3 beside a fresh SQLite path; both malloc'd. */
static char *versions(const char *tag, char **db)
{
    *db = ts_sqlite_path(tag);
    char *slash = strrchr(*db, '/');
    assert_non_null(slash);
    char dir[1024];
    snprintf(dir, sizeof(dir), "%.*s/versions", (int)(slash - *db), *db);
    assert_int_equal(mkdir(dir, 0700), 0);
    write_file(dir, "a1_users.py", script_a);
    write_file(dir, "b2_name.py", script_b);
    write_file(dir, "c3_age.py", script_c);
    return strdup(dir);
}

static char *sql(bool upgrade, ath_dialect d, const char *dir, const char *start,
                 const char *target)
{
    ath_buf out = ATH_BUF_INIT;
    size_t written = 99;
    ath_runner_options opt = {NULL, NULL, NULL, &written, NULL, NULL};
    int rc = upgrade ? ath_runner_upgrade_sql(&out, d, dir, start, target, &opt)
                     : ath_runner_downgrade_sql(&out, d, dir, start, target, &opt);
    if (rc)
        fail_msg("offline: %s", ath_error_last());
    ath_buf_puts(&out, "");
    return ath_buf_detach(&out);
}

/* The schema as SQL, without the runner's history table. */
static char *schema_sql(ath_backend *be)
{
    ath_arena *a = ath_arena_new();
    ath_schema *s = NULL;
    if (ath_backend_introspect(&s, a, be) != 0)
        fail_msg("introspect: %s", ath_error_last());
    ath_schema *kept = ath_schema_new(a);
    for (size_t i = 0; i < s->ntables; i++)
        if (strcmp(s->tables[i].name, "athanor_history") != 0) {
            ath_table *t = ath_schema_add_table(kept, NULL, s->tables[i].name);
            assert_non_null(t);
            assert_int_equal(ath_table_copy(t, a, &s->tables[i]), 0);
        }
    ath_buf b = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_sql(&b, kept, ATH_DIALECT_SQLITE), 0);
    ath_buf_puts(&b, "");
    ath_arena_free(a);
    return ath_buf_detach(&b);
}

/* Runs a script of ";\n\n"-terminated statements and "-- " comments, as sqlite3 would. */
static void run_script(ath_backend *be, char *script)
{
    for (char *p = script, *end; *p;) {
        if (strncmp(p, "-- ", 3) == 0) {
            end = strstr(p, "\n\n");
            assert_non_null(end);
            p = end + 2;
            continue;
        }
        end = strstr(p, ";\n\n");
        assert_non_null(end);
        *end = '\0';
        ts_exec(be, p);
        p = end + 3;
    }
}

static void test_postgres_range_is_alembics_text(void **state)
{
    (void)state;
    char *db = NULL;
    char *dir = versions("offline_pg", &db);
    char *got = sql(true, ATH_DIALECT_POSTGRESQL, dir, "b2", "c3");
    /* What Alembic 1.8 prints for `upgrade --sql b2:c3` on PostgreSQL. */
    assert_string_equal(got, "BEGIN;\n\n"
                             "-- Running upgrade b2 -> c3\n\n"
                             "ALTER TABLE \"user\" ADD COLUMN age INTEGER;\n\n"
                             "COMMIT;\n\n"
                             "CREATE INDEX CONCURRENTLY ix_user_age ON \"user\" (age);\n\n"
                             "BEGIN;\n\n"
                             "UPDATE alembic_version SET version_num='c3' WHERE "
                             "alembic_version.version_num = 'b2';\n\n"
                             "COMMIT;\n\n");
    free(got);
    /* From base: the version table first; the execute copied out as written. */
    got = sql(true, ATH_DIALECT_POSTGRESQL, dir, NULL, "b2");
    assert_non_null(strstr(got, "BEGIN;\n\nCREATE TABLE alembic_version (\n"));
    assert_non_null(strstr(got, "UPDATE \"user\" SET name = 'x' WHERE name IS NULL;\n\n"));
    assert_non_null(strstr(got, "ALTER TABLE \"user\" ALTER COLUMN name SET NOT NULL;\n\n"));
    assert_non_null(strstr(got, "INSERT INTO alembic_version (version_num) VALUES ('a1') "
                                "RETURNING alembic_version.version_num;\n\n"));
    free(got);
    /* Down to base: the version table dropped last. */
    got = sql(false, ATH_DIALECT_POSTGRESQL, dir, "c3", "base");
    const char *tail = "DELETE FROM alembic_version WHERE alembic_version.version_num = 'a1';\n\n"
                       "DROP TABLE alembic_version;\n\nCOMMIT;\n\n";
    assert_true(strlen(got) > strlen(tail));
    assert_string_equal(got + strlen(got) - strlen(tail), tail);
    assert_null(strstr(got, "CREATE TABLE alembic_version"));
    free(got);
    free(dir);
    free(db);
}

static void test_sqlite_script_with_rebuild_runs_to_the_online_schema(void **state)
{
    (void)state;
    char *db = NULL;
    char *dir = versions("offline_sqlite", &db);
    char *script = sql(true, ATH_DIALECT_SQLITE, dir, NULL, "head");
    /* Alembic's SQLite offline scripts have no BEGIN / COMMIT. */
    assert_int_equal(strncmp(script, "CREATE TABLE alembic_version (\n", 31), 0);
    assert_non_null(strstr(script, "CREATE TABLE _alembic_tmp_user (\n"));
    assert_null(strstr(script, "BEGIN;"));
    assert_null(strstr(script, "CONCURRENTLY"));

    char *url = ts_sqlite_url(db);
    ath_backend *off = ts_open(url);
    run_script(off, script);
    char *online_db = ts_sqlite_path("offline_sqlite_online");
    char *online_url = ts_sqlite_url(online_db);
    ath_backend *on = ts_open(online_url);
    if (ath_runner_upgrade(on, dir, "head", NULL) != 0)
        fail_msg("online upgrade: %s", ath_error_last());
    char *want = schema_sql(on), *got = schema_sql(off);
    assert_string_equal(got, want);
    free(want);
    free(got);

    /* And back down to a1: the downgrade's rebuild replays from the history. */
    free(script);
    script = sql(false, ATH_DIALECT_SQLITE, dir, "c3", "a1");
    run_script(off, script);
    if (ath_runner_downgrade(on, dir, "a1", NULL) != 0)
        fail_msg("online downgrade: %s", ath_error_last());
    want = schema_sql(on);
    got = schema_sql(off);
    assert_string_equal(got, want);
    free(want);
    free(got);
    ath_backend_close(on);
    ath_backend_close(off);
    free(script);
    free(online_url);
    free(online_db);
    free(url);
    free(dir);
    free(db);
}

static void test_refused_body_writes_nothing(void **state)
{
    (void)state;
    char *db = NULL;
    char *dir = versions("offline_refused", &db);
    write_file(dir, "c3_age.py",
               "\"\"\"bad\n\"\"\"\n" HEADER "revision = 'c3'\ndown_revision = 'b2'\n"
               "branch_labels = None\ndepends_on = None\n\n"
               "def upgrade():\n    for t in ['a']:\n        op.drop_table(t)\n\n"
               "def downgrade():\n    pass\n");
    ath_arena *a = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, a);
    ath_buf out = ATH_BUF_INIT;
    ath_runner_options opt = {&diags, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(ath_runner_upgrade_sql(&out, ATH_DIALECT_SQLITE, dir, NULL, NULL, &opt),
                     ATH_EPARSE);
    assert_int_equal(out.len, 0);
    assert_true(diags.count > 0);
    /* An unknown start: Alembic's message, nothing written. */
    assert_int_equal(ath_runner_downgrade_sql(&out, ATH_DIALECT_SQLITE, dir, "zz", "base", NULL),
                     ATH_ENOTFOUND);
    assert_non_null(strstr(ath_error_last(), "Can't locate revision identified by 'zz'"));
    assert_int_equal(out.len, 0);
    ath_buf_free(&out);
    ath_arena_free(a);
    free(dir);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postgres_range_is_alembics_text),
        cmocka_unit_test(test_sqlite_script_with_rebuild_runs_to_the_online_schema),
        cmocka_unit_test(test_refused_body_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
