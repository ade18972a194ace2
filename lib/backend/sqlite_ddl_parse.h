/*
 * Reading SQLite's CREATE TABLE and CREATE INDEX statements, as sqlite_master
 * keeps them, for what the pragmas do not tell: constraint names, CHECK
 * texts, DEFERRABLE, index expressions and WHERE clauses. It does not
 * validate expressions; it only finds where they begin and end.
 */
#ifndef ATH_LIB_SQLITE_DDL_PARSE_H
#define ATH_LIB_SQLITE_DDL_PARSE_H

#include "athanor.h"

typedef enum {
    ATH_SQLITE_CONS_PRIMARY_KEY,
    ATH_SQLITE_CONS_UNIQUE,
    ATH_SQLITE_CONS_CHECK,
    ATH_SQLITE_CONS_FOREIGN_KEY
} ath_sqlite_cons_kind;

/*
 * One constraint, written in a column definition or at table level. A
 * column-level constraint lists its column as its only column.
 */
typedef struct ath_sqlite_cons {
    ath_sqlite_cons_kind kind;
    const char *name; /* CONSTRAINT name, unquoted; NULL if none */
    bool column_level;
    const char **columns; /* PRIMARY KEY, UNIQUE, FOREIGN KEY: unquoted names */
    size_t ncolumns;
    bool autoincrement;       /* PRIMARY KEY ... AUTOINCREMENT */
    bool desc;                /* column-level PRIMARY KEY DESC */
    const char *check;        /* CHECK: the expression as written, without CHECK ( ) */
    const char *ref_table;    /* FOREIGN KEY: unquoted */
    const char **ref_columns; /* FOREIGN KEY: NULL when the clause names none */
    size_t nref_columns;
    const char *on_delete; /* "CASCADE", "SET NULL", "NO ACTION" ...; NULL if not written */
    const char *on_update;
    bool deferrable;       /* DEFERRABLE (not NOT DEFERRABLE) */
    const char *initially; /* "DEFERRED" / "IMMEDIATE"; NULL if not written */
} ath_sqlite_cons;

typedef struct ath_sqlite_coldef {
    const char *name;        /* unquoted */
    const char *type;        /* declared type as written; "" when none */
    const char *default_sql; /* DEFAULT as written (parentheses kept); NULL if none */
    const char *collation;   /* COLLATE name, unquoted; NULL if none */
    bool not_null;
    bool generated; /* [GENERATED ALWAYS] AS (expr) */
} ath_sqlite_coldef;

typedef struct ath_sqlite_table_def {
    const char *schema_name; /* "main" in main.t; NULL if not written */
    const char *name;
    bool is_virtual; /* CREATE VIRTUAL TABLE: nothing else is read */
    bool as_select;  /* CREATE TABLE ... AS SELECT: no columns are read */
    bool without_rowid;
    bool strict;
    ath_sqlite_coldef *columns;
    size_t ncolumns, columns_cap;
    ath_sqlite_cons *constraints; /* in the order written, column-level ones included */
    size_t nconstraints, constraints_cap;
} ath_sqlite_table_def;

/* One indexed column or expression of CREATE INDEX, PRIMARY KEY (...) or UNIQUE (...). */
typedef struct ath_sqlite_index_elem {
    const char *text;      /* the whole element as written */
    const char *expr;      /* as written, without a trailing COLLATE, ASC or DESC */
    const char *column;    /* unquoted name when the element is a plain column, else NULL */
    const char *collation; /* trailing COLLATE name, unquoted; NULL if none */
    bool desc;
} ath_sqlite_index_elem;

typedef struct ath_sqlite_index_def {
    const char *schema_name;
    const char *name;
    const char *table;
    bool unique;
    ath_sqlite_index_elem *elems;
    size_t nelems, elems_cap;
    const char *where; /* partial index predicate as written; NULL if none */
} ath_sqlite_index_def;

/*
 * Parses one CREATE TABLE statement (a trailing ';' is allowed). The result
 * and all its strings live in `arena`. ATH_EPARSE with a message naming the
 * line, column and token for text that is no CREATE TABLE; ATH_ENOMEM.
 */
int ath_sqlite_parse_create_table(ath_sqlite_table_def **out, ath_arena *arena, const char *sql);

/* Parses one CREATE [UNIQUE] INDEX statement; errors as above. */
int ath_sqlite_parse_create_index(ath_sqlite_index_def **out, ath_arena *arena, const char *sql);

#endif
