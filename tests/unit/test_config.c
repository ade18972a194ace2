/*
 * The [athanor] section of a migrations folder: models resolved against the
 * project root, the URL, type mappings; folders without it (or without
 * alembic.ini at all) load as empty settings; bad files give diagnostics.
 */
#include "testsupport.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fixture {
    ath_arena *arena;
    ath_diags diags;
    ath_config cfg;
    char root[PATH_MAX];          /* a fresh project folder */
    char migrations[PATH_MAX + 16];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->arena = ath_arena_new();
    ath_diags_init(&f->diags, f->arena);
    const char *base = getenv("ATHANOR_TEST_TMPDIR");
    snprintf(f->root, sizeof(f->root), "%s/athanor-config-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(f->root))
        return -1;
    snprintf(f->migrations, sizeof(f->migrations), "%s/migrations", f->root);
    mkdir(f->migrations, 0700);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ath_arena_free(f->arena);
    free(f);
    return 0;
}

static void write_ini(fixture *f, const char *text)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/alembic.ini", f->migrations);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static const char *in_root(fixture *f, const char *rel)
{
    return ath_arena_printf(f->arena, "%s/%s", f->root, rel);
}

/* What `flask db init` writes, trimmed to the parts that matter to a parser. */
static const char flask_db_init_ini[] =
    "# A generic, single database configuration.\n\n"
    "[alembic]\n"
    "# template used to generate migration files\n"
    "# file_template = %%(rev)s_%%(slug)s\n\n"
    "# set to 'true' to run the environment during\n"
    "# the 'revision' command, regardless of autogenerate\n"
    "# revision_environment = false\n\n\n"
    "# Logging configuration\n"
    "[loggers]\nkeys = root,sqlalchemy,alembic,flask_migrate\n\n"
    "[handlers]\nkeys = console\n\n"
    "[formatters]\nkeys = generic\n\n"
    "[logger_root]\nlevel = WARN\nhandlers = console\nqualname =\n\n"
    "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
    "formatter = generic\n\n"
    "[formatter_generic]\nformat = %(levelname)-5.5s [%(name)s] %(message)s\n"
    "datefmt = %H:%M:%S\n";

static void a_flask_db_init_folder_has_no_settings(void **state)
{
    fixture *f = *state;
    write_ini(f, flask_db_init_ini);
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), 0);
    assert_non_null(f->cfg.ini_path);
    assert_int_equal(f->cfg.nmodels, 0);
    assert_null(f->cfg.url);
    assert_int_equal(f->cfg.ntypes, 0);
    assert_int_equal(f->diags.count, 0);
}

static void a_folder_without_alembic_ini_has_no_settings(void **state)
{
    fixture *f = *state;
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), 0);
    assert_null(f->cfg.ini_path);
    assert_int_equal(f->cfg.nmodels, 0);
    assert_int_equal(ath_config_load(&f->cfg, f->arena, in_root(f, "nowhere"), &f->diags), 0);
    assert_null(f->cfg.ini_path);
}

static void models_are_relative_to_the_project_root(void **state)
{
    fixture *f = *state;
    write_ini(f, "[alembic]\n\n[athanor]\n"
                 "models = app/models.py   app/extra\n"
                 "    /abs/models.py\n"
                 "    %(here)s/local.py\n");
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), 0);
    assert_int_equal(f->cfg.nmodels, 4);
    assert_string_equal(f->cfg.models[0], in_root(f, "app/models.py"));
    assert_string_equal(f->cfg.models[1], in_root(f, "app/extra"));
    assert_string_equal(f->cfg.models[2], "/abs/models.py");
    assert_string_equal(f->cfg.models[3], in_root(f, "migrations/local.py"));
}

static void a_relative_migrations_folder_gives_paths_as_written(void **state)
{
    fixture *f = *state;
    write_ini(f, "[athanor]\nmodels = app/models.py\n");
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->root), 0);
    int rc = ath_config_load(&f->cfg, f->arena, "migrations/", &f->diags);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(f->cfg.nmodels, 1);
    assert_string_equal(f->cfg.models[0], "app/models.py");
    assert_string_equal(f->cfg.ini_path, "migrations/alembic.ini");
}

static void reads_url_and_types(void **state)
{
    fixture *f = *state;
    write_ini(f, "[athanor]\n"
                 "url = sqlite:///%(here)s/app.db\n"
                 "types =\n"
                 "    myapp.types.Money = Numeric(12, 2)\n"
                 "\n"
                 "    Slug=sa.String(length=40)\n");
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), 0);
    assert_string_equal(f->cfg.url,
                        ath_arena_printf(f->arena, "sqlite:///%s/app.db", f->migrations));
    assert_int_equal(f->cfg.ntypes, 2);
    assert_string_equal(f->cfg.types[0].name, "myapp.types.Money");
    assert_string_equal(f->cfg.types[0].type_expr, "Numeric(12, 2)");
    assert_string_equal(f->cfg.types[1].name, "Slug");
    assert_string_equal(f->cfg.types[1].type_expr, "sa.String(length=40)");
}

static void an_empty_url_is_no_url(void **state)
{
    fixture *f = *state;
    write_ini(f, "[athanor]\nurl =\n");
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), 0);
    assert_null(f->cfg.url);
}

static void a_bad_type_line_is_an_error(void **state)
{
    fixture *f = *state;
    write_ini(f, "[athanor]\ntypes = Money\n    Slug = \n    Ok = Text\n");
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), ATH_EPARSE);
    assert_int_equal(f->diags.count, 2);
    ath_buf out = ATH_BUF_INIT;
    ath_diag_format(&out, &f->diags.items[0], NULL);
    ath_diag_format(&out, &f->diags.items[1], NULL);
    const char *want = ath_arena_printf(
        f->arena,
        "%s/alembic.ini:2:9: error: in [athanor] types: expected 'name = SQLAlchemy type', "
        "got 'Money'\n"
        "%s/alembic.ini:3: error: in [athanor] types: expected 'name = SQLAlchemy type', "
        "got 'Slug ='\n",
        f->migrations, f->migrations);
    assert_string_equal(ath_buf_cstr(&out), want);
    ath_buf_free(&out);
}

static void a_broken_alembic_ini_is_an_error(void **state)
{
    fixture *f = *state;
    write_ini(f, "[alembic]\nscript_location migrations\n");
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), ATH_EPARSE);
    assert_int_equal(f->diags.count, 1);
    assert_int_equal(f->diags.items[0].line, 2);
    assert_string_equal(f->diags.items[0].path,
                        ath_arena_printf(f->arena, "%s/alembic.ini", f->migrations));
}

static void a_bad_interpolation_in_athanor_is_an_error(void **state)
{
    fixture *f = *state;
    write_ini(f, "[athanor]\nurl = sqlite:///50%.db\n");
    assert_int_equal(ath_config_load(&f->cfg, f->arena, f->migrations, &f->diags), ATH_EPARSE);
    assert_int_equal(f->diags.count, 1);
    assert_int_equal(f->diags.items[0].line, 2);
    assert_int_equal(f->diags.items[0].col, 19);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_flask_db_init_folder_has_no_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(a_folder_without_alembic_ini_has_no_settings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(models_are_relative_to_the_project_root, setup, teardown),
        cmocka_unit_test_setup_teardown(a_relative_migrations_folder_gives_paths_as_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(reads_url_and_types, setup, teardown),
        cmocka_unit_test_setup_teardown(an_empty_url_is_no_url, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_type_line_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_broken_alembic_ini_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_interpolation_in_athanor_is_an_error, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
