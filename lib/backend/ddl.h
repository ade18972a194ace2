/*
 * The pieces of SQLAlchemy's DDL spelling that ddl.c writes CREATE statements
 * with, shared with render.c so that an op renders a table, column, index or
 * constraint exactly as create_all() does. Each appends one piece without a
 * statement terminator; none allocates anything but the buffer.
 */
#ifndef ATH_LIB_BACKEND_DDL_H
#define ATH_LIB_BACKEND_DDL_H

#include "athanor.h"

/* [schema.]name, each part quoted as needed. */
void ath_ddl_table_name(ath_buf *out, ath_dialect d, const char *schema, const char *name);
/* a, b, c: quoted identifiers separated by ", ". */
void ath_ddl_name_list(ath_buf *out, ath_dialect d, const char **names, size_t n);
/* "name TYPE [DEFAULT x] [NOT NULL]" as in CREATE TABLE; `t` decides SERIAL. */
void ath_ddl_column_spec(ath_buf *out, ath_dialect d, const ath_table *t, const ath_column *c);
/* "[CONSTRAINT name ]FOREIGN KEY(a) REFERENCES t (b) [ON DELETE ...]..." */
void ath_ddl_fk_spec(ath_buf *out, ath_dialect d, const ath_foreign_key *fk);
/* "[CONSTRAINT name ]UNIQUE (a, b)" */
void ath_ddl_unique_spec(ath_buf *out, ath_dialect d, const ath_unique *u);
/* "[CONSTRAINT name ]CHECK (cond)" */
void ath_ddl_check_spec(ath_buf *out, ath_dialect d, const ath_check *c);
/* "[CONSTRAINT name ]PRIMARY KEY (a, b)" */
void ath_ddl_pk_spec(ath_buf *out, ath_dialect d, const ath_primary_key *pk);
/* CREATE TABLE ... ( ... ) of `t` under the name `as_name` (NULL: its own),
 * without its indexes or comments. `deferred` (may be NULL) marks foreign
 * keys to leave out. */
void ath_ddl_create_table(ath_buf *out, ath_dialect d, const ath_table *t, const char *as_name,
                          const bool *deferred);
/* CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table (elems) [WHERE ...];
 * `concurrently` is PostgreSQL's postgresql_concurrently=True. */
void ath_ddl_create_index(ath_buf *out, ath_dialect d, const ath_table *t, const ath_index *ix,
                          bool concurrently);
/* COMMENT ON TABLE t / COLUMN t.c IS 'text' (NULL text: IS NULL). */
void ath_ddl_comment_on(ath_buf *out, ath_dialect d, const char *schema, const char *table,
                        const char *column, const char *text);
/* CREATE TYPE name AS ENUM ('a', 'b') */
void ath_ddl_create_type(ath_buf *out, const ath_enum *e);

#endif
