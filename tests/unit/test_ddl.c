/*
 * Schema -> SQL, text and JSON: the seed tutorials' schema and a few harder
 * constructs, compared byte for byte with what SQLAlchemy's create_all emits.
 */
#include "testsupport.h"

#include <string.h>

static const char **list(ath_arena *a, const char *x, const char *y)
{
    const char **l = ath_arena_alloc(a, 2 * sizeof(char *));
    l[0] = x;
    l[1] = y;
    return l;
}

/* user / post / association / group, as the tutorials declare them. */
static ath_schema *tutorial_schema(ath_arena *a)
{
    ath_schema *s = ath_schema_new(a);
    ath_table *post = ath_schema_add_table(s, NULL, "post");
    ts_col(s, post, "id", ATH_TYPE_INTEGER, false);
    ts_col(s, post, "title", ATH_TYPE_STRING, false)->type.length = 80;
    ts_col(s, post, "content", ATH_TYPE_TEXT, false);
    ts_col(s, post, "user_id", ATH_TYPE_INTEGER, false);
    post->pk.columns = list(a, "id", NULL);
    post->pk.ncolumns = 1;
    ath_foreign_key *fk = ath_table_add_fk(s, post);
    fk->columns = list(a, "user_id", NULL);
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = list(a, "id", NULL);

    ath_table *user = ath_schema_add_table(s, NULL, "user");
    ts_col(s, user, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(s, user, "username", ATH_TYPE_STRING, false)->type.length = 80;
    ts_col(s, user, "email", ATH_TYPE_STRING, false)->type.length = 120;
    user->pk.columns = list(a, "id", NULL);
    user->pk.ncolumns = 1;
    ath_unique *u = ath_table_add_unique(s, user);
    u->columns = list(a, "username", NULL);
    u->ncolumns = 1;
    u = ath_table_add_unique(s, user);
    u->columns = list(a, "email", NULL);
    u->ncolumns = 1;

    ath_table *group = ath_schema_add_table(s, NULL, "group");
    ts_col(s, group, "id", ATH_TYPE_INTEGER, false);
    group->pk.columns = list(a, "id", NULL);
    group->pk.ncolumns = 1;

    ath_table *assoc = ath_schema_add_table(s, NULL, "association");
    ts_col(s, assoc, "user_id", ATH_TYPE_INTEGER, true);
    ts_col(s, assoc, "group_id", ATH_TYPE_INTEGER, true);
    fk = ath_table_add_fk(s, assoc);
    fk->columns = list(a, "user_id", NULL);
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = list(a, "id", NULL);
    fk = ath_table_add_fk(s, assoc);
    fk->columns = list(a, "group_id", NULL);
    fk->ncolumns = 1;
    fk->ref_table = "group";
    fk->ref_columns = list(a, "id", NULL);
    ath_schema_sort(s);
    return s;
}

static void tables_follow_foreign_keys_on_sqlite(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = tutorial_schema(a);
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_sql(&out, s, ATH_DIALECT_SQLITE), 0);
    assert_string_equal(ath_buf_cstr(&out),
        "CREATE TABLE \"group\" (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n);\n\n"
        "CREATE TABLE user (\n\tid INTEGER NOT NULL, \n\tusername VARCHAR(80) NOT NULL, \n"
        "\temail VARCHAR(120) NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (email), \n"
        "\tUNIQUE (username)\n);\n\n"
        "CREATE TABLE association (\n\tuser_id INTEGER, \n\tgroup_id INTEGER, \n"
        "\tFOREIGN KEY(group_id) REFERENCES \"group\" (id), \n"
        "\tFOREIGN KEY(user_id) REFERENCES user (id)\n);\n\n"
        "CREATE TABLE post (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(80) NOT NULL, \n"
        "\tcontent TEXT NOT NULL, \n\tuser_id INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n"
        "\tFOREIGN KEY(user_id) REFERENCES user (id)\n);\n\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

static void postgresql_quotes_user_and_uses_serial(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = tutorial_schema(a);
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_sql(&out, s, ATH_DIALECT_POSTGRESQL), 0);
    const char *sql = ath_buf_cstr(&out);
    assert_non_null(strstr(sql, "CREATE TABLE \"user\" (\n\tid SERIAL NOT NULL, \n"));
    assert_non_null(strstr(sql, "\tFOREIGN KEY(user_id) REFERENCES \"user\" (id)\n);"));
    /* group's id has no autoincrement flag: a plain INTEGER. */
    assert_non_null(strstr(sql, "CREATE TABLE \"group\" (\n\tid INTEGER NOT NULL, \n"));
    ath_buf_free(&out);
    ath_arena_free(a);
}

static void enums_indexes_checks_and_comments_on_postgresql(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_enum *e = ath_schema_add_enum(s, NULL, "mood");
    e->values = list(a, "happy", "it's sad");
    e->nvalues = 2;
    ath_table *t = ath_schema_add_table(s, NULL, "run");
    t->comment = "one run";
    ath_column *c = ts_col(s, t, "id", ATH_TYPE_BIGINT, false);
    c->identity = ATH_IDENTITY_BY_DEFAULT;
    c->autoincrement = ATH_AUTOINC_TRUE;
    c = ts_col(s, t, "mood", ATH_TYPE_ENUM, true);
    c->type.name = "mood";
    c->type.values = e->values;
    c->type.nvalues = 2;
    c = ts_col(s, t, "distance", ATH_TYPE_NUMERIC, false);
    c->type.precision = 10;
    c->type.scale = 2;
    c->server_default = "0";
    c->comment = "in km";
    t->pk.name = "pk_run";
    t->pk.columns = list(a, "id", NULL);
    t->pk.ncolumns = 1;
    ath_check *ck = ath_table_add_check(s, t);
    ck->name = "ck_run_distance";
    ck->sqltext = "distance >= 0";
    ath_index *ix = ath_table_add_index(s, t);
    ix->name = "ix_run_lower_mood";
    ix->unique = true;
    ix->elems = ath_arena_alloc(a, sizeof(ath_index_elem));
    ix->elems[0].text = "lower(mood::text)";
    ix->elems[0].expression = true;
    ix->nelems = 1;
    ix->where = "distance > 0";
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_sql(&out, s, ATH_DIALECT_POSTGRESQL), 0);
    assert_string_equal(ath_buf_cstr(&out),
        "CREATE TYPE mood AS ENUM ('happy', 'it''s sad');\n\n"
        "CREATE TABLE run (\n\tid BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL, \n"
        "\tmood mood, \n\tdistance NUMERIC(10, 2) DEFAULT 0 NOT NULL, \n"
        "\tCONSTRAINT pk_run PRIMARY KEY (id), \n"
        "\tCONSTRAINT ck_run_distance CHECK (distance >= 0)\n);\n\n"
        "CREATE UNIQUE INDEX ix_run_lower_mood ON run (lower(mood::text)) WHERE distance > 0;\n\n"
        "COMMENT ON TABLE run IS 'one run';\n\n"
        "COMMENT ON COLUMN run.distance IS 'in km';\n\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

static void foreign_key_cycle_is_closed_with_alter_table_on_postgresql(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    const char *names[2] = {"a", "b"};
    for (int i = 0; i < 2; i++) {
        ath_table *t = ath_schema_add_table(s, NULL, names[i]);
        ts_col(s, t, "id", ATH_TYPE_INTEGER, false);
        ts_col(s, t, "other_id", ATH_TYPE_INTEGER, true);
        t->pk.columns = list(a, "id", NULL);
        t->pk.ncolumns = 1;
        ath_foreign_key *fk = ath_table_add_fk(s, t);
        fk->name = i ? "fk_b_a" : "fk_a_b";
        fk->columns = list(a, "other_id", NULL);
        fk->ncolumns = 1;
        fk->ref_table = names[1 - i];
        fk->ref_columns = list(a, "id", NULL);
        fk->ondelete = "SET NULL";
    }
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_sql(&out, s, ATH_DIALECT_POSTGRESQL), 0);
    assert_string_equal(ath_buf_cstr(&out),
        "CREATE TABLE a (\n\tid INTEGER NOT NULL, \n\tother_id INTEGER, \n\tPRIMARY KEY (id)\n);\n\n"
        "CREATE TABLE b (\n\tid INTEGER NOT NULL, \n\tother_id INTEGER, \n\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_b_a FOREIGN KEY(other_id) REFERENCES a (id) ON DELETE SET NULL\n);\n\n"
        "ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY(other_id) REFERENCES b (id) ON DELETE SET NULL;\n\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

static void text_listing_is_aligned_and_complete(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = tutorial_schema(a);
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_text(&out, s), 0);
    assert_string_equal(ath_buf_cstr(&out),
        "table association\n"
        "  column user_id   Integer()  NULL\n"
        "  column group_id  Integer()  NULL\n"
        "  foreign key (group_id) references group (id)\n"
        "  foreign key (user_id) references user (id)\n"
        "\n"
        "table group\n"
        "  column id  Integer()  NOT NULL\n"
        "  primary key (id)\n"
        "\n"
        "table post\n"
        "  column id       Integer()          NOT NULL\n"
        "  column title    String(length=80)  NOT NULL\n"
        "  column content  Text()             NOT NULL\n"
        "  column user_id  Integer()          NOT NULL\n"
        "  primary key (id)\n"
        "  foreign key (user_id) references user (id)\n"
        "\n"
        "table user\n"
        "  column id        Integer()           NOT NULL  autoincrement\n"
        "  column username  String(length=80)   NOT NULL\n"
        "  column email     String(length=120)  NOT NULL\n"
        "  primary key (id)\n"
        "  unique (email)\n"
        "  unique (username)\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

static void empty_schema_says_so(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_text(&out, s), 0);
    assert_string_equal(ath_buf_cstr(&out), "(no tables)\n");
    ath_buf_clear(&out);
    assert_int_equal(ath_schema_to_json(&out, s), 0);
    assert_string_equal(ath_buf_cstr(&out), "{\n  \"enums\": [],\n  \"tables\": []\n}\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

static void json_escapes_and_lists_every_field(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_table *t = ath_schema_add_table(s, "app", "we\"ird");
    ath_column *c = ts_col(s, t, "tags", ATH_TYPE_ARRAY, false);
    c->type.item = ath_arena_alloc(a, sizeof(ath_type));
    *c->type.item = ath_type_make(ATH_TYPE_STRING);
    c->type.item->length = 20;
    c->comment = "line\nbreak";
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_json(&out, s), 0);
    assert_string_equal(ath_buf_cstr(&out),
        "{\n  \"enums\": [],\n  \"tables\": [\n    {\n"
        "      \"schema\": \"app\",\n      \"name\": \"we\\\"ird\",\n      \"comment\": null,\n"
        "      \"columns\": [\n        {\"name\": \"tags\", \"type\": {\"kind\": \"ARRAY\", "
        "\"item\": {\"kind\": \"String\", \"length\": 20}, \"dimensions\": 1}, \"nullable\": false, "
        "\"default\": null, \"autoincrement\": \"auto\", \"identity\": null, "
        "\"comment\": \"line\\nbreak\"}\n      ],\n"
        "      \"primary_key\": null,\n      \"unique_constraints\": [],\n      \"indexes\": [],\n"
        "      \"foreign_keys\": [],\n      \"check_constraints\": []\n    }\n  ]\n}\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

/* The run table of the tutorials with __table_args__, as SQLAlchemy writes it:
 * the table's own constraints in declaration order after the primary key. */
static void constraints_follow_declaration_order(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_table *run = ath_schema_add_table(s, NULL, "run");
    ath_table *user = ath_schema_add_table(s, NULL, "user");
    ts_col(s, user, "id", ATH_TYPE_INTEGER, false);
    user->pk.columns = list(a, "id", NULL);
    user->pk.ncolumns = 1;
    run = ath_schema_find_table(s, NULL, "run");
    ts_col(s, run, "id", ATH_TYPE_INTEGER, false);
    ts_col(s, run, "distance", ATH_TYPE_FLOAT, false);
    ts_col(s, run, "user_id", ATH_TYPE_INTEGER, true);
    run->pk.columns = list(a, "id", NULL);
    run->pk.ncolumns = 1;
    ath_foreign_key *fk = ath_table_add_fk(s, run);
    fk->seq = 3;
    fk->columns = list(a, "user_id", NULL);
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = list(a, "id", NULL);
    ath_check *ck = ath_table_add_check(s, run);
    ck->seq = 2;
    ck->name = "ck_pos";
    ck->sqltext = "distance > 0";
    ath_unique *u = ath_table_add_unique(s, run);
    u->seq = 1;
    u->columns = list(a, "distance", "user_id");
    u->ncolumns = 2;
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_sql(&out, s, ATH_DIALECT_SQLITE), 0);
    /* run was added first, but user comes first: run refers to it. */
    assert_string_equal(ath_buf_cstr(&out),
        "CREATE TABLE user (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n);\n\n"
        "CREATE TABLE run (\n\tid INTEGER NOT NULL, \n\tdistance FLOAT NOT NULL, \n"
        "\tuser_id INTEGER, \n\tPRIMARY KEY (id), \n\tUNIQUE (distance, user_id), \n"
        "\tCONSTRAINT ck_pos CHECK (distance > 0), \n"
        "\tFOREIGN KEY(user_id) REFERENCES user (id)\n);\n\n");
    ath_buf_free(&out);
    ath_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tables_follow_foreign_keys_on_sqlite),
        cmocka_unit_test(postgresql_quotes_user_and_uses_serial),
        cmocka_unit_test(enums_indexes_checks_and_comments_on_postgresql),
        cmocka_unit_test(foreign_key_cycle_is_closed_with_alter_table_on_postgresql),
        cmocka_unit_test(text_listing_is_aligned_and_complete),
        cmocka_unit_test(empty_schema_says_so),
        cmocka_unit_test(json_escapes_and_lists_every_field),
        cmocka_unit_test(constraints_follow_declaration_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
