/*
 * The op set: every op applied to a schema and then its inverse gives the
 * schema back exactly; every precondition refused with its exact message, at
 * the op's position, with the schema unchanged; a small history replayed in
 * memory ends in the schema create_all() would build.
 */
#include "athanor/ops.h"
#include "testsupport.h"

#include <stdlib.h>
#include <string.h>

static const ath_dialect PG = ATH_DIALECT_POSTGRESQL;
static const ath_dialect LITE = ATH_DIALECT_SQLITE;

static ath_type *status_type(ath_arena *a)
{
    ath_type *t = ath_arena_alloc(a, sizeof(*t));
    *t = ath_type_make(ATH_TYPE_ENUM);
    t->name = "status";
    t->values = ts_strs(a, 2, "draft", "published");
    t->nvalues = 2;
    return t;
}

/*
 * user (id, username, email, last_seen; uq_user_email, ix_user_username) and
 * post (id, title, user_id, status; fk_post_user, ck_post_title), and on
 * PostgreSQL the enum type status that post.status uses.
 */
static ath_schema *base(ath_arena *a, ath_dialect d)
{
    ath_schema *s = ath_schema_new(a);
    if (d == PG) {
        ath_enum *e = ath_schema_add_enum(s, NULL, "status");
        e->values = ts_strs(a, 2, "draft", "published");
        e->nvalues = 2;
    }
    ath_table *u = ath_schema_add_table(s, NULL, "user");
    ts_col(s, u, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(s, u, "username", ATH_TYPE_STRING, false)->type.length = 80;
    ts_col(s, u, "email", ATH_TYPE_STRING, true)->type.length = 120;
    ts_col(s, u, "last_seen", ATH_TYPE_DATETIME, true);
    u->pk.name = "pk_user";
    u->pk.columns = ts_strs(a, 1, "id");
    u->pk.ncolumns = 1;
    ath_unique *uq = ath_table_add_unique(s, u);
    uq->seq = 1;
    uq->name = "uq_user_email";
    uq->columns = ts_strs(a, 1, "email");
    uq->ncolumns = 1;
    ath_index *ix = ath_table_add_index(s, u);
    ix->name = "ix_user_username";
    ix->elems = ath_arena_alloc(a, sizeof(*ix->elems));
    ix->elems[0].text = "username";
    ix->nelems = 1;

    ath_table *p = ath_schema_add_table(s, NULL, "post");
    ts_col(s, p, "id", ATH_TYPE_INTEGER, false);
    ts_col(s, p, "title", ATH_TYPE_STRING, false)->type.length = 200;
    ts_col(s, p, "user_id", ATH_TYPE_INTEGER, false);
    ts_col(s, p, "status", ATH_TYPE_ENUM, true)->type = *status_type(a);
    p->pk.name = "pk_post";
    p->pk.columns = ts_strs(a, 1, "id");
    p->pk.ncolumns = 1;
    ath_foreign_key *fk = ath_table_add_fk(s, p);
    fk->seq = 1;
    fk->name = "fk_post_user";
    fk->columns = ts_strs(a, 1, "user_id");
    fk->ncolumns = 1;
    fk->ref_table = "user";
    fk->ref_columns = ts_strs(a, 1, "id");
    fk->ondelete = "CASCADE";
    ath_check *ck = ath_table_add_check(s, p);
    ck->seq = 2;
    ck->name = "ck_post_title";
    ck->sqltext = "length(title) > 0";
    return s;
}

/* The schema as sorted JSON (on a copy: the schema itself keeps its order); malloc'd. */
static char *json(const ath_schema *s)
{
    ath_arena *a = ath_arena_new();
    ath_schema *c;
    assert_int_equal(ath_schema_copy(&c, a, s), 0);
    ath_schema_sort(c);
    ath_buf b = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_json(&b, c), 0);
    ath_arena_free(a);
    return ath_buf_detach(&b);
}

static int apply1(ath_schema *s, const ath_op *op, ath_dialect d)
{
    return ath_ops_apply(s, op, 1, d, 0, NULL, NULL);
}

/* Applies op (which must change the schema), then its inverse: the schema is back. */
static void round_trip(ath_schema *s, const ath_op *op, ath_dialect d)
{
    char *before = json(s);
    if (apply1(s, op, d) != 0)
        fail_msg("%s", ath_error_last());
    char *during = json(s);
    assert_string_not_equal(before, during);
    ath_op inv;
    assert_int_equal(ath_op_inverse(&inv, op), 0);
    if (apply1(s, &inv, d) != 0)
        fail_msg("inverse: %s", ath_error_last());
    char *after = json(s);
    assert_string_equal(before, after);
    free(before), free(during), free(after);
}

/* The op is refused with `code` and `message`, at its position, and nothing changes. */
static void refused(ath_schema *s, ath_op op, ath_dialect d, int code, const char *message)
{
    op.pos.path = "migrations/versions/abc_x.py";
    op.pos.line = 21;
    op.pos.col = 5;
    char *before = json(s);
    ath_arena *da = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, da);
    size_t failed = 99;
    assert_int_equal(ath_ops_apply(s, &op, 1, d, 0, &diags, &failed), code);
    assert_string_equal(ath_error_last(), message);
    assert_int_equal(failed, 0);
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].level, ATH_DIAG_ERROR);
    assert_string_equal(diags.items[0].path, "migrations/versions/abc_x.py");
    assert_int_equal(diags.items[0].line, 21);
    assert_int_equal(diags.items[0].col, 5);
    assert_string_equal(diags.items[0].message, message);
    char *after = json(s);
    assert_string_equal(before, after);
    free(before), free(after);
    ath_arena_free(da);
}

static ath_op table_op(ath_op_kind kind, const char *table)
{
    ath_op op = ath_op_make(kind);
    op.table = table;
    return op;
}

static ath_table *find(ath_schema *s, const char *name)
{
    return ath_schema_find_table(s, NULL, name);
}

/* A copy of a table of `s` in `a`, as a drop op keeps it. */
static const ath_table *kept_table(ath_arena *a, ath_schema *s, const char *name)
{
    ath_table *t = ath_arena_alloc(a, sizeof(*t));
    assert_int_equal(ath_table_copy(t, a, find(s, name)), 0);
    return t;
}

/* ---- round trips ---- */

static ath_table *tag_table(ath_arena *a)
{
    ath_schema *tmp = ath_schema_new(a);
    ath_table *t = ath_schema_add_table(tmp, NULL, "tag");
    ts_col(tmp, t, "id", ATH_TYPE_INTEGER, false);
    ts_col(tmp, t, "post_id", ATH_TYPE_INTEGER, true);
    ts_col(tmp, t, "label", ATH_TYPE_STRING, false)->type.length = 40;
    t->pk.columns = ts_strs(a, 1, "id");
    t->pk.ncolumns = 1;
    ath_foreign_key *fk = ath_table_add_fk(tmp, t);
    fk->name = "fk_tag_post";
    fk->columns = ts_strs(a, 1, "post_id");
    fk->ncolumns = 1;
    fk->ref_table = "post";
    fk->ref_columns = ts_strs(a, 1, "id");
    ath_index *ix = ath_table_add_index(tmp, t);
    ix->name = "ix_tag_label";
    ix->unique = true;
    ix->elems = ath_arena_alloc(a, sizeof(*ix->elems));
    ix->elems[0].text = "label";
    ix->nelems = 1;
    return t;
}

static void create_table_and_drop_table_invert_each_other(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        ath_arena *a = ath_arena_new();
        ath_schema *s = base(a, (ath_dialect)d);
        ath_op op = table_op(ATH_OP_CREATE_TABLE, "tag");
        op.u.table_def = tag_table(a);
        round_trip(s, &op, (ath_dialect)d);

        op = table_op(ATH_OP_DROP_TABLE, "post");
        op.u.table_def = kept_table(a, s, "post");
        round_trip(s, &op, (ath_dialect)d);
        ath_arena_free(a);
    }
}

static void create_table_on_postgresql_creates_its_enum_type(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = ath_schema_new(a);
    ath_op op = table_op(ATH_OP_CREATE_TABLE, "post");
    ath_schema *defs = base(a, LITE);
    op.u.table_def = find(defs, "post");
    /* post's foreign key needs user on PostgreSQL. */
    ath_op ops[2] = {table_op(ATH_OP_CREATE_TABLE, "user"), op};
    ops[0].u.table_def = find(defs, "user");
    assert_int_equal(ath_ops_apply(s, ops, 2, PG, 0, NULL, NULL), 0);
    assert_int_equal(s->nenums, 1);
    assert_string_equal(s->enums[0].name, "status");
    assert_int_equal(s->enums[0].nvalues, 2);
    assert_string_equal(s->enums[0].values[1], "published");
    /* On SQLite an enum is no type of its own. */
    ath_schema *l = ath_schema_new(a);
    assert_int_equal(ath_ops_apply(l, ops, 2, LITE, 0, NULL, NULL), 0);
    assert_int_equal(l->nenums, 0);
    ath_arena_free(a);
}

static void rename_table_carries_foreign_keys_along(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        ath_arena *a = ath_arena_new();
        ath_schema *s = base(a, (ath_dialect)d);
        ath_op op = table_op(ATH_OP_RENAME_TABLE, "user");
        op.u.rename.new_name = "account";
        char *before = json(s);
        assert_int_equal(apply1(s, &op, (ath_dialect)d), 0);
        assert_null(find(s, "user"));
        assert_non_null(find(s, "account"));
        assert_string_equal(find(s, "post")->fks[0].ref_table, "account");
        free(before);
        ath_op inv;
        assert_int_equal(ath_op_inverse(&inv, &op), 0);
        assert_string_equal(inv.table, "account");
        assert_string_equal(inv.u.rename.new_name, "user");
        ath_arena_free(a);
        a = ath_arena_new();
        s = base(a, (ath_dialect)d);
        round_trip(s, &op, (ath_dialect)d);
        ath_arena_free(a);
    }
}

static void table_comments_invert(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_op op = table_op(ATH_OP_CREATE_TABLE_COMMENT, "user");
    op.u.table_comment.comment = "people";
    op.u.table_comment.existing.set = true;
    round_trip(s, &op, PG);
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_string_equal(find(s, "user")->comment, "people");
    ath_op inv;
    assert_int_equal(ath_op_inverse(&inv, &op), 0);
    assert_int_equal(inv.kind, ATH_OP_DROP_TABLE_COMMENT);
    assert_string_equal(inv.u.table_comment.existing.value, "people");
    ath_op drop = table_op(ATH_OP_DROP_TABLE_COMMENT, "user");
    drop.u.table_comment.existing.set = true;
    drop.u.table_comment.existing.value = "people";
    round_trip(s, &drop, PG);
    ath_arena_free(a);
}

static void add_column_and_drop_column_invert_each_other(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        ath_arena *a = ath_arena_new();
        ath_schema *s = base(a, (ath_dialect)d);
        ath_column bio = {0};
        bio.name = "bio";
        bio.type = ath_type_make(ATH_TYPE_TEXT);
        bio.nullable = true;
        bio.comment = "about me";
        ath_op op = table_op(ATH_OP_ADD_COLUMN, "user");
        op.u.column.name = "bio";
        op.u.column.def = &bio;
        round_trip(s, &op, (ath_dialect)d);

        /* A dropped column comes back at the end, as ADD COLUMN puts it: the last one round-trips.
         */
        ath_column kept;
        assert_int_equal(
            ath_column_copy(&kept, a, ath_table_find_column(find(s, "user"), "last_seen")), 0);
        op = table_op(ATH_OP_DROP_COLUMN, "user");
        op.u.column.name = "last_seen";
        op.u.column.def = &kept;
        round_trip(s, &op, (ath_dialect)d);
        ath_arena_free(a);
    }
}

static void alter_column_swaps_new_and_existing_values(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_type v200 = ath_type_make(ATH_TYPE_STRING), v80 = ath_type_make(ATH_TYPE_STRING);
    v200.length = 200;
    v80.length = 80;
    ath_op op = table_op(ATH_OP_ALTER_COLUMN, "user");
    op.u.alter.column = "username";
    op.u.alter.new_name = "login";
    op.u.alter.type = &v200;
    op.u.alter.existing_type = &v80;
    op.u.alter.nullable = (ath_opt_bool){true, true};
    op.u.alter.existing_nullable = (ath_opt_bool){true, false};
    op.u.alter.server_default = (ath_opt_str){true, "'anon'"};
    op.u.alter.existing_server_default = (ath_opt_str){true, NULL};
    op.u.alter.comment = (ath_opt_str){true, "the login"};
    op.u.alter.existing_comment = (ath_opt_str){true, NULL};
    round_trip(s, &op, PG);

    assert_int_equal(apply1(s, &op, PG), 0);
    const ath_table *u = find(s, "user");
    const ath_column *c = ath_table_find_column(u, "login");
    assert_non_null(c);
    assert_null(ath_table_find_column(u, "username"));
    assert_int_equal(c->type.length, 200);
    assert_true(c->nullable);
    assert_string_equal(c->server_default, "'anon'");
    assert_string_equal(c->comment, "the login");
    /* The index on the column follows the rename. */
    assert_string_equal(u->indexes[0].elems[0].text, "login");

    ath_op inv;
    assert_int_equal(ath_op_inverse(&inv, &op), 0);
    assert_string_equal(inv.u.alter.column, "login");
    assert_string_equal(inv.u.alter.new_name, "username");
    assert_int_equal(inv.u.alter.type->length, 80);
    assert_int_equal(inv.u.alter.existing_type->length, 200);
    assert_false(inv.u.alter.nullable.value);
    assert_true(inv.u.alter.existing_nullable.value);
    assert_true(inv.u.alter.server_default.set);
    assert_null(inv.u.alter.server_default.value);
    assert_string_equal(inv.u.alter.existing_server_default.value, "'anon'");
    assert_null(inv.u.alter.comment.value);
    ath_arena_free(a);
}

static void renaming_a_column_reaches_keys_checks_and_foreign_keys(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        ath_arena *a = ath_arena_new();
        ath_schema *s = base(a, (ath_dialect)d);
        ath_op op = table_op(ATH_OP_ALTER_COLUMN, "post");
        op.u.alter.column = "title";
        op.u.alter.new_name = "headline";
        assert_int_equal(apply1(s, &op, (ath_dialect)d), 0);
        assert_string_equal(find(s, "post")->checks[0].sqltext, "length(headline) > 0");
        op = table_op(ATH_OP_ALTER_COLUMN, "user");
        op.u.alter.column = "id";
        op.u.alter.new_name = "user_id";
        assert_int_equal(apply1(s, &op, (ath_dialect)d), 0);
        assert_string_equal(find(s, "user")->pk.columns[0], "user_id");
        assert_string_equal(find(s, "post")->fks[0].ref_columns[0], "user_id");
        op.u.alter.column = "user_id";
        op.u.alter.new_name = "uid";
        round_trip(s, &op, (ath_dialect)d);
        ath_arena_free(a);
    }
}

static void index_ops_invert_each_other(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        ath_arena *a = ath_arena_new();
        ath_schema *s = base(a, (ath_dialect)d);
        ath_index ix = {0};
        ix.name = "ix_post_title_lower";
        ath_index_elem elems[2] = {{"lower(title)", true}, {"user_id", false}};
        ix.elems = elems;
        ix.nelems = 2;
        ix.where = "status IS NOT NULL";
        ath_op op = table_op(ATH_OP_CREATE_INDEX, "post");
        op.u.index.name = ix.name;
        op.u.index.def = &ix;
        round_trip(s, &op, (ath_dialect)d);

        ath_index kept = find(s, "user")->indexes[0];
        op = table_op(ATH_OP_DROP_INDEX, "user");
        op.u.index.name = "ix_user_username";
        op.u.index.def = &kept;
        round_trip(s, &op, (ath_dialect)d);
        /* Alembic's drop_index needs no table name: the index is found by name. */
        op.table = NULL;
        assert_int_equal(apply1(s, &op, (ath_dialect)d), 0);
        assert_int_equal(find(s, "user")->nindexes, 0);
        ath_arena_free(a);
    }
}

static void constraint_ops_invert_each_other(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        ath_dialect dl = (ath_dialect)d;
        ath_arena *a = ath_arena_new();
        ath_schema *s = base(a, dl);
        /* SQLite alters constraints only by re-creating the table. */
        bool batch = dl == LITE;

        ath_op op = table_op(ATH_OP_CREATE_UNIQUE_CONSTRAINT, "post");
        op.batch = batch;
        op.u.constraint.name = "uq_post_title";
        op.u.constraint.unique.columns = ts_strs(a, 2, "user_id", "title");
        op.u.constraint.unique.ncolumns = 2;
        round_trip(s, &op, dl);

        op = table_op(ATH_OP_CREATE_CHECK_CONSTRAINT, "user");
        op.batch = batch;
        op.u.constraint.name = "ck_user_email";
        op.u.constraint.check.sqltext = "email LIKE '%@%'";
        round_trip(s, &op, dl);

        op = table_op(ATH_OP_CREATE_FOREIGN_KEY, "post");
        op.batch = batch;
        op.u.constraint.name = "fk_post_author";
        op.u.constraint.fk.columns = ts_strs(a, 1, "user_id");
        op.u.constraint.fk.ncolumns = 1;
        op.u.constraint.fk.ref_table = "user";
        op.u.constraint.fk.ref_columns = ts_strs(a, 1, "id");
        op.u.constraint.fk.ondelete = "SET NULL";
        round_trip(s, &op, dl);

        /* drop_constraint keeps what it dropped; its inverse re-creates it exactly. */
        op = table_op(ATH_OP_DROP_CONSTRAINT, "post");
        op.batch = batch;
        op.u.constraint.name = "fk_post_user";
        op.u.constraint.type = ATH_CONSTRAINT_FOREIGNKEY;
        op.u.constraint.has_def = true;
        op.u.constraint.fk = find(s, "post")->fks[0];
        round_trip(s, &op, dl);
        ath_op inv;
        assert_int_equal(ath_op_inverse(&inv, &op), 0);
        assert_int_equal(inv.kind, ATH_OP_CREATE_FOREIGN_KEY);

        op = table_op(ATH_OP_DROP_CONSTRAINT, "post");
        op.batch = batch;
        op.u.constraint.name = "ck_post_title";
        op.u.constraint.type = ATH_CONSTRAINT_CHECK;
        op.u.constraint.has_def = true;
        op.u.constraint.check = find(s, "post")->checks[0];
        round_trip(s, &op, dl);

        /* The primary key: dropped, then made again. */
        op = table_op(ATH_OP_DROP_CONSTRAINT, "post");
        op.batch = batch;
        op.u.constraint.name = "pk_post";
        op.u.constraint.type = ATH_CONSTRAINT_PRIMARY;
        op.u.constraint.has_def = true;
        op.u.constraint.pk = find(s, "post")->pk;
        round_trip(s, &op, dl);
        assert_int_equal(ath_op_inverse(&inv, &op), 0);
        assert_int_equal(inv.kind, ATH_OP_CREATE_PRIMARY_KEY);
        ath_arena_free(a);
    }
}

static void enum_types_are_created_and_dropped_on_postgresql_only(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_op op = ath_op_make(ATH_OP_CREATE_ENUM);
    op.u.enum_def.name = "mood";
    op.u.enum_def.values = ts_strs(a, 3, "happy", "sad", "it's ok");
    op.u.enum_def.nvalues = 3;
    round_trip(s, &op, PG);

    ath_schema *l = base(a, LITE);
    char *before = json(l);
    assert_int_equal(apply1(l, &op, LITE), 0);
    char *after = json(l);
    assert_string_equal(before, after);
    free(before), free(after);

    /* Its inverse needs the values the dropped type had. */
    op = ath_op_make(ATH_OP_DROP_ENUM);
    op.u.enum_def.name = "mood";
    ath_op inv;
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(),
                        "drop_enum mood: not invertible: the dropped type's values are not known");
    ath_arena_free(a);
}

static void add_enum_value_goes_where_it_is_told(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_op op = ath_op_make(ATH_OP_ADD_ENUM_VALUE);
    op.u.enum_value.name = "status";
    op.u.enum_value.value = "review";
    op.u.enum_value.before = "published";
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_int_equal(s->enums[0].nvalues, 3);
    assert_string_equal(s->enums[0].values[1], "review");
    /* The column of the type reports the new value too. */
    const ath_type *t = &ath_table_find_column(find(s, "post"), "status")->type;
    assert_int_equal(t->nvalues, 3);
    assert_string_equal(t->values[1], "review");

    op.u.enum_value.before = NULL;
    op.u.enum_value.value = "archived";
    op.u.enum_value.after = "draft";
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_string_equal(s->enums[0].values[1], "archived");
    op.u.enum_value.after = NULL;
    op.u.enum_value.value = "gone";
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_string_equal(s->enums[0].values[4], "gone");
    /* IF NOT EXISTS makes a second one a no-op. */
    op.u.enum_value.if_not_exists = true;
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_int_equal(s->enums[0].nvalues, 5);

    ath_op inv;
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(),
                        "add_enum_value status 'gone': not invertible: PostgreSQL cannot remove a "
                        "value from an enum type");
    ath_arena_free(a);
}

static void execute_and_bulk_insert_have_no_inverse_unless_given(void **state)
{
    (void)state;
    ath_op op = ath_op_make(ATH_OP_EXECUTE);
    op.u.execute.sql = "UPDATE \"user\" SET email = lower(email) WHERE email IS NOT NULL AND 1 = 1";
    ath_op inv;
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(),
                        "execute 'UPDATE \"user\" SET email = lower(email) W...': not "
                        "invertible: SQL text has no known inverse");
    op.u.execute.inverse_sql = "SELECT 1";
    assert_int_equal(ath_op_inverse(&inv, &op), 0);
    assert_string_equal(inv.u.execute.sql, "SELECT 1");
    assert_string_equal(inv.u.execute.inverse_sql, op.u.execute.sql);

    op = table_op(ATH_OP_BULK_INSERT, "user");
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(),
                        "bulk_insert user: not invertible: inserted rows are not removed");

    op = table_op(ATH_OP_DROP_TABLE, "user");
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(
        ath_error_last(),
        "drop_table user: not invertible: the dropped table's definition is not known");
    op = table_op(ATH_OP_DROP_COLUMN, "user");
    op.u.column.name = "bio";
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(), "drop_column user.bio: not invertible: the dropped "
                                          "column's definition is not known");
    ath_type t = ath_type_make(ATH_TYPE_TEXT);
    op = table_op(ATH_OP_ALTER_COLUMN, "user");
    op.u.alter.column = "bio";
    op.u.alter.type = &t;
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(),
                        "alter_column user.bio: not invertible: the existing type is not known");
    op = table_op(ATH_OP_CREATE_UNIQUE_CONSTRAINT, "user");
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(),
                        "create_unique_constraint (unnamed) on user: not "
                        "invertible: an unnamed constraint cannot be dropped by name");
    op = table_op(ATH_OP_DROP_CONSTRAINT, "user");
    op.u.constraint.name = "uq_user_email";
    assert_int_equal(ath_op_inverse(&inv, &op), ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(), "drop_constraint uq_user_email on user: not invertible: "
                                          "the dropped constraint's definition is not known");
}

static void inverse_of_a_list_is_the_inverses_in_reverse_order(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_column x = {0};
    x.name = "color";
    x.type = ath_type_make(ATH_TYPE_STRING);
    x.nullable = true;
    ath_index ix = {0};
    ath_index_elem e = {"color", false};
    ix.name = "ix_tag_color";
    ix.elems = &e;
    ix.nelems = 1;
    ath_op ops[3] = {table_op(ATH_OP_CREATE_TABLE, "tag"), table_op(ATH_OP_ADD_COLUMN, "tag"),
                     table_op(ATH_OP_CREATE_INDEX, "tag")};
    ops[0].u.table_def = tag_table(a);
    ops[1].u.column.name = "color";
    ops[1].u.column.def = &x;
    ops[2].u.index.name = ix.name;
    ops[2].u.index.def = &ix;
    ath_op *inv;
    size_t n;
    assert_int_equal(ath_ops_inverse(&inv, &n, a, ops, 3), 0);
    assert_int_equal(n, 3);
    assert_int_equal(inv[0].kind, ATH_OP_DROP_INDEX);
    assert_int_equal(inv[1].kind, ATH_OP_DROP_COLUMN);
    assert_int_equal(inv[2].kind, ATH_OP_DROP_TABLE);

    char *before = json(s);
    assert_int_equal(ath_ops_apply(s, ops, 3, PG, 0, NULL, NULL), 0);
    assert_int_equal(ath_ops_apply(s, inv, n, PG, 0, NULL, NULL), 0);
    char *after = json(s);
    assert_string_equal(before, after);
    free(before), free(after);

    /* One op that cannot be inverted spoils the list. */
    ath_op bad[2] = {ops[0], ath_op_make(ATH_OP_EXECUTE)};
    bad[1].u.execute.sql = "SELECT 1";
    assert_int_equal(ath_ops_inverse(&inv, &n, a, bad, 2), ATH_EUNSUPPORTED);
    assert_null(inv);
    assert_int_equal(n, 0);
    ath_arena_free(a);
}

/* ---- refusals ---- */

static void table_preconditions(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_op op = table_op(ATH_OP_CREATE_TABLE, "user");
    op.u.table_def = find(base(a, PG), "user");
    refused(s, op, PG, ATH_ECONFLICT, "create_table user: table already exists");

    op = table_op(ATH_OP_CREATE_TABLE, "ix_user_username");
    op.u.table_def = tag_table(a);
    refused(
        s, op, PG, ATH_ECONFLICT,
        "create_table ix_user_username: an index named ix_user_username already exists (on user)");

    ath_table *t = tag_table(a);
    t->indexes[0].elems[0].text = "colour";
    op = table_op(ATH_OP_CREATE_TABLE, "tag");
    op.u.table_def = t;
    refused(s, op, PG, ATH_ENOTFOUND,
            "create_table tag: index ix_tag_label names unknown column colour");

    t = tag_table(a);
    t->fks[0].ref_table = "article";
    op.u.table_def = t;
    refused(s, op, PG, ATH_ENOTFOUND,
            "create_table tag: foreign key fk_tag_post refers to missing table article");
    /* SQLite does not check what a foreign key refers to. */
    ath_schema *l = base(a, LITE);
    assert_int_equal(apply1(l, &op, LITE), 0);

    t = tag_table(a);
    t->fks[0].columns = ts_strs(a, 1, "article_id");
    op.u.table_def = t;
    refused(s, op, PG, ATH_ENOTFOUND,
            "create_table tag: foreign key fk_tag_post names unknown column article_id");

    t = tag_table(a);
    t->pk.name = "ix_user_username";
    op.u.table_def = t;
    refused(s, op, PG, ATH_ECONFLICT,
            "create_table tag: an index named ix_user_username already exists (on user)");

    op = table_op(ATH_OP_DROP_TABLE, "nope");
    refused(s, op, PG, ATH_ENOTFOUND, "drop_table nope: table does not exist");
    op = table_op(ATH_OP_DROP_TABLE, "user");
    refused(s, op, PG, ATH_ECONFLICT,
            "drop_table user: table is referenced by foreign key fk_post_user on post");
    /* SQLite lets it go, leaving post's foreign key pointing nowhere. */
    assert_int_equal(apply1(l, &op, LITE), 0);
    assert_null(find(l, "user"));

    op = table_op(ATH_OP_RENAME_TABLE, "user");
    op.u.rename.new_name = "post";
    refused(s, op, PG, ATH_ECONFLICT, "rename_table user: a table named post already exists");
    op.u.rename.new_name = "pk_post";
    refused(s, op, PG, ATH_ECONFLICT,
            "rename_table user: a constraint named pk_post already exists (on post)");
    op = table_op(ATH_OP_RENAME_TABLE, "nope");
    op.u.rename.new_name = "x";
    refused(s, op, PG, ATH_ENOTFOUND, "rename_table nope: table does not exist");
    ath_arena_free(a);
}

static void column_preconditions(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_schema *l = base(a, LITE);
    ath_column c = {0};
    c.name = "email";
    c.type = ath_type_make(ATH_TYPE_TEXT);
    c.nullable = true;
    ath_op op = table_op(ATH_OP_ADD_COLUMN, "user");
    op.u.column.name = "email";
    op.u.column.def = &c;
    refused(s, op, PG, ATH_ECONFLICT, "add_column user.email: column already exists");
    op.table = "nope";
    refused(s, op, PG, ATH_ENOTFOUND, "add_column nope.email: table does not exist");

    c.name = "mood";
    c.type = ath_type_make(ATH_TYPE_ENUM);
    c.type.name = "mood";
    op = table_op(ATH_OP_ADD_COLUMN, "post");
    op.u.column.name = "mood";
    op.u.column.def = &c;
    /* A missing enum type is created with the column (the renderer creates it first). */
    ath_arena *ca = ath_arena_new();
    ath_schema *copy = NULL;
    assert_int_equal(ath_schema_copy(&copy, ca, s), 0);
    size_t nenums = copy->nenums;
    assert_int_equal(apply1(copy, &op, PG), 0);
    assert_int_equal(copy->nenums, nenums + 1);
    assert_string_equal(copy->enums[nenums].name, "mood");
    ath_arena_free(ca);
    assert_int_equal(apply1(l, &op, LITE), 0);

    c.name = "karma";
    c.type = ath_type_make(ATH_TYPE_INTEGER);
    c.nullable = false;
    op.u.column.name = "karma";
    refused(l, op, LITE, ATH_ECONFLICT,
            "add_column post.karma: SQLite cannot add a NOT NULL column without a server default");
    c.server_default = "0";
    assert_int_equal(apply1(l, &op, LITE), 0);

    op = table_op(ATH_OP_DROP_COLUMN, "user");
    op.u.column.name = "nope";
    refused(s, op, PG, ATH_ENOTFOUND, "drop_column user.nope: column does not exist");
    op.u.column.name = "id";
    refused(s, op, PG, ATH_ECONFLICT,
            "drop_column user.id: column is referenced by foreign key fk_post_user on post");

    op = table_op(ATH_OP_ALTER_COLUMN, "user");
    op.u.alter.column = "nope";
    op.u.alter.nullable = (ath_opt_bool){true, false};
    refused(s, op, PG, ATH_ENOTFOUND, "alter_column user.nope: column does not exist");
    op.u.alter.column = "username";
    op.u.alter.new_name = "email";
    refused(s, op, PG, ATH_ECONFLICT, "alter_column user.username: column email already exists");
    op.u.alter.new_name = NULL;
    refused(l, op, LITE, ATH_EUNSUPPORTED,
            "alter_column user.username: SQLite cannot alter a column outside batch mode (use "
            "batch_alter_table)");
    op.batch = true;
    assert_int_equal(apply1(l, &op, LITE), 0);
    op = table_op(ATH_OP_ALTER_COLUMN, "user");
    op.u.alter.column = "id";
    op.u.alter.nullable = (ath_opt_bool){true, true};
    refused(s, op, PG, ATH_ECONFLICT,
            "alter_column user.id: column is in the primary key and cannot be nullable");
    ath_arena_free(a);
}

static void dropping_a_column_takes_what_the_database_takes(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    /* PostgreSQL drops the indexes and constraints on the column with it. */
    ath_schema *s = base(a, PG);
    ath_op op = table_op(ATH_OP_DROP_COLUMN, "user");
    op.u.column.name = "username";
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_int_equal(find(s, "user")->nindexes, 0);
    op = table_op(ATH_OP_DROP_COLUMN, "post");
    op.u.column.name = "title";
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_int_equal(find(s, "post")->nchecks, 0);
    op.u.column.name = "user_id";
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_int_equal(find(s, "post")->nfks, 0);
    op.u.column.name = "id";
    assert_int_equal(apply1(s, &op, PG), 0);
    assert_int_equal(find(s, "post")->pk.ncolumns, 0);

    /* SQLite's ALTER TABLE DROP COLUMN refuses a column anything uses. */
    ath_schema *l = base(a, LITE);
    op = table_op(ATH_OP_DROP_COLUMN, "user");
    op.u.column.name = "username";
    refused(l, op, LITE, ATH_ECONFLICT,
            "drop_column user.username: column is used by index ix_user_username");
    op.u.column.name = "id";
    refused(l, op, LITE, ATH_ECONFLICT,
            "drop_column user.id: SQLite cannot drop a primary key column outside batch mode");
    op.u.column.name = "email";
    refused(l, op, LITE, ATH_ECONFLICT,
            "drop_column user.email: SQLite cannot drop a column used by unique constraint "
            "uq_user_email outside batch mode");
    op = table_op(ATH_OP_DROP_COLUMN, "post");
    op.u.column.name = "title";
    refused(l, op, LITE, ATH_ECONFLICT,
            "drop_column post.title: column is used by check constraint ck_post_title");
    op.u.column.name = "user_id";
    refused(l, op, LITE, ATH_ECONFLICT,
            "drop_column post.user_id: SQLite cannot drop a column used by foreign key "
            "fk_post_user outside batch mode");
    /* Batch mode re-creates the table without the constraints on the column
     * (an index or check on it still fails, as Alembic's re-creation does). */
    op.batch = true;
    assert_int_equal(apply1(l, &op, LITE), 0);
    assert_int_equal(find(l, "post")->nfks, 0);
    op.u.column.name = "title";
    refused(l, op, LITE, ATH_ECONFLICT,
            "drop_column post.title: column is used by check constraint ck_post_title");
    op = table_op(ATH_OP_DROP_COLUMN, "user");
    op.batch = true;
    op.u.column.name = "email";
    assert_int_equal(apply1(l, &op, LITE), 0);
    assert_int_equal(find(l, "user")->nuniques, 0);
    op.u.column.name = "id";
    assert_int_equal(apply1(l, &op, LITE), 0);
    assert_int_equal(find(l, "user")->pk.ncolumns, 0);
    ath_arena_free(a);
}

static void index_and_constraint_preconditions(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_schema *l = base(a, LITE);
    ath_index ix = {0};
    ath_index_elem e = {"title", false};
    ix.name = "ix_user_username";
    ix.elems = &e;
    ix.nelems = 1;
    ath_op op = table_op(ATH_OP_CREATE_INDEX, "post");
    op.u.index.name = ix.name;
    op.u.index.def = &ix;
    refused(s, op, PG, ATH_ECONFLICT,
            "create_index ix_user_username on post: an index named ix_user_username already "
            "exists (on user)");
    ix.name = op.u.index.name = "uq_user_email";
    refused(s, op, PG, ATH_ECONFLICT,
            "create_index uq_user_email on post: a constraint named uq_user_email already exists "
            "(on user)");
    /* SQLite's unique constraints are no index of that name. */
    assert_int_equal(apply1(l, &op, LITE), 0);
    ix.name = op.u.index.name = "ix_post_x";
    e.text = "x";
    refused(s, op, PG, ATH_ENOTFOUND,
            "create_index ix_post_x on post: index ix_post_x names unknown column x");

    op = table_op(ATH_OP_DROP_INDEX, "post");
    op.u.index.name = "ix_user_username";
    refused(s, op, PG, ATH_ENOTFOUND, "drop_index ix_user_username on post: index does not exist");
    op.table = NULL;
    op.u.index.name = "ix_nope";
    refused(s, op, PG, ATH_ENOTFOUND, "drop_index ix_nope: index does not exist");

    op = table_op(ATH_OP_DROP_CONSTRAINT, "post");
    op.u.constraint.name = "nope";
    refused(s, op, PG, ATH_ENOTFOUND, "drop_constraint nope on post: constraint does not exist");
    op.u.constraint.name = "fk_post_user";
    op.u.constraint.type = ATH_CONSTRAINT_UNIQUE;
    refused(s, op, PG, ATH_ECONFLICT,
            "drop_constraint fk_post_user on post: fk_post_user is a foreign key, not a unique "
            "constraint");
    refused(l, op, LITE, ATH_EUNSUPPORTED,
            "drop_constraint fk_post_user on post: SQLite cannot drop a constraint outside batch "
            "mode (use batch_alter_table)");
    op = table_op(ATH_OP_DROP_CONSTRAINT, "user");
    op.u.constraint.name = "pk_user";
    refused(s, op, PG, ATH_ECONFLICT,
            "drop_constraint pk_user on user: constraint is needed by foreign key fk_post_user on "
            "post");

    op = table_op(ATH_OP_CREATE_FOREIGN_KEY, "post");
    op.u.constraint.name = "fk_post_editor";
    op.u.constraint.fk.columns = ts_strs(a, 1, "user_id");
    op.u.constraint.fk.ncolumns = 1;
    op.u.constraint.fk.ref_table = "user";
    op.u.constraint.fk.ref_columns = ts_strs(a, 1, "nope");
    refused(s, op, PG, ATH_ENOTFOUND,
            "create_foreign_key fk_post_editor on post: foreign key fk_post_editor refers to "
            "missing column user.nope");
    op.u.constraint.fk.ref_columns = ts_strs(a, 1, "username");
    refused(s, op, PG, ATH_ECONFLICT,
            "create_foreign_key fk_post_editor on post: foreign key fk_post_editor refers to "
            "columns of user with no primary key or unique constraint on them");
    op.u.constraint.fk.ref_table = "editor";
    refused(s, op, PG, ATH_ENOTFOUND,
            "create_foreign_key fk_post_editor on post: foreign key fk_post_editor refers to "
            "missing table editor");
    refused(l, op, LITE, ATH_EUNSUPPORTED,
            "create_foreign_key fk_post_editor on post: SQLite cannot add a constraint outside "
            "batch mode (use batch_alter_table)");
    op.batch = true;
    assert_int_equal(apply1(l, &op, LITE), 0);
    op.u.constraint.fk.ref_table = "user";
    op.u.constraint.fk.ref_columns = ts_strs(a, 1, "email");
    op.u.constraint.name = "ck_post_title";
    refused(s, op, PG, ATH_ECONFLICT,
            "create_foreign_key ck_post_title on post: a check constraint named ck_post_title "
            "already exists");

    op = table_op(ATH_OP_CREATE_PRIMARY_KEY, "post");
    op.u.constraint.name = "pk_post2";
    op.u.constraint.pk.columns = ts_strs(a, 1, "id");
    op.u.constraint.pk.ncolumns = 1;
    refused(s, op, PG, ATH_ECONFLICT,
            "create_primary_key pk_post2 on post: table already has a primary key");
    op = table_op(ATH_OP_CREATE_UNIQUE_CONSTRAINT, "post");
    op.u.constraint.name = "uq_post_x";
    op.u.constraint.unique.columns = ts_strs(a, 1, "x");
    op.u.constraint.unique.ncolumns = 1;
    refused(s, op, PG, ATH_ENOTFOUND,
            "create_unique_constraint uq_post_x on post: unique constraint uq_post_x names unknown "
            "column x");
    ath_arena_free(a);
}

static void enum_preconditions(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_op op = ath_op_make(ATH_OP_DROP_ENUM);
    op.u.enum_def.name = "status";
    refused(s, op, PG, ATH_ECONFLICT, "drop_enum status: type is used by column post.status");
    op.u.enum_def.name = "mood";
    refused(s, op, PG, ATH_ENOTFOUND, "drop_enum mood: type does not exist");
    op = ath_op_make(ATH_OP_CREATE_ENUM);
    op.u.enum_def.name = "status";
    refused(s, op, PG, ATH_ECONFLICT, "create_enum status: type already exists");
    op.u.enum_def.name = "mood";
    op.u.enum_def.values = ts_strs(a, 2, "ok", "ok");
    op.u.enum_def.nvalues = 2;
    refused(s, op, PG, ATH_EINVAL, "create_enum mood: value 'ok' is given twice");
    op = ath_op_make(ATH_OP_ADD_ENUM_VALUE);
    op.u.enum_value.name = "status";
    op.u.enum_value.value = "draft";
    refused(s, op, PG, ATH_ECONFLICT,
            "add_enum_value status 'draft': value 'draft' already exists");
    op.u.enum_value.value = "new";
    op.u.enum_value.after = "final";
    refused(s, op, PG, ATH_ENOTFOUND,
            "add_enum_value status 'new': 'final' is not a value of the type");
    op.u.enum_value.name = "mood";
    refused(s, op, PG, ATH_ENOTFOUND, "add_enum_value mood 'new': type does not exist");
    ath_arena_free(a);
}

static void execute_is_refused_unless_skipped_and_bulk_insert_checks_columns(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_op op = ath_op_make(ATH_OP_EXECUTE);
    op.u.execute.sql = "\n  UPDATE post SET status = 'draft'\n";
    refused(s, op, PG, ATH_EUNSUPPORTED,
            "execute 'UPDATE post SET status = 'draft'': SQL text cannot be replayed in memory");

    ath_diags diags;
    ath_diags_init(&diags, a);
    op.pos.line = 7;
    char *before = json(s);
    assert_int_equal(ath_ops_apply(s, &op, 1, PG, ATH_APPLY_SKIP_EXECUTE, &diags, NULL), 0);
    char *after = json(s);
    assert_string_equal(before, after);
    free(before), free(after);
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].level, ATH_DIAG_NOTE);
    assert_int_equal(diags.items[0].line, 7);
    assert_string_equal(diags.items[0].message,
                        "execute 'UPDATE post SET status = 'draft'': "
                        "skipped; its effect on the schema is not replayed");
    assert_int_equal(diags.errors, 0);

    ath_type types[2] = {ath_type_make(ATH_TYPE_INTEGER), ath_type_make(ATH_TYPE_STRING)};
    ath_literal values[2] = {{ATH_LIT_INT, "1"}, {ATH_LIT_STRING, "it's"}};
    op = table_op(ATH_OP_BULK_INSERT, "user");
    op.u.bulk.columns = ts_strs(a, 2, "id", "nickname");
    op.u.bulk.types = types;
    op.u.bulk.ncolumns = 2;
    op.u.bulk.values = values;
    op.u.bulk.nrows = 1;
    refused(s, op, PG, ATH_ENOTFOUND, "bulk_insert user: column nickname does not exist");
    op.u.bulk.columns[1] = "username";
    assert_int_equal(apply1(s, &op, PG), 0);
    ath_arena_free(a);
}

static void a_failing_op_leaves_the_earlier_ones_unapplied(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    ath_op ops[3] = {table_op(ATH_OP_RENAME_TABLE, "post"), table_op(ATH_OP_DROP_TABLE, "user"),
                     table_op(ATH_OP_DROP_TABLE, "nope")};
    ops[0].u.rename.new_name = "article";
    ops[2].pos.line = 9;
    char *before = json(s);
    ath_diags diags;
    ath_diags_init(&diags, a);
    size_t failed = 0;
    /* The foreign key follows the renamed table, so user is still referred to. */
    assert_int_equal(ath_ops_apply(s, ops, 3, PG, 0, &diags, &failed), ATH_ECONFLICT);
    assert_int_equal(failed, 1);
    assert_string_equal(
        ath_error_last(),
        "drop_table user: table is referenced by foreign key fk_post_user on article");
    char *after = json(s);
    assert_string_equal(before, after);
    free(after);
    assert_non_null(find(s, "post"));

    /* Without the dry run the ops before the failing one stay applied. */
    assert_int_equal(ath_ops_apply(s, ops, 3, PG, ATH_APPLY_NO_ROLLBACK, NULL, &failed),
                     ATH_ECONFLICT);
    assert_non_null(find(s, "article"));
    free(before);
    ath_arena_free(a);
}

/* ---- a history replayed ---- */

static ath_column column_def(const char *name, ath_type_kind kind, bool nullable, int length)
{
    ath_column c = {0};
    c.name = name;
    c.type = ath_type_make(kind);
    c.type.length = length;
    c.nullable = nullable;
    return c;
}

static void a_small_history_replays_to_the_expected_schema(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        ath_dialect dl = (ath_dialect)d;
        ath_arena *a = ath_arena_new();
        ath_schema *defs = ath_schema_new(a);

        ath_table *user = ath_schema_add_table(defs, NULL, "user");
        ts_col(defs, user, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
        ts_col(defs, user, "username", ATH_TYPE_STRING, false)->type.length = 80;
        user->pk.columns = ts_strs(a, 1, "id");
        user->pk.ncolumns = 1;
        ath_table *post = ath_schema_add_table(defs, NULL, "post");
        ts_col(defs, post, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
        ts_col(defs, post, "title", ATH_TYPE_STRING, false)->type.length = 120;
        ts_col(defs, post, "user_id", ATH_TYPE_INTEGER, false);
        ts_col(defs, post, "status", ATH_TYPE_ENUM, true)->type = *status_type(a);
        post->pk.columns = ts_strs(a, 1, "id");
        post->pk.ncolumns = 1;
        ath_foreign_key *fk = ath_table_add_fk(defs, post);
        fk->seq = 1;
        fk->columns = ts_strs(a, 1, "user_id");
        fk->ncolumns = 1;
        fk->ref_table = "user";
        fk->ref_columns = ts_strs(a, 1, "id");

        ath_column created_at = column_def("created_at", ATH_TYPE_DATETIME, true, -1);
        ath_column email = column_def("email", ATH_TYPE_STRING, true, 120);
        ath_index_elem title_elem = {"title", false}, email_elem = {"email", false};
        ath_index ix_title = {"ix_post_title", false, &title_elem, 1, NULL};
        ath_index ix_email = {"ix_user_email", true, &email_elem, 1, NULL};

        ath_op ops[11];
        size_t n = 0;
        ops[n] = table_op(ATH_OP_CREATE_TABLE, "user");
        ops[n++].u.table_def = user;
        ops[n] = table_op(ATH_OP_CREATE_TABLE, "post");
        ops[n++].u.table_def = post;
        ops[n] = table_op(ATH_OP_ADD_COLUMN, "user");
        ops[n].u.column.name = "created_at";
        ops[n++].u.column.def = &created_at;
        ops[n] = table_op(ATH_OP_ADD_COLUMN, "user");
        ops[n].u.column.name = "email";
        ops[n++].u.column.def = &email;
        ops[n] = table_op(ATH_OP_CREATE_INDEX, "post");
        ops[n].u.index.name = ix_title.name;
        ops[n++].u.index.def = &ix_title;
        ops[n] = table_op(ATH_OP_CREATE_INDEX, "user");
        ops[n].u.index.name = ix_email.name;
        ops[n++].u.index.def = &ix_email;
        ops[n] = table_op(ATH_OP_ALTER_COLUMN, "post");
        ops[n].u.alter.column = "title";
        ops[n++].u.alter.new_name = "headline";
        ops[n] = table_op(ATH_OP_DROP_INDEX, "post");
        ops[n++].u.index.name = "ix_post_title";
        ops[n] = ath_op_make(ATH_OP_ADD_ENUM_VALUE);
        ops[n].u.enum_value.name = "status";
        ops[n++].u.enum_value.value = "archived";
        ops[n] = ath_op_make(ATH_OP_EXECUTE);
        ops[n++].u.execute.sql = "UPDATE post SET status = 'draft'";
        ops[n] = table_op(ATH_OP_ALTER_COLUMN, "user");
        ops[n].batch = true;
        ops[n].u.alter.column = "username";
        ops[n++].u.alter.nullable = (ath_opt_bool){true, true};

        ath_schema *s = ath_schema_new(a);
        ath_diags diags;
        ath_diags_init(&diags, a);
        if (ath_ops_apply(s, ops, n, dl, ATH_APPLY_SKIP_EXECUTE, &diags, NULL) != 0)
            fail_msg("%s", ath_error_last());
        assert_int_equal(diags.count, 1);

        /* What create_all() of the final models builds. */
        ath_schema *want = ath_schema_new(a);
        if (dl == PG) {
            ath_enum *e = ath_schema_add_enum(want, NULL, "status");
            e->values = ts_strs(a, 3, "draft", "published", "archived");
            e->nvalues = 3;
        }
        ath_table *u = ath_schema_add_table(want, NULL, "user");
        ts_col(want, u, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
        ts_col(want, u, "username", ATH_TYPE_STRING, true)->type.length = 80;
        ts_col(want, u, "created_at", ATH_TYPE_DATETIME, true);
        ts_col(want, u, "email", ATH_TYPE_STRING, true)->type.length = 120;
        u->pk.columns = ts_strs(a, 1, "id");
        u->pk.ncolumns = 1;
        ath_index *ix = ath_table_add_index(want, u);
        *ix = ix_email;
        ath_table *p = ath_schema_add_table(want, NULL, "post");
        ts_col(want, p, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
        ts_col(want, p, "headline", ATH_TYPE_STRING, false)->type.length = 120;
        ts_col(want, p, "user_id", ATH_TYPE_INTEGER, false);
        ath_type *st = &ts_col(want, p, "status", ATH_TYPE_ENUM, true)->type;
        *st = *status_type(a);
        if (dl == PG) {
            st->values = want->enums[0].values;
            st->nvalues = 3;
        }
        p->pk.columns = ts_strs(a, 1, "id");
        p->pk.ncolumns = 1;
        fk = ath_table_add_fk(want, p);
        *fk = post->fks[0];

        for (int k = 0; k < 2; k++) {
            ath_buf got = ATH_BUF_INIT, exp = ATH_BUF_INIT;
            assert_int_equal(ath_schema_to_sql(&got, s, (ath_dialect)k), 0);
            assert_int_equal(ath_schema_to_sql(&exp, want, (ath_dialect)k), 0);
            assert_string_equal(ath_buf_cstr(&got), ath_buf_cstr(&exp));
            ath_buf_free(&got);
            ath_buf_free(&exp);
        }
        char *jg = json(s), *jw = json(want);
        assert_string_equal(jg, jw);
        free(jg), free(jw);

        /* Played backwards, the inverse history (execute given an inverse,
         * the enum value removed from the list) ends in an empty schema. */
        ops[9].u.execute.inverse_sql = "SELECT 1";
        ath_op fwd[11];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (ops[i].kind != ATH_OP_ADD_ENUM_VALUE && ops[i].kind != ATH_OP_DROP_INDEX &&
                !(ops[i].kind == ATH_OP_ALTER_COLUMN && ops[i].batch))
                fwd[m++] = ops[i];
        ath_schema *s2 = ath_schema_new(a);
        assert_int_equal(ath_ops_apply(s2, fwd, m, dl, ATH_APPLY_SKIP_EXECUTE, NULL, NULL), 0);
        ath_op *inv;
        size_t ninv;
        assert_int_equal(ath_ops_inverse(&inv, &ninv, a, fwd, m), 0);
        assert_int_equal(ath_ops_apply(s2, inv, ninv, dl, ATH_APPLY_SKIP_EXECUTE, NULL, NULL), 0);
        assert_int_equal(s2->ntables, 0);
        ath_arena_free(a);
    }
}

/* ---- batch_alter_table(naming_convention=...) on SQLite ---- */

static const char *const UQ_NC[] = {"uq", "uq_%(table_name)s_%(column_0_name)s"};
static const char *const FK_NC[] = {"fk", "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"};

/* base(LITE) with what SQLite keeps of unnamed constraints: user's unique on
 * email and a second one on username, post's foreign key, none named. */
static ath_schema *unnamed_base(ath_arena *a)
{
    ath_schema *s = base(a, LITE);
    ath_table *u = find(s, "user");
    u->uniques[0].name = NULL;
    ath_unique *uq = ath_table_add_unique(s, u);
    uq->seq = 2;
    uq->columns = ts_strs(a, 1, "username");
    uq->ncolumns = 1;
    find(s, "post")->fks[0].name = NULL;
    return s;
}

static ath_op batch_drop(const char *table, const char *name, ath_constraint_type type,
                         const char *const *naming)
{
    ath_op op = table_op(ATH_OP_DROP_CONSTRAINT, table);
    op.batch = true;
    op.u.constraint.name = name;
    op.u.constraint.type = type;
    op.naming = naming;
    op.nnaming = naming ? 1 : 0;
    return op;
}

/* The rebuild names every unnamed constraint its templates can, as Alembic's
 * reflection into MetaData(naming_convention=...) does: the drop finds the
 * one, the others keep the name in the new table. */
static void naming_convention_names_unnamed_constraints_in_a_sqlite_batch(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = unnamed_base(a);
    ath_op op = batch_drop("user", "uq_user_email", ATH_CONSTRAINT_UNIQUE, UQ_NC);
    if (apply1(s, &op, LITE))
        fail_msg("%s", ath_error_last());
    ath_table *u = find(s, "user");
    assert_int_equal(u->nuniques, 1);
    assert_string_equal(u->uniques[0].name, "uq_user_username");
    assert_string_equal(u->uniques[0].columns[0], "username");
    /* the foreign key: only the "fk" template names it */
    assert_null(find(s, "post")->fks[0].name);
    op = batch_drop("post", "fk_post_user_id_user", ATH_CONSTRAINT_FOREIGNKEY, FK_NC);
    if (apply1(s, &op, LITE))
        fail_msg("%s", ath_error_last());
    assert_int_equal(find(s, "post")->nfks, 0);
    /* the convention on another op of the block is the block's */
    s = unnamed_base(a);
    ath_op ops[2] = {table_op(ATH_OP_DROP_INDEX, "user"),
                     batch_drop("user", "uq_user_email", ATH_CONSTRAINT_UNIQUE, NULL)};
    ops[0].batch = true;
    ops[0].u.index.name = "ix_user_username";
    ops[0].naming = UQ_NC;
    ops[0].nnaming = 1;
    if (ath_ops_apply(s, ops, 2, LITE, 0, NULL, NULL))
        fail_msg("%s", ath_error_last());
    assert_int_equal(find(s, "user")->nuniques, 1);
    ath_arena_free(a);
}

/* No convention, one that gives another name, or PostgreSQL (which names
 * every constraint itself): the existing refusal. */
static void unnamed_constraint_without_matching_convention_is_not_found(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = unnamed_base(a);
    refused(s, batch_drop("user", "uq_user_email", ATH_CONSTRAINT_UNIQUE, NULL), LITE,
            ATH_ENOTFOUND, "drop_constraint uq_user_email on user: constraint does not exist");
    static const char *const other[] = {"uq", "uniq_%(column_0_name)s"};
    refused(s, batch_drop("user", "uq_user_email", ATH_CONSTRAINT_UNIQUE, other), LITE,
            ATH_ENOTFOUND, "drop_constraint uq_user_email on user: constraint does not exist");
    /* %(constraint_name)s cannot name an unnamed constraint */
    static const char *const by_name[] = {"uq", "uq_%(constraint_name)s"};
    refused(s, batch_drop("user", "uq_", ATH_CONSTRAINT_UNIQUE, by_name), LITE, ATH_ENOTFOUND,
            "drop_constraint uq_ on user: constraint does not exist");
    refused(s, batch_drop("user", "uq_user_email", ATH_CONSTRAINT_UNIQUE, UQ_NC), PG,
            ATH_ENOTFOUND, "drop_constraint uq_user_email on user: constraint does not exist");
    ath_arena_free(a);
}

static void convention_tokens(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    const char *cols[] = {"a", "b"}, *refs[] = {"x", "y"};
#define NAME(tmpl, name) ath_convention_name(a, tmpl, "t", cols, 2, "r", refs, name)
    assert_string_equal(NAME("uq_%(table_name)s_%(column_0_name)s", NULL), "uq_t_a");
    assert_string_equal(NAME("%(column_0N_name)s|%(column_0_N_name)s", NULL), "ab|a_b");
    assert_string_equal(NAME("%(column_0_label)s|%(column_0N_label)s", NULL), "t_a|t_at_b");
    assert_string_equal(NAME("fk_%(referred_table_name)s_%(referred_column_0_name)s", NULL),
                        "fk_r_x");
    assert_string_equal(NAME("%(referred_column_0_N_name)s 100%%", NULL), "x_y 100%");
    assert_string_equal(NAME("ck_%(table_name)s_%(constraint_name)s", "pos"), "ck_t_pos");
    assert_null(NAME("ck_%(table_name)s_%(constraint_name)s", NULL));
    assert_null(NAME("%(column_1_name)s", NULL));
    assert_null(NAME("%(table_name)", NULL));
    assert_null(ath_convention_name(a, "%(referred_table_name)s", "t", cols, 2, NULL, NULL,
                                    NULL));
#undef NAME
    ath_arena_free(a);
}

static void schema_copy_is_deep(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_schema *s = base(a, PG);
    char *j1 = json(s);
    ath_arena *b = ath_arena_new();
    ath_schema *c;
    assert_int_equal(ath_schema_copy(&c, b, s), 0);
    assert_ptr_equal(c->arena, b);
    assert_ptr_not_equal(c->tables[0].columns, s->tables[0].columns);
    assert_ptr_not_equal(c->tables[0].columns[0].name, s->tables[0].columns[0].name);
    ath_arena_free(a);
    char *j2 = json(c);
    assert_string_equal(j1, j2);
    free(j1), free(j2);
    ath_arena_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_table_and_drop_table_invert_each_other),
        cmocka_unit_test(create_table_on_postgresql_creates_its_enum_type),
        cmocka_unit_test(rename_table_carries_foreign_keys_along),
        cmocka_unit_test(table_comments_invert),
        cmocka_unit_test(add_column_and_drop_column_invert_each_other),
        cmocka_unit_test(alter_column_swaps_new_and_existing_values),
        cmocka_unit_test(renaming_a_column_reaches_keys_checks_and_foreign_keys),
        cmocka_unit_test(index_ops_invert_each_other),
        cmocka_unit_test(constraint_ops_invert_each_other),
        cmocka_unit_test(enum_types_are_created_and_dropped_on_postgresql_only),
        cmocka_unit_test(add_enum_value_goes_where_it_is_told),
        cmocka_unit_test(execute_and_bulk_insert_have_no_inverse_unless_given),
        cmocka_unit_test(inverse_of_a_list_is_the_inverses_in_reverse_order),
        cmocka_unit_test(table_preconditions),
        cmocka_unit_test(column_preconditions),
        cmocka_unit_test(dropping_a_column_takes_what_the_database_takes),
        cmocka_unit_test(index_and_constraint_preconditions),
        cmocka_unit_test(enum_preconditions),
        cmocka_unit_test(execute_is_refused_unless_skipped_and_bulk_insert_checks_columns),
        cmocka_unit_test(a_failing_op_leaves_the_earlier_ones_unapplied),
        cmocka_unit_test(a_small_history_replays_to_the_expected_schema),
        cmocka_unit_test(naming_convention_names_unnamed_constraints_in_a_sqlite_batch),
        cmocka_unit_test(unnamed_constraint_without_matching_convention_is_not_found),
        cmocka_unit_test(convention_tokens),
        cmocka_unit_test(schema_copy_is_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
