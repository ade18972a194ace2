/*
 * The script body reader: golden scripts (as Flask-Migrate writes them and as
 * people edit them) beside their op-list dumps, and refused bodies with their
 * exact diagnostics and no ops.
 */
#include "testsupport.h"

#include "models/resolve.h"
#include "py/parser.h"
#include "script/body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (!b.ptr)
        ath_buf_puts(&b, "");
    return ath_buf_detach(&b);
}

typedef struct result {
    int up_rc, down_rc;
    ath_buf text; /* the dump, or the diagnostics */
} result;

/* Reads both bodies of `src`, dumping ops or diagnostics into r->text. */
static void run(result *res, const char *path, const char *src, ath_dialect dialect)
{
    ath_arena *arena = ath_arena_new();
    assert_non_null(arena);
    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_py_node *tree = NULL;
    assert_int_equal(ath_py_parse(&tree, arena, path, src, strlen(src), &diags), 0);
    ath_models_options opt = {dialect, NULL, 0, NULL};
    ath_project *p = ath_project_new(arena, &opt, &diags);
    ath_scope *scope = NULL;
    assert_int_equal(ath_project_add_file(&scope, p, path, "", tree), 0);
    res->text = (ath_buf)ATH_BUF_INIT;
    for (int d = 0; d < 2; d++) {
        ath_op *ops = (ath_op *)1;
        size_t n = 99;
        size_t before = diags.count;
        int rc = ath_script_read_body(&ops, &n, arena, tree, path, "ae10", scope, dialect,
                                      d ? ATH_SCRIPT_DOWNGRADE : ATH_SCRIPT_UPGRADE, &diags);
        ath_buf_printf(&res->text, "== %s ==\n", d ? "downgrade" : "upgrade");
        if (rc == 0) {
            ath_ops_dump(&res->text, ops, n);
        } else {
            assert_null(ops);
            assert_int_equal(n, 0);
            for (size_t i = before; i < diags.count; i++)
                ath_buf_printf(&res->text, "%s:%d:%d: error: %s\n", diags.items[i].path,
                               diags.items[i].line, diags.items[i].col, diags.items[i].message);
        }
        if (d)
            res->down_rc = rc;
        else
            res->up_rc = rc;
    }
    ath_arena_free(arena);
}

static void golden(const char *name, ath_dialect dialect)
{
    const char *root = getenv("ATHANOR_SOURCE_DIR");
    assert_non_null(root);
    char py[1024], exp[1024];
    snprintf(py, sizeof(py), "%s/tests/golden/script_bodies/%s.py", root, name);
    snprintf(exp, sizeof(exp), "%s/tests/golden/script_bodies/%s.ops", root, name);
    char *src = slurp(py);
    assert_non_null(src);
    char rel[256];
    snprintf(rel, sizeof(rel), "versions/%s.py", name);
    result res;
    run(&res, rel, src, dialect);
    assert_int_equal(res.up_rc, 0);
    assert_int_equal(res.down_rc, 0);
    if (getenv("ATHANOR_UPDATE_GOLDEN")) {
        FILE *f = fopen(exp, "wb");
        assert_non_null(f);
        fputs(ath_buf_cstr(&res.text), f);
        fclose(f);
    }
    char *want = slurp(exp);
    assert_non_null(want);
    assert_string_equal(ath_buf_cstr(&res.text), want);
    free(want);
    free(src);
    ath_buf_free(&res.text);
}

static void test_golden_flask_migrate_create_tables(void **state)
{
    (void)state;
    golden("fm_create_tables", ATH_DIALECT_SQLITE);
}

static void test_golden_flask_migrate_batch_add_column(void **state)
{
    (void)state;
    golden("fm_batch_add_column", ATH_DIALECT_SQLITE);
}

static void test_golden_flask_migrate_alter_column(void **state)
{
    (void)state;
    golden("fm_alter_column", ATH_DIALECT_SQLITE);
}

static void test_golden_data_migration(void **state)
{
    (void)state;
    golden("data_migration", ATH_DIALECT_SQLITE);
}

static void test_golden_postgresql_enums(void **state)
{
    (void)state;
    golden("pg_enums", ATH_DIALECT_POSTGRESQL);
}

#define HEAD "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'ae10'\n\n"

/* `body` is the upgrade() body; downgrade() is `pass`. */
static void refused(const char *body, const char *want)
{
    char src[4096];
    snprintf(src, sizeof(src), HEAD "def upgrade():\n%s\n\ndef downgrade():\n    pass\n", body);
    result res;
    run(&res, "versions/ae10_x.py", src, ATH_DIALECT_SQLITE);
    assert_int_equal(res.up_rc, ATH_EPARSE);
    assert_int_equal(res.down_rc, 0);
    char full[4096];
    snprintf(full, sizeof(full), "== upgrade ==\n%s== downgrade ==\n", want);
    assert_string_equal(ath_buf_cstr(&res.text), full);
    ath_buf_free(&res.text);
}

/* The same spelling create_all() uses for the models: true() is (1) on
 * SQLite and true on PostgreSQL, func.now() CURRENT_TIMESTAMP / now(). */
static void test_server_defaults_match_the_models_spelling(void **state)
{
    (void)state;
    const char *src = HEAD "def upgrade():\n"
                           "    op.add_column('user', sa.Column('active', sa.Boolean(), "
                           "server_default=sa.true(), nullable=False))\n"
                           "    op.add_column('user', sa.Column('seen', sa.DateTime(), "
                           "server_default=sa.func.now()))\n\n"
                           "def downgrade():\n    pass\n";
    const char *want[2][2] = {{"DEFAULT (1)", "DEFAULT (CURRENT_TIMESTAMP)"},
                              {"DEFAULT true", "DEFAULT now()"}};
    ath_dialect dialects[2] = {ATH_DIALECT_SQLITE, ATH_DIALECT_POSTGRESQL};
    for (int d = 0; d < 2; d++) {
        result res;
        run(&res, "versions/ae10_x.py", src, dialects[d]);
        assert_int_equal(res.up_rc, 0);
        const char *text = ath_buf_cstr(&res.text);
        for (int k = 0; k < 2; k++) {
            /* The dump shows a column's server default as default=[...]. */
            const char *value = strchr(want[d][k], ' ') + 1;
            char needle[64];
            snprintf(needle, sizeof(needle), "default=[%s]", value);
            if (!strstr(text, needle))
                fail_msg("%s: no '%s' in:\n%s", ath_dialect_name(dialects[d]), needle, text);
        }
        ath_buf_free(&res.text);
    }
}

/* batch_alter_table(naming_convention={...}): on every op of the block, none after it. */
static void test_batch_naming_convention_read_onto_the_block(void **state)
{
    (void)state;
    const char *src =
        HEAD "def upgrade():\n"
             "    with op.batch_alter_table('user', schema=None, naming_convention={\"uq\": "
             "\"uq_%(table_name)s_%(column_0_name)s\", 'fk': 'fk_%(table_name)s'}) as batch_op:\n"
             "        batch_op.drop_constraint('uq_user_email', type_='unique')\n"
             "        batch_op.drop_column('email')\n"
             "    with op.batch_alter_table('post') as batch_op:\n"
             "        batch_op.drop_constraint('fk_post_user', type_='foreignkey')\n\n"
             "def downgrade():\n    pass\n";
    result res;
    run(&res, "versions/ae10_x.py", src, ATH_DIALECT_SQLITE);
    assert_int_equal(res.up_rc, 0);
    const char *nc = " naming_convention={uq: uq_%(table_name)s_%(column_0_name)s, "
                     "fk: fk_%(table_name)s}";
    char want[1024];
    snprintf(want, sizeof(want),
             "== upgrade ==\n"
             "8:9 batch drop_constraint table=user%s name=uq_user_email type=unique\n"
             "9:9 batch drop_column table=user%s column=email\n"
             "11:9 batch drop_constraint table=post name=fk_post_user type=foreignkey\n"
             "== downgrade ==\n",
             nc, nc);
    assert_string_equal(ath_buf_cstr(&res.text), want);
    ath_buf_free(&res.text);
}

static void test_refuses_bad_naming_convention(void **state)
{
    (void)state;
    refused("    with op.batch_alter_table('user', naming_convention=conv) as batch_op:\n"
            "        batch_op.drop_constraint('x')",
            "versions/ae10_x.py:7:57: error: revision ae10: op.batch_alter_table: "
            "naming_convention must be a dict literal of strings\n");
    refused("    with op.batch_alter_table('user', naming_convention={'uq': 1}) as batch_op:\n"
            "        batch_op.drop_constraint('x')",
            "versions/ae10_x.py:7:58: error: revision ae10: op.batch_alter_table: "
            "naming_convention must map strings to strings\n");
}

static void test_refuses_for_loop(void **state)
{
    (void)state;
    refused("    op.drop_table('a')\n    for t in ['a', 'b']:\n        op.drop_table(t)",
            "versions/ae10_x.py:8:5: error: revision ae10: a for loop in upgrade() cannot be "
            "run without Python; Athanor runs op.* calls only\n");
}

static void test_refuses_branch_on_dialect(void **state)
{
    (void)state;
    refused("    if op.get_bind().dialect.name == 'postgresql':\n        op.execute('x')",
            "versions/ae10_x.py:7:5: error: revision ae10: an if statement in upgrade() cannot "
            "be run without Python; Athanor runs op.* calls only\n");
}

static void test_refuses_get_bind_execute_and_reports_all(void **state)
{
    (void)state;
    refused("    conn = op.get_bind()\n    op.get_bind().execute('DELETE FROM a')\n"
            "    while True:\n        pass",
            "versions/ae10_x.py:7:5: error: revision ae10: an assignment of op.get_bind() in "
            "upgrade() cannot be run without Python; Athanor runs op.* calls only\n"
            "versions/ae10_x.py:8:5: error: revision ae10: op.get_bind().execute(...) in "
            "upgrade() cannot be run without Python; write the SQL with op.execute(...)\n"
            "versions/ae10_x.py:9:5: error: revision ae10: a while loop in upgrade() cannot be "
            "run without Python; Athanor runs op.* calls only\n");
}

static void test_refuses_unknown_keyword(void **state)
{
    (void)state;
    refused("    op.create_table('a', sa.Column('id', sa.Integer()), foo=1)",
            "versions/ae10_x.py:7:57: error: revision ae10: op.create_table: unknown argument "
            "'foo'\n");
}

static void test_refuses_unknown_op(void **state)
{
    (void)state;
    refused("    op.create_exclude_constraint('x', 't')",
            "versions/ae10_x.py:7:5: error: revision ae10: op.create_exclude_constraint is not "
            "an operation Athanor can run\n");
}

static void test_refuses_orm_session_and_other_calls(void **state)
{
    (void)state;
    refused("    session = sa.orm.Session(bind=op.get_bind())\n    print('hi')",
            "versions/ae10_x.py:7:5: error: revision ae10: an ORM session in upgrade() cannot "
            "be run without Python; Athanor runs op.* calls only\n"
            "versions/ae10_x.py:8:5: error: revision ae10: a call to print in upgrade() "
            "cannot be run without Python; Athanor runs op.* calls only\n");
}

static void test_refuses_non_literal_bulk_insert_value(void **state)
{
    (void)state;
    refused("    t = sa.table('t', sa.column('a', sa.Integer))\n"
            "    op.bulk_insert(t, [{'a': len('x')}])",
            "versions/ae10_x.py:8:30: error: revision ae10: op.bulk_insert: row values must be "
            "literals (strings, numbers, True, False, None)\n");
}

static void test_refuses_unresolvable_type_with_revision(void **state)
{
    (void)state;
    refused("    op.add_column('t', sa.Column('a', Money()))",
            "versions/ae10_x.py:7:39: error: revision ae10: cannot resolve the type 'Money': it "
            "is neither imported nor defined in the scanned files; map it in alembic.ini under "
            "[athanor] types, e.g. Money = String(50)\n");
}

static void test_missing_upgrade_is_an_error(void **state)
{
    (void)state;
    const char *src = HEAD "def downgrade():\n    pass\n";
    result res;
    run(&res, "versions/ae10_x.py", src, ATH_DIALECT_SQLITE);
    assert_int_equal(res.up_rc, ATH_EPARSE);
    assert_int_equal(res.down_rc, 0);
    assert_string_equal(ath_buf_cstr(&res.text),
                        "== upgrade ==\nversions/ae10_x.py:0:0: error: revision ae10: the script "
                        "has no upgrade() function\n== downgrade ==\n");
    ath_buf_free(&res.text);
}

static void test_half_good_body_gives_no_ops(void **state)
{
    (void)state;
    refused("    op.drop_table('a')\n    op.drop_table('b')\n    x = 1\n    op.drop_table('c')",
            "versions/ae10_x.py:9:5: error: revision ae10: an assignment of anything but "
            "sa.table(), sa.column(), sa.Enum() or op.create_table() in upgrade() cannot be run "
            "without Python; Athanor runs op.* calls only\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_flask_migrate_create_tables),
        cmocka_unit_test(test_golden_flask_migrate_batch_add_column),
        cmocka_unit_test(test_golden_flask_migrate_alter_column),
        cmocka_unit_test(test_golden_data_migration),
        cmocka_unit_test(test_golden_postgresql_enums),
        cmocka_unit_test(test_server_defaults_match_the_models_spelling),
        cmocka_unit_test(test_batch_naming_convention_read_onto_the_block),
        cmocka_unit_test(test_refuses_bad_naming_convention),
        cmocka_unit_test(test_refuses_for_loop),
        cmocka_unit_test(test_refuses_branch_on_dialect),
        cmocka_unit_test(test_refuses_get_bind_execute_and_reports_all),
        cmocka_unit_test(test_refuses_unknown_keyword),
        cmocka_unit_test(test_refuses_unknown_op),
        cmocka_unit_test(test_refuses_orm_session_and_other_calls),
        cmocka_unit_test(test_refuses_non_literal_bulk_insert_value),
        cmocka_unit_test(test_refuses_unresolvable_type_with_revision),
        cmocka_unit_test(test_missing_upgrade_is_an_error),
        cmocka_unit_test(test_half_good_body_gives_no_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
