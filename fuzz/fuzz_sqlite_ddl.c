/*
 * libFuzzer target: the reader of SQLite's stored CREATE TABLE and CREATE
 * INDEX text. Every input is tried as both; what is read must be whole. And
 * whatever CREATE statement SQLite itself accepts, the reader must read back
 * from sqlite_master, since introspection depends on it.
 */
#include "athanor.h"
#include "backend/sqlite_ddl_parse.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every byte of a string the parser returned (ASan checks the bounds). */
static size_t touch(const char *s)
{
    if (!s)
        abort();
    return strlen(s);
}

static void check_table(const ath_sqlite_table_def *def)
{
    touch(def->name);
    for (size_t i = 0; i < def->ncolumns; i++) {
        touch(def->columns[i].name);
        touch(def->columns[i].type);
        if (def->columns[i].default_sql)
            touch(def->columns[i].default_sql);
    }
    for (size_t i = 0; i < def->nconstraints; i++) {
        const ath_sqlite_cons *c = &def->constraints[i];
        for (size_t k = 0; k < c->ncolumns; k++)
            touch(c->columns[k]);
        if (c->kind == ATH_SQLITE_CONS_CHECK && touch(c->check) == 0)
            abort();
        if (c->kind == ATH_SQLITE_CONS_FOREIGN_KEY) {
            touch(c->ref_table);
            for (size_t k = 0; k < c->nref_columns; k++)
                touch(c->ref_columns[k]);
        }
        if (c->kind != ATH_SQLITE_CONS_CHECK && c->ncolumns == 0)
            abort();
    }
}

static void check_index(const ath_sqlite_index_def *def)
{
    touch(def->name);
    touch(def->table);
    if (def->nelems == 0)
        abort();
    for (size_t i = 0; i < def->nelems; i++) {
        const ath_sqlite_index_elem *e = &def->elems[i];
        if (touch(e->text) == 0 || touch(e->expr) == 0 || touch(e->text) < strlen(e->expr))
            abort();
        if (e->column)
            touch(e->column);
    }
    if (def->where && touch(def->where) == 0)
        abort();
}

static bool starts_with_create(const char *sql)
{
    while (*sql == ' ' || (*sql >= '\t' && *sql <= '\r'))
        sql++;
    return strncmp(sql, "CREATE", 6) == 0 || strncmp(sql, "create", 6) == 0;
}

/* Stops statements that run too long (CREATE TABLE ... AS SELECT can loop). */
static int enough(void *steps) { return ++*(int *)steps > 1000; }

/* Runs the input's first statement, only if it is a CREATE, in a memory database. */
static void check_what_sqlite_accepts(ath_arena *arena, const char *text)
{
    if (!starts_with_create(text))
        return;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
        sqlite3_close(db);
        return;
    }
    int steps = 0;
    sqlite3_progress_handler(db, 1000, enough, &steps);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, text, -1, &stmt, NULL) == SQLITE_OK && stmt &&
        starts_with_create(sqlite3_sql(stmt)) && sqlite3_step(stmt) == SQLITE_DONE) {
        sqlite3_finalize(stmt);
        stmt = NULL;
        sqlite3_prepare_v2(db, "SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL", -1,
                           &stmt, NULL);
        while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
            const char *type = (const char *)sqlite3_column_text(stmt, 0);
            const char *sql = (const char *)sqlite3_column_text(stmt, 1);
            if (!type || !sql)
                continue;
            ath_sqlite_table_def *table;
            ath_sqlite_index_def *index;
            if (strcmp(type, "table") == 0 &&
                ath_sqlite_parse_create_table(&table, arena, sql) == ATH_EPARSE)
                abort();
            if (strcmp(type, "index") == 0 &&
                ath_sqlite_parse_create_index(&index, arena, sql) == ATH_EPARSE)
                abort();
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    ath_arena *arena = ath_arena_new();
    if (!text || !arena) {
        free(text);
        ath_arena_free(arena);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    ath_sqlite_table_def *table;
    int rc = ath_sqlite_parse_create_table(&table, arena, text);
    if (rc == 0)
        check_table(table);
    else if (rc != ATH_EPARSE && rc != ATH_ENOMEM)
        abort();
    ath_sqlite_index_def *index;
    rc = ath_sqlite_parse_create_index(&index, arena, text);
    if (rc == 0)
        check_index(index);
    else if (rc != ATH_EPARSE && rc != ATH_ENOMEM)
        abort();
    check_what_sqlite_accepts(arena, text);
    ath_arena_free(arena);
    free(text);
    return 0;
}
