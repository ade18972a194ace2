/*
 * The migration history test_render_sqlite.c and test_render_postgres.c run
 * on a real database: each step's ops rendered with ath_render_op /
 * ath_render_batch and executed statement by statement in one transaction,
 * as the runner does; after every step the database's schema must equal what
 * ath_ops_apply computes in memory, and every row must still be there.
 */
#ifndef ATH_TEST_RENDER_SCENARIO_H
#define ATH_TEST_RENDER_SCENARIO_H

#include "athanor/ops.h"
#include "backend/render.h"
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPOSTS 1000

/* An index definition for a create_index op, not part of any table yet. */
static ath_index *detached_index(ath_arena *a, const char *name, bool unique, size_t n,
                                 const char **cols)
{
    ath_index *ix = ath_arena_alloc(a, sizeof(*ix));
    assert_non_null(ix);
    ix->name = name;
    ix->unique = unique;
    ix->elems = ath_arena_alloc(a, n * sizeof(*ix->elems));
    assert_non_null(ix->elems);
    for (size_t i = 0; i < n; i++)
        ix->elems[i].text = cols[i];
    ix->nelems = n;
    return ix;
}

static void fk_to(ath_arena *a, ath_foreign_key *fk, unsigned seq, const char *name,
                  const char *column, const char *ref)
{
    fk->seq = seq;
    fk->name = name;
    fk->columns = ts_strs(a, 1, column);
    fk->ncolumns = 1;
    fk->ref_table = ref;
    fk->ref_columns = ts_strs(a, 1, "id");
}

/* A schema as introspection reports it: no declaration order, no autoincrement
 * flag, sorted; as JSON. malloc'd. */
static char *normal_json(const ath_schema *src)
{
    ath_arena *a = ath_arena_new();
    ath_schema *s = NULL;
    assert_int_equal(ath_schema_copy(&s, a, src), 0);
    for (size_t i = 0; i < s->ntables; i++) {
        ath_table *t = &s->tables[i];
        for (size_t c = 0; c < t->ncolumns; c++)
            t->columns[c].autoincrement = ATH_AUTOINC_AUTO;
        for (size_t k = 0; k < t->nuniques; k++)
            t->uniques[k].seq = 0;
        for (size_t k = 0; k < t->nfks; k++)
            t->fks[k].seq = 0;
        for (size_t k = 0; k < t->nchecks; k++)
            t->checks[k].seq = 0;
    }
    ath_schema_sort(s);
    ath_buf out = ATH_BUF_INIT;
    assert_int_equal(ath_schema_to_json(&out, s), 0);
    ath_arena_free(a);
    return ath_buf_detach(&out);
}

/* Runs a step's statements in one transaction, as the runner does: on SQLite
 * a rebuild runs with foreign keys off and is checked before COMMIT. */
static void run_step(ath_backend *be, const ath_stmts *list)
{
    bool sqlite = ath_backend_dialect(be) == ATH_DIALECT_SQLITE;
    bool rebuild = false;
    for (size_t i = 0; i < list->count; i++)
        rebuild |= (list->items[i].flags & ATH_STMT_REBUILD) != 0;
    if (sqlite && rebuild)
        ts_exec(be, "PRAGMA foreign_keys=OFF");
    assert_int_equal(ath_backend_begin(be), 0);
    for (size_t i = 0; i < list->count; i++) {
        if (ath_backend_exec(be, list->items[i].sql) != 0)
            fail_msg("statement failed: %s", ath_error_last());
    }
    if (sqlite) {
        ath_arena *a = ath_arena_new();
        ath_rows rows;
        assert_int_equal(ath_backend_query(&rows, a, be, "PRAGMA foreign_key_check", NULL, 0), 0);
        assert_int_equal(rows.nrows, 0);
        ath_arena_free(a);
    }
    assert_int_equal(ath_backend_commit(be), 0);
    if (sqlite)
        ts_exec(be, "PRAGMA foreign_keys=ON");
}

/* One step: `n` ops rendered against `cur` (one batch block when `batch`),
 * run, applied to `cur`; then the database must match `cur`. */
static void step(ath_backend *be, ath_schema *cur, ath_op *ops, size_t n, bool batch)
{
    ath_dialect d = ath_backend_dialect(be);
    ath_arena *a = ath_arena_new();
    ath_stmts list;
    ath_stmts_init(&list, a);
    for (size_t i = 0; i < n; i++)
        ops[i].batch = batch;
    int rc = batch ? ath_render_batch(&list, ops, n, cur, d) : 0;
    /* Each op renders against the schema the ops before it left. */
    for (size_t i = 0; !batch && i < n && !rc; i++) {
        rc = ath_render_op(&list, &ops[i], cur, d);
        if (!rc)
            rc = ath_ops_apply(cur, &ops[i], 1, d, 0, NULL, NULL);
    }
    if (rc)
        fail_msg("render: %s", ath_error_last());
    if (batch && ath_ops_apply(cur, ops, n, d, 0, NULL, NULL) != 0)
        fail_msg("apply: %s", ath_error_last());
    run_step(be, &list);

    ath_schema *db = NULL;
    if (ath_backend_introspect(&db, a, be) != 0)
        fail_msg("introspect: %s", ath_error_last());
    char *want = normal_json(cur), *got = normal_json(db);
    if (strcmp(got, want) != 0) {
        /* Whole documents: cmocka cuts long strings short. */
        fprintf(stderr, "database:\n%s\nin memory:\n%s\n", got, want);
        fail_msg("the database's schema differs from ath_ops_apply's");
    }
    free(want);
    free(got);
    ath_arena_free(a);
}

/* count, sum of ids and of title lengths: changes when any row is lost or altered. */
static char *fingerprint(ath_backend *be, const char *sql)
{
    ath_arena *a = ath_arena_new();
    ath_rows rows;
    if (ath_backend_query(&rows, a, be, sql, NULL, 0) != 0)
        fail_msg("query: %s", ath_error_last());
    assert_int_equal(rows.nrows, 1);
    ath_buf b = ATH_BUF_INIT;
    for (size_t i = 0; i < rows.ncols; i++)
        ath_buf_printf(&b, "%s|", rows.values[i] ? rows.values[i] : "NULL");
    ath_arena_free(a);
    return ath_buf_detach(&b);
}

static ath_op table_op(ath_op_kind kind, const char *table)
{
    ath_op op = ath_op_make(kind);
    op.table = table;
    return op;
}

/*
 * user (id, email, name; ix_user_email), post (id, title, body, user_id;
 * uq_post_title, fk_post_user, ck_post_id; ix_post_user_id,
 * ix_post_title_body) and remark (id, post_id -> post), filled with
 * NPOSTS posts and remarks; then native ALTERs, a batch rebuild of post (a
 * table with foreign keys out and in, indexes and rows), a constraint added to
 * user (a rebuild on SQLite of a table others refer to), a renamed table.
 */
static void run_scenario(ath_backend *be)
{
    ath_dialect d = ath_backend_dialect(be);
    bool pg = d == ATH_DIALECT_POSTGRESQL;
    ath_arena *a = ath_arena_new();
    ath_schema *cur = ath_schema_new(a);
    ath_schema *defs = ath_schema_new(a);
    if (!pg)
        ts_exec(be, "PRAGMA foreign_keys=ON");

    ath_table *u = ath_schema_add_table(defs, NULL, "user");
    ts_col(defs, u, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(defs, u, "email", ATH_TYPE_STRING, true)->type.length = 120;
    ts_col(defs, u, "name", ATH_TYPE_STRING, true)->type.length = 50;
    u->pk.name = pg ? "pk_user" : NULL;
    u->pk.columns = ts_strs(a, 1, "id");
    u->pk.ncolumns = 1;

    ath_table *p = ath_schema_add_table(defs, NULL, "post");
    ts_col(defs, p, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(defs, p, "title", ATH_TYPE_STRING, false)->type.length = 200;
    ts_col(defs, p, "body", ATH_TYPE_TEXT, true);
    ts_col(defs, p, "user_id", ATH_TYPE_INTEGER, true);
    p->pk.name = pg ? "pk_post" : NULL;
    p->pk.columns = ts_strs(a, 1, "id");
    p->pk.ncolumns = 1;
    ath_unique *uq = ath_table_add_unique(defs, p);
    uq->seq = 1;
    uq->name = "uq_post_title";
    uq->columns = ts_strs(a, 1, "title");
    uq->ncolumns = 1;
    fk_to(a, ath_table_add_fk(defs, p), 2, "fk_post_user", "user_id", "user");
    ath_check *ck = ath_table_add_check(defs, p);
    ck->seq = 3;
    ck->name = "ck_post_id";
    ck->sqltext = "id > 0";
    ts_index(defs, p, "ix_post_user_id", false, 1, ts_strs(a, 1, "user_id"));
    ts_index(defs, p, "ix_post_title_body", true, 2, ts_strs(a, 2, "title", "body"));

    ath_table *r = ath_schema_add_table(defs, NULL, "remark");
    ts_col(defs, r, "id", ATH_TYPE_INTEGER, false)->autoincrement = ATH_AUTOINC_TRUE;
    ts_col(defs, r, "post_id", ATH_TYPE_INTEGER, false);
    r->pk.name = pg ? "pk_remark" : NULL;
    r->pk.columns = ts_strs(a, 1, "id");
    r->pk.ncolumns = 1;
    fk_to(a, ath_table_add_fk(defs, r), 1, "fk_remark_post", "post_id", "post");

    /* 1: the tables. */
    ath_op ops[8];
    ops[0] = table_op(ATH_OP_CREATE_TABLE, "user");
    ops[0].u.table_def = ath_schema_find_table(defs, NULL, "user");
    ops[1] = table_op(ATH_OP_CREATE_TABLE, "post");
    ops[1].u.table_def = ath_schema_find_table(defs, NULL, "post");
    ops[2] = table_op(ATH_OP_CREATE_TABLE, "remark");
    ops[2].u.table_def = ath_schema_find_table(defs, NULL, "remark");
    ath_op ix = table_op(ATH_OP_CREATE_INDEX, "user");
    ix.u.index.name = "ix_user_email";
    ix.u.index.def = detached_index(a, "ix_user_email", false, 1, ts_strs(a, 1, "email"));
    ops[3] = ix;
    step(be, cur, ops, 4, false);

    /* 2: the rows, with bulk_insert. */
    ath_literal *uv = ath_arena_alloc(a, 10 * 3 * sizeof(*uv));
    for (int i = 0; i < 10; i++) {
        uv[i * 3] = (ath_literal){ATH_LIT_INT, ath_arena_printf(a, "%d", i + 1)};
        uv[i * 3 + 1] = (ath_literal){ATH_LIT_STRING, ath_arena_printf(a, "u%d@x.org", i)};
        uv[i * 3 + 2] = (ath_literal){i % 2 ? ATH_LIT_STRING : ATH_LIT_NULL, "O'Neil"};
    }
    ath_literal *pv = ath_arena_alloc(a, NPOSTS * 4 * sizeof(*pv));
    ath_literal *rv = ath_arena_alloc(a, NPOSTS * 2 * sizeof(*rv));
    for (int i = 0; i < NPOSTS; i++) {
        const char *id = ath_arena_printf(a, "%d", i + 1);
        pv[i * 4] = (ath_literal){ATH_LIT_INT, id};
        pv[i * 4 + 1] = (ath_literal){ATH_LIT_STRING, ath_arena_printf(a, "title '%d'", i)};
        pv[i * 4 + 2] = (ath_literal){ATH_LIT_STRING, "body"};
        pv[i * 4 + 3] = (ath_literal){ATH_LIT_INT, ath_arena_printf(a, "%d", i % 10 + 1)};
        rv[i * 2] = (ath_literal){ATH_LIT_INT, id};
        rv[i * 2 + 1] = (ath_literal){ATH_LIT_INT, id};
    }
    ops[0] = table_op(ATH_OP_BULK_INSERT, "user");
    ops[0].u.bulk.columns = ts_strs(a, 3, "id", "email", "name");
    ops[0].u.bulk.ncolumns = 3;
    ops[0].u.bulk.values = uv;
    ops[0].u.bulk.nrows = 10;
    ops[1] = table_op(ATH_OP_BULK_INSERT, "post");
    ops[1].u.bulk.columns = ts_strs(a, 4, "id", "title", "body", "user_id");
    ops[1].u.bulk.ncolumns = 4;
    ops[1].u.bulk.values = pv;
    ops[1].u.bulk.nrows = NPOSTS;
    ops[2] = table_op(ATH_OP_BULK_INSERT, "remark");
    ops[2].u.bulk.columns = ts_strs(a, 2, "id", "post_id");
    ops[2].u.bulk.ncolumns = 2;
    ops[2].u.bulk.values = rv;
    ops[2].u.bulk.nrows = NPOSTS;
    step(be, cur, ops, 3, false);
    const char *posts_sql = "SELECT count(*), sum(id), sum(length(title)), sum(user_id) FROM post";
    char *posts = fingerprint(be, posts_sql);
    char *remarks = fingerprint(be, "SELECT count(*), sum(id), sum(post_id) FROM remark");
    assert_string_equal(posts, "1000|500500|10890|5500|");

    /* 3: what every database does natively. */
    ath_column age = {0};
    age.name = "age";
    age.type = ath_type_make(ATH_TYPE_INTEGER);
    age.nullable = true;
    ops[0] = table_op(ATH_OP_ADD_COLUMN, "user");
    ops[0].u.column.name = "age";
    ops[0].u.column.def = &age;
    ops[1] = table_op(ATH_OP_ALTER_COLUMN, "user");
    ops[1].u.alter.column = "name";
    ops[1].u.alter.new_name = "username";
    step(be, cur, ops, 2, false);

    /* 4: one batch block on post: one rebuild on SQLite. */
    ath_type v300 = ath_type_make(ATH_TYPE_STRING);
    v300.length = 300;
    ath_column score = {0};
    score.name = "score";
    score.type = ath_type_make(ATH_TYPE_INTEGER);
    score.server_default = "0";
    ops[0] = table_op(ATH_OP_ALTER_COLUMN, "post");
    ops[0].u.alter.column = "title";
    ops[0].u.alter.type = &v300;
    ops[0].u.alter.nullable = (ath_opt_bool){true, true};
    ops[1] = table_op(ATH_OP_ADD_COLUMN, "post");
    ops[1].u.column.name = "score";
    ops[1].u.column.def = &score;
    ops[2] = table_op(ATH_OP_DROP_CONSTRAINT, "post");
    ops[2].u.constraint.type = ATH_CONSTRAINT_UNIQUE;
    ops[2].u.constraint.name = "uq_post_title";
    ops[3] = table_op(ATH_OP_DROP_INDEX, "post");
    ops[3].u.index.name = "ix_post_title_body";
    ops[4] = table_op(ATH_OP_DROP_COLUMN, "post");
    ops[4].u.column.name = "body";
    ops[5] = table_op(ATH_OP_CREATE_INDEX, "post");
    ops[5].u.index.name = "ix_post_score";
    ops[5].u.index.def = detached_index(a, "ix_post_score", false, 2, ts_strs(a, 2, "score", "title"));
    ops[6] = table_op(ATH_OP_ALTER_COLUMN, "post");
    ops[6].u.alter.column = "user_id";
    ops[6].u.alter.new_name = "author_id";
    step(be, cur, ops, 7, true);
    char *after =
        fingerprint(be, "SELECT count(*), sum(id), sum(length(title)), sum(author_id) FROM post");
    assert_string_equal(after, posts);
    free(after);
    after = fingerprint(be, "SELECT count(*), sum(id), sum(post_id) FROM remark");
    assert_string_equal(after, remarks);
    free(after);
    after = fingerprint(be, "SELECT count(*), sum(score) FROM post WHERE score = 0");
    assert_string_equal(after, "1000|0|");
    free(after);

    /* 5: a check constraint on user, which post refers to. */
    ops[0] = table_op(ATH_OP_CREATE_CHECK_CONSTRAINT, "user");
    ops[0].u.constraint.type = ATH_CONSTRAINT_CHECK;
    ops[0].u.constraint.name = ops[0].u.constraint.check.name = "ck_user_age";
    ops[0].u.constraint.check.sqltext = "age >= 0";
    ops[0].u.constraint.check.seq = 1;
    step(be, cur, ops, 1, !pg);
    after = fingerprint(be, "SELECT count(*), sum(id), count(username) FROM \"user\"");
    assert_string_equal(after, "10|55|5|");
    free(after);

    /* 6: renames and drops. */
    ops[0] = table_op(ATH_OP_RENAME_TABLE, "remark");
    ops[0].u.rename.new_name = "note";
    ops[1] = table_op(ATH_OP_DROP_INDEX, "user");
    ops[1].u.index.name = "ix_user_email";
    ops[2] = table_op(ATH_OP_DROP_COLUMN, "user");
    ops[2].u.column.name = "email";
    step(be, cur, ops, 3, false);
    after = fingerprint(be, "SELECT count(*), sum(id), sum(post_id) FROM note");
    assert_string_equal(after, remarks);
    free(after);
    after =
        fingerprint(be, "SELECT count(*), sum(id), sum(length(title)), sum(author_id) FROM post");
    assert_string_equal(after, posts);
    free(after);

    free(posts);
    free(remarks);
    ath_arena_free(a);
}

#endif
