/*
 * Reading a PostgreSQL schema back: tables built with the DDL SQLAlchemy's
 * create_all emits, checked field by field, and the number of catalog
 * queries, which must not grow with the number of tables.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want) {
        if (got)
            fail_msg("expected NULL, got \"%s\"", got);
        return;
    }
    if (!got)
        fail_msg("expected \"%s\", got NULL", want);
    assert_string_equal(got, want);
}

static ath_schema *introspect(ath_arena *arena, ath_backend *be)
{
    ath_schema *schema = NULL;
    if (ath_backend_introspect(&schema, arena, be) != 0)
        fail_msg("introspect failed: %s", ath_error_last());
    assert_non_null(schema);
    return schema;
}

static const ath_table *table(const ath_schema *s, const char *name)
{
    const ath_table *t = ath_schema_find_table(s, NULL, name);
    if (!t)
        fail_msg("no table %s", name);
    return t;
}

static const ath_column *column(const ath_table *t, const char *name)
{
    const ath_column *c = ath_table_find_column(t, name);
    if (!c)
        fail_msg("no column %s.%s", t->name, name);
    return c;
}

static const ath_enum *find_enum(const ath_schema *s, const char *schema_name, const char *name)
{
    for (size_t i = 0; i < s->nenums; i++) {
        const ath_enum *e = &s->enums[i];
        bool same_schema =
            schema_name ? e->schema && strcmp(e->schema, schema_name) == 0 : e->schema == NULL;
        if (same_schema && strcmp(e->name, name) == 0)
            return e;
    }
    fail_msg("no enum %s", name);
    return NULL;
}

static const ath_unique *unique(const ath_table *t, const char *name)
{
    for (size_t i = 0; i < t->nuniques; i++)
        if (t->uniques[i].name && strcmp(t->uniques[i].name, name) == 0)
            return &t->uniques[i];
    fail_msg("no unique constraint %s on %s", name, t->name);
    return NULL;
}

static const ath_index *index_named(const ath_table *t, const char *name)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (strcmp(t->indexes[i].name, name) == 0)
            return &t->indexes[i];
    fail_msg("no index %s on %s", name, t->name);
    return NULL;
}

static const ath_foreign_key *fk_named(const ath_table *t, const char *name)
{
    for (size_t i = 0; i < t->nfks; i++)
        if (t->fks[i].name && strcmp(t->fks[i].name, name) == 0)
            return &t->fks[i];
    fail_msg("no foreign key %s on %s", name, t->name);
    return NULL;
}

static const ath_check *check_named(const ath_table *t, const char *name)
{
    for (size_t i = 0; i < t->nchecks; i++)
        if (t->checks[i].name && strcmp(t->checks[i].name, name) == 0)
            return &t->checks[i];
    fail_msg("no check constraint %s on %s", name, t->name);
    return NULL;
}

/* Asserts a list of names, given as one string "a,b,c". */
static void assert_names(const char *const *names, size_t n, const char *want)
{
    char buf[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "", names[i]);
        assert_true(w >= 0 && (size_t)w < sizeof(buf) - len);
        len += (size_t)w;
    }
    assert_string_equal(buf, want);
}

static void assert_values(const char *const *values, size_t n, const char *want)
{
    assert_names(values, n, want);
}

/* A column whose every field is given. */
static void assert_column(const ath_column *c, bool nullable, const char *server_default,
                          ath_autoinc autoinc, ath_identity identity, const char *comment)
{
    if (c->nullable != nullable)
        fail_msg("%s: nullable is %d", c->name, c->nullable);
    assert_str_or_null(c->server_default, server_default);
    if (c->autoincrement != autoinc)
        fail_msg("%s: autoincrement is %d, want %d", c->name, c->autoincrement, autoinc);
    if (c->identity != identity)
        fail_msg("%s: identity is %d, want %d", c->name, c->identity, identity);
    assert_str_or_null(c->comment, comment);
}

static void assert_kind(const ath_type *t, ath_type_kind kind)
{
    if (t->kind != kind)
        fail_msg("type kind %d, want %d", t->kind, kind);
}

/* A type with no parameters. */
static void assert_plain(const ath_column *c, ath_type_kind kind)
{
    assert_kind(&c->type, kind);
    assert_int_equal(c->type.length, -1);
    assert_int_equal(c->type.precision, -1);
    assert_int_equal(c->type.scale, -1);
    assert_false(c->type.timezone);
}

static void assert_string_type(const ath_type *t, int length)
{
    assert_kind(t, ATH_TYPE_STRING);
    assert_int_equal(t->length, length);
}

static void assert_other(const ath_column *c, const char *name)
{
    assert_kind(&c->type, ATH_TYPE_OTHER);
    assert_string_equal(c->type.name, name);
    assert_null(c->type.args);
}

static void assert_mood(const ath_type *t)
{
    assert_kind(t, ATH_TYPE_ENUM);
    assert_string_equal(t->name, "mood");
    assert_values(t->values, t->nvalues, "sad,ok,happy");
}

/* ---- the schema of a small application, as create_all writes it ---- */

static const char app_ddl[] =
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
    "CREATE SCHEMA billing;\n"
    "CREATE TYPE billing.status AS ENUM ('open', 'closed');\n"
    "CREATE TYPE empty_enum AS ENUM ();\n"
    "CREATE SEQUENCE shared_seq;\n"
    "CREATE TABLE \"user\" (\n"
    "\tid SERIAL NOT NULL, \n"
    "\temail VARCHAR(120) NOT NULL, \n"
    "\tname VARCHAR, \n"
    "\t\"select\" INTEGER, \n"
    "\t\"MixedCase\" TEXT DEFAULT 'it''s', \n"
    "\tactive BOOLEAN DEFAULT true NOT NULL, \n"
    "\tcurrent_mood mood, \n"
    "\tcreated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL, \n"
    "\tCONSTRAINT pk_user PRIMARY KEY (id), \n"
    "\tUNIQUE (email), \n"
    "\tCONSTRAINT uq_user_name_select UNIQUE (name, \"select\")\n"
    ");\n"
    "COMMENT ON TABLE \"user\" IS 'people who log in';\n"
    "COMMENT ON COLUMN \"user\".email IS 'where we write';\n"
    "CREATE INDEX ix_user_lower_email ON \"user\" (lower(email));\n"
    "CREATE UNIQUE INDEX ix_user_active_name ON \"user\" (name) WHERE \"select\" > 0;\n"
    "CREATE INDEX \"ix_user_MixedCase\" ON \"user\" (\"MixedCase\", \"select\");\n"
    "CREATE TABLE \"group\" (\n"
    "\tid BIGSERIAL NOT NULL, \n"
    "\t\"Title\" VARCHAR(50) NOT NULL, \n"
    "\tmood mood DEFAULT 'ok' NOT NULL, \n"
    "\tPRIMARY KEY (id)\n"
    ");\n"
    "CREATE TABLE \"order\" (\n"
    "\tid INTEGER GENERATED ALWAYS AS IDENTITY, \n"
    "\tuser_id INTEGER NOT NULL, \n"
    "\tgroup_id BIGINT, \n"
    "\tprice NUMERIC(10, 2) NOT NULL, \n"
    "\tqty SMALLINT DEFAULT 1, \n"
    "\ttotal NUMERIC GENERATED ALWAYS AS (price * qty) STORED, \n"
    "\tCONSTRAINT order_pkey PRIMARY KEY (id), \n"
    "\tCONSTRAINT ck_order_price CHECK (price > 0), \n"
    "\tCHECK (qty >= 0 AND (qty < 1000 OR qty IS NULL)), \n"
    "\tCONSTRAINT fk_order_user FOREIGN KEY(user_id) REFERENCES \"user\" (id)"
    " ON DELETE CASCADE ON UPDATE RESTRICT, \n"
    "\tFOREIGN KEY(group_id) REFERENCES \"group\" (id) ON DELETE SET NULL"
    " DEFERRABLE INITIALLY DEFERRED\n"
    ");\n"
    "CREATE TABLE billing.account (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tregion VARCHAR(10) NOT NULL, \n"
    "\tstate billing.status, \n"
    "\tPRIMARY KEY (id, region)\n"
    ");\n"
    "CREATE TABLE types (\n"
    "\tid BIGINT GENERATED BY DEFAULT AS IDENTITY, \n"
    "\ta_int INTEGER[], \n"
    "\ta_str VARCHAR(20)[], \n"
    "\ta_mood mood[], \n"
    "\tgrid INTEGER[][], \n"
    "\tj JSON, \n"
    "\tjb JSONB DEFAULT '{}'::jsonb NOT NULL, \n"
    "\tu UUID, \n"
    "\tip INET, \n"
    "\tn NUMERIC(10, 2), \n"
    "\tn_plain NUMERIC, \n"
    "\tdp DOUBLE PRECISION, \n"
    "\tr REAL, \n"
    "\tts TIMESTAMP WITHOUT TIME ZONE, \n"
    "\ttstz TIMESTAMP WITH TIME ZONE, \n"
    "\tt TIME WITHOUT TIME ZONE, \n"
    "\tttz TIME WITH TIME ZONE, \n"
    "\td DATE, \n"
    "\tiv INTERVAL, \n"
    "\tb BYTEA, \n"
    "\tflag BOOLEAN, \n"
    "\tc CHAR(3), \n"
    "\ttxt TEXT, \n"
    "\tst billing.status, \n"
    "\tticket INTEGER DEFAULT nextval('shared_seq') NOT NULL, \n"
    "\tacc_id INTEGER, \n"
    "\tacc_region VARCHAR(10), \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(acc_id, acc_region) REFERENCES billing.account (id, region)"
    " ON UPDATE CASCADE ON DELETE SET DEFAULT, \n"
    "\tCONSTRAINT fk_types_group FOREIGN KEY(ticket) REFERENCES \"group\" (id)"
    " ON DELETE RESTRICT DEFERRABLE\n"
    ");\n"
    "CREATE TABLE events (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tat DATE NOT NULL\n"
    ") PARTITION BY RANGE (at);\n";

/* The application's database, made by the first test that reads it. */
static char *app_url;

/*
 * The application's schema, read afresh over a new connection into a new
 * arena (made only once the database is there, as the test may be skipped).
 */
static ath_schema *app_schema(ath_arena **arena)
{
    if (!app_url) {
        char *url = ts_pg_fresh_db("ath_pgi_app");
        ath_backend *be = ts_open(url);
        ts_exec(be, app_ddl);
        ath_backend_close(be);
        app_url = url;
    }
    ath_backend *be = ts_open(app_url);
    *arena = ath_arena_new();
    ath_schema *s = introspect(*arena, be);
    ath_backend_close(be);
    return s;
}

static void reads_tables_of_the_current_schema_only(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    assert_int_equal(s->ntables, 5);
    const char *names[5];
    for (size_t i = 0; i < s->ntables; i++) {
        names[i] = s->tables[i].name;
        assert_null(s->tables[i].schema);
    }
    assert_names(names, 5, "events,group,order,types,user");
    assert_str_or_null(table(s, "user")->comment, "people who log in");
    assert_null(table(s, "group")->comment);

    /* A partitioned table is a table. */
    const ath_table *ev = table(s, "events");
    assert_int_equal(ev->ncolumns, 2);
    assert_int_equal(ev->pk.ncolumns, 0);
    ath_arena_free(arena);
}

/* Nothing more and nothing less than the DDL made, table by table. */
static void reads_exactly_the_objects_made(void **state)
{
    (void)state;
    static const struct {
        const char *table;
        size_t columns, pk, uniques, indexes, fks, checks;
    } want[] = {
        {"events", 2, 0, 0, 0, 0, 0}, {"group", 3, 1, 0, 0, 0, 0}, {"order", 6, 1, 0, 0, 2, 2},
        {"types", 27, 1, 0, 0, 2, 0}, {"user", 8, 1, 2, 3, 0, 0},
    };
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    assert_int_equal(s->ntables, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < s->ntables; i++) {
        const ath_table *t = &s->tables[i];
        assert_string_equal(t->name, want[i].table);
        assert_int_equal(t->ncolumns, want[i].columns);
        assert_int_equal(t->pk.ncolumns, want[i].pk);
        assert_int_equal(t->nuniques, want[i].uniques);
        assert_int_equal(t->nindexes, want[i].indexes);
        assert_int_equal(t->nfks, want[i].fks);
        assert_int_equal(t->nchecks, want[i].checks);
    }
    ath_arena_free(arena);
}

static void reads_every_enum_with_its_labels_in_order(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    assert_int_equal(s->nenums, 3);
    const ath_enum *mood = find_enum(s, NULL, "mood");
    assert_values(mood->values, mood->nvalues, "sad,ok,happy");
    const ath_enum *status = find_enum(s, "billing", "status");
    assert_values(status->values, status->nvalues, "open,closed");
    const ath_enum *empty = find_enum(s, NULL, "empty_enum");
    assert_int_equal(empty->nvalues, 0);

    /* One enum, used by two tables (and an array), has the same labels everywhere. */
    assert_mood(&column(table(s, "user"), "current_mood")->type);
    assert_mood(&column(table(s, "group"), "mood")->type);
    const ath_type *arr = &column(table(s, "types"), "a_mood")->type;
    assert_kind(arr, ATH_TYPE_ARRAY);
    assert_int_equal(arr->dimensions, 1);
    assert_mood(arr->item);
    const ath_type *st = &column(table(s, "types"), "st")->type;
    assert_kind(st, ATH_TYPE_ENUM);
    assert_string_equal(st->name, "status");
    assert_values(st->values, st->nvalues, "open,closed");
    ath_arena_free(arena);
}

static void reads_columns_in_order_with_defaults_and_comments(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    const ath_table *u = table(s, "user");
    assert_int_equal(u->ncolumns, 8);
    const char *names[8];
    for (size_t i = 0; i < 8; i++)
        names[i] = u->columns[i].name;
    assert_names(names, 8, "id,email,name,select,MixedCase,active,current_mood,created_at");

    const ath_column *c = column(u, "id");
    assert_plain(c, ATH_TYPE_INTEGER);
    assert_column(c, false, NULL, ATH_AUTOINC_TRUE, ATH_IDENTITY_NONE, NULL);
    c = column(u, "email");
    assert_string_type(&c->type, 120);
    assert_column(c, false, NULL, ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, "where we write");
    c = column(u, "name");
    assert_string_type(&c->type, -1);
    assert_column(c, true, NULL, ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    c = column(u, "select");
    assert_plain(c, ATH_TYPE_INTEGER);
    assert_column(c, true, NULL, ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    c = column(u, "MixedCase");
    assert_plain(c, ATH_TYPE_TEXT);
    assert_column(c, true, "'it''s'::text", ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    c = column(u, "active");
    assert_plain(c, ATH_TYPE_BOOLEAN);
    assert_column(c, false, "true", ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    c = column(u, "created_at");
    assert_plain(c, ATH_TYPE_DATETIME);
    assert_column(c, false, "now()", ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);

    const ath_table *g = table(s, "group");
    c = column(g, "id");
    assert_plain(c, ATH_TYPE_BIGINT);
    assert_column(c, false, NULL, ATH_AUTOINC_TRUE, ATH_IDENTITY_NONE, NULL);
    c = column(g, "Title");
    assert_string_type(&c->type, 50);
    assert_column(c, false, NULL, ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    c = column(g, "mood");
    assert_column(c, false, "'ok'::mood", ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);

    const ath_table *o = table(s, "order");
    c = column(o, "id");
    assert_plain(c, ATH_TYPE_INTEGER);
    assert_column(c, false, NULL, ATH_AUTOINC_TRUE, ATH_IDENTITY_ALWAYS, NULL);
    c = column(o, "qty");
    assert_plain(c, ATH_TYPE_SMALLINT);
    assert_column(c, true, "1", ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    /* A generated column's expression is not a default. */
    c = column(o, "total");
    assert_plain(c, ATH_TYPE_NUMERIC);
    assert_column(c, true, NULL, ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);

    const ath_table *t = table(s, "types");
    c = column(t, "id");
    assert_plain(c, ATH_TYPE_BIGINT);
    assert_column(c, false, NULL, ATH_AUTOINC_TRUE, ATH_IDENTITY_BY_DEFAULT, NULL);
    /* nextval() of a sequence the column does not own stays a default. */
    c = column(t, "ticket");
    assert_plain(c, ATH_TYPE_INTEGER);
    assert_column(c, false, "nextval('shared_seq'::regclass)", ATH_AUTOINC_TRUE, ATH_IDENTITY_NONE,
                  NULL);
    c = column(t, "jb");
    assert_column(c, false, "'{}'::jsonb", ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    ath_arena_free(arena);
}

static void reads_types_as_sqlalchemy_names_them(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    const ath_table *t = table(s, "types");
    assert_int_equal(t->ncolumns, 27);

    const ath_type *ty = &column(t, "a_int")->type;
    assert_kind(ty, ATH_TYPE_ARRAY);
    assert_int_equal(ty->dimensions, 1);
    assert_kind(ty->item, ATH_TYPE_INTEGER);
    ty = &column(t, "a_str")->type;
    assert_kind(ty, ATH_TYPE_ARRAY);
    assert_int_equal(ty->dimensions, 1);
    assert_string_type(ty->item, 20);
    ty = &column(t, "grid")->type;
    assert_kind(ty, ATH_TYPE_ARRAY);
    assert_int_equal(ty->dimensions, 2);
    assert_kind(ty->item, ATH_TYPE_INTEGER);

    assert_plain(column(t, "j"), ATH_TYPE_JSON);
    assert_other(column(t, "jb"), "JSONB");
    assert_plain(column(t, "u"), ATH_TYPE_UUID);
    assert_other(column(t, "ip"), "INET");

    ty = &column(t, "n")->type;
    assert_kind(ty, ATH_TYPE_NUMERIC);
    assert_int_equal(ty->precision, 10);
    assert_int_equal(ty->scale, 2);
    assert_plain(column(t, "n_plain"), ATH_TYPE_NUMERIC);
    assert_plain(column(t, "dp"), ATH_TYPE_FLOAT);
    ty = &column(t, "r")->type;
    assert_kind(ty, ATH_TYPE_FLOAT);
    assert_int_equal(ty->precision, 24);

    assert_plain(column(t, "ts"), ATH_TYPE_DATETIME);
    ty = &column(t, "tstz")->type;
    assert_kind(ty, ATH_TYPE_DATETIME);
    assert_true(ty->timezone);
    assert_plain(column(t, "t"), ATH_TYPE_TIME);
    ty = &column(t, "ttz")->type;
    assert_kind(ty, ATH_TYPE_TIME);
    assert_true(ty->timezone);
    assert_plain(column(t, "d"), ATH_TYPE_DATE);
    assert_plain(column(t, "iv"), ATH_TYPE_INTERVAL);
    assert_plain(column(t, "b"), ATH_TYPE_LARGEBINARY);
    assert_plain(column(t, "flag"), ATH_TYPE_BOOLEAN);
    ty = &column(t, "c")->type;
    assert_kind(ty, ATH_TYPE_CHAR);
    assert_int_equal(ty->length, 3);
    assert_plain(column(t, "txt"), ATH_TYPE_TEXT);
    ath_arena_free(arena);
}

static void reads_primary_keys_and_unique_constraints_by_name(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    const ath_table *u = table(s, "user");
    assert_string_equal(u->pk.name, "pk_user");
    assert_names(u->pk.columns, u->pk.ncolumns, "id");
    assert_string_equal(table(s, "group")->pk.name, "group_pkey");
    assert_string_equal(table(s, "order")->pk.name, "order_pkey");

    assert_int_equal(u->nuniques, 2);
    /* PostgreSQL names an unnamed unique constraint itself. */
    const ath_unique *uq = unique(u, "user_email_key");
    assert_names(uq->columns, uq->ncolumns, "email");
    uq = unique(u, "uq_user_name_select");
    assert_names(uq->columns, uq->ncolumns, "name,select");
    ath_arena_free(arena);
}

static void reads_indexes_but_not_those_behind_constraints(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    const ath_table *u = table(s, "user");
    assert_int_equal(u->nindexes, 3);

    const ath_index *ix = index_named(u, "ix_user_lower_email");
    assert_false(ix->unique);
    assert_int_equal(ix->nelems, 1);
    assert_true(ix->elems[0].expression);
    assert_string_equal(ix->elems[0].text, "lower(email::text)");
    assert_null(ix->where);

    ix = index_named(u, "ix_user_active_name");
    assert_true(ix->unique);
    assert_int_equal(ix->nelems, 1);
    assert_false(ix->elems[0].expression);
    assert_string_equal(ix->elems[0].text, "name");
    assert_str_or_null(ix->where, "(\"select\" > 0)");

    ix = index_named(u, "ix_user_MixedCase");
    assert_false(ix->unique);
    assert_int_equal(ix->nelems, 2);
    assert_string_equal(ix->elems[0].text, "MixedCase");
    assert_false(ix->elems[0].expression);
    assert_string_equal(ix->elems[1].text, "select");
    assert_false(ix->elems[1].expression);
    assert_null(ix->where);

    for (size_t i = 0; i < s->ntables; i++)
        if (strcmp(s->tables[i].name, "user") != 0)
            assert_int_equal(s->tables[i].nindexes, 0);
    ath_arena_free(arena);
}

static void reads_foreign_keys_with_actions_and_deferral(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    const ath_table *o = table(s, "order");
    assert_int_equal(o->nfks, 2);
    const ath_foreign_key *fk = fk_named(o, "fk_order_user");
    assert_names(fk->columns, fk->ncolumns, "user_id");
    assert_null(fk->ref_schema);
    assert_string_equal(fk->ref_table, "user");
    assert_names(fk->ref_columns, fk->ncolumns, "id");
    assert_str_or_null(fk->ondelete, "CASCADE");
    assert_str_or_null(fk->onupdate, "RESTRICT");
    assert_false(fk->deferrable);
    assert_null(fk->initially);

    fk = fk_named(o, "order_group_id_fkey");
    assert_names(fk->columns, fk->ncolumns, "group_id");
    assert_string_equal(fk->ref_table, "group");
    assert_names(fk->ref_columns, fk->ncolumns, "id");
    assert_str_or_null(fk->ondelete, "SET NULL");
    assert_null(fk->onupdate);
    assert_true(fk->deferrable);
    assert_str_or_null(fk->initially, "DEFERRED");

    const ath_table *t = table(s, "types");
    assert_int_equal(t->nfks, 2);
    fk = fk_named(t, "types_acc_id_acc_region_fkey");
    assert_names(fk->columns, fk->ncolumns, "acc_id,acc_region");
    assert_str_or_null(fk->ref_schema, "billing");
    assert_string_equal(fk->ref_table, "account");
    assert_names(fk->ref_columns, fk->ncolumns, "id,region");
    assert_str_or_null(fk->ondelete, "SET DEFAULT");
    assert_str_or_null(fk->onupdate, "CASCADE");
    assert_false(fk->deferrable);
    assert_null(fk->initially);

    /* Deferrable but initially immediate: no INITIALLY. */
    fk = fk_named(t, "fk_types_group");
    assert_names(fk->columns, fk->ncolumns, "ticket");
    assert_str_or_null(fk->ondelete, "RESTRICT");
    assert_null(fk->onupdate);
    assert_true(fk->deferrable);
    assert_null(fk->initially);
    ath_arena_free(arena);
}

static void reads_check_constraints_without_the_check_wrapper(void **state)
{
    (void)state;
    ath_arena *arena;
    ath_schema *s = app_schema(&arena);
    const ath_table *o = table(s, "order");
    assert_int_equal(o->nchecks, 2);
    assert_string_equal(check_named(o, "ck_order_price")->sqltext, "price > 0::numeric");
    assert_string_equal(check_named(o, "order_qty_check")->sqltext,
                        "qty >= 0 AND (qty < 1000 OR qty IS NULL)");
    ath_arena_free(arena);
}

static void check_text_keeps_inner_parentheses_and_quotes(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgi_checktext");
    ath_backend *be = ts_open(url);
    ts_exec(be, "CREATE TABLE t (a int, \"b)\" text,"
                " CONSTRAINT ck_paren CHECK ((a > 0) OR (a < -5)),"
                " CONSTRAINT ck_quote CHECK (\"b)\" <> ')(' AND a IS NOT NULL),"
                " CONSTRAINT ck_const CHECK (true))");
    ts_exec(be, "ALTER TABLE t ADD CONSTRAINT ck_nv CHECK (a <> 3) NOT VALID");
    ath_arena *arena = ath_arena_new();
    const ath_table *t = table(introspect(arena, be), "t");
    assert_int_equal(t->nchecks, 4);
    assert_string_equal(check_named(t, "ck_paren")->sqltext, "a > 0 OR a < '-5'::integer");
    assert_string_equal(check_named(t, "ck_quote")->sqltext,
                        "\"b)\" <> ')('::text AND a IS NOT NULL");
    assert_string_equal(check_named(t, "ck_const")->sqltext, "true");
    assert_string_equal(check_named(t, "ck_nv")->sqltext, "a <> 3");
    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
}

static void reads_citext_when_the_extension_is_available(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgi_citext");
    ath_backend *be = ts_open(url);
    ath_arena *arena = ath_arena_new();
    ath_rows rows;
    assert_int_equal(ath_backend_query(&rows, arena, be,
                                       "SELECT 1 FROM pg_available_extensions"
                                       " WHERE name = 'citext'",
                                       NULL, 0),
                     0);
    if (rows.nrows == 0) {
        ath_arena_free(arena);
        ath_backend_close(be);
        free(url);
        skip(); /* postgresql-contrib is not installed */
    }
    ts_exec(be, "CREATE EXTENSION citext;"
                " CREATE TABLE people (id SERIAL NOT NULL, email CITEXT NOT NULL, tags CITEXT[],"
                " PRIMARY KEY (id))");
    const ath_table *t = table(introspect(arena, be), "people");
    const ath_column *c = column(t, "email");
    assert_other(c, "CITEXT");
    assert_column(c, false, NULL, ATH_AUTOINC_AUTO, ATH_IDENTITY_NONE, NULL);
    const ath_type *ty = &column(t, "tags")->type;
    assert_kind(ty, ATH_TYPE_ARRAY);
    assert_kind(ty->item, ATH_TYPE_OTHER);
    assert_string_equal(ty->item->name, "CITEXT");
    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
}

/*
 * Defaults print through the session's date, time zone and interval
 * settings; introspection reads them the same way whatever the session says,
 * and leaves the session's settings as they were.
 */
static void session_settings_do_not_change_what_is_read(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgi_settings");
    ath_backend *be = ts_open(url);
    ts_exec(be, "CREATE TABLE t (at TIMESTAMP WITH TIME ZONE"
                " DEFAULT '2020-01-02 12:00:00+00', d DATE DEFAULT '2020-01-02',"
                " iv INTERVAL DEFAULT '1 day 02:00:00')");
    const char *want_at = "'2020-01-02 12:00:00+00'::timestamp with time zone";
    const char *want_d = "'2020-01-02'::date";
    const char *want_iv = "'1 day 02:00:00'::interval";
    ath_arena *arena = ath_arena_new();

    const ath_table *t = table(introspect(arena, be), "t");
    assert_str_or_null(column(t, "at")->server_default, want_at);
    assert_str_or_null(column(t, "d")->server_default, want_d);
    assert_str_or_null(column(t, "iv")->server_default, want_iv);

    ts_exec(be, "SET TimeZone = 'America/New_York'; SET DateStyle = 'SQL, DMY';"
                " SET IntervalStyle = 'iso_8601'");
    t = table(introspect(arena, be), "t");
    assert_str_or_null(column(t, "at")->server_default, want_at);
    assert_str_or_null(column(t, "d")->server_default, want_d);
    assert_str_or_null(column(t, "iv")->server_default, want_iv);

    ath_rows rows;
    assert_int_equal(ath_backend_query(&rows, arena, be,
                                       "SELECT current_setting('TimeZone'),"
                                       " current_setting('DateStyle'),"
                                       " current_setting('IntervalStyle')",
                                       NULL, 0),
                     0);
    assert_string_equal(rows.values[0], "America/New_York");
    assert_string_equal(rows.values[1], "SQL, DMY");
    assert_string_equal(rows.values[2], "iso_8601");
    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
}

static void introspection_inside_a_transaction_sees_its_changes_and_keeps_it_open(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgi_tx");
    ath_backend *be = ts_open(url);
    ath_arena *arena = ath_arena_new();

    assert_int_equal(ath_backend_begin(be), 0);
    ts_exec(be, "CREATE TABLE draft (id INTEGER NOT NULL, PRIMARY KEY (id));"
                " SET LOCAL TimeZone = 'Asia/Tokyo'");
    ath_schema *s = introspect(arena, be);
    assert_int_equal(s->ntables, 1);
    assert_string_equal(s->tables[0].name, "draft");
    ath_rows rows;
    assert_int_equal(
        ath_backend_query(&rows, arena, be, "SELECT current_setting('TimeZone')", NULL, 0), 0);
    assert_string_equal(rows.values[0], "Asia/Tokyo");
    /* Still in the same transaction: rolling back removes the table. */
    ts_exec(be, "INSERT INTO draft VALUES (1)");
    assert_int_equal(ath_backend_rollback(be), 0);
    assert_int_equal(introspect(arena, be)->ntables, 0);

    /* A failed transaction cannot be read. */
    assert_int_equal(ath_backend_begin(be), 0);
    assert_int_equal(ath_backend_exec(be, "SELECT 1/0"), ATH_EBACKEND);
    ath_schema *none = NULL;
    assert_int_equal(ath_backend_introspect(&none, arena, be), ATH_ECONFLICT);
    assert_null(none);
    assert_int_equal(ath_backend_rollback(be), 0);

    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
}

static void empty_database_has_no_tables(void **state)
{
    (void)state;
    char *url = ts_pg_fresh_db("ath_pgi_empty");
    ath_backend *be = ts_open(url);
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);
    assert_int_equal(s->ntables, 0);
    assert_int_equal(s->nenums, 0);
    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
}

/* ---- the number of catalog queries ---- */

/* n tables t0..t(n-1), each with a serial key, a unique, an index, a check and
 * a foreign key to the one before it (the first to itself). */
static char *many_tables_ddl(int n)
{
    ath_buf sql = ATH_BUF_INIT;
    ath_buf_puts(&sql, "CREATE TYPE kind AS ENUM ('a', 'b');\n");
    for (int i = 0; i < n; i++) {
        int parent = i ? i - 1 : 0;
        ath_buf_printf(&sql,
                       "CREATE TABLE t%d (\n"
                       "\tid SERIAL NOT NULL, \n"
                       "\tname VARCHAR(50) NOT NULL, \n"
                       "\tparent_id INTEGER, \n"
                       "\tprice NUMERIC(10, 2) DEFAULT 0, \n"
                       "\tk kind, \n"
                       "\tcreated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(), \n"
                       "\tPRIMARY KEY (id), \n"
                       "\tUNIQUE (name), \n"
                       "\tCONSTRAINT ck_t%d_price CHECK (price >= 0), \n"
                       "\tFOREIGN KEY(parent_id) REFERENCES t%d (id) ON DELETE CASCADE\n"
                       ");\n"
                       "COMMENT ON TABLE t%d IS 'table %d';\n"
                       "CREATE INDEX ix_t%d_created ON t%d (created_at, lower(name));\n",
                       i, i, parent, i, i, i, i);
    }
    assert_int_equal(ath_buf_check(&sql), 0);
    return ath_buf_detach(&sql);
}

static unsigned long queries_to_read(int ntables)
{
    char tag[32];
    snprintf(tag, sizeof(tag), "ath_pgi_count_%d", ntables);
    char *url = ts_pg_fresh_db(tag);
    ath_backend *be = ts_open(url);
    char *ddl = many_tables_ddl(ntables);
    unsigned long before_ddl = ath_backend_query_count(be);
    ts_exec(be, ddl);
    assert_int_equal(ath_backend_query_count(be), before_ddl + 1);
    free(ddl);

    ath_arena *arena = ath_arena_new();
    unsigned long before = ath_backend_query_count(be);
    ath_schema *s = introspect(arena, be);
    unsigned long used = ath_backend_query_count(be) - before;

    assert_int_equal(s->ntables, (size_t)ntables);
    char name[32];
    snprintf(name, sizeof(name), "t%d", ntables - 1);
    const ath_table *t = table(s, name);
    assert_int_equal(t->ncolumns, 6);
    assert_int_equal(t->nuniques, 1);
    assert_int_equal(t->nindexes, 1);
    assert_int_equal(t->indexes[0].nelems, 2);
    assert_true(t->indexes[0].elems[1].expression);
    assert_int_equal(t->nchecks, 1);
    assert_int_equal(t->nfks, 1);
    snprintf(name, sizeof(name), "t%d", ntables - 2);
    assert_string_equal(t->fks[0].ref_table, name);
    assert_kind(&column(t, "k")->type, ATH_TYPE_ENUM);
    assert_int_equal(column(t, "k")->type.nvalues, 2);
    snprintf(name, sizeof(name), "table %d", ntables - 1);
    assert_str_or_null(t->comment, name);

    ath_arena_free(arena);
    ath_backend_close(be);
    free(url);
    return used;
}

static void catalog_queries_do_not_grow_with_tables(void **state)
{
    (void)state;
    unsigned long ten = queries_to_read(10);
    unsigned long two_hundred = queries_to_read(200);
    assert_int_equal(ten, two_hundred);
    /* Begin with fixed settings, enums, tables, columns, constraints, indexes, end. */
    assert_int_equal(ten, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_tables_of_the_current_schema_only),
        cmocka_unit_test(reads_exactly_the_objects_made),
        cmocka_unit_test(reads_every_enum_with_its_labels_in_order),
        cmocka_unit_test(reads_columns_in_order_with_defaults_and_comments),
        cmocka_unit_test(reads_types_as_sqlalchemy_names_them),
        cmocka_unit_test(reads_primary_keys_and_unique_constraints_by_name),
        cmocka_unit_test(reads_indexes_but_not_those_behind_constraints),
        cmocka_unit_test(reads_foreign_keys_with_actions_and_deferral),
        cmocka_unit_test(reads_check_constraints_without_the_check_wrapper),
        cmocka_unit_test(check_text_keeps_inner_parentheses_and_quotes),
        cmocka_unit_test(reads_citext_when_the_extension_is_available),
        cmocka_unit_test(session_settings_do_not_change_what_is_read),
        cmocka_unit_test(introspection_inside_a_transaction_sees_its_changes_and_keeps_it_open),
        cmocka_unit_test(empty_database_has_no_tables),
        cmocka_unit_test(catalog_queries_do_not_grow_with_tables),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(app_url);
    return failed;
}
