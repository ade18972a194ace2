/*
 * stamp: alembic_version set to a revision without running its migrations,
 * with Alembic's rules for which rows a target replaces (its lineage) and
 * which it leaves (other branches). Plans from the revision map, then writes
 * the rows under the migration lock in one transaction. Runs no script body.
 */
#include "athanor/runner.h"

#include "runner/internal.h"

#include <string.h>

/* ---- planning ---- */

/*
 * Marks `rev` and everything it descends from, through down_revision and
 * depends_on (Alembic's ancestors with dependencies). `mark` has one flag per
 * revision of the map, by index.
 */
static int mark_ancestors(bool *mark, ath_arena *arena, const ath_revmap *map,
                          const ath_revision *rev)
{
    size_t n = ath_revmap_count(map);
    const ath_revision **stack = ath_arena_alloc(arena, (n ? n : 1) * sizeof(*stack));
    if (!stack)
        return ath_error_oom();
    memset(mark, 0, n * sizeof(*mark));
    size_t top = 0;
    mark[rev->index] = true;
    stack[top++] = rev;
    while (top) {
        const ath_revision *r = stack[--top];
        for (size_t i = 0; i < r->ndown + r->ndepends; i++) {
            const ath_revision *up = i < r->ndown ? r->down[i] : r->depends[i - r->ndown];
            if (!mark[up->index]) {
                mark[up->index] = true;
                stack[top++] = up;
            }
        }
    }
    return 0;
}

/* Does `a` descend from `b` (or is it `b`)? */
static int descends(bool *result, bool *mark, ath_arena *arena, const ath_revmap *map,
                    const ath_revision *a, const ath_revision *b)
{
    int rc = mark_ancestors(mark, arena, map, a);
    if (!rc)
        *result = mark[b->index];
    return rc;
}

/* Alembic's _shares_lineage: is `rev` an ancestor or a descendant of one of `against`? */
static int shares_lineage(bool *result, bool *mark, ath_arena *arena, const ath_revmap *map,
                          const ath_revision *rev, const ath_revision *const *against, size_t n)
{
    *result = n == 0;
    for (size_t i = 0; i < n && !*result; i++) {
        int rc = descends(result, mark, arena, map, rev, against[i]);
        if (!rc && !*result)
            rc = descends(result, mark, arena, map, against[i], rev);
        if (rc)
            return rc;
    }
    return 0;
}

/* Where Alembic's stamp says "Multiple heads are present", say it in its words. */
static int resolve_target(ath_revset *out, ath_arena *arena, const ath_revmap *map,
                          const char *target)
{
    /* `current` means the database only where Alembic reads it first; stamp does not. */
    if (strcmp(target, "current") == 0)
        return ath_error(ATH_ENOTFOUND, "Can't locate revision identified by '%s'", target);
    int rc = ath_revmap_resolve(out, arena, map, target, NULL, 0);
    if (rc == ATH_ECONFLICT && strstr(ath_error_last(), "Multiple head"))
        return ath_error(rc, "Multiple heads are present; please specify a single target "
                             "revision");
    return rc;
}

/* The rows as the steps so far leave them, and the statements that do it. */
typedef struct heads_state {
    ath_arena *arena;
    const char **items;
    size_t count, cap;
} heads_state;

static ptrdiff_t find_head(const heads_state *h, const char *id)
{
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->items[i], id) == 0)
            return (ptrdiff_t)i;
    return -1;
}

static int add_op(ath_stamp_step *step, size_t *cap, ath_arena *arena, ath_version_op_kind kind,
                  const char *from, const char *to)
{
    ath_version_op *op = ATH_PUSH(arena, step->ops, step->nops, *cap);
    if (!op)
        return ath_error_oom();
    op->kind = kind;
    op->from = from;
    op->to = to;
    return 0;
}

static int op_insert(heads_state *h, ath_stamp_step *step, size_t *cap, const char *to)
{
    if (find_head(h, to) >= 0)
        return ath_error(ATH_ECONFLICT, "cannot stamp %s: alembic_version already holds it", to);
    const char **slot = ATH_PUSH(h->arena, h->items, h->count, h->cap);
    if (!slot)
        return ath_error_oom();
    *slot = to;
    return add_op(step, cap, h->arena, ATH_VERSION_INSERT, NULL, to);
}

static int op_delete(heads_state *h, ath_stamp_step *step, size_t *cap, const char *from)
{
    ptrdiff_t at = find_head(h, from);
    if (at < 0)
        return ath_error(ATH_ECONFLICT, "cannot stamp: alembic_version no longer holds %s", from);
    memmove(&h->items[at], &h->items[at + 1], (h->count - (size_t)at - 1) * sizeof(*h->items));
    h->count--;
    return add_op(step, cap, h->arena, ATH_VERSION_DELETE, from, NULL);
}

static int op_update(heads_state *h, ath_stamp_step *step, size_t *cap, const char *from,
                     const char *to)
{
    ptrdiff_t at = find_head(h, from);
    if (at < 0)
        return ath_error(ATH_ECONFLICT, "cannot stamp %s: alembic_version no longer holds %s", to,
                         from);
    if (find_head(h, to) >= 0)
        return ath_error(ATH_ECONFLICT, "cannot stamp %s: alembic_version already holds it", to);
    h->items[at] = to;
    return add_op(step, cap, h->arena, ATH_VERSION_UPDATE, from, to);
}

/* Alembic's HeadMaintainer.update_to_step for a StampStep. */
static int step_ops(heads_state *h, ath_stamp_step *step)
{
    size_t cap = 0;
    if (!step->upgrade && step->branch_move)
        return op_delete(h, step, &cap, step->from[0]);
    if (step->upgrade && step->to && find_head(h, step->to) < 0) {
        bool gone = step->branch_move;
        for (size_t i = 0; i < step->nfrom && !gone; i++)
            gone = find_head(h, step->from[i]) < 0;
        if (gone)
            return op_insert(h, step, &cap, step->to);
    }
    if (!step->to || step->nfrom == 0)
        return ath_error(ATH_ECONFLICT, "cannot stamp %s: no row of alembic_version to replace",
                         step->to ? step->to : "base");
    for (size_t i = 0; i + 1 < step->nfrom; i++) {
        int rc = op_delete(h, step, &cap, step->from[i]);
        if (rc)
            return rc;
    }
    return op_update(h, step, &cap, step->from[step->nfrom - 1], step->to);
}

static ath_stamp_step *push_step(ath_stamp_step **steps, size_t *count, size_t *cap,
                                 ath_arena *arena)
{
    return ATH_PUSH(arena, *steps, *count, *cap);
}

int ath_runner_stamp_plan(ath_stamp_step **out, size_t *count, ath_arena *arena,
                          const ath_revmap *map, const char *const *heads, size_t nheads,
                          const char *target)
{
    *out = NULL;
    *count = 0;
    size_t n = ath_revmap_count(map);
    bool *mark = ath_arena_alloc(arena, (n ? n : 1) * sizeof(*mark));
    const ath_revision **current = ath_arena_alloc(arena, (nheads ? nheads : 1) * sizeof(*current));
    if (!mark || !current)
        return ath_error_oom();
    size_t ncurrent = 0;
    for (size_t i = 0; i < nheads; i++) {
        const ath_revision *rev = NULL;
        int rc = ath_revmap_resolve_one(&rev, arena, map, heads[i], NULL, 0);
        if (rc)
            return rc;
        if (rev)
            current[ncurrent++] = rev;
    }
    ath_revset dests;
    int rc = resolve_target(&dests, arena, map, target);
    if (rc)
        return rc;

    /* What the target's lineage is measured against: its revisions and its branch label. */
    const ath_revision **against = ath_arena_alloc(arena, (dests.count + 1) * sizeof(*against));
    if (!against)
        return ath_error_oom();
    size_t nagainst = 0;
    const char *at = strchr(target, '@');
    if (at && at > target) {
        char *label = ath_arena_strndup(arena, target, (size_t)(at - target));
        if (!label)
            return ath_error_oom();
        const ath_revision *rev = ath_revmap_label(map, label);
        if (!rev && (rc = ath_revmap_resolve_one(&rev, arena, map, label, NULL, 0)) != 0)
            return rc;
        if (rev)
            against[nagainst++] = rev;
    }
    for (size_t i = 0; i < dests.count; i++)
        against[nagainst++] = dests.items[i];

    /* The rows on that lineage, in the table's order, each once. */
    const char **filtered = ath_arena_alloc(arena, (ncurrent ? ncurrent : 1) * sizeof(*filtered));
    const ath_revision **frevs = ath_arena_alloc(arena, (ncurrent ? ncurrent : 1) * sizeof(*frevs));
    if (!filtered || !frevs)
        return ath_error_oom();
    size_t nfiltered = 0;
    for (size_t i = 0; i < ncurrent; i++) {
        bool shares = false, seen = false;
        rc = shares_lineage(&shares, mark, arena, map, current[i], against, nagainst);
        if (rc)
            return rc;
        for (size_t j = 0; j < nfiltered && !seen; j++)
            seen = frevs[j] == current[i];
        if (shares && !seen) {
            frevs[nfiltered] = current[i];
            filtered[nfiltered++] = current[i]->id;
        }
    }

    ath_stamp_step *steps = NULL;
    size_t nsteps = 0, cap = 0;
    if (dests.count == 0) {
        /* base: every row of the lineage goes. */
        for (size_t i = 0; i < nfiltered; i++) {
            ath_stamp_step *s = push_step(&steps, &nsteps, &cap, arena);
            if (!s)
                return ath_error_oom();
            s->from = &filtered[i];
            s->nfrom = 1;
            s->branch_move = true;
        }
    }
    for (size_t d = 0; d < dests.count; d++) {
        const ath_revision *dest = dests.items[d];
        bool present = false, below = false, above = false;
        for (size_t i = 0; i < nfiltered; i++) {
            bool yes = false;
            present = present || frevs[i] == dest;
            if ((rc = descends(&yes, mark, arena, map, frevs[i], dest)) != 0)
                return rc;
            above = above || yes;
            if ((rc = descends(&yes, mark, arena, map, dest, frevs[i])) != 0)
                return rc;
            below = below || yes;
        }
        if (present)
            continue;
        ath_stamp_step *s = push_step(&steps, &nsteps, &cap, arena);
        if (!s)
            return ath_error_oom();
        s->to = dest->id;
        if (above || below) {
            /* Rows above the target: a downgrade; below: an upgrade. All of them move. */
            s->from = filtered;
            s->nfrom = nfiltered;
            s->upgrade = !above;
        } else {
            s->upgrade = true;
            s->branch_move = true;
        }
    }

    heads_state h = {arena, NULL, 0, 0};
    for (size_t i = 0; i < nheads; i++) {
        const char **slot = ATH_PUSH(arena, h.items, h.count, h.cap);
        if (!slot)
            return ath_error_oom();
        *slot = heads[i];
    }
    for (size_t i = 0; i < nsteps; i++)
        if ((rc = step_ops(&h, &steps[i])) != 0)
            return rc;
    *out = steps;
    *count = nsteps;
    return 0;
}

/* ---- writing ---- */

/* The statements of one step; values as literals through the backend's quoting. */
static int run_ops(ath_backend *be, const ath_stamp_step *step)
{
    for (size_t i = 0; i < step->nops; i++) {
        ath_buf sql = ATH_BUF_INIT;
        runner_version_sql(&sql, &step->ops[i], ath_backend_dialect(be), false);
        int rc = ath_buf_check(&sql);
        if (!rc)
            rc = ath_backend_exec(be, ath_buf_cstr(&sql));
        ath_buf_free(&sql);
        if (rc)
            return rc;
    }
    return 0;
}

/* Inside the lock and the transaction: read, plan, write. */
static int stamp_locked(ath_backend *be, ath_arena *arena, const ath_revmap *map,
                        const char *target, bool purge, const ath_stamp_options *opt)
{
    bool exists = false;
    int rc = runner_tables_exist(&exists, NULL, arena, be);
    const char **heads = NULL;
    size_t nheads = 0;
    if (!rc && exists && !purge)
        rc = ath_runner_current(&heads, &nheads, arena, be);
    ath_stamp_step *steps = NULL;
    size_t nsteps = 0;
    if (!rc)
        rc = ath_runner_stamp_plan(&steps, &nsteps, arena, map, heads, nheads, target);
    if (!rc && !exists)
        rc = ath_backend_exec(be, runner_version_table_sql);
    if (!rc && exists && purge)
        rc = ath_backend_exec(be, "DELETE FROM alembic_version");
    for (size_t i = 0; !rc && i < nsteps; i++) {
        if (opt && opt->on_step)
            opt->on_step(opt->ctx, &steps[i]);
        rc = run_ops(be, &steps[i]);
    }
    return rc;
}

/* Calls `release`; an earlier failure keeps its code and its message. */
static int keep_first(ath_arena *arena, int rc, int (*release)(ath_backend *), ath_backend *be)
{
    char *why = rc ? ath_arena_strdup(arena, ath_error_last()) : NULL;
    int rrc = release(be);
    if (rc && why)
        ath_error(rc, "%s", why);
    return rc ? rc : rrc;
}

int ath_runner_stamp(ath_backend *backend, const char *versions_dir, const char *target, bool purge,
                     const ath_stamp_options *options)
{
    ath_arena *arena = ath_arena_new();
    if (!arena)
        return ath_error_oom();
    ath_diags own;
    ath_diags_init(&own, arena);
    ath_revmap *map = NULL;
    int rc = ath_revmap_load(&map, arena, versions_dir,
                             options && options->diags ? options->diags : &own);
    if (!rc)
        rc = ath_backend_lock(backend);
    if (rc) {
        ath_arena_free(arena);
        return rc;
    }
    rc = ath_backend_begin(backend);
    if (!rc) {
        rc = stamp_locked(backend, arena, map, target ? target : "head", purge, options);
        if (!rc)
            rc = ath_backend_commit(backend);
        if (rc)
            rc = keep_first(arena, rc, ath_backend_rollback, backend);
    }
    rc = keep_first(arena, rc, ath_backend_unlock, backend);
    ath_arena_free(arena);
    return rc;
}
