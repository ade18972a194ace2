/*
 * A SQLite table rebuild at scale, through the runner: 100,000 rows with a
 * unique and a plain index, a foreign key out to a parent table and one in
 * from a child table, a trigger on it, a trigger on another table and a view
 * that name it. A batch migration that rebuilds the table, then its
 * downgrade: every row, index, key, trigger and view comes through intact.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NROWS 100000

/* score loses NULL, extra goes; the downgrade puts both back. */
static const char script[] =
    "\"\"\"rebuild big\n\nRevision ID: r1\nRevises: \nCreate Date: 2026-11-22 01:00:00\n\n\"\"\"\n"
    "from alembic import op\nimport sqlalchemy as sa\n\n\n"
    "revision = 'r1'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\n"
    "def upgrade():\n"
    "    with op.batch_alter_table('big', schema=None) as batch_op:\n"
    "        batch_op.alter_column('score', existing_type=sa.Integer(), nullable=False)\n"
    "        batch_op.drop_column('extra')\n\n\n"
    "def downgrade():\n"
    "    with op.batch_alter_table('big', schema=None) as batch_op:\n"
    "        batch_op.add_column(sa.Column('extra', sa.String(length=10), nullable=True))\n"
    "        batch_op.alter_column('score', existing_type=sa.Integer(), nullable=True)\n";

static const char *const setup[] = {
    "CREATE TABLE parent (id INTEGER NOT NULL, name VARCHAR(20) NOT NULL, "
    "hits INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (id))",
    "CREATE TABLE big (id INTEGER NOT NULL, parent_id INTEGER, code VARCHAR(32) NOT NULL, "
    "score INTEGER, note VARCHAR(50), extra VARCHAR(10), PRIMARY KEY (id), "
    "FOREIGN KEY(parent_id) REFERENCES parent (id))",
    "CREATE UNIQUE INDEX ix_big_code ON big (code)",
    "CREATE INDEX ix_big_parent_score ON big (parent_id, score)",
    "CREATE TABLE child (id INTEGER NOT NULL, big_id INTEGER NOT NULL, PRIMARY KEY (id), "
    "FOREIGN KEY(big_id) REFERENCES big (id))",
    "CREATE TABLE audit (big_id INTEGER, old_score INTEGER, new_score INTEGER)",
    /* On the rebuilt table: dropped with it, so the runner must put it back. */
    "CREATE TRIGGER trg_big_score AFTER UPDATE OF score ON big BEGIN "
    "INSERT INTO audit VALUES (new.id, old.score, new.score); "
    "UPDATE parent SET hits = hits + 1 WHERE id = new.parent_id; END",
    /* Naming the rebuilt table from elsewhere: SQLite's RENAME checks these. */
    "CREATE TRIGGER trg_child_touch AFTER INSERT ON child BEGIN "
    "UPDATE big SET note = 'touched' WHERE id = new.big_id; END",
    "CREATE VIEW big_by_parent AS SELECT parent_id, count(*) AS n, sum(score) AS total "
    "FROM big GROUP BY parent_id",
    "INSERT INTO parent (id, name) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
    "FROM n WHERE i < 100) SELECT i, 'parent ' || i FROM n",
    /* Every kind of value: NULL parents, negative scores, empty and quoted notes. */
    "INSERT INTO big (id, parent_id, code, score, note, extra) WITH RECURSIVE n(i) AS "
    "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
    "SELECT i, CASE WHEN i % 97 = 0 THEN NULL ELSE i % 100 + 1 END, "
    "printf('C%08d', i * 7919 % 1000003), (i * 31 % 2001) - 1000, "
    "CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'it''s ' || i "
    "ELSE hex(randomblob(4)) END, 'x' || i FROM n",
    "INSERT INTO child (id, big_id) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
    "FROM n WHERE i < 5000) SELECT i, i * 19 FROM n",
};

/* One query's single value, strdup'd ("NULL" for SQL NULL). */
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

/*
 * The kept columns of every row, values and storage classes, in id order, as
 * the git blob id of their text, after the count and sums for a readable
 * failure: "n=... ids=... scores=... <sha1>".
 */
static char *rows_digest(ath_backend *be)
{
    char *all = scalar(be, "SELECT group_concat(r, char(10)) FROM (SELECT "
                           "id || '|' || quote(parent_id) || '|' || quote(code) || '|' || "
                           "quote(score) || '|' || typeof(score) || '|' || quote(note) AS r "
                           "FROM big ORDER BY id)");
    char *sums = scalar(be, "SELECT 'n=' || count(*) || ' ids=' || sum(id) || ' parents=' || "
                            "total(parent_id) || ' scores=' || sum(score) FROM big");
    char hex[41];
    ath_runner_blob_id(hex, all, strlen(all));
    ath_buf b = ATH_BUF_INIT;
    ath_buf_printf(&b, "%s %s", sums, hex);
    free(all);
    free(sums);
    assert_int_equal(ath_buf_check(&b), 0);
    return ath_buf_detach(&b);
}

/*
 * Every object but the runner's tables: indexes with their columns and
 * uniqueness, foreign keys of big and child, triggers and views with their
 * text, big's columns with their NOT NULLs.
 */
static char *objects(ath_backend *be)
{
    return scalar(
        be,
        "SELECT group_concat(x, char(10)) FROM ("
        "SELECT 'index ' || il.name || ' on ' || m.name || ' unique=' || il.\"unique\" || "
        "' origin=' || il.origin || ' (' || (SELECT group_concat(ii.name) FROM "
        "pragma_index_info(il.name) ii) || ')' AS x "
        "FROM sqlite_master m JOIN pragma_index_list(m.name) il WHERE m.type = 'table' "
        "AND m.name NOT IN ('alembic_version', 'athanor_history') "
        "UNION ALL SELECT 'fk ' || m.name || '.' || f.\"from\" || ' -> ' || f.\"table\" || '.' || "
        "f.\"to\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' "
        "UNION ALL SELECT type || ' ' || name || ' on ' || tbl_name || ': ' || sql "
        "FROM sqlite_master WHERE type IN ('trigger', 'view') "
        "UNION ALL SELECT 'column big.' || name || ' ' || type || ' notnull=' || \"notnull\" || "
        "' pk=' || pk FROM pragma_table_info('big') "
        "ORDER BY 1)");
}

/* `text` with its one `old` replaced by `new`; malloc'd. */
static char *replaced(const char *text, const char *old, const char *new_text)
{
    const char *at = strstr(text, old);
    if (!at)
        fail_msg("'%s' not in:\n%s", old, text);
    ath_buf b = ATH_BUF_INIT;
    ath_buf_printf(&b, "%.*s%s%s", (int)(at - text), text, new_text, at + strlen(old));
    assert_int_equal(ath_buf_check(&b), 0);
    return ath_buf_detach(&b);
}

static void same_text(const char *what, char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("%s changed:\n--- before\n%s\n--- after\n%s", what, want, got);
    free(got);
}

static void check_value(ath_backend *be, const char *sql, const char *want)
{
    char *got = scalar(be, sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got %s, expected %s", sql, got, want);
    free(got);
}

static char *versions_beside(const char *db)
{
    const char *slash = strrchr(db, '/');
    assert_non_null(slash);
    char dir[1024];
    snprintf(dir, sizeof(dir), "%.*s/versions", (int)(slash - db), db);
    assert_int_equal(mkdir(dir, 0700), 0);
    char path[1100];
    snprintf(path, sizeof(path), "%s/r1_rebuild_big.py", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    return strdup(dir);
}

/* The triggers still fire on the rebuilt table, and the view reads it. */
static void expect_live_objects(ath_backend *be, const char *audit)
{
    ts_exec(be, "UPDATE big SET score = score + 1 WHERE id = 4242");
    check_value(be, "SELECT count(*) || ':' || max(new_score - old_score) FROM audit", audit);
    check_value(be, "SELECT sum(hits) FROM parent", "1");
    ts_exec(be, "UPDATE big SET score = score - 1 WHERE id = 4242");
    ts_exec(be, "DELETE FROM audit");
    ts_exec(be, "UPDATE parent SET hits = 0");
    ts_exec(be, "INSERT INTO child (id, big_id) VALUES (99999, 77)");
    check_value(be, "SELECT note FROM big WHERE id = 77", "touched");
    ts_exec(be, "DELETE FROM child WHERE id = 99999");
    check_value(be, "SELECT sum(n) FROM big_by_parent", "100000");
}

static void test_sqlite_rebuild_of_100k_rows_keeps_rows_and_objects(void **state)
{
    (void)state;
    char *db = ts_sqlite_path("rebuild_large");
    char *url = ts_sqlite_url(db);
    char *dir = versions_beside(db);
    ath_backend *be = ts_open(url);
    ts_exec(be, "BEGIN");
    for (size_t i = 0; i < sizeof(setup) / sizeof(*setup); i++)
        ts_exec(be, setup[i]);
    ts_exec(be, "COMMIT");
    /* The note the child trigger writes is set beforehand: the rows stay as they are. */
    ts_exec(be, "UPDATE big SET note = 'touched' WHERE id = 77");
    ts_exec(be, "PRAGMA foreign_keys=ON");
    check_value(be, "SELECT count(*) FROM pragma_foreign_key_check", "0");

    char *rows_before = rows_digest(be);
    char *objects_before = objects(be);
    assert_non_null(strstr(objects_before, "index ix_big_code on big unique=1"));
    assert_non_null(strstr(objects_before, "trigger trg_big_score on big"));
    assert_non_null(strstr(objects_before, "fk child.big_id -> big.id"));
    assert_non_null(strstr(objects_before, "column big.score INTEGER notnull=0"));

    size_t applied = 0;
    ath_arena *a = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, a);
    ath_runner_options opt = {&diags, NULL, NULL, &applied, NULL, NULL};
    if (ath_runner_upgrade(be, dir, NULL, &opt) != 0)
        fail_msg("upgrade: %s", ath_error_last());
    assert_int_equal(applied, 1);
    check_value(be, "SELECT version_num FROM alembic_version", "r1");

    /* The rebuild happened: score is NOT NULL, extra is gone. */
    char *objects_up = objects(be);
    assert_non_null(strstr(objects_up, "column big.score INTEGER notnull=1"));
    assert_null(strstr(objects_up, "column big.extra"));
    /* Apart from those two columns, every object reads as before. */
    char *want1 = replaced(objects_before, "column big.extra VARCHAR(10) notnull=0 pk=0\n", "");
    char *want2 =
        replaced(want1, "column big.score INTEGER notnull=0", "column big.score INTEGER notnull=1");
    same_text("objects after the upgrade", objects_up, want2);
    free(want1);
    free(want2);
    same_text("rows after the upgrade", rows_digest(be), rows_before);
    check_value(be, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    check_value(be, "PRAGMA foreign_keys", "1");
    /* A duplicate code is still refused, and so is a child row pointing nowhere. */
    assert_int_equal(ath_backend_exec(be, "UPDATE big SET code = 'C00007919' WHERE id = 2"),
                     ATH_EBACKEND);
    assert_int_equal(ath_backend_exec(be, "INSERT INTO child (id, big_id) VALUES (7, 100001)"),
                     ATH_EBACKEND);
    assert_int_equal(ath_backend_exec(be, "UPDATE big SET parent_id = 101 WHERE id = 1"),
                     ATH_EBACKEND);
    expect_live_objects(be, "1:1");

    if (ath_runner_downgrade(be, dir, "base", &opt) != 0)
        fail_msg("downgrade: %s", ath_error_last());
    assert_int_equal(applied, 1);
    check_value(be, "SELECT count(*) FROM alembic_version", "0");
    /* extra comes back at the end, empty: the digest leaves it out. */
    check_value(be, "SELECT count(*) FROM big WHERE extra IS NOT NULL", "0");
    same_text("objects after the downgrade", objects(be), objects_before);
    same_text("rows after the downgrade", rows_digest(be), rows_before);
    check_value(be, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    check_value(be, "PRAGMA foreign_keys", "1");
    expect_live_objects(be, "1:1");
    check_value(be, "SELECT count(*) FROM athanor_history", "2");

    free(rows_before);
    free(objects_before);
    ath_arena_free(a);
    ath_backend_close(be);
    free(dir);
    free(url);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_rebuild_of_100k_rows_keeps_rows_and_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
