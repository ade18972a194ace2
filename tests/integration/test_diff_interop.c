/*
 * No false positives: the models' Schema against what a real database reports
 * after create_all of the same models must diff to zero ops, on SQLite and on
 * PostgreSQL. Then one real change, found on both.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "athanor/diff.h"

static ath_schema *read_models(ath_arena *a, const char *fixture, ath_dialect d)
{
    char path[4096];
    const char *src = getenv("ATHANOR_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/golden/models/%s/models.py", src ? src : ".", fixture);
    const char *paths[] = {path};
    ath_models_options mo = {0};
    mo.dialect = d;
    ath_diags diags;
    ath_diags_init(&diags, a);
    ath_schema *s = NULL;
    int rc = ath_models_read(&s, a, paths, 1, &mo, &diags);
    if (rc)
        fail_msg("%s: %s", fixture, ath_error_last());
    return s;
}

static void dump_ops(const ath_op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ath_op *op = &ops[i];
        ath_buf x = ATH_BUF_INIT, y = ATH_BUF_INIT;
        if (op->kind == ATH_OP_ALTER_COLUMN) {
            if (op->u.alter.type)
                ath_type_sqla(&x, op->u.alter.type);
            if (op->u.alter.existing_type)
                ath_type_sqla(&y, op->u.alter.existing_type);
        }
        fprintf(stderr, "  op %s %s %s [%s <- %s] null=%d default=%d:%s comment=%d\n",
                ath_op_kind_name(op->kind), op->table ? op->table : "",
                op->kind == ATH_OP_ALTER_COLUMN ? op->u.alter.column : "", ath_buf_cstr(&x),
                ath_buf_cstr(&y), op->kind == ATH_OP_ALTER_COLUMN && op->u.alter.nullable.set,
                op->kind == ATH_OP_ALTER_COLUMN && op->u.alter.server_default.set,
                op->kind == ATH_OP_ALTER_COLUMN && op->u.alter.server_default.value
                    ? op->u.alter.server_default.value
                    : "",
                op->kind == ATH_OP_ALTER_COLUMN && op->u.alter.comment.set);
        ath_buf_free(&x);
        ath_buf_free(&y);
    }
}

/* create_all(models) then introspect: diff must be empty. */
static void no_changes(const char *url, const char *fixture, ath_dialect d, bool defaults)
{
    ath_arena *a = ath_arena_new();
    ath_schema *desired = read_models(a, fixture, d);
    ath_backend *b = ts_open(url);
    if (ath_create_all(b, desired, NULL))
        fail_msg("%s: create_all: %s", fixture, ath_error_last());
    ath_schema *actual = NULL;
    assert_int_equal(ath_backend_introspect(&actual, a, b), 0);
    ath_diff_options o = {0};
    o.dialect = d;
    o.compare_server_default = defaults;
    ath_op *ops = NULL;
    size_t n = 99;
    ath_diags notes;
    ath_diags_init(&notes, a);
    assert_int_equal(ath_diff(&ops, &n, a, actual, desired, &o, &notes), 0);
    if (n)
        fprintf(stderr, "%s (%s): unexpected ops\n", fixture, ath_dialect_name(d));
    dump_ops(ops, n);
    assert_int_equal(n, 0);
    assert_int_equal(notes.count, 0);
    ath_backend_close(b);
    ath_arena_free(a);
}

static const char *const fixtures[] = {"seed_tutorial", "association_and_index", "enums",
                                       "column_types", "naming_convention",
                                       "server_defaults", "column_options", "pg_types",
                                       "sqla2_mapped", "inheritance", "mixins_abstract"};

static void sqlite_up_to_date_database_has_no_changes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
        if (strcmp(fixtures[i], "pg_types") == 0) /* PostgreSQL only */
            continue;
        for (int defaults = 0; defaults < 2; defaults++) {
            char tag[64];
            snprintf(tag, sizeof tag, "diff_%zu_%d", i, defaults);
            char *path = ts_sqlite_path(tag);
            char *url = ts_sqlite_url(path);
            no_changes(url, fixtures[i], ATH_DIALECT_SQLITE, defaults);
            free(url);
            free(path);
        }
    }
}

static void postgres_up_to_date_database_has_no_changes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
        if (strcmp(fixtures[i], "column_types") == 0) /* NVARCHAR: not a PostgreSQL type */
            continue;
        for (int defaults = 0; defaults < 2; defaults++) {
            char tag[64];
            snprintf(tag, sizeof tag, "diff_%zu_%d", i, defaults);
            char *url = ts_pg_fresh_db(tag);
            if (!url)
                return;
            no_changes(url, fixtures[i], ATH_DIALECT_POSTGRESQL, defaults);
            free(url);
        }
    }
}

/* A column the models gained is found against the real database, and
 * applying the ops to the introspected schema gives the models' schema. */
static void added_column_found_against_database(void **state)
{
    (void)state;
    char *path = ts_sqlite_path("diff_added");
    char *url = ts_sqlite_url(path);
    ath_arena *a = ath_arena_new();
    ath_schema *desired = read_models(a, "seed_tutorial", ATH_DIALECT_SQLITE);
    ath_backend *b = ts_open(url);
    assert_int_equal(ath_create_all(b, desired, NULL), 0);
    ath_schema *actual = NULL;
    assert_int_equal(ath_backend_introspect(&actual, a, b), 0);
    ath_table *t = &desired->tables[0];
    ath_column *c = ath_table_add_column(desired, t, "nickname");
    c->type = ath_type_make(ATH_TYPE_STRING);
    c->type.length = 40;
    c->nullable = true;
    ath_diff_options o = {0};
    ath_op *ops = NULL;
    size_t n = 0;
    assert_int_equal(ath_diff(&ops, &n, a, actual, desired, &o, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ops[0].kind, ATH_OP_ADD_COLUMN);
    assert_string_equal(ops[0].table, t->name);
    assert_true(ops[0].batch);
    assert_int_equal(ath_ops_apply(actual, ops, n, ATH_DIALECT_SQLITE, 0, NULL, NULL), 0);
    ath_op *again = NULL;
    assert_int_equal(ath_diff(&again, &n, a, actual, desired, &o, NULL), 0);
    assert_int_equal(n, 0);
    ath_backend_close(b);
    ath_arena_free(a);
    free(url);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sqlite_up_to_date_database_has_no_changes),
        cmocka_unit_test(postgres_up_to_date_database_has_no_changes),
        cmocka_unit_test(added_column_found_against_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
