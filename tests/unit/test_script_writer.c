/*
 * The script writer: scripts Flask-Migrate 4.0.4 wrote (tests/golden/
 * script_writer/, create date normalised) are read to ops and written back
 * byte for byte; what the writer writes reads back to the same ops; ids,
 * dates, file names and refusals.
 */
#include "testsupport.h"

#include "models/resolve.h"
#include "py/parser.h"
#include "script/body.h"
#include "script/identifiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATE "2024-01-01 00:00:00.000000"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ath_buf b = ATH_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ath_buf_put(&b, chunk, n);
    fclose(f);
    ath_buf_puts(&b, "");
    return ath_buf_detach(&b);
}

/* One script read: its identifiers and both bodies. */
typedef struct script {
    ath_revision_decl *decl;
    ath_op *up, *down;
    size_t nup, ndown;
} script;

static void read_script(script *s, ath_arena *arena, const char *src, ath_dialect dialect)
{
    const char *path = "versions/x.py";
    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_py_node *tree = NULL;
    assert_int_equal(ath_py_parse(&tree, arena, path, src, strlen(src), &diags), 0);
    assert_int_equal(ath_script_read_ids(&s->decl, arena, path, src, strlen(src), &diags), 0);
    assert_non_null(s->decl);
    ath_models_options opt = {dialect, NULL, 0, NULL};
    ath_project *p = ath_project_new(arena, &opt, &diags);
    ath_scope *scope = NULL;
    assert_int_equal(ath_project_add_file(&scope, p, path, "", tree), 0);
    int rc = ath_script_read_body(&s->up, &s->nup, arena, tree, path, s->decl->id, scope,
                                  dialect, ATH_SCRIPT_UPGRADE, &diags);
    if (!rc)
        rc = ath_script_read_body(&s->down, &s->ndown, arena, tree, path, s->decl->id, scope,
                                  dialect, ATH_SCRIPT_DOWNGRADE, &diags);
    if (rc)
        fail_msg("%s", diags.count ? diags.items[0].message : "read failed");
}

/* The dump without positions (the writer moves lines), for comparing op lists. */
static char *dump(const ath_op *ops, size_t n)
{
    ath_buf b = ATH_BUF_INIT;
    ath_ops_dump(&b, ops, n);
    ath_buf out = ATH_BUF_INIT;
    ath_buf_puts(&out, "");
    for (const char *p = ath_buf_cstr(&b); *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        const char *q = p;
        while (q < p + len && ((*q >= '0' && *q <= '9') || *q == ':'))
            q++;
        if (q > p && *q == ' ')
            q++;
        else
            q = p;
        ath_buf_put(&out, q, len - (size_t)(q - p));
        p += len;
    }
    ath_buf_free(&b);
    return ath_buf_detach(&out);
}

static void write_script(ath_buf *out, const script *s, ath_dialect dialect)
{
    ath_script_meta meta = {s->decl->doc,          s->decl->id,           s->decl->down_revisions,
                            s->decl->ndown,        s->decl->branch_labels, s->decl->nlabels,
                            s->decl->depends_on,   s->decl->ndepends,      DATE};
    int rc = ath_script_write(out, &meta, s->up, s->nup, s->down, s->ndown, dialect);
    if (rc)
        fail_msg("write: %s", ath_error_last());
}

/* Golden text -> ops -> text (byte for byte) -> ops (the same ops). */
static void golden(const char *name, ath_dialect dialect)
{
    const char *root = getenv("ATHANOR_SOURCE_DIR");
    assert_non_null(root);
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/golden/script_writer/%s.py", root, name);
    char *want = slurp(path);
    assert_non_null(want);
    ath_arena *arena = ath_arena_new();
    script s = {0}, back = {0};
    read_script(&s, arena, want, dialect);
    ath_buf got = ATH_BUF_INIT;
    write_script(&got, &s, dialect);
    if (strcmp(ath_buf_cstr(&got), want) != 0) {
        /* Leaves the text beside the build for a diff against the golden. */
        snprintf(path, sizeof(path), "%s.got.py", name);
        FILE *f = fopen(path, "wb");
        if (f) {
            fputs(ath_buf_cstr(&got), f);
            fclose(f);
        }
        fail_msg("%s: the written text differs from the golden; see %s", name, path);
    }

    read_script(&back, arena, ath_buf_cstr(&got), dialect);
    char *a = dump(s.up, s.nup), *b = dump(back.up, back.nup);
    assert_string_equal(b, a);
    free(a);
    free(b);
    a = dump(s.down, s.ndown);
    b = dump(back.down, back.ndown);
    assert_string_equal(b, a);
    free(a);
    free(b);
    ath_buf_free(&got);
    ath_arena_free(arena);
    free(want);
}

static void test_sqlite_create_tables_with_fk_unique_index(void **state)
{
    (void)state;
    golden("sqlite_create_tables", ATH_DIALECT_SQLITE);
}

static void test_sqlite_add_column_with_string_default(void **state)
{
    (void)state;
    golden("sqlite_add_column", ATH_DIALECT_SQLITE);
}

static void test_sqlite_drop_column_restores_reflected_types(void **state)
{
    (void)state;
    golden("sqlite_drop_column", ATH_DIALECT_SQLITE);
}

static void test_sqlite_alter_type_and_nullable(void **state)
{
    (void)state;
    golden("sqlite_alter_column", ATH_DIALECT_SQLITE);
}

/* Alembic 1.8 renders no new_column_name; the golden adds that line to its output. */
static void test_sqlite_rename_column_via_new_column_name(void **state)
{
    (void)state;
    golden("sqlite_rename_column", ATH_DIALECT_SQLITE);
}

/* batch_alter_table(naming_convention={...}), as Alembic's documentation
 * drops SQLite's unnamed constraints: read onto every op of the block and
 * written back once. */
static void test_sqlite_batch_naming_convention(void **state)
{
    (void)state;
    golden("sqlite_drop_unnamed_constraints", ATH_DIALECT_SQLITE);
}

/* Ops that each carry part of the block's convention: one dict, each key
 * once, in the order the ops give them; blocks without one have none. */
static void test_batch_naming_convention_is_the_union_of_the_ops(void **state)
{
    (void)state;
    static const char *const uq[] = {"uq", "uq_%(table_name)s_%(column_0_name)s"};
    static const char *const both[] = {"fk", "fk_%(table_name)s_%(column_0_name)s",
                                       "uq", "other_%(column_0_name)s"};
    ath_op ops[3];
    for (int i = 0; i < 3; i++) {
        ops[i] = ath_op_make(ATH_OP_DROP_CONSTRAINT);
        ops[i].batch = true;
        ops[i].table = i < 2 ? "user" : "post";
        ops[i].u.constraint.type = ATH_CONSTRAINT_UNIQUE;
        ops[i].u.constraint.name = i == 0 ? "uq_user_email" : i == 1 ? "fk_user_pid" : "x";
    }
    ops[0].naming = uq;
    ops[0].nnaming = 1;
    ops[1].naming = both;
    ops[1].nnaming = 2;
    ops[1].u.constraint.type = ATH_CONSTRAINT_FOREIGNKEY;
    ath_script_meta meta = {"m", "aaaa00000001", NULL, 0, NULL, 0, NULL, 0, DATE};
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_script_write(&out, &meta, ops, 3, NULL, 0, ATH_DIALECT_SQLITE), 0);
    const char *text = ath_buf_cstr(&out);
    const char *want_user =
        "    with op.batch_alter_table('user', schema=None, naming_convention={"
        "\"uq\": \"uq_%(table_name)s_%(column_0_name)s\", "
        "\"fk\": \"fk_%(table_name)s_%(column_0_name)s\"}) as batch_op:\n"
        "        batch_op.drop_constraint('uq_user_email', type_='unique')\n"
        "        batch_op.drop_constraint('fk_user_pid', type_='foreignkey')\n";
    if (!strstr(text, want_user))
        fail_msg("no user block with the union of the conventions in:\n%s", text);
    assert_non_null(strstr(text, "    with op.batch_alter_table('post', schema=None) as batch_op:\n"));
    ath_buf_free(&out);
}

static void test_merge_has_tuple_down_revision_and_pass_bodies(void **state)
{
    (void)state;
    golden("merge", ATH_DIALECT_SQLITE);
}

static void test_pg_create_table_with_enum_and_jsonb(void **state)
{
    (void)state;
    golden("pg_create_table_enum", ATH_DIALECT_POSTGRESQL);
}

static void test_pg_add_enum_column(void **state)
{
    (void)state;
    golden("pg_add_enum_column", ATH_DIALECT_POSTGRESQL);
}

static void test_pg_alter_type(void **state)
{
    (void)state;
    golden("pg_alter_type", ATH_DIALECT_POSTGRESQL);
}

static void test_pg_drop_table_recreates_reflected_table(void **state)
{
    (void)state;
    golden("pg_drop_table", ATH_DIALECT_POSTGRESQL);
}

static void test_merge_writer_matches_golden(void **state)
{
    (void)state;
    const char *root = getenv("ATHANOR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/golden/script_writer/merge.py", root);
    char *want = slurp(path);
    assert_non_null(want);
    const char *downs[] = {"34c2dc34259a", "0a35468b407b"};
    ath_script_meta meta = {"merge heads", "2836d4f8af30", downs, 2, NULL, 0, NULL, 0, DATE};
    ath_buf got = ATH_BUF_INIT;
    assert_int_equal(ath_script_write_merge(&got, &meta), 0);
    assert_string_equal(ath_buf_cstr(&got), want);
    ath_buf_free(&got);
    free(want);
}

static void test_merge_refuses_one_revision(void **state)
{
    (void)state;
    const char *downs[] = {"34c2dc34259a"};
    ath_script_meta meta = {"m", "2836d4f8af30", downs, 1, NULL, 0, NULL, 0, DATE};
    ath_buf got = ATH_BUF_INIT;
    assert_int_equal(ath_script_write_merge(&got, &meta), ATH_EINVAL);
    assert_string_equal(ath_error_last(), "a merge needs at least two revisions to merge");
    assert_null(got.ptr);
}

static void test_labels_and_depends_on_identifiers(void **state)
{
    (void)state;
    const char *labels[] = {"feature"};
    const char *deps[] = {"aaa", "bbb"};
    const char *one[] = {"ccc"};
    ath_script_meta meta = {"x", "abc", NULL, 0, labels, 1, deps, 2, DATE};
    ath_buf got = ATH_BUF_INIT;
    assert_int_equal(ath_script_write(&got, &meta, NULL, 0, NULL, 0, ATH_DIALECT_SQLITE), 0);
    assert_non_null(strstr(ath_buf_cstr(&got),
                           "revision = 'abc'\ndown_revision = None\nbranch_labels = ('feature',)\n"
                           "depends_on = ('aaa', 'bbb')\n"));
    assert_non_null(strstr(ath_buf_cstr(&got), "Revises: \nCreate Date: " DATE "\n"));
    ath_buf_free(&got);
    meta.depends_on = one;
    meta.ndepends_on = 1;
    assert_int_equal(ath_script_write(&got, &meta, NULL, 0, NULL, 0, ATH_DIALECT_SQLITE), 0);
    assert_non_null(strstr(ath_buf_cstr(&got), "depends_on = 'ccc'\n"));
    ath_buf_free(&got);
}

static void test_refuses_missing_revision_and_bulk_insert(void **state)
{
    (void)state;
    ath_script_meta meta = {"x", NULL, NULL, 0, NULL, 0, NULL, 0, DATE};
    ath_buf got = ATH_BUF_INIT;
    assert_int_equal(ath_script_write(&got, &meta, NULL, 0, NULL, 0, ATH_DIALECT_SQLITE),
                     ATH_EINVAL);
    assert_null(got.ptr);
    meta.revision = "abc";
    ath_op op = ath_op_make(ATH_OP_BULK_INSERT);
    op.table = "t";
    assert_int_equal(ath_script_write(&got, &meta, &op, 1, NULL, 0, ATH_DIALECT_SQLITE),
                     ATH_EUNSUPPORTED);
    assert_string_equal(ath_error_last(), "the script writer cannot write bulk_insert yet");
    ath_buf_free(&got);
}

/* Ops built by hand: the enum type ops Athanor adds, in a form the reader reads back. */
static void test_enum_type_ops_round_trip(void **state)
{
    (void)state;
    const char *vals[] = {"low", "high"};
    ath_op ops[2] = {ath_op_make(ATH_OP_CREATE_ENUM), ath_op_make(ATH_OP_DROP_ENUM)};
    ops[0].schema = "app";
    ops[0].u.enum_def = (ath_enum){"app", "level", vals, 2};
    ops[1].u.enum_def = (ath_enum){NULL, "mood", NULL, 0};
    ath_script_meta meta = {"enums", "abc", NULL, 0, NULL, 0, NULL, 0, DATE};
    ath_buf got = ATH_BUF_INIT;
    assert_int_equal(ath_script_write(&got, &meta, ops, 1, ops + 1, 1, ATH_DIALECT_POSTGRESQL), 0);
    const char *text = ath_buf_cstr(&got);
    assert_non_null(strstr(text, "    sa.Enum('low', 'high', name='level', schema='app')"
                                 ".create(op.get_bind(), checkfirst=True)\n"));
    assert_non_null(strstr(text, "    sa.Enum(name='mood').drop(op.get_bind(), checkfirst=True)\n"));
    ath_arena *arena = ath_arena_new();
    script back = {0};
    read_script(&back, arena, text, ATH_DIALECT_POSTGRESQL);
    char *a = dump(ops, 1), *b = dump(back.up, back.nup);
    assert_string_equal(b, a);
    free(a);
    free(b);
    a = dump(ops + 1, 1);
    b = dump(back.down, back.ndown);
    assert_string_equal(b, a);
    free(a);
    free(b);
    ath_arena_free(arena);
    ath_buf_free(&got);
}

static void expect_filename(const char *message, const char *want)
{
    ath_buf b = ATH_BUF_INIT;
    ath_script_filename(&b, "0123456789ab", message);
    assert_string_equal(ath_buf_cstr(&b), want);
    ath_buf_free(&b);
}

/* Alembic: "_".join(re.findall(r"\w+", msg)).lower(), cut at 40 back to a '_'. */
static void test_filename_slug_rules(void **state)
{
    (void)state;
    expect_filename("stage 1 change", "0123456789ab_stage_1_change.py");
    expect_filename("Add user.email, (unique)!", "0123456789ab_add_user_email_unique.py");
    expect_filename(NULL, "0123456789ab_.py");
    expect_filename("--", "0123456789ab_.py");
    /* 44 characters: cut to 40, then back to the last '_' (kept). */
    expect_filename("add the column for the user account status",
                    "0123456789ab_add_the_column_for_the_user_account_.py");
    expect_filename("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    "0123456789ab_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_.py");
    expect_filename("exactly forty characters long messages ok",
                    "0123456789ab_exactly_forty_characters_long_messages_.py");
}

static void test_new_id_is_twelve_hex_digits_and_varies(void **state)
{
    (void)state;
    char a[13], b[13];
    assert_int_equal(ath_script_new_id(a), 0);
    assert_int_equal(ath_script_new_id(b), 0);
    assert_int_equal(strlen(a), 12);
    assert_int_equal(strspn(a, "0123456789abcdef"), 12);
    assert_string_not_equal(a, b);
}

static void test_date_now_is_python_str_of_datetime(void **state)
{
    (void)state;
    char d[64];
    ath_script_date_now(d, sizeof(d));
    size_t n = strlen(d);
    assert_true(n == 19 || n == 26);
    assert_true(d[4] == '-' && d[7] == '-' && d[10] == ' ' && d[13] == ':' && d[16] == ':');
    if (n == 26)
        assert_int_equal(d[19], '.');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_create_tables_with_fk_unique_index),
        cmocka_unit_test(test_sqlite_add_column_with_string_default),
        cmocka_unit_test(test_sqlite_drop_column_restores_reflected_types),
        cmocka_unit_test(test_sqlite_alter_type_and_nullable),
        cmocka_unit_test(test_sqlite_rename_column_via_new_column_name),
        cmocka_unit_test(test_sqlite_batch_naming_convention),
        cmocka_unit_test(test_batch_naming_convention_is_the_union_of_the_ops),
        cmocka_unit_test(test_merge_has_tuple_down_revision_and_pass_bodies),
        cmocka_unit_test(test_pg_create_table_with_enum_and_jsonb),
        cmocka_unit_test(test_pg_add_enum_column),
        cmocka_unit_test(test_pg_alter_type),
        cmocka_unit_test(test_pg_drop_table_recreates_reflected_table),
        cmocka_unit_test(test_merge_writer_matches_golden),
        cmocka_unit_test(test_merge_refuses_one_revision),
        cmocka_unit_test(test_labels_and_depends_on_identifiers),
        cmocka_unit_test(test_refuses_missing_revision_and_bulk_insert),
        cmocka_unit_test(test_enum_type_ops_round_trip),
        cmocka_unit_test(test_filename_slug_rules),
        cmocka_unit_test(test_new_id_is_twelve_hex_digits_and_varies),
        cmocka_unit_test(test_date_now_is_python_str_of_datetime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
