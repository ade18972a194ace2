/*
 * Offline mode (`upgrade --sql`, `downgrade --sql`): the SQL script of a
 * range of migrations, as Alembic's offline mode writes it, with no database.
 * The schema each step's ops render against is the history before it,
 * replayed in memory. It writes no athanor_history rows: the script is
 * Alembic's, and a database it runs on is one Alembic would recognise.
 */
#include "athanor/runner.h"

#include "athanor/ops.h"
#include "backend/render.h"
#include "runner/internal.h"

#include <stdlib.h>
#include <string.h>

/* One migration, with the ops of the body it runs. */
typedef struct offline_step {
    ath_revision_step step;
    ath_op *ops;
    size_t nops;
} offline_step;

typedef struct offline {
    ath_arena *arena;
    ath_diags *diags;
    ath_dialect dialect;
    const ath_revmap *map;
    ath_schema *schema; /* the database as the steps so far leave it */
    ath_buf script;     /* the script so far */
} offline;

static int read_body(offline_step *s, offline *o)
{
    return runner_read_body(&s->ops, &s->nops, NULL, o->arena, &s->step, o->dialect, o->diags);
}

/* Reads every body of the plan; the first error is kept, the diagnostics of all. */
static int read_bodies(offline_step **out, offline *o, const ath_revplan *plan)
{
    *out = NULL;
    if (!plan->count)
        return 0;
    offline_step *steps = ath_arena_alloc(o->arena, plan->count * sizeof(*steps));
    if (!steps)
        return ath_error_oom();
    int first_rc = 0;
    for (size_t i = 0; i < plan->count; i++) {
        memset(&steps[i], 0, sizeof(steps[i]));
        steps[i].step = plan->steps[i];
        int rc = read_body(&steps[i], o);
        if (rc && !first_rc)
            first_rc = rc;
    }
    *out = steps;
    return first_rc;
}

/* Appends one statement to the script, terminated as the renderer's are. */
static int add_stmt(offline *o, const char *sql)
{
    ath_stmt one = {sql, 0};
    ath_stmts list = {o->arena, &one, 1, 1};
    ath_stmts_format(&o->script, &list);
    return ath_buf_check(&o->script);
}

/* Appends the statement in `sql` (freed here) to the script. */
static int add_buf(offline *o, ath_buf *sql)
{
    int rc = ath_buf_check(sql);
    if (!rc)
        rc = add_stmt(o, ath_buf_cstr(sql));
    ath_buf_free(sql);
    return rc;
}

static bool same_name(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Ops [i, i + *n) that run together: one op, or one batch_alter_table block on one table. */
static size_t group_length(const offline_step *s, size_t i)
{
    const ath_op *op = &s->ops[i];
    size_t n = 1;
    if (op->batch)
        while (i + n < s->nops && s->ops[i + n].batch &&
               same_name(s->ops[i + n].table, op->table) &&
               same_name(s->ops[i + n].schema, op->schema))
            n++;
    return n;
}

/*
 * Alembic's autocommit_block in offline mode on PostgreSQL: COMMIT; before
 * the block's statements and BEGIN; after them. Consecutive blocks are one.
 * CONCURRENTLY implies the block, as in the online runner.
 */
static int autocommit_edge(offline *o, bool *outside, bool inside_block)
{
    if (o->dialect != ATH_DIALECT_POSTGRESQL || *outside == inside_block)
        return 0;
    *outside = inside_block;
    return add_stmt(o, inside_block ? "COMMIT" : "BEGIN");
}

/*
 * Applies the ops of a step to the schema and, with `render`, appends their
 * statements first, each against the schema as the ops before it left it.
 * execute ops are copied out as written; what they change is not replayed.
 */
static int step_ops(offline *o, const offline_step *s, bool render)
{
    ath_stmts list;
    ath_stmts_init(&list, o->arena);
    bool outside = false;
    for (size_t i = 0; i < s->nops;) {
        const ath_op *op = &s->ops[i];
        size_t n = group_length(s, i);
        int rc = 0;
        list.count = 0;
        if (render)
            rc = autocommit_edge(o, &outside,
                                 (op->run_flags & (ATH_OP_AUTOCOMMIT | ATH_OP_CONCURRENTLY)) != 0);
        if (!rc && render)
            rc = op->batch ? ath_render_batch(&list, op, n, o->schema, o->dialect)
                           : ath_render_op(&list, op, o->schema, o->dialect);
        if (!rc && render) {
            ath_stmts_format(&o->script, &list);
            rc = ath_buf_check(&o->script);
        }
        if (!rc)
            rc = ath_ops_apply(o->schema, op, n, o->dialect,
                               ATH_APPLY_NO_ROLLBACK | ATH_APPLY_SKIP_EXECUTE, NULL, NULL);
        if (rc) {
            const ath_revision *rev = s->step.revision;
            char *why = ath_arena_strdup(o->arena, ath_error_last());
            return ath_error(rc, "%s %s (%s): %s", s->step.upgrade ? "upgrade to" : "downgrade of",
                             rev->id, rev->path ? rev->path : "no file",
                             why ? why : "out of memory");
        }
        i += n;
    }
    return autocommit_edge(o, &outside, false);
}

/*
 * Alembic's "-- Running <step.short_log>" comment: "down -> id" for an
 * upgrade, "id -> down" for a downgrade; a comment, so no terminator.
 */
static int step_comment(offline *o, const ath_revision_step *step)
{
    const ath_revision *rev = step->revision;
    ath_buf down = ATH_BUF_INIT;
    for (size_t i = 0; i < rev->ndown; i++)
        ath_buf_printf(&down, "%s%s", i ? ", " : "", rev->down[i]->id);
    int rc = ath_buf_check(&down);
    if (rc) {
        ath_buf_free(&down);
        return rc;
    }
    if (step->upgrade)
        ath_buf_printf(&o->script, "-- Running upgrade %s -> %s\n\n", ath_buf_cstr(&down), rev->id);
    else
        ath_buf_printf(&o->script, "-- Running downgrade %s -> %s\n\n", rev->id,
                       ath_buf_cstr(&down));
    ath_buf_free(&down);
    return ath_buf_check(&o->script);
}

/*
 * alembic_version's statements for one step, as SQLAlchemy compiles them
 * with literal binds; on PostgreSQL SQLAlchemy 1.4 adds its implicit
 * RETURNING to the INSERT, and so does this, to stay byte for byte.
 */
static int version_statements(offline *o, const ath_version_change *change)
{
    for (size_t i = 0; i < change->nops; i++) {
        ath_buf sql = ATH_BUF_INIT;
        runner_version_sql(&sql, &change->ops[i], o->dialect, true);
        int rc = add_buf(o, &sql);
        if (rc)
            return rc;
    }
    return 0;
}

/* The start of the range: one revision, or none for base. */
static int start_heads(const char ***heads, size_t *nheads, offline *o, const char *start)
{
    *heads = NULL;
    *nheads = 0;
    if (!start || strcmp(start, "base") == 0)
        return 0;
    const ath_revision *rev = NULL;
    int rc = ath_revmap_resolve_one(&rev, o->arena, o->map, start, NULL, 0);
    if (rc || !rev)
        return rc;
    const char **one = ath_arena_alloc(o->arena, sizeof(*one));
    if (!one)
        return ath_error_oom();
    one[0] = rev->id;
    *heads = one;
    *nheads = 1;
    return 0;
}

/* Plans, reads every body, replays the history up to the start, then writes the range. */
static int write_script(offline *o, const char *start, const char *target, bool upgrade,
                        size_t *written, const ath_runner_options *opt)
{
    const char **heads = NULL;
    size_t nheads = 0;
    int rc = start_heads(&heads, &nheads, o, start);
    if (rc)
        return rc;
    ath_revplan before = {NULL, 0}, plan;
    if (nheads)
        rc = ath_revmap_upgrade_plan(&before, o->arena, o->map, NULL, 0, heads[0]);
    if (!rc)
        rc = upgrade ? ath_revmap_upgrade_plan(&plan, o->arena, o->map, heads, nheads, target)
                     : ath_revmap_downgrade_plan(&plan, o->arena, o->map, heads, nheads, target);
    if (rc)
        return rc;
    /* Every body first, so a refusal anywhere writes no script. */
    offline_step *replay = NULL, *steps = NULL;
    int rrc = read_bodies(&replay, o, &before);
    rc = read_bodies(&steps, o, &plan);
    if (rrc)
        rc = rrc;
    if (rc == ATH_EPARSE)
        return ath_error(ATH_EPARSE,
                         "%s --sql refused: a script cannot be read without Python "
                         "(see the errors above)",
                         upgrade ? "upgrade" : "downgrade");
    if (rc)
        return rc;
    for (size_t i = 0; i < before.count; i++)
        if ((rc = step_ops(o, &replay[i], false)))
            return rc;

    bool transactional = o->dialect == ATH_DIALECT_POSTGRESQL;
    if (transactional && (rc = add_stmt(o, "BEGIN")))
        return rc;
    for (size_t i = 0; i < plan.count; i++) {
        const offline_step *s = &steps[i];
        if (opt && opt->on_step)
            opt->on_step(opt->ctx, &s->step);
        ath_version_change change;
        rc = ath_revmap_step_heads(&change, o->arena, o->map, heads, nheads, &s->step);
        if (!rc && !nheads)
            rc = add_stmt(o, runner_version_table_sql);
        if (!rc)
            rc = step_comment(o, &s->step);
        if (!rc)
            rc = step_ops(o, s, true);
        if (!rc)
            rc = version_statements(o, &change);
        if (rc)
            return rc;
        heads = change.heads;
        nheads = change.nheads;
        (*written)++;
    }
    if (plan.count && !nheads && (rc = add_stmt(o, "DROP TABLE alembic_version")))
        return rc;
    return transactional ? add_stmt(o, "COMMIT") : 0;
}

static int offline_script(ath_buf *out, ath_dialect dialect, const char *versions_dir,
                          const char *start, const char *target, bool upgrade,
                          const ath_runner_options *opt)
{
    size_t written = 0;
    if (opt && opt->applied)
        *opt->applied = 0;
    ath_arena *arena = ath_arena_new();
    if (!arena)
        return ath_error_oom();
    ath_diags own;
    ath_diags_init(&own, arena);
    offline o;
    memset(&o, 0, sizeof(o));
    o.arena = arena;
    o.diags = opt && opt->diags ? opt->diags : &own;
    o.dialect = dialect;
    ath_revmap *map = NULL;
    int rc = ath_revmap_load(&map, arena, versions_dir, o.diags);
    o.map = map;
    if (!rc) {
        o.schema = ath_schema_new(arena);
        rc = o.schema ? 0 : ath_error_oom();
    }
    if (!rc)
        rc = write_script(&o, start, target ? target : (upgrade ? "head" : "-1"), upgrade, &written,
                          opt);
    if (!rc) {
        ath_buf_put(out, o.script.ptr ? o.script.ptr : "", o.script.len);
        rc = ath_buf_check(out);
    }
    ath_buf_free(&o.script);
    if (opt && opt->applied)
        *opt->applied = written;
    ath_arena_free(arena);
    return rc;
}

int ath_runner_upgrade_sql(ath_buf *out, ath_dialect dialect, const char *versions_dir,
                           const char *start, const char *target, const ath_runner_options *options)
{
    return offline_script(out, dialect, versions_dir, start, target, true, options);
}

int ath_runner_downgrade_sql(ath_buf *out, ath_dialect dialect, const char *versions_dir,
                             const char *start, const char *target,
                             const ath_runner_options *options)
{
    return offline_script(out, dialect, versions_dir, start, target, false, options);
}
