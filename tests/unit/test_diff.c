/*
 * ath_diff per kind of change and dialect: the exact op list, then the round
 * trip: the ops applied to the actual schema give the desired one, and their
 * inverses applied to the desired one give the actual one back.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "athanor/diff.h"

#define LITE ATH_DIALECT_SQLITE
#define PG ATH_DIALECT_POSTGRESQL

static ath_arena *A;

static const char **list(const char *x, const char *y)
{
    const char **l = ath_arena_alloc(A, 2 * sizeof(char *));
    l[0] = x;
    l[1] = y;
    return l;
}

static ath_column *col(ath_schema *s, ath_table *t, const char *name, ath_type_kind kind, int len,
                       bool nullable)
{
    ath_column *c = ath_table_add_column(s, t, name);
    c->type = ath_type_make(kind);
    c->type.length = len;
    c->nullable = nullable;
    return c;
}

static ath_table *table(ath_schema *s, const char *name)
{
    ath_table *t = ath_schema_add_table(s, NULL, name);
    col(s, t, "id", ATH_TYPE_INTEGER, -1, false);
    t->pk.columns = list("id", NULL);
    t->pk.ncolumns = 1;
    return t;
}

static void index_on(ath_schema *s, ath_table *t, const char *name, const char *column, bool uq)
{
    ath_index *ix = ath_table_add_index(s, t);
    ix->name = name;
    ix->unique = uq;
    ix->elems = ath_arena_alloc(A, sizeof(*ix->elems));
    ix->elems[0].text = column;
    ix->nelems = 1;
}

static void fk_to(ath_schema *s, ath_table *t, const char *name, const char *column,
                  const char *ref)
{
    ath_foreign_key *fk = ath_table_add_fk(s, t);
    fk->name = name;
    fk->columns = list(column, NULL);
    fk->ncolumns = 1;
    fk->ref_table = ref;
    fk->ref_columns = list("id", NULL);
}

/* user(id, name VARCHAR(80) NOT NULL, email VARCHAR(120) + ix_user_email) and
 * post(id, user_id -> user); the base both sides start from. */
static ath_schema *base(void)
{
    ath_schema *s = ath_schema_new(A);
    ath_table *u = table(s, "user");
    col(s, u, "name", ATH_TYPE_STRING, 80, false);
    col(s, u, "email", ATH_TYPE_STRING, 120, true);
    index_on(s, u, "ix_user_email", "email", false);
    ath_table *p = table(s, "post");
    col(s, p, "user_id", ATH_TYPE_INTEGER, -1, true);
    fk_to(s, p, "fk_post_user", "user_id", "user");
    return s;
}

static char *json(const ath_schema *s)
{
    ath_schema *c = NULL;
    assert_int_equal(ath_schema_copy(&c, A, s), 0);
    ath_schema_sort(c);
    ath_buf b = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_json(&b, c), 0);
    return ath_buf_detach(&b);
}

static ath_diags notes;

/* "kind table[.name] ..." of the ops, with (b) for batch. */
static char *dump(const ath_op *ops, size_t n)
{
    ath_buf b = ATH_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const ath_op *op = &ops[i];
        if (i)
            ath_buf_puts(&b, "; ");
        ath_buf_printf(&b, "%s%s", op->batch ? "b." : "", ath_op_kind_name(op->kind));
        if (op->table)
            ath_buf_printf(&b, " %s", op->table);
        const char *name = NULL;
        switch (op->kind) {
        case ATH_OP_ADD_COLUMN:
        case ATH_OP_DROP_COLUMN:
            name = op->u.column.name;
            break;
        case ATH_OP_ALTER_COLUMN:
            name = op->u.alter.column;
            break;
        case ATH_OP_CREATE_INDEX:
        case ATH_OP_DROP_INDEX:
            name = op->u.index.name;
            break;
        case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
        case ATH_OP_CREATE_FOREIGN_KEY:
        case ATH_OP_CREATE_CHECK_CONSTRAINT:
        case ATH_OP_DROP_CONSTRAINT:
            name = op->u.constraint.name ? op->u.constraint.name : "None";
            break;
        case ATH_OP_CREATE_ENUM:
        case ATH_OP_DROP_ENUM:
            name = op->u.enum_def.name;
            break;
        case ATH_OP_ADD_ENUM_VALUE:
            name = op->u.enum_value.value;
            break;
        case ATH_OP_RENAME_TABLE:
            name = op->u.rename.new_name;
            break;
        default:
            break;
        }
        if (name)
            ath_buf_printf(&b, ".%s", name);
    }
    return ath_buf_detach(&b);
}

/* Diffs, checks the op list, and runs both round trips. */
static void check(const ath_schema *actual, const ath_schema *desired, ath_dialect d,
                  const ath_diff_options *opts, const char *expect)
{
    ath_diff_options o = opts ? *opts : (ath_diff_options){0};
    o.dialect = d;
    ath_diags_init(&notes, A);
    ath_op *ops = NULL;
    size_t n = 0;
    assert_int_equal(ath_diff(&ops, &n, A, actual, desired, &o, &notes), 0);
    char *got = dump(ops, n);
    assert_string_equal(got, expect);
    free(got);

    ath_schema *up = NULL;
    assert_int_equal(ath_schema_copy(&up, A, actual), 0);
    ath_diags diags;
    ath_diags_init(&diags, A);
    int rc = ath_ops_apply(up, ops, n, d, 0, &diags, NULL);
    if (rc)
        fail_msg("upgrade: %s", ath_error_last());
    char *x = json(up), *y = json(desired);
    assert_string_equal(x, y);
    free(x);
    free(y);

    ath_op *inv = NULL;
    size_t ninv = 0;
    assert_int_equal(ath_ops_inverse(&inv, &ninv, A, ops, n), 0);
    ath_schema *down = NULL;
    assert_int_equal(ath_schema_copy(&down, A, desired), 0);
    rc = ath_ops_apply(down, inv, ninv, d, 0, &diags, NULL);
    if (rc)
        fail_msg("downgrade: %s", ath_error_last());
    x = json(down);
    y = json(actual);
    assert_string_equal(x, y);
    free(x);
    free(y);
}

/* The op list only: for schemas that differ only where the diff must not look. */
static void check_ops(const ath_schema *actual, const ath_schema *desired, ath_dialect d,
                      const ath_diff_options *opts, const char *expect)
{
    ath_diff_options o = opts ? *opts : (ath_diff_options){0};
    o.dialect = d;
    ath_diags_init(&notes, A);
    ath_op *ops = NULL;
    size_t n = 0;
    assert_int_equal(ath_diff(&ops, &n, A, actual, desired, &o, &notes), 0);
    char *got = dump(ops, n);
    assert_string_equal(got, expect);
    free(got);
}

static bool has_note(ath_diag_level level, const char *text)
{
    for (size_t i = 0; i < notes.count; i++)
        if (notes.items[i].level == level && strstr(notes.items[i].message, text))
            return true;
    return false;
}

static int setup(void **state)
{
    (void)state;
    A = ath_arena_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ath_arena_free(A);
    return 0;
}

static void identical_schemas_give_no_ops(void **state)
{
    (void)state;
    check(base(), base(), LITE, NULL, "");
    check(base(), base(), PG, NULL, "");
}

static void version_tables_are_never_compared(void **state)
{
    (void)state;
    ath_schema *a = base();
    ath_table *v = ath_schema_add_table(a, NULL, "alembic_version");
    col(a, v, "version_num", ATH_TYPE_STRING, 32, false);
    ath_schema_add_table(a, NULL, "athanor_history");
    ath_op *ops = NULL;
    size_t n = 9;
    assert_int_equal(ath_diff(&ops, &n, A, a, base(), NULL, NULL), 0);
    assert_int_equal(n, 0);
}

static void new_tables_in_fk_order_with_indexes_after(void **state)
{
    (void)state;
    ath_schema *a = ath_schema_new(A);
    ath_schema *d = base();
    ath_table *c = table(d, "comment"); /* comment -> post -> user */
    col(d, c, "post_id", ATH_TYPE_INTEGER, -1, true);
    fk_to(d, c, "fk_comment_post", "post_id", "post");
    index_on(d, &d->tables[0], "ix_user_a", "name", true);
    check(a, d, LITE, NULL,
          "create_table user; b.create_index user.ix_user_a; b.create_index user.ix_user_email; "
          "create_table post; create_table comment");
    check(a, d, PG, NULL,
          "create_table user; b.create_index user.ix_user_a; b.create_index user.ix_user_email; "
          "create_table post; create_table comment");
}

static void fk_cycle_uses_create_foreign_key(void **state)
{
    (void)state;
    ath_schema *a = ath_schema_new(A);
    ath_schema *d = ath_schema_new(A);
    ath_table *x = table(d, "a");
    col(d, x, "b_id", ATH_TYPE_INTEGER, -1, true);
    fk_to(d, x, "a_b_id_fkey", "b_id", "b");
    ath_table *y = table(d, "b");
    col(d, y, "a_id", ATH_TYPE_INTEGER, -1, true);
    fk_to(d, y, "fk_b_a", "a_id", "a");
    check(a, d, PG, NULL, "create_table a; create_table b; b.create_foreign_key a.a_b_id_fkey");
    /* dropping them: the cycle is cut first, then tables in reverse order */
    ath_schema *named = ath_schema_new(A);
    ath_table *x2 = table(named, "a");
    col(named, x2, "b_id", ATH_TYPE_INTEGER, -1, true);
    fk_to(named, x2, "a_b_id_fkey", "b_id", "b");
    ath_table *y2 = table(named, "b");
    col(named, y2, "a_id", ATH_TYPE_INTEGER, -1, true);
    fk_to(named, y2, "fk_b_a", "a_id", "a");
    check(named, a, PG, NULL, "b.drop_constraint a.a_b_id_fkey; drop_table b; drop_table a");
}

static void dropped_tables_drop_indexes_first_and_warn(void **state)
{
    (void)state;
    ath_schema *a = base();
    ath_schema *d = ath_schema_new(A);
    check(a, d, PG, NULL,
          "drop_table post; b.drop_index user.ix_user_email; drop_table user");
    assert_true(has_note(ATH_DIAG_WARNING, "table user is dropped"));
    assert_true(has_note(ATH_DIAG_WARNING, "table post is dropped"));
}

static void columns_added_altered_dropped_in_alembic_order(void **state)
{
    (void)state;
    ath_schema *a = base();
    ath_schema *d = base();
    ath_table *u = &d->tables[0];
    col(d, u, "age", ATH_TYPE_INTEGER, -1, true);
    u->columns[1].type.length = 40;  /* name: VARCHAR(80) -> VARCHAR(40): narrowing */
    u->columns[2].nullable = false;  /* email: NOT NULL, no default */
    ath_table *p = &d->tables[1];
    p->ncolumns = 1; /* post.user_id dropped with its fk */
    p->nfks = 0;
    check(a, d, LITE, NULL,
          "b.drop_constraint post.fk_post_user; b.drop_column post.user_id; "
          "b.add_column user.age; b.alter_column user.name; b.alter_column user.email");
    check(a, d, PG, NULL,
          "b.drop_constraint post.fk_post_user; b.drop_column post.user_id; "
          "b.add_column user.age; b.alter_column user.name; b.alter_column user.email");
    assert_true(has_note(ATH_DIAG_WARNING, "user.name type VARCHAR(80) -> VARCHAR(40)"));
    assert_true(has_note(ATH_DIAG_WARNING, "user.email becomes NOT NULL"));
    assert_true(has_note(ATH_DIAG_WARNING, "column post.user_id is dropped"));
}

static void alter_column_carries_existing_values(void **state)
{
    (void)state;
    ath_schema *a = base();
    ath_schema *d = base();
    d->tables[0].columns[1].type.length = 200;
    ath_op *ops = NULL;
    size_t n = 0;
    ath_diags_init(&notes, A);
    assert_int_equal(ath_diff(&ops, &n, A, a, d, NULL, &notes), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ops[0].u.alter.type->length, 200);
    assert_int_equal(ops[0].u.alter.existing_type->length, 80);
    assert_true(ops[0].u.alter.existing_nullable.set);
    assert_false(ops[0].u.alter.existing_nullable.value);
    assert_false(ops[0].u.alter.nullable.set);
    assert_int_equal(notes.count, 0); /* widening is not destructive */
}

static void type_compare_can_be_turned_off(void **state)
{
    (void)state;
    ath_schema *d = base();
    d->tables[0].columns[1].type.length = 200;
    ath_diff_options o = {0};
    o.skip_type_compare = true;
    ath_op *ops = NULL;
    size_t n = 9;
    assert_int_equal(ath_diff(&ops, &n, A, base(), d, &o, NULL), 0);
    assert_int_equal(n, 0);
}

static void server_defaults_only_when_asked_and_normalised(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    a->tables[0].columns[1].server_default = "'x'::character varying";
    d->tables[0].columns[1].server_default = "'x'";
    a->tables[0].columns[2].server_default = "now()";
    d->tables[0].columns[2].server_default = "CURRENT_TIMESTAMP";
    ath_diff_options o = {0};
    o.compare_server_default = true;
    check_ops(a, d, PG, &o, "");
    d->tables[0].columns[1].server_default = "'y'";
    check_ops(a, d, PG, NULL, "");
    check_ops(a, d, PG, &o, "b.alter_column user.name");
}

static void indexes_added_removed_changed(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    ath_table *u = &d->tables[0];
    u->indexes[0].unique = true; /* changed */
    index_on(d, u, "ix_user_name", "name", false);
    index_on(a, &a->tables[0], "ix_old", "name", false);
    check(a, d, LITE, NULL,
          "b.drop_index user.ix_old; b.drop_index user.ix_user_email; "
          "b.create_index user.ix_user_email; b.create_index user.ix_user_name");
}

static void unnamed_uniques_matched_by_columns_and_named_by_database(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    /* the database named it, the models did not: the same constraint */
    ath_unique *u = ath_table_add_unique(a, &a->tables[0]);
    u->name = "user_name_key";
    u->columns = list("name", NULL);
    u->ncolumns = 1;
    u = ath_table_add_unique(d, &d->tables[0]);
    u->columns = list("name", NULL);
    u->ncolumns = 1;
    ath_op *ops = NULL;
    size_t n = 9;
    assert_int_equal(ath_diff(&ops, &n, A, a, d, NULL, NULL), 0);
    assert_int_equal(n, 0);
    /* a new unnamed one gets PostgreSQL's name, never None */
    ath_schema *d2 = base();
    u = ath_table_add_unique(d2, &d2->tables[0]);
    u->columns = list("email", NULL);
    u->ncolumns = 1;
    assert_int_equal(ath_diff(&ops, &n, A, base(), d2, &(ath_diff_options){.dialect = PG}, NULL), 0);
    char *got = dump(ops, n);
    assert_string_equal(got, "b.create_unique_constraint user.user_email_key");
    free(got);
}

static void unnamed_constraints_are_never_dropped_as_none(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    a->tables[1].fks[0].name = NULL; /* not a name PostgreSQL would leave out */
    d->tables[1].nfks = 0;
    ath_unique *u = ath_table_add_unique(a, &a->tables[0]);
    u->columns = list("email", NULL);
    u->ncolumns = 1;
    ath_diff_options o = {.dialect = PG};
    ath_op *ops = NULL;
    size_t n = 9;
    ath_diags_init(&notes, A);
    assert_int_equal(ath_diff(&ops, &n, A, a, d, &o, &notes), 0);
    assert_int_equal(n, 0);
    assert_true(has_note(ATH_DIAG_NOTE, "foreign key post(user_id) -> user has no name"));
    assert_true(has_note(ATH_DIAG_NOTE, "unique constraint on user(email) has no name"));
}

static const ath_unique *unique_named(const ath_table *t, const char *name)
{
    for (size_t i = 0; i < t->nuniques; i++)
        if (t->uniques[i].name && strcmp(t->uniques[i].name, name) == 0)
            return &t->uniques[i];
    return NULL;
}

/* SQLite keeps no name for them: batch_alter_table(naming_convention=...)
 * names them as Alembic's documentation does, and the downgrade re-creates
 * them under that name. */
static void sqlite_unnamed_constraints_dropped_by_naming_convention(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    a->tables[1].fks[0].name = NULL;
    d->tables[1].nfks = 0;
    ath_unique *u = ath_table_add_unique(a, &a->tables[0]);
    u->columns = list("email", NULL);
    u->ncolumns = 1;
    ath_diags_init(&notes, A);
    ath_op *ops = NULL;
    size_t n = 0;
    assert_int_equal(ath_diff(&ops, &n, A, a, d, &(ath_diff_options){.dialect = LITE}, &notes), 0);
    char *got = dump(ops, n);
    assert_string_equal(got, "b.drop_constraint post.fk_post_user_id_user; "
                             "b.drop_constraint user.uq_user_email");
    free(got);
    assert_false(has_note(ATH_DIAG_NOTE, "has no name"));
    assert_int_equal(ops[1].u.constraint.type, ATH_CONSTRAINT_UNIQUE);
    assert_int_equal(ops[1].nnaming, 1);
    assert_string_equal(ops[1].naming[0], "uq");
    assert_string_equal(ops[1].naming[1], "uq_%(table_name)s_%(column_0_name)s");
    assert_int_equal(ops[0].u.constraint.type, ATH_CONSTRAINT_FOREIGNKEY);
    assert_int_equal(ops[0].nnaming, 1);
    assert_string_equal(ops[0].naming[0], "fk");
    assert_string_equal(ops[0].naming[1],
                        "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s");

    /* upgrade: the models' schema */
    ath_schema *up = NULL;
    assert_int_equal(ath_schema_copy(&up, A, a), 0);
    if (ath_ops_apply(up, ops, n, LITE, 0, NULL, NULL))
        fail_msg("upgrade: %s", ath_error_last());
    char *x = json(up), *y = json(d);
    assert_string_equal(x, y);
    free(x);
    free(y);

    /* downgrade: both back, under the conventional names */
    ath_op *inv = NULL;
    size_t ninv = 0;
    assert_int_equal(ath_ops_inverse(&inv, &ninv, A, ops, n), 0);
    ath_schema *down = NULL;
    assert_int_equal(ath_schema_copy(&down, A, d), 0);
    if (ath_ops_apply(down, inv, ninv, LITE, 0, NULL, NULL))
        fail_msg("downgrade: %s", ath_error_last());
    const ath_unique *back = unique_named(&down->tables[0], "uq_user_email");
    assert_non_null(back);
    assert_int_equal(back->ncolumns, 1);
    assert_string_equal(back->columns[0], "email");
    assert_int_equal(down->tables[1].nfks, 1);
    assert_string_equal(down->tables[1].fks[0].name, "fk_post_user_id_user");
    assert_string_equal(down->tables[1].fks[0].ref_table, "user");

    /* a changed one: dropped by its conventional name, the new one added */
    ath_schema *d2 = base();
    u = ath_table_add_unique(d2, &d2->tables[0]);
    u->columns = list("name", NULL);
    u->ncolumns = 1;
    ath_schema *a2 = base();
    u = ath_table_add_unique(a2, &a2->tables[0]);
    u->columns = list("email", NULL);
    u->ncolumns = 1;
    check_ops(a2, d2, LITE, NULL,
              "b.create_unique_constraint user.user_name_key; "
              "b.drop_constraint user.uq_user_email");
}

/* Two unnamed constraints the convention gives one name, or a name another
 * constraint has: neither can be dropped by it, the note stays. */
static void sqlite_conventional_name_taken_keeps_the_note(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    ath_unique *u = ath_table_add_unique(a, &a->tables[0]);
    u->columns = list("email", NULL);
    u->ncolumns = 1;
    u = ath_table_add_unique(a, &a->tables[0]);
    u->columns = list("email", "name");
    u->ncolumns = 2;
    u = ath_table_add_unique(d, &d->tables[0]);
    u->columns = list("email", "name");
    u->ncolumns = 2;
    ath_diags_init(&notes, A);
    ath_op *ops = NULL;
    size_t n = 9;
    assert_int_equal(ath_diff(&ops, &n, A, a, d, &(ath_diff_options){.dialect = LITE}, &notes), 0);
    assert_int_equal(n, 0);
    assert_true(has_note(ATH_DIAG_NOTE, "unique constraint on user(email) has no name"));

    ath_schema *a2 = base(), *d2 = base();
    u = ath_table_add_unique(a2, &a2->tables[0]);
    u->columns = list("email", NULL);
    u->ncolumns = 1;
    u = ath_table_add_unique(a2, &a2->tables[0]);
    u->name = "uq_user_email"; /* named so by hand, on another column */
    u->columns = list("name", NULL);
    u->ncolumns = 1;
    u = ath_table_add_unique(d2, &d2->tables[0]);
    u->name = "uq_user_email";
    u->columns = list("name", NULL);
    u->ncolumns = 1;
    ath_diags_init(&notes, A);
    assert_int_equal(ath_diff(&ops, &n, A, a2, d2, &(ath_diff_options){.dialect = LITE}, &notes),
                     0);
    assert_int_equal(n, 0);
    assert_true(has_note(ATH_DIAG_NOTE, "unique constraint on user(email) has no name"));
}

static void foreign_keys_compare_options(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    d->tables[1].fks[0].ondelete = "CASCADE";
    check(a, d, PG, NULL,
          "b.drop_constraint post.fk_post_user; b.create_foreign_key post.fk_post_user");
    a->tables[1].fks[0].ondelete = "NO ACTION";
    d->tables[1].fks[0].ondelete = NULL;
    ath_op *ops = NULL;
    size_t n = 9;
    assert_int_equal(ath_diff(&ops, &n, A, a, d, NULL, NULL), 0);
    assert_int_equal(n, 0);
}

static void named_checks_added_and_dropped(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    ath_check *c = ath_table_add_check(d, &d->tables[0]);
    c->name = "ck_name";
    c->sqltext = "length(name) > 0";
    c = ath_table_add_check(a, &a->tables[1]);
    c->name = "ck_old";
    c->sqltext = "id > 0";
    check(a, d, PG, NULL,
          "b.drop_constraint post.ck_old; b.create_check_constraint user.ck_name");
}

static void likely_rename_is_noted(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    d->tables[0].columns[1].name = "full_name";
    d->tables[0].nindexes = 1;
    /* move full_name to the end, as add_column puts it */
    ath_column tmp = d->tables[0].columns[1];
    d->tables[0].columns[1] = d->tables[0].columns[2];
    d->tables[0].columns[2] = tmp;
    check_ops(a, d, LITE, NULL, "b.add_column user.full_name; b.drop_column user.name");
    assert_true(has_note(ATH_DIAG_NOTE,
                         "possible rename: user.name -> user.full_name "
                         "(use --rename user.name=full_name)"));
}

static void rename_pairs_keep_the_data(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    d->tables[0].columns[1].name = "full_name";
    ath_rename r;
    assert_int_equal(ath_rename_parse(&r, A, "user.name=full_name"), 0);
    ath_diff_options o = {0};
    o.renames = &r;
    o.nrenames = 1;
    check(a, d, LITE, &o, "b.alter_column user.name");
    assert_int_equal(notes.count, 0);

    ath_schema *d2 = base();
    d2->tables[1].name = "article";
    ath_rename t;
    assert_int_equal(ath_rename_parse(&t, A, "post=article"), 0);
    o.renames = &t;
    check(base(), d2, PG, &o, "rename_table post.article");

    assert_int_equal(ath_rename_parse(&t, A, "post.=x"), ATH_EINVAL);
    assert_int_equal(ath_rename_parse(&t, A, "nothing"), ATH_EINVAL);
    assert_int_equal(ath_rename_parse(&t, A, "a=b.c"), ATH_EINVAL);
    assert_int_equal(ath_rename_parse(&r, A, "user.nope=x"), 0);
    o.renames = &r;
    ath_op *ops = NULL;
    size_t n = 0;
    assert_int_equal(ath_diff(&ops, &n, A, base(), base(), &o, NULL), ATH_EINVAL);
    assert_null(ops);
}

static ath_column *enum_col(ath_schema *s, ath_table *t, const char *name)
{
    ath_column *c = col(s, t, name, ATH_TYPE_ENUM, -1, true);
    c->type.name = "mood";
    c->type.values = list("happy", "sad");
    c->type.nvalues = 2;
    return c;
}

static void enum_created_before_first_use_dropped_after(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    enum_col(d, &d->tables[1], "mood");
    ath_enum *e = ath_schema_add_enum(d, NULL, "mood");
    e->values = list("happy", "sad");
    e->nvalues = 2;
    check(a, d, PG, NULL, "create_enum.mood; b.add_column post.mood");
    check(d, a, PG, NULL, "b.drop_column post.mood; drop_enum.mood");
    /* a new table using it */
    ath_schema *d2 = base();
    ath_table *t = table(d2, "feeling");
    enum_col(d2, t, "mood");
    e = ath_schema_add_enum(d2, NULL, "mood");
    e->values = list("happy", "sad");
    e->nvalues = 2;
    check(base(), d2, PG, NULL, "create_enum.mood; create_table feeling");
}

static void enum_value_added(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    enum_col(a, &a->tables[1], "mood");
    ath_enum *e = ath_schema_add_enum(a, NULL, "mood");
    e->values = list("happy", "sad");
    e->nvalues = 2;
    ath_column *c = enum_col(d, &d->tables[1], "mood");
    const char **v = ath_arena_alloc(A, 3 * sizeof(char *));
    v[0] = "happy";
    v[1] = "sad";
    v[2] = "meh";
    c->type.values = v;
    c->type.nvalues = 3;
    e = ath_schema_add_enum(d, NULL, "mood");
    e->values = v;
    e->nvalues = 3;
    ath_op *ops = NULL;
    size_t n = 0;
    assert_int_equal(ath_diff(&ops, &n, A, a, d, &(ath_diff_options){.dialect = PG}, NULL), 0);
    char *got = dump(ops, n);
    assert_string_equal(got, "add_enum_value.meh");
    free(got);
    assert_string_equal(ops[0].u.enum_value.after, "sad");
    assert_int_equal(ath_ops_apply(a, ops, n, PG, 0, NULL, NULL), 0);
    char *x = json(a), *y = json(d);
    assert_string_equal(x, y);
    free(x);
    free(y);
}

static void comments_compared_on_postgresql_only(void **state)
{
    (void)state;
    ath_schema *a = base(), *d = base();
    d->tables[0].comment = "people";
    d->tables[0].columns[1].comment = "shown";
    check_ops(a, d, LITE, NULL, "");
    check(a, d, PG, NULL, "b.alter_column user.name; b.create_table_comment user");
}

static void no_batch_option(void **state)
{
    (void)state;
    ath_schema *d = base();
    col(d, &d->tables[0], "age", ATH_TYPE_INTEGER, -1, true);
    ath_diff_options o = {0};
    o.no_batch = true;
    check(base(), d, PG, &o, "add_column user.age");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(identical_schemas_give_no_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(version_tables_are_never_compared, setup, teardown),
        cmocka_unit_test_setup_teardown(new_tables_in_fk_order_with_indexes_after, setup, teardown),
        cmocka_unit_test_setup_teardown(fk_cycle_uses_create_foreign_key, setup, teardown),
        cmocka_unit_test_setup_teardown(dropped_tables_drop_indexes_first_and_warn, setup, teardown),
        cmocka_unit_test_setup_teardown(columns_added_altered_dropped_in_alembic_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(alter_column_carries_existing_values, setup, teardown),
        cmocka_unit_test_setup_teardown(type_compare_can_be_turned_off, setup, teardown),
        cmocka_unit_test_setup_teardown(server_defaults_only_when_asked_and_normalised, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(indexes_added_removed_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(unnamed_uniques_matched_by_columns_and_named_by_database,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(sqlite_unnamed_constraints_dropped_by_naming_convention,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(sqlite_conventional_name_taken_keeps_the_note, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unnamed_constraints_are_never_dropped_as_none, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(foreign_keys_compare_options, setup, teardown),
        cmocka_unit_test_setup_teardown(named_checks_added_and_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(likely_rename_is_noted, setup, teardown),
        cmocka_unit_test_setup_teardown(rename_pairs_keep_the_data, setup, teardown),
        cmocka_unit_test_setup_teardown(enum_created_before_first_use_dropped_after, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(enum_value_added, setup, teardown),
        cmocka_unit_test_setup_teardown(comments_compared_on_postgresql_only, setup, teardown),
        cmocka_unit_test_setup_teardown(no_batch_option, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
