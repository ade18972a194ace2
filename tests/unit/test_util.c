/*
 * The util module: arena allocation, growable arrays, string buffers, the
 * last-error slot and compiler-style diagnostics. No database, no files.
 */
#include "testsupport.h"

#include "util/parallel.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool aligned_for_anything(const void *p) { return (uintptr_t)p % alignof(max_align_t) == 0; }

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

/* ---- arena ---- */

static void arena_keeps_many_allocations_across_blocks_apart(void **state)
{
    (void)state;
    enum { N = 5000 };
    ath_arena *arena = ath_arena_new();
    assert_non_null(arena);
    static unsigned char *ptrs[N];
    static size_t sizes[N];
    size_t total = 0;
    /* Sizes from 1 to 300 bytes add up to several 64 KiB blocks. */
    for (size_t i = 0; i < N; i++) {
        sizes[i] = 1 + (i * 37) % 300;
        ptrs[i] = ath_arena_alloc(arena, sizes[i]);
        assert_non_null(ptrs[i]);
        assert_true(aligned_for_anything(ptrs[i]));
        assert_true(all_zero(ptrs[i], sizes[i]));
        memset(ptrs[i], (int)(i % 251) + 1, sizes[i]);
        total += sizes[i];
    }
    assert_true(total > 4 * 64 * 1024);
    /* No later allocation overwrote an earlier one. */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < sizes[i]; j++)
            assert_int_equal(ptrs[i][j], (unsigned char)(i % 251) + 1);
    assert_true(ath_arena_used(arena) >= total);
    ath_arena_free(arena);
}

/* 24 MiB in 48-byte pieces: the arena grows into its big, huge-page blocks;
 * every piece arrives zeroed, aligned and apart from the others. */
static void arena_grows_into_big_blocks_and_keeps_every_piece(void **state)
{
    (void)state;
    ath_arena *a = ath_arena_new();
    assert_non_null(a);
    enum { N = 512 * 1024, SIZE = 48 };
    unsigned char **pieces = malloc(N * sizeof(*pieces));
    assert_non_null(pieces);
    for (size_t i = 0; i < N; i++) {
        pieces[i] = ath_arena_alloc(a, SIZE);
        assert_non_null(pieces[i]);
        assert_int_equal((uintptr_t)pieces[i] % _Alignof(max_align_t), 0);
        for (size_t k = 0; k < SIZE; k++)
            assert_int_equal(pieces[i][k], 0);
        memset(pieces[i], (int)(i & 0xff), SIZE);
    }
    for (size_t i = 0; i < N; i += 997)
        for (size_t k = 0; k < SIZE; k++)
            assert_int_equal(pieces[i][k], i & 0xff);
    assert_true(ath_arena_used(a) >= (size_t)N * SIZE);
    free(pieces);
    ath_arena_free(a);
}

static void file_read_gives_whole_files_and_names_missing_ones(void **state)
{
    (void)state;
    char *dir = ts_sqlite_path("file_read"); /* a fresh folder; the name is ours to use */
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    char path[512];
    snprintf(path, sizeof(path), "%s/data.bin", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite("a\0b\n", 1, 4, f), 4);
    fclose(f);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(ath_file_read(&text, &len, path), 0);
    assert_int_equal(len, 4);
    assert_memory_equal(text, "a\0b\n", 5); /* NUL-terminated after the content */
    free(text);

    snprintf(path, sizeof(path), "%s/empty.txt", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(ath_file_read(&text, NULL, path), 0);
    assert_string_equal(text, "");
    free(text);

    snprintf(path, sizeof(path), "%s/missing.txt", dir);
    text = (char *)1;
    assert_int_equal(ath_file_read(&text, &len, path), ATH_ENOTFOUND);
    assert_null(text);
    assert_non_null(strstr(ath_error_last(), path));
    assert_int_equal(ath_file_read(&text, &len, dir), ATH_EIO); /* a folder */
    free(dir);
}

static void arena_returns_aligned_pointers_for_every_size(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    assert_non_null(arena);
    for (size_t size = 0; size <= 2 * alignof(max_align_t) + 1; size++) {
        void *p = ath_arena_alloc(arena, size);
        assert_non_null(p);
        assert_true(aligned_for_anything(p));
    }
    /* Odd sizes in a row must not leave the next pointer misaligned. */
    for (int i = 0; i < 100; i++) {
        char *p = ath_arena_alloc(arena, 3);
        assert_non_null(p);
        assert_true(aligned_for_anything(p));
        long double *ld = ath_arena_alloc(arena, sizeof(long double));
        assert_true(aligned_for_anything(ld));
        *ld = 1.5L; /* UBSan checks the alignment of this store */
    }
    ath_arena_free(arena);
}

static void arena_zero_size_allocations_are_distinct(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    void *a = ath_arena_alloc(arena, 0);
    void *b = ath_arena_alloc(arena, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    ath_arena_free(arena);
}

static void arena_large_allocation_is_zeroed_and_leaves_small_ones_intact(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    char *small = ath_arena_strdup(arena, "before the big one");
    size_t big_size = 1024 * 1024 + 3;
    unsigned char *big = ath_arena_alloc(arena, big_size);
    assert_non_null(big);
    assert_true(aligned_for_anything(big));
    assert_true(all_zero(big, big_size));
    memset(big, 0xAB, big_size);
    /* A request above a quarter block but below a block, with a block in use. */
    unsigned char *mid = ath_arena_alloc(arena, 40000);
    assert_non_null(mid);
    assert_true(all_zero(mid, 40000));
    memset(mid, 0xCD, 40000);
    char *after = ath_arena_strdup(arena, "after the big one");
    assert_string_equal(small, "before the big one");
    assert_string_equal(after, "after the big one");
    assert_int_equal(big[0], 0xAB);
    assert_int_equal(big[big_size - 1], 0xAB);
    assert_int_equal(mid[39999], 0xCD);
    assert_true(ath_arena_used(arena) >= big_size + 40000);
    ath_arena_free(arena);
}

static void arena_large_allocation_first_in_a_new_arena(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    unsigned char *big = ath_arena_alloc(arena, 200000);
    assert_non_null(big);
    assert_true(all_zero(big, 200000));
    memset(big, 0x11, 200000);
    char *s = ath_arena_strdup(arena, "next");
    assert_string_equal(s, "next");
    assert_int_equal(big[199999], 0x11);
    ath_arena_free(arena);
}

static void arena_refuses_sizes_that_overflow(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    assert_null(ath_arena_alloc(arena, SIZE_MAX));
    /* Rounds up to a size that still fits a size_t, but not with a block header. */
    assert_null(ath_arena_alloc(arena, SIZE_MAX - 20));
    /* The arena is still usable afterwards. */
    char *s = ath_arena_strdup(arena, "still fine");
    assert_string_equal(s, "still fine");
    ath_arena_free(arena);
}

static void arena_copies_strings(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    char src[] = "hello world";
    char *dup = ath_arena_strdup(arena, src);
    assert_string_equal(dup, "hello world");
    assert_ptr_not_equal(dup, src);
    src[0] = 'J';
    assert_string_equal(dup, "hello world");

    char *part = ath_arena_strndup(arena, "hello world", 5);
    assert_string_equal(part, "hello");
    char *empty = ath_arena_strndup(arena, "abc", 0);
    assert_string_equal(empty, "");
    /* Embedded text up to n bytes, then a terminator. */
    char *nul = ath_arena_strndup(arena, "ab\0cd", 5);
    assert_memory_equal(nul, "ab\0cd", 6);

    assert_string_equal(ath_arena_printf(arena, "%s-%d-%c", "x", 42, 'z'), "x-42-z");
    assert_string_equal(ath_arena_printf(arena, "%s", ""), "");
    ath_arena_free(arena);
}

static void arena_printf_writes_long_text(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    size_t n = 100000;
    char *long_text = malloc(n + 1);
    memset(long_text, 'q', n);
    long_text[n] = '\0';
    char *p = ath_arena_printf(arena, "<%s>", long_text);
    assert_non_null(p);
    assert_int_equal(strlen(p), n + 2);
    assert_int_equal(p[0], '<');
    assert_int_equal(p[n + 1], '>');
    assert_int_equal(p[n / 2], 'q');
    free(long_text);
    ath_arena_free(arena);
}

static void arena_null_strings_give_null(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    size_t before = ath_arena_used(arena);
    assert_null(ath_arena_strdup(arena, NULL));
    assert_null(ath_arena_strndup(arena, NULL, 10));
    assert_int_equal(ath_arena_used(arena), before);
    ath_arena_free(arena);
}

static void arena_free_null_is_a_no_op(void **state)
{
    (void)state;
    ath_arena_free(NULL);
    ath_arena *arena = ath_arena_new();
    assert_int_equal(ath_arena_used(arena), 0);
    ath_arena_free(arena);
}

/* ---- growable arrays ---- */

typedef struct pair {
    int key;
    const char *value;
} pair;

static void array_push_grows_and_keeps_contents(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    int *items = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        int *slot = ATH_PUSH(arena, items, n, cap);
        assert_non_null(slot);
        assert_int_equal(*slot, 0);
        *slot = i * 3;
        assert_int_equal(n, (size_t)i + 1);
        assert_true(cap >= n);
        assert_ptr_equal(slot, &items[i]);
        /* Everything pushed so far survived any growth. */
        for (int j = 0; j <= i; j++)
            assert_int_equal(items[j], j * 3);
    }
    /* Doubling from 4: the capacity is 4 * 2^k. */
    assert_int_equal(cap, 1024);
    ath_arena_free(arena);
}

static void array_push_returns_zeroed_struct_slots(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    pair *items = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 9; i++) {
        pair *p = ATH_PUSH(arena, items, n, cap);
        assert_non_null(p);
        assert_int_equal(p->key, 0);
        assert_null(p->value);
        p->key = i;
        p->value = "v";
    }
    assert_int_equal(n, 9);
    assert_int_equal(items[8].key, 8);
    assert_string_equal(items[0].value, "v");
    ath_arena_free(arena);
}

/* ---- string buffers ---- */

static void buf_grows_over_many_kilobytes(void **state)
{
    (void)state;
    ath_buf buf = ATH_BUF_INIT;
    char *expected = malloc(200000);
    size_t elen = 0;
    for (int i = 0; i < 4000; i++) {
        char piece[64];
        int n = snprintf(piece, sizeof(piece), "row %d;", i);
        switch (i % 4) {
        case 0:
            ath_buf_printf(&buf, "row %d;", i);
            break;
        case 1:
            ath_buf_puts(&buf, piece);
            break;
        case 2:
            ath_buf_put(&buf, piece, (size_t)n);
            break;
        default:
            for (int k = 0; k < n; k++)
                ath_buf_putc(&buf, piece[k]);
            break;
        }
        memcpy(expected + elen, piece, (size_t)n);
        elen += (size_t)n;
    }
    expected[elen] = '\0';
    assert_true(elen > 32 * 1024);
    assert_int_equal(buf.len, elen);
    assert_true(buf.cap > buf.len);
    assert_int_equal(strlen(ath_buf_cstr(&buf)), elen);
    assert_string_equal(ath_buf_cstr(&buf), expected);
    assert_int_equal(ath_buf_check(&buf), 0);
    free(expected);
    ath_buf_free(&buf);
    assert_null(buf.ptr);
    assert_int_equal(buf.len, 0);
    assert_string_equal(ath_buf_cstr(&buf), "");
}

static void buf_printf_writes_text_longer_than_its_capacity(void **state)
{
    (void)state;
    ath_buf buf = ATH_BUF_INIT;
    ath_buf_puts(&buf, "head:");
    size_t n = 50000;
    char *big = malloc(n + 1);
    memset(big, 'z', n);
    big[n] = '\0';
    ath_buf_printf(&buf, "%s:%d", big, 7);
    assert_int_equal(buf.len, 5 + n + 2);
    assert_memory_equal(buf.ptr, "head:zz", 7);
    assert_string_equal(buf.ptr + 5 + n, ":7");
    free(big);
    ath_buf_free(&buf);
}

static void buf_put_keeps_embedded_bytes_and_zero_length_is_harmless(void **state)
{
    (void)state;
    ath_buf buf = ATH_BUF_INIT;
    ath_buf_put(&buf, "", 0);
    assert_string_equal(ath_buf_cstr(&buf), "");
    assert_int_equal(buf.len, 0);
    ath_buf_put(&buf, "a\0b", 3);
    assert_int_equal(buf.len, 3);
    assert_memory_equal(buf.ptr, "a\0b", 4);
    ath_buf_printf(&buf, "%s", "");
    assert_int_equal(buf.len, 3);
    ath_buf_free(&buf);
}

static void buf_cstr_of_an_empty_buffer_is_empty_string(void **state)
{
    (void)state;
    ath_buf buf = ATH_BUF_INIT;
    assert_non_null(ath_buf_cstr(&buf));
    assert_string_equal(ath_buf_cstr(&buf), "");
    assert_int_equal(ath_buf_check(&buf), 0);
    ath_buf_free(&buf);
}

static void buf_clear_empties_and_allows_reuse(void **state)
{
    (void)state;
    ath_buf buf = ATH_BUF_INIT;
    ath_buf_puts(&buf, "some text that is there");
    size_t cap = buf.cap;
    ath_buf_clear(&buf);
    assert_int_equal(buf.len, 0);
    assert_string_equal(ath_buf_cstr(&buf), "");
    assert_int_equal(buf.cap, cap);
    ath_buf_puts(&buf, "new");
    assert_string_equal(ath_buf_cstr(&buf), "new");
    ath_buf_free(&buf);

    ath_buf never = ATH_BUF_INIT;
    ath_buf_clear(&never);
    assert_string_equal(ath_buf_cstr(&never), "");
    ath_buf_free(&never);
}

static void buf_detach_hands_over_the_text_and_resets(void **state)
{
    (void)state;
    ath_buf buf = ATH_BUF_INIT;
    ath_buf_printf(&buf, "%d apples", 3);
    char *text = ath_buf_detach(&buf);
    assert_string_equal(text, "3 apples");
    assert_null(buf.ptr);
    assert_int_equal(buf.len, 0);
    assert_int_equal(buf.cap, 0);
    assert_string_equal(ath_buf_cstr(&buf), "");
    /* The buffer is reusable and independent of the detached text. */
    ath_buf_puts(&buf, "pears");
    assert_string_equal(text, "3 apples");
    free(text);
    ath_buf_free(&buf);
}

static void buf_detach_of_an_empty_buffer_is_an_empty_string(void **state)
{
    (void)state;
    ath_buf buf = ATH_BUF_INIT;
    char *text = ath_buf_detach(&buf);
    assert_non_null(text);
    assert_string_equal(text, "");
    free(text);
}

static void buf_check_reports_a_failed_growth_once_at_the_end(void **state)
{
    (void)state;
    ath_error_clear();
    ath_buf buf = ATH_BUF_INIT;
    ath_buf_puts(&buf, "kept");
    /* What a failed realloc leaves behind. */
    buf.oom = true;
    ath_buf_puts(&buf, " dropped");
    ath_buf_putc(&buf, '!');
    ath_buf_printf(&buf, "%d", 5);
    assert_string_equal(ath_buf_cstr(&buf), "kept");
    assert_int_equal(buf.len, 4);
    assert_int_equal(ath_buf_check(&buf), ATH_ENOMEM);
    assert_int_equal(ath_error_last_code(), ATH_ENOMEM);
    assert_string_equal(ath_error_last(), "out of memory");
    /* A detached buffer starts over without the flag. */
    free(ath_buf_detach(&buf));
    assert_int_equal(ath_buf_check(&buf), 0);
    ath_buf_free(&buf);
}

/* ---- the last-error slot ---- */

static void error_returns_its_code_and_sets_the_message(void **state)
{
    (void)state;
    ath_error_clear();
    assert_string_equal(ath_error_last(), "no error");
    assert_int_equal(ath_error_last_code(), 0);
    int rc = ath_error(ATH_ENOTFOUND, "table '%s' has %d columns", "users", 3);
    assert_int_equal(rc, ATH_ENOTFOUND);
    assert_int_equal(ath_error_last_code(), ATH_ENOTFOUND);
    assert_string_equal(ath_error_last(), "table 'users' has 3 columns");
    /* The next error replaces the previous one. */
    assert_int_equal(ath_error(ATH_EPARSE, "second"), ATH_EPARSE);
    assert_string_equal(ath_error_last(), "second");
    assert_int_equal(ath_error_last_code(), ATH_EPARSE);
}

static void error_oom_sets_a_constant_message(void **state)
{
    (void)state;
    ath_error(ATH_EIO, "something else");
    assert_int_equal(ath_error_oom(), ATH_ENOMEM);
    assert_int_equal(ath_error_last_code(), ATH_ENOMEM);
    assert_string_equal(ath_error_last(), "out of memory");
}

static void error_clear_resets_message_and_code(void **state)
{
    (void)state;
    ath_error(ATH_EBACKEND, "boom");
    ath_error_clear();
    assert_int_equal(ath_error_last_code(), 0);
    assert_string_equal(ath_error_last(), "no error");
}

static void error_long_message_is_truncated_safely(void **state)
{
    (void)state;
    size_t n = 5000;
    char *longmsg = malloc(n + 1);
    memset(longmsg, 'x', n);
    longmsg[n] = '\0';
    assert_int_equal(ath_error(ATH_EINVAL, "%s", longmsg), ATH_EINVAL);
    const char *msg = ath_error_last();
    size_t len = strlen(msg);
    assert_true(len > 500);
    assert_true(len < n);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(msg[i], 'x');
    assert_int_equal(ath_error_last_code(), ATH_EINVAL);
    free(longmsg);
}

static void error_can_wrap_the_previous_message(void **state)
{
    (void)state;
    ath_error(ATH_EIO, "cannot open 'x.py': no such file");
    int rc = ath_error(ath_error_last_code(), "reading models: %s", ath_error_last());
    assert_int_equal(rc, ATH_EIO);
    assert_string_equal(ath_error_last(), "reading models: cannot open 'x.py': no such file");
}

static void *set_error_in_thread(void *arg)
{
    (void)arg;
    ath_error(ATH_EBACKEND, "from the other thread");
    return NULL;
}

static void error_slot_belongs_to_the_calling_thread(void **state)
{
    (void)state;
    ath_error(ATH_ECONFLICT, "from the main thread");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, set_error_in_thread, NULL), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_string_equal(ath_error_last(), "from the main thread");
    assert_int_equal(ath_error_last_code(), ATH_ECONFLICT);
}

/* ---- diagnostics ---- */

static const char models_py[] = "from app import db\n"
                                "\n"
                                "class User(db.Model):\n"
                                "    id = db.Column(db.Integer)\n";

static ath_diag diag_at(const char *path, int line, int col, const char *message)
{
    ath_diag d;
    memset(&d, 0, sizeof(d));
    d.level = ATH_DIAG_ERROR;
    d.path = path;
    d.line = line;
    d.col = col;
    d.message = message;
    return d;
}

/* Formats `d` against `source` into a fresh string compared with `expected`. */
static void assert_formats_as(const ath_diag *d, const char *source, const char *expected)
{
    ath_buf out = ATH_BUF_INIT;
    ath_diag_format(&out, d, source);
    assert_int_equal(ath_buf_check(&out), 0);
    assert_string_equal(ath_buf_cstr(&out), expected);
    ath_buf_free(&out);
}

/* Appending copies every diagnostic in order, counts the errors, and owns its strings. */
static void diags_append_copies_in_order(void **state)
{
    (void)state;
    ath_arena *from_arena = ath_arena_new(), *to_arena = ath_arena_new();
    ath_diags from, to;
    ath_diags_init(&from, from_arena);
    ath_diags_init(&to, to_arena);
    assert_int_equal(ath_diags_add(&to, ATH_DIAG_NOTE, "a.py", 1, 1, "first"), 0);
    assert_int_equal(ath_diags_add(&from, ATH_DIAG_ERROR, "b.py", 2, 3, "second"), 0);
    assert_int_equal(ath_diags_add(&from, ATH_DIAG_NOTE, NULL, 0, 0, "third"), 0);
    assert_int_equal(ath_diags_append(&to, &from), 0);
    ath_arena_free(from_arena); /* nothing of `to` points there */
    assert_int_equal(to.count, 3);
    assert_int_equal(to.errors, 1);
    assert_string_equal(to.items[1].path, "b.py");
    assert_int_equal(to.items[1].col, 3);
    assert_string_equal(to.items[1].message, "second");
    assert_null(to.items[2].path);
    assert_string_equal(to.items[2].message, "third");
    ath_arena_free(to_arena);
}

static void diags_add_counts_errors_only(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    ath_diags diags;
    ath_diags_init(&diags, arena);
    assert_int_equal(diags.count, 0);
    assert_int_equal(diags.errors, 0);
    assert_ptr_equal(diags.arena, arena);

    char path[] = "models.py";
    assert_int_equal(ath_diags_add(&diags, ATH_DIAG_ERROR, path, 3, 5, "bad %s", "thing"), 0);
    assert_int_equal(ath_diags_add(&diags, ATH_DIAG_WARNING, path, 4, 1, "odd"), 0);
    assert_int_equal(ath_diags_add(&diags, ATH_DIAG_NOTE, NULL, 0, 0, "see %d", 12), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(ath_diags_add(&diags, ATH_DIAG_ERROR, path, i + 1, 1, "e%d", i), 0);
    assert_int_equal(diags.count, 13);
    assert_int_equal(diags.errors, 11);

    /* The diagnostics own copies of what they were given. */
    path[0] = 'X';
    assert_string_equal(diags.items[0].path, "models.py");
    assert_string_equal(diags.items[0].message, "bad thing");
    assert_int_equal(diags.items[0].line, 3);
    assert_int_equal(diags.items[0].col, 5);
    assert_int_equal(diags.items[0].level, ATH_DIAG_ERROR);
    assert_int_equal(diags.items[1].level, ATH_DIAG_WARNING);
    assert_null(diags.items[2].path);
    assert_string_equal(diags.items[2].message, "see 12");
    assert_string_equal(diags.items[12].message, "e9");
    ath_arena_free(arena);
}

static void diag_format_shows_source_line_and_caret(void **state)
{
    (void)state;
    ath_diag d = diag_at("models.py", 3, 5, "msg");
    assert_formats_as(&d, models_py,
                      "models.py:3:5: error: msg\n"
                      "    class User(db.Model):\n"
                      "        ^\n");
}

static void diag_format_names_warnings_and_notes(void **state)
{
    (void)state;
    ath_diag d = diag_at("models.py", 1, 1, "unused import");
    d.level = ATH_DIAG_WARNING;
    assert_formats_as(&d, models_py,
                      "models.py:1:1: warning: unused import\n"
                      "    from app import db\n"
                      "    ^\n");
    d.level = ATH_DIAG_NOTE;
    assert_formats_as(&d, NULL, "models.py:1:1: note: unused import\n");
}

static void diag_format_line_beyond_end_of_source_omits_the_excerpt(void **state)
{
    (void)state;
    ath_diag d = diag_at("models.py", 40, 2, "msg");
    assert_formats_as(&d, models_py, "models.py:40:2: error: msg\n");
    /* One past the last line of a text without a final newline. */
    d.line = 3;
    assert_formats_as(&d, "a\nb", "models.py:3:2: error: msg\n");
}

static void diag_format_keeps_tabs_before_the_caret(void **state)
{
    (void)state;
    ath_diag d = diag_at("m.py", 2, 4, "here");
    assert_formats_as(&d, "if x:\n\t\tpass\n",
                      "m.py:2:4: error: here\n"
                      "    \t\tpass\n"
                      "    \t\t ^\n");
}

static void diag_format_without_path_starts_with_the_level(void **state)
{
    (void)state;
    ath_diag d = diag_at(NULL, 4, 10, "msg");
    assert_formats_as(&d, models_py,
                      "error: msg\n"
                      "        id = db.Column(db.Integer)\n"
                      "             ^\n");
}

static void diag_format_col_zero_shows_the_line_without_caret(void **state)
{
    (void)state;
    ath_diag d = diag_at("models.py", 3, 0, "msg");
    assert_formats_as(&d, models_py,
                      "models.py:3: error: msg\n"
                      "    class User(db.Model):\n");
}

static void diag_format_line_zero_has_no_position_and_no_excerpt(void **state)
{
    (void)state;
    ath_diag d = diag_at("models.py", 0, 0, "cannot read the file");
    assert_formats_as(&d, models_py, "models.py: error: cannot read the file\n");
}

static void diag_format_without_source_prints_only_the_message(void **state)
{
    (void)state;
    ath_diag d = diag_at("models.py", 3, 5, "msg");
    assert_formats_as(&d, NULL, "models.py:3:5: error: msg\n");
}

static void diag_format_drops_carriage_returns_of_crlf_sources(void **state)
{
    (void)state;
    ath_diag d = diag_at("w.py", 2, 2, "msg");
    assert_formats_as(&d, "a = 1\r\nbc = 2\r\n",
                      "w.py:2:2: error: msg\n"
                      "    bc = 2\n"
                      "     ^\n");
}

static void diag_format_caret_past_end_of_line_stops_after_it(void **state)
{
    (void)state;
    ath_diag d = diag_at("m.py", 1, 50, "expected ':'");
    assert_formats_as(&d, "if x\n",
                      "m.py:1:50: error: expected ':'\n"
                      "    if x\n"
                      "        ^\n");
}

static void diag_format_appends_to_what_is_there(void **state)
{
    (void)state;
    ath_buf out = ATH_BUF_INIT;
    ath_buf_puts(&out, "first\n");
    ath_diag d = diag_at("a.py", 0, 0, "second");
    ath_diag_format(&out, &d, NULL);
    assert_string_equal(ath_buf_cstr(&out), "first\na.py: error: second\n");
    ath_buf_free(&out);
}


/* ---- arena adoption ---- */

static void arena_adopt_keeps_what_the_other_arena_handed_out(void **state)
{
    (void)state;
    ath_arena *arena = ath_arena_new();
    char *mine = ath_arena_strdup(arena, "mine");
    ath_arena *other = ath_arena_new();
    char *theirs[300];
    for (int i = 0; i < 300; i++)
        theirs[i] = ath_arena_printf(other, "%0*d", 1000, i); /* several blocks */
    size_t before = ath_arena_used(arena), given = ath_arena_used(other);
    ath_arena_adopt(arena, other); /* `other` is freed: ASan would see a use */
    assert_int_equal(ath_arena_used(arena), before + given);
    /* New allocations still come from `arena`, and nothing adopted is overwritten. */
    for (int i = 0; i < 300; i++)
        assert_non_null(ath_arena_printf(arena, "%0*d", 500, -i));
    assert_string_equal(mine, "mine");
    for (int i = 0; i < 300; i++) {
        char want[1001];
        snprintf(want, sizeof(want), "%0*d", 1000, i);
        assert_string_equal(theirs[i], want);
    }
    ath_arena_adopt(arena, NULL);
    ath_arena *empty = ath_arena_new();
    ath_arena_adopt(empty, ath_arena_new());
    ath_arena *fresh = ath_arena_new();
    char *kept = ath_arena_strdup(fresh, "kept");
    ath_arena_adopt(empty, fresh);
    assert_string_equal(kept, "kept");
    ath_arena_free(empty);
    ath_arena_free(arena); /* one free releases both arenas' blocks (LeakSanitizer checks) */
}

/* ---- parallel_for ---- */

typedef struct counted {
    atomic_int calls[1000];
    atomic_int bad_worker;
    size_t workers;
    size_t stop_at; /* the item that sets stop; 1000: none */
    atomic_bool stop;
} counted;

static void count_task(void *ctx, size_t worker, size_t item)
{
    counted *c = ctx;
    if (worker >= c->workers)
        atomic_fetch_add(&c->bad_worker, 1);
    atomic_fetch_add(&c->calls[item], 1);
    if (item == c->stop_at)
        atomic_store(&c->stop, true);
}

static void parallel_for_calls_every_item_once(void **state)
{
    (void)state;
    const size_t counts[] = {0, 1, 7, 16, 17, 1000};
    for (size_t workers = 1; workers <= ATH_PARALLEL_MAX + 1; workers++)
        for (size_t k = 0; k < sizeof(counts) / sizeof(*counts); k++) {
            counted *c = calloc(1, sizeof(*c));
            c->workers = workers > ATH_PARALLEL_MAX ? ATH_PARALLEL_MAX : workers;
            c->stop_at = 1000;
            ath_parallel_for(counts[k], 16, workers, count_task, c, &c->stop);
            for (size_t i = 0; i < 1000; i++)
                assert_int_equal(c->calls[i], i < counts[k] ? 1 : 0);
            assert_int_equal(c->bad_worker, 0);
            free(c);
        }
}

/* Stopping: every item before the one that stopped is done, none twice. */
static void parallel_for_stop_finishes_what_came_before(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        counted *c = calloc(1, sizeof(*c));
        c->workers = 2;
        c->stop_at = 333;
        ath_parallel_for(1000, 8, 2, count_task, c, &c->stop);
        for (size_t i = 0; i <= 333; i++)
            assert_int_equal(c->calls[i], 1);
        /* After it, what the threads had begun (how much depends on them), once at most. */
        for (size_t i = 334; i < 1000; i++)
            assert_true(c->calls[i] <= 1);
        free(c);
    }
    /* One thread: the chunk of item 333 (328 - 335) is finished, nothing after it is begun. */
    counted *c = calloc(1, sizeof(*c));
    c->workers = 1;
    c->stop_at = 333;
    ath_parallel_for(1000, 8, 1, count_task, c, &c->stop);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(c->calls[i], i < 336 ? 1 : 0);
    free(c);
}

static void parallel_workers_are_one_for_small_lists(void **state)
{
    (void)state;
    assert_int_equal(ath_parallel_workers(10, 16, 64), 1);
    assert_int_equal(ath_parallel_workers(0, 16, 0), 1);
    size_t w = ath_parallel_workers(1000, 16, 64);
    assert_true(w >= 1 && w <= ATH_PARALLEL_MAX);
    assert_true(ath_parallel_workers(70, 64, 64) <= 2); /* two chunks */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_keeps_many_allocations_across_blocks_apart),
        cmocka_unit_test(arena_adopt_keeps_what_the_other_arena_handed_out),
        cmocka_unit_test(parallel_for_calls_every_item_once),
        cmocka_unit_test(parallel_for_stop_finishes_what_came_before),
        cmocka_unit_test(parallel_workers_are_one_for_small_lists),
        cmocka_unit_test(arena_returns_aligned_pointers_for_every_size),
        cmocka_unit_test(arena_grows_into_big_blocks_and_keeps_every_piece),
        cmocka_unit_test(file_read_gives_whole_files_and_names_missing_ones),
        cmocka_unit_test(arena_zero_size_allocations_are_distinct),
        cmocka_unit_test(arena_large_allocation_is_zeroed_and_leaves_small_ones_intact),
        cmocka_unit_test(arena_large_allocation_first_in_a_new_arena),
        cmocka_unit_test(arena_refuses_sizes_that_overflow),
        cmocka_unit_test(arena_copies_strings),
        cmocka_unit_test(arena_printf_writes_long_text),
        cmocka_unit_test(arena_null_strings_give_null),
        cmocka_unit_test(arena_free_null_is_a_no_op),
        cmocka_unit_test(array_push_grows_and_keeps_contents),
        cmocka_unit_test(array_push_returns_zeroed_struct_slots),
        cmocka_unit_test(buf_grows_over_many_kilobytes),
        cmocka_unit_test(buf_printf_writes_text_longer_than_its_capacity),
        cmocka_unit_test(buf_put_keeps_embedded_bytes_and_zero_length_is_harmless),
        cmocka_unit_test(buf_cstr_of_an_empty_buffer_is_empty_string),
        cmocka_unit_test(buf_clear_empties_and_allows_reuse),
        cmocka_unit_test(buf_detach_hands_over_the_text_and_resets),
        cmocka_unit_test(buf_detach_of_an_empty_buffer_is_an_empty_string),
        cmocka_unit_test(buf_check_reports_a_failed_growth_once_at_the_end),
        cmocka_unit_test(error_returns_its_code_and_sets_the_message),
        cmocka_unit_test(error_oom_sets_a_constant_message),
        cmocka_unit_test(error_clear_resets_message_and_code),
        cmocka_unit_test(error_long_message_is_truncated_safely),
        cmocka_unit_test(error_can_wrap_the_previous_message),
        cmocka_unit_test(error_slot_belongs_to_the_calling_thread),
        cmocka_unit_test(diags_add_counts_errors_only),
        cmocka_unit_test(diags_append_copies_in_order),
        cmocka_unit_test(diag_format_shows_source_line_and_caret),
        cmocka_unit_test(diag_format_names_warnings_and_notes),
        cmocka_unit_test(diag_format_line_beyond_end_of_source_omits_the_excerpt),
        cmocka_unit_test(diag_format_keeps_tabs_before_the_caret),
        cmocka_unit_test(diag_format_without_path_starts_with_the_level),
        cmocka_unit_test(diag_format_col_zero_shows_the_line_without_caret),
        cmocka_unit_test(diag_format_line_zero_has_no_position_and_no_excerpt),
        cmocka_unit_test(diag_format_without_source_prints_only_the_message),
        cmocka_unit_test(diag_format_drops_carriage_returns_of_crlf_sources),
        cmocka_unit_test(diag_format_caret_past_end_of_line_stops_after_it),
        cmocka_unit_test(diag_format_appends_to_what_is_there),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
