/*
 * The revision graph of a migrations folder, with Alembic's identifier
 * grammar and its rules: heads, bases, branch and merge points, branch labels,
 * depends_on; resolving `head`, `heads`, `base`, `current`, full and partial
 * ids, `label@head`, `+N` / `-N`, `REV+N`; the upgrade and downgrade paths; and
 * how alembic_version changes with each step. It reads no script bodies and
 * touches no database.
 */
#ifndef ATHANOR_REVISION_H
#define ATHANOR_REVISION_H

#include "athanor/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What one migration script declares: its four identifiers and its message.
 * The script reader fills these from the `.py` files of `versions/`; tests
 * and tools may build them in memory. Strings are borrowed by
 * ath_revmap_build, which copies what it keeps.
 */
typedef struct ath_revision_decl {
    const char *id;                    /* `revision` */
    const char *const *down_revisions; /* `down_revision`: none for a base, several for a merge */
    size_t ndown;
    const char *const *branch_labels; /* `branch_labels`, as written */
    size_t nlabels;
    const char *const *depends_on; /* `depends_on`: revision ids or branch labels */
    size_t ndepends;
    const char *doc;     /* Alembic's `doc`: the docstring stripped, up to its first
                          * blank line; "" or NULL without a docstring */
    const char *longdoc; /* the whole docstring, stripped; "" or NULL without one */
    const char *path;    /* the script; NULL for a revision made in memory */
    int line, col;       /* of the `revision` assignment; 0 when unknown */
} ath_revision_decl;

typedef struct ath_revision ath_revision;

/* One revision of a map. Everything here is owned by the map's arena and read-only. */
struct ath_revision {
    const char *id;
    size_t index;              /* load order: the map's order, as Alembic's */
    const ath_revision **down; /* down_revision, in the order written */
    size_t ndown;
    const ath_revision **depends; /* depends_on resolved (labels to their revision), deduplicated */
    size_t ndepends;
    const ath_revision **norm_depends; /* depends_on minus what an ancestor already depends on */
    size_t nnorm_depends;
    const ath_revision **next; /* revisions whose down_revision names this one, load order */
    size_t nnext;
    size_t nnext_all;              /* next plus the revisions that depend on this one */
    const char *const *own_labels; /* branch_labels as declared */
    size_t nown_labels;
    const char *const *depends_written; /* depends_on as declared (ids, partial ids, labels) */
    size_t ndepends_written;
    const char **labels; /* own labels plus those inherited along the branch, sorted */
    size_t nlabels;
    const char *doc, *longdoc; /* never NULL: "" without a docstring */
    const char *path;          /* NULL for a revision made in memory */
    int line, col;
    bool is_head;         /* no revision names it as down_revision */
    bool is_real_head;    /* ... nor depends on it (Alembic's "effective head" when only is_head) */
    bool is_base;         /* down_revision is None */
    bool is_branch_point; /* two or more revisions name it as down_revision */
    bool is_merge_point;  /* its down_revision names two or more */
};

typedef struct ath_revmap ath_revmap;

/* A list of revisions, in an order each function states; `items` in an arena. */
typedef struct ath_revset {
    const ath_revision **items;
    size_t count;
} ath_revset;

/*
 * Builds the graph of `n` declared revisions, in that order (the loader gives
 * them in file-name order). The map and everything it returns live in
 * `arena`; there is nothing else to free. Every problem is an error
 * diagnostic in `diags` (at the script's file:line:col when it has one), and
 * the first one is also the last error. Refused, with Alembic's words where
 * it has some: an id twice (naming both files), an id with '@', '-' or '+',
 * a down_revision or depends_on naming no revision ("Revision X referenced
 * from Y is not present"), a revision that is its own down_revision
 * ("Self-loop is detected in revisions (X)"), a cycle ("Cycle is detected in
 * revisions (A, B)", or "Dependency cycle ..." through depends_on), a branch
 * label used twice or equal to an id. Errors: ATH_EINVAL, ATH_ENOMEM.
 */
int ath_revmap_build(ath_revmap **out, ath_arena *arena, const ath_revision_decl *decls, size_t n,
                     ath_diags *diags);

/*
 * Reads the identifiers of every script of `versions_dir` (see
 * lib/script/identifiers.h for what is read and refused) and builds their
 * map. Files that are not revisions are notes in `diags`. Errors: ATH_EIO,
 * ATH_ENOTFOUND (no such folder), ATH_EPARSE (a script could not be read;
 * error diagnostics say where), ATH_EINVAL (the graph is refused, as
 * ath_revmap_build), ATH_ENOMEM.
 */
int ath_revmap_load(ath_revmap **out, ath_arena *arena, const char *versions_dir, ath_diags *diags);
/*
 * ath_revmap_load, keeping the identifiers of unchanged scripts between runs
 * in versions_dir/__pycache__/athanor-ids, as Python keeps compiled modules
 * in __pycache__: a script is read again when its size, mtime, ctime or
 * inode differ from its record, and one changed in the two seconds before
 * the cache was written is not recorded. A missing, damaged or unwritable
 * cache only costs the time of reading every script. Same errors.
 */
int ath_revmap_load_cached(ath_revmap **out, ath_arena *arena, const char *versions_dir,
                           ath_diags *diags);

/* Number of revisions, and the i-th in load order. */
size_t ath_revmap_count(const ath_revmap *map);
const ath_revision *ath_revmap_at(const ath_revmap *map, size_t i);
/* The revision with exactly this id, or NULL. Hashed. */
const ath_revision *ath_revmap_get(const ath_revmap *map, const char *id);
/* The revision that declares branch label `label`, or NULL. */
const ath_revision *ath_revmap_label(const ath_revmap *map, const char *label);

/*
 * Alembic's head and base lists, in load order, owned by the map:
 * heads: no down_revision child (what `alembic heads` lists);
 * real heads: no child and no dependent (what `heads` as a target means);
 * bases: down_revision None (what `alembic history` ends on).
 */
ath_revset ath_revmap_heads(const ath_revmap *map);
ath_revset ath_revmap_real_heads(const ath_revmap *map);
ath_revset ath_revmap_bases(const ath_revmap *map);

/*
 * Resolves one identifier to the revisions it names, as Alembic's
 * get_revisions does: a full id, a branch label, a unique prefix of either
 * (no minimum length: Alembic only hints at four characters when nothing
 * matches), `head` (the one head, else the multiple-heads refusal), `heads`,
 * `base` (an empty set), `label@head`, `label@heads`, `label@base`,
 * `label@REV` (REV checked to be on the branch), `-N` / `label@-N` (N steps
 * down from each head), and `current`: the database's heads `current`
 * (strings as alembic_version holds them; NULL when ncurrent is 0). The set is
 * in `arena`. Errors (last error set, Alembic's words): ATH_ENOTFOUND "Can't
 * locate revision identified by 'x'" (also for an ambiguous prefix, with the
 * candidates added), ATH_ECONFLICT for "Multiple head revisions are present
 * ..." and an ambiguous walk, ATH_ENOMEM.
 */
int ath_revmap_resolve(ath_revset *out, ath_arena *arena, const ath_revmap *map, const char *ident,
                       const char *const *current, size_t ncurrent);

/*
 * Resolves an identifier that must name at most one revision (Alembic's
 * get_revision, used by `show`, `edit`, `merge`): *out is NULL for `base`.
 * Several (`heads` with two heads, `head` on a branched history) is
 * ATH_ECONFLICT with the multiple-heads message; otherwise as
 * ath_revmap_resolve.
 */
int ath_revmap_resolve_one(const ath_revision **out, ath_arena *arena, const ath_revmap *map,
                           const char *ident, const char *const *current, size_t ncurrent);

/* One migration to run: a revision's upgrade() or downgrade(). */
typedef struct ath_revision_step {
    const ath_revision *revision;
    bool upgrade;
} ath_revision_step;

typedef struct ath_revplan {
    ath_revision_step *steps; /* in the order to run them; in the caller's arena */
    size_t count;
} ath_revplan;

/*
 * The migrations `upgrade TARGET` runs when the database is at `current`
 * (alembic_version's rows; none for an empty database), in Alembic's order:
 * each needed revision once, after its down_revisions and dependencies.
 * TARGET is any form ath_revmap_resolve takes, or `+N` / `label@+N` (N steps
 * up from the current revision on that branch), `REV+N`, `REV-N`. An empty
 * plan when there is nothing to do. Errors, with Alembic's messages:
 * ATH_ENOTFOUND for an unknown revision, ATH_ECONFLICT for multiple heads
 * where one is needed, "Ambiguous walk", "Ambiguous upgrade from multiple
 * current revisions", "Relative revision +N didn't produce N migrations",
 * current heads that are each other's ancestors ("Requested revision A
 * overlaps with other requested revisions B"); ATH_ENOMEM.
 */
int ath_revmap_upgrade_plan(ath_revplan *out, ath_arena *arena, const ath_revmap *map,
                            const char *const *current, size_t ncurrent, const char *target);

/*
 * The migrations `downgrade TARGET` runs from `current`, newest first: every
 * applied revision that descends from the target (dependents included).
 * TARGET: `base`, `-N` / `label@-N` (from the current revision), an absolute
 * identifier, `label@base`, `REV-N`, `REV+N`. Errors as for upgrades, plus
 * "Destination X is not a valid downgrade target from current head(s)",
 * "Relative revision -N didn't produce N migrations", "Walked too far".
 */
int ath_revmap_downgrade_plan(ath_revplan *out, ath_arena *arena, const ath_revmap *map,
                              const char *const *current, size_t ncurrent, const char *target);

/*
 * Every revision, or those between `lower` and `upper` (identifiers, either
 * may be NULL for `base` / `heads`), newest first in Alembic's `history`
 * order. Errors: those of ath_revmap_resolve, and "Requested range L:U does
 * not refer to ancestor/descendant revisions along the same branch".
 */
int ath_revmap_history(ath_revset *out, ath_arena *arena, const ath_revmap *map, const char *lower,
                       const char *upper, const char *const *current, size_t ncurrent);

/* ---- alembic_version, step by step ---- */

typedef enum ath_version_op_kind {
    ATH_VERSION_INSERT, /* INSERT INTO alembic_version VALUES (to) */
    ATH_VERSION_DELETE, /* DELETE FROM alembic_version WHERE version_num = from */
    ATH_VERSION_UPDATE  /* UPDATE alembic_version SET version_num = to WHERE version_num = from */
} ath_version_op_kind;

typedef struct ath_version_op {
    ath_version_op_kind kind;
    const char *from; /* NULL for INSERT */
    const char *to;   /* NULL for DELETE */
} ath_version_op;

typedef struct ath_version_change {
    ath_version_op *ops; /* the statements, in order (a merge deletes, then updates) */
    size_t nops;
    const char **heads; /* alembic_version after the step: updated rows keep their
                         * place, inserted ones come last */
    size_t nheads;
} ath_version_change;

/*
 * What alembic_version becomes when `step` runs with the database at `heads`:
 * Alembic's rules — an upgrade from a base or onto a new branch INSERTs, a
 * merge DELETEs all its parents but one and UPDATEs that one, a downgrade of
 * a merge UPDATEs to one parent and INSERTs the others that no other head
 * still implies, a downgrade to base (or to a revision another head depends
 * on) DELETEs, anything else UPDATEs. Where Alembic picks a row from an
 * unordered set, this takes parents in down_revision order and UPDATEs the
 * last. Arrays and strings in `arena`. Errors: ATH_ECONFLICT when the heads
 * do not allow the step (e.g. upgrading a revision none of whose parents is
 * applied while one is a head elsewhere), ATH_ENOMEM.
 */
int ath_revmap_step_heads(ath_version_change *out, ath_arena *arena, const ath_revmap *map,
                          const char *const *heads, size_t nheads, const ath_revision_step *step);

#ifdef __cplusplus
}
#endif
#endif
