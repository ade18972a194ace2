/*
 * The script writer: an Op list to the text of an Alembic migration script,
 * byte for byte as `flask db migrate` (Flask-Migrate 4, Alembic 1.8) writes
 * it with its default single-database template; plus the revision id, the
 * create date and the file name. It writes text only, never files.
 */
#ifndef ATHANOR_SCRIPT_H
#define ATHANOR_SCRIPT_H

#include "athanor/common.h"
#include "athanor/ops.h"
#include "athanor/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The module-level identifiers and docstring of one script. Borrowed strings. */
typedef struct ath_script_meta {
    const char *message;     /* the docstring's first line; NULL is written "None", as Alembic does */
    const char *revision;    /* required */
    const char *const *down_revisions; /* 0: None, 1: 'a', more: ('a', 'b') */
    size_t ndown_revisions;
    const char *const *branch_labels; /* 0: None, else a tuple ('x',) */
    size_t nbranch_labels;
    const char *const *depends_on;    /* 0: None, 1: 'a', more: a tuple */
    size_t ndepends_on;
    const char *create_date; /* as written after "Create Date: "; see ath_script_date_now */
} ath_script_meta;

/*
 * Appends the script text to `out`. `up` are the ops of upgrade() and `down`
 * those of downgrade(), written in order; consecutive ops flagged batch on
 * the same table share one `with op.batch_alter_table(...)` block, and an
 * empty list is `pass` (between the autogenerate comment markers for an
 * empty `down` of a non-empty `up`, as autogenerate writes it). As in autogenerate, `up` goes from the database to
 * the models and `down` back: types and server defaults that come from the
 * database (existing_type and existing_server_default in `up`; type_,
 * server_default, added columns and created tables in `down`) are written
 * in the spelling reflection gives on `dialect` (sa.VARCHAR(length=80),
 * postgresql.TIMESTAMP(), sa.text("'0'")), the others as the models spell
 * them (sa.String(length=80), '0'); index names of the form ix_<table>_<col>
 * on the models' side are written op.f('...').
 * An added enum value is written as
 * `sa.DDL("ALTER TYPE ... ADD VALUE IF NOT EXISTS ...").execute_if(
 * dialect='postgresql')(None, op.get_bind())`, which only PostgreSQL runs.
 * Errors: ATH_EINVAL (no revision id, a malformed op), ATH_EUNSUPPORTED
 * (bulk_insert, which has no writer yet); `out` may then hold part of the
 * text.
 */
int ath_script_write(ath_buf *out, const ath_script_meta *meta, const ath_op *up, size_t nup,
                     const ath_op *down, size_t ndown, ath_dialect dialect);

/*
 * Appends the text `flask db merge` writes: both bodies `pass`, down_revision
 * the tuple of the merged heads. ATH_EINVAL unless meta has a revision and at
 * least two down revisions.
 */
int ath_script_write_merge(ath_buf *out, const ath_script_meta *meta);

/* Twelve random lower-case hex digits and a NUL into `out` (as Alembic's
 * uuid4().hex[-12:]). ATH_EIO when the system has no randomness to give. */
int ath_script_new_id(char out[13]);

/* The local time as Python's str(datetime.now()) spells it:
 * "2024-01-03 10:00:00.123456" (no fraction when it is zero). */
void ath_script_date_now(char *out, size_t size);

/*
 * Appends "<revision>_<slug>.py": the slug is the message's runs of word
 * characters joined by '_', lower-cased, and when longer than 40 characters
 * cut to 40 and back to the last '_' (kept). A NULL message gives "<rev>_.py".
 */
void ath_script_filename(ath_buf *out, const char *revision, const char *message);

#ifdef __cplusplus
}
#endif
#endif
