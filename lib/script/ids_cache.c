/*
 * The identifiers cache of a versions folder (ids_cache.h): its text, read
 * strictly (any doubt and the whole cache is set aside), and its writing,
 * by a rename that replaces the old file in one step.
 *
 * The text: a header line "athanor-ids FORMAT VERSION", the record count,
 * each record's numbers on one line (size, mtime s ns, ctime s ns, inode,
 * line, col, and how many down_revisions, branch_labels and depends_on
 * follow), then its strings, each as LENGTH ":" BYTES "\n" (name, revision,
 * the lists, doc, longdoc), and "end" last.
 */
#define _DEFAULT_SOURCE /* st_mtim, st_ctim */
#include "script/ids_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bump when what the identifier reader makes of a script changes. */
#define FORMAT "1"
#define RACY_SECONDS 2

static const char header[] = "athanor-ids " FORMAT " " ATHANOR_VERSION "\n";

void ath_ids_stamp_of(ath_ids_stamp *out, const struct stat *st)
{
    out->size = (long long)st->st_size;
    out->mtime_s = (long long)st->st_mtim.tv_sec;
    out->mtime_ns = (long long)st->st_mtim.tv_nsec;
    out->ctime_s = (long long)st->st_ctim.tv_sec;
    out->ctime_ns = (long long)st->st_ctim.tv_nsec;
    out->ino = (unsigned long long)st->st_ino;
}

static bool same_stamp(const ath_ids_stamp *a, const ath_ids_stamp *b)
{
    return a->size == b->size && a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns &&
           a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns && a->ino == b->ino;
}

/* ---- reading ---- */

typedef struct cursor {
    const char *p, *end;
    ath_arena *arena;
    bool bad;
} cursor;

/* An unsigned 64-bit decimal (an inode number), then `sep`. */
static unsigned long long unsigned_number(cursor *c, char sep)
{
    unsigned long long v = 0;
    const char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        unsigned d = (unsigned)(*c->p++ - '0');
        if (v > (~0ULL - d) / 10) {
            c->bad = true;
            return 0;
        }
        v = v * 10 + d;
    }
    if (c->p == start || c->p >= c->end || *c->p != sep)
        c->bad = true;
    else
        c->p++;
    return v;
}

/* A signed 64-bit decimal, then `sep`. */
static long long number(cursor *c, char sep)
{
    bool neg = c->p < c->end && *c->p == '-';
    if (neg)
        c->p++;
    unsigned long long v = unsigned_number(c, sep);
    if (v > (unsigned long long)LLONG_MAX) {
        c->bad = true;
        return 0;
    }
    return neg ? -(long long)v : (long long)v;
}

/* A count that the rest of the text could hold (each item takes two bytes at least). */
static size_t count(cursor *c, char sep)
{
    long long v = number(c, sep);
    if (v < 0 || v > (c->end - c->p) / 2)
        c->bad = true;
    return c->bad ? 0 : (size_t)v;
}

static const char *string(cursor *c)
{
    long long n = number(c, ':');
    size_t len = n < 0 ? 0 : (size_t)n;
    if (c->bad || n < 0 || (size_t)(c->end - c->p) < len + 1 || c->p[len] != '\n') {
        c->bad = true;
        return NULL;
    }
    const char *s = ath_arena_strndup(c->arena, c->p, len);
    if (!s)
        c->bad = true;
    c->p += len + 1;
    return s;
}

static const char *const *strings(cursor *c, size_t n)
{
    if (!n || c->bad)
        return NULL;
    const char **items = ath_arena_alloc(c->arena, n * sizeof(*items));
    if (!items) {
        c->bad = true;
        return NULL;
    }
    for (size_t i = 0; i < n && !c->bad; i++)
        items[i] = string(c);
    return items;
}

static void record(cursor *c, ath_ids_record *r)
{
    ath_ids_stamp *s = &r->stamp;
    s->size = number(c, ' ');
    s->mtime_s = number(c, ' ');
    s->mtime_ns = number(c, ' ');
    s->ctime_s = number(c, ' ');
    s->ctime_ns = number(c, ' ');
    s->ino = unsigned_number(c, ' ');
    long long line = number(c, ' '), col = number(c, ' ');
    size_t ndown = count(c, ' '), nlabels = count(c, ' '), ndepends = count(c, '\n');
    if (line < 0 || line > 1 << 30 || col < 0 || col > 1 << 30)
        c->bad = true;
    if (c->bad)
        return;
    ath_revision_decl *d = &r->decl;
    r->name = string(c);
    d->id = string(c);
    d->down_revisions = strings(c, ndown);
    d->ndown = ndown;
    d->branch_labels = strings(c, nlabels);
    d->nlabels = nlabels;
    d->depends_on = strings(c, ndepends);
    d->ndepends = ndepends;
    d->doc = string(c);
    d->longdoc = string(c);
    d->line = (int)line;
    d->col = (int)col;
}

bool ath_ids_cache_parse(ath_ids_cache *out, ath_arena *arena, const char *text, size_t len)
{
    out->records = NULL;
    out->count = 0;
    size_t hlen = sizeof(header) - 1;
    if (len < hlen || memcmp(text, header, hlen) != 0)
        return false;
    cursor c = {text + hlen, text + len, arena, false};
    size_t n = count(&c, '\n');
    ath_ids_record *records = n ? ath_arena_alloc(arena, n * sizeof(*records)) : NULL;
    if (n && !records)
        return false;
    for (size_t i = 0; i < n && !c.bad; i++) {
        record(&c, &records[i]);
        if (!c.bad && i && strcmp(records[i - 1].name, records[i].name) >= 0)
            c.bad = true; /* binary search needs the order */
    }
    if (c.bad || c.end - c.p != 4 || memcmp(c.p, "end\n", 4) != 0)
        return false;
    out->records = records;
    out->count = n;
    return true;
}

void ath_ids_cache_load(ath_ids_cache *out, ath_arena *arena, int dirfd)
{
    out->records = NULL;
    out->count = 0;
    int fd = openat(dirfd, ATH_IDS_CACHE_DIR "/" ATH_IDS_CACHE_FILE, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    char *text = NULL;
    size_t len = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        st.st_size < 256 * 1024 * 1024 && (text = malloc((size_t)st.st_size + 1)) != NULL) {
        while (len < (size_t)st.st_size + 1) {
            ssize_t got = read(fd, text + len, (size_t)st.st_size + 1 - len);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            len += (size_t)got;
        }
        /* A file that grew while it was read is someone's half-written one: set aside. */
        if (len == (size_t)st.st_size)
            ath_ids_cache_parse(out, arena, text, len);
    }
    free(text);
    close(fd);
}

const ath_ids_record *ath_ids_cache_find(const ath_ids_cache *cache, const char *name,
                                         const ath_ids_stamp *stamp)
{
    size_t lo = 0, hi = cache->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(cache->records[mid].name, name);
        if (cmp == 0)
            return same_stamp(&cache->records[mid].stamp, stamp) ? &cache->records[mid] : NULL;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- writing ---- */

static void put_string(ath_buf *out, const char *s)
{
    s = s ? s : "";
    size_t n = strlen(s);
    ath_buf_printf(out, "%zu:", n);
    ath_buf_put(out, s, n);
    ath_buf_putc(out, '\n');
}

void ath_ids_cache_format(ath_buf *out, const ath_ids_record *records, size_t n)
{
    ath_buf_puts(out, header);
    ath_buf_printf(out, "%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const ath_ids_record *r = &records[i];
        const ath_ids_stamp *s = &r->stamp;
        const ath_revision_decl *d = &r->decl;
        ath_buf_printf(out, "%lld %lld %lld %lld %lld %llu %d %d %zu %zu %zu\n", s->size,
                       s->mtime_s, s->mtime_ns, s->ctime_s, s->ctime_ns, s->ino, d->line, d->col,
                       d->ndown, d->nlabels, d->ndepends);
        put_string(out, r->name);
        put_string(out, d->id);
        for (size_t k = 0; k < d->ndown; k++)
            put_string(out, d->down_revisions[k]);
        for (size_t k = 0; k < d->nlabels; k++)
            put_string(out, d->branch_labels[k]);
        for (size_t k = 0; k < d->ndepends; k++)
            put_string(out, d->depends_on[k]);
        put_string(out, d->doc);
        put_string(out, d->longdoc);
    }
    ath_buf_puts(out, "end\n");
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t got = write(fd, p, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        p += got;
        n -= (size_t)got;
    }
    return true;
}

/* Whether a file stamped at (s, ns) changed at least RACY_SECONDS before `now`. */
static bool settled(long long s, long long ns, const struct timespec *now)
{
    long long limit = (long long)now->tv_sec - RACY_SECONDS;
    return s < limit || (s == limit && ns <= (long long)now->tv_nsec);
}

void ath_ids_cache_store(int dirfd, const ath_ids_record *records, size_t n,
                         const struct timespec *now)
{
    ath_ids_record *kept = n ? malloc(n * sizeof(*kept)) : NULL;
    if (n && !kept)
        return;
    size_t nkept = 0;
    for (size_t i = 0; i < n; i++)
        if (settled(records[i].stamp.ctime_s, records[i].stamp.ctime_ns, now) &&
            settled(records[i].stamp.mtime_s, records[i].stamp.mtime_ns, now))
            kept[nkept++] = records[i];
    ath_buf text = ATH_BUF_INIT;
    ath_ids_cache_format(&text, kept, nkept);
    free(kept);
    /* The process's own name: parallel runs each write theirs, the last rename wins. */
    char tmp[64];
    snprintf(tmp, sizeof(tmp), ATH_IDS_CACHE_DIR "/" ATH_IDS_CACHE_FILE ".%ld.tmp",
             (long)getpid());
    if (ath_buf_check(&text) != 0 ||
        (mkdirat(dirfd, ATH_IDS_CACHE_DIR, 0777) != 0 && errno != EEXIST)) {
        ath_buf_free(&text);
        ath_error_clear();
        return;
    }
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    bool ok = fd >= 0 && write_all(fd, text.ptr, text.len);
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (fd >= 0 && (!ok || renameat(dirfd, tmp, dirfd,
                                    ATH_IDS_CACHE_DIR "/" ATH_IDS_CACHE_FILE) != 0))
        unlinkat(dirfd, tmp, 0);
    ath_buf_free(&text);
}
