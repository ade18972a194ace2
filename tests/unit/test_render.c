/*
 * Rendering ops to SQL: every op on both dialects, compared byte for byte
 * with what Alembic 1.8.1 prints for the same op with `--sql` (the expected
 * strings below were generated once by Alembic, under a MigrationContext with
 * as_sql=True), including the SQLite batch rebuild; and the failure paths.
 */
#include "backend/render.h"
#include "testsupport.h"

#include <stdlib.h>
#include <string.h>

static const ath_dialect PG = ATH_DIALECT_POSTGRESQL;
static const ath_dialect LITE = ATH_DIALECT_SQLITE;

/*
 * user (id, email) and, as in Alembic's batch test, post (id, title, body
 * DEFAULT 'x', user_id; pk_post, uq_post_title, fk_post_user, ck_title,
 * ix_post_user_id, ix_post_title_body).
 */
static ath_schema *base(ath_arena *a)
{
    ath_schema *s = ath_schema_new(a);
    ath_table *u = ath_schema_add_table(s, NULL, "user");
    ts_col(s, u, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(s, u, "email", ATH_TYPE_STRING, true)->type.length = 120;
    u->pk.columns = ts_strs(a, 1, "id");
    u->pk.ncolumns = 1;

    ath_table *p = ath_schema_add_table(s, NULL, "post");
    ts_col(s, p, "id", ATH_TYPE_INTEGER, false);
    ts_col(s, p, "title", ATH_TYPE_STRING, false)->type.length = 200;
    ts_col(s, p, "body", ATH_TYPE_TEXT, true)->server_default = "'x'";
    ts_col(s, p, "user_id", ATH_TYPE_INTEGER, true);
    p->pk.name = "pk_post";
    p->pk.columns = ts_strs(a, 1, "id");
    p->pk.ncolumns = 1;
    ath_unique *uq = ath_table_add_unique(s, p);
    uq->seq = 1;
    uq->name = "uq_post_title";
    uq->columns = ts_strs(a, 1, "title");
    uq->ncolumns = 1;
    ath_foreign_key *fk = ath_table_add_fk(s, p);
    fk->seq = 2;
    fk->name = "fk_post_user";
    fk->columns = ts_strs(a, 1, "user_id");
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = ts_strs(a, 1, "id");
    ath_check *ck = ath_table_add_check(s, p);
    ck->seq = 3;
    ck->name = "ck_title";
    ck->sqltext = "length(title) > 0";
    ts_index(s, p, "ix_post_user_id", false, 1, ts_strs(a, 1, "user_id"));
    ts_index(s, p, "ix_post_title_body", true, 2, ts_strs(a, 2, "title", "body"));
    return s;
}

/* The op list rendered and printed as --sql prints it; malloc'd. */
static char *render_ops(const ath_op *ops, size_t n, bool batch, const ath_schema *cur,
                        ath_dialect d)
{
    ath_arena *a = ath_arena_new();
    ath_stmts list;
    ath_stmts_init(&list, a);
    int rc = batch ? ath_render_batch(&list, ops, n, cur, d) : 0;
    for (size_t i = 0; !batch && i < n && !rc; i++)
        rc = ath_render_op(&list, &ops[i], cur, d);
    if (rc)
        fail_msg("render: %s", ath_error_last());
    ath_buf b = ATH_BUF_INIT;
    ath_stmts_format(&b, &list);
    ath_arena_free(a);
    return ath_buf_detach(&b);
}

static void expect(const ath_op *op, const ath_schema *cur, ath_dialect d, const char *want)
{
    char *got = render_ops(op, 1, false, cur, d);
    assert_string_equal(got, want);
    free(got);
}

static void expect_both(const ath_op *op, const ath_schema *cur, const char *pg, const char *lite)
{
    expect(op, cur, PG, pg);
    expect(op, cur, LITE, lite);
}

static void create_table_matches_alembic(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_table *p = ath_schema_add_table(s, NULL, "post");
    ts_col(s, p, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(s, p, "title", ATH_TYPE_STRING, false)->type.length = 200;
    ts_col(s, p, "user_id", ATH_TYPE_INTEGER, true);
    p->pk.name = "pk_post";
    p->pk.columns = ts_strs(a, 1, "id");
    p->pk.ncolumns = 1;
    ath_foreign_key *fk = ath_table_add_fk(s, p);
    fk->name = "fk_post_user";
    fk->columns = ts_strs(a, 1, "user_id");
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = ts_strs(a, 1, "id");
    ath_op op = ath_op_make(ATH_OP_CREATE_TABLE);
    op.table = "post";
    op.u.table_def = p;
    ath_schema *empty = ath_schema_new(a);
    expect(&op, empty, PG,
           "CREATE TABLE post (\n    id SERIAL NOT NULL, \n    title VARCHAR(200) NOT NULL, \n"
           "    user_id INTEGER, \n    CONSTRAINT pk_post PRIMARY KEY (id), \n"
           "    CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES \"user\" (id)\n);\n\n");
    p->columns[0].autoincrement = ATH_AUTOINC_AUTO;
    expect(&op, empty, LITE,
           "CREATE TABLE post (\n    id INTEGER NOT NULL, \n    title VARCHAR(200) NOT NULL, \n"
           "    user_id INTEGER, \n    CONSTRAINT pk_post PRIMARY KEY (id), \n"
           "    CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES user (id)\n);\n\n");
    ath_arena_free(a);
}

static void create_table_creates_missing_enum_types_first(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_table *p = ath_schema_add_table(s, NULL, "post");
    ath_column *st = ts_col(s, p, "status", ATH_TYPE_ENUM, true);
    st->type.name = "status";
    st->type.values = ts_strs(a, 2, "a", "b'c");
    st->type.nvalues = 2;
    ath_index *ix = ts_index(s, p, "ix_post_status", false, 1, ts_strs(a, 1, "status"));
    (void)ix;
    p->comment = "posts";
    ath_op op = ath_op_make(ATH_OP_CREATE_TABLE);
    op.table = "post";
    op.u.table_def = p;
    ath_schema *empty = ath_schema_new(a);
    expect(&op, empty, PG,
           "CREATE TYPE status AS ENUM ('a', 'b''c');\n\n"
           "CREATE TABLE post (\n    status status\n);\n\n"
           "CREATE INDEX ix_post_status ON post (status);\n\n"
           "COMMENT ON TABLE post IS 'posts';\n\n");
    /* An existing type is not created again. */
    ath_enum *e = ath_schema_add_enum(empty, NULL, "status");
    e->values = st->type.values;
    e->nvalues = 2;
    expect(&op, empty, PG,
           "CREATE TABLE post (\n    status status\n);\n\n"
           "CREATE INDEX ix_post_status ON post (status);\n\n"
           "COMMENT ON TABLE post IS 'posts';\n\n");
    ath_arena_free(a);
}

static void table_ops_match_alembic(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_DROP_TABLE);
    op.table = "post";
    expect_both(&op, s, "DROP TABLE post;\n\n", "DROP TABLE post;\n\n");

    op = ath_op_make(ATH_OP_RENAME_TABLE);
    op.table = "post";
    op.u.rename.new_name = "article";
    expect_both(&op, s, "ALTER TABLE post RENAME TO article;\n\n",
                "ALTER TABLE post RENAME TO article;\n\n");
    op.schema = "app";
    expect(&op, s, PG, "ALTER TABLE app.post RENAME TO article;\n\n");

    op = ath_op_make(ATH_OP_CREATE_TABLE_COMMENT);
    op.table = "user";
    op.u.table_comment.comment = "users' table";
    expect_both(&op, s, "COMMENT ON TABLE \"user\" IS 'users'' table';\n\n", "");
    op = ath_op_make(ATH_OP_DROP_TABLE_COMMENT);
    op.table = "user";
    expect_both(&op, s, "COMMENT ON TABLE \"user\" IS NULL;\n\n", "");
    ath_arena_free(a);
}

static void column_ops_match_alembic(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_column age = {0};
    age.name = "age";
    age.type = ath_type_make(ATH_TYPE_INTEGER);
    age.nullable = true;
    ath_op op = ath_op_make(ATH_OP_ADD_COLUMN);
    op.table = "user";
    op.u.column.name = "age";
    op.u.column.def = &age;
    expect_both(&op, s, "ALTER TABLE \"user\" ADD COLUMN age INTEGER;\n\n",
                "ALTER TABLE user ADD COLUMN age INTEGER;\n\n");
    op.schema = "app";
    expect(&op, s, PG, "ALTER TABLE app.\"user\" ADD COLUMN age INTEGER;\n\n");

    ath_column flag = {0};
    flag.name = "flag";
    flag.type = ath_type_make(ATH_TYPE_BOOLEAN);
    flag.server_default = "false";
    op.schema = NULL;
    op.u.column.def = &flag;
    expect(&op, s, PG, "ALTER TABLE \"user\" ADD COLUMN flag BOOLEAN DEFAULT false NOT NULL;\n\n");
    flag.server_default = "0";
    expect(&op, s, LITE, "ALTER TABLE user ADD COLUMN flag BOOLEAN DEFAULT 0 NOT NULL;\n\n");

    op = ath_op_make(ATH_OP_DROP_COLUMN);
    op.table = "user";
    op.u.column.name = "email";
    expect_both(&op, s, "ALTER TABLE \"user\" DROP COLUMN email;\n\n",
                "ALTER TABLE user DROP COLUMN email;\n\n");
    ath_arena_free(a);
}

static void alter_column_matches_alembic_on_postgresql(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_type v200 = ath_type_make(ATH_TYPE_STRING);
    v200.length = 200;
    ath_op op = ath_op_make(ATH_OP_ALTER_COLUMN);
    op.table = "user";
    op.u.alter.column = "email";
    op.u.alter.type = &v200;
    expect(&op, s, PG, "ALTER TABLE \"user\" ALTER COLUMN email TYPE VARCHAR(200);\n\n");

    op.u.alter.type = NULL;
    op.u.alter.nullable = (ath_opt_bool){true, false};
    expect(&op, s, PG, "ALTER TABLE \"user\" ALTER COLUMN email SET NOT NULL;\n\n");
    op.u.alter.nullable = (ath_opt_bool){true, true};
    expect(&op, s, PG, "ALTER TABLE \"user\" ALTER COLUMN email DROP NOT NULL;\n\n");

    op.u.alter.nullable = (ath_opt_bool){false, false};
    op.u.alter.server_default = (ath_opt_str){true, "'x'"};
    expect(&op, s, PG, "ALTER TABLE \"user\" ALTER COLUMN email SET DEFAULT 'x';\n\n");
    op.u.alter.server_default = (ath_opt_str){true, NULL};
    expect(&op, s, PG, "ALTER TABLE \"user\" ALTER COLUMN email DROP DEFAULT;\n\n");

    op.u.alter.server_default = (ath_opt_str){false, NULL};
    op.u.alter.comment = (ath_opt_str){true, "it's"};
    expect(&op, s, PG, "COMMENT ON COLUMN \"user\".email IS 'it''s';\n\n");
    op.u.alter.comment = (ath_opt_str){true, NULL};
    expect(&op, s, PG, "COMMENT ON COLUMN \"user\".email IS NULL;\n\n");

    ath_type text = ath_type_make(ATH_TYPE_TEXT);
    op.u.alter.type = &text;
    op.u.alter.nullable = (ath_opt_bool){true, false};
    op.u.alter.server_default = (ath_opt_str){true, "'a'"};
    op.u.alter.comment = (ath_opt_str){true, "c"};
    op.u.alter.new_name = "mail";
    expect(&op, s, PG,
           "ALTER TABLE \"user\" ALTER COLUMN email TYPE TEXT;\n\n"
           "ALTER TABLE \"user\" ALTER COLUMN email SET NOT NULL;\n\n"
           "ALTER TABLE \"user\" ALTER COLUMN email SET DEFAULT 'a';\n\n"
           "COMMENT ON COLUMN \"user\".email IS 'c';\n\n"
           "ALTER TABLE \"user\" RENAME email TO mail;\n\n");

    ath_type st = ath_type_make(ATH_TYPE_ENUM);
    st.name = "status";
    op = ath_op_make(ATH_OP_ALTER_COLUMN);
    op.table = "post";
    op.u.alter.column = "status";
    op.u.alter.type = &st;
    st.values = ts_strs(a, 2, "a", "b");
    st.nvalues = 2;
    /* The type is created first when the schema lacks it (Alembic would fail). */
    expect(&op, s, PG,
           "CREATE TYPE status AS ENUM ('a', 'b');\n\n"
           "ALTER TABLE post ALTER COLUMN status TYPE status;\n\n");
    ath_enum *have = ath_schema_add_enum(s, NULL, "status");
    have->values = st.values;
    have->nvalues = 2;
    expect(&op, s, PG, "ALTER TABLE post ALTER COLUMN status TYPE status;\n\n");
    ath_arena_free(a);
}

static void rename_column_is_native_on_both(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_ALTER_COLUMN);
    op.table = "user";
    op.u.alter.column = "email";
    op.u.alter.new_name = "mail";
    expect_both(&op, s, "ALTER TABLE \"user\" RENAME email TO mail;\n\n",
                "ALTER TABLE user RENAME email TO mail;\n\n");
    ath_arena_free(a);
}

static void index_ops_match_alembic(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_index ix = {0};
    ath_index_elem el[2] = {{"email", false}, {"id", false}};
    ix.name = "ix_user_email";
    ix.elems = el;
    ix.nelems = 1;
    ath_op op = ath_op_make(ATH_OP_CREATE_INDEX);
    op.table = "user";
    op.u.index.name = ix.name;
    op.u.index.def = &ix;
    expect_both(&op, s, "CREATE INDEX ix_user_email ON \"user\" (email);\n\n",
                "CREATE INDEX ix_user_email ON user (email);\n\n");
    ix.unique = true;
    ix.nelems = 2;
    expect(&op, s, PG, "CREATE UNIQUE INDEX ix_user_email ON \"user\" (email, id);\n\n");
    ix.unique = false;
    ix.nelems = 1;
    ix.where = "id > 3";
    expect(&op, s, PG, "CREATE INDEX ix_user_email ON \"user\" (email) WHERE id > 3;\n\n");
    op.schema = "app";
    ix.where = NULL;
    expect(&op, s, PG, "CREATE INDEX ix_user_email ON app.\"user\" (email);\n\n");

    op = ath_op_make(ATH_OP_DROP_INDEX);
    op.table = "user";
    op.u.index.name = "ix_user_email";
    expect_both(&op, s, "DROP INDEX ix_user_email;\n\n", "DROP INDEX ix_user_email;\n\n");
    /* postgresql_concurrently=True: the keyword on PostgreSQL only. */
    op.run_flags = ATH_OP_CONCURRENTLY;
    expect_both(&op, s, "DROP INDEX CONCURRENTLY ix_user_email;\n\n",
                "DROP INDEX ix_user_email;\n\n");
    ath_op cix = ath_op_make(ATH_OP_CREATE_INDEX);
    cix.table = "user";
    cix.u.index.name = ix.name;
    cix.u.index.def = &ix;
    cix.run_flags = ATH_OP_CONCURRENTLY;
    ix.unique = true;
    expect_both(&cix, s, "CREATE UNIQUE INDEX CONCURRENTLY ix_user_email ON \"user\" (email);\n\n",
                "CREATE UNIQUE INDEX ix_user_email ON user (email);\n\n");
    ix.unique = false;
    op.run_flags = 0;
    op.schema = "app";
    expect(&op, s, PG, "DROP INDEX app.ix_user_email;\n\n");
    ath_arena_free(a);
}

static void constraint_ops_match_alembic_on_postgresql(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_CREATE_UNIQUE_CONSTRAINT);
    op.table = "user";
    op.u.constraint.type = ATH_CONSTRAINT_UNIQUE;
    op.u.constraint.name = op.u.constraint.unique.name = "uq_user_email";
    op.u.constraint.unique.columns = ts_strs(a, 1, "email");
    op.u.constraint.unique.ncolumns = 1;
    expect(&op, s, PG, "ALTER TABLE \"user\" ADD CONSTRAINT uq_user_email UNIQUE (email);\n\n");

    op = ath_op_make(ATH_OP_CREATE_FOREIGN_KEY);
    op.table = "post";
    op.u.constraint.type = ATH_CONSTRAINT_FOREIGNKEY;
    ath_foreign_key *fk = &op.u.constraint.fk;
    op.u.constraint.name = fk->name = "fk_post_user";
    fk->columns = ts_strs(a, 1, "user_id");
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = ts_strs(a, 1, "id");
    fk->ondelete = "CASCADE";
    expect(&op, s, PG,
           "ALTER TABLE post ADD CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES "
           "\"user\" (id) ON DELETE CASCADE;\n\n");
    fk->ondelete = NULL;
    fk->onupdate = "SET NULL";
    fk->deferrable = true;
    fk->initially = "DEFERRED";
    expect(&op, s, PG,
           "ALTER TABLE post ADD CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES "
           "\"user\" (id) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED;\n\n");

    op = ath_op_make(ATH_OP_CREATE_CHECK_CONSTRAINT);
    op.table = "user";
    op.u.constraint.type = ATH_CONSTRAINT_CHECK;
    op.u.constraint.name = op.u.constraint.check.name = "ck_len";
    op.u.constraint.check.sqltext = "length(email) > 3";
    expect(&op, s, PG, "ALTER TABLE \"user\" ADD CONSTRAINT ck_len CHECK (length(email) > 3);\n\n");

    op = ath_op_make(ATH_OP_CREATE_PRIMARY_KEY);
    op.table = "user";
    op.u.constraint.type = ATH_CONSTRAINT_PRIMARY;
    op.u.constraint.name = op.u.constraint.pk.name = "pk_user";
    op.u.constraint.pk.columns = ts_strs(a, 1, "id");
    op.u.constraint.pk.ncolumns = 1;
    expect(&op, s, PG, "ALTER TABLE \"user\" ADD CONSTRAINT pk_user PRIMARY KEY (id);\n\n");

    op = ath_op_make(ATH_OP_DROP_CONSTRAINT);
    op.table = "user";
    op.u.constraint.type = ATH_CONSTRAINT_UNIQUE;
    op.u.constraint.name = "uq_user_email";
    expect(&op, s, PG, "ALTER TABLE \"user\" DROP CONSTRAINT uq_user_email;\n\n");
    op.schema = "app";
    op.u.constraint.name = "ck";
    expect(&op, s, PG, "ALTER TABLE app.\"user\" DROP CONSTRAINT ck;\n\n");
    ath_arena_free(a);
}

static void enum_ops_render_on_postgresql_only(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_CREATE_ENUM);
    op.u.enum_def.name = "status";
    op.u.enum_def.values = ts_strs(a, 2, "a", "b'c");
    op.u.enum_def.nvalues = 2;
    expect_both(&op, s, "CREATE TYPE status AS ENUM ('a', 'b''c');\n\n", "");
    op = ath_op_make(ATH_OP_DROP_ENUM);
    op.u.enum_def.name = "status";
    expect_both(&op, s, "DROP TYPE status;\n\n", "");

    op = ath_op_make(ATH_OP_ADD_ENUM_VALUE);
    op.u.enum_value.name = "status";
    op.u.enum_value.value = "archived";
    expect_both(&op, s, "ALTER TYPE status ADD VALUE 'archived';\n\n", "");
    op.u.enum_value.after = "a";
    op.u.enum_value.if_not_exists = true;
    expect(&op, s, PG, "ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived' AFTER 'a';\n\n");
    op.u.enum_value.after = NULL;
    op.u.enum_value.before = "it's";
    op.u.enum_value.if_not_exists = false;
    expect(&op, s, PG, "ALTER TYPE status ADD VALUE 'archived' BEFORE 'it''s';\n\n");

    /* The runner is told that this statement is special in a transaction. */
    ath_stmts list;
    ath_stmts_init(&list, a);
    assert_int_equal(ath_render_op(&list, &op, s, PG), 0);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].flags, ATH_STMT_ENUM_VALUE);
    ath_arena_free(a);
}

static void execute_and_bulk_insert_match_alembic(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_EXECUTE);
    op.u.execute.sql = "UPDATE user SET x = 1";
    expect_both(&op, s, "UPDATE user SET x = 1;\n\n", "UPDATE user SET x = 1;\n\n");

    op = ath_op_make(ATH_OP_BULK_INSERT);
    op.table = "user";
    op.u.bulk.columns = ts_strs(a, 4, "id", "name", "ok", "f");
    op.u.bulk.ncolumns = 4;
    ath_literal rows[] = {
        {ATH_LIT_INT, "1"},      {ATH_LIT_STRING, "o'k"}, {ATH_LIT_BOOL, "true"},
        {ATH_LIT_FLOAT, "1.5"},  {ATH_LIT_INT, "2"},      {ATH_LIT_NULL, NULL},
        {ATH_LIT_BOOL, "false"}, {ATH_LIT_FLOAT, "2.0"},
    };
    op.u.bulk.values = rows;
    op.u.bulk.nrows = 2;
    expect_both(&op, s,
                "INSERT INTO \"user\" (id, name, ok, f) VALUES (1, 'o''k', true, 1.5);\n\n"
                "INSERT INTO \"user\" (id, name, ok, f) VALUES (2, NULL, false, 2.0);\n\n",
                "INSERT INTO user (id, name, ok, f) VALUES (1, 'o''k', 1, 1.5);\n\n"
                "INSERT INTO user (id, name, ok, f) VALUES (2, NULL, 0, 2.0);\n\n");

    /* Keys a row lacks are left out of its INSERT. */
    ath_literal sparse[] = {
        {ATH_LIT_INT, "1"}, {ATH_LIT_STRING, "a"},  {ATH_LIT_ABSENT, NULL}, {ATH_LIT_ABSENT, NULL},
        {ATH_LIT_INT, "2"}, {ATH_LIT_ABSENT, NULL}, {ATH_LIT_ABSENT, NULL}, {ATH_LIT_ABSENT, NULL},
    };
    op.u.bulk.values = sparse;
    expect(&op, s, PG,
           "INSERT INTO \"user\" (id, name) VALUES (1, 'a');\n\n"
           "INSERT INTO \"user\" (id) VALUES (2);\n\n");
    ath_arena_free(a);
}

static void bulk_insert_refuses_a_number_that_is_not_one(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_BULK_INSERT);
    op.table = "user";
    op.u.bulk.columns = ts_strs(a, 1, "id");
    op.u.bulk.ncolumns = 1;
    ath_literal bad = {ATH_LIT_INT, "1); DROP TABLE x; --"};
    op.u.bulk.values = &bad;
    op.u.bulk.nrows = 1;
    ath_stmts list;
    ath_stmts_init(&list, a);
    assert_int_equal(ath_render_op(&list, &op, s, PG), ATH_EINVAL);
    assert_string_equal(ath_error_last(), "bulk_insert user: 1); DROP TABLE x; -- is not a number");
    assert_int_equal(list.count, 0);
    ath_arena_free(a);
}

/* Alembic 1.8.1, batch_alter_table('post', copy_from=post) on SQLite:
 * alter title to String(300) nullable, add score, drop uq_post_title, drop
 * index ix_post_title_body, drop body. Alembic orders the remaining
 * constraints of a rebuilt table by Python's string hashing, so fk_post_user
 * and ck_title swap places between its runs (PYTHONHASHSEED); Athanor keeps
 * declaration order, which is one of Alembic's outputs. */
static void batch_rebuild_matches_alembic(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_type v300 = ath_type_make(ATH_TYPE_STRING);
    v300.length = 300;
    ath_column score = {0};
    score.name = "score";
    score.type = ath_type_make(ATH_TYPE_INTEGER);
    score.nullable = true;
    ath_op ops[5];
    ops[0] = ath_op_make(ATH_OP_ALTER_COLUMN);
    ops[0].u.alter.column = "title";
    ops[0].u.alter.type = &v300;
    ops[0].u.alter.nullable = (ath_opt_bool){true, true};
    ops[1] = ath_op_make(ATH_OP_ADD_COLUMN);
    ops[1].u.column.name = "score";
    ops[1].u.column.def = &score;
    ops[2] = ath_op_make(ATH_OP_DROP_CONSTRAINT);
    ops[2].u.constraint.type = ATH_CONSTRAINT_UNIQUE;
    ops[2].u.constraint.name = "uq_post_title";
    ops[3] = ath_op_make(ATH_OP_DROP_INDEX);
    ops[3].u.index.name = "ix_post_title_body";
    ops[4] = ath_op_make(ATH_OP_DROP_COLUMN);
    ops[4].u.column.name = "body";
    for (int i = 0; i < 5; i++) {
        ops[i].table = "post";
        ops[i].batch = true;
    }
    char *got = render_ops(ops, 5, true, s, LITE);
    assert_string_equal(
        got, "CREATE TABLE _alembic_tmp_post (\n"
             "    id INTEGER NOT NULL, \n"
             "    title VARCHAR(300), \n"
             "    user_id INTEGER, \n"
             "    score INTEGER, \n"
             "    CONSTRAINT pk_post PRIMARY KEY (id), \n"
             "    CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES user (id), \n"
             "    CONSTRAINT ck_title CHECK (length(title) > 0)\n"
             ");\n\n"
             "INSERT INTO _alembic_tmp_post (id, title, user_id) SELECT post.id, post.title, "
             "post.user_id \nFROM post;\n\n"
             "DROP TABLE post;\n\n"
             "ALTER TABLE _alembic_tmp_post RENAME TO post;\n\n"
             "CREATE INDEX ix_post_user_id ON post (user_id);\n\n");
    free(got);

    /* The same block on PostgreSQL is plain ALTERs, one per op. */
    got = render_ops(ops, 5, true, s, PG);
    assert_string_equal(got, "ALTER TABLE post ALTER COLUMN title TYPE VARCHAR(300);\n\n"
                             "ALTER TABLE post ALTER COLUMN title DROP NOT NULL;\n\n"
                             "ALTER TABLE post ADD COLUMN score INTEGER;\n\n"
                             "ALTER TABLE post DROP CONSTRAINT uq_post_title;\n\n"
                             "DROP INDEX ix_post_title_body;\n\n"
                             "ALTER TABLE post DROP COLUMN body;\n\n");
    free(got);
    ath_arena_free(a);
}

/* Alembic: batch create_foreign_key + create_check_constraint. */
static void batch_adding_constraints_rebuilds(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op ops[2];
    ops[0] = ath_op_make(ATH_OP_CREATE_FOREIGN_KEY);
    ops[0].u.constraint.type = ATH_CONSTRAINT_FOREIGNKEY;
    ath_foreign_key *fk = &ops[0].u.constraint.fk;
    ops[0].u.constraint.name = fk->name = "fk2";
    fk->columns = ts_strs(a, 1, "id");
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = ts_strs(a, 1, "id");
    fk->ondelete = "CASCADE";
    ops[1] = ath_op_make(ATH_OP_CREATE_CHECK_CONSTRAINT);
    ops[1].u.constraint.type = ATH_CONSTRAINT_CHECK;
    ops[1].u.constraint.name = ops[1].u.constraint.check.name = "ck2";
    ops[1].u.constraint.check.sqltext = "id > 0";
    for (int i = 0; i < 2; i++) {
        ops[i].table = "post";
        ops[i].batch = true;
    }
    char *got = render_ops(ops, 2, true, s, LITE);
    assert_string_equal(
        got, "CREATE TABLE _alembic_tmp_post (\n"
             "    id INTEGER NOT NULL, \n"
             "    title VARCHAR(200) NOT NULL, \n"
             "    body TEXT DEFAULT 'x', \n"
             "    user_id INTEGER, \n"
             "    CONSTRAINT pk_post PRIMARY KEY (id), \n"
             "    CONSTRAINT uq_post_title UNIQUE (title), \n"
             "    CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES user (id), \n"
             "    CONSTRAINT ck_title CHECK (length(title) > 0), \n"
             "    CONSTRAINT fk2 FOREIGN KEY(id) REFERENCES user (id) ON DELETE CASCADE, \n"
             "    CONSTRAINT ck2 CHECK (id > 0)\n"
             ");\n\n"
             "INSERT INTO _alembic_tmp_post (id, title, body, user_id) SELECT post.id, post.title, "
             "post.body, post.user_id \nFROM post;\n\n"
             "DROP TABLE post;\n\n"
             "ALTER TABLE _alembic_tmp_post RENAME TO post;\n\n"
             "CREATE INDEX ix_post_user_id ON post (user_id);\n\n"
             "CREATE UNIQUE INDEX ix_post_title_body ON post (title, body);\n\n");
    free(got);
    ath_arena_free(a);
}

/* Alembic: batch alter_column server_default=None, and a rename in a
 * rebuild copies the old column into the new name. Where Alembic 1.8 leaves
 * the old column name in constraints and indexes of the new table (which
 * SQLite refuses), they follow the rename here, as ath_ops_apply does. */
static void batch_default_and_rename_copy_by_old_name(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op ops[2];
    ops[0] = ath_op_make(ATH_OP_ALTER_COLUMN);
    ops[0].u.alter.column = "body";
    ops[0].u.alter.server_default = (ath_opt_str){true, NULL};
    ops[1] = ath_op_make(ATH_OP_ALTER_COLUMN);
    ops[1].u.alter.column = "user_id";
    ops[1].u.alter.new_name = "author_id";
    for (int i = 0; i < 2; i++) {
        ops[i].table = "post";
        ops[i].batch = true;
    }
    char *got = render_ops(ops, 2, true, s, LITE);
    assert_string_equal(
        got,
        "CREATE TABLE _alembic_tmp_post (\n"
        "    id INTEGER NOT NULL, \n"
        "    title VARCHAR(200) NOT NULL, \n"
        "    body TEXT, \n"
        "    author_id INTEGER, \n"
        "    CONSTRAINT pk_post PRIMARY KEY (id), \n"
        "    CONSTRAINT uq_post_title UNIQUE (title), \n"
        "    CONSTRAINT fk_post_user FOREIGN KEY(author_id) REFERENCES user (id), \n"
        "    CONSTRAINT ck_title CHECK (length(title) > 0)\n"
        ");\n\n"
        "INSERT INTO _alembic_tmp_post (id, title, body, author_id) SELECT post.id, post.title, "
        "post.body, post.user_id \nFROM post;\n\n"
        "DROP TABLE post;\n\n"
        "ALTER TABLE _alembic_tmp_post RENAME TO post;\n\n"
        "CREATE INDEX ix_post_user_id ON post (author_id);\n\n"
        "CREATE UNIQUE INDEX ix_post_title_body ON post (title, body);\n\n");
    free(got);
    ath_arena_free(a);
}

/* Alembic: String(20) -> Integer copies through CAST ... AS <column>;
 * add_column with a server default needs the rebuild in batch mode. */
static void batch_casts_when_affinity_changes(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_table *p = ath_schema_add_table(s, NULL, "post");
    ts_col(s, p, "id", ATH_TYPE_INTEGER, false);
    ts_col(s, p, "n", ATH_TYPE_STRING, true)->type.length = 20;
    p->pk.columns = ts_strs(a, 1, "id");
    p->pk.ncolumns = 1;
    ath_type integer = ath_type_make(ATH_TYPE_INTEGER);
    ath_op op = ath_op_make(ATH_OP_ALTER_COLUMN);
    op.table = "post";
    op.batch = true;
    op.u.alter.column = "n";
    op.u.alter.type = &integer;
    char *got = render_ops(&op, 1, true, s, LITE);
    assert_string_equal(
        got, "CREATE TABLE _alembic_tmp_post (\n    id INTEGER NOT NULL, \n    n INTEGER, \n"
             "    PRIMARY KEY (id)\n);\n\n"
             "INSERT INTO _alembic_tmp_post (id, n) SELECT post.id, CAST(post.n AS INTEGER) AS n "
             "\nFROM post;\n\n"
             "DROP TABLE post;\n\n"
             "ALTER TABLE _alembic_tmp_post RENAME TO post;\n\n");
    free(got);

    ath_column f = {0};
    f.name = "f";
    f.type = ath_type_make(ATH_TYPE_INTEGER);
    f.server_default = "0";
    op = ath_op_make(ATH_OP_ADD_COLUMN);
    op.table = "post";
    op.batch = true;
    op.u.column.name = "f";
    op.u.column.def = &f;
    got = render_ops(&op, 1, true, s, LITE);
    assert_string_equal(
        got, "CREATE TABLE _alembic_tmp_post (\n    id INTEGER NOT NULL, \n    n VARCHAR(20), \n"
             "    f INTEGER DEFAULT 0 NOT NULL, \n    PRIMARY KEY (id)\n);\n\n"
             "INSERT INTO _alembic_tmp_post (id, n) SELECT post.id, post.n \nFROM post;\n\n"
             "DROP TABLE post;\n\n"
             "ALTER TABLE _alembic_tmp_post RENAME TO post;\n\n");
    free(got);
    ath_arena_free(a);
}

/* Alembic's recreate="auto": index ops and a plain add_column stay native. */
static void batch_of_native_ops_does_not_rebuild(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_index ix = {0};
    ath_index_elem el = {"title", false};
    ix.name = "ix_x";
    ix.elems = &el;
    ix.nelems = 1;
    ath_column score = {0};
    score.name = "score";
    score.type = ath_type_make(ATH_TYPE_INTEGER);
    score.nullable = true;
    ath_op ops[3];
    ops[0] = ath_op_make(ATH_OP_CREATE_INDEX);
    ops[0].u.index.name = "ix_x";
    ops[0].u.index.def = &ix;
    ops[1] = ath_op_make(ATH_OP_DROP_INDEX);
    ops[1].u.index.name = "ix_post_user_id";
    ops[2] = ath_op_make(ATH_OP_ADD_COLUMN);
    ops[2].u.column.name = "score";
    ops[2].u.column.def = &score;
    for (int i = 0; i < 3; i++) {
        ops[i].table = "post";
        ops[i].batch = true;
    }
    char *got = render_ops(ops, 3, true, s, LITE);
    assert_string_equal(got, "CREATE INDEX ix_x ON post (title);\n\n"
                             "DROP INDEX ix_post_user_id;\n\n"
                             "ALTER TABLE post ADD COLUMN score INTEGER;\n\n");
    free(got);
    ath_arena_free(a);
}

/* Outside batch mode SQLite cannot ALTER a constraint: a batch of one. */
static void single_sqlite_alter_becomes_a_rebuild(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_DROP_CONSTRAINT);
    op.table = "post";
    op.u.constraint.type = ATH_CONSTRAINT_CHECK;
    op.u.constraint.name = "ck_title";
    ath_stmts list;
    ath_stmts_init(&list, a);
    assert_int_equal(ath_render_op(&list, &op, s, LITE), 0);
    assert_int_equal(list.count, 6);
    for (size_t i = 0; i < list.count; i++)
        assert_int_equal(list.items[i].flags, ATH_STMT_REBUILD);
    assert_non_null(strstr(list.items[0].sql, "CREATE TABLE _alembic_tmp_post"));
    assert_null(strstr(list.items[0].sql, "ck_title"));
    assert_string_equal(list.items[2].sql, "DROP TABLE post");
    ath_arena_free(a);
}

static void batch_failures_name_the_cause(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a);
    ath_op op = ath_op_make(ATH_OP_DROP_COLUMN);
    op.table = "post";
    op.batch = true;
    op.u.column.name = "nope";
    ath_stmts list;
    ath_stmts_init(&list, a);
    assert_int_equal(ath_render_batch(&list, &op, 1, s, LITE), ATH_ENOTFOUND);
    assert_non_null(strstr(ath_error_last(), "column does not exist"));
    assert_int_equal(list.count, 0);

    op.table = "ghost";
    op.u.column.name = "id";
    assert_int_equal(ath_render_batch(&list, &op, 1, s, LITE), ATH_ENOTFOUND);
    assert_int_equal(list.count, 0);

    ath_op ct = ath_op_make(ATH_OP_CREATE_TABLE);
    ct.table = "x";
    assert_int_equal(ath_render_op(&list, &ct, s, PG), ATH_EINVAL);
    assert_string_equal(ath_error_last(), "create_table x: no table definition");
    assert_int_equal(list.count, 0);
    ath_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_table_matches_alembic),
        cmocka_unit_test(create_table_creates_missing_enum_types_first),
        cmocka_unit_test(table_ops_match_alembic),
        cmocka_unit_test(column_ops_match_alembic),
        cmocka_unit_test(alter_column_matches_alembic_on_postgresql),
        cmocka_unit_test(rename_column_is_native_on_both),
        cmocka_unit_test(index_ops_match_alembic),
        cmocka_unit_test(constraint_ops_match_alembic_on_postgresql),
        cmocka_unit_test(enum_ops_render_on_postgresql_only),
        cmocka_unit_test(execute_and_bulk_insert_match_alembic),
        cmocka_unit_test(bulk_insert_refuses_a_number_that_is_not_one),
        cmocka_unit_test(batch_rebuild_matches_alembic),
        cmocka_unit_test(batch_adding_constraints_rebuilds),
        cmocka_unit_test(batch_default_and_rename_copy_by_old_name),
        cmocka_unit_test(batch_casts_when_affinity_changes),
        cmocka_unit_test(batch_of_native_ops_does_not_rebuild),
        cmocka_unit_test(single_sqlite_alter_becomes_a_rebuild),
        cmocka_unit_test(batch_failures_name_the_cause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
