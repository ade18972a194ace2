/*
 * Inside the revision map: the lookup tables, the per-revision lists the
 * public struct does not show, and the set helpers (bitsets over revision
 * indexes) that resolve.c and plan.c share with revmap.c.
 */
#ifndef ATH_LIB_REVISION_REVMAP_INTERNAL_H
#define ATH_LIB_REVISION_REVMAP_INTERNAL_H

#include "athanor.h"
#include "athanor/revision.h"
#include "models/resolve.h" /* ath_strmap */

#include <stdint.h>

struct ath_revmap {
    ath_arena *arena;
    ath_revision *revs;
    size_t n;
    size_t words;      /* uint64_t words in a set of revisions */
    ath_strmap ids;    /* id -> ath_revision * */
    ath_strmap labels; /* own branch label -> ath_revision * */
    const char **keys; /* ids and labels, sorted, for prefix lookups */
    size_t nkeys;
    const ath_revision ***all_down; /* per revision: down_revision + depends_on */
    size_t *nall_down;
    const ath_revision ***norm_down; /* down_revision + norm_depends */
    size_t *nnorm_down;
    const ath_revision ***all_next; /* next + dependents */
    ath_revset heads, real_heads, bases;
};

/* Which edges a closure follows. */
typedef enum {
    REL_ANCESTORS,      /* down_revision only */
    REL_ANCESTORS_ALL,  /* down_revision and depends_on */
    REL_DESCENDANTS,    /* next only */
    REL_DESCENDANTS_ALL /* next and dependents */
} revrel;

/* A zeroed set of the map's revisions in `arena`; NULL when out of memory. */
uint64_t *revbits_new(const ath_revmap *map, ath_arena *arena);
static inline bool revbits_has(const uint64_t *bits, size_t i)
{
    return (bits[i / 64] >> (i % 64)) & 1u;
}
static inline void revbits_set(uint64_t *bits, size_t i)
{
    bits[i / 64] |= (uint64_t)1 << (i % 64);
}
static inline void revbits_clear(uint64_t *bits, size_t i)
{
    bits[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/*
 * Adds to `bits` the targets and everything reachable from them along `rel`.
 * Already-set members are not walked again. ATH_ENOMEM on failure.
 */
int revbits_closure(const ath_revmap *map, ath_arena *arena, uint64_t *bits,
                    const ath_revision *const *targets, size_t ntargets, revrel rel);

/* The edges of `rev` along `rel`. */
const ath_revision *const *rev_edges(const ath_revmap *map, const ath_revision *rev, revrel rel,
                                     size_t *count);

#endif

/* ---- resolution, shared by resolve.c and plan.c ---- */

typedef struct rctx {
    const ath_revmap *map;
    ath_arena *arena;
    const char *end; /* the argument multiple-heads messages name; NULL: the identifier */
    const char *const *current; /* the database's heads */
    size_t ncurrent;
} rctx;

/* Where a walk is: nowhere yet (Alembic's None), at "base", or at a revision. */
typedef enum { POS_NONE, POS_BASE, POS_REV } poskind;
typedef struct walkpos {
    poskind kind;
    const ath_revision *rev;
} walkpos;

/* `[label@][symbol](+|-)digits...` as Alembic's relative-destination pattern
 * matches it (a prefix match: what follows the digits is ignored). */
typedef struct relative {
    const char *label;  /* NULL when absent */
    const char *symbol; /* NULL when absent */
    const char *text;   /* "+2", "-1": the sign and digits as written */
    long steps;
} relative;

bool rv_parse_relative(rctx *c, const char *s, relative *out, bool *oom);

int rv_multiple_heads(const rctx *c, const char *argument);
int rv_cant_locate(const char *argument, const char *detail);
int rv_revision_error(const char *fmt, ...) ATH_PRINTF(1, 2);

int rv_push(ath_arena *arena, ath_revset *set, size_t *cap, const ath_revision *rev);
bool rv_contains(const ath_revset *set, const ath_revision *rev);

int rv_get_revisions(rctx *c, const char *ident, ath_revset *out);
/* Each of `ids` resolved alone (full, label or prefix), as Alembic resolves a tuple. */
int rv_get_revisions_list(rctx *c, const char *const *ids, size_t n, ath_revset *out);
/* *out NULL for base / nothing. */
int rv_get_revision(rctx *c, const char *ident, const ath_revision **out);
int rv_resolve_branch(rctx *c, const char *label, const ath_revision **out);
int rv_filter_lineage(rctx *c, const ath_revset *targets, const char *check_against,
                      ath_revset *out);
int rv_walk(rctx *c, walkpos start, long steps, const char *label, bool no_overwalk, walkpos *out);
