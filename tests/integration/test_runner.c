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

/* on_plan: the planned count, kept where `ctx` points. */
static void record_plan(void *ctx, size_t count)
{
    *(size_t *)ctx = count;
}

static void up_and_down(const char *url, const char *tag)
{
    char *dir = versions(tag, "pass", "");
    ath_backend *be = ts_open(url);
    size_t applied = 99, planned = 99;
    ath_runner_options opt = {NULL, NULL, &planned, &applied, record_plan, NULL};
    for (int i = 1; i <= 3; i++) {
        if (ath_runner_upgrade(be, dir, "+1", &opt) != 0)
            fail_msg("upgrade +1: %s", ath_error_last());
        assert_int_equal(applied, 1);
        assert_int_equal(planned, 1);
        expect(be, ids[i], shapes[i]);
    }
    /* At head, upgrade does nothing and says so through `applied`. */
    assert_int_equal(ath_runner_upgrade(be, dir, NULL, &opt), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(planned, 0);
    char *rows = scalar(be, "SELECT count(*) FROM \"user\"");
    assert_string_equal(rows, "1");
    free(rows);
    for (int i = 2; i >= 0; i--) {
        planned = 99;
        if (ath_runner_downgrade(be, dir, NULL, &opt) != 0)
            fail_msg("downgrade -1: %s", ath_error_last());
        assert_int_equal(applied, 1);
        assert_int_equal(planned, 1);
        expect(be, ids[i], shapes[i]);
    }
    /* Down at base there is nothing to revert: Alembic's refusal. */
    assert_true(ath_runner_downgrade(be, dir, NULL, NULL) < 0);
    assert_non_null(strstr(ath_error_last(), "Relative revision -1 didn't produce 1 migrations"));
    /* All the way up and down again in one run each. */
    assert_int_equal(ath_runner_upgrade(be, dir, "head", &opt), 0);
    assert_int_equal(applied, 3);
    assert_int_equal(planned, 3);
    expect(be, "c3", shapes[3]);
    assert_int_equal(ath_runner_downgrade(be, dir, "base", &opt), 0);
    assert_int_equal(applied, 3);
    expect(be, "", "");
    /* A map loaded beforehand is the one run: the folder argument is not read again. */
    ath_arena *arena = ath_arena_new();
    ath_revmap *map = NULL;
    assert_int_equal(ath_revmap_load(&map, arena, dir, NULL), 0);
    ath_runner_options given = {NULL, NULL, NULL, &applied, NULL, map};
    assert_int_equal(ath_runner_upgrade(be, "/nonexistent/versions", "head", &given), 0);
    assert_int_equal(applied, 3);
    expect(be, "c3", shapes[3]);
    assert_int_equal(ath_runner_downgrade(be, "/nonexistent/versions", "base", &given), 0);
    assert_int_equal(applied, 3);
    expect(be, "", "");
    ath_arena_free(arena);

    char *n = scalar(be, "SELECT count(*) FROM athanor_history");
    assert_string_equal(n, "18");
    free(n);
    char *dirs = scalar(be, "SELECT count(*) FROM athanor_history WHERE direction = 'downgrade' "
                            "AND revision = 'a1' AND username IS NOT NULL AND "
                            "finished_at >= started_at");
    assert_string_equal(dirs, "3");
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
    ath_runner_options opt = {NULL, NULL, NULL, &applied, NULL, NULL};
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
    ath_runner_options opt = {&diags, NULL, NULL, &applied, NULL, NULL};
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

/* ---- autocommit_block and postgresql_concurrently ---- */

static const char script_items[] =
    "\"\"\"items\n\"\"\"\n" HEADER
    "revision = 'i1'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "    op.create_table('item',\n"
    "        sa.Column('id', sa.Integer(), nullable=False),\n"
    "        sa.Column('name', sa.String(length=64), nullable=True),\n"
    "        sa.PrimaryKeyConstraint('id'))\n\n"
    "def downgrade():\n"
    "    op.drop_table('item')\n";

/* %s: the SQL of the block's second statement; %s: one more line after the block. */
static const char script_concurrently[] =
    "\"\"\"indexes built concurrently\n\"\"\"\n" HEADER
    "revision = 'i2'\ndown_revision = 'i1'\nbranch_labels = None\ndepends_on = None\n\n"
    "def upgrade():\n"
    "    op.execute(\"INSERT INTO item (id, name) VALUES (1, 'one')\")\n"
    "    with op.get_context().autocommit_block():\n"
    "        op.create_index('ix_item_name', 'item', ['name'], postgresql_concurrently=True)\n"
    "        op.execute('%s')\n"
    "    op.add_column('item', sa.Column('price', sa.Integer(), nullable=True))\n"
    "    %s\n\n"
    "def downgrade():\n"
    "    op.drop_column('item', 'price')\n"
    "    with op.get_context().autocommit_block():\n"
    "        op.drop_index('ix_item_name', table_name='item', postgresql_concurrently=True)\n"
    "        op.execute('DROP INDEX ix_item_both')\n"
    "    op.execute('DELETE FROM item')\n";

static char *concurrently_versions(const char *tag, const char *block_sql, const char *after)
{
    char *db = ts_sqlite_path(tag);
    char *slash = strrchr(db, '/');
    assert_non_null(slash);
    char dir[1024];
    snprintf(dir, sizeof(dir), "%.*s/versions", (int)(slash - db), db);
    free(db);
    assert_int_equal(mkdir(dir, 0700), 0);
    char text[4096];
    write_file(dir, "i1_items.py", script_items);
    snprintf(text, sizeof(text), script_concurrently, block_sql, after);
    write_file(dir, "i2_concurrently.py", text);
    return strdup(dir);
}

static char *indexes_of_item(ath_backend *be)
{
    return scalar(be, ath_backend_dialect(be) == ATH_DIALECT_POSTGRESQL
                          ? "SELECT coalesce(string_agg(indexname, ',' ORDER BY indexname), '') "
                            "FROM pg_indexes WHERE tablename = 'item'"
                          : "SELECT coalesce(group_concat(name, ','), '') FROM (SELECT name FROM "
                            "sqlite_master WHERE type = 'index' AND tbl_name = 'item' "
                            "ORDER BY name)");
}

static void expect_text(char *got, const char *want)
{
    assert_string_equal(got, want);
    free(got);
}

/* The notes of `diags` that contain `text`. */
static size_t notes_with(const ath_diags *diags, const char *text)
{
    size_t n = 0;
    for (size_t i = 0; i < diags->count; i++)
        if (diags->items[i].level == ATH_DIAG_NOTE && strstr(diags->items[i].message, text))
            n++;
    return n;
}

/*
 * CREATE INDEX CONCURRENTLY inside autocommit_block runs (PostgreSQL refuses
 * it inside a transaction block), with a note saying it ran outside one; the
 * rest of the migration is still one transaction after it. On SQLite the
 * block's ops simply run.
 */
static void autocommit_block_runs(const char *url, const char *tag)
{
    bool pg = strncmp(url, "postgresql", 10) == 0;
    char *dir =
        concurrently_versions(tag,
                              pg ? "CREATE INDEX CONCURRENTLY ix_item_both ON item (id, name)"
                                 : "CREATE INDEX ix_item_both ON item (id, name)",
                              pg ? "op.create_index('ix_item_price', 'item', ['price'], "
                                   "postgresql_concurrently=True)"
                                 : "pass");
    ath_backend *be = ts_open(url);
    ath_arena *a = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, a);
    size_t applied = 0;
    ath_runner_options opt = {&diags, NULL, NULL, &applied, NULL, NULL};
    if (ath_runner_upgrade(be, dir, NULL, &opt) != 0)
        fail_msg("upgrade: %s", ath_error_last());
    assert_int_equal(applied, 2);
    expect_text(current(be), "i2");
    expect_text(indexes_of_item(be), pg ? "item_pkey,ix_item_both,ix_item_name,ix_item_price"
                                        : "ix_item_both,ix_item_name");
    expect_text(scalar(be, "SELECT count(*) FROM item"), "1");
    expect_text(scalar(be, "SELECT count(*) FROM athanor_history"), "2");
    /* Said once, for i2, with the count of statements. */
    assert_int_equal(notes_with(&diags, "run outside a transaction"), pg ? 1 : 0);
    assert_int_equal(notes_with(&diags, "revision i2: 3 statements run outside a transaction "
                                        "(autocommit_block, postgresql_concurrently)"),
                     pg ? 1 : 0);
    if (ath_runner_downgrade(be, dir, "i1", &opt) != 0)
        fail_msg("downgrade: %s", ath_error_last());
    expect_text(current(be), "i1");
    expect_text(indexes_of_item(be), pg ? "item_pkey" : "");
    expect_text(scalar(be, "SELECT count(*) FROM item"), "0");
    assert_int_equal(notes_with(&diags, "revision i2: 2 statements run outside a transaction "
                                        "(autocommit_block)"),
                     pg ? 1 : 0);
    assert_int_equal(notes_with(&diags, "run outside a transaction"), pg ? 2 : 0);
    ath_arena_free(a);
    ath_backend_close(be);
    free(dir);
}

static void test_sqlite_autocommit_block_runs_its_ops(void **state)
{
    (void)state;
    char *db = ts_sqlite_path("runner_autocommit_db");
    char *url = ts_sqlite_url(db);
    autocommit_block_runs(url, "runner_autocommit");
    free(url);
    free(db);
}

static void test_postgres_create_index_concurrently_in_autocommit_block(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("runner_autocommit");
    if (!url)
        skip();
    autocommit_block_runs(url, "runner_pg_autocommit");
    free(url);
}

/* Outside the block, PostgreSQL refuses CONCURRENTLY: the migration is rolled back whole. */
static void test_postgres_concurrently_outside_the_block_is_refused(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("runner_concurrently_refused");
    if (!url)
        skip();
    char *dir = concurrently_versions("runner_pg_concurrently_refused", "SELECT 1",
                                      "op.execute('CREATE INDEX CONCURRENTLY ix_late ON item "
                                      "(name)')");
    ath_backend *be = ts_open(url);
    size_t applied = 0;
    ath_runner_options opt = {NULL, NULL, NULL, &applied, NULL, NULL};
    assert_int_equal(ath_runner_upgrade(be, dir, NULL, &opt), ATH_EBACKEND);
    const char *msg = ath_error_last();
    if (!strstr(msg, "cannot run inside a transaction block") || !strstr(msg, "upgrade to i2 (") ||
        !strstr(msg, "what ran outside its transaction and before stays, the rest was rolled back"))
        fail_msg("unexpected message: %s", msg);
    assert_int_equal(applied, 1);
    expect_text(current(be), "i1");
    /* The insert and the index committed before the block stay; price went with the rest. */
    expect_text(indexes_of_item(be), "item_pkey,ix_item_name");
    expect_text(scalar(be, "SELECT count(*) FROM item"), "1");
    expect_text(scalar(be, "SELECT count(*) FROM information_schema.columns WHERE "
                           "table_name = 'item' AND column_name = 'price'"),
                "0");
    expect_text(scalar(be, "SELECT count(*) FROM athanor_history"), "1");
    ath_backend_close(be);
    free(dir);
    free(url);
}

/* What the block cannot hold is refused up front, each with its position. */
static void test_sqlite_autocommit_block_misuse_is_refused(void **state)
{
    (void)state;
    char *db = ts_sqlite_path("runner_autocommit_refused_db");
    char *url = ts_sqlite_url(db);
    char *slash = strrchr(db, '/');
    char dir[1024];
    snprintf(dir, sizeof(dir), "%.*s/versions", (int)(slash - db), db);
    assert_int_equal(mkdir(dir, 0700), 0);
    write_file(dir, "m1_misuse.py",
               "\"\"\"misuse\n\"\"\"\n" HEADER "revision = 'm1'\ndown_revision = None\n\n"
               "def upgrade():\n"
               "    with op.get_context().autocommit_block() as ctx:\n"
               "        op.execute('SELECT 1')\n"
               "    with op.get_context().autocommit_block():\n"
               "        with op.get_context().autocommit_block():\n"
               "            op.execute('SELECT 2')\n"
               "    with op.batch_alter_table('t') as batch_op:\n"
               "        with op.get_context().autocommit_block():\n"
               "            batch_op.drop_column('x')\n\n"
               "def downgrade():\n"
               "    pass\n");
    ath_backend *be = ts_open(url);
    ath_arena *a = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, a);
    ath_runner_options opt = {&diags, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(ath_runner_upgrade(be, dir, NULL, &opt), ATH_EPARSE);
    assert_int_equal(diags.errors, 3);
    static const struct {
        int line;
        const char *text;
    } want[] = {
        {10, "autocommit_block(): write it without `as`"},
        {13, "autocommit_block() inside another is not supported"},
        {16, "autocommit_block() inside batch_alter_table is not supported"},
    };
    for (size_t w = 0; w < sizeof(want) / sizeof(*want); w++) {
        bool found = false;
        for (size_t i = 0; i < diags.count; i++)
            found = found || (diags.items[i].level == ATH_DIAG_ERROR &&
                              diags.items[i].line == want[w].line &&
                              strstr(diags.items[i].message, want[w].text));
        if (!found) {
            for (size_t i = 0; i < diags.count; i++)
                print_error("%d: %s\n", diags.items[i].line, diags.items[i].message);
            fail_msg("no error at line %d with '%s'", want[w].line, want[w].text);
        }
    }
    expect(be, "", "");
    ath_arena_free(a);
    ath_backend_close(be);
    free(url);
    free(db);
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
        cmocka_unit_test(test_sqlite_autocommit_block_runs_its_ops),
        cmocka_unit_test(test_sqlite_autocommit_block_misuse_is_refused),
        cmocka_unit_test(test_postgres_create_index_concurrently_in_autocommit_block),
        cmocka_unit_test(test_postgres_concurrently_outside_the_block_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
