/*
 * Rendered SQL run on the test PostgreSQL server: the history of
 * render_scenario.h (batch blocks as plain ALTERs), and enum types created,
 * used, extended and dropped. Skipped without ATHANOR_TEST_PG_URL.
 */
#include "render_scenario.h"

static void postgres_history_keeps_schema_and_rows(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("render");
    ath_backend *be = ts_open(url);
    run_scenario(be);
    ath_backend_close(be);
    free(url);
}

/* create_enum, a column of the type, ALTER TYPE ... ADD VALUE (usable only
 * once its transaction committed: the insert is a step of its own), the
 * column altered to TEXT and the type dropped. */
static void postgres_enum_lifecycle(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("render_enum");
    ath_backend *be = ts_open(url);
    ath_arena *a = ath_arena_new();
    ath_schema *cur = ath_schema_new(a);
    ath_schema *defs = ath_schema_new(a);
    ath_table *t = ath_schema_add_table(defs, NULL, "item");
    ts_col(defs, t, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    t->pk.name = "pk_item";
    t->pk.columns = ts_strs(a, 1, "id");
    t->pk.ncolumns = 1;

    ath_op ops[3];
    ops[0] = table_op(ATH_OP_CREATE_TABLE, "item");
    ops[0].u.table_def = t;
    ops[1] = ath_op_make(ATH_OP_CREATE_ENUM);
    ops[1].u.enum_def.name = "status";
    ops[1].u.enum_def.values = ts_strs(a, 2, "draft", "it's live");
    ops[1].u.enum_def.nvalues = 2;
    ath_column st = {0};
    st.name = "status";
    st.type = ath_type_make(ATH_TYPE_ENUM);
    st.type.name = "status";
    st.type.values = ops[1].u.enum_def.values;
    st.type.nvalues = 2;
    st.nullable = true;
    ops[2] = table_op(ATH_OP_ADD_COLUMN, "item");
    ops[2].u.column.name = "status";
    ops[2].u.column.def = &st;
    step(be, cur, ops, 3, false);

    ops[0] = ath_op_make(ATH_OP_ADD_ENUM_VALUE);
    ops[0].u.enum_value.name = "status";
    ops[0].u.enum_value.value = "archived";
    ops[0].u.enum_value.after = "draft";
    step(be, cur, ops, 1, false);

    ath_literal row[] = {{ATH_LIT_INT, "1"},
                         {ATH_LIT_STRING, "archived"},
                         {ATH_LIT_INT, "2"},
                         {ATH_LIT_STRING, "it's live"}};
    ops[0] = table_op(ATH_OP_BULK_INSERT, "item");
    ops[0].u.bulk.columns = ts_strs(a, 2, "id", "status");
    ops[0].u.bulk.ncolumns = 2;
    ops[0].u.bulk.values = row;
    ops[0].u.bulk.nrows = 2;
    step(be, cur, ops, 1, false);

    ath_type text = ath_type_make(ATH_TYPE_TEXT);
    ops[0] = table_op(ATH_OP_ALTER_COLUMN, "item");
    ops[0].u.alter.column = "status";
    ops[0].u.alter.type = &text;
    ops[0].u.alter.server_default = (ath_opt_str){true, "'draft'::text"};
    ops[1] = ath_op_make(ATH_OP_DROP_ENUM);
    ops[1].u.enum_def.name = "status";
    step(be, cur, ops, 2, false);
    char *got = fingerprint(be, "SELECT string_agg(status, ',' ORDER BY id) FROM item");
    assert_string_equal(got, "archived,it's live|");
    free(got);

    ath_arena_free(a);
    ath_backend_close(be);
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(postgres_history_keeps_schema_and_rows),
        cmocka_unit_test(postgres_enum_lifecycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
