/*
 * The identifiers cache's text: what is written reads back the same, and
 * anything that is not exactly a cache of this version (another header, a
 * cut, a record out of order, a count that lies) is set aside whole.
 */
#include "testsupport.h"

#include "script/ids_cache.h"

#include <stdlib.h>
#include <string.h>

static const char *const downs[] = {"aaa", "bbb"};
static const char *const labels[] = {"feat"};

static void records(ath_ids_record out[2])
{
    memset(out, 0, 2 * sizeof(*out));
    out[0].name = "aaa_first.py";
    out[0].stamp = (ath_ids_stamp){120, 1700000000, 5, 1700000001, 6, 42};
    out[0].decl.id = "aaa";
    out[0].decl.doc = "first";
    out[0].decl.longdoc = "first\n\nRevision ID: aaa\n";
    out[0].decl.line = 13;
    out[0].decl.col = 1;
    out[1].name = "ccc_merge.py";
    out[1].stamp = (ath_ids_stamp){3, -1, 0, 0, 999999999, 18446744073709551615ULL};
    out[1].decl.id = "ccc";
    out[1].decl.down_revisions = downs;
    out[1].decl.ndown = 2;
    out[1].decl.branch_labels = labels;
    out[1].decl.nlabels = 1;
    out[1].decl.depends_on = labels;
    out[1].decl.ndepends = 1;
    out[1].decl.doc = "";
    out[1].decl.longdoc = "with: colons\nand 12:numbers\n";
}

static void written_records_read_back(void **state)
{
    (void)state;
    ath_ids_record in[2];
    records(in);
    ath_buf text = ATH_BUF_INIT;
    ath_ids_cache_format(&text, in, 2);
    ath_arena *arena = ath_arena_new();
    ath_ids_cache c;
    assert_true(ath_ids_cache_parse(&c, arena, text.ptr, text.len));
    assert_int_equal(c.count, 2);
    const ath_ids_record *r = &c.records[1];
    assert_string_equal(r->name, "ccc_merge.py");
    assert_string_equal(r->decl.id, "ccc");
    assert_int_equal(r->decl.ndown, 2);
    assert_string_equal(r->decl.down_revisions[1], "bbb");
    assert_string_equal(r->decl.branch_labels[0], "feat");
    assert_string_equal(r->decl.depends_on[0], "feat");
    assert_string_equal(r->decl.longdoc, "with: colons\nand 12:numbers\n");
    assert_int_equal(c.records[0].decl.line, 13);
    assert_null(c.records[0].decl.down_revisions);
    /* Found by name only with the very same stamp. */
    assert_ptr_equal(ath_ids_cache_find(&c, "ccc_merge.py", &in[1].stamp), r);
    ath_ids_stamp other = in[1].stamp;
    other.ctime_ns--;
    assert_null(ath_ids_cache_find(&c, "ccc_merge.py", &other));
    other = in[0].stamp;
    other.ino++;
    assert_null(ath_ids_cache_find(&c, "aaa_first.py", &other));
    assert_null(ath_ids_cache_find(&c, "bbb.py", &in[0].stamp));
    ath_buf_free(&text);
    ath_arena_free(arena);
}

static bool reads(const char *text, size_t len)
{
    ath_arena *arena = ath_arena_new();
    ath_ids_cache c;
    bool ok = ath_ids_cache_parse(&c, arena, text, len);
    if (!ok)
        assert_int_equal(c.count, 0);
    ath_arena_free(arena);
    return ok;
}

static void anything_else_is_set_aside(void **state)
{
    (void)state;
    ath_ids_record in[2];
    records(in);
    ath_buf text = ATH_BUF_INIT;
    ath_ids_cache_format(&text, in, 2);
    const char *t = text.ptr;
    size_t n = text.len;
    assert_true(reads(t, n));
    /* Every cut short of the whole text. */
    for (size_t k = 0; k < n; k++)
        assert_false(reads(t, k));
    /* Another version or format. */
    char *copy = strdup(t);
    copy[12] = '9';
    assert_false(reads(copy, n));
    free(copy);
    /* Records out of name order. */
    ath_ids_record swapped[2] = {in[1], in[0]};
    ath_buf bad = ATH_BUF_INIT;
    ath_ids_cache_format(&bad, swapped, 2);
    assert_false(reads(bad.ptr, bad.len));
    ath_buf_free(&bad);
    /* A count that promises more, or less, than there is. */
#define HEADER "athanor-ids 1 " ATHANOR_VERSION "\n"
    const char *wrong[] = {HEADER "3\n", HEADER "1\n", HEADER "99999999999999999999\nend\n",
                           HEADER "-1\nend\n"};
    for (size_t i = 0; i < sizeof(wrong) / sizeof(*wrong); i++) {
        ath_buf w = ATH_BUF_INIT;
        ath_buf_puts(&w, wrong[i]);
        if (i < 2)
            ath_buf_put(&w, t + strlen(wrong[i]), n - strlen(wrong[i]));
        assert_false(reads(w.ptr, w.len));
        ath_buf_free(&w);
    }
    /* An empty cache is a cache. */
    ath_buf empty = ATH_BUF_INIT;
    ath_ids_cache_format(&empty, NULL, 0);
    assert_true(reads(empty.ptr, empty.len));
    ath_buf_free(&empty);
    ath_buf_free(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(written_records_read_back),
        cmocka_unit_test(anything_else_is_set_aside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
