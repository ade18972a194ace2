/*
 * Introspection of real SQLite files: schemas as SQLAlchemy's create_all
 * writes them on SQLite, and hand-written ones, compared with the Schema
 * field by field.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what SQLAlchemy 2.0's create_all emits on SQLite, byte for byte ---- */

static const char create_all_sql[] =
    "CREATE TABLE user (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tusername VARCHAR(80) NOT NULL, \n"
    "\temail VARCHAR(120) NOT NULL, \n"
    "\tactive BOOLEAN DEFAULT '1' NOT NULL, \n"
    "\tcreated_at DATETIME DEFAULT (CURRENT_TIMESTAMP), \n"
    "\tPRIMARY KEY (id), \n"
    "\tUNIQUE (username)\n"
    ");\n"
    "CREATE UNIQUE INDEX ix_user_email ON user (email);\n"
    "CREATE INDEX ix_user_lower_email ON user (lower(email));\n"
    "CREATE TABLE all_types (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tbig BIGINT, \n"
    "\tsmall SMALLINT, \n"
    "\tflag BOOLEAN, \n"
    "\tname VARCHAR(80), \n"
    "\tanylen VARCHAR, \n"
    "\tbody TEXT, \n"
    "\tratio FLOAT, \n"
    "\tprice NUMERIC(10, 2), \n"
    "\tcreated DATETIME, \n"
    "\tday DATE, \n"
    "\tat TIME, \n"
    "\tdata BLOB, \n"
    "\tdoc JSON, \n"
    "\tcode CHAR(32), \n"
    "\tstatus VARCHAR(5), \n"
    "\t\"select\" VARCHAR(10), \n"
    "\tPRIMARY KEY (id)\n"
    ");\n"
    "CREATE TABLE \"group\" (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tname VARCHAR(50) NOT NULL, \n"
    "\tCONSTRAINT pk_group PRIMARY KEY (id), \n"
    "\tCONSTRAINT uq_group_name UNIQUE (name)\n"
    ");\n"
    "CREATE TABLE \"order\" (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tuser_id INTEGER NOT NULL, \n"
    "\tgroup_id INTEGER, \n"
    "\ttotal NUMERIC(10, 2) DEFAULT '0' NOT NULL, \n"
    "\tstatus VARCHAR(7) DEFAULT 'new' NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tUNIQUE (user_id, status), \n"
    "\tCONSTRAINT ck_order_total CHECK (total >= 0), \n"
    "\tCHECK (status IN ('new', 'paid')), \n"
    "\tCONSTRAINT fk_order_user_id_user FOREIGN KEY(user_id) REFERENCES user (id) "
    "ON DELETE CASCADE, \n"
    "\tFOREIGN KEY(group_id) REFERENCES \"group\" (id)\n"
    ");\n"
    "CREATE INDEX ix_order_user_status ON \"order\" (user_id, status);\n"
    "CREATE INDEX ix_order_open ON \"order\" (user_id) WHERE status = 'new';\n"
    "CREATE TABLE shipment (\n"
    "\torder_id INTEGER NOT NULL, \n"
    "\tseq INTEGER NOT NULL, \n"
    "\tCONSTRAINT pk_shipment PRIMARY KEY (order_id, seq), \n"
    "\tFOREIGN KEY(order_id) REFERENCES \"order\" (id)\n"
    ");\n"
    "CREATE TABLE parcel (\n"
    "\tid INTEGER NOT NULL, \n"
    "\torder_id INTEGER, \n"
    "\tseq INTEGER, \n"
    "\tPRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_parcel_shipment FOREIGN KEY(order_id, seq) REFERENCES shipment "
    "(order_id, seq) ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
    ");\n"
    "CREATE TABLE person (\n"
    "\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n"
    "\tage INTEGER CHECK (age >= 0), \n"
    "\theight FLOAT CONSTRAINT ck_person_height CHECK (height > 0), \n"
    "\t\"Nick Name\" VARCHAR(20) UNIQUE, \n"
    "\t\"MixedCase\" TEXT\n"
    ");\n";

/* Hand-written: the quoting, spacing and shortcuts people use. */
static const char hand_written_sql[] =
    "create table [Legacy] (\n"
    "    `ID` integer primary key,           -- the rowid\n"
    "    'label' text not null default 'it''s',\n"
    "    owner int references user on delete set null,\n"
    "    untyped,\n"
    "    constraint \"uq legacy\" unique ('label', owner)\n"
    ");\n"
    "CREATE TABLE notalias (id INT PRIMARY KEY, v);\n"
    "CREATE TABLE descpk (id INTEGER PRIMARY KEY DESC);\n"
    "CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;\n"
    "CREATE VIEW active_user AS SELECT * FROM user WHERE active;\n";

static ath_backend *open_with(const char *tag, const char *sql, char **path_out)
{
    char *path = ts_sqlite_path(tag);
    char *url = ts_sqlite_url(path);
    ath_backend *be = ts_open(url);
    ts_exec(be, sql);
    free(url);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return be;
}

static ath_schema *introspect(ath_arena *arena, ath_backend *be)
{
    ath_schema *schema = NULL;
    if (ath_backend_introspect(&schema, arena, be) != 0)
        fail_msg("introspection failed: %s", ath_error_last());
    assert_non_null(schema);
    return schema;
}

static const ath_table *table(const ath_schema *s, const char *name)
{
    const ath_table *t = ath_schema_find_table(s, NULL, name);
    if (!t)
        fail_msg("no table %s", name);
    assert_null(t->schema);
    assert_null(t->comment);
    return t;
}

/* ---- exact expectations ---- */

typedef struct expected_type {
    ath_type_kind kind;
    int length, precision, scale;
    const char *name;
} expected_type;

#define T(kind) ((expected_type){ATH_TYPE_##kind, -1, -1, -1, NULL})
#define T_LEN(kind, n) ((expected_type){ATH_TYPE_##kind, (n), -1, -1, NULL})
#define T_NUM(p, s) ((expected_type){ATH_TYPE_NUMERIC, -1, (p), (s), NULL})
#define T_NULL ((expected_type){ATH_TYPE_OTHER, -1, -1, -1, NULL})

static void assert_opt_string(const char *actual, const char *expected)
{
    if (!expected)
        assert_null(actual);
    else if (!actual)
        fail_msg("NULL instead of \"%s\"", expected);
    else
        assert_string_equal(actual, expected);
}

static void column(const ath_table *t, size_t i, const char *name, expected_type type,
                   bool nullable, const char *server_default, ath_autoinc autoincrement)
{
    assert_true(i < t->ncolumns);
    const ath_column *c = &t->columns[i];
    assert_string_equal(c->name, name);
    if (c->type.kind != type.kind)
        fail_msg("%s.%s: type kind %d, expected %d", t->name, name, c->type.kind, type.kind);
    assert_int_equal(c->type.length, type.length);
    assert_int_equal(c->type.precision, type.precision);
    assert_int_equal(c->type.scale, type.scale);
    assert_false(c->type.timezone);
    assert_opt_string(c->type.name, type.name);
    assert_null(c->type.args);
    assert_int_equal(c->type.nvalues, 0);
    assert_null(c->type.item);
    if (c->nullable != nullable)
        fail_msg("%s.%s: nullable %d, expected %d", t->name, name, c->nullable, nullable);
    assert_opt_string(c->server_default, server_default);
    if (c->autoincrement != autoincrement)
        fail_msg("%s.%s: autoincrement %d, expected %d", t->name, name, c->autoincrement,
                 autoincrement);
    assert_int_equal(c->identity, ATH_IDENTITY_NONE);
    assert_null(c->comment);
}

static void names(const char *const *actual, size_t n, const char *const *expected, size_t ne)
{
    assert_int_equal(n, ne);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(actual[i], expected[i]);
}

#define LIST(...)                                                                                  \
    ((const char *const[]){__VA_ARGS__}),                                                          \
        (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void primary_key(const ath_table *t, const char *name, const char *const *cols, size_t n)
{
    assert_opt_string(t->pk.name, name);
    names(t->pk.columns, t->pk.ncolumns, cols, n);
}

static void no_primary_key(const ath_table *t)
{
    assert_int_equal(t->pk.ncolumns, 0);
    assert_null(t->pk.name);
}

static void unique(const ath_table *t, size_t i, const char *name, const char *const *cols,
                   size_t n)
{
    assert_true(i < t->nuniques);
    assert_opt_string(t->uniques[i].name, name);
    names(t->uniques[i].columns, t->uniques[i].ncolumns, cols, n);
}

static void check(const ath_table *t, size_t i, const char *name, const char *sqltext)
{
    assert_true(i < t->nchecks);
    assert_opt_string(t->checks[i].name, name);
    assert_string_equal(t->checks[i].sqltext, sqltext);
}

static void index_(const ath_table *t, size_t i, const char *name, bool is_unique,
                   const char *where, const char *const *elems, size_t n)
{
    assert_true(i < t->nindexes);
    const ath_index *ix = &t->indexes[i];
    assert_string_equal(ix->name, name);
    assert_int_equal(ix->unique, is_unique);
    assert_opt_string(ix->where, where);
    assert_int_equal(ix->nelems, n);
    for (size_t k = 0; k < n; k++) {
        /* Expected expressions are written with a leading '='. */
        bool expression = elems[k][0] == '=';
        assert_string_equal(ix->elems[k].text, elems[k] + (expression ? 1 : 0));
        assert_int_equal(ix->elems[k].expression, expression);
    }
}

typedef struct expected_fk {
    const char *name;
    const char *ref_table;
    const char *ondelete, *onupdate;
    bool deferrable;
    const char *initially;
} expected_fk;

static void fk(const ath_table *t, size_t i, expected_fk e, const char *const *cols, size_t n,
               const char *const *refs, size_t nrefs)
{
    assert_int_equal(n, nrefs);
    assert_true(i < t->nfks);
    const ath_foreign_key *f = &t->fks[i];
    assert_opt_string(f->name, e.name);
    names(f->columns, f->ncolumns, cols, n);
    assert_null(f->ref_schema);
    assert_string_equal(f->ref_table, e.ref_table);
    names(f->ref_columns, f->ncolumns, refs, n);
    assert_opt_string(f->ondelete, e.ondelete);
    assert_opt_string(f->onupdate, e.onupdate);
    assert_int_equal(f->deferrable, e.deferrable);
    assert_opt_string(f->initially, e.initially);
}

static void counts(const ath_table *t, size_t ncolumns, size_t nuniques, size_t nindexes,
                   size_t nfks, size_t nchecks)
{
    if (t->ncolumns != ncolumns || t->nuniques != nuniques || t->nindexes != nindexes ||
        t->nfks != nfks || t->nchecks != nchecks)
        fail_msg("%s: %zu columns, %zu uniques, %zu indexes, %zu fks, %zu checks; expected "
                 "%zu, %zu, %zu, %zu, %zu",
                 t->name, t->ncolumns, t->nuniques, t->nindexes, t->nfks, t->nchecks, ncolumns,
                 nuniques, nindexes, nfks, nchecks);
}

#define AUTO ATH_AUTOINC_AUTO

/* ---- tests ---- */

static void create_all_schema_is_read_exactly(void **state)
{
    (void)state;
    ath_backend *be = open_with("create_all", create_all_sql, NULL);
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);

    /* sqlite_sequence (made by AUTOINCREMENT) is SQLite's, not the user's. */
    assert_int_equal(s->ntables, 7);
    static const char *const order[] = {"all_types", "group",    "order", "parcel",
                                        "person",    "shipment", "user"};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(s->tables[i].name, order[i]);
    assert_int_equal(s->nenums, 0);

    const ath_table *t = table(s, "user");
    counts(t, 5, 1, 2, 0, 0);
    column(t, 0, "id", T(INTEGER), false, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "username", T_LEN(STRING, 80), false, NULL, AUTO);
    column(t, 2, "email", T_LEN(STRING, 120), false, NULL, AUTO);
    column(t, 3, "active", T(BOOLEAN), false, "'1'", AUTO);
    column(t, 4, "created_at", T(DATETIME), true, "CURRENT_TIMESTAMP", AUTO);
    primary_key(t, NULL, LIST("id"));
    unique(t, 0, NULL, LIST("username"));
    index_(t, 0, "ix_user_email", true, NULL, LIST("email"));
    index_(t, 1, "ix_user_lower_email", false, NULL, LIST("=lower(email)"));

    t = table(s, "all_types");
    counts(t, 17, 0, 0, 0, 0);
    column(t, 0, "id", T(INTEGER), false, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "big", T(BIGINT), true, NULL, AUTO);
    column(t, 2, "small", T(SMALLINT), true, NULL, AUTO);
    column(t, 3, "flag", T(BOOLEAN), true, NULL, AUTO);
    column(t, 4, "name", T_LEN(STRING, 80), true, NULL, AUTO);
    column(t, 5, "anylen", T(STRING), true, NULL, AUTO);
    column(t, 6, "body", T(TEXT), true, NULL, AUTO);
    column(t, 7, "ratio", T(FLOAT), true, NULL, AUTO);
    column(t, 8, "price", T_NUM(10, 2), true, NULL, AUTO);
    column(t, 9, "created", T(DATETIME), true, NULL, AUTO);
    column(t, 10, "day", T(DATE), true, NULL, AUTO);
    column(t, 11, "at", T(TIME), true, NULL, AUTO);
    column(t, 12, "data", T(LARGEBINARY), true, NULL, AUTO);
    column(t, 13, "doc", T(JSON), true, NULL, AUTO);
    column(t, 14, "code", T_LEN(CHAR, 32), true, NULL, AUTO);
    column(t, 15, "status", T_LEN(STRING, 5), true, NULL, AUTO);
    column(t, 16, "select", T_LEN(STRING, 10), true, NULL, AUTO);
    primary_key(t, NULL, LIST("id"));

    t = table(s, "group");
    counts(t, 2, 1, 0, 0, 0);
    column(t, 0, "id", T(INTEGER), false, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "name", T_LEN(STRING, 50), false, NULL, AUTO);
    primary_key(t, "pk_group", LIST("id"));
    unique(t, 0, "uq_group_name", LIST("name"));

    t = table(s, "order");
    counts(t, 5, 1, 2, 2, 2);
    column(t, 0, "id", T(INTEGER), false, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "user_id", T(INTEGER), false, NULL, AUTO);
    column(t, 2, "group_id", T(INTEGER), true, NULL, AUTO);
    column(t, 3, "total", T_NUM(10, 2), false, "'0'", AUTO);
    column(t, 4, "status", T_LEN(STRING, 7), false, "'new'", AUTO);
    primary_key(t, NULL, LIST("id"));
    unique(t, 0, NULL, LIST("user_id", "status"));
    check(t, 0, NULL, "status IN ('new', 'paid')");
    check(t, 1, "ck_order_total", "total >= 0");
    index_(t, 0, "ix_order_open", false, "status = 'new'", LIST("user_id"));
    index_(t, 1, "ix_order_user_status", false, NULL, LIST("user_id", "status"));
    fk(t, 0, (expected_fk){NULL, "group", NULL, NULL, false, NULL}, LIST("group_id"), LIST("id"));
    fk(t, 1, (expected_fk){"fk_order_user_id_user", "user", "CASCADE", NULL, false, NULL},
       LIST("user_id"), LIST("id"));

    t = table(s, "shipment");
    counts(t, 2, 0, 0, 1, 0);
    column(t, 0, "order_id", T(INTEGER), false, NULL, AUTO);
    column(t, 1, "seq", T(INTEGER), false, NULL, AUTO);
    primary_key(t, "pk_shipment", LIST("order_id", "seq"));
    fk(t, 0, (expected_fk){NULL, "order", NULL, NULL, false, NULL}, LIST("order_id"), LIST("id"));

    t = table(s, "parcel");
    counts(t, 3, 0, 0, 1, 0);
    column(t, 0, "id", T(INTEGER), false, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "order_id", T(INTEGER), true, NULL, AUTO);
    column(t, 2, "seq", T(INTEGER), true, NULL, AUTO);
    primary_key(t, NULL, LIST("id"));
    fk(t, 0,
       (expected_fk){"fk_parcel_shipment", "shipment", "SET NULL", "CASCADE", true, "DEFERRED"},
       LIST("order_id", "seq"), LIST("order_id", "seq"));

    t = table(s, "person");
    counts(t, 5, 1, 0, 0, 2);
    column(t, 0, "id", T(INTEGER), false, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "age", T(INTEGER), true, NULL, AUTO);
    column(t, 2, "height", T(FLOAT), true, NULL, AUTO);
    column(t, 3, "Nick Name", T_LEN(STRING, 20), true, NULL, AUTO);
    column(t, 4, "MixedCase", T(TEXT), true, NULL, AUTO);
    primary_key(t, NULL, LIST("id"));
    unique(t, 0, NULL, LIST("Nick Name"));
    check(t, 0, NULL, "age >= 0");
    check(t, 1, "ck_person_height", "height > 0");

    ath_arena_free(arena);
    ath_backend_close(be);
}

static void hand_written_schema_is_read_exactly(void **state)
{
    (void)state;
    ath_backend *be = open_with("hand", hand_written_sql, NULL);
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);
    /* Views are not tables; mixed case sorts by bytes. */
    assert_int_equal(s->ntables, 4);
    assert_string_equal(s->tables[0].name, "Legacy");
    assert_string_equal(s->tables[1].name, "descpk");
    assert_string_equal(s->tables[2].name, "kv");
    assert_string_equal(s->tables[3].name, "notalias");

    const ath_table *t = table(s, "Legacy");
    counts(t, 4, 1, 0, 1, 0);
    /* SQLite spells the declared "integer" of a PRIMARY KEY as INTEGER; the
     * column is the rowid, nullable as the pragma says. */
    column(t, 0, "ID", T(INTEGER), true, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "label", T(TEXT), false, "'it''s'", AUTO);
    column(t, 2, "owner", T(INTEGER), true, NULL, AUTO);
    column(t, 3, "untyped", T_NULL, true, NULL, AUTO);
    primary_key(t, NULL, LIST("ID"));
    unique(t, 0, "uq legacy", LIST("label", "owner"));
    /* REFERENCES user with no columns: the referenced table's primary key...
     * of a table that does not exist here, so the local names stand in. */
    fk(t, 0, (expected_fk){NULL, "user", "SET NULL", NULL, false, NULL}, LIST("owner"),
       LIST("owner"));

    t = table(s, "notalias");
    counts(t, 2, 0, 0, 0, 0);
    column(t, 0, "id", T(INTEGER), true, NULL, AUTO);
    column(t, 1, "v", T_NULL, true, NULL, AUTO);
    primary_key(t, NULL, LIST("id"));

    t = table(s, "descpk");
    counts(t, 1, 0, 0, 0, 0);
    column(t, 0, "id", T(INTEGER), true, NULL, AUTO);
    primary_key(t, NULL, LIST("id"));

    t = table(s, "kv");
    counts(t, 2, 0, 0, 0, 0);
    column(t, 0, "k", T(TEXT), false, NULL, AUTO);
    column(t, 1, "v", T(LARGEBINARY), true, NULL, AUTO);
    primary_key(t, NULL, LIST("k"));

    ath_arena_free(arena);
    ath_backend_close(be);
}

static void referenced_primary_key_fills_omitted_columns(void **state)
{
    (void)state;
    ath_backend *be = open_with(
        "refpk",
        "CREATE TABLE Parent (a INT, b TEXT, CONSTRAINT pk_parent PRIMARY KEY (b, a));\n"
        "CREATE TABLE child (x INT, y TEXT, z INT REFERENCES parent,\n"
        "  CONSTRAINT fk_both FOREIGN KEY (y, x) REFERENCES PARENT ON UPDATE RESTRICT);\n",
        NULL);
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);
    const ath_table *t = table(s, "child");
    counts(t, 3, 0, 0, 2, 0);
    /* The names as written in REFERENCES; the columns of Parent's key, in key order. */
    fk(t, 0, (expected_fk){NULL, "parent", NULL, NULL, false, NULL}, LIST("z"), LIST("z"));
    fk(t, 1, (expected_fk){"fk_both", "PARENT", NULL, "RESTRICT", false, NULL}, LIST("y", "x"),
       LIST("b", "a"));
    primary_key(table(s, "Parent"), "pk_parent", LIST("b", "a"));
    ath_arena_free(arena);
    ath_backend_close(be);
}

static void odd_names_and_index_forms(void **state)
{
    (void)state;
    ath_backend *be = open_with(
        "odd",
        "CREATE TABLE \"select\" (\n"
        "  \"from\" INTEGER NOT NULL,\n"
        "  [Where Clause] TEXT COLLATE NOCASE,\n"
        "  `x\"y` TEXT,\n"
        "  CONSTRAINT \"PK Select\" PRIMARY KEY (\"from\"),\n"
        "  CONSTRAINT uq_mixed UNIQUE ([WHERE CLAUSE], `x\"y`),\n"
        "  CONSTRAINT [ck odd] CHECK ( length(\"x\"\"y\") > 0 -- not empty\n ),\n"
        "  FOREIGN KEY (\"from\") REFERENCES \"select\" DEFERRABLE\n"
        ");\n"
        "CREATE INDEX \"Ix Mixed\" ON \"select\" (\"Where Clause\" COLLATE BINARY DESC, "
        "substr(\"x\"\"y\", 1, 2) DESC, \"from\" + 1) WHERE (\"from\" > 0) AND [Where Clause] "
        "<> ')';\n",
        NULL);
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);
    const ath_table *t = table(s, "select");
    counts(t, 3, 1, 1, 1, 1);
    column(t, 0, "from", T(INTEGER), false, NULL, ATH_AUTOINC_TRUE);
    column(t, 1, "Where Clause", T(TEXT), true, NULL, AUTO);
    column(t, 2, "x\"y", T(TEXT), true, NULL, AUTO);
    primary_key(t, "PK Select", LIST("from"));
    unique(t, 0, "uq_mixed", LIST("Where Clause", "x\"y"));
    check(t, 0, "ck odd", "length(\"x\"\"y\") > 0");
    index_(t, 0, "Ix Mixed", false, "(\"from\" > 0) AND [Where Clause] <> ')'",
           LIST("Where Clause", "=substr(\"x\"\"y\", 1, 2)", "=\"from\" + 1"));
    fk(t, 0, (expected_fk){NULL, "select", NULL, NULL, true, NULL}, LIST("from"), LIST("from"));
    ath_arena_free(arena);
    ath_backend_close(be);
}

static void every_form_sqlite_accepts_is_read(void **state)
{
    (void)state;
    ath_backend *be = open_with(
        "forms",
        "CREATE TABLE k1 (key INT, action TEXT, desc TEXT, replace INT, \"INT\" \"VARCHAR\"(10),"
        " 'x' DECIMAL(+10, 2) DEFAULT -'1');\n"
        "CREATE TABLE k2 (id INTEGER, PRIMARY KEY (id AUTOINCREMENT) ON CONFLICT REPLACE"
        " UNIQUE (id) CHECK (id > 0) ON CONFLICT FAIL);\n"
        "CREATE TABLE k3 (a INT CONSTRAINT c1 NOT NULL CONSTRAINT c2 CHECK (a <> 0)"
        " REFERENCES k1 (key) MATCH SIMPLE ON DELETE CASCADE ON INSERT RESTRICT"
        " CHECK (a < 10) DEFERRABLE INITIALLY DEFERRED,"
        " b INT AS (a * 2) VIRTUAL NOT NULL,"
        " c TEXT GENERATED ALWAYS AS (upper(action)) STORED, action TEXT) STRICT;\n"
        "CREATE TABLE \"\xc3\xbcn\xc3\xaf" "code$\" (\"\xc3\xa7ol\" TEXT);\n",
        NULL);
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);
    assert_int_equal(s->ntables, 4);

    const ath_table *t = table(s, "k1");
    counts(t, 6, 0, 0, 0, 0);
    /* SQLite reports a quoted type name unquoted, and without its length. */
    column(t, 4, "INT", T(STRING), true, NULL, AUTO);
    column(t, 5, "x", T_NUM(10, 2), true, "-'1'", AUTO);

    t = table(s, "k2");
    counts(t, 1, 1, 0, 0, 1);
    column(t, 0, "id", T(INTEGER), true, NULL, ATH_AUTOINC_TRUE);
    primary_key(t, NULL, LIST("id"));
    unique(t, 0, NULL, LIST("id"));
    check(t, 0, NULL, "id > 0");

    /* Generated columns are not in pragma_table_info; their CHECKs are. */
    t = table(s, "k3");
    counts(t, 2, 0, 0, 1, 2);
    column(t, 0, "a", T(INTEGER), false, NULL, AUTO);
    column(t, 1, "action", T(TEXT), true, NULL, AUTO);
    check(t, 0, NULL, "a < 10");
    check(t, 1, "c2", "a <> 0");
    fk(t, 0, (expected_fk){NULL, "k1", "CASCADE", NULL, true, "DEFERRED"}, LIST("a"), LIST("key"));

    t = table(s, "\xc3\xbcn\xc3\xaf" "code$");
    column(t, 0, "\xc3\xa7ol", T(TEXT), true, NULL, AUTO);
    ath_arena_free(arena);
    ath_backend_close(be);
}

static void empty_database_and_what_is_not_a_user_table(void **state)
{
    (void)state;
    ath_backend *be = ts_open("sqlite://");
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);
    assert_int_equal(s->ntables, 0);

    /* Temporary tables belong to the connection, not the database; SQLite's
     * own tables are not the user's. */
    ts_exec(be, "CREATE TEMP TABLE scratch (a); CREATE TABLE t (id INTEGER PRIMARY KEY "
                "AUTOINCREMENT); ANALYZE; CREATE VIEW v AS SELECT 1");
    s = introspect(arena, be);
    assert_int_equal(s->ntables, 1);
    assert_string_equal(s->tables[0].name, "t");
    ath_arena_free(arena);
    ath_backend_close(be);
}

static void virtual_tables_are_listed_with_their_columns(void **state)
{
    (void)state;
    ath_backend *be = ts_open("sqlite://");
    ts_exec(be, "CREATE VIRTUAL TABLE docs USING fts5(title, body)");
    ath_arena *arena = ath_arena_new();
    ath_schema *s = introspect(arena, be);
    /* As SQLAlchemy lists them: the virtual table and its shadow tables. */
    const ath_table *t = table(s, "docs");
    counts(t, 2, 0, 0, 0, 0);
    column(t, 0, "title", T_NULL, true, NULL, AUTO);
    no_primary_key(t);
    assert_non_null(ath_schema_find_table(s, NULL, "docs_data"));
    ath_arena_free(arena);
    ath_backend_close(be);
}

static void make_tables(ath_backend *be, int n)
{
    ath_buf sql = ATH_BUF_INIT;
    for (int i = 0; i < n; i++) {
        ath_buf_printf(&sql,
                       "CREATE TABLE t%03d (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(40), \n"
                       "\tparent_id INTEGER, \n\tPRIMARY KEY (id), \n\tUNIQUE (name), \n"
                       "\tCONSTRAINT ck_t%03d CHECK (id > 0), \n"
                       "\tFOREIGN KEY(parent_id) REFERENCES t%03d (id)\n);\n"
                       "CREATE INDEX ix_t%03d_lower ON t%03d (lower(name)) WHERE id > 1;\n",
                       i, i, i > 0 ? i - 1 : 0, i, i);
    }
    assert_int_equal(ath_buf_check(&sql), 0);
    ts_exec(be, ath_buf_cstr(&sql));
    ath_buf_free(&sql);
}

static unsigned long statements_for(int ntables, bool locked)
{
    ath_backend *be = ts_open("sqlite://");
    make_tables(be, ntables);
    if (locked)
        assert_int_equal(ath_backend_lock(be), 0);
    ath_arena *arena = ath_arena_new();
    unsigned long before = ath_backend_query_count(be);
    ath_schema *s = introspect(arena, be);
    unsigned long used = ath_backend_query_count(be) - before;
    assert_int_equal(s->ntables, (size_t)ntables);
    const ath_table *t = table(s, "t007");
    counts(t, 3, 1, 1, 1, 1);
    fk(t, 0, (expected_fk){NULL, "t006", NULL, NULL, false, NULL}, LIST("parent_id"), LIST("id"));
    index_(t, 0, "ix_t007_lower", false, "id > 1", LIST("=lower(name)"));
    check(t, 0, "ck_t007", "id > 0");
    if (locked)
        assert_int_equal(ath_backend_unlock(be), 0);
    ath_arena_free(arena);
    ath_backend_close(be);
    return used;
}

static void statement_count_does_not_grow_with_tables(void **state)
{
    (void)state;
    unsigned long small = statements_for(10, false);
    unsigned long large = statements_for(200, false);
    assert_int_equal(small, large);
    /* Four catalog queries inside BEGIN ... COMMIT for one consistent view. */
    assert_int_equal(small, 6);
    /* Inside an open transaction (the migration lock), no BEGIN of its own. */
    assert_int_equal(statements_for(10, true), 4);
    assert_int_equal(statements_for(200, true), 4);
}

static void introspection_leaves_no_transaction_open(void **state)
{
    (void)state;
    char *path = NULL;
    ath_backend *be = open_with("after", "CREATE TABLE t (a)", &path);
    ath_arena *arena = ath_arena_new();
    introspect(arena, be);
    /* Another connection can write right away. */
    char *base = ts_sqlite_url(path);
    char url[4200];
    snprintf(url, sizeof(url), "%s?timeout=0", base);
    ath_backend *other = ts_open(url);
    ts_exec(other, "INSERT INTO t VALUES (1)");
    ath_backend_close(other);
    ath_arena_free(arena);
    ath_backend_close(be);
    free(base);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_all_schema_is_read_exactly),
        cmocka_unit_test(hand_written_schema_is_read_exactly),
        cmocka_unit_test(referenced_primary_key_fills_omitted_columns),
        cmocka_unit_test(odd_names_and_index_forms),
        cmocka_unit_test(every_form_sqlite_accepts_is_read),
        cmocka_unit_test(empty_database_and_what_is_not_a_user_table),
        cmocka_unit_test(virtual_tables_are_listed_with_their_columns),
        cmocka_unit_test(statement_count_does_not_grow_with_tables),
        cmocka_unit_test(introspection_leaves_no_transaction_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
