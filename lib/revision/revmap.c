/*
 * Building the revision map: ids and labels hashed, parents, children and
 * dependencies linked, heads and bases found, cycles refused, depends_on
 * normalised and branch labels spread along their branch, all as Alembic's
 * RevisionMap does. Resolving identifiers and planning are resolve.c and
 * plan.c.
 */
#include "revision/revmap_internal.h"

#include <stdlib.h>
#include <string.h>

uint64_t *revbits_new(const ath_revmap *map, ath_arena *arena)
{
    return ath_arena_alloc(arena, (map->words ? map->words : 1) * sizeof(uint64_t));
}

const ath_revision *const *rev_edges(const ath_revmap *map, const ath_revision *rev, revrel rel,
                                     size_t *count)
{
    switch (rel) {
    case REL_ANCESTORS:
        *count = rev->ndown;
        return rev->down;
    case REL_ANCESTORS_ALL:
        *count = map->nall_down[rev->index];
        return map->all_down[rev->index];
    case REL_DESCENDANTS:
        *count = rev->nnext;
        return rev->next;
    case REL_DESCENDANTS_ALL:
        *count = rev->nnext_all;
        return map->all_next[rev->index];
    }
    *count = 0;
    return NULL;
}

int revbits_closure(const ath_revmap *map, ath_arena *arena, uint64_t *bits,
                    const ath_revision *const *targets, size_t ntargets, revrel rel)
{
    if (!ntargets)
        return 0;
    /* Each revision is pushed at most once: it is marked when pushed. */
    const ath_revision **stack = ath_arena_alloc(arena, (map->n + 1) * sizeof(*stack));
    if (!stack)
        return ath_error_oom();
    size_t top = 0;
    for (size_t t = 0; t < ntargets; t++) {
        if (!targets[t] || revbits_has(bits, targets[t]->index))
            continue;
        revbits_set(bits, targets[t]->index);
        stack[top++] = targets[t];
        while (top) {
            const ath_revision *rev = stack[--top];
            size_t k;
            const ath_revision *const *edges = rev_edges(map, rev, rel, &k);
            for (size_t e = 0; e < k; e++) {
                if (!revbits_has(bits, edges[e]->index)) {
                    revbits_set(bits, edges[e]->index);
                    stack[top++] = edges[e];
                }
            }
        }
    }
    return 0;
}

/* ---- building ---- */

typedef struct builder {
    ath_revmap *map;
    ath_arena *arena;
    ath_diags *diags;
    int rc; /* first error */
} builder;

/* Records an error about `rev` (at its script when it has one). */
static void refuse(builder *b, const ath_revision *rev, const char *fmt, ...) ATH_PRINTF(3, 4);
static void refuse(builder *b, const ath_revision *rev, const char *fmt, ...)
{
    ath_buf msg = ATH_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ath_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (ath_buf_check(&msg)) {
        b->rc = ATH_ENOMEM;
        return;
    }
    int rc = 0;
    if (b->diags)
        rc = ath_diags_add(b->diags, ATH_DIAG_ERROR, rev ? rev->path : NULL, rev ? rev->line : 0,
                           rev ? rev->col : 0, "%s", ath_buf_cstr(&msg));
    if (rc)
        b->rc = rc;
    else if (!b->rc)
        b->rc = ath_error(ATH_EINVAL, "%s", ath_buf_cstr(&msg));
    ath_buf_free(&msg);
}

static const char **copy_strs(ath_arena *arena, const char *const *src, size_t n, bool *oom)
{
    if (!n)
        return NULL;
    const char **dst = ath_arena_alloc(arena, n * sizeof(*dst));
    if (!dst) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        dst[i] = ath_arena_strdup(arena, src[i] ? src[i] : "");
        if (!dst[i])
            *oom = true;
    }
    return dst;
}

static ath_revision *lookup_id(const ath_revmap *map, const char *id)
{
    return ath_strmap_get(&map->ids, id);
}

/* "a.py and b.py", or the ids when made in memory. */
static const char *where(const ath_revision *rev) { return rev->path ? rev->path : "(in memory)"; }

static int copy_decls(builder *b, const ath_revision_decl *decls, size_t n)
{
    ath_revmap *map = b->map;
    bool oom = false;
    for (size_t i = 0; i < n; i++) {
        ath_revision *rev = &map->revs[i];
        const ath_revision_decl *d = &decls[i];
        rev->index = i;
        rev->id = ath_arena_strdup(b->arena, d->id ? d->id : "");
        rev->path = ath_arena_strdup(b->arena, d->path);
        rev->line = d->line;
        rev->col = d->col;
        rev->doc = ath_arena_strdup(b->arena, d->doc ? d->doc : "");
        rev->longdoc = ath_arena_strdup(b->arena, d->longdoc ? d->longdoc : rev->doc);
        rev->own_labels = copy_strs(b->arena, d->branch_labels, d->nlabels, &oom);
        rev->nown_labels = d->nlabels;
        rev->depends_written = copy_strs(b->arena, d->depends_on, d->ndepends, &oom);
        rev->ndepends_written = d->ndepends;
        if (!rev->id || !rev->doc || !rev->longdoc || (d->path && !rev->path))
            oom = true;
        if (oom)
            return ath_error_oom();
    }
    return 0;
}

/* Ids: present, legal, unique. */
static int index_ids(builder *b, const ath_revision_decl *decls)
{
    ath_revmap *map = b->map;
    for (size_t i = 0; i < map->n; i++) {
        ath_revision *rev = &map->revs[i];
        if (!rev->id[0]) {
            refuse(b, rev, "revision identifier is empty");
            continue;
        }
        char bad[8] = "";
        size_t nbad = 0;
        /* Alembic lists the characters sorted: '+', '-', '@'. */
        static const char illegal[] = "+-@";
        for (const char *c = illegal; *c; c++) {
            if (strchr(rev->id, *c)) {
                if (nbad)
                    memcpy(bad + strlen(bad), ", ", 3);
                size_t l = strlen(bad);
                bad[l] = *c;
                bad[l + 1] = '\0';
                nbad++;
            }
        }
        if (nbad) {
            refuse(b, rev, "Character(s) '%s' not allowed in revision identifier '%s'", bad,
                   rev->id);
            continue;
        }
        const ath_revision_decl *d = &decls[i];
        for (size_t k = 0; k < d->ndown; k++)
            if (d->down_revisions[k] && strcmp(d->down_revisions[k], rev->id) == 0)
                refuse(b, rev, "Self-loop is detected in revisions (%s)", rev->id);
        for (size_t k = 0; k < d->ndepends; k++)
            if (d->depends_on[k] && strcmp(d->depends_on[k], rev->id) == 0)
                refuse(b, rev, "Dependency self-loop is detected in revisions (%s)", rev->id);
        ath_revision *prev = lookup_id(map, rev->id);
        if (prev) {
            refuse(b, rev, "revision '%s' is declared twice: in %s and in %s", rev->id, where(prev),
                   where(rev));
            continue;
        }
        if (ath_strmap_put(&map->ids, b->arena, rev->id, rev))
            return ath_error_oom();
    }
    return 0;
}

static int index_labels(builder *b)
{
    ath_revmap *map = b->map;
    for (size_t i = 0; i < map->n; i++) {
        ath_revision *rev = &map->revs[i];
        for (size_t k = 0; k < rev->nown_labels; k++) {
            const char *label = rev->own_labels[k];
            const ath_revision *other = lookup_id(map, label);
            if (!other)
                other = ath_strmap_get(&map->labels, label);
            if (other) {
                refuse(b, rev, "Branch name '%s' in revision %s already used by revision %s", label,
                       rev->id, other->id);
                continue;
            }
            if (ath_strmap_put(&map->labels, b->arena, label, rev))
                return ath_error_oom();
        }
    }
    return 0;
}

static bool in_list(const ath_revision *const *list, size_t n, const ath_revision *rev)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == rev)
            return true;
    return false;
}

/* down_revision (ids only) and depends_on (ids or labels), checked and linked. */
static int link_parents(builder *b, const ath_revision_decl *decls)
{
    ath_revmap *map = b->map;
    for (size_t i = 0; i < map->n; i++) {
        ath_revision *rev = &map->revs[i];
        const ath_revision_decl *d = &decls[i];
        rev->down = ath_arena_alloc(b->arena, (d->ndown + 1) * sizeof(*rev->down));
        rev->depends = ath_arena_alloc(b->arena, (d->ndepends + 1) * sizeof(*rev->depends));
        if (!rev->down || !rev->depends)
            return ath_error_oom();
        for (size_t k = 0; k < d->ndown; k++) {
            const char *id = d->down_revisions[k] ? d->down_revisions[k] : "";
            const ath_revision *parent = lookup_id(map, id);
            if (!parent) {
                refuse(b, rev, "Revision %s referenced from %s is not present", id, rev->id);
                continue;
            }
            if (parent == rev || in_list(rev->down, rev->ndown, parent))
                continue; /* a self-loop is refused already; a repeat means nothing more */
            rev->down[rev->ndown++] = parent;
        }
        for (size_t k = 0; k < d->ndepends; k++) {
            const char *id = d->depends_on[k] ? d->depends_on[k] : "";
            const ath_revision *dep = lookup_id(map, id);
            if (!dep)
                dep = ath_strmap_get(&map->labels, id);
            if (!dep) {
                refuse(b, rev, "Revision %s referenced from %s is not present", id, rev->id);
                continue;
            }
            if (dep == rev || in_list(rev->depends, rev->ndepends, dep))
                continue;
            rev->depends[rev->ndepends++] = dep;
        }
        rev->is_base = rev->ndown == 0 && d->ndown == 0;
        rev->is_merge_point = rev->ndown > 1;
    }
    return 0;
}

/* all_down, children, dependents, heads, bases. */
static int link_children(builder *b, const ath_revision_decl *decls)
{
    ath_revmap *map = b->map;
    ath_arena *arena = b->arena;
    size_t n = map->n;
    map->all_down = ath_arena_alloc(arena, (n + 1) * sizeof(*map->all_down));
    map->nall_down = ath_arena_alloc(arena, (n + 1) * sizeof(*map->nall_down));
    map->norm_down = ath_arena_alloc(arena, (n + 1) * sizeof(*map->norm_down));
    map->nnorm_down = ath_arena_alloc(arena, (n + 1) * sizeof(*map->nnorm_down));
    map->all_next = ath_arena_alloc(arena, (n + 1) * sizeof(*map->all_next));
    size_t *nnext = ath_arena_alloc(arena, (n + 1) * sizeof(size_t));
    size_t *nall = ath_arena_alloc(arena, (n + 1) * sizeof(size_t));
    if (!map->all_down || !map->nall_down || !map->norm_down || !map->nnorm_down ||
        !map->all_next || !nnext || !nall)
        return ath_error_oom();
    for (size_t i = 0; i < n; i++) {
        ath_revision *rev = &map->revs[i];
        const ath_revision **all =
            ath_arena_alloc(arena, (rev->ndown + rev->ndepends + 1) * sizeof(*all));
        if (!all)
            return ath_error_oom();
        size_t k = 0;
        for (size_t j = 0; j < rev->ndown; j++)
            all[k++] = rev->down[j];
        for (size_t j = 0; j < rev->ndepends; j++)
            if (!in_list(all, k, rev->depends[j]))
                all[k++] = rev->depends[j];
        map->all_down[i] = all;
        map->nall_down[i] = k;
        for (size_t j = 0; j < rev->ndown; j++)
            nnext[rev->down[j]->index]++;
        for (size_t j = 0; j < k; j++)
            nall[all[j]->index]++;
    }
    for (size_t i = 0; i < n; i++) {
        ath_revision *rev = &map->revs[i];
        rev->next = ath_arena_alloc(arena, (nnext[i] + 1) * sizeof(*rev->next));
        map->all_next[i] = ath_arena_alloc(arena, (nall[i] + 1) * sizeof(**map->all_next));
        if (!rev->next || !map->all_next[i])
            return ath_error_oom();
    }
    /* Children in load order: the outer loop walks children by index. */
    for (size_t i = 0; i < n; i++) {
        ath_revision *rev = &map->revs[i];
        for (size_t j = 0; j < rev->ndown; j++) {
            ath_revision *p = &map->revs[rev->down[j]->index];
            p->next[p->nnext++] = rev;
        }
        for (size_t j = 0; j < map->nall_down[i]; j++) {
            ath_revision *p = &map->revs[map->all_down[i][j]->index];
            map->all_next[p->index][p->nnext_all++] = rev;
        }
    }
    map->heads.items = ath_arena_alloc(arena, (n + 1) * sizeof(*map->heads.items));
    map->real_heads.items = ath_arena_alloc(arena, (n + 1) * sizeof(*map->heads.items));
    map->bases.items = ath_arena_alloc(arena, (n + 1) * sizeof(*map->heads.items));
    if (!map->heads.items || !map->real_heads.items || !map->bases.items)
        return ath_error_oom();
    for (size_t i = 0; i < n; i++) {
        ath_revision *rev = &map->revs[i];
        rev->is_head = rev->nnext == 0;
        rev->is_real_head = rev->nnext_all == 0;
        rev->is_branch_point = rev->nnext > 1;
        if (rev->is_head)
            map->heads.items[map->heads.count++] = rev;
        if (rev->is_real_head)
            map->real_heads.items[map->real_heads.count++] = rev;
        if (rev->is_base)
            map->bases.items[map->bases.count++] = rev;
    }
    (void)decls;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Joins the ids of the revisions in `bits` (sorted when `sorted`) with ", ". */
static const char *join_ids(builder *b, const uint64_t *bits, bool invert, bool sorted)
{
    ath_revmap *map = b->map;
    const char **ids = ath_arena_alloc(b->arena, (map->n + 1) * sizeof(*ids));
    if (!ids)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < map->n; i++)
        if (revbits_has(bits, i) != invert)
            ids[k++] = map->revs[i].id;
    if (sorted)
        qsort(ids, k, sizeof(*ids), cmp_str);
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; i < k; i++)
        ath_buf_printf(&out, "%s%s", i ? ", " : "", ids[i]);
    const char *s = ath_arena_strdup(b->arena, ath_buf_cstr(&out));
    ath_buf_free(&out);
    return s;
}

/*
 * Alembic's test: every revision lies on a path from a head down to a base
 * (along down_revision, then along down_revision and depends_on); what does
 * not is in a cycle, or hangs from one.
 */
static int detect_cycles(builder *b, bool with_deps, const ath_revision *const *heads,
                         size_t nheads)
{
    ath_revmap *map = b->map;
    const char *kind = with_deps ? "Dependency cycle" : "Cycle";
    const ath_revision **bases = ath_arena_alloc(b->arena, (map->n + 1) * sizeof(*bases));
    if (!bases)
        return ath_error_oom();
    size_t nbases = 0;
    for (size_t i = 0; i < map->n; i++) {
        const ath_revision *rev = &map->revs[i];
        if (rev->is_base && (!with_deps || rev->ndepends == 0))
            bases[nbases++] = rev;
    }
    uint64_t *down = revbits_new(map, b->arena), *up = revbits_new(map, b->arena);
    if (!down || !up)
        return ath_error_oom();
    if (!nheads || !nbases) {
        const char *all = join_ids(b, down, true, false);
        if (!all)
            return ath_error_oom();
        refuse(b, NULL, "%s is detected in revisions (%s)", kind, all);
        return 0;
    }
    int rc = revbits_closure(map, b->arena, down, heads, nheads,
                             with_deps ? REL_ANCESTORS_ALL : REL_ANCESTORS);
    if (!rc)
        rc = revbits_closure(map, b->arena, up, bases, nbases,
                             with_deps ? REL_DESCENDANTS_ALL : REL_DESCENDANTS);
    if (rc)
        return rc;
    bool all = true;
    for (size_t w = 0; w < map->words; w++) {
        down[w] &= up[w];
        size_t bits = map->n - w * 64 < 64 ? map->n - w * 64 : 64;
        uint64_t full = bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
        if (down[w] != full)
            all = false;
    }
    if (!all) {
        const char *ids = join_ids(b, down, true, true);
        if (!ids)
            return ath_error_oom();
        const ath_revision *first = NULL;
        for (size_t i = 0; i < map->n && !first; i++)
            if (!revbits_has(down, i))
                first = &map->revs[i];
        refuse(b, first, "%s is detected in revisions (%s)", kind, ids);
    }
    return 0;
}

/*
 * depends_on minus what a down_revision ancestor already depends on (Alembic
 * keeps only these as the revision's extra parents when ordering and when
 * moving alembic_version).
 */
static int normalize_depends(builder *b)
{
    ath_revmap *map = b->map;
    for (size_t i = 0; i < map->n; i++) {
        ath_revision *rev = &map->revs[i];
        rev->norm_depends = ath_arena_alloc(b->arena, (rev->ndepends + 1) * sizeof(void *));
        size_t nd = rev->ndown + rev->ndepends;
        map->norm_down[i] = ath_arena_alloc(b->arena, (nd + 1) * sizeof(void *));
        if (!rev->norm_depends || !map->norm_down[i])
            return ath_error_oom();
        if (rev->ndepends) {
            uint64_t *anc = revbits_new(map, b->arena);
            if (!anc)
                return ath_error_oom();
            const ath_revision *self = rev;
            int rc = revbits_closure(map, b->arena, anc, &self, 1, REL_ANCESTORS);
            if (rc)
                return rc;
            for (size_t d = 0; d < rev->ndepends; d++) {
                bool implied = false;
                for (size_t a = 0; a < map->n && !implied; a++) {
                    if (a == i || !revbits_has(anc, a))
                        continue;
                    implied = in_list(map->revs[a].depends, map->revs[a].ndepends, rev->depends[d]);
                }
                if (!implied)
                    rev->norm_depends[rev->nnorm_depends++] = rev->depends[d];
            }
        }
        const ath_revision **nd_list = map->norm_down[i];
        size_t k = 0;
        for (size_t j = 0; j < rev->ndown; j++)
            nd_list[k++] = rev->down[j];
        for (size_t j = 0; j < rev->nnorm_depends; j++)
            if (!in_list(nd_list, k, rev->norm_depends[j]))
                nd_list[k++] = rev->norm_depends[j];
        map->nnorm_down[i] = k;
    }
    return 0;
}

static int add_label(builder *b, ath_revision *rev, const char *label, size_t *caps)
{
    for (size_t i = 0; i < rev->nlabels; i++)
        if (strcmp(rev->labels[i], label) == 0)
            return 0;
    size_t *cap = &caps[rev->index];
    if (!ath_array_push(b->arena, (void **)&rev->labels, &rev->nlabels, cap, sizeof(char *)))
        return ath_error_oom();
    rev->labels[rev->nlabels - 1] = label;
    return 0;
}

/*
 * A label names its revision's branch: every revision above it (along
 * down_revision) carries it, and so do the ones below it down to the branch
 * point. Alembic walks down from the last revision above the labelled one,
 * so the walk reaches it, and goes on below it, only when nothing above it
 * branches; it stops at a branch point (dependents count) or a merge point.
 */
static int spread_labels(builder *b)
{
    ath_revmap *map = b->map;
    size_t *caps = ath_arena_alloc(b->arena, (map->n + 1) * sizeof(size_t));
    uint64_t *above = revbits_new(map, b->arena);
    if (!caps || !above)
        return ath_error_oom();
    for (size_t i = 0; i < map->n; i++) {
        ath_revision *rev = &map->revs[i];
        if (!rev->nown_labels)
            continue;
        memset(above, 0, map->words * sizeof(uint64_t));
        const ath_revision *self = rev;
        int rc = revbits_closure(map, b->arena, above, &self, 1, REL_DESCENDANTS);
        if (rc)
            return rc;
        bool chain = true;
        const ath_revision *tip = rev;
        for (size_t j = 0; j < map->n; j++) {
            if (!revbits_has(above, j))
                continue;
            for (size_t l = 0; l < rev->nown_labels; l++)
                if ((rc = add_label(b, &map->revs[j], rev->own_labels[l], caps)))
                    return rc;
            if (map->revs[j].nnext > 1)
                chain = false;
            if (map->revs[j].nnext == 0)
                tip = &map->revs[j];
        }
        if (!chain)
            continue;
        for (const ath_revision *p = tip; p;) {
            if (p->nnext_all > 1 || p->is_merge_point)
                break;
            for (size_t l = 0; l < rev->nown_labels; l++)
                if ((rc = add_label(b, &map->revs[p->index], rev->own_labels[l], caps)))
                    return rc;
            p = p->ndown ? p->down[0] : NULL;
        }
    }
    for (size_t i = 0; i < map->n; i++)
        if (map->revs[i].nlabels > 1)
            qsort(map->revs[i].labels, map->revs[i].nlabels, sizeof(char *), cmp_str);
    return 0;
}

static int sort_keys(builder *b)
{
    ath_revmap *map = b->map;
    size_t nlabels = map->labels.count;
    map->keys = ath_arena_alloc(b->arena, (map->n + nlabels + 1) * sizeof(*map->keys));
    if (!map->keys)
        return ath_error_oom();
    for (size_t i = 0; i < map->n; i++)
        map->keys[map->nkeys++] = map->revs[i].id;
    for (size_t i = 0; i < map->labels.cap; i++)
        if (map->labels.keys[i])
            map->keys[map->nkeys++] = map->labels.keys[i];
    qsort(map->keys, map->nkeys, sizeof(*map->keys), cmp_str);
    return 0;
}

int ath_revmap_build(ath_revmap **out, ath_arena *arena, const ath_revision_decl *decls, size_t n,
                     ath_diags *diags)
{
    *out = NULL;
    ath_revmap *map = ath_arena_alloc(arena, sizeof(*map));
    if (!map)
        return ath_error_oom();
    map->arena = arena;
    map->n = n;
    map->words = (n + 63) / 64;
    map->revs = ath_arena_alloc(arena, (n + 1) * sizeof(*map->revs));
    if (!map->revs)
        return ath_error_oom();
    builder b = {map, arena, diags, 0};
    int rc = copy_decls(&b, decls, n);
    if (!rc)
        rc = index_ids(&b, decls);
    if (!rc)
        rc = index_labels(&b);
    if (!rc && !b.rc)
        rc = link_parents(&b, decls);
    if (rc)
        return rc;
    if (b.rc)
        return b.rc;
    if ((rc = link_children(&b, decls)))
        return rc;
    if (n) {
        rc = detect_cycles(&b, false, map->heads.items, map->heads.count);
        if (!rc && !b.rc)
            rc = detect_cycles(&b, true, map->real_heads.items, map->real_heads.count);
        if (rc)
            return rc;
        if (b.rc)
            return b.rc;
    }
    if ((rc = normalize_depends(&b)) || (rc = spread_labels(&b)) || (rc = sort_keys(&b)))
        return rc;
    *out = map;
    return 0;
}

size_t ath_revmap_count(const ath_revmap *map) { return map->n; }

const ath_revision *ath_revmap_at(const ath_revmap *map, size_t i)
{
    return i < map->n ? &map->revs[i] : NULL;
}

const ath_revision *ath_revmap_get(const ath_revmap *map, const char *id)
{
    return lookup_id(map, id);
}

const ath_revision *ath_revmap_label(const ath_revmap *map, const char *label)
{
    return ath_strmap_get(&map->labels, label);
}

ath_revset ath_revmap_heads(const ath_revmap *map) { return map->heads; }

ath_revset ath_revmap_real_heads(const ath_revmap *map) { return map->real_heads; }

ath_revset ath_revmap_bases(const ath_revmap *map) { return map->bases; }
