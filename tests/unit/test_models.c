/*
 * The models reader against SQLAlchemy itself: every case folder under
 * tests/golden/models holds models (*.py), and the DDL SQLAlchemy's
 * create_all emits for them per dialect (expected.<dialect>.sql, made by
 * generate.py with the real SQLAlchemy, or written by hand for 2.0-only
 * syntax), or the diagnostics the reader must give (expected.<dialect>.err).
 * Optional types.txt lines "Name = type expression" are configured mappings.
 * Also: table names, file discovery, reading speed, and use_alter= / match=.
 */
#include "testsupport.h"

#include "models/models_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *read_text(const char *path)
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

static const char *golden_dir(void)
{
    static char dir[4096];
    const char *src = getenv("ATHANOR_SOURCE_DIR");
    snprintf(dir, sizeof(dir), "%s/tests/golden/models", src ? src : ".");
    return dir;
}

/* "Name = expr" lines of types.txt, in `arena`. */
static size_t read_types(ath_arena *arena, const char *path, ath_type_mapping **out)
{
    *out = NULL;
    char *text = read_text(path);
    if (!text)
        return 0;
    size_t n = 0, cap = 0;
    ath_type_mapping *items = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (!eq || line[0] == '#')
            continue;
        char *name_end = eq;
        while (name_end > line && name_end[-1] == ' ')
            name_end--;
        const char *expr = eq + 1;
        while (*expr == ' ')
            expr++;
        ath_type_mapping *m = ATH_PUSH(arena, items, n, cap);
        assert_non_null(m);
        m->name = ath_arena_strndup(arena, line, (size_t)(name_end - line));
        m->type_expr = ath_arena_strdup(arena, expr);
    }
    free(text);
    *out = items;
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Runs one case for one dialect; returns false (after printing why) on a mismatch. */
static bool run_case(const char *dir, const char *name, ath_dialect dialect)
{
    char path[4096];
    const char *dn = ath_dialect_name(dialect);
    snprintf(path, sizeof(path), "%s/%s/expected.%s.sql", dir, name, dn);
    char *expected = read_text(path);
    char *expected_err = NULL;
    if (!expected) {
        snprintf(path, sizeof(path), "%s/%s/expected.%s.err", dir, name, dn);
        expected_err = read_text(path);
        if (!expected_err)
            return true; /* not a case for this dialect */
    }
    ath_arena *arena = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, arena);
    const char *files[64];
    size_t nfiles = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nfiles < 64) {
        size_t l = strlen(e->d_name);
        if (l > 3 && strcmp(e->d_name + l - 3, ".py") == 0)
            files[nfiles++] = ath_arena_printf(arena, "%s/%s/%s", dir, name, e->d_name);
    }
    closedir(d);
    qsort(files, nfiles, sizeof(*files), cmp_str);
    ath_models_options opt = {dialect, NULL, 0, "alembic.ini"};
    ath_type_mapping *maps;
    snprintf(path, sizeof(path), "%s/%s/types.txt", dir, name);
    opt.ntypes = read_types(arena, path, &maps);
    opt.types = maps;

    ath_schema *schema = NULL;
    int rc = ath_models_read(&schema, arena, files, nfiles, &opt, &diags);
    ath_buf got = ATH_BUF_INIT;
    if (rc == 0) {
        ath_schema_to_sql(&got, schema, dialect);
    } else {
        for (size_t i = 0; i < diags.count; i++) {
            ath_diag dg = diags.items[i];
            const char *base = dg.path ? strrchr(dg.path, '/') : NULL;
            dg.path = base ? base + 1 : dg.path;
            ath_diag_format(&got, &dg, NULL);
        }
        if (!diags.count)
            ath_buf_printf(&got, "rc %d: %s\n", rc, ath_error_last());
    }
    const char *want = expected ? expected : expected_err;
    bool ok = strcmp(ath_buf_cstr(&got), want) == 0 && (expected ? rc == 0 : rc != 0 && !schema);
    if (!ok)
        fprintf(stderr, "---- %s (%s): expected\n%s---- got (rc %d)\n%s----\n", name, dn, want, rc,
                ath_buf_cstr(&got));
    ath_buf_free(&got);
    free(expected);
    free(expected_err);
    ath_arena_free(arena);
    return ok;
}

static void golden_cases_match_sqlalchemy(void **state)
{
    (void)state;
    const char *dir = golden_dir();
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    char *names[256];
    size_t n = 0;
    while ((e = readdir(d)) != NULL && n < 256) {
        if (e->d_name[0] == '.')
            continue;
        char p[4400];
        struct stat st;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    size_t failed = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        failed += !run_case(dir, names[i], ATH_DIALECT_SQLITE);
        failed += !run_case(dir, names[i], ATH_DIALECT_POSTGRESQL);
        run += 2;
        free(names[i]);
    }
    assert_true(n >= 15);
    if (failed)
        fprintf(stderr, "%zu of %zu golden runs failed\n", failed, run);
    assert_int_equal(failed, 0);
}

static void flask_table_names_follow_flask_sqlalchemy_3(void **state)
{
    (void)state;
    /* Each pair checked against flask_sqlalchemy.model.camel_to_snake_case. */
    static const char *const cases[][2] = {
        {"User", "user"},
        {"HTTPResponseCode2", "http_response_code2"},
        {"HTTPResponse", "http_response"},
        {"UserHTTP", "user_http"},
        {"ABC", "abc"},
        {"getHTTPResponseCode", "get_http_response_code"},
        {"Foo2Bar", "foo2_bar"},
        {"FooBAR2", "foo_bar2"},
        {"MyID", "my_id"},
        {"OAuth2Token", "o_auth2_token"},
        {"SomeXMLParser", "some_xml_parser"},
        {"already_snake", "already_snake"},
        {"IPv4Address", "i_pv4_address"},
        {"Model_Name", "model__name"},
        {"ABCdef", "ab_cdef"},
        {"aB", "a_b"},
        {"AB2C", "ab2_c"},
        {"X1Y2", "x1_y2"},
        {"HTMLParser5x", "html_parser5x"},
        {"_Private", "private"},
    };
    ath_arena *a = ath_arena_new();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(ath_models_snake_case(a, cases[i][0]), cases[i][1]);
    ath_arena_free(a);
}

static void expand_skips_hidden_venv_cache_and_migrations(void **state)
{
    (void)state;
    char *base = ts_sqlite_path("models_expand");
    char *slash = strrchr(base, '/');
    *slash = '\0';
    char cmd[8192];
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && mkdir -p proj/app proj/.git proj/__pycache__ proj/venv "
             "proj/migrations/versions "
             "proj/node_modules && touch proj/venv/pyvenv.cfg proj/venv/x.py proj/.git/x.py "
             "proj/__pycache__/x.py proj/migrations/env.py proj/node_modules/x.py proj/app/b.py "
             "proj/a.py proj/notes.txt && printf 'class U(db.Model):\\n    pass\\n' > "
             "proj/app/models.py",
             base);
    assert_int_equal(system(cmd), 0);
    ath_arena *a = ath_arena_new();
    char root[4096];
    snprintf(root, sizeof(root), "%s/proj", base);
    const char **files;
    size_t n;
    const char *in[] = {root};
    assert_int_equal(ath_models_expand(&files, &n, a, in, 1), 0);
    assert_int_equal(n, 3);
    assert_true(strstr(files[0], "proj/a.py") != NULL);
    assert_true(strstr(files[1], "proj/app/b.py") != NULL);
    assert_true(strstr(files[2], "proj/app/models.py") != NULL);
    assert_int_equal(ath_models_discover(&files, &n, a, root), 0);
    assert_int_equal(n, 1);
    assert_true(strstr(files[0], "proj/app/models.py") != NULL);
    const char *missing[] = {"/nonexistent/athanor/x"};
    assert_int_equal(ath_models_expand(&files, &n, a, missing, 1), ATH_ENOTFOUND);
    assert_true(strstr(ath_error_last(), "/nonexistent/athanor/x") != NULL);
    ath_arena_free(a);
    free(base);
}

/* 1,000 generated model classes, each with a foreign key to the previous. */
static void a_thousand_models_are_read_in_full(void **state)
{
    (void)state;
    ath_buf src = ATH_BUF_INIT;
    ath_buf_puts(&src, "from flask_sqlalchemy import SQLAlchemy\nimport sqlalchemy as sa\n\ndb = "
                       "SQLAlchemy()\n\n");
    for (int i = 0; i < 1000; i++) {
        ath_buf_printf(&src,
                       "class Model%d(db.Model):\n"
                       "    id = db.Column(db.Integer, primary_key=True)\n"
                       "    name = db.Column(db.String(80), unique=True, nullable=False)\n"
                       "    created = db.Column(db.DateTime, server_default=db.func.now())\n"
                       "    flag = db.Column(sa.Boolean, index=True)\n",
                       i);
        if (i)
            ath_buf_printf(&src,
                           "    parent_id = db.Column(db.Integer, db.ForeignKey('model%d.id'))\n",
                           i - 1);
        ath_buf_puts(&src, "    rel = db.relationship('Model0')\n\n");
    }
    ath_arena *a = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, a);
    const char *path = "models.py";
    const char *text = ath_buf_cstr(&src);
    size_t len = src.len;
    ath_models_options opt = {ATH_DIALECT_POSTGRESQL, NULL, 0, NULL};
    ath_schema *schema = NULL;
    assert_int_equal(ath_models_read_sources(&schema, a, &path, &text, &len, 1, &opt, &diags), 0);
    /* Speed is bench/models.sh's business; here: nothing lost on the way. */
    assert_int_equal(schema->ntables, 1000);
    const ath_table *last = ath_schema_find_table(schema, NULL, "model999");
    assert_non_null(last);
    assert_int_equal(last->ncolumns, 5);
    assert_int_equal(last->nfks, 1);
    assert_string_equal(last->fks[0].ref_table, "model998");
    assert_int_equal(last->nindexes, 1);
    assert_string_equal(last->indexes[0].name, "ix_model999_flag");
    ath_buf_free(&src);
    ath_arena_free(a);
}

/* Reads one models.py; the schema, or NULL with the diagnostics in `diags`. */
static ath_schema *read_one(ath_arena *a, ath_diags *diags, const char *text)
{
    ath_diags_init(diags, a);
    const char *path = "models.py";
    size_t len = strlen(text);
    ath_models_options opt = {ATH_DIALECT_POSTGRESQL, NULL, 0, NULL};
    ath_schema *schema = NULL;
    if (ath_models_read_sources(&schema, a, &path, &text, &len, 1, &opt, diags) != 0)
        return NULL;
    return schema;
}

#define UA_HEAD                                                                                    \
    "from flask_sqlalchemy import SQLAlchemy\nimport sqlalchemy as sa\ndb = SQLAlchemy()\n"        \
    "class P(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"

/* use_alter= is kept per foreign key (the golden use_alter cases check the
 * DDL); a non-literal use_alter and any match= are diagnostics. */
static void use_alter_is_read_and_match_refused(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    ath_diags diags;
    ath_schema *s = read_one(
        a, &diags,
        UA_HEAD "class C(db.Model):\n"
                "    __table_args__ = (sa.ForeignKeyConstraint(['b'], ['p.id'], use_alter=True),\n"
                "                      sa.ForeignKeyConstraint(['c'], ['p.id'], use_alter=False))\n"
                "    id = db.Column(db.Integer, primary_key=True)\n"
                "    a = db.Column(db.Integer, db.ForeignKey('p.id', use_alter=True, match=None))\n"
                "    b = db.Column(db.Integer)\n"
                "    c = db.Column(db.Integer)\n"
                "    d = db.Column(db.Integer, db.ForeignKey('p.id'))\n");
    assert_non_null(s);
    const ath_table *t = ath_schema_find_table(s, NULL, "c");
    assert_non_null(t);
    assert_int_equal(t->nfks, 4);
    size_t alter = 0;
    for (size_t i = 0; i < t->nfks; i++) {
        const char *col = t->fks[i].columns[0];
        bool want = strcmp(col, "a") == 0 || strcmp(col, "b") == 0;
        assert_int_equal(t->fks[i].use_alter, want);
        alter += t->fks[i].use_alter;
    }
    assert_int_equal(alter, 2);

    assert_null(read_one(a, &diags,
                         UA_HEAD "class C(db.Model):\n"
                                 "    id = db.Column(db.Integer, primary_key=True)\n"
                                 "    a = db.Column(db.Integer, db.ForeignKey('p.id', "
                                 "use_alter='yes'))\n"));
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].message, "use_alter= must be True or False");

    assert_null(read_one(a, &diags,
                         UA_HEAD "class C(db.Model):\n"
                                 "    id = db.Column(db.Integer, primary_key=True)\n"
                                 "    a = db.Column(db.Integer, db.ForeignKey('p.id', "
                                 "match='FULL'))\n"));
    assert_int_equal(diags.count, 1);
    assert_non_null(strstr(diags.items[0].message, "match= is not supported"));
    assert_int_equal(diags.items[0].line, 8);
    ath_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_cases_match_sqlalchemy),
        cmocka_unit_test(flask_table_names_follow_flask_sqlalchemy_3),
        cmocka_unit_test(expand_skips_hidden_venv_cache_and_migrations),
        cmocka_unit_test(a_thousand_models_are_read_in_full),
        cmocka_unit_test(use_alter_is_read_and_match_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
