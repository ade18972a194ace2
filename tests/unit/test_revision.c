/*
 * The revision graph: linear, branched, merged and depends_on histories built
 * in memory; every identifier form; every refusal with Alembic's exact
 * message; the upgrade / downgrade paths and what alembic_version becomes
 * after each step. Expected values were taken from Alembic 1.8.1 (`alembic
 * upgrade --sql` and its RevisionMap on the same histories).
 */
#include "testsupport.h"

#include "athanor/revision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One revision: id, down_revisions, depends_on, branch_labels (comma lists, "" for none). */
typedef struct spec {
    const char *id, *down, *deps, *labels;
} spec;

static size_t csv(ath_arena *arena, const char *s, const char *const **out)
{
    *out = NULL;
    if (!s || !*s)
        return 0;
    const char **items = ath_arena_alloc(arena, 32 * sizeof(char *));
    size_t n = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        items[n++] = ath_arena_strndup(arena, p, comma ? (size_t)(comma - p) : strlen(p));
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = items;
    return n;
}

typedef struct graph {
    ath_arena *arena;
    ath_diags diags;
    ath_revmap *map;
    int rc;
} graph;

static graph make(const spec *specs, size_t n)
{
    graph g;
    g.arena = ath_arena_new();
    ath_diags_init(&g.diags, g.arena);
    ath_revision_decl *decls = ath_arena_alloc(g.arena, (n + 1) * sizeof(*decls));
    for (size_t i = 0; i < n; i++) {
        decls[i].id = specs[i].id;
        decls[i].ndown = csv(g.arena, specs[i].down, &decls[i].down_revisions);
        decls[i].ndepends = csv(g.arena, specs[i].deps, &decls[i].depends_on);
        decls[i].nlabels = csv(g.arena, specs[i].labels, &decls[i].branch_labels);
        decls[i].doc = specs[i].id;
    }
    g.map = (ath_revmap *)&g; /* must be replaced */
    g.rc = ath_revmap_build(&g.map, g.arena, decls, n, &g.diags);
    return g;
}
#define MAKE(arr) make((arr), sizeof(arr) / sizeof((arr)[0]))

static graph must(graph g)
{
    if (g.rc)
        fail_msg("build failed: %s", ath_error_last());
    return g;
}

/* "a,b" of a set, in its order. */
static const char *ids(graph *g, ath_revset s)
{
    ath_buf b = ATH_BUF_INIT;
    for (size_t i = 0; i < s.count; i++)
        ath_buf_printf(&b, "%s%s", i ? "," : "", s.items[i]->id);
    const char *out = ath_arena_strdup(g->arena, ath_buf_cstr(&b));
    ath_buf_free(&b);
    return out;
}

/* The resolved set, or "ERR <message>". `cur` is the current heads, comma-separated. */
static const char *resolve(graph *g, const char *ident, const char *cur)
{
    const char *const *c;
    size_t nc = csv(g->arena, cur, &c);
    ath_revset s;
    int rc = ath_revmap_resolve(&s, g->arena, g->map, ident, c, nc);
    if (rc)
        return ath_arena_printf(g->arena, "ERR %s", ath_error_last());
    return ids(g, s);
}

static const char *resolve_one(graph *g, const char *ident)
{
    const ath_revision *r;
    if (ath_revmap_resolve_one(&r, g->arena, g->map, ident, NULL, 0))
        return ath_arena_printf(g->arena, "ERR %s", ath_error_last());
    return r ? r->id : "base";
}

/*
 * The plan with alembic_version after each step, as Alembic logs it:
 * "a [a] b [b]", and the statements when `sql` ("INSERT a; UPDATE a>b; ...").
 */
static const char *plan(graph *g, bool up, const char *cur, const char *target, bool sql)
{
    const char *const *c;
    size_t nc = csv(g->arena, cur, &c);
    ath_revplan p;
    int rc = up ? ath_revmap_upgrade_plan(&p, g->arena, g->map, c, nc, target)
                : ath_revmap_downgrade_plan(&p, g->arena, g->map, c, nc, target);
    if (rc)
        return ath_arena_printf(g->arena, "ERR %s", ath_error_last());
    ath_buf b = ATH_BUF_INIT;
    const char **heads = (const char **)c;
    size_t nheads = nc;
    for (size_t i = 0; i < p.count; i++) {
        assert_true(p.steps[i].upgrade == up);
        ath_version_change ch;
        rc = ath_revmap_step_heads(&ch, g->arena, g->map, heads, nheads, &p.steps[i]);
        if (rc)
            fail_msg("step %s: %s", p.steps[i].revision->id, ath_error_last());
        if (sql) {
            for (size_t k = 0; k < ch.nops; k++) {
                const ath_version_op *op = &ch.ops[k];
                if (b.len)
                    ath_buf_puts(&b, "; ");
                if (op->kind == ATH_VERSION_INSERT)
                    ath_buf_printf(&b, "INSERT %s", op->to);
                else if (op->kind == ATH_VERSION_DELETE)
                    ath_buf_printf(&b, "DELETE %s", op->from);
                else
                    ath_buf_printf(&b, "UPDATE %s>%s", op->from, op->to);
            }
        } else {
            ath_buf_printf(&b, "%s%s [", i ? " " : "", p.steps[i].revision->id);
            for (size_t k = 0; k < ch.nheads; k++)
                ath_buf_printf(&b, "%s%s", k ? "," : "", ch.heads[k]);
            ath_buf_puts(&b, "]");
        }
        heads = ch.heads;
        nheads = ch.nheads;
    }
    const char *out = ath_arena_strdup(g->arena, ath_buf_cstr(&b));
    ath_buf_free(&b);
    return out;
}
#define UP(g, cur, t) plan(&(g), true, (cur), (t), false)
#define DOWN(g, cur, t) plan(&(g), false, (cur), (t), false)

#define MULTI(arg)                                                                                 \
    "ERR Multiple head revisions are present for given argument '" arg "'; please specify "        \
    "a specific target revision, '<branchname>@" arg "' to narrow to a specific head, or "         \
    "'heads' for all heads"

static const spec linear[] = {
    {"ae1027a6acf", "", "", ""},
    {"27c6a30d7c24", "ae1027a6acf", "", ""},
    {"3f4e5d6c7b8a", "27c6a30d7c24", "", ""},
    {"4a5b6c7d8e9f", "3f4e5d6c7b8a", "", ""},
};

static void linear_history_structure(void **state)
{
    (void)state;
    graph g = must(MAKE(linear));
    assert_int_equal(ath_revmap_count(g.map), 4);
    assert_string_equal(ids(&g, ath_revmap_heads(g.map)), "4a5b6c7d8e9f");
    assert_string_equal(ids(&g, ath_revmap_real_heads(g.map)), "4a5b6c7d8e9f");
    assert_string_equal(ids(&g, ath_revmap_bases(g.map)), "ae1027a6acf");
    const ath_revision *r = ath_revmap_get(g.map, "27c6a30d7c24");
    assert_non_null(r);
    assert_int_equal(r->ndown, 1);
    assert_string_equal(r->down[0]->id, "ae1027a6acf");
    assert_int_equal(r->nnext, 1);
    assert_false(r->is_head || r->is_base || r->is_branch_point || r->is_merge_point);
    assert_null(ath_revmap_get(g.map, "27c6"));
    ath_revset hist;
    assert_int_equal(ath_revmap_history(&hist, g.arena, g.map, NULL, NULL, NULL, 0), 0);
    assert_string_equal(ids(&g, hist), "4a5b6c7d8e9f,3f4e5d6c7b8a,27c6a30d7c24,ae1027a6acf");
    ath_arena_free(g.arena);
}

static void identifiers_on_a_linear_history(void **state)
{
    (void)state;
    graph g = must(MAKE(linear));
    assert_string_equal(resolve(&g, "head", NULL), "4a5b6c7d8e9f");
    assert_string_equal(resolve(&g, "heads", NULL), "4a5b6c7d8e9f");
    assert_string_equal(resolve(&g, "base", NULL), "");
    assert_string_equal(resolve(&g, "27c6a30d7c24", NULL), "27c6a30d7c24");
    /* Partial ids: any unique prefix, even shorter than four characters. */
    assert_string_equal(resolve(&g, "27c6", NULL), "27c6a30d7c24");
    assert_string_equal(resolve(&g, "ae", NULL), "ae1027a6acf");
    assert_string_equal(resolve(&g, "zzzz", NULL),
                        "ERR Can't locate revision identified by 'zzzz'");
    assert_string_equal(resolve(&g, "-1", NULL), "3f4e5d6c7b8a");
    assert_string_equal(resolve(&g, "-3", NULL), "ae1027a6acf");
    assert_string_equal(resolve(&g, "-5", NULL), "ERR Walked too far");
    assert_string_equal(resolve(&g, "current", "3f4e"), "3f4e5d6c7b8a");
    assert_string_equal(resolve(&g, "current", NULL), "");
    assert_string_equal(resolve_one(&g, "head"), "4a5b6c7d8e9f");
    assert_string_equal(resolve_one(&g, "base"), "base");
    ath_arena_free(g.arena);
}

static void relative_upgrades_and_downgrades(void **state)
{
    (void)state;
    graph g = must(MAKE(linear));
    assert_string_equal(UP(g, "", "head"),
                        "ae1027a6acf [ae1027a6acf] 27c6a30d7c24 [27c6a30d7c24] "
                        "3f4e5d6c7b8a [3f4e5d6c7b8a] 4a5b6c7d8e9f [4a5b6c7d8e9f]");
    assert_string_equal(UP(g, "", "+1"), "ae1027a6acf [ae1027a6acf]");
    assert_string_equal(UP(g, "27c6a30d7c24", "+2"),
                        "3f4e5d6c7b8a [3f4e5d6c7b8a] 4a5b6c7d8e9f [4a5b6c7d8e9f]");
    assert_string_equal(UP(g, "", "ae10+1"),
                        "ae1027a6acf [ae1027a6acf] 27c6a30d7c24 [27c6a30d7c24]");
    assert_string_equal(UP(g, "", "4a5b-2"),
                        "ae1027a6acf [ae1027a6acf] 27c6a30d7c24 [27c6a30d7c24]");
    assert_string_equal(UP(g, "4a5b6c7d8e9f", "head"), "");
    assert_string_equal(UP(g, "4a5b6c7d8e9f", "27c6"), ""); /* already applied */
    assert_string_equal(UP(g, "3f4e5d6c7b8a", "+3"),
                        "ERR Relative revision +3 didn't produce 3 migrations");
    assert_string_equal(UP(g, "", "-1"), "ERR Relative revision -1 didn't produce 1 migrations");
    assert_string_equal(UP(g, "", "+0"), "ERR Relative revision 0 didn't produce 0 migrations");
    assert_string_equal(UP(g, "", "ae10+9"), "ERR Walked too far");
    assert_string_equal(UP(g, "", "nope"), "ERR Can't locate revision identified by 'nope'");
    assert_string_equal(UP(g, "nope", "head"), "ERR Can't locate revision identified by 'nope'");

    assert_string_equal(DOWN(g, "4a5b6c7d8e9f", "-1"), "4a5b6c7d8e9f [3f4e5d6c7b8a]");
    assert_string_equal(DOWN(g, "4a5b6c7d8e9f", "-2"),
                        "4a5b6c7d8e9f [3f4e5d6c7b8a] 3f4e5d6c7b8a [27c6a30d7c24]");
    assert_string_equal(DOWN(g, "27c6a30d7c24", "base"),
                        "27c6a30d7c24 [ae1027a6acf] ae1027a6acf []");
    assert_string_equal(DOWN(g, "27c6a30d7c24", "-2"), "27c6a30d7c24 [ae1027a6acf] ae1027a6acf []");
    assert_string_equal(DOWN(g, "4a5b6c7d8e9f", "27c6"),
                        "4a5b6c7d8e9f [3f4e5d6c7b8a] 3f4e5d6c7b8a [27c6a30d7c24]");
    assert_string_equal(DOWN(g, "4a5b6c7d8e9f", "4a5b-1"), "4a5b6c7d8e9f [3f4e5d6c7b8a]");
    assert_string_equal(DOWN(g, "27c6a30d7c24", "-3"),
                        "ERR Relative revision -3 didn't produce 3 migrations");
    assert_string_equal(DOWN(g, "", "-1"), "ERR Relative revision -1 didn't produce 1 migrations");
    assert_string_equal(DOWN(g, "4a5b6c7d8e9f", "+1"),
                        "ERR Relative revision +1 didn't produce 1 migrations");
    assert_string_equal(DOWN(g, "4a5b6c7d8e9f", "27c6-5"), "ERR Walked too far");
    assert_string_equal(
        DOWN(g, "27c6a30d7c24", "3f4e"),
        "ERR Destination 3f4e is not a valid downgrade target from current head(s)");
    assert_string_equal(DOWN(g, "27c6a30d7c24", "27c6"), "");
    ath_arena_free(g.arena);
}

/* base -> a, a branches into b1 (label "feat") and c1; b1 -> b2. */
static const spec branched[] = {
    {"a0a0", "", "", ""},
    {"b1b1", "a0a0", "", "feat"},
    {"b2b2", "b1b1", "", ""},
    {"c1c1", "a0a0", "", ""},
};

static void branched_history(void **state)
{
    (void)state;
    graph g = must(MAKE(branched));
    assert_string_equal(ids(&g, ath_revmap_heads(g.map)), "b2b2,c1c1");
    const ath_revision *a = ath_revmap_get(g.map, "a0a0");
    assert_true(a->is_branch_point);
    assert_int_equal(a->nlabels, 0); /* labels stop at the branch point */
    assert_int_equal(ath_revmap_get(g.map, "b2b2")->nlabels, 1);
    assert_string_equal(ath_revmap_get(g.map, "b2b2")->labels[0], "feat");
    assert_int_equal(ath_revmap_get(g.map, "c1c1")->nlabels, 0);
    assert_ptr_equal(ath_revmap_label(g.map, "feat"), ath_revmap_get(g.map, "b1b1"));

    assert_string_equal(resolve(&g, "head", NULL), MULTI("head"));
    assert_string_equal(resolve_one(&g, "heads"), MULTI("heads"));
    assert_string_equal(resolve(&g, "heads", NULL), "b2b2,c1c1");
    assert_string_equal(resolve(&g, "feat@head", NULL), "b2b2");
    assert_string_equal(resolve(&g, "feat@heads", NULL), "b2b2");
    assert_string_equal(resolve(&g, "feat@base", NULL), "");
    assert_string_equal(resolve(&g, "feat", NULL), "b1b1");
    assert_string_equal(resolve(&g, "feat@b2b2", NULL), "b2b2");
    assert_string_equal(resolve(&g, "feat@-1", NULL), "b1b1");
    assert_string_equal(resolve(&g, "feat@c1c1", NULL),
                        "ERR Can't locate revision identified by 'c1c1'; revision c1c1 is not a "
                        "member of branch 'feat'");
    assert_string_equal(resolve(&g, "nobranch@head", NULL),
                        "ERR Can't locate revision identified by 'nobranch'");
    assert_string_equal(resolve(&g, "-1", NULL), "b1b1,a0a0");

    assert_string_equal(UP(g, "", "head"), MULTI("head"));
    assert_string_equal(UP(g, "", "feat@head"), "a0a0 [a0a0] b1b1 [b1b1] b2b2 [b2b2]");
    assert_string_equal(UP(g, "", "heads"),
                        "a0a0 [a0a0] c1c1 [c1c1] b1b1 [c1c1,b1b1] b2b2 [c1c1,b2b2]");
    assert_string_equal(UP(g, "b2b2", "c1c1"), "c1c1 [b2b2,c1c1]");
    assert_string_equal(UP(g, "a0a0", "+1"), "ERR Ambiguous walk");
    assert_string_equal(UP(g, "a0a0", "feat@+1"), "b1b1 [b1b1]");
    assert_string_equal(UP(g, "b1b1,c1c1", "+1"),
                        "ERR Ambiguous upgrade from multiple current revisions");
    assert_string_equal(UP(g, "b1b1,c1c1", "feat@+1"), "b2b2 [b2b2,c1c1]");
    assert_string_equal(UP(g, "a0a0,b1b1", "heads"),
                        "ERR Requested revision b1b1 overlaps with other requested revisions a0a0");

    /* The branch's base is the shared a0a0: Alembic drops everything. */
    assert_string_equal(DOWN(g, "b2b2,c1c1", "feat@base"),
                        "b2b2 [b1b1,c1c1] b1b1 [c1c1] c1c1 [a0a0] a0a0 []");
    assert_string_equal(DOWN(g, "b2b2,c1c1", "feat@-1"), "b2b2 [b1b1,c1c1]");
    assert_string_equal(DOWN(g, "b2b2,c1c1", "a0a0"), "b2b2 [b1b1,c1c1] b1b1 [c1c1] c1c1 [a0a0]");
    assert_string_equal(DOWN(g, "b2b2,c1c1", "base"),
                        "b2b2 [b1b1,c1c1] b1b1 [c1c1] c1c1 [a0a0] a0a0 []");
    assert_string_equal(DOWN(g, "b2b2,c1c1", "-1"), "b2b2 [b1b1,c1c1]"); /* the first head */
    assert_string_equal(DOWN(g, "b2b2,c1c1", "c1c1@-1"), "c1c1 [b2b2]");
    ath_arena_free(g.arena);
}

/*
 * The tests/golden/scripts/annotated history: a1 (core) branches into b2
 * (audit) and c3, c3 also depends on the label "audit", d4 merges b2 and c3.
 * Statements as `alembic upgrade heads --sql` / `downgrade heads:base --sql`
 * print them.
 */
static const spec merged[] = {
    {"a1a1a1a1a1a1", "", "", "core"},
    {"b2b2b2b2b2b2", "a1a1a1a1a1a1", "", "audit"},
    {"c3c3c3c3c3c3", "a1a1a1a1a1a1", "audit", ""},
    {"d4d4d4d4d4d4", "b2b2b2b2b2b2,c3c3c3c3c3c3", "", ""},
    {"e5e5e5e5e5e5", "d4d4d4d4d4d4", "", ""},
};

static void merged_history_matches_alembic_statements(void **state)
{
    (void)state;
    graph g = must(MAKE(merged));
    const ath_revision *d4 = ath_revmap_get(g.map, "d4d4d4d4d4d4");
    assert_true(d4->is_merge_point);
    assert_int_equal(d4->nlabels, 2);
    assert_string_equal(d4->labels[0], "audit");
    assert_string_equal(d4->labels[1], "core");
    const ath_revision *c3 = ath_revmap_get(g.map, "c3c3c3c3c3c3");
    assert_int_equal(c3->ndepends, 1);
    assert_string_equal(c3->depends[0]->id, "b2b2b2b2b2b2");
    assert_int_equal(c3->nlabels, 1);
    assert_string_equal(c3->labels[0], "core");
    assert_string_equal(
        plan(&g, true, "", "heads", true),
        "INSERT a1a1a1a1a1a1; UPDATE a1a1a1a1a1a1>b2b2b2b2b2b2; UPDATE b2b2b2b2b2b2>c3c3c3c3c3c3; "
        "UPDATE c3c3c3c3c3c3>d4d4d4d4d4d4; UPDATE d4d4d4d4d4d4>e5e5e5e5e5e5");
    assert_string_equal(plan(&g, false, "e5e5e5e5e5e5", "base", true),
                        "UPDATE e5e5e5e5e5e5>d4d4d4d4d4d4; INSERT b2b2b2b2b2b2; "
                        "UPDATE d4d4d4d4d4d4>c3c3c3c3c3c3; DELETE c3c3c3c3c3c3; "
                        "UPDATE b2b2b2b2b2b2>a1a1a1a1a1a1; DELETE a1a1a1a1a1a1");
    ath_revset hist;
    assert_int_equal(ath_revmap_history(&hist, g.arena, g.map, NULL, NULL, NULL, 0), 0);
    assert_string_equal(ids(&g, hist), "e5e5e5e5e5e5,d4d4d4d4d4d4,c3c3c3c3c3c3,b2b2b2b2b2b2,"
                                       "a1a1a1a1a1a1");
    assert_int_equal(ath_revmap_history(&hist, g.arena, g.map, "c3c3", "d4d4", NULL, 0), 0);
    assert_string_equal(ids(&g, hist), "d4d4d4d4d4d4,c3c3c3c3c3c3");
    assert_string_equal(resolve(&g, "audit@head", NULL), "e5e5e5e5e5e5");
    assert_string_equal(resolve(&g, "core@base", NULL), "");
    ath_arena_free(g.arena);
}

/* tests/golden/scripts/alembic_depends: d depends on the other branch's head. */
static const spec depends[] = {
    {"ae1027a6acf", "", "", ""},
    {"ae10bbbb0001", "ae1027a6acf", "", ""},
    {"c0ffee000001", "ae1027a6acf", "", "feat"},
    {"d00d00000001", "c0ffee000001", "ae10bbbb0001", ""},
};

static void depends_on_orders_and_merges_version_rows(void **state)
{
    (void)state;
    graph g = must(MAKE(depends));
    /* ae10bbbb0001 is a head by down_revision, not a real one (Alembic's "effective head"). */
    assert_string_equal(ids(&g, ath_revmap_heads(g.map)), "ae10bbbb0001,d00d00000001");
    assert_string_equal(ids(&g, ath_revmap_real_heads(g.map)), "d00d00000001");
    const ath_revision *e = ath_revmap_get(g.map, "ae10bbbb0001");
    assert_true(e->is_head);
    assert_false(e->is_real_head);
    assert_string_equal(resolve(&g, "heads", NULL), "d00d00000001");
    assert_string_equal(resolve(&g, "head", NULL), MULTI("head"));
    assert_string_equal(resolve(&g, "ae1", NULL),
                        "ERR Can't locate revision identified by 'ae1'; multiple revisions start "
                        "with 'ae1': 'ae1027a6acf', 'ae10bbbb0001'");
    /* Upgrading to the dependent runs its dependency first (`alembic upgrade feat@head --sql`). */
    assert_string_equal(plan(&g, true, "", "feat@head", true),
                        "INSERT ae1027a6acf; UPDATE ae1027a6acf>ae10bbbb0001; INSERT c0ffee000001; "
                        "DELETE c0ffee000001; UPDATE ae10bbbb0001>d00d00000001");
    assert_string_equal(UP(g, "", "c0ffee000001"), "ae1027a6acf [ae1027a6acf] c0ffee000001 "
                                                   "[c0ffee000001]");
    /* Downgrading the dependency takes the dependent down first. */
    assert_string_equal(DOWN(g, "d00d00000001", "ae1027a6acf"),
                        "d00d00000001 [ae10bbbb0001,c0ffee000001] c0ffee000001 [ae10bbbb0001] "
                        "ae10bbbb0001 [ae1027a6acf]");
    ath_revset hist;
    assert_int_equal(ath_revmap_history(&hist, g.arena, g.map, NULL, NULL, NULL, 0), 0);
    assert_string_equal(ids(&g, hist), "d00d00000001,c0ffee000001,ae10bbbb0001,ae1027a6acf");
    ath_arena_free(g.arena);
}

static void multiple_bases_and_label_relative_forms(void **state)
{
    (void)state;
    static const spec two_roots[] = {
        {"m1m1", "", "", "main"},
        {"m2m2", "m1m1", "", ""},
        {"s1s1", "", "", "side"},
        {"s2s2", "s1s1", "", ""},
    };
    graph g = must(MAKE(two_roots));
    assert_string_equal(ids(&g, ath_revmap_bases(g.map)), "m1m1,s1s1");
    assert_string_equal(UP(g, "", "+1"), "ERR Ambiguous walk");
    assert_string_equal(UP(g, "", "side@+1"), "s1s1 [s1s1]");
    assert_string_equal(UP(g, "m2m2", "side@+2"), "s1s1 [m2m2,s1s1] s2s2 [m2m2,s2s2]");
    assert_string_equal(UP(g, "m2m2,s1s1", "side@head"), "s2s2 [m2m2,s2s2]");
    assert_string_equal(DOWN(g, "m2m2,s2s2", "side@base"), "s2s2 [m2m2,s1s1] s1s1 [m2m2]");
    assert_string_equal(DOWN(g, "m2m2,s2s2", "main@-2"), "m2m2 [m1m1,s2s2] m1m1 [s2s2]");
    assert_string_equal(resolve(&g, "side@-1", NULL), "s1s1");
    assert_string_equal(resolve(&g, "main@head", NULL), "m2m2");
    ath_arena_free(g.arena);
}

static void build_refusals_have_alembic_messages(void **state)
{
    (void)state;
    struct {
        spec s[4];
        size_t n;
        const char *message;
    } cases[] = {
        {{{"a", "b", "", ""}, {"b", "a", "", ""}, {"c", "", "", ""}},
         3,
         "Cycle is detected in revisions (a, b)"},
        {{{"a", "", "", ""}, {"b", "a", "", ""}, {"c", "d", "", ""}, {"d", "c", "", ""}},
         4,
         "Cycle is detected in revisions (c, d)"},
        {{{"a", "", "", ""}, {"b", "a", "c", ""}, {"c", "b", "", ""}},
         3,
         "Dependency cycle is detected in revisions (a, b, c)"},
        {{{"a", "a", "", ""}}, 1, "Self-loop is detected in revisions (a)"},
        {{{"a", "", "a", ""}}, 1, "Dependency self-loop is detected in revisions (a)"},
        {{{"a-b@", "", "", ""}},
         1,
         "Character(s) '-, @' not allowed in revision identifier 'a-b@'"},
        {{{"a", "", "", ""}, {"b", "a", "", ""}, {"c", "b", "zz", ""}},
         3,
         "Revision zz referenced from c is not present"},
        {{{"a", "", "", ""}, {"b", "x", "", ""}}, 2, "Revision x referenced from b is not present"},
        {{{"a", "", "", "x"}, {"b", "a", "", "x"}},
         2,
         "Branch name 'x' in revision b already used by revision a"},
        {{{"a", "", "", "b"}, {"b", "a", "", ""}},
         2,
         "Branch name 'b' in revision a already used by revision b"},
        {{{"a", "", "", ""}, {"a", "", "", ""}},
         2,
         "revision 'a' is declared twice: in (in memory) and in (in memory)"},
        {{{"", "", "", ""}}, 1, "revision identifier is empty"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        graph g = make(cases[i].s, cases[i].n);
        assert_int_equal(g.rc, ATH_EINVAL);
        assert_null(g.map);
        assert_string_equal(ath_error_last(), cases[i].message);
        assert_true(g.diags.errors >= 1);
        assert_string_equal(g.diags.items[0].message, cases[i].message);
        ath_arena_free(g.arena);
    }
}

static void empty_map(void **state)
{
    (void)state;
    graph g = must(make(NULL, 0));
    assert_string_equal(resolve(&g, "heads", NULL), "");
    assert_string_equal(resolve(&g, "head", NULL), "");
    assert_string_equal(UP(g, "", "heads"), "");
    assert_string_equal(UP(g, "", "abc"), "ERR Can't locate revision identified by 'abc'");
    ath_arena_free(g.arena);
}

static void step_heads_refuses_impossible_steps(void **state)
{
    (void)state;
    graph g = must(MAKE(linear));
    const char *heads[] = {"ae1027a6acf"};
    ath_revision_step step = {ath_revmap_get(g.map, "3f4e5d6c7b8a"), false};
    ath_version_change ch;
    assert_int_equal(ath_revmap_step_heads(&ch, g.arena, g.map, heads, 1, &step), ATH_ECONFLICT);
    assert_string_equal(ath_error_last(),
                        "Can't downgrade 3f4e5d6c7b8a: it is not in alembic_version");
    /* Upgrading a revision whose parent is not applied inserts it: a new branch row. */
    step.upgrade = true;
    assert_int_equal(ath_revmap_step_heads(&ch, g.arena, g.map, heads, 1, &step), 0);
    assert_int_equal(ch.nops, 1);
    assert_int_equal(ch.ops[0].kind, ATH_VERSION_INSERT);
    assert_int_equal(ch.nheads, 2);
    /* The input is not changed. */
    assert_string_equal(heads[0], "ae1027a6acf");
    ath_arena_free(g.arena);
}

static void a_thousand_revisions(void **state)
{
    (void)state;
    enum { N = 1000 };
    spec *s = calloc(N, sizeof(*s));
    char(*names)[16] = calloc(N, 16);
    for (int i = 0; i < N; i++) {
        snprintf(names[i], 16, "%012x", (unsigned)(i * 2654435761u));
        s[i].id = names[i];
        s[i].down = i ? names[i - 1] : "";
        s[i].deps = "";
        s[i].labels = i == 500 ? "half" : "";
    }
    graph g = must(make(s, N));
    assert_string_equal(resolve(&g, "head", NULL), names[N - 1]);
    assert_string_equal(resolve(&g, names[123], NULL), names[123]);
    ath_revplan p;
    assert_int_equal(ath_revmap_upgrade_plan(&p, g.arena, g.map, NULL, 0, "heads"), 0);
    assert_int_equal(p.count, N);
    assert_string_equal(p.steps[0].revision->id, names[0]);
    assert_string_equal(p.steps[N - 1].revision->id, names[N - 1]);
    const char *cur[] = {names[N - 1]};
    assert_int_equal(ath_revmap_upgrade_plan(&p, g.arena, g.map, cur, 1, "heads"), 0);
    assert_int_equal(p.count, 0);
    assert_int_equal(ath_revmap_downgrade_plan(&p, g.arena, g.map, cur, 1, "half@base"), 0);
    assert_int_equal(p.count, N);
    assert_int_equal(ath_revmap_get(g.map, names[10])->nlabels, 1); /* down to the base */
    ath_arena_free(g.arena);
    free(s);
    free(names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linear_history_structure),
        cmocka_unit_test(identifiers_on_a_linear_history),
        cmocka_unit_test(relative_upgrades_and_downgrades),
        cmocka_unit_test(branched_history),
        cmocka_unit_test(merged_history_matches_alembic_statements),
        cmocka_unit_test(depends_on_orders_and_merges_version_rows),
        cmocka_unit_test(multiple_bases_and_label_relative_forms),
        cmocka_unit_test(build_refusals_have_alembic_messages),
        cmocka_unit_test(empty_map),
        cmocka_unit_test(step_heads_refuses_impossible_steps),
        cmocka_unit_test(a_thousand_revisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
