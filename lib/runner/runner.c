/*
 * upgrade / downgrade: the revision map plans the steps, the script reader
 * turns the bodies of those steps into ops, the renderer turns ops into
 * statements against an in-memory schema, and the backend runs them, one
 * transaction per migration under the migration lock. No SQL is pasted
 * from user text: identifiers and literals go through the backend's quoting.
 */
#include "athanor/runner.h"

#include "athanor/ops.h"
#include "backend/render.h"
#include "runner/internal.h"
#include "util/parallel.h"

#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the git blob id: SHA-1 (FIPS 180-4) of "blob <len>\0" + content ---- */

typedef struct sha1_ctx {
    uint32_t h[5];
    uint64_t total;
    unsigned char block[64];
    size_t used;
} sha1_ctx;

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(sha1_ctx *c, const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & cc) | (~b & d);
            k = 0x5a827999u;
        } else if (i < 40) {
            f = b ^ cc ^ d;
            k = 0x6ed9eba1u;
        } else if (i < 60) {
            f = (b & cc) | (b & d) | (cc & d);
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ cc ^ d;
            k = 0xca62c1d6u;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = cc;
        cc = rol(b, 30);
        b = a;
        a = t;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
}

static void sha1_update(sha1_ctx *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->total += len;
    while (len) {
        size_t n = 64 - c->used < len ? 64 - c->used : len;
        memcpy(c->block + c->used, p, n);
        c->used += n;
        p += n;
        len -= n;
        if (c->used == 64) {
            sha1_block(c, c->block);
            c->used = 0;
        }
    }
}

void ath_runner_blob_id(char hex[41], const void *data, size_t len)
{
    sha1_ctx c = {{0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u}, 0, {0}, 0};
    char head[32];
    int n = snprintf(head, sizeof(head), "blob %zu", len);
    sha1_update(&c, head, (size_t)n + 1); /* the NUL belongs to the header */
    sha1_update(&c, data, len);
    uint64_t bits = c.total * 8;
    unsigned char pad = 0x80;
    sha1_update(&c, &pad, 1);
    pad = 0;
    while (c.used != 56)
        sha1_update(&c, &pad, 1);
    unsigned char be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(&c, be, 8);
    for (int i = 0; i < 5; i++)
        snprintf(hex + 8 * i, 9, "%08x", (unsigned)c.h[i]);
}

/* ---- the run ---- */

/* One migration, read and ready before anything runs. */
typedef struct prepared {
    ath_revision_step step;
    ath_op *ops;
    size_t nops;
    char checksum[41];
} prepared;

typedef struct run {
    ath_backend *be;
    ath_arena *arena;
    ath_diags *diags;
    ath_dialect dialect;
    ath_schema *schema; /* the database as the steps so far left it */
    const ath_revmap *map;
    const char **heads; /* alembic_version as it stands */
    size_t nheads;
    bool have_version_table;
    bool have_history_table;
    const char *username, *hostname;
    /* The step's statements run outside its transaction so far (PostgreSQL's
     * autocommit_block), and whether one is running now. */
    size_t outside;
    const ath_op *first_outside;
    bool outside_now;
    bool outside_block, outside_concurrently; /* why: the block, or the index option alone */
    /* PostgreSQL, a migration without autocommit ops: its statements go to
     * the server in as few round trips as possible (`pending`, sent as one
     * multi-statement query), and `sent` keeps each one for the replay that
     * names the failing statement. */
    bool batching;
    bool begun; /* batching: the transaction's BEGIN has gone to the server */
    ath_buf pending;
    const char **sent;
    size_t nsent, sent_cap;
} run;

static const char history_table_sql[] =
    "CREATE TABLE athanor_history (revision VARCHAR(32) NOT NULL, "
    "direction VARCHAR(9) NOT NULL, checksum VARCHAR(40) NOT NULL, "
    "started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL, "
    "username VARCHAR(255), hostname VARCHAR(255))";

/*
 * The bodies of the steps about to run are read by ath_parallel_for's
 * threads, each step's ops in its thread's arena (the run's afterwards), its
 * diagnostics and error kept apart and reported in step order.
 */
typedef struct reading {
    prepared *steps;
    ath_dialect dialect;
    ath_diags *diags; /* per step */
    int *rc;          /* per step */
    const char **why; /* per step: the error's message */
    ath_arena *arenas[ATH_PARALLEL_MAX];
} reading;

static void read_task(void *ctx, size_t worker, size_t i)
{
    reading *rd = ctx;
    ath_arena **arena = &rd->arenas[worker];
    if (!*arena && !(*arena = ath_arena_new())) {
        rd->rc[i] = ath_error_oom();
        return;
    }
    ath_diags_init(&rd->diags[i], *arena);
    prepared *p = &rd->steps[i];
    rd->rc[i] = runner_read_body(&p->ops, &p->nops, p->checksum, *arena, &p->step, rd->dialect,
                                 &rd->diags[i]);
    if (rd->rc[i])
        rd->why[i] = ath_arena_strdup(*arena, ath_error_last());
}

/* Reads every step's body; the first failure in step order is returned, every diagnostic kept. */
static int prepare_all(run *r, prepared *steps, size_t n)
{
    reading rd;
    memset(&rd, 0, sizeof(rd));
    rd.steps = steps;
    rd.dialect = r->dialect;
    rd.diags = ath_arena_alloc(r->arena, (n + 1) * sizeof(*rd.diags));
    rd.rc = ath_arena_alloc(r->arena, (n + 1) * sizeof(*rd.rc));
    rd.why = ath_arena_alloc(r->arena, (n + 1) * sizeof(*rd.why));
    if (!rd.diags || !rd.rc || !rd.why)
        return ath_error_oom();
    ath_parallel_for(n, 4, ath_parallel_workers(n, 4, 16), read_task, &rd, NULL);
    for (size_t w = 0; w < ATH_PARALLEL_MAX; w++)
        ath_arena_adopt(r->arena, rd.arenas[w]);
    size_t first = n;
    for (size_t i = 0; i < n; i++) {
        if (ath_diags_append(r->diags, &rd.diags[i]))
            return ath_error_oom();
        if (rd.rc[i] && first == n)
            first = i;
    }
    if (first == n)
        return 0;
    return ath_error(rd.rc[first], "%s", rd.why[first] ? rd.why[first] : "out of memory");
}

/* The rows of alembic_version, which exists. */
static int read_versions(const char ***out, size_t *count, ath_arena *arena, ath_backend *be)
{
    ath_rows rows;
    int rc = ath_backend_query(&rows, arena, be, "SELECT version_num FROM alembic_version", NULL,
                               0);
    if (rc)
        return rc;
    const char **heads = rows.nrows ? ath_arena_alloc(arena, rows.nrows * sizeof(*heads)) : NULL;
    if (rows.nrows && !heads)
        return ath_error_oom();
    for (size_t i = 0; i < rows.nrows; i++)
        heads[i] = rows.values[i * rows.ncols];
    *out = heads;
    *count = rows.nrows;
    return 0;
}

static int read_heads(run *r)
{
    r->heads = NULL;
    r->nheads = 0;
    if (!r->have_version_table)
        return 0;
    return read_versions(&r->heads, &r->nheads, r->arena, r->be);
}

/*
 * Sends what is pending as one query, led by the transaction's BEGIN if it
 * has not gone yet, and closed by COMMIT with `commit`. PostgreSQL stops at the first
 * statement that fails and the transaction is then aborted, so on failure
 * the migration's statements are run again one by one in a new transaction
 * (rolled back by the caller) to report the server's error for the very
 * statement that failed.
 */
static int send_pending(run *r, bool commit)
{
    if (!r->pending.len && !commit)
        return 0;
    unsigned frame = (r->begun ? 0 : ATH_FRAME_BEGIN) | (commit ? ATH_FRAME_COMMIT : 0);
    int rc = ath_buf_check(&r->pending);
    if (!rc) {
        r->begun = true;
        rc = ath_backend_exec_framed(r->be, ath_buf_cstr(&r->pending), frame);
    }
    ath_buf_clear(&r->pending);
    if (!rc)
        return 0;
    char *why = ath_arena_strdup(r->arena, ath_error_last());
    int rrc = ath_backend_rollback(r->be);
    if (!rrc)
        rrc = ath_backend_begin(r->be);
    for (size_t i = 0; !rrc && i < r->nsent; i++)
        if ((rrc = ath_backend_exec(r->be, r->sent[i])) != 0)
            return rrc;
    return ath_error(rc, "%s", why ? why : "out of memory");
}

/* What is pending, in the migration's transaction (opened first if need be). */
static int flush(run *r)
{
    return send_pending(r, false);
}

/* One statement of the migration: run now, or added to the batch. */
static int step_exec(run *r, const char *sql)
{
    if (!r->batching)
        return ath_backend_exec(r->be, sql);
    const char **slot = ATH_PUSH(r->arena, r->sent, r->nsent, r->sent_cap);
    if (!slot || !(*slot = ath_arena_strdup(r->arena, sql)))
        return ath_error_oom();
    /* A newline first: the statement may end in a -- comment. */
    ath_buf_puts(&r->pending, sql);
    ath_buf_puts(&r->pending, "\n;\n");
    return 0;
}

/* Runs every statement of `list` from index `from`. */
static int exec_list(run *r, const ath_stmts *list, size_t from)
{
    for (size_t i = from; i < list->count; i++) {
        int rc = step_exec(r, list->items[i].sql);
        if (rc)
            return rc;
    }
    return 0;
}

static bool same_name(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool has_rebuild(const ath_stmts *list, size_t from)
{
    for (size_t i = from; i < list->count; i++)
        if (list->items[i].flags & ATH_STMT_REBUILD)
            return true;
    return false;
}

/*
 * A SQLite rebuild of `op`'s table, keeping what Alembic's batch mode loses:
 * the table's triggers go with its DROP TABLE, so they are read first and
 * created again after; and views or other tables' triggers naming the table
 * make SQLite refuse the RENAME of the copy ("error in view v: no such table")
 * unless legacy_alter_table is on, which leaves them naming it as before.
 * The trigger texts are the database's own, run again unchanged.
 */
static int exec_rebuild(run *r, const ath_op *op, const ath_stmts *list, size_t from)
{
    ath_buf sql = ATH_BUF_INIT;
    ath_buf_puts(&sql, "SELECT name, sql FROM ");
    if (op->schema) {
        ath_quote_ident(&sql, r->dialect, op->schema);
        ath_buf_putc(&sql, '.');
    }
    ath_buf_puts(&sql, "sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY rowid");
    int rc = ath_buf_check(&sql);
    ath_rows triggers = {0, 0, NULL, NULL};
    const char *table = op->table ? op->table : "";
    if (!rc)
        rc = ath_backend_query(&triggers, r->arena, r->be, ath_buf_cstr(&sql), &table, 1);
    ath_buf_free(&sql);
    ath_rows legacy;
    if (!rc)
        rc = ath_backend_query(&legacy, r->arena, r->be, "PRAGMA legacy_alter_table", NULL, 0);
    if (rc)
        return rc;
    bool was_legacy = legacy.nrows == 1 && legacy.values[0] && strcmp(legacy.values[0], "1") == 0;
    rc = was_legacy ? 0 : ath_backend_exec(r->be, "PRAGMA legacy_alter_table=ON");
    if (!rc)
        rc = exec_list(r, list, from);
    if (!was_legacy) {
        char *why = rc ? ath_arena_strdup(r->arena, ath_error_last()) : NULL;
        int lrc = ath_backend_exec(r->be, "PRAGMA legacy_alter_table=OFF");
        if (rc && why)
            ath_error(rc, "%s", why);
        else if (!rc)
            rc = lrc;
    }
    for (size_t i = 0; !rc && i < triggers.nrows; i++) {
        const char *name = triggers.values[i * triggers.ncols];
        const char *text = triggers.values[i * triggers.ncols + 1];
        if (!text)
            continue;
        rc = ath_backend_exec(r->be, text);
        if (rc)
            return ath_error(rc,
                             "trigger %s on %s could not be created again after the table's "
                             "rebuild: %s",
                             name ? name : "?", table, ath_error_last());
        if (ath_diags_add(r->diags, ATH_DIAG_NOTE, op->pos.path, op->pos.line, op->pos.col,
                          "trigger %s on %s created again after the table's rebuild",
                          name ? name : "?", table))
            return ath_error_oom();
    }
    return rc;
}

/*
 * Alembic's autocommit_block on PostgreSQL: the migration's transaction so
 * far is committed, the statements run one by one outside any, and a new
 * transaction begins for what follows.
 */
static int exec_outside(run *r, const ath_op *op, const ath_stmts *list, size_t from)
{
    int rc = ath_backend_commit(r->be);
    if (rc)
        return rc;
    r->outside_now = true;
    if (!r->first_outside)
        r->first_outside = op;
    if (op->run_flags & ATH_OP_AUTOCOMMIT)
        r->outside_block = true;
    else
        r->outside_concurrently = true;
    rc = exec_list(r, list, from);
    r->outside += list->count - from;
    if (rc)
        return rc;
    rc = ath_backend_begin(r->be);
    if (!rc)
        r->outside_now = false;
    return rc;
}

/*
 * The ops of one migration, in order. Consecutive batch ops on one table are
 * one batch_alter_table block (one rebuild on SQLite). An execute may change
 * the schema in ways no op describes, so the schema is read again after it.
 */
static int run_ops(run *r, const prepared *p, bool *rebuilt)
{
    ath_stmts list;
    ath_stmts_init(&list, r->arena);
    for (size_t i = 0; i < p->nops;) {
        const ath_op *op = &p->ops[i];
        size_t n = 1;
        if (op->batch)
            while (i + n < p->nops && p->ops[i + n].batch &&
                   p->ops[i + n].run_flags == op->run_flags &&
                   same_name(p->ops[i + n].table, op->table) &&
                   same_name(p->ops[i + n].schema, op->schema))
                n++;
        size_t from = list.count;
        int rc = op->batch ? ath_render_batch(&list, op, n, r->schema, r->dialect)
                           : ath_render_op(&list, op, r->schema, r->dialect);
        bool pg = r->dialect == ATH_DIALECT_POSTGRESQL;
        if (rc)
            return rc;
        if (pg && (op->run_flags & (ATH_OP_AUTOCOMMIT | ATH_OP_CONCURRENTLY))) {
            rc = exec_outside(r, op, &list, from);
        } else if (!pg && has_rebuild(&list, from)) {
            *rebuilt = true;
            rc = exec_rebuild(r, op, &list, from);
        } else {
            rc = exec_list(r, &list, from);
        }
        if (rc)
            return rc;
        if (op->kind == ATH_OP_EXECUTE) {
            /* The schema is read back from the database: what is pending must be there. */
            rc = flush(r);
            if (!rc)
                rc = ath_backend_introspect(&r->schema, r->arena, r->be);
        } else {
            /* Warnings (a rebuild that drops an unnamed CHECK) go with the run's notes. */
            rc = ath_ops_apply(r->schema, op, n, r->dialect, ATH_APPLY_NO_ROLLBACK,
                               r->dialect == ATH_DIALECT_SQLITE ? r->diags : NULL, NULL);
        }
        if (rc)
            return rc;
        i += n;
    }
    return 0;
}

static void now_text(char out[40])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 40, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out + n, 40 - n, ".%06ld", ts.tv_nsec / 1000);
}

static int version_statements(run *r, const ath_version_change *change)
{
    for (size_t i = 0; i < change->nops; i++) {
        ath_buf sql = ATH_BUF_INIT;
        runner_version_sql(&sql, &change->ops[i], r->dialect, false);
        int rc = ath_buf_check(&sql);
        if (!rc)
            rc = step_exec(r, ath_buf_cstr(&sql));
        ath_buf_free(&sql);
        if (rc)
            return rc;
    }
    return 0;
}

/*
 * The step's athanor_history row, its times in UTC. When the migration goes
 * to PostgreSQL as one query, they are the server's: the start of the
 * transaction and the clock when the row is written, after the statements.
 */
static int history_row(run *r, const prepared *p, const char *started)
{
    char finished[40];
    now_text(finished);
    static const char *const server_time[] = {"(transaction_timestamp() AT TIME ZONE 'UTC')",
                                              "(clock_timestamp() AT TIME ZONE 'UTC')"};
    const char *values[] = {p->step.revision->id,
                            p->step.upgrade ? "upgrade" : "downgrade",
                            p->checksum,
                            started,
                            finished,
                            r->username,
                            r->hostname};
    ath_buf sql = ATH_BUF_INIT;
    ath_buf_puts(&sql, "INSERT INTO athanor_history (revision, direction, checksum, started_at, "
                       "finished_at, username, hostname) VALUES (");
    for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
        if (i)
            ath_buf_puts(&sql, ", ");
        if (r->batching && (i == 3 || i == 4))
            ath_buf_puts(&sql, server_time[i - 3]);
        else if (values[i])
            ath_quote_literal(&sql, r->dialect, values[i]);
        else
            ath_buf_puts(&sql, "NULL");
    }
    ath_buf_puts(&sql, ")");
    int rc = ath_buf_check(&sql);
    if (!rc)
        rc = step_exec(r, ath_buf_cstr(&sql));
    ath_buf_free(&sql);
    return rc;
}

/* A rebuild ran with foreign keys off: no row may point nowhere now. */
static int check_foreign_keys(run *r)
{
    ath_rows rows;
    int rc = ath_backend_query(&rows, r->arena, r->be, "PRAGMA foreign_key_check", NULL, 0);
    if (rc)
        return rc;
    if (rows.nrows == 0)
        return 0;
    return ath_error(ATH_ECONFLICT,
                     "a table rebuild left %zu row%s whose foreign key points nowhere "
                     "(first: table %s, rowid %s, referring to %s)",
                     rows.nrows, rows.nrows == 1 ? "" : "s", rows.values[0] ? rows.values[0] : "?",
                     rows.values[1] ? rows.values[1] : "NULL",
                     rows.ncols > 2 && rows.values[2] ? rows.values[2] : "?");
}

/* The named enum types the columns of `s` use, into a list in `arena`. */
static int used_enums(const char ***out, size_t *n, ath_arena *arena, const ath_schema *s)
{
    size_t count = 0, cap = 0;
    const char **names = NULL;
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t k = 0; k < s->tables[i].ncolumns; k++) {
            const ath_type *t = &s->tables[i].columns[k].type;
            if (t->kind == ATH_TYPE_ARRAY && t->item)
                t = t->item;
            if (t->kind != ATH_TYPE_ENUM || !t->name)
                continue;
            bool seen = false;
            for (size_t j = 0; j < count && !seen; j++)
                seen = strcmp(names[j], t->name) == 0;
            if (seen)
                continue;
            const char **slot = ATH_PUSH(arena, names, count, cap);
            if (!slot)
                return ath_error_oom();
            *slot = t->name;
        }
    *out = names;
    *n = count;
    return 0;
}

/*
 * PostgreSQL, downgrade: an enum type that a column used before the
 * migration and none uses after it is dropped with that last column, in the
 * migration's transaction, and a note says so. (Alembic leaves it behind, and
 * upgrading again then fails to create it.)
 */
static int drop_orphaned_enums(run *r, const prepared *p, const char **before, size_t nbefore)
{
    const char **after = NULL;
    size_t nafter = 0;
    int rc = used_enums(&after, &nafter, r->arena, r->schema);
    for (size_t i = 0; !rc && i < nbefore; i++) {
        bool still = false;
        for (size_t j = 0; j < nafter && !still; j++)
            still = strcmp(after[j], before[i]) == 0;
        const ath_enum *e = NULL;
        for (size_t j = 0; j < r->schema->nenums && !e; j++)
            if (strcmp(r->schema->enums[j].name, before[i]) == 0)
                e = &r->schema->enums[j];
        if (still || !e)
            continue;
        ath_op op = ath_op_make(ATH_OP_DROP_ENUM);
        op.schema = e->schema;
        op.u.enum_def = *e;
        ath_stmts list;
        ath_stmts_init(&list, r->arena);
        rc = ath_render_op(&list, &op, r->schema, r->dialect);
        if (!rc)
            rc = exec_list(r, &list, 0);
        if (!rc)
            rc = ath_ops_apply(r->schema, &op, 1, r->dialect, ATH_APPLY_NO_ROLLBACK, NULL, NULL);
        const ath_revision *rev = p->step.revision;
        if (!rc && ath_diags_add(r->diags, ATH_DIAG_NOTE, rev->path, 0, 0,
                                 "revision %s: enum type %s dropped with the last column that "
                                 "used it",
                                 rev->id, before[i]))
            rc = ath_error_oom();
    }
    return rc;
}

static int step_body(run *r, const prepared *p, const ath_version_change *change)
{
    int rc = 0;
    if (!r->have_version_table)
        rc = step_exec(r, runner_version_table_sql);
    if (!rc && !r->have_history_table)
        rc = step_exec(r, history_table_sql);
    char started[40];
    now_text(started);
    bool rebuilt = false;
    const char **enums = NULL;
    size_t nenums = 0;
    bool pg_down = r->dialect == ATH_DIALECT_POSTGRESQL && !p->step.upgrade;
    if (!rc && pg_down)
        rc = used_enums(&enums, &nenums, r->arena, r->schema);
    if (!rc)
        rc = run_ops(r, p, &rebuilt);
    if (!rc && pg_down && nenums)
        rc = drop_orphaned_enums(r, p, enums, nenums);
    if (!rc)
        rc = version_statements(r, change);
    if (!rc)
        rc = history_row(r, p, started);
    if (!rc && rebuilt && r->dialect == ATH_DIALECT_SQLITE)
        rc = check_foreign_keys(r);
    return rc;
}

/* One migration in its own transaction; on failure it is rolled back and the error names it. */
static int run_step(run *r, const prepared *p)
{
    ath_version_change change;
    int rc = ath_revmap_step_heads(&change, r->arena, r->map, r->heads, r->nheads, &p->step);
    if (rc)
        return rc;
    r->batching = r->dialect == ATH_DIALECT_POSTGRESQL;
    for (size_t i = 0; i < p->nops; i++)
        if (p->ops[i].run_flags)
            r->batching = false;
    /* Batching, BEGIN goes with the first statements and COMMIT with the
     * last: a migration that runs no execute op is one round trip. */
    r->begun = false;
    if (!r->batching && (rc = ath_backend_begin(r->be)) != 0)
        return rc;
    ath_buf_clear(&r->pending);
    r->nsent = 0;
    r->outside = 0;
    r->first_outside = NULL;
    r->outside_now = false;
    r->outside_block = r->outside_concurrently = false;
    rc = step_body(r, p, &change);
    if (!rc)
        rc = r->batching ? send_pending(r, true) : ath_backend_commit(r->be);
    const ath_revision *rev = p->step.revision;
    if (r->outside) {
        const ath_op *o = r->first_outside;
        if (ath_diags_add(r->diags, ATH_DIAG_NOTE, o->pos.path, o->pos.line, o->pos.col,
                          "revision %s: %zu statement%s run outside a transaction (%s); what the "
                          "migration ran before %s was committed first",
                          rev->id, r->outside, r->outside == 1 ? "" : "s",
                          !r->outside_concurrently ? "autocommit_block"
                          : !r->outside_block      ? "postgresql_concurrently"
                                                   : "autocommit_block, postgresql_concurrently",
                          r->outside == 1 ? "it" : "them") &&
            !rc)
            rc = ath_error_oom();
    }
    if (!rc) {
        r->heads = change.heads;
        r->nheads = change.nheads;
        r->have_version_table = r->have_history_table = true;
        return 0;
    }
    const char *why = ath_arena_strdup(r->arena, ath_error_last());
    if (!r->outside_now && (!r->batching || r->begun))
        ath_backend_rollback(r->be);
    if (r->first_outside)
        return ath_error(rc,
                         "%s %s (%s) failed: %s; what ran outside its transaction and before "
                         "stays, the rest was rolled back",
                         p->step.upgrade ? "upgrade to" : "downgrade of", rev->id,
                         rev->path ? rev->path : "no file", why ? why : "out of memory");
    return ath_error(rc, "%s %s (%s) failed and was rolled back: %s",
                     p->step.upgrade ? "upgrade to" : "downgrade of", rev->id,
                     rev->path ? rev->path : "no file", why ? why : "out of memory");
}

static void who(run *r)
{
    const char *user = getenv("USER");
    if (!user || !*user)
        user = getenv("LOGNAME");
    if (!user || !*user) {
        struct passwd *pw = getpwuid(geteuid());
        user = pw ? pw->pw_name : NULL;
    }
    r->username = ath_arena_strdup(r->arena, user);
    char host[256];
    if (gethostname(host, sizeof(host)) == 0) {
        host[sizeof(host) - 1] = '\0';
        r->hostname = ath_arena_strdup(r->arena, host);
    }
}

/* Everything after the lock is taken: plan, read, run. */
static int locked_run(run *r, const char *target, bool upgrade, size_t *applied,
                      const ath_runner_options *opt)
{
    int rc = runner_tables_exist(&r->have_version_table, &r->have_history_table, r->arena, r->be);
    if (rc)
        return rc;
    rc = read_heads(r);
    if (rc)
        return rc;
    ath_revplan plan;
    rc = upgrade ? ath_revmap_upgrade_plan(&plan, r->arena, r->map, r->heads, r->nheads, target)
                 : ath_revmap_downgrade_plan(&plan, r->arena, r->map, r->heads, r->nheads, target);
    if (rc)
        return rc;
    if (opt && opt->on_plan)
        opt->on_plan(opt->ctx, plan.count);
    /* Nothing to run (the deploy that finds the database at head): no schema to read. */
    if (!plan.count)
        return 0;
    prepared *steps = ath_arena_alloc(r->arena, plan.count * sizeof(*steps));
    if (plan.count && !steps)
        return ath_error_oom();
    /* Every body first, so a refusal anywhere leaves the database untouched. */
    for (size_t i = 0; i < plan.count; i++)
        steps[i].step = plan.steps[i];
    int first_rc = prepare_all(r, steps, plan.count);
    if (first_rc) {
        if (first_rc == ATH_EPARSE)
            return ath_error(ATH_EPARSE,
                             "%s refused: a script cannot be run without Python "
                             "(see the errors above); nothing was changed",
                             upgrade ? "upgrade" : "downgrade");
        return first_rc;
    }
    if ((rc = ath_backend_introspect(&r->schema, r->arena, r->be)))
        return rc;
    who(r);
    for (size_t i = 0; i < plan.count; i++) {
        if (opt && opt->on_step)
            opt->on_step(opt->ctx, &steps[i].step);
        rc = run_step(r, &steps[i]);
        if (rc)
            return rc;
        (*applied)++;
    }
    return 0;
}

/* SQLite ignores PRAGMA foreign_keys inside a transaction, and the lock is one. */
static int sqlite_foreign_keys(ath_backend *be, ath_arena *arena, bool *was_on)
{
    ath_rows rows;
    int rc = ath_backend_query(&rows, arena, be, "PRAGMA foreign_keys", NULL, 0);
    if (rc)
        return rc;
    *was_on = rows.nrows == 1 && rows.values[0] && strcmp(rows.values[0], "1") == 0;
    return *was_on ? ath_backend_exec(be, "PRAGMA foreign_keys=OFF") : 0;
}

static int run_migrations(ath_backend *be, const char *versions_dir, const char *target,
                          bool upgrade, const ath_runner_options *opt)
{
    size_t applied = 0;
    if (opt && opt->applied)
        *opt->applied = 0;
    ath_arena *arena = ath_arena_new();
    if (!arena)
        return ath_error_oom();
    ath_diags own;
    ath_diags_init(&own, arena);
    run r;
    memset(&r, 0, sizeof(r));
    r.be = be;
    r.arena = arena;
    r.diags = opt && opt->diags ? opt->diags : &own;
    r.dialect = ath_backend_dialect(be);
    int rc = 0;
    if (opt && opt->map) {
        r.map = opt->map;
    } else {
        ath_revmap *map = NULL;
        rc = ath_revmap_load(&map, arena, versions_dir, r.diags);
        r.map = map;
    }
    bool fk_on = false;
    if (!rc && r.dialect == ATH_DIALECT_SQLITE)
        rc = sqlite_foreign_keys(be, arena, &fk_on);
    bool locked = false;
    if (!rc) {
        rc = ath_backend_lock(be);
        locked = rc == 0;
    }
    if (!rc)
        rc = locked_run(&r, target ? target : (upgrade ? "head" : "-1"), upgrade, &applied, opt);
    if (locked) {
        /* Keep the run's error: releasing the lock may set another. */
        char *why = rc ? ath_arena_strdup(arena, ath_error_last()) : NULL;
        int urc = ath_backend_unlock(be);
        if (rc && why)
            ath_error(rc, "%s", why);
        else if (!rc)
            rc = urc;
    }
    if (fk_on) {
        char *why = rc ? ath_arena_strdup(arena, ath_error_last()) : NULL;
        int frc = ath_backend_exec(be, "PRAGMA foreign_keys=ON");
        if (rc && why)
            ath_error(rc, "%s", why);
        else if (!rc)
            rc = frc;
    }
    if (opt && opt->applied)
        *opt->applied = applied;
    ath_buf_free(&r.pending);
    ath_arena_free(arena);
    return rc;
}

int ath_runner_upgrade(ath_backend *backend, const char *versions_dir, const char *target,
                       const ath_runner_options *options)
{
    return run_migrations(backend, versions_dir, target, true, options);
}

int ath_runner_downgrade(ath_backend *backend, const char *versions_dir, const char *target,
                         const ath_runner_options *options)
{
    return run_migrations(backend, versions_dir, target, false, options);
}

int ath_runner_current(const char ***out, size_t *count, ath_arena *arena, ath_backend *backend)
{
    *out = NULL;
    *count = 0;
    bool exists = false;
    int rc = runner_tables_exist(&exists, NULL, arena, backend);
    if (rc || !exists)
        return rc;
    return read_versions(out, count, arena, backend);
}
