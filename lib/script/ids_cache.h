/*
 * The identifiers of unchanged scripts, kept between runs as Python keeps
 * compiled modules: in versions/__pycache__/athanor-ids, one record per
 * script that read cleanly, stamped with the file's size, mtime, ctime and
 * inode. A record is used only when all four still match; a script changed
 * less than two seconds before the cache was written is not recorded (a
 * change within the file system's timestamp granularity could go unseen:
 * git's "racily clean" entries). The cache is only ever a shortcut: a file
 * that is missing, unreadable, of another version or damaged is ignored as
 * a whole, and failing to write it is not an error.
 */
#ifndef ATH_LIB_SCRIPT_IDS_CACHE_H
#define ATH_LIB_SCRIPT_IDS_CACHE_H

#include "athanor.h"
#include "athanor/revision.h"

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

/* The cache's place in a versions folder. */
#define ATH_IDS_CACHE_DIR "__pycache__"
#define ATH_IDS_CACHE_FILE "athanor-ids"

/* What identifies one version of a file. */
typedef struct ath_ids_stamp {
    long long size;
    long long mtime_s, mtime_ns, ctime_s, ctime_ns;
    unsigned long long ino;
} ath_ids_stamp;

typedef struct ath_ids_record {
    const char *name; /* the file's name in the folder */
    ath_ids_stamp stamp;
    ath_revision_decl decl; /* path NULL: the reader sets it */
} ath_ids_record;

/* Records sorted by name, all in one arena. */
typedef struct ath_ids_cache {
    ath_ids_record *records;
    size_t count;
} ath_ids_cache;

void ath_ids_stamp_of(ath_ids_stamp *out, const struct stat *st);

/*
 * Parses a cache file's `len` bytes into *out (strings in `arena`). Anything
 * but a well-formed cache of this version, with its records in name order,
 * gives an empty cache: returns false.
 */
bool ath_ids_cache_parse(ath_ids_cache *out, ath_arena *arena, const char *text, size_t len);

/* Reads the cache of the versions folder open as `dirfd`; empty when there is none. */
void ath_ids_cache_load(ath_ids_cache *out, ath_arena *arena, int dirfd);

/* The record of `name` if its stamp is `stamp`, else NULL. */
const ath_ids_record *ath_ids_cache_find(const ath_ids_cache *cache, const char *name,
                                         const ath_ids_stamp *stamp);

/* Appends the cache text of `n` records (in name order) to `out`. */
void ath_ids_cache_format(ath_buf *out, const ath_ids_record *records, size_t n);

/*
 * Writes the records (in name order) as the cache of the versions folder
 * open as `dirfd`, replacing the file at once (a new file renamed over it, so
 * that parallel runs never see half a cache), leaving out records whose file
 * changed less than two seconds before `now` (the real-time clock).
 * Best effort: nothing is reported.
 */
void ath_ids_cache_store(int dirfd, const ath_ids_record *records, size_t n,
                         const struct timespec *now);

#endif
