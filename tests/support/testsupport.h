/*
 * Shared by the cmocka tests: a fresh PostgreSQL database per test on the
 * throwaway server the test command starts, and temporary SQLite files.
 */
#ifndef ATH_TESTSUPPORT_H
#define ATH_TESTSUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "athanor.h"

/*
 * URL of a new, empty PostgreSQL database named after `tag` (dropped first if
 * it exists), on the server in ATHANOR_TEST_PG_URL. Without that variable the
 * calling test is skipped, except under CI=true, where it fails. The string is
 * malloc'd; free it.
 */
char *ts_pg_fresh_db(const char *tag);

/* A path for a new SQLite file in a fresh temporary directory; malloc'd. */
char *ts_sqlite_path(const char *tag);

/* "sqlite:///" + path; malloc'd. */
char *ts_sqlite_url(const char *path);

/* Opens `url` or fails the test with the library's message. */
ath_backend *ts_open(const char *url);

/* Runs SQL or fails the test with the library's message. */
void ts_exec(ath_backend *backend, const char *sql);

/* ---- building schemas by hand ---- */

/* An arena array of the `n` strings that follow. */
const char **ts_strs(ath_arena *arena, size_t n, ...);
/* Adds column `name` of a type of `kind` (other parameters unset). */
ath_column *ts_col(ath_schema *schema, ath_table *table, const char *name, ath_type_kind kind,
                   bool nullable);
/* Adds an index on the `n` columns `cols`. */
ath_index *ts_index(ath_schema *schema, ath_table *table, const char *name, bool unique, size_t n,
                    const char **cols);

#endif
