/*
 * Paths through the revision graph, as Alembic computes them: which
 * revisions an upgrade or downgrade runs and in what order (Alembic's
 * topological walk from the heads down, which keeps each branch together),
 * the revisions `history` lists, and how alembic_version changes with each
 * step. Running the steps is the runner's job.
 */
#include "revision/revmap_internal.h"

#include <string.h>

/* ---- targets ---- */

static int walk_from(rctx *c, const ath_revision *start, long steps, const char *label,
                     walkpos *out)
{
    walkpos from = {start ? POS_REV : POS_NONE, start};
    return rv_walk(c, from, steps, label, true, out);
}

/* Alembic's _parse_upgrade_target: the revisions an upgrade must reach. */
static int upgrade_targets(rctx *c, const char *target, ath_revset *out)
{
    memset(out, 0, sizeof(*out));
    relative rel;
    bool oom = false;
    bool is_rel = rv_parse_relative(c, target, &rel, &oom);
    if (oom)
        return ath_error_oom();
    if (!is_rel)
        return rv_get_revisions(c, target, out);
    int rc;
    size_t cap = 0;
    walkpos pos;
    if (rel.steps > 0 && !rel.symbol) {
        /* +N: up from the current revision (of the branch, when one is named). */
        ath_revset starts;
        bool from_nothing = false;
        if ((rc = rv_get_revisions_list(c, c->current, c->ncurrent, &starts)))
            return rc;
        if (rel.label) {
            ath_revset on;
            if ((rc = rv_filter_lineage(c, &starts, rel.label, &on)))
                return rc;
            if (!on.count) {
                /* Not at a head of that branch: start from the newest applied
                 * revisions on it, or from nothing. */
                uint64_t *applied = revbits_new(c->map, c->arena);
                if (!applied)
                    return ath_error_oom();
                if ((rc = revbits_closure(c->map, c->arena, applied, starts.items, starts.count,
                                          REL_ANCESTORS_ALL)))
                    return rc;
                ath_revset active = {NULL, 0}, branch;
                size_t acap = 0;
                for (size_t i = 0; i < c->map->n; i++)
                    if (revbits_has(applied, i) &&
                        (rc = rv_push(c->arena, &active, &acap, &c->map->revs[i])))
                        return rc;
                if ((rc = rv_filter_lineage(c, &active, rel.label, &branch)))
                    return rc;
                uint64_t *below = revbits_new(c->map, c->arena);
                if (!below)
                    return ath_error_oom();
                for (size_t i = 0; i < branch.count; i++) {
                    size_t k = c->map->nnorm_down[branch.items[i]->index];
                    for (size_t j = 0; j < k; j++)
                        revbits_set(below, c->map->norm_down[branch.items[i]->index][j]->index);
                }
                size_t ocap = 0;
                for (size_t i = 0; i < branch.count; i++)
                    if (!revbits_has(below, branch.items[i]->index) &&
                        (rc = rv_push(c->arena, &on, &ocap, branch.items[i])))
                        return rc;
                from_nothing = on.count == 0;
            }
            starts = on;
        } else {
            from_nothing = starts.count == 0;
        }
        if (starts.count > 1)
            return rv_revision_error("Ambiguous upgrade from multiple current revisions");
        if ((rc = walk_from(c, from_nothing ? NULL : starts.items[0], rel.steps, rel.label, &pos)))
            return rc;
        if (pos.kind != POS_REV)
            return rv_revision_error("Relative revision %s didn't produce %ld migrations", rel.text,
                                     rel.steps);
        return rv_push(c->arena, out, &cap, pos.rev);
    }
    if (!rel.symbol)
        return rv_revision_error("Relative revision %ld didn't produce %ld migrations", rel.steps,
                                 rel.steps < 0 ? -rel.steps : rel.steps);
    const ath_revision *start;
    const char *from = rel.symbol;
    if (rel.label && rel.steps <= 0) {
        from = ath_arena_printf(c->arena, "%s@%s", rel.label, rel.symbol);
        if (!from)
            return ath_error_oom();
    }
    if ((rc = rv_get_revision(c, from, &start)))
        return rc;
    if ((rc = walk_from(c, start, rel.steps, rel.steps > 0 ? rel.label : NULL, &pos)))
        return rc;
    if (pos.kind == POS_NONE)
        return rv_revision_error("Walked too far");
    return pos.kind == POS_REV ? rv_push(c->arena, out, &cap, pos.rev) : 0;
}

/* Revisions of `set` that are heads within it (none of their descendants is in it). */
static int branch_heads_of(rctx *c, const ath_revset *set, ath_revset *out)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    for (size_t i = 0; i < set->count; i++) {
        uint64_t *desc = revbits_new(c->map, c->arena);
        if (!desc)
            return ath_error_oom();
        int rc = revbits_closure(c->map, c->arena, desc, &set->items[i], 1, REL_DESCENDANTS);
        if (rc)
            return rc;
        revbits_clear(desc, set->items[i]->index);
        bool covered = false;
        for (size_t j = 0; j < set->count && !covered; j++)
            covered = revbits_has(desc, set->items[j]->index);
        if (!covered && !rv_contains(out, set->items[i]) &&
            (rc = rv_push(c->arena, out, &cap, set->items[i])))
            return rc;
    }
    return 0;
}

/* Alembic's _parse_downgrade_target: *label and *target (NULL: base). */
static int downgrade_target(rctx *c, const char *target, const char **label,
                            const ath_revision **out)
{
    *label = NULL;
    *out = NULL;
    relative rel;
    bool oom = false;
    bool is_rel = rv_parse_relative(c, target, &rel, &oom);
    if (oom)
        return ath_error_oom();
    int rc;
    walkpos pos;
    if (!is_rel) {
        const char *at = strrchr(target, '@');
        if (at && at != target) {
            *label = ath_arena_strndup(c->arena, target, (size_t)(at - target));
            if (!*label)
                return ath_error_oom();
        }
        return rv_get_revision(c, at ? at + 1 : target, out);
    }
    if (rel.steps >= 0) {
        if (!rel.symbol)
            return rv_revision_error("Relative revision %s didn't produce %ld migrations", rel.text,
                                     rel.steps);
        const ath_revision *start;
        if ((rc = rv_get_revision(c, rel.symbol, &start)) ||
            (rc = walk_from(c, start, rel.steps, rel.label, &pos)))
            return rc;
        if (pos.kind == POS_NONE)
            return rv_revision_error("Walked too far");
        *label = rel.label;
        *out = pos.rev;
        return 0;
    }
    const char *symbol = rel.symbol, *branch = rel.label;
    bool from_current = !symbol;
    if (from_current) {
        if (branch) {
            ath_revset current, on;
            if ((rc = rv_get_revisions_list(c, c->current, c->ncurrent, &current)) ||
                (rc = rv_filter_lineage(c, &current, branch, &on)))
                return rc;
            if (!on.count) {
                /* The branch's head is implied by another current head. */
                uint64_t *all = revbits_new(c->map, c->arena);
                if (!all)
                    return ath_error_oom();
                if ((rc = revbits_closure(c->map, c->arena, all, current.items, current.count,
                                          REL_ANCESTORS_ALL)))
                    return rc;
                ath_revset applied = {NULL, 0}, tips;
                size_t acap = 0;
                for (size_t i = 0; i < c->map->n; i++)
                    if (revbits_has(all, i) &&
                        (rc = rv_push(c->arena, &applied, &acap, &c->map->revs[i])))
                        return rc;
                if ((rc = branch_heads_of(c, &applied, &tips)) ||
                    (rc = rv_filter_lineage(c, &tips, branch, &on)))
                    return rc;
            }
            if (on.count != 1)
                return on.count ? rv_revision_error("Ambiguous walk")
                                : rv_revision_error("Relative revision %s didn't produce %ld "
                                                    "migrations",
                                                    rel.text, -rel.steps);
            symbol = on.items[0]->id;
        } else {
            if (!c->ncurrent)
                return rv_revision_error("Relative revision %s didn't produce %ld migrations",
                                         rel.text, -rel.steps);
            /* Alembic warns that -N from several heads is ambiguous, and takes the first. */
            symbol = c->current[0];
            branch = symbol;
        }
    }
    const char *from = symbol;
    if (branch) {
        from = ath_arena_printf(c->arena, "%s@%s", branch, symbol);
        if (!from)
            return ath_error_oom();
    }
    const ath_revision *start;
    if ((rc = rv_get_revision(c, from, &start)) ||
        (rc = walk_from(c, start, rel.steps, NULL, &pos)))
        return rc;
    if (pos.kind == POS_NONE)
        return from_current ? rv_revision_error("Relative revision %s didn't produce %ld "
                                                "migrations",
                                                rel.text, -rel.steps)
                            : rv_revision_error("Walked too far");
    *label = branch;
    *out = pos.rev;
    return 0;
}

/* ---- collecting ---- */

/* Refuses a list in which one revision descends from another (Alembic's check=True). */
static int check_overlap(rctx *c, const ath_revset *revs)
{
    for (size_t i = 0; i < revs->count; i++) {
        uint64_t *anc = revbits_new(c->map, c->arena);
        if (!anc)
            return ath_error_oom();
        const ath_revision *t = revs->items[i];
        int rc = revbits_closure(c->map, c->arena, anc, &t, 1, REL_ANCESTORS_ALL);
        if (rc)
            return rc;
        revbits_clear(anc, t->index);
        ath_buf others = ATH_BUF_INIT;
        for (size_t j = 0; j < revs->count; j++)
            if (revs->items[j] != t && revbits_has(anc, revs->items[j]->index))
                ath_buf_printf(&others, "%s%s", others.len ? ", " : "", revs->items[j]->id);
        if (others.len || others.oom) {
            rc = ath_buf_check(&others);
            if (!rc)
                rc = rv_revision_error("Requested revision %s overlaps with other requested "
                                       "revisions %s",
                                       t->id, ath_buf_cstr(&others));
            ath_buf_free(&others);
            return rc;
        }
    }
    return 0;
}

typedef struct collected {
    uint64_t *needs;
    ath_revset heads; /* where the ordering starts */
} collected;

/* Alembic's _collect_upgrade_revisions. `lower` is what the range starts at. */
static int collect_upgrade(rctx *c, const char *upper, const ath_revset *lower,
                           const char *lower_text, bool inclusive, bool implicit_base,
                           const char *range_text, collected *out)
{
    ath_revset targets;
    int rc = upgrade_targets(c, upper, &targets);
    if (rc)
        return rc;
    if (lower_text && strchr(lower_text, '@')) {
        /* A range from label@...: only the heads of that branch. */
        const char *branch =
            ath_arena_strndup(c->arena, lower_text, (size_t)(strchr(lower_text, '@') - lower_text));
        if (!branch)
            return ath_error_oom();
        const ath_revision *brev;
        if ((rc = rv_get_revision(c, branch, &brev)))
            return rc;
        if (brev && strcmp(brev->id, branch) == 0 && brev->nlabels)
            branch = brev->labels[0];
        size_t k = 0;
        for (size_t i = 0; i < targets.count; i++) {
            bool on = false;
            for (size_t l = 0; l < targets.items[i]->nlabels && !on; l++)
                on = strcmp(targets.items[i]->labels[l], branch) == 0;
            if (on)
                targets.items[k++] = targets.items[i];
        }
        targets.count = k;
    }
    if ((rc = check_overlap(c, &targets)))
        return rc;
    uint64_t *required = revbits_new(c->map, c->arena);
    uint64_t *have = revbits_new(c->map, c->arena);
    if (!required || !have)
        return ath_error_oom();
    if ((rc = revbits_closure(c->map, c->arena, required, targets.items, targets.count,
                              REL_ANCESTORS_ALL)))
        return rc;
    if (!implicit_base)
        for (size_t i = 0; i < lower->count; i++)
            if (!revbits_has(required, lower->items[i]->index))
                return rv_revision_error(
                    "Requested range %s does not refer to ancestor/descendant revisions along "
                    "the same branch",
                    range_text);
    if ((rc = check_overlap(c, lower)))
        return rc;
    if ((rc = revbits_closure(c->map, c->arena, have, lower->items, lower->count,
                              REL_ANCESTORS_ALL)))
        return rc;
    for (size_t w = 0; w < c->map->words; w++)
        required[w] &= ~have[w];
    if (inclusive)
        for (size_t i = 0; i < lower->count; i++)
            revbits_set(required, lower->items[i]->index);
    if (lower->count && !implicit_base) {
        uint64_t *above = revbits_new(c->map, c->arena);
        if (!above)
            return ath_error_oom();
        if ((rc = revbits_closure(c->map, c->arena, above, lower->items, lower->count,
                                  REL_DESCENDANTS)))
            return rc;
        for (size_t w = 0; w < c->map->words; w++)
            required[w] &= above[w];
    }
    out->needs = required;
    out->heads = targets;
    return 0;
}

/* Alembic's _collect_downgrade_revisions. */
static int collect_downgrade(rctx *c, const char *target, collected *out)
{
    const char *label;
    const ath_revision *dest;
    int rc = downgrade_target(c, target, &label, &dest);
    if (rc)
        return rc;
    ath_revset roots = {NULL, 0};
    size_t cap = 0;
    if (!dest) {
        for (size_t i = 0; i < c->map->n; i++)
            if (c->map->revs[i].is_base && (rc = rv_push(c->arena, &roots, &cap, &c->map->revs[i])))
                return rc;
    } else {
        roots = (ath_revset){dest->next, dest->nnext};
    }
    if (label && roots.count > 1) {
        const ath_revision *brev;
        if ((rc = rv_resolve_branch(c, label, &brev)))
            return rc;
        uint64_t *anc = revbits_new(c->map, c->arena);
        if (!anc)
            return ath_error_oom();
        if ((rc = revbits_closure(c->map, c->arena, anc, &brev, 1, REL_ANCESTORS)))
            return rc;
        ath_revset kept = {NULL, 0};
        size_t kcap = 0;
        for (size_t i = 0; i < roots.count; i++)
            if (revbits_has(anc, roots.items[i]->index) &&
                (rc = rv_push(c->arena, &kept, &kcap, roots.items[i])))
                return rc;
        if (!kept.count)
            return rv_revision_error("Not a valid downgrade target from current heads");
        roots = kept;
    }
    ath_revset heads;
    if ((rc = rv_get_revisions_list(c, c->current, c->ncurrent, &heads)))
        return rc;
    uint64_t *drop = revbits_new(c->map, c->arena), *active = revbits_new(c->map, c->arena);
    if (!drop || !active)
        return ath_error_oom();
    if ((rc = revbits_closure(c->map, c->arena, drop, roots.items, roots.count,
                              REL_DESCENDANTS_ALL)) ||
        (rc = revbits_closure(c->map, c->arena, active, heads.items, heads.count,
                              REL_ANCESTORS_ALL)))
        return rc;
    bool empty = true;
    for (size_t w = 0; w < c->map->words; w++) {
        drop[w] &= active[w];
        empty = empty && !drop[w];
    }
    if (dest && empty && !rv_contains(&heads, dest))
        return rv_revision_error("Destination %s is not a valid downgrade target from current "
                                 "head(s)",
                                 target);
    out->needs = drop;
    out->heads = heads;
    return 0;
}

/* ---- ordering ---- */

/*
 * Alembic's topological walk: from the heads (in load order), down one branch
 * as long as no other pending head needs the next revision, switching to that
 * head otherwise; each revision comes after every revision that depends on it.
 * Reversed, it is the order to upgrade in.
 */
static int topo_sort(rctx *c, uint64_t *todo, const ath_revset *heads, ath_revset *out)
{
    const ath_revmap *map = c->map;
    memset(out, 0, sizeof(*out));
    size_t ocap = 0, n = map->n;
    const ath_revision **cur = ath_arena_alloc(c->arena, (n + 1) * sizeof(*cur));
    uint64_t **anc = ath_arena_alloc(c->arena, (n + 1) * sizeof(*anc));
    bool *in_cur = ath_arena_alloc(c->arena, (n + 1) * sizeof(bool));
    if (!cur || !anc || !in_cur)
        return ath_error_oom();
    size_t ncur = 0;
    for (size_t i = 0; i < n; i++) {
        const ath_revision *rev = &map->revs[i];
        if (revbits_has(todo, i) && rv_contains(heads, rev))
            cur[ncur++] = rev;
    }
    int rc;
    for (size_t i = 0; i < ncur; i++) {
        in_cur[cur[i]->index] = true;
        if (!(anc[i] = revbits_new(map, c->arena)))
            return ath_error_oom();
        if ((rc = revbits_closure(map, c->arena, anc[i], &cur[i], 1, REL_ANCESTORS_ALL)))
            return rc;
    }
    size_t idx = 0;
    while (ncur) {
        const ath_revision *cand = cur[idx];
        size_t other = ncur;
        for (size_t j = 0; j < ncur && other == ncur; j++)
            if (j != idx && revbits_has(anc[j], cand->index))
                other = j;
        if (other != ncur) {
            idx = other;
            continue;
        }
        if (revbits_has(todo, cand->index)) {
            if ((rc = rv_push(c->arena, out, &ocap, cand)))
                return rc;
            revbits_clear(todo, cand->index);
        }
        const ath_revision *const *down = map->norm_down[cand->index];
        size_t ndown = map->nnorm_down[cand->index];
        const ath_revision *add[64];
        const ath_revision **adds = add;
        if (ndown > 64 && !(adds = ath_arena_alloc(c->arena, ndown * sizeof(*adds))))
            return ath_error_oom();
        size_t nadd = 0;
        for (size_t j = 0; j < ndown; j++)
            if (revbits_has(todo, down[j]->index) && !in_cur[down[j]->index])
                adds[nadd++] = down[j];
        if (!nadd) {
            in_cur[cand->index] = false;
            memmove(&cur[idx], &cur[idx + 1], (ncur - idx - 1) * sizeof(*cur));
            memmove(&anc[idx], &anc[idx + 1], (ncur - idx - 1) * sizeof(*anc));
            ncur--;
            idx = idx ? idx - 1 : 0;
            continue;
        }
        in_cur[cand->index] = false;
        cur[idx] = adds[0];
        in_cur[adds[0]->index] = true;
        if (cand->nnorm_depends == 0 && cand->ndown == 1) {
            revbits_clear(anc[idx], cand->index);
            continue;
        }
        if (!(anc[idx] = revbits_new(map, c->arena)) ||
            (rc = revbits_closure(map, c->arena, anc[idx], &adds[0], 1, REL_ANCESTORS_ALL)))
            return rc ? rc : ath_error_oom();
        for (size_t j = 1; j < nadd; j++) {
            cur[ncur] = adds[j];
            in_cur[adds[j]->index] = true;
            if (!(anc[ncur] = revbits_new(map, c->arena)) ||
                (rc = revbits_closure(map, c->arena, anc[ncur], &adds[j], 1, REL_ANCESTORS_ALL)))
                return rc ? rc : ath_error_oom();
            ncur++;
        }
    }
    /* Anything left was needed but unreachable from the heads; Alembic asserts this away. */
    for (size_t w = 0; w < map->words; w++)
        if (todo[w])
            return ath_error(ATH_ERROR, "revision ordering left revisions out");
    return 0;
}

static int to_plan(rctx *c, const ath_revset *order, bool upgrade, ath_revplan *out)
{
    out->count = order->count;
    out->steps = ath_arena_alloc(c->arena, (order->count + 1) * sizeof(*out->steps));
    if (!out->steps)
        return ath_error_oom();
    for (size_t i = 0; i < order->count; i++) {
        out->steps[i].revision = order->items[upgrade ? order->count - 1 - i : i];
        out->steps[i].upgrade = upgrade;
    }
    return 0;
}

int ath_revmap_upgrade_plan(ath_revplan *out, ath_arena *arena, const ath_revmap *map,
                            const char *const *current, size_t ncurrent, const char *target)
{
    memset(out, 0, sizeof(*out));
    rctx c = {map, arena, target, current, ncurrent};
    ath_revset lower, order;
    collected col;
    int rc = rv_get_revisions_list(&c, current, ncurrent, &lower);
    if (!rc)
        rc = collect_upgrade(&c, target, &lower, NULL, false, true, target, &col);
    if (!rc)
        rc = topo_sort(&c, col.needs, &col.heads, &order);
    if (!rc)
        rc = to_plan(&c, &order, true, out);
    return rc;
}

int ath_revmap_downgrade_plan(ath_revplan *out, ath_arena *arena, const ath_revmap *map,
                              const char *const *current, size_t ncurrent, const char *target)
{
    memset(out, 0, sizeof(*out));
    rctx c = {map, arena, target, current, ncurrent};
    ath_revset order;
    collected col;
    int rc = collect_downgrade(&c, target, &col);
    if (!rc)
        rc = topo_sort(&c, col.needs, &col.heads, &order);
    if (!rc)
        rc = to_plan(&c, &order, false, out);
    return rc;
}

int ath_revmap_history(ath_revset *out, ath_arena *arena, const ath_revmap *map, const char *lower,
                       const char *upper, const char *const *current, size_t ncurrent)
{
    memset(out, 0, sizeof(*out));
    lower = lower ? lower : "base";
    upper = upper ? upper : "heads";
    rctx c = {map, arena, upper, current, ncurrent};
    const char *range = ath_arena_printf(arena, "%s:%s", lower, upper);
    if (!range)
        return ath_error_oom();
    ath_revset from;
    collected col;
    int rc = rv_get_revisions(&c, lower, &from);
    if (!rc)
        rc = collect_upgrade(&c, upper, &from, lower, true, false, range, &col);
    if (!rc)
        rc = topo_sort(&c, col.needs, &col.heads, out);
    return rc;
}

/* ---- alembic_version ---- */

typedef struct heads_state {
    rctx *c;
    ath_version_change *out;
    size_t cap_ops, cap_heads;
} heads_state;

static int find_head(const ath_version_change *v, const char *id)
{
    for (size_t i = 0; i < v->nheads; i++)
        if (strcmp(v->heads[i], id) == 0)
            return (int)i;
    return -1;
}

static int op_push(heads_state *s, ath_version_op_kind kind, const char *from, const char *to)
{
    ath_version_change *v = s->out;
    ath_version_op *op = ATH_PUSH(s->c->arena, v->ops, v->nops, s->cap_ops);
    if (!op)
        return ath_error_oom();
    op->kind = kind;
    op->from = from;
    op->to = to;
    int at = from ? find_head(v, from) : -1;
    if (from && at < 0)
        return rv_revision_error("alembic_version has no row '%s' to %s", from,
                                 kind == ATH_VERSION_DELETE ? "delete" : "update");
    if (to && find_head(v, to) >= 0)
        return rv_revision_error("alembic_version already has a row '%s'", to);
    if (kind == ATH_VERSION_UPDATE) {
        v->heads[at] = to;
    } else if (kind == ATH_VERSION_DELETE) {
        memmove(&v->heads[at], &v->heads[at + 1], (v->nheads - (size_t)at - 1) * sizeof(char *));
        v->nheads--;
    } else {
        const char **slot = ATH_PUSH(s->c->arena, v->heads, v->nheads, s->cap_heads);
        if (!slot)
            return ath_error_oom();
        *slot = to;
    }
    return 0;
}

/* The down revisions of `rev` that no head other than `except` implies. */
static int not_implied(heads_state *s, const ath_revision *rev, const char *except, ath_revset *out)
{
    rctx *c = s->c;
    const ath_version_change *v = s->out;
    memset(out, 0, sizeof(*out));
    const char **others = ath_arena_alloc(c->arena, (v->nheads + 1) * sizeof(char *));
    if (!others)
        return ath_error_oom();
    size_t nothers = 0;
    const ath_revision *const *down = c->map->norm_down[rev->index];
    size_t ndown = c->map->nnorm_down[rev->index];
    for (size_t i = 0; i < v->nheads; i++) {
        bool skip = except ? strcmp(v->heads[i], except) == 0 : false;
        for (size_t j = 0; j < ndown && !except && !skip; j++)
            skip = strcmp(v->heads[i], down[j]->id) == 0;
        if (!skip)
            others[nothers++] = v->heads[i];
    }
    ath_revset other_revs;
    int rc = rv_get_revisions_list(c, others, nothers, &other_revs);
    if (rc)
        return rc;
    uint64_t *anc = revbits_new(c->map, c->arena);
    if (!anc)
        return ath_error_oom();
    if ((rc = revbits_closure(c->map, c->arena, anc, other_revs.items, other_revs.count,
                              REL_ANCESTORS_ALL)))
        return rc;
    size_t cap = 0;
    for (size_t j = 0; j < ndown; j++)
        if (!revbits_has(anc, down[j]->index) && (rc = rv_push(c->arena, out, &cap, down[j])))
            return rc;
    return 0;
}

int ath_revmap_step_heads(ath_version_change *out, ath_arena *arena, const ath_revmap *map,
                          const char *const *heads, size_t nheads, const ath_revision_step *step)
{
    memset(out, 0, sizeof(*out));
    rctx c = {map, arena, NULL, heads, nheads};
    heads_state s = {&c, out, 0, nheads + 1};
    out->heads = ath_arena_alloc(arena, (nheads + 1) * sizeof(char *));
    if (!out->heads)
        return ath_error_oom();
    for (size_t i = 0; i < nheads; i++)
        out->heads[out->nheads++] = heads[i];
    const ath_revision *rev = step->revision;
    const ath_revision *const *down = map->norm_down[rev->index];
    size_t ndown = map->nnorm_down[rev->index];
    size_t present = 0;
    for (size_t j = 0; j < ndown; j++)
        present += find_head(out, down[j]->id) >= 0;
    int rc;
    if (step->upgrade) {
        if (!ndown || !present)
            return op_push(&s, ATH_VERSION_INSERT, NULL, rev->id);
        if (ndown > 1 && present > 1) {
            /* A merge: its parents that are heads and that no other head implies
             * become one row. */
            ath_revset from;
            if ((rc = not_implied(&s, rev, NULL, &from)))
                return rc;
            size_t k = 0;
            for (size_t i = 0; i < from.count; i++)
                if (find_head(out, from.items[i]->id) >= 0)
                    from.items[k++] = from.items[i];
            from.count = k;
            if (!k)
                return rv_revision_error("Can't merge %s: none of its parents is a head alone",
                                         rev->id);
            for (size_t i = 0; i + 1 < k; i++)
                if ((rc = op_push(&s, ATH_VERSION_DELETE, from.items[i]->id, NULL)))
                    return rc;
            return op_push(&s, ATH_VERSION_UPDATE, from.items[k - 1]->id, rev->id);
        }
        for (size_t j = 0; j < ndown; j++)
            if (find_head(out, down[j]->id) >= 0)
                return op_push(&s, ATH_VERSION_UPDATE, down[j]->id, rev->id);
    }
    if (find_head(out, rev->id) < 0)
        return rv_revision_error("Can't downgrade %s: it is not in alembic_version", rev->id);
    ath_revset to = {NULL, 0};
    if (ndown && (rc = not_implied(&s, rev, rev->id, &to)))
        return rc;
    if (!ndown || !to.count)
        return op_push(&s, ATH_VERSION_DELETE, rev->id, NULL);
    if (ndown > 1) {
        for (size_t i = 0; i + 1 < to.count; i++)
            if ((rc = op_push(&s, ATH_VERSION_INSERT, NULL, to.items[i]->id)))
                return rc;
        return op_push(&s, ATH_VERSION_UPDATE, rev->id, to.items[to.count - 1]->id);
    }
    return op_push(&s, ATH_VERSION_UPDATE, rev->id, down[0]->id);
}
