/*
 * The Schema model: adding and finding tables and columns, the one
 * deterministic order ath_schema_sort gives, and dialect names.
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

static ath_schema *new_schema(void)
{
    ath_schema *s = ath_schema_new(arena);
    assert_non_null(s);
    return s;
}

/* The names of the given strings, as a NULL-terminated list in the arena. */
static const char **names(size_t n, ...)
{
    const char **list = ath_arena_alloc(arena, (n + 1) * sizeof(*list));
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        list[i] = va_arg(ap, const char *);
    va_end(ap);
    return list;
}

static void schema_new_is_empty_and_uses_the_arena(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    assert_ptr_equal(s->arena, arena);
    assert_int_equal(s->ntables, 0);
    assert_int_equal(s->nenums, 0);
    assert_null(s->tables);
    assert_null(ath_schema_find_table(s, NULL, "anything"));
}

static void add_table_copies_names_and_starts_empty(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    char name[] = "users";
    char schema_name[] = "audit";
    ath_table *t = ath_schema_add_table(s, schema_name, name);
    assert_non_null(t);
    name[0] = 'X';
    schema_name[0] = 'X';
    assert_string_equal(t->name, "users");
    assert_string_equal(t->schema, "audit");
    assert_int_equal(t->ncolumns, 0);
    assert_int_equal(t->pk.ncolumns, 0);
    assert_null(t->pk.name);
    assert_int_equal(t->nuniques, 0);
    assert_int_equal(t->nindexes, 0);
    assert_int_equal(t->nfks, 0);
    assert_int_equal(t->nchecks, 0);
    assert_null(t->comment);

    ath_table *plain = ath_schema_add_table(s, NULL, "orders");
    assert_non_null(plain);
    assert_null(plain->schema);
    assert_int_equal(s->ntables, 2);
}

static void add_column_defaults_to_nullable_other(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_table *t = ath_schema_add_table(s, NULL, "users");
    ath_column *c = ath_table_add_column(s, t, "id");
    assert_non_null(c);
    assert_string_equal(c->name, "id");
    assert_true(c->nullable);
    assert_int_equal(c->type.kind, ATH_TYPE_OTHER);
    assert_int_equal(c->type.length, -1);
    assert_int_equal(c->type.precision, -1);
    assert_int_equal(c->type.scale, -1);
    assert_null(c->type.name);
    assert_null(c->server_default);
    assert_null(c->comment);
    assert_int_equal(c->autoincrement, ATH_AUTOINC_AUTO);
    assert_int_equal(c->identity, ATH_IDENTITY_NONE);
    assert_int_equal(t->ncolumns, 1);
}

static void add_constraint_slots_are_zeroed(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_table *t = ath_schema_add_table(s, NULL, "users");
    ath_unique *u = ath_table_add_unique(s, t);
    assert_non_null(u);
    assert_null(u->name);
    assert_int_equal(u->ncolumns, 0);
    ath_index *ix = ath_table_add_index(s, t);
    assert_non_null(ix);
    assert_false(ix->unique);
    assert_null(ix->where);
    ath_foreign_key *fk = ath_table_add_fk(s, t);
    assert_non_null(fk);
    assert_null(fk->ondelete);
    assert_false(fk->deferrable);
    ath_check *ck = ath_table_add_check(s, t);
    assert_non_null(ck);
    assert_null(ck->sqltext);
    assert_int_equal(t->nuniques, 1);
    assert_int_equal(t->nindexes, 1);
    assert_int_equal(t->nfks, 1);
    assert_int_equal(t->nchecks, 1);
}

static void add_enum_copies_names(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_enum *e = ath_schema_add_enum(s, NULL, "mood");
    assert_non_null(e);
    assert_string_equal(e->name, "mood");
    assert_null(e->schema);
    assert_int_equal(e->nvalues, 0);
    assert_int_equal(s->nenums, 1);
}

static void columns_keep_their_order_through_growth_and_sort(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_table *t = ath_schema_add_table(s, NULL, "wide");
    char name[16];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "c%02d", 39 - i);
        assert_non_null(ath_table_add_column(s, t, name));
    }
    ath_schema_sort(s);
    t = ath_schema_find_table(s, NULL, "wide");
    assert_int_equal(t->ncolumns, 40);
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "c%02d", 39 - i);
        assert_string_equal(t->columns[i].name, name);
    }
}

static void find_table_matches_schema_and_name(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_schema_add_table(s, NULL, "users");
    ath_schema_add_table(s, "audit", "users");
    ath_schema_add_table(s, NULL, "orders");

    ath_table *plain = ath_schema_find_table(s, NULL, "users");
    assert_non_null(plain);
    assert_null(plain->schema);
    assert_string_equal(plain->name, "users");

    ath_table *audit = ath_schema_find_table(s, "audit", "users");
    assert_non_null(audit);
    assert_string_equal(audit->schema, "audit");
    assert_ptr_not_equal(plain, audit);

    assert_null(ath_schema_find_table(s, "audit", "orders"));
    assert_null(ath_schema_find_table(s, "public", "users"));
    assert_null(ath_schema_find_table(s, NULL, "missing"));
    assert_null(ath_schema_find_table(s, NULL, "Users"));
}

static void find_column_by_exact_name(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_table *t = ath_schema_add_table(s, NULL, "users");
    ath_table_add_column(s, t, "id");
    ath_table_add_column(s, t, "email");
    ath_column *c = ath_table_find_column(t, "email");
    assert_non_null(c);
    assert_ptr_equal(c, &t->columns[1]);
    assert_null(ath_table_find_column(t, "Email"));
    assert_null(ath_table_find_column(t, "name"));
}

static void sort_orders_tables_default_schema_first_then_by_name(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_schema_add_table(s, "zeta", "a");
    ath_schema_add_table(s, NULL, "users");
    ath_schema_add_table(s, "audit", "log");
    ath_schema_add_table(s, NULL, "addresses");
    ath_schema_add_table(s, "audit", "events");
    ath_schema_add_table(s, NULL, "orders");
    ath_schema_sort(s);
    const char *expected[][2] = {{NULL, "addresses"}, {NULL, "orders"}, {NULL, "users"},
                                 {"audit", "events"}, {"audit", "log"}, {"zeta", "a"}};
    assert_int_equal(s->ntables, 6);
    for (size_t i = 0; i < 6; i++) {
        if (expected[i][0])
            assert_string_equal(s->tables[i].schema, expected[i][0]);
        else
            assert_null(s->tables[i].schema);
        assert_string_equal(s->tables[i].name, expected[i][1]);
    }
}

static void sort_orders_enums_like_tables(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_schema_add_enum(s, "x", "a");
    ath_schema_add_enum(s, NULL, "status");
    ath_schema_add_enum(s, NULL, "mood");
    ath_schema_sort(s);
    assert_string_equal(s->enums[0].name, "mood");
    assert_string_equal(s->enums[1].name, "status");
    assert_string_equal(s->enums[2].schema, "x");
}

/* Fills a table's constraints in the given order (0 or 1) so two schemas differ only in it. */
static void fill_constraints(ath_schema *s, ath_table *t, int order)
{
    for (int k = 0; k < 4; k++) {
        int i = order ? 3 - k : k;
        ath_unique *u = ath_table_add_unique(s, t);
        static const char *const uq_names[] = {"uq_b", NULL, "uq_a", NULL};
        u->name = uq_names[i];
        u->columns = i == 1 ? names(2, "x", "y") : names(1, "x");
        u->ncolumns = i == 1 ? 2 : 1;

        ath_index *ix = ath_table_add_index(s, t);
        static const char *const ix_names[] = {"ix_users_name", "ix_users_email", "ix_a",
                                               "ix_users_created"};
        ix->name = ix_names[i];

        ath_foreign_key *fk = ath_table_add_fk(s, t);
        static const char *const fk_names[] = {NULL, "fk_z", NULL, NULL};
        static const char *const fk_refs[] = {"accounts", "teams", "orgs", "accounts"};
        fk->name = fk_names[i];
        fk->ref_table = fk_refs[i];
        fk->columns = names(1, i == 0 ? "b_id" : "a_id");
        fk->ncolumns = 1;

        ath_check *ck = ath_table_add_check(s, t);
        static const char *const ck_names[] = {"ck_b", NULL, NULL, "ck_a"};
        static const char *const ck_text[] = {"x > 0", "y > 0", "a < 9", "z"};
        ck->name = ck_names[i];
        ck->sqltext = ck_text[i];
    }
}

static void assert_constraint_order(const ath_table *t)
{
    /* Unnamed first (by columns), then by name. */
    assert_null(t->uniques[0].name);
    assert_int_equal(t->uniques[0].ncolumns, 1);
    assert_null(t->uniques[1].name);
    assert_int_equal(t->uniques[1].ncolumns, 2);
    assert_string_equal(t->uniques[2].name, "uq_a");
    assert_string_equal(t->uniques[3].name, "uq_b");

    assert_string_equal(t->indexes[0].name, "ix_a");
    assert_string_equal(t->indexes[1].name, "ix_users_created");
    assert_string_equal(t->indexes[2].name, "ix_users_email");
    assert_string_equal(t->indexes[3].name, "ix_users_name");

    /* Unnamed by columns, then by referred table; then named. */
    assert_null(t->fks[0].name);
    assert_string_equal(t->fks[0].columns[0], "a_id");
    assert_string_equal(t->fks[0].ref_table, "accounts");
    assert_null(t->fks[1].name);
    assert_string_equal(t->fks[1].columns[0], "a_id");
    assert_string_equal(t->fks[1].ref_table, "orgs");
    assert_null(t->fks[2].name);
    assert_string_equal(t->fks[2].columns[0], "b_id");
    assert_string_equal(t->fks[3].name, "fk_z");

    assert_null(t->checks[0].name);
    assert_string_equal(t->checks[0].sqltext, "a < 9");
    assert_null(t->checks[1].name);
    assert_string_equal(t->checks[1].sqltext, "y > 0");
    assert_string_equal(t->checks[2].name, "ck_a");
    assert_string_equal(t->checks[3].name, "ck_b");
}

static void sort_orders_constraints_the_same_whatever_the_insertion_order(void **state)
{
    (void)state;
    for (int order = 0; order < 2; order++) {
        ath_schema *s = new_schema();
        ath_table *t = ath_schema_add_table(s, NULL, "users");
        fill_constraints(s, t, order);
        ath_schema_sort(s);
        assert_constraint_order(&s->tables[0]);
    }
}

static void sort_of_an_empty_schema_is_harmless(void **state)
{
    (void)state;
    ath_schema *s = new_schema();
    ath_schema_sort(s);
    assert_int_equal(s->ntables, 0);
    ath_schema_add_table(s, NULL, "lonely");
    ath_schema_sort(s);
    assert_string_equal(s->tables[0].name, "lonely");
}

static void dialect_names_round_trip(void **state)
{
    (void)state;
    ath_dialect d = ATH_DIALECT_POSTGRESQL;
    assert_int_equal(ath_dialect_parse(&d, "sqlite"), 0);
    assert_int_equal(d, ATH_DIALECT_SQLITE);
    assert_string_equal(ath_dialect_name(d), "sqlite");
    assert_int_equal(ath_dialect_parse(&d, "postgresql"), 0);
    assert_int_equal(d, ATH_DIALECT_POSTGRESQL);
    assert_string_equal(ath_dialect_name(d), "postgresql");
    d = ATH_DIALECT_SQLITE;
    assert_int_equal(ath_dialect_parse(&d, "postgres"), 0);
    assert_int_equal(d, ATH_DIALECT_POSTGRESQL);
}

static void dialect_parse_refuses_other_names_and_leaves_output(void **state)
{
    (void)state;
    const char *bad[] = {"mysql", "", "sqlite3", "postgre"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        ath_dialect d = ATH_DIALECT_POSTGRESQL;
        assert_int_equal(ath_dialect_parse(&d, bad[i]), ATH_EINVAL);
        assert_int_equal(d, ATH_DIALECT_POSTGRESQL);
        assert_int_equal(ath_error_last_code(), ATH_EINVAL);
        char quoted[32];
        snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
        assert_non_null(strstr(ath_error_last(), quoted));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(schema_new_is_empty_and_uses_the_arena, setup, teardown),
        cmocka_unit_test_setup_teardown(add_table_copies_names_and_starts_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(add_column_defaults_to_nullable_other, setup, teardown),
        cmocka_unit_test_setup_teardown(add_constraint_slots_are_zeroed, setup, teardown),
        cmocka_unit_test_setup_teardown(add_enum_copies_names, setup, teardown),
        cmocka_unit_test_setup_teardown(columns_keep_their_order_through_growth_and_sort, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(find_table_matches_schema_and_name, setup, teardown),
        cmocka_unit_test_setup_teardown(find_column_by_exact_name, setup, teardown),
        cmocka_unit_test_setup_teardown(sort_orders_tables_default_schema_first_then_by_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sort_orders_enums_like_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(
            sort_orders_constraints_the_same_whatever_the_insertion_order, setup, teardown),
        cmocka_unit_test_setup_teardown(sort_of_an_empty_schema_is_harmless, setup, teardown),
        cmocka_unit_test_setup_teardown(dialect_names_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(dialect_parse_refuses_other_names_and_leaves_output, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
