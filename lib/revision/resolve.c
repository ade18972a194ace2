/*
 * Alembic's revision identifiers: full and partial ids, branch labels,
 * `head`, `heads`, `base`, `current`, `label@...`, `-N` from the heads, and
 * the walk up or down the graph that relative forms use. Errors carry the
 * words Alembic's command line prints. Planning paths is plan.c.
 */
#include "revision/revmap_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

int rv_multiple_heads(const rctx *c, const char *argument)
{
    const char *arg = c->end ? c->end : argument;
    return ath_error(ATH_ECONFLICT,
                     "Multiple head revisions are present for given argument '%s'; please "
                     "specify a specific target revision, '<branchname>@%s' to narrow to a "
                     "specific head, or 'heads' for all heads",
                     arg, arg);
}

int rv_cant_locate(const char *argument, const char *detail)
{
    return ath_error(ATH_ENOTFOUND, "Can't locate revision identified by '%s'%s%s", argument,
                     detail ? "; " : "", detail ? detail : "");
}

int rv_revision_error(const char *fmt, ...)
{
    ath_buf msg = ATH_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ath_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    int rc = ath_buf_check(&msg);
    if (!rc)
        rc = ath_error(ATH_ECONFLICT, "%s", ath_buf_cstr(&msg));
    ath_buf_free(&msg);
    return rc;
}

/* ---- sets ---- */

int rv_push(ath_arena *arena, ath_revset *set, size_t *cap, const ath_revision *rev)
{
    const ath_revision **slot = ATH_PUSH(arena, set->items, set->count, *cap);
    if (!slot)
        return ath_error_oom();
    *slot = rev;
    return 0;
}

bool rv_contains(const ath_revset *set, const ath_revision *rev)
{
    for (size_t i = 0; i < set->count; i++)
        if (set->items[i] == rev)
            return true;
    return false;
}

/* ---- lookups ---- */

static const ath_revision *exact(const ath_revmap *map, const char *key)
{
    const ath_revision *rev = ath_revmap_get(map, key);
    return rev ? rev : ath_revmap_label(map, key);
}

static bool shares_lineage(rctx *c, const ath_revision *target, const ath_revset *against, int *rc)
{
    if (!against->count)
        return true;
    uint64_t *bits = revbits_new(c->map, c->arena);
    if (!bits) {
        *rc = ath_error_oom();
        return false;
    }
    if ((*rc = revbits_closure(c->map, c->arena, bits, &target, 1, REL_DESCENDANTS)))
        return false;
    revbits_clear(bits, target->index);
    if ((*rc = revbits_closure(c->map, c->arena, bits, &target, 1, REL_ANCESTORS)))
        return false;
    for (size_t i = 0; i < against->count; i++)
        if (against->items[i] && revbits_has(bits, against->items[i]->index))
            return true;
    return false;
}

static int for_ident(rctx *c, const char *id, const char *check_branch, const ath_revision **out);

int rv_resolve_branch(rctx *c, const char *label, const ath_revision **out)
{
    *out = exact(c->map, label);
    if (*out)
        return 0;
    int rc = for_ident(c, label, NULL, out);
    if (rc == ATH_ENOTFOUND)
        return rv_cant_locate(label, NULL);
    return rc;
}

static int cmp_rev_order(const void *a, const void *b)
{
    const ath_revision *x = *(const ath_revision *const *)a, *y = *(const ath_revision *const *)b;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Keys (ids, then labels) starting with `prefix`, each longer than three characters. */
static int partial(rctx *c, const char *prefix, ath_revset *ids, const char ***labels,
                   size_t *nlabels)
{
    const ath_revmap *map = c->map;
    size_t plen = strlen(prefix), lo = 0, hi = map->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(map->keys[mid], prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t cap = 0, lcap = 0;
    for (size_t i = lo; i < map->nkeys && strncmp(map->keys[i], prefix, plen) == 0; i++) {
        const char *key = map->keys[i];
        if (strlen(key) <= 3)
            continue;
        const ath_revision *rev = ath_revmap_get(map, key);
        if (rev) {
            if (rv_push(c->arena, ids, &cap, rev))
                return ATH_ENOMEM;
        } else {
            const char **slot = ATH_PUSH(c->arena, *labels, *nlabels, lcap);
            if (!slot)
                return ath_error_oom();
            *slot = key;
        }
    }
    if (ids->count > 1)
        qsort(ids->items, ids->count, sizeof(*ids->items), cmp_rev_order);
    return 0;
}

/* Alembic's _revision_for_ident: an exact key, else a unique prefix, checked against the branch. */
static int for_ident(rctx *c, const char *id, const char *check_branch, const ath_revision **out)
{
    *out = NULL;
    int rc;
    const ath_revision *branch_rev = NULL;
    if (check_branch && (rc = rv_resolve_branch(c, check_branch, &branch_rev)))
        return rc;
    const ath_revision *rev = exact(c->map, id);
    if (!rev) {
        if (!id[0])
            return rv_cant_locate(id, NULL);
        ath_revset ids = {NULL, 0};
        const char **labels = NULL;
        size_t nlabels = 0;
        if ((rc = partial(c, id, &ids, &labels, &nlabels)))
            return rc;
        /* Candidates as Alembic lists them: ids in load order, then labels. */
        const char **names = ath_arena_alloc(c->arena, (ids.count + nlabels + 1) * sizeof(char *));
        const ath_revision **revs =
            ath_arena_alloc(c->arena, (ids.count + nlabels + 1) * sizeof(*revs));
        if (!names || !revs)
            return ath_error_oom();
        size_t n = 0;
        for (size_t i = 0; i < ids.count; i++, n++) {
            names[n] = ids.items[i]->id;
            revs[n] = ids.items[i];
        }
        for (size_t i = 0; i < nlabels; i++, n++) {
            names[n] = labels[i];
            revs[n] = ath_revmap_label(c->map, labels[i]);
        }
        if (branch_rev) {
            ath_revset against = {&branch_rev, 1};
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                bool keep = shares_lineage(c, revs[i], &against, &rc);
                if (rc)
                    return rc;
                if (keep) {
                    names[k] = names[i];
                    revs[k++] = revs[i];
                }
            }
            n = k;
        }
        if (n == 0)
            return rv_cant_locate(id, NULL);
        if (n > 1) {
            ath_buf detail = ATH_BUF_INIT;
            ath_buf_printf(&detail, "multiple revisions start with '%s': ", id);
            for (size_t i = 0; i < n && i < 3; i++)
                ath_buf_printf(&detail, "%s'%s'", i ? ", " : "", names[i]);
            ath_buf_puts(&detail, n > 3 ? ", ..." : "");
            rc = ath_buf_check(&detail);
            if (!rc)
                rc = rv_cant_locate(id, ath_buf_cstr(&detail));
            ath_buf_free(&detail);
            return rc;
        }
        rev = revs[0];
    }
    if (branch_rev) {
        ath_revset against = {&branch_rev, 1};
        bool member = shares_lineage(c, rev, &against, &rc);
        if (rc)
            return rc;
        if (!member) {
            ath_buf detail = ATH_BUF_INIT;
            ath_buf_printf(&detail, "revision %s is not a member of branch '%s'", rev->id,
                           check_branch);
            rc = ath_buf_check(&detail);
            if (!rc)
                rc = rv_cant_locate(id, ath_buf_cstr(&detail));
            ath_buf_free(&detail);
            return rc;
        }
    }
    *out = rev;
    return 0;
}

/* ---- symbolic names ---- */

/* What an identifier names before ids are looked up: Alembic's _resolve_revision_number. */
typedef struct resolved {
    const char **ids; /* to look up one by one */
    size_t count;
    const char *label; /* the part before '@', or NULL */
} resolved;

static int resolve_number(rctx *c, const char *ident, resolved *out)
{
    memset(out, 0, sizeof(*out));
    const char *at = strchr(ident, '@');
    const char *id = ident;
    if (at) {
        out->label = ath_arena_strndup(c->arena, ident, (size_t)(at - ident));
        if (!out->label)
            return ath_error_oom();
        id = at + 1;
    }
    int rc;
    if (strcmp(id, "heads") == 0 || strcmp(id, "head") == 0) {
        ath_revset heads = out->label ? c->map->heads : c->map->real_heads;
        if (strcmp(id, "head") == 0)
            heads = c->map->heads;
        if (out->label) {
            ath_revset filtered = {NULL, 0};
            if ((rc = rv_filter_lineage(c, &heads, out->label, &filtered)))
                return rc;
            heads = filtered;
        }
        if (strcmp(id, "head") == 0 && heads.count > 1) {
            if (!out->label)
                return rv_multiple_heads(c, "head");
            const char *arg = ath_arena_printf(c->arena, "%s@head", out->label);
            return arg ? rv_multiple_heads(c, arg) : ath_error_oom();
        }
        out->ids = ath_arena_alloc(c->arena, (heads.count + 1) * sizeof(char *));
        if (!out->ids)
            return ath_error_oom();
        for (size_t i = 0; i < heads.count; i++)
            out->ids[out->count++] = heads.items[i]->id;
        return 0;
    }
    if (strcmp(id, "base") == 0)
        return 0;
    if (!out->label && strcmp(id, "current") == 0) {
        out->ids = (const char **)c->current;
        out->count = c->ncurrent;
        return 0;
    }
    out->ids = ath_arena_alloc(c->arena, sizeof(char *));
    if (!out->ids)
        return ath_error_oom();
    out->ids[out->count++] = id;
    return 0;
}

int rv_filter_lineage(rctx *c, const ath_revset *targets, const char *check_against,
                      ath_revset *out)
{
    memset(out, 0, sizeof(*out));
    resolved r;
    int rc = resolve_number(c, check_against, &r);
    if (rc)
        return rc;
    ath_revset against = {NULL, 0};
    size_t cap = 0;
    const ath_revision *rev;
    if (r.label) {
        if ((rc = for_ident(c, r.label, NULL, &rev)) ||
            (rc = rv_push(c->arena, &against, &cap, rev)))
            return rc;
    }
    for (size_t i = 0; i < r.count; i++)
        if ((rc = for_ident(c, r.ids[i], NULL, &rev)) ||
            (rc = rv_push(c->arena, &against, &cap, rev)))
            return rc;
    size_t ocap = 0;
    for (size_t i = 0; i < targets->count; i++) {
        bool keep = shares_lineage(c, targets->items[i], &against, &rc);
        if (rc)
            return rc;
        if (keep && (rc = rv_push(c->arena, out, &ocap, targets->items[i])))
            return rc;
    }
    return 0;
}

/* Python's int() on an ASCII integer: optional sign, digits (underscores between them). */
static bool parse_int(const char *s, long *out)
{
    while (isspace((unsigned char)*s))
        s++;
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!isdigit((unsigned char)*s))
        return false;
    long v = 0;
    while (isdigit((unsigned char)*s) || (*s == '_' && isdigit((unsigned char)s[1]))) {
        if (*s != '_')
            v = v > (LONG_MAX - 9) / 10 ? LONG_MAX : v * 10 + (*s - '0');
        s++;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s)
        return false;
    *out = neg ? -v : v;
    return true;
}

int rv_get_revisions_list(rctx *c, const char *const *ids, size_t n, ath_revset *out)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        ath_revset one;
        int rc = rv_get_revisions(c, ids[i], &one);
        if (rc)
            return rc;
        for (size_t k = 0; k < one.count; k++)
            if ((rc = rv_push(c->arena, out, &cap, one.items[k])))
                return rc;
    }
    return 0;
}

int rv_get_revisions(rctx *c, const char *ident, ath_revset *out)
{
    memset(out, 0, sizeof(*out));
    resolved r;
    int rc = resolve_number(c, ident, &r);
    if (rc)
        return rc;
    size_t cap = 0;
    long steps;
    if (r.count == 1 && parse_int(r.ids[0], &steps) && steps < 0) {
        /* -N: N steps down from every head (of the branch, by inherited label). */
        ath_revset heads = c->map->real_heads;
        bool overwalked = false;
        for (size_t i = 0; i < heads.count; i++) {
            const ath_revision *h = heads.items[i];
            if (r.label) {
                bool on = false;
                for (size_t l = 0; l < h->nlabels && !on; l++)
                    on = strcmp(h->labels[l], r.label) == 0;
                if (!on)
                    continue;
            }
            walkpos pos;
            if ((rc = rv_walk(c, (walkpos){POS_REV, h}, steps, NULL, true, &pos)))
                return rc;
            /* Alembic walks every head before it looks at the results. */
            overwalked = overwalked || pos.kind == POS_NONE;
            if (pos.kind == POS_REV && (rc = rv_push(c->arena, out, &cap, pos.rev)))
                return rc;
        }
        return overwalked ? rv_revision_error("Walked too far") : 0;
    }
    if (!r.label && strcmp(ident, "current") == 0)
        return rv_get_revisions_list(c, c->current, c->ncurrent, out);
    for (size_t i = 0; i < r.count; i++) {
        const ath_revision *rev;
        if ((rc = for_ident(c, r.ids[i], r.label, &rev)))
            return rc;
        if (!rv_contains(out, rev) && (rc = rv_push(c->arena, out, &cap, rev)))
            return rc;
    }
    return 0;
}

int rv_get_revision(rctx *c, const char *ident, const ath_revision **out)
{
    *out = NULL;
    resolved r;
    int rc = resolve_number(c, ident, &r);
    if (rc)
        return rc;
    if (r.count > 1)
        return rv_multiple_heads(c, ident);
    if (!r.count)
        return 0;
    if (!r.label && strcmp(ident, "current") == 0) {
        ath_revset one;
        if ((rc = rv_get_revisions(c, r.ids[0], &one)))
            return rc;
        if (one.count > 1)
            return rv_multiple_heads(c, ident);
        *out = one.count ? one.items[0] : NULL;
        return 0;
    }
    return for_ident(c, r.ids[0], r.label, out);
}

/* ---- walking ---- */

int rv_walk(rctx *c, walkpos start, long steps, const char *label, bool no_overwalk, walkpos *out)
{
    walkpos pos = start;
    unsigned long n = steps < 0 ? 0UL - (unsigned long)steps : (unsigned long)steps;
    int rc;
    for (unsigned long i = 0; i < n; i++) {
        ath_revset children = {NULL, 0};
        bool to_base = false;
        if (steps > 0) {
            ath_revset up;
            if (pos.kind == POS_BASE)
                return rv_revision_error("Ambiguous walk");
            if (pos.kind == POS_NONE)
                up = c->map->bases;
            else
                up = (ath_revset){pos.rev->next, pos.rev->nnext};
            if (label) {
                if ((rc = rv_filter_lineage(c, &up, label, &children)))
                    return rc;
            } else {
                children = up;
            }
        } else if (pos.kind != POS_BASE) {
            if (pos.kind == POS_NONE)
                children = c->map->heads;
            else
                children = (ath_revset){pos.rev->down, pos.rev->ndown};
            to_base = children.count == 0;
        }
        if (to_base) {
            pos = (walkpos){POS_BASE, NULL};
            continue;
        }
        if (!children.count) {
            if (no_overwalk)
                pos = (walkpos){POS_NONE, NULL};
            *out = pos;
            return 0;
        }
        if (children.count > 1)
            return rv_revision_error("Ambiguous walk");
        pos = (walkpos){POS_REV, children.items[0]};
    }
    *out = pos;
    return 0;
}

/* ---- the relative pattern ---- */

static bool is_word(unsigned char ch) { return isalnum(ch) || ch == '_' || ch >= 0x80; }

/* `(\w+)?([+-]\d+)` at the start of `s`. */
static bool match_rest(const char *s, size_t *symlen, size_t *rellen)
{
    size_t i = 0;
    while (is_word((unsigned char)s[i]))
        i++;
    if (s[i] != '+' && s[i] != '-')
        return false;
    size_t j = i + 1;
    while (isdigit((unsigned char)s[j]))
        j++;
    if (j == i + 1)
        return false;
    *symlen = i;
    *rellen = j - i;
    return true;
}

bool rv_parse_relative(rctx *c, const char *s, relative *out, bool *oom)
{
    memset(out, 0, sizeof(*out));
    size_t symlen = 0, rellen = 0, start = 0;
    bool found = false;
    /* The label is the shortest prefix before an '@' after which the rest matches. */
    for (const char *at = strchr(s + (s[0] ? 1 : 0), '@'); at && !found; at = strchr(at + 1, '@')) {
        if (match_rest(at + 1, &symlen, &rellen)) {
            found = true;
            start = (size_t)(at - s) + 1;
            out->label = ath_arena_strndup(c->arena, s, (size_t)(at - s));
            if (!out->label)
                *oom = true;
        }
    }
    if (!found && !match_rest(s, &symlen, &rellen))
        return false;
    if (symlen) {
        out->symbol = ath_arena_strndup(c->arena, s + start, symlen);
        if (!out->symbol)
            *oom = true;
    }
    out->text = ath_arena_strndup(c->arena, s + start + symlen, rellen);
    if (!out->text) {
        *oom = true;
        return true;
    }
    errno = 0;
    long v = strtol(out->text, NULL, 10);
    if (errno == ERANGE)
        v = out->text[0] == '-' ? -LONG_MAX : LONG_MAX;
    out->steps = v;
    return true;
}

/* ---- public ---- */

int ath_revmap_resolve(ath_revset *out, ath_arena *arena, const ath_revmap *map, const char *ident,
                       const char *const *current, size_t ncurrent)
{
    memset(out, 0, sizeof(*out));
    rctx c = {map, arena, NULL, current, ncurrent};
    return rv_get_revisions(&c, ident ? ident : "base", out);
}

int ath_revmap_resolve_one(const ath_revision **out, ath_arena *arena, const ath_revmap *map,
                           const char *ident, const char *const *current, size_t ncurrent)
{
    *out = NULL;
    rctx c = {map, arena, NULL, current, ncurrent};
    return rv_get_revision(&c, ident ? ident : "base", out);
}
