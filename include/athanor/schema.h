/*
 * The Schema model: tables, columns, types, keys, indexes, constraints and
 * enum types, as SQLAlchemy describes them. Every object lives in the arena
 * the schema was made in. Comparison and normalisation of types live here too;
 * SQL rendering of a type per dialect is in ath_type_sql.
 */
#ifndef ATHANOR_SCHEMA_H
#define ATHANOR_SCHEMA_H

#include "athanor/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { ATH_DIALECT_SQLITE, ATH_DIALECT_POSTGRESQL } ath_dialect;

const char *ath_dialect_name(ath_dialect dialect);
/* "sqlite" / "postgresql" (also "postgres") -> dialect; ATH_EINVAL otherwise. */
int ath_dialect_parse(ath_dialect *out, const char *name);

/* SQLAlchemy's generic types; anything else is ATH_TYPE_OTHER, kept by name. */
typedef enum {
    ATH_TYPE_INTEGER,
    ATH_TYPE_BIGINT,
    ATH_TYPE_SMALLINT,
    ATH_TYPE_BOOLEAN,
    ATH_TYPE_STRING,      /* length, optional */
    ATH_TYPE_TEXT,
    ATH_TYPE_UNICODE,
    ATH_TYPE_UNICODE_TEXT,
    ATH_TYPE_FLOAT,       /* precision, optional: <= 24 is REAL on PostgreSQL */
    ATH_TYPE_NUMERIC,     /* precision, scale, optional */
    ATH_TYPE_DATETIME,    /* timezone */
    ATH_TYPE_DATE,
    ATH_TYPE_TIME,        /* timezone */
    ATH_TYPE_INTERVAL,
    ATH_TYPE_LARGEBINARY,
    ATH_TYPE_ENUM,        /* name, values; native on PostgreSQL */
    ATH_TYPE_JSON,
    ATH_TYPE_UUID,
    ATH_TYPE_CHAR,        /* CHAR(n): fixed-length string */
    ATH_TYPE_ARRAY,       /* item, dimensions */
    ATH_TYPE_OTHER        /* a dialect type kept by name and arguments: JSONB, INET, CITEXT */
} ath_type_kind;

typedef struct ath_type {
    ath_type_kind kind;
    int length;               /* String/Char length; -1 when not given */
    int precision;            /* Numeric/Float precision; -1 when not given */
    int scale;                /* Numeric scale; -1 when not given */
    bool timezone;            /* DateTime, Time */
    const char *name;         /* enum type name, or the OTHER type's name, upper case (JSONB) */
    const char *args;         /* OTHER: argument text without parentheses ("6" for TIMESTAMP(6)); NULL if none */
    const char **values;      /* enum labels in order */
    size_t nvalues;
    struct ath_type *item;    /* ARRAY element type */
    int dimensions;           /* ARRAY dimensions; 1 unless more are given */
} ath_type;

/* A type with all optional parameters unset. */
ath_type ath_type_make(ath_type_kind kind);

/* Autoincrement as SQLAlchemy spells it: "auto" unless said otherwise. */
typedef enum { ATH_AUTOINC_AUTO, ATH_AUTOINC_TRUE, ATH_AUTOINC_FALSE } ath_autoinc;
typedef enum { ATH_IDENTITY_NONE, ATH_IDENTITY_ALWAYS, ATH_IDENTITY_BY_DEFAULT } ath_identity;

typedef struct ath_column {
    const char *name;
    ath_type type;
    bool nullable;
    const char *server_default;  /* SQL expression text as the database shows it; NULL if none */
    ath_autoinc autoincrement;   /* from a database: TRUE for serial / rowid / identity columns */
    ath_identity identity;
    const char *comment;         /* NULL if none */
} ath_column;

typedef struct ath_primary_key {
    const char *name;            /* NULL when the database chose it (SQLite) */
    const char **columns;
    size_t ncolumns;
} ath_primary_key;

/*
 * Constraints other than the primary key carry `seq`, their place in the
 * order the table declares them (SQLAlchemy's creation order), counted from 1
 * across kinds; 0 when unknown, as for a schema read from a database. DDL
 * writes them in that order.
 */
typedef struct ath_unique {
    unsigned seq;
    const char *name;            /* NULL when unnamed */
    const char **columns;
    size_t ncolumns;
} ath_unique;

typedef struct ath_index_elem {
    const char *text;            /* a column name, or an expression's SQL */
    bool expression;
} ath_index_elem;

typedef struct ath_index {
    const char *name;
    bool unique;
    ath_index_elem *elems;
    size_t nelems;
    const char *where;           /* partial index predicate; NULL if none */
} ath_index;

typedef struct ath_foreign_key {
    unsigned seq;
    const char *name;            /* NULL when unnamed */
    const char **columns;
    size_t ncolumns;
    const char *ref_schema;      /* NULL: the default schema */
    const char *ref_table;
    const char **ref_columns;
    const char *ondelete;        /* "CASCADE", "SET NULL", ...; NULL for the default (NO ACTION) */
    const char *onupdate;
    bool deferrable;
    const char *initially;       /* "DEFERRED" / "IMMEDIATE"; NULL if not given */
    bool use_alter;              /* models' use_alter=True: added by ALTER TABLE after the tables */
} ath_foreign_key;

typedef struct ath_check {
    unsigned seq;
    const char *name;            /* NULL when unnamed */
    const char *sqltext;         /* the condition, without CHECK ( ) */
} ath_check;

typedef struct ath_table {
    const char *schema;          /* NULL: the default schema */
    const char *name;
    const char *comment;
    ath_column *columns;         /* in table order */
    size_t ncolumns, columns_cap;
    ath_primary_key pk;          /* ncolumns == 0 when there is none */
    ath_unique *uniques;
    size_t nuniques, uniques_cap;
    ath_index *indexes;
    size_t nindexes, indexes_cap;
    ath_foreign_key *fks;
    size_t nfks, fks_cap;
    ath_check *checks;
    size_t nchecks, checks_cap;
} ath_table;

typedef struct ath_enum {
    const char *schema;
    const char *name;
    const char **values;
    size_t nvalues;
} ath_enum;

typedef struct ath_schema {
    ath_arena *arena;            /* borrowed: owns everything below */
    ath_table *tables;
    size_t ntables, tables_cap;
    ath_enum *enums;             /* PostgreSQL enum types */
    size_t nenums, enums_cap;
} ath_schema;

/* An empty schema whose objects will live in `arena`; NULL when out of memory. */
ath_schema *ath_schema_new(ath_arena *arena);

/*
 * Appends an object and returns it, zeroed but for the names given, or NULL
 * when out of memory. The pointer stays valid only until the next object of
 * the same kind is added to the same parent (the arrays grow by moving).
 */
ath_table *ath_schema_add_table(ath_schema *schema, const char *schema_name, const char *name);
ath_enum *ath_schema_add_enum(ath_schema *schema, const char *schema_name, const char *name);
ath_column *ath_table_add_column(ath_schema *schema, ath_table *table, const char *name);
ath_unique *ath_table_add_unique(ath_schema *schema, ath_table *table);
ath_index *ath_table_add_index(ath_schema *schema, ath_table *table);
ath_foreign_key *ath_table_add_fk(ath_schema *schema, ath_table *table);
ath_check *ath_table_add_check(ath_schema *schema, ath_table *table);

ath_table *ath_schema_find_table(const ath_schema *schema, const char *schema_name,
                                 const char *name);
ath_column *ath_table_find_column(const ath_table *table, const char *name);

/*
 * Sorts tables (by schema, then name), enums, and each table's uniques,
 * indexes, foreign keys and checks into one deterministic order. Columns keep
 * their table order. For a schema read from a database; a schema read from
 * models keeps its declaration order (seq) instead.
 */
void ath_schema_sort(ath_schema *schema);

/*
 * Parses a type as a database reports or declares it ("character varying(80)",
 * "VARCHAR(80)", "double precision", "integer[]", "timestamp with time zone",
 * "NUMERIC(10, 2)") into `out`, normalised so that it compares equal to the
 * SQLAlchemy type that creates it. Unknown names become ATH_TYPE_OTHER.
 * Strings live in `arena`. ATH_EPARSE for text that is no type at all.
 */
int ath_type_parse_sql(ath_type *out, ath_arena *arena, ath_dialect dialect, const char *text);

/*
 * True when the two types create the same column type on `dialect`
 * (String(80) and VARCHAR(80); Float and double precision; Unicode and String).
 */
bool ath_type_equal(const ath_type *a, const ath_type *b, ath_dialect dialect);

/* Appends the DDL spelling SQLAlchemy's compiler emits for `type` on `dialect`. */
void ath_type_sql(ath_buf *out, const ath_type *type, ath_dialect dialect);
/* Appends SQLAlchemy's spelling of the type: "String(length=80)", "DateTime(timezone=True)". */
void ath_type_sqla(ath_buf *out, const ath_type *type);

#ifdef __cplusplus
}
#endif
#endif
