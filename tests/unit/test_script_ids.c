/*
 * The script reader's identifiers: scripts as Flask-Migrate 4 and Alembic 1.8
 * generate them (tests/golden/scripts/, made with the real tools), hand-edited
 * ones (annotations, lists, labels, depends_on, CRLF), what a versions folder
 * holds besides scripts, and every refusal with its message and position.
 */
#include "testsupport.h"

#include "script/identifiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *golden(const char *rel)
{
    const char *src = getenv("ATHANOR_SOURCE_DIR");
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/tests/golden/scripts/%s", src ? src : "..", rel);
    return path;
}

typedef struct loaded {
    ath_arena *arena;
    ath_diags diags;
    ath_revision_decl *decls;
    size_t count;
    int rc;
} loaded;

static loaded load(const char *rel)
{
    loaded l;
    l.arena = ath_arena_new();
    ath_diags_init(&l.diags, l.arena);
    char *dir = golden(rel);
    l.rc = ath_script_load_ids(&l.decls, &l.count, l.arena, dir, &l.diags);
    free(dir);
    return l;
}

static const ath_revision_decl *find(const loaded *l, const char *id)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->decls[i].id, id) == 0)
            return &l->decls[i];
    fail_msg("no revision %s", id);
    return NULL;
}

static void assert_list(const char *const *items, size_t n, const char *joined)
{
    char buf[512] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, items[i]);
    }
    assert_string_equal(buf, joined);
}

static void flask_migrate_scripts_are_read(void **state)
{
    (void)state;
    loaded l = load("flask_migrate");
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.diags.count, 0);
    assert_int_equal(l.count, 4);
    /* File-name order. */
    assert_string_equal(l.decls[0].id, "1a2b3c4d5e6f");
    assert_string_equal(l.decls[3].id, "4d5e6f708192");
    const ath_revision_decl *d = find(&l, "1a2b3c4d5e6f");
    assert_int_equal(d->ndown, 0);
    assert_int_equal(d->nlabels, 0);
    assert_int_equal(d->ndepends, 0);
    assert_string_equal(d->doc, "create users");
    assert_int_equal(d->line, 13);
    assert_int_equal(d->col, 1);
    assert_non_null(strstr(d->path, "flask_migrate/1a2b3c4d5e6f_create_users.py"));
    assert_string_equal(d->longdoc, "create users\n\nRevision ID: 1a2b3c4d5e6f\nRevises: \n"
                                    "Create Date: 2026-11-21 23:49:12.732282");
    d = find(&l, "3c4d5e6f7081");
    assert_list(d->down_revisions, d->ndown, "1a2b3c4d5e6f");
    assert_list(d->branch_labels, d->nlabels, "feature");
    d = find(&l, "4d5e6f708192");
    assert_list(d->down_revisions, d->ndown, "3c4d5e6f7081,2b3c4d5e6f70");
    assert_string_equal(d->doc, "merge heads");
    ath_arena_free(l.arena);
}

static void alembic_depends_on_is_read(void **state)
{
    (void)state;
    loaded l = load("alembic_depends");
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.count, 4);
    const ath_revision_decl *d = find(&l, "d00d00000001");
    assert_list(d->down_revisions, d->ndown, "c0ffee000001");
    assert_list(d->depends_on, d->ndepends, "ae10bbbb0001");
    assert_string_equal(d->doc, "dep");
    ath_arena_free(l.arena);
}

static void annotated_and_hand_edited_identifiers_are_read(void **state)
{
    (void)state;
    loaded l = load("annotated");
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.diags.count, 0);
    assert_int_equal(l.count, 5);
    const ath_revision_decl *d = find(&l, "a1a1a1a1a1a1");
    assert_int_equal(d->ndown, 0);
    assert_list(d->branch_labels, d->nlabels, "core");
    assert_int_equal(d->line, 15);
    d = find(&l, "b2b2b2b2b2b2");
    assert_list(d->down_revisions, d->ndown, "a1a1a1a1a1a1"); /* a one-item list */
    assert_list(d->branch_labels, d->nlabels, "audit");       /* a plain string */
    /* Alembic's doc is the first paragraph, not the first line. */
    assert_string_equal(d->doc, "audit log\nkept apart from the core tables");
    d = find(&l, "c3c3c3c3c3c3");
    assert_list(d->depends_on, d->ndepends, "audit");
    assert_string_equal(d->doc, "reports need the core tables and the audit log");
    d = find(&l, "d4d4d4d4d4d4");
    /* `revision = down_revision = None` first: the last assignment counts. */
    assert_list(d->down_revisions, d->ndown, "b2b2b2b2b2b2,c3c3c3c3c3c3");
    assert_string_equal(d->doc, "merge audit and reports");
    assert_int_equal(d->line, 3);
    d = find(&l, "e5e5e5e5e5e5");
    assert_list(d->down_revisions, d->ndown, "d4d4d4d4d4d4");
    assert_int_equal(d->nlabels, 0); /* () is no label */
    assert_int_equal(d->ndepends, 0);
    assert_string_equal(d->doc, "windows line endings");
    assert_string_equal(d->longdoc, "windows line endings\n\nRevision ID: e5e5e5e5e5e5");
    ath_arena_free(l.arena);
}

static void folder_skips_what_alembic_skips_and_notes_non_revisions(void **state)
{
    (void)state;
    loaded l = load("mixed");
    assert_int_equal(l.rc, 0);
    /* Not __init__.py, not the editor lock .#*.py, not notes.txt, not sub/. */
    assert_int_equal(l.count, 2);
    assert_string_equal(l.decls[0].id, "0001");
    assert_int_equal(l.decls[0].line, 3); /* `revision: str` alone assigns nothing */
    assert_string_equal(l.decls[1].id, "0002");
    assert_int_equal(l.diags.errors, 0);
    assert_int_equal(l.diags.count, 1);
    assert_int_equal(l.diags.items[0].level, ATH_DIAG_NOTE);
    assert_non_null(strstr(l.diags.items[0].path, "mixed/helpers.py"));
    assert_string_equal(l.diags.items[0].message,
                        "no module-level `revision` assignment: not a migration script, ignored "
                        "(Alembic 1.8 stops on such a file)");
    ath_arena_free(l.arena);
}

static void missing_folder_is_not_found(void **state)
{
    (void)state;
    loaded l = load("no_such_folder");
    assert_int_equal(l.rc, ATH_ENOTFOUND);
    assert_non_null(strstr(ath_error_last(), "no_such_folder"));
    ath_arena_free(l.arena);
}

/* One bad file: exactly one error at line:col. */
static void expect_bad(const char *file, int line, int col, const char *message)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "bad/%s", file);
    char *path = golden(rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char src[4096];
    size_t len = fread(src, 1, sizeof(src), f);
    fclose(f);
    ath_arena *arena = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_revision_decl *decl = (ath_revision_decl *)&diags; /* must come back NULL */
    int rc = ath_script_read_ids(&decl, arena, path, src, len, &diags);
    assert_int_equal(rc, ATH_EPARSE);
    assert_null(decl);
    if (diags.count != 1)
        for (size_t i = 0; i < diags.count; i++)
            fprintf(stderr, "diag: %s\n", diags.items[i].message);
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].level, ATH_DIAG_ERROR);
    assert_string_equal(diags.items[0].path, path);
    assert_string_equal(diags.items[0].message, message);
    assert_int_equal(diags.items[0].line, line);
    assert_int_equal(diags.items[0].col, col);
    ath_arena_free(arena);
    free(path);
}

static void bad_values_are_refused_at_their_position(void **state)
{
    (void)state;
    expect_bad("revision_int.py", 2, 12, "revision must be a string, not an int");
    expect_bad("down_int.py", 2, 17,
               "down_revision must be None, a string or a tuple of strings, not an int");
    expect_bad("down_call.py", 2, 17,
               "down_revision must be None, a string or a tuple of strings, not a call");
    expect_bad("down_bytes.py", 2, 17,
               "down_revision must be None, a string or a tuple of strings, not a bytes literal");
    expect_bad("labels_fstring.py", 3, 17,
               "branch_labels must be None, a string or a tuple of strings, not an f-string");
    expect_bad("depends_none_item.py", 3, 22,
               "depends_on must be None, a string or a tuple of strings: item 2 is None");
    expect_bad("no_down.py", 2, 1,
               "revision abc has no down_revision assignment (write down_revision = None for a "
               "first revision)");
    expect_bad("unpack.py", 1, 1,
               "revision is assigned by unpacking, which is not read: write revision = ...");
}

static void syntax_error_is_the_parser_diagnostic(void **state)
{
    (void)state;
    char *path = golden("bad/syntax.py");
    const char *src = "revision = \"abc\"\ndown_revision = None\ndef upgrade(:\n    pass\n";
    ath_arena *arena = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_revision_decl *decl;
    assert_int_equal(ath_script_read_ids(&decl, arena, path, src, strlen(src), &diags), ATH_EPARSE);
    assert_null(decl);
    assert_int_equal(diags.errors, 1);
    assert_int_equal(diags.items[0].line, 3);
    ath_arena_free(arena);
    free(path);
}

static void read_in_memory(const char *src, ath_revision_decl **decl, ath_diags *diags,
                           ath_arena *arena, int want_rc)
{
    ath_diags_init(diags, arena);
    assert_int_equal(ath_script_read_ids(decl, arena, "v.py", src, strlen(src), diags), want_rc);
}

static void other_refusals_and_python_semantics(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    ath_diags diags;
    ath_revision_decl *d;
    read_in_memory("revision = 'a'\ndown_revision = None\nrevision += 'b'\n", &d, &diags, arena,
                   ATH_EPARSE);
    assert_string_equal(diags.items[0].message,
                        "revision is changed by an augmented assignment, which is not read");
    read_in_memory("revision = 'a'\ndown_revision = None\nbranch_labels = ['x', '']\n", &d, &diags,
                   arena, ATH_EPARSE);
    assert_string_equal(diags.items[0].message, "branch_labels holds an empty string");
    read_in_memory("revision = 'a\\x00b'\ndown_revision = None\n", &d, &diags, arena, ATH_EPARSE);
    assert_string_equal(diags.items[0].message, "revision holds a NUL character");
    read_in_memory("revision = down\ndown_revision = None\n", &d, &diags, arena, ATH_EPARSE);
    assert_string_equal(diags.items[0].message, "revision must be a string, not the name down");
    /* Several problems in one file are all reported. */
    read_in_memory("revision = 1\ndown_revision = 2\ndepends_on = {}\n", &d, &diags, arena,
                   ATH_EPARSE);
    assert_int_equal(diags.errors, 3);
    /* Only the module level counts: assignments in functions or blocks are not identifiers. */
    read_in_memory("def f():\n    revision = 'x'\nif True:\n    revision = 'y'\n", &d, &diags,
                   arena, 0);
    assert_null(d);
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].level, ATH_DIAG_NOTE);
    /* Adjacent literals join; repeats in a tuple count once; no docstring is "". */
    read_in_memory("x = 1\nrevision = 'ab' 'cd'\ndown_revision = ('p', 'q', 'p')\n", &d, &diags,
                   arena, 0);
    assert_string_equal(d->id, "abcd");
    assert_list(d->down_revisions, d->ndown, "p,q");
    assert_string_equal(d->doc, "");
    assert_string_equal(d->longdoc, "");
    /* A bytes docstring is no docstring (Python's __doc__ is None). */
    read_in_memory("b'''doc'''\nrevision = 'r'\ndown_revision = None\n", &d, &diags, arena, 0);
    assert_string_equal(d->doc, "");
    ath_arena_free(arena);
}

static void bad_folders_fail_in_the_graph(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"bad/dup", "revision 'aaaa1111' is declared twice: in "},
        {"bad/missing", "Revision ffff9999 referenced from bbbb2222 is not present"},
        {"bad/cycle", "Cycle is detected in revisions (aaaa1111, bbbb2222)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ath_arena *arena = ath_arena_new();
        ath_diags diags;
        ath_diags_init(&diags, arena);
        char *dir = golden(cases[i][0]);
        ath_revmap *map = (ath_revmap *)&diags;
        assert_int_equal(ath_revmap_load(&map, arena, dir, &diags), ATH_EINVAL);
        assert_null(map);
        assert_int_equal(diags.errors, 1);
        assert_non_null(strstr(diags.items[0].message, cases[i][1]));
        assert_non_null(strstr(ath_error_last(), cases[i][1]));
        assert_non_null(diags.items[0].path);
        if (i == 0) {
            /* Both files are named; the diagnostic is at the second. */
            assert_non_null(strstr(diags.items[0].message, "bad/dup/1_one.py and in "));
            assert_non_null(strstr(diags.items[0].message, "bad/dup/2_copy.py"));
            assert_non_null(strstr(diags.items[0].path, "2_copy.py"));
            assert_int_equal(diags.items[0].line, 2);
        }
        if (i == 1)
            assert_non_null(strstr(diags.items[0].path, "2_two.py"));
        free(dir);
        ath_arena_free(arena);
    }
}

/*
 * A folder of many scripts, one of them larger than the reader's first
 * buffer, with a link to a script (read, as stat follows it), a dangling link
 * and a folder named like a script (both skipped).
 */
static void large_folder_with_links_is_read_in_order(void **state)
{
    (void)state;
    enum { N = 150, BIG = 7, BIG_LINES = 3000 };
    char dir[] = "/tmp/athanor-test-ids-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[4096], target[4096];
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof(path), "%s/%04d_step.py", dir, i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f,
                "\"\"\"step %d\n\nmore\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\n",
                i);
        fprintf(f, "revision = 'r%04d'\n", i);
        if (i)
            fprintf(f, "down_revision = 'r%04d'\n", i - 1);
        else
            fprintf(f, "down_revision = None\n");
        fprintf(f, "branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n");
        int lines = i == BIG ? BIG_LINES : 20;
        for (int k = 0; k < lines; k++)
            fprintf(
                f,
                "    op.add_column('t', sa.Column('c%d', sa.String(length=40), nullable=True))\n",
                k);
        fprintf(f, "\n\ndef downgrade():\n    pass\n");
        fclose(f);
    }
    snprintf(target, sizeof(target), "%s/sub", dir);
    assert_int_equal(mkdir(target, 0700), 0);
    snprintf(target, sizeof(target), "%s/sub/linked.txt", dir);
    FILE *f = fopen(target, "w");
    assert_non_null(f);
    fprintf(f, "revision = 'linked'\ndown_revision = 'r%04d'\n", N - 1);
    fclose(f);
    snprintf(path, sizeof(path), "%s/zz_link.py", dir);
    assert_int_equal(symlink("sub/linked.txt", path), 0);
    snprintf(path, sizeof(path), "%s/zz_dangling.py", dir);
    assert_int_equal(symlink("sub/nowhere.txt", path), 0);
    snprintf(path, sizeof(path), "%s/zz_folder.py", dir);
    assert_int_equal(mkdir(path, 0700), 0);

    ath_arena *arena = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, arena);
    ath_revision_decl *decls;
    size_t count;
    assert_int_equal(ath_script_load_ids(&decls, &count, arena, dir, &diags), 0);
    assert_int_equal(diags.count, 0);
    assert_int_equal(count, N + 1);
    for (int i = 0; i < N; i++) {
        char id[16], doc[16];
        snprintf(id, sizeof(id), "r%04d", i);
        snprintf(doc, sizeof(doc), "step %d", i);
        assert_string_equal(decls[i].id, id);
        assert_int_equal(decls[i].line, 7);
        assert_string_equal(decls[i].doc, doc);
        snprintf(path, sizeof(path), "%s/%04d_step.py", dir, i);
        assert_string_equal(decls[i].path, path);
        assert_int_equal(decls[i].ndown, i ? 1 : 0);
    }
    assert_string_equal(decls[BIG].longdoc, "step 7\n\nmore");
    assert_string_equal(decls[N].id, "linked");
    assert_non_null(strstr(decls[N].path, "/zz_link.py"));
    ath_arena_free(arena);

    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof(path), "%s/%04d_step.py", dir, i);
        unlink(path);
    }
    const char *links[] = {"zz_link.py", "zz_dangling.py", "sub/linked.txt"};
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, links[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/zz_folder.py", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/sub", dir);
    rmdir(path);
    rmdir(dir);
}

/*
 * Big folders are read by several threads, a chunk of files each: the
 * diagnostics still come in file-name order, and all of them, whichever
 * thread met them first.
 */
static void problems_of_a_big_folder_come_in_name_order(void **state)
{
    (void)state;
    enum { N = 200 };
    char dir[] = "/tmp/athanor-test-ids-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[4096];
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof(path), "%s/%04d_step.py", dir, i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        if (i == 40 || i == 199)
            fprintf(f, "x = 1\n"); /* not a revision: a note */
        else if (i == 5 || i == 150)
            fprintf(f, "revision = 'r%04d'\ndown_revision = (\n", i); /* never closed */
        else if (i)
            fprintf(f, "revision = 'r%04d'\ndown_revision = 'r%04d'\n", i, i - 1);
        else
            fprintf(f, "revision = 'r0000'\ndown_revision = None\n");
        fclose(f);
    }
    for (int round = 0; round < 10; round++) {
        ath_arena *arena = ath_arena_new();
        ath_diags diags;
        ath_diags_init(&diags, arena);
        ath_revision_decl *decls;
        size_t count;
        assert_int_equal(ath_script_load_ids(&decls, &count, arena, dir, &diags), ATH_EPARSE);
        assert_int_equal(diags.count, 4);
        assert_int_equal(diags.errors, 2);
        const int file[4] = {5, 40, 150, 199};
        const ath_diag_level level[4] = {ATH_DIAG_ERROR, ATH_DIAG_NOTE, ATH_DIAG_ERROR,
                                         ATH_DIAG_NOTE};
        for (int k = 0; k < 4; k++) {
            snprintf(path, sizeof(path), "%s/%04d_step.py", dir, file[k]);
            assert_string_equal(diags.items[k].path, path);
            assert_int_equal(diags.items[k].level, level[k]);
        }
        assert_non_null(strstr(ath_error_last(), "2 error(s)"));
        ath_arena_free(arena);
    }
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof(path), "%s/%04d_step.py", dir, i);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flask_migrate_scripts_are_read),
        cmocka_unit_test(alembic_depends_on_is_read),
        cmocka_unit_test(annotated_and_hand_edited_identifiers_are_read),
        cmocka_unit_test(folder_skips_what_alembic_skips_and_notes_non_revisions),
        cmocka_unit_test(missing_folder_is_not_found),
        cmocka_unit_test(bad_values_are_refused_at_their_position),
        cmocka_unit_test(syntax_error_is_the_parser_diagnostic),
        cmocka_unit_test(other_refusals_and_python_semantics),
        cmocka_unit_test(bad_folders_fail_in_the_graph),
        cmocka_unit_test(large_folder_with_links_is_read_in_order),
        cmocka_unit_test(problems_of_a_big_folder_come_in_name_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
