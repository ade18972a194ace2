/*
 * stamp: the plan (which rows a target replaces, on a history with a branch,
 * a branch label and a depends_on) and ath_runner_stamp on real SQLite and
 * PostgreSQL: alembic_version created when missing, branches kept, --purge,
 * and a refused target that leaves the rows and the lock as they were.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* a1 branches into b2 (label feat) and c3; d4 follows c3 and depends on b2. */
static const struct {
    const char *name, *text;
} scripts[] = {
    {"a1_base.py", "\"\"\"base\"\"\"\nrevision = 'a1'\ndown_revision = None\n"
                   "branch_labels = None\ndepends_on = None\n"},
    {"b2_feat.py", "\"\"\"feat\"\"\"\nrevision = 'b2'\ndown_revision = 'a1'\n"
                   "branch_labels = ('feat',)\ndepends_on = None\n"},
    {"c3_other.py", "\"\"\"other\"\"\"\nrevision = 'c3'\ndown_revision = 'a1'\n"
                    "branch_labels = None\ndepends_on = None\n"},
    {"d4_dep.py", "\"\"\"dep\"\"\"\nrevision = 'd4'\ndown_revision = 'c3'\n"
                  "branch_labels = None\ndepends_on = 'b2'\n"},
};

/* The versions folder beside a fresh SQLite path; both malloc'd. */
static char *make_versions(const char *tag, char **db_path)
{
    char *db = ts_sqlite_path(tag);
    char *slash = strrchr(db, '/');
    assert_non_null(slash);
    char *dir = malloc(strlen(db) + 16);
    assert_non_null(dir);
    sprintf(dir, "%.*s/versions", (int)(slash - db), db);
    assert_int_equal(mkdir(dir, 0700), 0);
    for (size_t i = 0; i < sizeof(scripts) / sizeof(*scripts); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, scripts[i].name);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(scripts[i].text, f);
        fclose(f);
    }
    if (db_path)
        *db_path = db;
    else
        free(db);
    return dir;
}

/* The statements of a plan as text: "I:x D:y U:y>x" joined by spaces. */
static const char *plan_text(ath_arena *arena, const ath_revmap *map, const char *heads_csv,
                             const char *target, int *rc)
{
    const char *heads[8];
    size_t n = 0;
    char *copy = ath_arena_strdup(arena, heads_csv);
    for (char *tok = strtok(copy, ","); tok && n < 8; tok = strtok(NULL, ","))
        heads[n++] = tok;
    ath_stamp_step *steps = NULL;
    size_t nsteps = 0;
    *rc = ath_runner_stamp_plan(&steps, &nsteps, arena, map, heads, n, target);
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; i < nsteps; i++)
        for (size_t j = 0; j < steps[i].nops; j++) {
            const ath_version_op *op = &steps[i].ops[j];
            if (out.len)
                ath_buf_putc(&out, ' ');
            if (op->kind == ATH_VERSION_INSERT)
                ath_buf_printf(&out, "I:%s", op->to);
            else if (op->kind == ATH_VERSION_DELETE)
                ath_buf_printf(&out, "D:%s", op->from);
            else
                ath_buf_printf(&out, "U:%s>%s", op->from, op->to);
        }
    const char *text = ath_arena_strdup(arena, ath_buf_cstr(&out));
    ath_buf_free(&out);
    return text;
}

static void test_plan_follows_alembics_rules(void **state)
{
    (void)state;
    char *dir = make_versions("stamp_plan", NULL);
    ath_arena *arena = ath_arena_new();
    ath_revmap *map = NULL;
    assert_int_equal(ath_revmap_load(&map, arena, dir, NULL), 0);
    static const struct {
        const char *heads, *target, *want;
    } cases[] = {
        {"", "b2", "I:b2"},              /* an empty table gets a row */
        {"b2", "c3", "I:c3"},            /* another branch: a new row, b2 stays */
        {"b2,c3", "a1", "D:b2 U:c3>a1"}, /* both above the target: merged down into it */
        {"b2,c3", "feat@base", "D:b2"},  /* base of a label: that branch's row only */
        {"b2,c3", "base", "D:b2 D:c3"},  /* base: every row */
        {"c3", "d4", "U:c3>d4"},         /* up along down_revision */
        {"b2", "d4", "U:b2>d4"},         /* up along depends_on */
        {"a1", "a1", ""},                /* already there: no step */
        {"c3", "feat@head", "I:b2"},     /* label@head on a branch without a row */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int rc = 0;
        const char *got = plan_text(arena, map, cases[i].heads, cases[i].target, &rc);
        if (rc)
            fail_msg("stamp %s from '%s': %s", cases[i].target, cases[i].heads, ath_error_last());
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("stamp %s from '%s': '%s', expected '%s'", cases[i].target, cases[i].heads,
                     got, cases[i].want);
    }
    int rc = 0;
    plan_text(arena, map, "b2", "zzz", &rc);
    assert_int_equal(rc, ATH_ENOTFOUND);
    assert_string_equal(ath_error_last(), "Can't locate revision identified by 'zzz'");
    plan_text(arena, map, "0bad", "a1", &rc);
    assert_int_equal(rc, ATH_ENOTFOUND);
    assert_string_equal(ath_error_last(), "Can't locate revision identified by '0bad'");
    plan_text(arena, map, "", "current", &rc);
    assert_int_equal(rc, ATH_ENOTFOUND);
    ath_arena_free(arena);
    free(dir);
}

/* alembic_version's rows, in the table's order, joined by ','. */
static const char *rows(ath_arena *arena, ath_backend *be)
{
    const char **heads = NULL;
    size_t n = 0;
    assert_int_equal(ath_runner_current(&heads, &n, arena, be), 0);
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        ath_buf_printf(&out, "%s%s", i ? "," : "", heads[i]);
    const char *text = ath_arena_strdup(arena, ath_buf_cstr(&out));
    ath_buf_free(&out);
    return text;
}

static void count_step(void *ctx, const ath_stamp_step *step)
{
    (void)step;
    (*(int *)ctx)++;
}

static void stamp_on(const char *url, const char *tag)
{
    char *dir = make_versions(tag, NULL);
    ath_backend *be = ts_open(url);
    ath_arena *arena = ath_arena_new();
    int steps = 0;
    ath_stamp_options opt = {NULL, count_step, &steps};

    assert_string_equal(rows(arena, be), "");
    assert_int_equal(ath_runner_stamp(be, dir, "b2", false, &opt), 0);
    assert_string_equal(rows(arena, be), "b2");
    assert_int_equal(ath_runner_stamp(be, dir, "c3", false, &opt), 0);
    assert_string_equal(rows(arena, be), "b2,c3");
    assert_int_equal(steps, 2);

    /* Refused: nothing changes, and the lock is free again for the next stamp. */
    assert_int_equal(ath_runner_stamp(be, dir, "zzz", false, &opt), ATH_ENOTFOUND);
    assert_string_equal(ath_error_last(), "Can't locate revision identified by 'zzz'");
    assert_string_equal(rows(arena, be), "b2,c3");
    assert_int_equal(ath_runner_stamp(be, dir, "heads", true, &opt), 0);
    assert_string_equal(rows(arena, be), "d4"); /* b2 has a dependent: not a real head */

    /* d4 descends from b2 through depends_on: stamping the label's head moves it down. */
    assert_int_equal(ath_runner_stamp(be, dir, "feat@head", false, &opt), 0);
    assert_string_equal(rows(arena, be), "b2");
    assert_int_equal(ath_runner_stamp(be, dir, "a1", true, NULL), 0);
    assert_string_equal(rows(arena, be), "a1");
    assert_int_equal(ath_runner_stamp(be, dir, "base", false, NULL), 0);
    assert_string_equal(rows(arena, be), "");

    /* Not a folder of revisions: an error before anything is written. */
    assert_int_not_equal(ath_runner_stamp(be, "/nonexistent/versions", "a1", false, NULL), 0);
    assert_string_equal(rows(arena, be), "");

    ath_arena_free(arena);
    ath_backend_close(be);
    free(dir);
}

static void test_sqlite_stamp(void **state)
{
    (void)state;
    char *db = NULL;
    free(make_versions("stamp_sqlite_db", &db));
    char *url = ts_sqlite_url(db);
    stamp_on(url, "stamp_sqlite");
    free(url);
    free(db);
}

static void test_postgres_stamp(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("stamp_steps");
    if (!url)
        skip();
    stamp_on(url, "stamp_pg");
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_follows_alembics_rules),
        cmocka_unit_test(test_sqlite_stamp),
        cmocka_unit_test(test_postgres_stamp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
