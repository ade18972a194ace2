/*
 * The models reader: declarative classes, db.Model subclasses and Table(...)
 * calls to the Schema SQLAlchemy's MetaData would hold after importing the
 * files — columns, keys, constraints in creation order, indexes, naming
 * conventions, inheritance. Names and types go through resolve.h; finding
 * the files is discover.c's job.
 */
#include "models/models_internal.h"
#include "models/resolve.h"
#include "py/parser.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- naming conventions ---- */

typedef struct meta {
    const char *ix, *uq, *ck, *fk, *pk; /* NULL when the convention has none */
} meta;

static const meta default_meta = {"ix_%(column_0_label)s", NULL, NULL, NULL, NULL};

/* ---- what the reader learns about classes ---- */

typedef enum {
    C_UNSEEN,
    C_VISITING,
    C_PLAIN,    /* a mixin, or any class that is not declarative */
    C_BASE,     /* a declarative base: class Base(DeclarativeBase) */
    C_ABSTRACT, /* __abstract__ = True under a base */
    C_MODEL,    /* a mapped class */
    C_OTHER     /* a TypeDecorator or Python enum: never a mixin */
} class_kind;

typedef struct mtable mtable;

typedef struct cinfo {
    class_kind kind;
    const meta *meta;
    bool flask;                  /* Flask-SQLAlchemy's db.Model: names tables itself */
    const ath_py_node *type_map; /* type_annotation_map of the base, if any */
    const ath_scope *type_map_scope;
    ath_symbol **mro; /* the class first; project classes only */
    size_t nmro;
    mtable *table; /* the table the class maps to */
    bool done;
    bool used_as_base;
} cinfo;

/* A Flask-SQLAlchemy instance or declarative_base() result. */
typedef struct rootinfo {
    const meta *meta;
    bool flask;
    bool failed;
} rootinfo;

/* Where a constraint or index came from, for messages. */
typedef struct origin {
    const ath_scope *scope;
    const ath_py_node *node;
} origin;

/* A foreign key target not known until every table is read. */
typedef struct fk_target {
    const char *spec; /* 'table.col' as written, for messages; NULL for Class.attr */
    ath_symbol *cls;  /* ForeignKey(User.id): the class ... */
    const char *attr; /* ... and the attribute */
    size_t table;     /* or a Table(...) variable's table + 1; 0 if none */
} fk_target;

typedef struct mfk {
    origin at;
    fk_target *targets; /* one per column */
    bool column_level;  /* made by ForeignKey(...) in a Column */
} mfk;

typedef struct mcol_extra {
    const char *key;      /* the attribute name */
    bool typed;           /* false: the type comes from the foreign key target */
    bool pk_nullable_set; /* nullable= was given explicitly */
    bool autoinc_given;
    bool autoinc_false;
    origin at;
} mcol_extra;

struct mtable {
    size_t index; /* in schema->tables */
    const meta *meta;
    const char *owner; /* "class User" / "Table 'x'", for messages */
    origin at;
    ath_symbol *cls;
    unsigned seq;
    mcol_extra *cols; /* parallel to the ath_table's columns */
    size_t ncols, cols_cap;
    ath_strmap by_key, by_name;
    mfk *fks; /* parallel to ath_table.fks */
    size_t nfks, fks_cap;
    origin *uq_at, *ck_at, *ix_at;
    size_t nuq, uq_cap, nck, ck_cap, nix, ix_cap;
    bool *ix_from_column; /* index=True: named by the convention */
    size_t nixc, ixc_cap;
    bool *uq_named, *fk_named, *ck_named, *ix_named;
    size_t nuqn, uqn_cap, nfkn, fkn_cap, nckn, ckn_cap, nixn, ixn_cap;
    const char *pk_name;
    bool pk_named;
    origin pk_at;
};

typedef struct reader {
    ath_project *project;
    ath_arena *work; /* the project's arena: trees, maps */
    ath_schema *schema;
    ath_dialect dialect;
    ath_diags *diags;
    mtable **tables;
    size_t ntables, tables_cap;
    ath_strmap by_table_name; /* "schema.name" -> mtable */
    ath_strmap table_vars;    /* qualname of a Table variable -> mtable */
    int rc;                   /* first hard error (ENOMEM) */
} reader;

/* ---- helpers ---- */

static int rdiag(reader *r, const ath_scope *s, const ath_py_node *at, const char *fmt, ...)
    ATH_PRINTF(4, 5);

static int rdiag(reader *r, const ath_scope *s, const ath_py_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ath_diags_vadd(r->diags, ATH_DIAG_ERROR, s ? s->path : NULL, at ? at->line : 0,
                            at ? at->col : 0, fmt, ap);
    va_end(ap);
    if (rc && !r->rc)
        r->rc = rc;
    return rc ? rc : ATH_EPARSE;
}

/* ENOMEM is kept in r->rc; parse problems are diagnostics and reading goes on. */
static int fatal(reader *r, int rc)
{
    if (rc && rc != ATH_EPARSE && !r->rc)
        r->rc = rc;
    return rc;
}

static bool is_call_to(const ath_scope *s, const ath_py_node *e, const char *canonical)
{
    if (!e || e->kind != ATH_PY_CALL)
        return false;
    const char *n = ath_resolve_name(s, e->call.func);
    return n && strcmp(n, canonical) == 0;
}

static const char *callee(const ath_scope *s, const ath_py_node *e)
{
    if (!e || e->kind != ATH_PY_CALL)
        return NULL;
    return ath_resolve_name(s, e->call.func);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *pos_text(reader *r, const ath_scope *s, const ath_py_node *at)
{
    const char *base = strrchr(s->path, '/');
    return ath_arena_printf(r->work, "%s:%d:%d", base ? base + 1 : s->path, at ? at->line : 0,
                            at ? at->col : 0);
}

char *ath_models_snake_case(ath_arena *arena, const char *name)
{
    /* Flask-SQLAlchemy 3: an underscore before an upper-case letter that
     * follows a lower-case letter or digit, or that starts a word (is
     * followed by a lower-case letter) anywhere but at the start; then
     * lower case, leading underscores dropped. */
    size_t n = strlen(name);
    char *out = ath_arena_alloc(arena, 2 * n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool upper = c >= 'A' && c <= 'Z';
        if (upper && i > 0) {
            char p = name[i - 1], q = name[i + 1];
            bool after = (p >= 'a' && p <= 'z') || (p >= '0' && p <= '9');
            bool before = q >= 'a' && q <= 'z';
            if (after || before)
                out[k++] = '_';
        }
        out[k++] = upper ? (char)(c - 'A' + 'a') : c;
    }
    out[k] = '\0';
    size_t lead = 0;
    while (out[lead] == '_')
        lead++;
    return out + lead;
}

/* ---- metadata and bases ---- */

static const meta *read_meta(reader *r, const ath_scope *s, const ath_py_node *call);

/* The metadata `expr` names: MetaData(...), a variable holding one, db.metadata, Base.metadata. */
static const meta *meta_of_expr(reader *r, const ath_scope *s, const ath_py_node *e, int depth);

static rootinfo *root_of(reader *r, ath_symbol *sym)
{
    if (!sym || sym->kind != ATH_SYM_VALUE)
        return NULL;
    if (sym->data)
        return sym->data;
    bool inst = ath_symbol_is_sqlalchemy_instance(sym);
    const char *f = sym->node ? callee(sym->scope, sym->node) : NULL;
    bool decl = f && (strcmp(f, "sqlalchemy.orm.declarative_base") == 0);
    if (!inst && !decl)
        return NULL;
    rootinfo *ri = ath_arena_alloc(r->work, sizeof(*ri));
    if (!ri) {
        fatal(r, ath_error_oom());
        return NULL;
    }
    sym->data = ri;
    ri->meta = &default_meta;
    ri->flask = inst;
    if (sym->node) {
        const ath_py_node *m = ath_py_call_kw(sym->node, "metadata");
        if (m) {
            const meta *mm = meta_of_expr(r, sym->scope, m, 0);
            if (mm)
                ri->meta = mm;
            else
                ri->failed = true;
        }
        if (decl && ath_py_call_kw(sym->node, "cls"))
            rdiag(r, sym->scope, ath_py_call_kw(sym->node, "cls"),
                  "declarative_base(cls=...) is not supported: make the class a mixin of the "
                  "models instead");
    }
    return ri;
}

static cinfo *classify(reader *r, ath_symbol *sym);

static const meta *meta_of_expr(reader *r, const ath_scope *s, const ath_py_node *e, int depth)
{
    if (depth > 16)
        return NULL;
    if (e->kind == ATH_PY_CALL) {
        const char *f = callee(s, e);
        if (f && strcmp(f, "sqlalchemy.MetaData") == 0)
            return read_meta(r, s, e);
        rdiag(r, s, e, "cannot evaluate this metadata: write MetaData(naming_convention={...})");
        return NULL;
    }
    const char *n = ath_resolve_name(s, e);
    if (n && ends_with(n, ".metadata")) {
        char *owner = ath_arena_strndup(r->work, n, strlen(n) - strlen(".metadata"));
        ath_symbol *o = owner ? ath_project_lookup(r->project, owner) : NULL;
        rootinfo *ri = root_of(r, o);
        if (ri)
            return ri->meta;
        if (o && o->kind == ATH_SYM_CLASS) {
            cinfo *ci = classify(r, o);
            if (ci && ci->meta)
                return ci->meta;
        }
    }
    ath_symbol *sym = ath_project_lookup(r->project, n);
    if (sym && sym->kind == ATH_SYM_VALUE && sym->node)
        return meta_of_expr(r, sym->scope, sym->node, depth + 1);
    rdiag(r, s, e,
          "cannot tell which MetaData this is: pass db.metadata, Base.metadata or a MetaData(...) "
          "variable");
    return NULL;
}

/* A dict literal, possibly through a module-level variable. */
static const ath_py_node *dict_of(const ath_scope **s, const ath_py_node *e)
{
    for (int i = 0; i < 8 && e; i++) {
        if (e->kind == ATH_PY_DICT)
            return e;
        if (e->kind == ATH_PY_CALL) {
            const char *f = callee(*s, e);
            if (f && strcmp(f, "builtins.dict") == 0 && e->call.args.count == 0)
                return e; /* dict(ix=...) */
            return NULL;
        }
        ath_symbol *sym = ath_resolve_symbol(*s, e);
        if (!sym || sym->kind != ATH_SYM_VALUE || !sym->node)
            return NULL;
        *s = sym->scope;
        e = sym->node;
    }
    return NULL;
}

static const meta *read_meta(reader *r, const ath_scope *s, const ath_py_node *call)
{
    meta *m = ath_arena_alloc(r->work, sizeof(*m));
    if (!m) {
        fatal(r, ath_error_oom());
        return NULL;
    }
    *m = default_meta;
    if (call->call.args.count > 0 || ath_py_call_kw(call, "schema")) {
        rdiag(
            r, s, call,
            "MetaData(schema=...) is not supported: give each table its schema in __table_args__");
        return NULL;
    }
    const ath_py_node *nc = ath_py_call_kw(call, "naming_convention");
    if (!nc)
        return m;
    const ath_scope *ds = s;
    const ath_py_node *d = dict_of(&ds, nc);
    if (!d) {
        rdiag(r, s, nc, "cannot evaluate this naming_convention: write a dict of strings");
        return NULL;
    }
    *m = (meta){NULL, NULL, NULL, NULL, NULL};
    size_t n = d->kind == ATH_PY_DICT ? d->dict.keys.count : d->call.keywords.count;
    for (size_t i = 0; i < n; i++) {
        const ath_py_node *k, *v;
        const char *key;
        if (d->kind == ATH_PY_DICT) {
            k = d->dict.keys.items[i];
            v = d->dict.values.items[i];
            key = k ? ath_py_str_value(k) : NULL;
            if (k && !key) {
                const char *kn = ath_resolve_name(ds, k);
                if (kn && strcmp(kn, "sqlalchemy.UniqueConstraint") == 0)
                    key = "uq";
                else if (kn && strcmp(kn, "sqlalchemy.Index") == 0)
                    key = "ix";
                else if (kn && strcmp(kn, "sqlalchemy.CheckConstraint") == 0)
                    key = "ck";
                else if (kn && strcmp(kn, "sqlalchemy.ForeignKeyConstraint") == 0)
                    key = "fk";
                else if (kn && strcmp(kn, "sqlalchemy.PrimaryKeyConstraint") == 0)
                    key = "pk";
            }
        } else {
            k = d->call.keywords.items[i];
            v = k->keyword.value;
            key = k->keyword.name;
        }
        const char *val = ath_py_str_value(v);
        if (!key || !val) {
            rdiag(r, ds, k ? k : v,
                  "cannot evaluate this naming convention entry: keys and values must be strings");
            return NULL;
        }
        if (strcmp(key, "ix") == 0 || strcmp(key, "index") == 0)
            m->ix = val;
        else if (strcmp(key, "uq") == 0 || strcmp(key, "unique") == 0)
            m->uq = val;
        else if (strcmp(key, "ck") == 0 || strcmp(key, "check") == 0)
            m->ck = val;
        else if (strcmp(key, "fk") == 0 || strcmp(key, "foreign_key") == 0)
            m->fk = val;
        else if (strcmp(key, "pk") == 0 || strcmp(key, "primary_key") == 0)
            m->pk = val;
        else {
            rdiag(r, ds, k,
                  "naming convention key '%s' names a custom token function, which athanor cannot "
                  "run",
                  key);
            return NULL;
        }
    }
    return m;
}

static bool is_declared_attr(const ath_scope *s, const ath_py_node *dec)
{
    const char *n = ath_resolve_name(s, dec->kind == ATH_PY_CALL ? dec->call.func : dec);
    return n && (strcmp(n, "sqlalchemy.orm.declared_attr") == 0 ||
                 strcmp(n, "sqlalchemy.orm.declared_attr.directive") == 0 ||
                 strcmp(n, "sqlalchemy.orm.declared_attr.cascading") == 0);
}

static ath_py_node *class_value(const ath_symbol *cls, const char *name, ath_py_node **stmt)
{
    ath_py_node *found = NULL;
    const ath_py_nodes *body = &cls->node->class_def.body;
    for (size_t i = 0; i < body->count; i++) {
        ath_py_node *st = body->items[i];
        if (st->kind == ATH_PY_ASSIGN) {
            for (size_t t = 0; t < st->assign.targets.count; t++) {
                ath_py_node *tg = st->assign.targets.items[t];
                if (tg->kind == ATH_PY_NAME && strcmp(tg->name.id, name) == 0) {
                    found = st->assign.value;
                    if (stmt)
                        *stmt = st;
                }
            }
        } else if (st->kind == ATH_PY_ANN_ASSIGN && st->ann_assign.value &&
                   st->ann_assign.target->kind == ATH_PY_NAME &&
                   strcmp(st->ann_assign.target->name.id, name) == 0) {
            found = st->ann_assign.value;
            if (stmt)
                *stmt = st;
        } else if (st->kind == ATH_PY_FUNC_DEF && strcmp(st->func_def.name, name) == 0) {
            found = st;
            if (stmt)
                *stmt = st;
        }
    }
    return found;
}

static bool class_is_abstract(const ath_symbol *cls)
{
    ath_py_node *v = class_value(cls, "__abstract__", NULL);
    return v && ath_py_bool_value(v) == 1;
}

/* C3 linearization of the project classes among the bases; unknown bases skipped. */
static int compute_mro(reader *r, ath_symbol *sym, cinfo *ci)
{
    size_t nb = 0;
    ath_symbol **bases =
        ath_arena_alloc(r->work, (sym->node->class_def.bases.count + 1) * sizeof(*bases));
    if (!bases)
        return fatal(r, ath_error_oom());
    for (size_t i = 0; i < sym->node->class_def.bases.count; i++) {
        ath_symbol *b = ath_resolve_symbol(sym->scope, sym->node->class_def.bases.items[i]);
        if (b && b->kind == ATH_SYM_CLASS && b != sym) {
            cinfo *bi = classify(r, b);
            if (bi && bi->kind != C_VISITING)
                bases[nb++] = b;
        }
    }
    /* Sequences to merge: each base's MRO, then the base list itself. */
    size_t nseq = nb + 1;
    ath_symbol ***seqs = ath_arena_alloc(r->work, nseq * sizeof(*seqs));
    size_t *lens = ath_arena_alloc(r->work, nseq * sizeof(*lens));
    size_t *pos = ath_arena_alloc(r->work, nseq * sizeof(*pos));
    size_t total = 1;
    if (!seqs || !lens || !pos)
        return fatal(r, ath_error_oom());
    for (size_t i = 0; i < nb; i++) {
        cinfo *bi = bases[i]->data;
        seqs[i] = bi->mro;
        lens[i] = bi->nmro;
        total += bi->nmro;
    }
    seqs[nb] = bases;
    lens[nb] = nb;
    ath_symbol **out = ath_arena_alloc(r->work, (total + 1) * sizeof(*out));
    if (!out)
        return fatal(r, ath_error_oom());
    size_t n = 0;
    out[n++] = sym;
    for (;;) {
        ath_symbol *pick = NULL;
        bool any = false;
        for (size_t i = 0; i < nseq && !pick; i++) {
            if (pos[i] >= lens[i])
                continue;
            any = true;
            ath_symbol *cand = seqs[i][pos[i]];
            bool in_tail = false;
            for (size_t j = 0; j < nseq && !in_tail; j++)
                for (size_t k = pos[j] + 1; k < lens[j] && !in_tail; k++)
                    in_tail = seqs[j][k] == cand;
            if (!in_tail)
                pick = cand;
        }
        if (!any)
            break;
        if (!pick) {
            /* Inconsistent order (Python would refuse the class): depth first. */
            for (size_t i = 0; i < nseq; i++)
                for (; pos[i] < lens[i]; pos[i]++) {
                    bool seen = false;
                    for (size_t k = 0; k < n && !seen; k++)
                        seen = out[k] == seqs[i][pos[i]];
                    if (!seen)
                        out[n++] = seqs[i][pos[i]];
                }
            break;
        }
        out[n++] = pick;
        for (size_t i = 0; i < nseq; i++)
            if (pos[i] < lens[i] && seqs[i][pos[i]] == pick)
                pos[i]++;
    }
    ci->mro = out;
    ci->nmro = n;
    return 0;
}

static cinfo *classify(reader *r, ath_symbol *sym)
{
    if (!sym || sym->kind != ATH_SYM_CLASS)
        return NULL;
    cinfo *ci = sym->data;
    if (ci)
        return ci;
    ci = ath_arena_alloc(r->work, sizeof(*ci));
    if (!ci) {
        fatal(r, ath_error_oom());
        return NULL;
    }
    sym->data = ci;
    ci->kind = C_VISITING;
    class_kind kind = C_PLAIN;
    const ath_py_nodes *bases = &sym->node->class_def.bases;
    for (size_t i = 0; i < bases->count; i++) {
        const ath_py_node *b = bases->items[i];
        const char *bn = ath_resolve_name(sym->scope, b);
        if (!bn)
            continue;
        if (strcmp(bn, "sqlalchemy.orm.DeclarativeBase") == 0 ||
            strcmp(bn, "sqlalchemy.orm.DeclarativeBaseNoMeta") == 0) {
            kind = C_BASE;
            ci->meta = &default_meta;
            ci->flask = false;
            ath_py_node *m = class_value(sym, "metadata", NULL);
            if (m) {
                const meta *mm = meta_of_expr(r, sym->scope, m, 0);
                if (mm)
                    ci->meta = mm;
            }
            ath_py_node *tm = class_value(sym, "type_annotation_map", NULL);
            if (tm) {
                const ath_scope *ts = sym->scope;
                ci->type_map = dict_of(&ts, tm);
                ci->type_map_scope = ts;
                if (!ci->type_map || ci->type_map->kind != ATH_PY_DICT)
                    rdiag(r, sym->scope, tm,
                          "cannot evaluate this type_annotation_map: write a dict literal");
            }
            break;
        }
        if (ends_with(bn, ".Model")) {
            char *owner = ath_arena_strndup(r->work, bn, strlen(bn) - strlen(".Model"));
            rootinfo *ri = owner ? root_of(r, ath_project_lookup(r->project, owner)) : NULL;
            if (ri) {
                kind = C_MODEL;
                ci->meta = ri->meta;
                ci->flask = ri->flask;
                break;
            }
        }
        ath_symbol *bs = ath_project_lookup(r->project, bn);
        rootinfo *ri = root_of(r, bs);
        if (ri) {
            kind = C_MODEL;
            ci->meta = ri->meta;
            ci->flask = ri->flask;
            break;
        }
        cinfo *bi = classify(r, bs);
        if (!bi)
            continue;
        bi->used_as_base = true;
        if (bi->kind == C_BASE || bi->kind == C_MODEL || bi->kind == C_ABSTRACT) {
            kind = C_MODEL;
            ci->meta = bi->meta;
            ci->flask = bi->flask;
            ci->type_map = bi->type_map;
            ci->type_map_scope = bi->type_map_scope;
            break;
        }
    }
    if (kind == C_PLAIN) {
        if (ath_symbol_is_pyenum(sym))
            kind = C_OTHER;
        else {
            for (size_t i = 0; i < bases->count; i++) {
                const char *bn = ath_resolve_name(sym->scope, bases->items[i]);
                if (bn && (strcmp(bn, "sqlalchemy.TypeDecorator") == 0 ||
                           strcmp(bn, "sqlalchemy.UserDefinedType") == 0))
                    kind = C_OTHER;
            }
        }
    }
    if (kind == C_MODEL && class_is_abstract(sym))
        kind = C_ABSTRACT;
    if (kind == C_PLAIN || kind == C_MODEL || kind == C_ABSTRACT || kind == C_BASE) {
        if (compute_mro(r, sym, ci))
            return NULL;
        /* A base from another mapped class may bring a type map of its own root. */
    } else {
        ci->mro = ath_arena_alloc(r->work, sizeof(*ci->mro));
        if (!ci->mro) {
            fatal(r, ath_error_oom());
            return NULL;
        }
        ci->mro[0] = sym;
        ci->nmro = 1;
    }
    ci->kind = kind;
    return ci;
}

/* ---- tables ---- */

static ath_table *T(reader *r, mtable *mt) { return &r->schema->tables[mt->index]; }

static char *table_key(reader *r, const char *schema, const char *name)
{
    return ath_arena_printf(r->work, "%s.%s", schema ? schema : "", name);
}

static mtable *new_table(reader *r, const char *schema, const char *name, const meta *m,
                         const char *owner, const ath_scope *s, const ath_py_node *at)
{
    char *key = table_key(r, schema, name);
    if (!key) {
        fatal(r, ath_error_oom());
        return NULL;
    }
    mtable *prev = ath_strmap_get(&r->by_table_name, key);
    if (prev) {
        const char *where = pos_text(r, prev->at.scope, prev->at.node);
        rdiag(r, s, at, "table '%s' is declared twice: by %s (%s) and %s (here)", name, prev->owner,
              where ? where : "?", owner);
        return NULL;
    }
    mtable *mt = ath_arena_alloc(r->work, sizeof(*mt));
    mtable **slot = ATH_PUSH(r->work, r->tables, r->ntables, r->tables_cap);
    ath_table *t = ath_schema_add_table(r->schema, schema, name);
    if (!mt || !slot || !t || ath_strmap_put(&r->by_table_name, r->work, key, mt)) {
        fatal(r, ath_error_oom());
        return NULL;
    }
    *slot = mt;
    mt->index = r->schema->ntables - 1;
    mt->meta = m;
    mt->owner = owner;
    mt->at.scope = s;
    mt->at.node = at;
    return mt;
}

/* ---- column descriptions ---- */

typedef struct colspec {
    const char *key;
    const char *name;
    ath_type type;
    bool typed;
    bool nullable, nullable_set;
    bool primary_key, unique, index;
    int unique_set, index_set;
    const char *server_default;
    bool autoinc_given, autoinc_false;
    ath_identity identity;
    const char *comment;
    const ath_py_node **fks; /* ForeignKey(...) calls */
    size_t nfks, fks_cap;
    const ath_scope *scope;
    const ath_py_node *node;
    /* order among the columns of a table: declared_attr ones last */
    unsigned long order;
    bool declared_attr;
} colspec;

static bool is_text_call(const ath_scope *s, const ath_py_node *e)
{
    return is_call_to(s, e, "sqlalchemy.text") || is_call_to(s, e, "sqlalchemy.literal_column");
}

/* server_default as the DDL has it, NULL for none (FetchedValue). */
static int render_default(reader *r, const ath_scope *s, const ath_py_node *e, const char **out)
{
    const ath_py_node *bad;
    const char *why;
    int rc = ath_resolve_server_default(out, r->schema->arena, s, e, r->dialect, &bad, &why);
    if (rc == ATH_EPARSE)
        rc = rdiag(r, s, bad, "%s", why);
    return fatal(r, rc);
}

static bool bool_kw(reader *r, const ath_scope *s, const ath_py_node *call, const char *kw,
                    bool *out, bool *given)
{
    const ath_py_node *v = ath_py_call_kw(call, kw);
    if (!v)
        return true;
    int b = ath_py_bool_value(v);
    if (b < 0) {
        rdiag(r, s, v, "%s= must be True or False", kw);
        return false;
    }
    *out = b == 1;
    if (given)
        *given = true;
    return true;
}

/*
 * Column(...) or mapped_column(...) to a column description. `ann` is the
 * Mapped[...] annotation's inside (NULL without one); `call` may be NULL
 * for a bare annotation.
 */
static int read_column(reader *r, colspec *c, const ath_scope *s, const ath_py_node *call,
                       const char *key, const ath_py_node *ann, const cinfo *owner)
{
    memset(c, 0, sizeof(*c));
    c->key = key;
    c->name = key;
    c->scope = s;
    c->node = call;
    c->nullable = true;
    c->type = ath_type_make(ATH_TYPE_OTHER);
    bool optional = false;
    int rc;
    if (call) {
        const ath_py_nodes *args = &call->call.args;
        for (size_t i = 0; i < args->count; i++) {
            const ath_py_node *a = args->items[i];
            const char *sv = ath_py_str_value(a);
            if (i == 0 && sv) {
                c->name = sv;
                continue;
            }
            const char *f = callee(s, a);
            if (f && strcmp(f, "sqlalchemy.ForeignKey") == 0) {
                const ath_py_node **slot = ATH_PUSH(r->work, c->fks, c->nfks, c->fks_cap);
                if (!slot)
                    return fatal(r, ath_error_oom());
                *slot = a;
                continue;
            }
            if (f && strcmp(f, "sqlalchemy.Identity") == 0) {
                bool always = false;
                if (!bool_kw(r, s, a, "always", &always, NULL))
                    return ATH_EPARSE;
                if (a->call.args.count ||
                    a->call.keywords.count > (ath_py_call_kw(a, "always") ? 1u : 0u))
                    return rdiag(r, s, a,
                                 "Identity() options other than always= are not supported yet");
                if (r->dialect == ATH_DIALECT_POSTGRESQL)
                    c->identity = always ? ATH_IDENTITY_ALWAYS : ATH_IDENTITY_BY_DEFAULT;
                continue;
            }
            if (f &&
                (strcmp(f, "sqlalchemy.Sequence") == 0 || strcmp(f, "sqlalchemy.Computed") == 0 ||
                 strcmp(f, "sqlalchemy.CheckConstraint") == 0))
                return rdiag(r, s, a, "%s() in a column is not supported yet", strrchr(f, '.') + 1);
            if (f && strcmp(f, "sqlalchemy.FetchedValue") == 0)
                continue;
            if (c->typed)
                return rdiag(r, s, a,
                             "cannot read this argument of the column: expected a "
                             "ForeignKey(...) after the type");
            if ((rc = ath_resolve_type(&c->type, s, a)))
                return fatal(r, rc);
            c->typed = true;
        }
        const ath_py_nodes *kws = &call->call.keywords;
        for (size_t i = 0; i < kws->count; i++) {
            const ath_py_node *k = kws->items[i];
            const char *kn = k->keyword.name;
            const ath_py_node *v = k->keyword.value;
            if (!kn)
                return rdiag(r, s, v, "cannot evaluate **keyword arguments of a column");
            if (strcmp(kn, "primary_key") == 0) {
                if (!bool_kw(r, s, call, kn, &c->primary_key, NULL))
                    return ATH_EPARSE;
            } else if (strcmp(kn, "nullable") == 0) {
                if (!bool_kw(r, s, call, kn, &c->nullable, &c->nullable_set))
                    return ATH_EPARSE;
            } else if (strcmp(kn, "unique") == 0) {
                if (!(v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE) &&
                    !bool_kw(r, s, call, kn, &c->unique, NULL))
                    return ATH_EPARSE;
            } else if (strcmp(kn, "index") == 0) {
                if (!(v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE) &&
                    !bool_kw(r, s, call, kn, &c->index, NULL))
                    return ATH_EPARSE;
            } else if (strcmp(kn, "server_default") == 0) {
                if (!(v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE) &&
                    (rc = render_default(r, s, v, &c->server_default)))
                    return rc;
            } else if (strcmp(kn, "autoincrement") == 0) {
                const char *av = ath_py_str_value(v);
                int b = ath_py_bool_value(v);
                if (av && (strcmp(av, "auto") == 0 || strcmp(av, "ignore_fk") == 0)) {
                    if (strcmp(av, "ignore_fk") == 0)
                        c->autoinc_given = true;
                } else if (b == 1) {
                    c->autoinc_given = true;
                } else if (b == 0) {
                    c->autoinc_false = true;
                } else {
                    return rdiag(r, s, v,
                                 "autoincrement= must be True, False, 'auto' or 'ignore_fk'");
                }
            } else if (strcmp(kn, "comment") == 0) {
                if (!(c->comment = ath_py_str_value(v)))
                    return rdiag(r, s, v, "comment= must be a string literal");
            } else if (strcmp(kn, "name") == 0) {
                if (!(c->name = ath_py_str_value(v)))
                    return rdiag(r, s, v, "name= must be a string literal");
            } else if (strcmp(kn, "type_") == 0) {
                if ((rc = ath_resolve_type(&c->type, s, v)))
                    return fatal(r, rc);
                c->typed = true;
            } else if (strcmp(kn, "server_onupdate") == 0 || strcmp(kn, "default") == 0 ||
                       strcmp(kn, "onupdate") == 0 || strcmp(kn, "doc") == 0 ||
                       strcmp(kn, "info") == 0 || strcmp(kn, "key") == 0 ||
                       strcmp(kn, "quote") == 0 || strcmp(kn, "init") == 0 ||
                       strcmp(kn, "repr") == 0 || strcmp(kn, "default_factory") == 0 ||
                       strcmp(kn, "kw_only") == 0 || strcmp(kn, "compare") == 0 ||
                       strcmp(kn, "deferred") == 0 || strcmp(kn, "deferred_group") == 0 ||
                       strcmp(kn, "deferred_raiseload") == 0 || strcmp(kn, "active_history") == 0 ||
                       strcmp(kn, "insert_default") == 0 ||
                       strcmp(kn, "use_existing_column") == 0 || strcmp(kn, "system") == 0 ||
                       strcmp(kn, "hash") == 0 || strcmp(kn, "dataclass_metadata") == 0) {
                /* Python-side or ORM-only: no schema effect. */
            } else {
                return rdiag(r, s, v, "the column argument %s= is not supported", kn);
            }
        }
    }
    if (ann) {
        ath_type at;
        rc = ath_resolve_annotation(&at, &optional, s, ann, owner ? owner->type_map : NULL,
                                    owner ? owner->type_map_scope : NULL);
        if (rc && (c->typed || c->nfks)) {
            /* The explicit type wins; the annotation still says Optional. */
            size_t last = r->diags->count - 1;
            if (rc == ATH_EPARSE && r->diags->count) {
                r->diags->count = last;
                r->diags->errors--;
            } else {
                return fatal(r, rc);
            }
            optional = false;
            const ath_py_node *a = ann;
            if (a->kind == ATH_PY_BINOP)
                optional = true;
            else if (a->kind == ATH_PY_SUBSCRIPT) {
                const char *g = ath_resolve_name(s, a->subscript.value);
                optional =
                    g && (strcmp(g, "typing.Optional") == 0 || strcmp(g, "typing.Union") == 0);
            }
        } else if (rc) {
            return fatal(r, rc);
        } else if (!c->typed) {
            c->type = at;
            c->typed = true;
        }
        if (!c->nullable_set)
            c->nullable = optional;
    }
    if (c->primary_key && !c->nullable_set)
        c->nullable = false;
    if (!c->typed && c->nfks == 0)
        return rdiag(r, s, call ? call : ann,
                     "column '%s' has no type: give one, e.g. Column(String(50))", key);
    return 0;
}

/* ---- building tables ---- */

static size_t add_col(reader *r, mtable *mt, const colspec *c)
{
    ath_table *t = T(r, mt);
    if (ath_strmap_get(&mt->by_name, c->name)) {
        rdiag(r, c->scope, c->node, "column '%s' is declared twice in table '%s'", c->name,
              t->name);
        return (size_t)-1;
    }
    ath_column *col = ath_table_add_column(r->schema, t, c->name);
    mcol_extra *x = ATH_PUSH(r->work, mt->cols, mt->ncols, mt->cols_cap);
    if (!col || !x) {
        fatal(r, ath_error_oom());
        return (size_t)-1;
    }
    size_t idx = t->ncolumns - 1;
    col->type = c->type;
    col->nullable = c->nullable;
    col->server_default = c->server_default;
    col->identity = c->identity;
    col->comment = c->comment;
    col->autoincrement = c->autoinc_false ? ATH_AUTOINC_FALSE : ATH_AUTOINC_AUTO;
    x->key = c->key;
    x->typed = c->typed;
    x->pk_nullable_set = c->nullable_set;
    x->autoinc_given = c->autoinc_given;
    x->autoinc_false = c->autoinc_false;
    x->at.scope = c->scope;
    x->at.node = c->node;
    if (ath_strmap_put(&mt->by_name, r->work, col->name, (void *)(idx + 1)) ||
        ath_strmap_put(&mt->by_key, r->work, c->key, (void *)(idx + 1))) {
        fatal(r, ath_error_oom());
        return (size_t)-1;
    }
    return idx;
}

static bool push_origin(reader *r, origin **arr, size_t *n, size_t *cap, const ath_scope *s,
                        const ath_py_node *at)
{
    origin *o = ATH_PUSH(r->work, *arr, *n, *cap);
    if (!o) {
        fatal(r, ath_error_oom());
        return false;
    }
    o->scope = s;
    o->node = at;
    return true;
}

static bool push_flag(reader *r, bool **arr, size_t *n, size_t *cap, bool v)
{
    bool *o = ATH_PUSH(r->work, *arr, *n, *cap);
    if (!o) {
        fatal(r, ath_error_oom());
        return false;
    }
    *o = v;
    return true;
}

/* Parses 'table.col' / 'schema.table.col'. */
static int parse_fk_spec(reader *r, const ath_scope *s, const ath_py_node *at, const char *spec,
                         const char **schema, const char **table, const char **col)
{
    const char *last = strrchr(spec, '.');
    if (!last || last == spec || !last[1])
        return rdiag(r, s, at, "ForeignKey('%s'): write the target as 'table.column'", spec);
    *col = last + 1;
    const char *prev = NULL;
    for (const char *p = spec; p < last; p++)
        if (*p == '.')
            prev = p;
    if (prev) {
        *schema = ath_arena_strndup(r->schema->arena, spec, (size_t)(prev - spec));
        *table = ath_arena_strndup(r->schema->arena, prev + 1, (size_t)(last - prev - 1));
    } else {
        *schema = NULL;
        *table = ath_arena_strndup(r->schema->arena, spec, (size_t)(last - spec));
    }
    if (!*table || (prev && !*schema))
        return fatal(r, ath_error_oom());
    return 0;
}

/* One target of a foreign key: a string, Class.attr, or table.c.col. */
static int read_fk_target(reader *r, const ath_scope *s, const ath_py_node *e, ath_foreign_key *fk,
                          size_t i, fk_target *tg)
{
    const char *sv = ath_py_str_value(e);
    if (sv) {
        const char *schema = NULL, *table = NULL, *col = NULL;
        int rc = parse_fk_spec(r, s, e, sv, &schema, &table, &col);
        if (rc)
            return rc;
        if (i == 0) {
            fk->ref_schema = schema;
            fk->ref_table = table;
        } else if (strcmp(fk->ref_table, table) != 0) {
            return rdiag(r, s, e, "a foreign key's columns must all refer to one table");
        }
        fk->ref_columns[i] = col;
        tg->spec = sv;
        return 0;
    }
    if (e->kind == ATH_PY_ATTRIBUTE) {
        const ath_py_node *v = e->attribute.value;
        if (v->kind == ATH_PY_ATTRIBUTE && strcmp(v->attribute.attr, "c") == 0) {
            ath_symbol *sym = ath_resolve_symbol(s, v->attribute.value);
            mtable *mt = sym ? ath_strmap_get(&r->table_vars, sym->qualname) : NULL;
            if (mt) {
                tg->table = mt->index + 1;
                tg->attr = e->attribute.attr;
                return 0;
            }
        }
        ath_symbol *sym = ath_resolve_symbol(s, v);
        if (sym && sym->kind == ATH_SYM_CLASS) {
            tg->cls = sym;
            tg->attr = e->attribute.attr;
            return 0;
        }
    }
    return rdiag(r, s, e,
                 "cannot read this foreign key target: write 'table.column', Model.column or "
                 "table.c.column");
}

/* Records a foreign key (column-level or a ForeignKeyConstraint). */
static int add_fk(reader *r, mtable *mt, const ath_scope *s, const ath_py_node *call,
                  const char **cols, size_t ncols, const ath_py_node *const *targets,
                  bool column_level)
{
    ath_table *t = T(r, mt);
    ath_foreign_key *fk = ath_table_add_fk(r->schema, t);
    mfk *x = ATH_PUSH(r->work, mt->fks, mt->nfks, mt->fks_cap);
    if (!fk || !x)
        return fatal(r, ath_error_oom());
    x->at.scope = s;
    x->at.node = call;
    x->column_level = column_level;
    fk->seq = ++mt->seq;
    fk->columns = cols;
    fk->ncolumns = ncols;
    fk->ref_columns = ath_arena_alloc(r->schema->arena, (ncols + 1) * sizeof(char *));
    x->targets = ath_arena_alloc(r->work, (ncols + 1) * sizeof(fk_target));
    if (!fk->ref_columns || !x->targets)
        return fatal(r, ath_error_oom());
    for (size_t i = 0; i < ncols; i++) {
        int rc = read_fk_target(r, s, targets[i], fk, i, &x->targets[i]);
        if (rc)
            return rc;
    }
    const ath_py_node *v;
    if ((v = ath_py_call_kw(call, "name")) &&
        !(v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE)) {
        if (!(fk->name = ath_py_str_value(v)))
            return rdiag(r, s, v, "name= must be a string literal");
    }
    if ((v = ath_py_call_kw(call, "ondelete")) && !(fk->ondelete = ath_py_str_value(v)))
        return rdiag(r, s, v, "ondelete= must be a string literal");
    if ((v = ath_py_call_kw(call, "onupdate")) && !(fk->onupdate = ath_py_str_value(v)))
        return rdiag(r, s, v, "onupdate= must be a string literal");
    if ((v = ath_py_call_kw(call, "initially")) && !(fk->initially = ath_py_str_value(v)))
        return rdiag(r, s, v, "initially= must be a string literal");
    if (!bool_kw(r, s, call, "deferrable", &fk->deferrable, NULL))
        return ATH_EPARSE;
    if (!bool_kw(r, s, call, "use_alter", &fk->use_alter, NULL))
        return ATH_EPARSE;
    if ((v = ath_py_call_kw(call, "match")) &&
        !(v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE))
        return rdiag(r, s, v,
                     "ForeignKey / ForeignKeyConstraint match= is not supported (MATCH FULL / "
                     "PARTIAL cannot be represented yet); remove it");
    return push_flag(r, &mt->fk_named, &mt->nfkn, &mt->fkn_cap, fk->name != NULL) ? 0 : r->rc;
}

static int add_index(reader *r, mtable *mt, const ath_scope *s, const ath_py_node *at,
                     const char *name, bool unique, ath_index_elem *elems, size_t nelems,
                     const char *where, bool from_column)
{
    ath_index *ix = ath_table_add_index(r->schema, T(r, mt));
    if (!ix)
        return fatal(r, ath_error_oom());
    ix->name = name;
    ix->unique = unique;
    ix->elems = elems;
    ix->nelems = nelems;
    ix->where = where;
    if (!push_origin(r, &mt->ix_at, &mt->nix, &mt->ix_cap, s, at) ||
        !push_flag(r, &mt->ix_from_column, &mt->nixc, &mt->ixc_cap, from_column) ||
        !push_flag(r, &mt->ix_named, &mt->nixn, &mt->ixn_cap, name != NULL))
        return r->rc;
    return 0;
}

/* Adds a column and what it makes: unique constraint, index, foreign keys. */
static int add_column_with_constraints(reader *r, mtable *mt, const colspec *c)
{
    size_t idx = add_col(r, mt, c);
    if (idx == (size_t)-1)
        return ATH_EPARSE;
    ath_table *t = T(r, mt);
    const char *colname = t->columns[idx].name;
    const char **cols = ath_arena_alloc(r->schema->arena, sizeof(char *));
    if (!cols)
        return fatal(r, ath_error_oom());
    cols[0] = colname;
    if (c->index) {
        ath_index_elem *el = ath_arena_alloc(r->schema->arena, sizeof(*el));
        if (!el)
            return fatal(r, ath_error_oom());
        el->text = colname;
        int rc = add_index(r, mt, c->scope, c->node, NULL, c->unique, el, 1, NULL, true);
        if (rc)
            return rc;
    } else if (c->unique) {
        ath_unique *u = ath_table_add_unique(r->schema, T(r, mt));
        if (!u)
            return fatal(r, ath_error_oom());
        u->seq = ++mt->seq;
        u->columns = cols;
        u->ncolumns = 1;
        if (!push_origin(r, &mt->uq_at, &mt->nuq, &mt->uq_cap, c->scope, c->node) ||
            !push_flag(r, &mt->uq_named, &mt->nuqn, &mt->uqn_cap, false))
            return r->rc;
    }
    for (size_t i = 0; i < c->nfks; i++) {
        const ath_py_node *fkc = c->fks[i];
        if (fkc->call.args.count < 1)
            return rdiag(r, c->scope, fkc,
                         "ForeignKey needs its target: ForeignKey('table.column')");
        int rc = add_fk(r, mt, c->scope, fkc, cols, 1,
                        (const ath_py_node *const *)fkc->call.args.items, true);
        if (rc)
            return rc;
    }
    if (c->primary_key) {
        ath_primary_key *pk = &T(r, mt)->pk;
        const char **nc = ath_arena_alloc(r->schema->arena, (pk->ncolumns + 1) * sizeof(char *));
        if (!nc)
            return fatal(r, ath_error_oom());
        if (pk->ncolumns)
            memcpy(nc, pk->columns, pk->ncolumns * sizeof(char *));
        nc[pk->ncolumns] = colname;
        pk->columns = nc;
        pk->ncolumns++;
    }
    return 0;
}

/* A column reference inside a constraint: 'name', or a class attribute / column variable. */
static const char *constraint_column(reader *r, mtable *mt, const ath_scope *s,
                                     const ath_py_node *e)
{
    const char *sv = ath_py_str_value(e);
    const char *key = sv;
    if (!key && e->kind == ATH_PY_NAME)
        key = e->name.id;
    if (!key && e->kind == ATH_PY_ATTRIBUTE)
        key = e->attribute.attr;
    if (!key) {
        rdiag(r, s, e, "cannot read this column reference: write the column's name as a string");
        return NULL;
    }
    size_t idx = (size_t)ath_strmap_get(sv ? &mt->by_name : &mt->by_key, key);
    if (!idx && sv)
        idx = (size_t)ath_strmap_get(&mt->by_key, key);
    if (!idx) {
        rdiag(r, s, e, "table '%s' has no column '%s'", T(r, mt)->name, key);
        return NULL;
    }
    return T(r, mt)->columns[idx - 1].name;
}

static int name_kw(reader *r, const ath_scope *s, const ath_py_node *call, const char **out)
{
    const ath_py_node *v = ath_py_call_kw(call, "name");
    *out = NULL;
    if (!v || (v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE))
        return 0;
    if (!(*out = ath_py_str_value(v)))
        return rdiag(r, s, v, "name= must be a string literal");
    return 0;
}

static int sql_text(reader *r, const ath_scope *s, const ath_py_node *e, const char **out)
{
    const char *sv = ath_py_str_value(e);
    if (!sv && is_text_call(s, e) && e->call.args.count == 1)
        sv = ath_py_str_value(e->call.args.items[0]);
    if (!sv)
        return rdiag(r, s, e, "cannot evaluate this SQL expression: write it as text('...')");
    *out = sv;
    return 0;
}

/* An element of __table_args__ or a Table(...) argument that is a constraint or index. */
static int table_item(reader *r, mtable *mt, const ath_scope *s, const ath_py_node *e)
{
    const char *f = callee(s, e);
    ath_table *t = T(r, mt);
    int rc;
    if (!f)
        return rdiag(
            r, s, e,
            "cannot read this table argument: expected a constraint, an Index or a column");
    if (strcmp(f, "sqlalchemy.UniqueConstraint") == 0 ||
        strcmp(f, "sqlalchemy.PrimaryKeyConstraint") == 0) {
        size_t n = e->call.args.count;
        const char **cols = ath_arena_alloc(r->schema->arena, (n + 1) * sizeof(char *));
        if (!cols)
            return fatal(r, ath_error_oom());
        for (size_t i = 0; i < n; i++)
            if (!(cols[i] = constraint_column(r, mt, s, e->call.args.items[i])))
                return ATH_EPARSE;
        const char *name;
        if ((rc = name_kw(r, s, e, &name)))
            return rc;
        if (strcmp(f, "sqlalchemy.PrimaryKeyConstraint") == 0) {
            t->pk.columns = cols;
            t->pk.ncolumns = n;
            mt->pk_name = name;
            mt->pk_named = name != NULL;
            mt->pk_at.scope = s;
            mt->pk_at.node = e;
            for (size_t i = 0; i < n; i++) {
                size_t idx = (size_t)ath_strmap_get(&mt->by_name, cols[i]) - 1;
                if (!mt->cols[idx].pk_nullable_set)
                    t->columns[idx].nullable = false;
            }
            return 0;
        }
        ath_unique *u = ath_table_add_unique(r->schema, t);
        if (!u)
            return fatal(r, ath_error_oom());
        u->seq = ++mt->seq;
        u->columns = cols;
        u->ncolumns = n;
        u->name = name;
        if (!push_origin(r, &mt->uq_at, &mt->nuq, &mt->uq_cap, s, e) ||
            !push_flag(r, &mt->uq_named, &mt->nuqn, &mt->uqn_cap, name != NULL))
            return r->rc;
        return 0;
    }
    if (strcmp(f, "sqlalchemy.CheckConstraint") == 0) {
        if (e->call.args.count < 1)
            return rdiag(r, s, e, "CheckConstraint needs its condition");
        const char *sqltext, *name;
        if ((rc = sql_text(r, s, e->call.args.items[0], &sqltext)) ||
            (rc = name_kw(r, s, e, &name)))
            return rc;
        ath_check *c = ath_table_add_check(r->schema, t);
        if (!c)
            return fatal(r, ath_error_oom());
        c->seq = ++mt->seq;
        c->sqltext = sqltext;
        c->name = name;
        if (!push_origin(r, &mt->ck_at, &mt->nck, &mt->ck_cap, s, e) ||
            !push_flag(r, &mt->ck_named, &mt->nckn, &mt->ckn_cap, name != NULL))
            return r->rc;
        return 0;
    }
    if (strcmp(f, "sqlalchemy.ForeignKeyConstraint") == 0) {
        if (e->call.args.count < 2)
            return rdiag(r, s, e, "ForeignKeyConstraint needs its columns and targets");
        const ath_py_node *lc = e->call.args.items[0], *rcs = e->call.args.items[1];
        if ((lc->kind != ATH_PY_LIST && lc->kind != ATH_PY_TUPLE) ||
            (rcs->kind != ATH_PY_LIST && rcs->kind != ATH_PY_TUPLE) ||
            lc->seq.elts.count != rcs->seq.elts.count || lc->seq.elts.count == 0)
            return rdiag(r, s, e,
                         "ForeignKeyConstraint: write the columns and their targets as two lists "
                         "of the same length");
        size_t n = lc->seq.elts.count;
        const char **cols = ath_arena_alloc(r->schema->arena, n * sizeof(char *));
        if (!cols)
            return fatal(r, ath_error_oom());
        for (size_t i = 0; i < n; i++)
            if (!(cols[i] = constraint_column(r, mt, s, lc->seq.elts.items[i])))
                return ATH_EPARSE;
        return add_fk(r, mt, s, e, cols, n, (const ath_py_node *const *)rcs->seq.elts.items, false);
    }
    if (strcmp(f, "sqlalchemy.Index") == 0) {
        if (e->call.args.count < 2)
            return rdiag(r, s, e, "Index needs a name and at least one column");
        const char *name = ath_py_str_value(e->call.args.items[0]);
        const ath_py_node *n0 = e->call.args.items[0];
        if (!name && !(n0->kind == ATH_PY_CONST && n0->constant.kind == ATH_PY_CONST_NONE))
            return rdiag(r, s, n0, "the index name must be a string literal");
        size_t n = e->call.args.count - 1;
        ath_index_elem *elems = ath_arena_alloc(r->schema->arena, n * sizeof(*elems));
        if (!elems)
            return fatal(r, ath_error_oom());
        for (size_t i = 0; i < n; i++) {
            const ath_py_node *a = e->call.args.items[i + 1];
            if (is_text_call(s, a)) {
                if ((rc = sql_text(r, s, a, &elems[i].text)))
                    return rc;
                elems[i].expression = true;
            } else if (!(elems[i].text = constraint_column(r, mt, s, a))) {
                return ATH_EPARSE;
            }
        }
        bool unique = false;
        if (!bool_kw(r, s, e, "unique", &unique, NULL))
            return ATH_EPARSE;
        const char *where = NULL;
        for (size_t i = 0; i < e->call.keywords.count; i++) {
            const ath_py_node *k = e->call.keywords.items[i];
            const char *kn = k->keyword.name;
            if (!kn || strcmp(kn, "unique") == 0 || strcmp(kn, "info") == 0 ||
                strncmp(kn, "mysql_", 6) == 0 || strncmp(kn, "mssql_", 6) == 0 ||
                strncmp(kn, "oracle_", 7) == 0)
                continue;
            bool pgw = strcmp(kn, "postgresql_where") == 0, slw = strcmp(kn, "sqlite_where") == 0;
            if (pgw || slw) {
                if ((pgw && r->dialect == ATH_DIALECT_POSTGRESQL) ||
                    (slw && r->dialect == ATH_DIALECT_SQLITE))
                    if ((rc = sql_text(r, s, k->keyword.value, &where)))
                        return rc;
                continue;
            }
            if (strncmp(kn, "postgresql_", 11) == 0 && r->dialect != ATH_DIALECT_POSTGRESQL)
                continue;
            return rdiag(r, s, k->keyword.value, "Index(%s=...) is not supported yet", kn);
        }
        return add_index(r, mt, s, e, name, unique, elems, n, where, false);
    }
    return rdiag(r, s, e,
                 "cannot read this table argument: expected a constraint, an Index or a column");
}

static int table_kwargs(reader *r, const ath_scope *s, const ath_py_node *d, const char **schema,
                        const char **comment)
{
    for (size_t i = 0; i < (d->kind == ATH_PY_DICT ? d->dict.keys.count : d->call.keywords.count);
         i++) {
        const ath_py_node *k, *v;
        const char *key;
        if (d->kind == ATH_PY_DICT) {
            k = d->dict.keys.items[i];
            v = d->dict.values.items[i];
            key = k ? ath_py_str_value(k) : NULL;
        } else {
            k = d->call.keywords.items[i];
            v = k->keyword.value;
            key = k->keyword.name;
        }
        if (!key)
            return rdiag(r, s, k ? k : v,
                         "cannot evaluate this table option: write a dict with string keys");
        if (strcmp(key, "schema") == 0) {
            if (!(v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE) &&
                !(*schema = ath_py_str_value(v)))
                return rdiag(r, s, v, "schema must be a string literal");
        } else if (strcmp(key, "comment") == 0) {
            if (!(*comment = ath_py_str_value(v)))
                return rdiag(r, s, v, "comment must be a string literal");
        } else if (strcmp(key, "extend_existing") == 0 || strcmp(key, "keep_existing") == 0 ||
                   strcmp(key, "info") == 0 || strcmp(key, "quote") == 0 ||
                   strcmp(key, "quote_schema") == 0 || strcmp(key, "implicit_returning") == 0 ||
                   strncmp(key, "mysql_", 6) == 0 || strncmp(key, "mariadb_", 8) == 0 ||
                   strncmp(key, "mssql_", 6) == 0 || strncmp(key, "oracle_", 7) == 0) {
            /* No effect on SQLite / PostgreSQL DDL. */
        } else if (strcmp(key, "metadata") == 0 && d->kind != ATH_PY_DICT) {
            /* Table(..., metadata=...) is read by the caller. */
        } else {
            return rdiag(r, s, v, "the table option '%s' is not supported yet", key);
        }
    }
    return 0;
}

/* ---- classes ---- */

typedef struct prop {
    const char *key;
    const ath_scope *scope;
    ath_py_node *value;      /* the assigned value, or the declared_attr FUNC_DEF */
    ath_py_node *annotation; /* Mapped[...] inside, or NULL */
    ath_py_node *stmt;
    ath_symbol *cls; /* the class that declares it */
    bool declared_attr;
} prop;

typedef struct propset {
    prop *items;
    size_t count, cap;
    ath_strmap seen;
} propset;

/* The return expression of a declared_attr function with one return. */
static const ath_py_node *declared_return(const ath_py_node *fn)
{
    const ath_py_node *ret = NULL;
    for (size_t i = 0; i < fn->func_def.body.count; i++) {
        const ath_py_node *st = fn->func_def.body.items[i];
        if (st->kind == ATH_PY_RETURN)
            ret = st->value.value;
        else if (!(st->kind == ATH_PY_EXPR_STMT && st->value.value->kind == ATH_PY_STR) &&
                 st->kind != ATH_PY_PASS)
            return NULL;
    }
    return ret;
}

/* Mapped[X] / WriteOnlyMapped / ... : X, or NULL when the annotation is not Mapped. */
static ath_py_node *mapped_inner(const ath_scope *s, ath_py_node *ann, bool *is_mapped)
{
    *is_mapped = false;
    if (!ann || ann->kind != ATH_PY_SUBSCRIPT)
        return NULL;
    const char *g = ath_resolve_name(s, ann->subscript.value);
    if (g && strcmp(g, "sqlalchemy.orm.Mapped") == 0) {
        *is_mapped = true;
        return ann->subscript.index;
    }
    if (g && (strcmp(g, "sqlalchemy.orm.WriteOnlyMapped") == 0 ||
              strcmp(g, "sqlalchemy.orm.DynamicMapped") == 0))
        *is_mapped = true; /* relationships only */
    return NULL;
}

static int collect_props(reader *r, propset *ps, ath_symbol *cls, bool copy)
{
    const ath_py_nodes *body = &cls->node->class_def.body;
    for (size_t i = 0; i < body->count; i++) {
        ath_py_node *st = body->items[i];
        const char *key = NULL;
        ath_py_node *value = NULL, *ann = NULL;
        bool da = false;
        if (st->kind == ATH_PY_ASSIGN && st->assign.targets.count == 1 &&
            st->assign.targets.items[0]->kind == ATH_PY_NAME) {
            key = st->assign.targets.items[0]->name.id;
            value = st->assign.value;
        } else if (st->kind == ATH_PY_ANN_ASSIGN && st->ann_assign.target->kind == ATH_PY_NAME) {
            key = st->ann_assign.target->name.id;
            value = st->ann_assign.value;
            ann = st->ann_assign.annotation;
        } else if (st->kind == ATH_PY_FUNC_DEF) {
            for (size_t d = 0; d < st->func_def.decorators.count; d++)
                if (is_declared_attr(cls->scope, st->func_def.decorators.items[d]))
                    da = true;
            if (!da)
                continue;
            key = st->func_def.name;
            value = st;
            ann = st->func_def.returns;
        } else {
            continue;
        }
        if (ath_strmap_get(&ps->seen, key))
            continue;
        if (ath_strmap_put(&ps->seen, r->work, key, (void *)1))
            return fatal(r, ath_error_oom());
        if (!copy)
            continue;
        prop *p = ATH_PUSH(r->work, ps->items, ps->count, ps->cap);
        if (!p)
            return fatal(r, ath_error_oom());
        p->key = key;
        p->scope = cls->scope;
        p->value = value;
        p->annotation = ann;
        p->stmt = st;
        p->cls = cls;
        p->declared_attr = da;
    }
    return 0;
}

static bool is_column_call(const ath_scope *s, const ath_py_node *v)
{
    const char *f = callee(s, v);
    return f &&
           (strcmp(f, "sqlalchemy.Column") == 0 || strcmp(f, "sqlalchemy.orm.mapped_column") == 0);
}

/* Calls that make ORM attributes without schema effect. */
static bool is_orm_only_call(const ath_scope *s, const ath_py_node *v)
{
    const char *f = callee(s, v);
    if (!f)
        return false;
    static const char *const names[] = {
        "sqlalchemy.orm.relationship",
        "sqlalchemy.orm.relation",
        "sqlalchemy.orm.backref",
        "sqlalchemy.orm.column_property",
        "sqlalchemy.orm.synonym",
        "sqlalchemy.orm.deferred",
        "sqlalchemy.orm.composite",
        "sqlalchemy.orm.dynamic_loader",
        "sqlalchemy.orm.query_expression",
        "sqlalchemy.ext.associationproxy.association_proxy",
        "sqlalchemy.ext.hybrid.hybrid_property",
        "sqlalchemy.orm.validates",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], f) == 0)
            return true;
    return false;
}

/* True when a call might make a column athanor cannot see into. */
static bool looks_like_column_factory(const ath_scope *s, const ath_py_node *v)
{
    if (!v || v->kind != ATH_PY_CALL)
        return false;
    ath_symbol *sym = ath_resolve_symbol(s, v->call.func);
    if (sym && sym->kind == ATH_SYM_FUNC)
        return true;
    const char *n = ath_resolve_name(s, v->call.func);
    const char *last = n ? strrchr(n, '.') : NULL;
    last = last ? last + 1 : n;
    return last && (strstr(last, "column") || strstr(last, "Column"));
}

/* __tablename__ from a string or a declared_attr returning cls.__name__[.lower()]. */
static int eval_tablename(reader *r, const prop *p, ath_symbol *cls, const char **out)
{
    const ath_py_node *v = p->value;
    if (p->declared_attr) {
        v = declared_return(p->value);
        if (v && v->kind == ATH_PY_ATTRIBUTE && strcmp(v->attribute.attr, "__name__") == 0) {
            *out = cls->name;
            return 0;
        }
        if (v && v->kind == ATH_PY_CALL && v->call.args.count == 0 &&
            v->call.func->kind == ATH_PY_ATTRIBUTE &&
            strcmp(v->call.func->attribute.attr, "lower") == 0 &&
            v->call.func->attribute.value->kind == ATH_PY_ATTRIBUTE &&
            strcmp(v->call.func->attribute.value->attribute.attr, "__name__") == 0) {
            char *low = ath_arena_strdup(r->schema->arena, cls->name);
            if (!low)
                return fatal(r, ath_error_oom());
            for (char *q = low; *q; q++)
                if (*q >= 'A' && *q <= 'Z')
                    *q = (char)(*q - 'A' + 'a');
            *out = low;
            return 0;
        }
    }
    const char *sv = v ? ath_py_str_value(v) : NULL;
    if (!sv)
        return rdiag(
            r, p->scope, v ? v : p->stmt,
            "cannot evaluate this __tablename__: write a string, or return cls.__name__.lower()");
    *out = sv;
    return 0;
}

static int read_table_args(reader *r, mtable *mt, const prop *p)
{
    const ath_py_node *v = p->declared_attr ? declared_return(p->value) : p->value;
    if (!v)
        return rdiag(r, p->scope, p->stmt,
                     "cannot evaluate this __table_args__: return a tuple or a dict literal");
    const ath_scope *s = p->scope;
    const ath_py_node *d = NULL;
    int rc = 0;
    if (v->kind == ATH_PY_DICT) {
        d = v;
    } else if (v->kind == ATH_PY_TUPLE || v->kind == ATH_PY_LIST) {
        size_t n = v->seq.elts.count;
        if (n && v->seq.elts.items[n - 1]->kind == ATH_PY_DICT) {
            d = v->seq.elts.items[n - 1];
            n--;
        }
        for (size_t i = 0; i < n; i++) {
            int e = table_item(r, mt, s, v->seq.elts.items[i]);
            if (e && !rc)
                rc = e;
        }
    } else {
        return rdiag(r, s, v,
                     "cannot evaluate this __table_args__: write a tuple or a dict literal");
    }
    (void)d;
    return rc;
}

static int table_args_options(reader *r, const prop *p, const char **schema, const char **comment)
{
    const ath_py_node *v = p->declared_attr ? declared_return(p->value) : p->value;
    if (!v)
        return 0;
    const ath_py_node *d = NULL;
    if (v->kind == ATH_PY_DICT)
        d = v;
    else if ((v->kind == ATH_PY_TUPLE || v->kind == ATH_PY_LIST) && v->seq.elts.count &&
             v->seq.elts.items[v->seq.elts.count - 1]->kind == ATH_PY_DICT)
        d = v->seq.elts.items[v->seq.elts.count - 1];
    return d ? table_kwargs(r, p->scope, d, schema, comment) : 0;
}

static int cmp_colspec(const void *x, const void *y)
{
    const colspec *a = x, *b = y;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int process_class(reader *r, ath_symbol *sym);

/* The mapped class this one inherits a table from, if any. */
static ath_symbol *mapped_parent(reader *r, cinfo *ci)
{
    for (size_t i = 1; i < ci->nmro; i++) {
        cinfo *bi = ci->mro[i]->data;
        if (bi && bi->kind == C_MODEL) {
            process_class(r, ci->mro[i]);
            return ci->mro[i];
        }
    }
    return NULL;
}

static int process_class(reader *r, ath_symbol *sym)
{
    cinfo *ci = sym->data;
    if (ci->done)
        return 0;
    ci->done = true;
    ath_symbol *parent = mapped_parent(r, ci);
    cinfo *pi = parent ? parent->data : NULL;
    const ath_scope *s = sym->scope;
    const ath_py_node *at = sym->node;

    /* Attributes by the MRO: the class and its unmapped bases contribute;
     * mapped bases' names are only marked as taken. */
    propset ps;
    memset(&ps, 0, sizeof(ps));
    for (size_t i = 0; i < ci->nmro; i++) {
        cinfo *bi = ci->mro[i]->data;
        bool copy = i == 0 || (bi && bi->kind != C_MODEL);
        int rc = collect_props(r, &ps, ci->mro[i], copy);
        if (rc)
            return rc;
    }

    const prop *tablename = NULL, *table_args = NULL, *table_attr = NULL;
    colspec *cols = NULL;
    size_t ncols = 0, cols_cap = 0;
    bool failed = false;
    unsigned long da_order = 0;
    for (size_t i = 0; i < ps.count; i++) {
        prop *p = &ps.items[i];
        bool own = p->cls == sym;
        if (strcmp(p->key, "__tablename__") == 0) {
            tablename = p;
            continue;
        }
        if (strcmp(p->key, "__table_args__") == 0) {
            table_args = p;
            continue;
        }
        if (strcmp(p->key, "__table__") == 0) {
            table_attr = p;
            continue;
        }
        if (p->key[0] == '_' && p->key[1] == '_')
            continue;
        const ath_py_node *v = p->value;
        bool is_mapped = false;
        ath_py_node *inner = NULL;
        if (p->declared_attr) {
            v = declared_return(p->value);
            inner = mapped_inner(p->scope, p->annotation, &is_mapped);
            if (!v || !is_column_call(p->scope, v)) {
                if (v && is_orm_only_call(p->scope, v))
                    continue;
                if (v && !looks_like_column_factory(p->scope, v))
                    continue;
                if (!v && !is_mapped)
                    continue;
                rdiag(r, p->scope, p->value,
                      "cannot evaluate the declared_attr '%s': return "
                      "Column(...) or mapped_column(...) directly",
                      p->key);
                failed = true;
                continue;
            }
        } else {
            inner = mapped_inner(p->scope, p->annotation, &is_mapped);
            if (v && !is_column_call(p->scope, v)) {
                if (is_orm_only_call(p->scope, v))
                    continue;
                if (looks_like_column_factory(p->scope, v)) {
                    rdiag(r, p->scope, v,
                          "cannot evaluate '%s': a column made by a function call; "
                          "write Column(...) or mapped_column(...) in the class",
                          p->key);
                    failed = true;
                }
                continue;
            }
            if (!v && !inner)
                continue; /* a plain annotation, or a relationship-only Mapped */
            if (!v && inner && inner->kind == ATH_PY_SUBSCRIPT) {
                /* Mapped[List["X"]] and the like without relationship(): not a column. */
                const char *g = ath_resolve_name(p->scope, inner->subscript.value);
                if (g && (strcmp(g, "builtins.list") == 0 || strcmp(g, "typing.List") == 0 ||
                          strcmp(g, "builtins.set") == 0 || strcmp(g, "typing.Set") == 0))
                    continue;
            }
        }
        colspec *c = ATH_PUSH(r->work, cols, ncols, cols_cap);
        if (!c)
            return fatal(r, ath_error_oom());
        int rc = read_column(r, c, p->scope, v, p->key, inner, ci);
        if (rc) {
            ncols--;
            failed = true;
            if (rc != ATH_EPARSE)
                return rc;
            continue;
        }
        if (!own && !p->declared_attr && c->nfks) {
            rdiag(r, p->scope, v,
                  "the mixin column '%s' has a ForeignKey: SQLAlchemy requires such "
                  "columns on mixins to be declared with @declared_attr",
                  p->key);
            failed = true;
        }
        c->declared_attr = p->declared_attr;
        const ath_py_node *pos = p->declared_attr ? p->value : p->stmt;
        if (p->declared_attr)
            c->order = (1UL << 40) + da_order++;
        else
            c->order = (own ? (1UL << 39) : 0) + ((unsigned long)p->scope->index << 28) +
                       ((unsigned long)pos->line << 10) + (unsigned long)(pos->col & 1023);
    }
    if (ncols > 1)
        qsort(cols, ncols, sizeof(*cols), cmp_colspec);
    if (failed)
        return ATH_EPARSE;
    if (table_attr)
        return rdiag(r, table_attr->scope, table_attr->stmt,
                     "__table__ = ... is not supported yet: declare the columns in the class");

    /* The table name, as SQLAlchemy (and Flask-SQLAlchemy) settle it. */
    const char *name = NULL;
    bool generated = false;
    if (tablename) {
        cinfo *ti = tablename->cls->data;
        bool from_mapped = ti && ti->kind == C_MODEL && tablename->cls != sym;
        if (!from_mapped) {
            int rc = eval_tablename(r, tablename, sym, &name);
            if (rc)
                return rc;
        }
    }
    if (!name && ci->flask) {
        bool declared = tablename && tablename->declared_attr;
        if (!declared) {
            name = ath_models_snake_case(r->schema->arena, sym->name);
            if (!name)
                return fatal(r, ath_error_oom());
            generated = true;
        }
    }
    bool has_pk = false;
    for (size_t i = 0; i < ncols; i++)
        has_pk = has_pk || cols[i].primary_key;
    if (table_args && !has_pk) {
        const ath_py_node *v =
            table_args->declared_attr ? declared_return(table_args->value) : table_args->value;
        if (v && (v->kind == ATH_PY_TUPLE || v->kind == ATH_PY_LIST))
            for (size_t i = 0; i < v->seq.elts.count; i++)
                has_pk = has_pk || is_call_to(table_args->scope, v->seq.elts.items[i],
                                              "sqlalchemy.PrimaryKeyConstraint");
    }
    /* Single-table inheritance: no name of its own (declarative), or a
     * generated name but no primary key (Flask-SQLAlchemy's __table_cls__). */
    bool single = parent && (!name || (ci->flask && !has_pk));
    if (generated && !single && parent) {
        char *key = table_key(r, NULL, name);
        if (key && ath_strmap_get(&r->by_table_name, key) && !has_pk)
            single = true;
    }
    if (!name && !parent)
        return rdiag(r, s, at,
                     "class %s has no __tablename__ and inherits no table: give it "
                     "__tablename__ = '...'",
                     sym->name);
    ath_buf owner = ATH_BUF_INIT;
    ath_buf_printf(&owner, "class %s", sym->name);
    char *owner_s = ath_arena_strdup(r->work, ath_buf_cstr(&owner));
    ath_buf_free(&owner);
    if (!owner_s)
        return fatal(r, ath_error_oom());

    mtable *mt;
    if (single) {
        mt = pi ? pi->table : NULL;
        if (!mt)
            return ATH_EPARSE; /* the parent failed; its diagnostic says why */
        if (table_args && table_args->cls == sym)
            return rdiag(r, s, table_args->stmt,
                         "class %s has no table of its own (single-table "
                         "inheritance): __table_args__ cannot go here",
                         sym->name);
        ci->table = mt;
        int rc = 0;
        for (size_t i = 0; i < ncols; i++) {
            if (cols[i].primary_key) {
                rc = rdiag(r, cols[i].scope, cols[i].node,
                           "class %s has no table of its own "
                           "(single-table inheritance): its primary key column '%s' cannot be "
                           "added to table '%s'",
                           sym->name, cols[i].name, T(r, mt)->name);
                continue;
            }
            if (ath_strmap_get(&mt->by_name, cols[i].name)) {
                rc = rdiag(r, cols[i].scope, cols[i].node,
                           "column '%s' of class %s conflicts with "
                           "the column of that name in table '%s'",
                           cols[i].name, sym->name, T(r, mt)->name);
                continue;
            }
            int e = add_column_with_constraints(r, mt, &cols[i]);
            if (e && !rc)
                rc = e;
        }
        return rc;
    }

    const char *schema = NULL, *comment = NULL;
    if (table_args) {
        int rc = table_args_options(r, table_args, &schema, &comment);
        if (rc)
            return rc;
    }
    mt = new_table(r, schema, name, ci->meta, owner_s, s, at);
    if (!mt)
        return ATH_EPARSE;
    mt->cls = sym;
    ci->table = mt;
    T(r, mt)->comment = comment;
    /* Constraints of __table_args__ exist before the table, so they come
     * first; those the columns make follow in column order. Their columns
     * are looked up after the columns are added, and seq numbers given
     * before, as SQLAlchemy's creation order has them. */
    for (size_t i = 0; i < ncols; i++) {
        size_t idx = add_col(r, mt, &cols[i]);
        if (idx == (size_t)-1)
            return ATH_EPARSE;
    }
    /* Re-create the table's column list with constraints: simplest is to
     * note what each column makes and add it after the table args. */
    ath_table *t = T(r, mt);
    size_t added = t->ncolumns;
    int rc = 0;
    if (table_args)
        rc = read_table_args(r, mt, table_args);
    t = T(r, mt);
    for (size_t i = 0; i < added && !rc; i++) {
        colspec c = cols[i];
        /* The column exists: add only what it makes. */
        const char *colname = t->columns[i].name;
        const char **one = ath_arena_alloc(r->schema->arena, sizeof(char *));
        if (!one)
            return fatal(r, ath_error_oom());
        one[0] = colname;
        if (c.index) {
            ath_index_elem *el = ath_arena_alloc(r->schema->arena, sizeof(*el));
            if (!el)
                return fatal(r, ath_error_oom());
            el->text = colname;
            rc = add_index(r, mt, c.scope, c.node, NULL, c.unique, el, 1, NULL, true);
        } else if (c.unique) {
            ath_unique *u = ath_table_add_unique(r->schema, T(r, mt));
            if (!u)
                return fatal(r, ath_error_oom());
            u->seq = ++mt->seq;
            u->columns = one;
            u->ncolumns = 1;
            if (!push_origin(r, &mt->uq_at, &mt->nuq, &mt->uq_cap, c.scope, c.node) ||
                !push_flag(r, &mt->uq_named, &mt->nuqn, &mt->uqn_cap, false))
                return r->rc;
        }
        for (size_t k = 0; k < c.nfks && !rc; k++) {
            const ath_py_node *fkc = c.fks[k];
            if (fkc->call.args.count < 1)
                rc = rdiag(r, c.scope, fkc,
                           "ForeignKey needs its target: ForeignKey('table.column')");
            else
                rc = add_fk(r, mt, c.scope, fkc, one, 1,
                            (const ath_py_node *const *)fkc->call.args.items, true);
        }
        if (c.primary_key && !T(r, mt)->pk.columns) {
            /* collected below */
        }
        t = T(r, mt);
    }
    if (rc)
        return rc;
    if (!t->pk.ncolumns) {
        size_t npk = 0;
        for (size_t i = 0; i < added; i++)
            npk += cols[i].primary_key;
        if (npk) {
            const char **pkc = ath_arena_alloc(r->schema->arena, npk * sizeof(char *));
            if (!pkc)
                return fatal(r, ath_error_oom());
            for (size_t i = 0, k = 0; i < added; i++)
                if (cols[i].primary_key)
                    pkc[k++] = t->columns[i].name;
            t->pk.columns = pkc;
            t->pk.ncolumns = npk;
        }
    }
    if (!t->pk.ncolumns)
        return rdiag(r, s, at,
                     "class %s has no primary key (SQLAlchemy requires one for a mapped "
                     "class): mark a column primary_key=True",
                     sym->name);
    return 0;
}

/* ---- Table(...) ---- */

static int process_table_call(reader *r, ath_symbol *var, const ath_scope *s,
                              const ath_py_node *call, const meta *inst_meta)
{
    const ath_py_nodes *args = &call->call.args;
    if (args->count < 1 || !ath_py_str_value(args->items[0]))
        return rdiag(r, s, call, "Table(...) needs its name as a string literal first");
    const char *name = ath_py_str_value(args->items[0]);
    const meta *m = inst_meta;
    size_t first = 1;
    const ath_py_node *mkw = ath_py_call_kw(call, "metadata");
    if (args->count > 1 && !is_column_call(s, args->items[1]) &&
        args->items[1]->kind != ATH_PY_CALL) {
        m = meta_of_expr(r, s, args->items[1], 0);
        if (!m)
            return ATH_EPARSE;
        first = 2;
    } else if (mkw) {
        m = meta_of_expr(r, s, mkw, 0);
        if (!m)
            return ATH_EPARSE;
    }
    if (!m)
        return rdiag(r, s, call,
                     "Table('%s', ...) needs its MetaData: Table('%s', db.metadata, ...)", name,
                     name);
    const char *schema = NULL, *comment = NULL;
    int rc = table_kwargs(r, s, call, &schema, &comment);
    if (rc)
        return rc;
    char *owner = ath_arena_printf(r->work, "Table '%s'", name);
    if (!owner)
        return fatal(r, ath_error_oom());
    mtable *mt = new_table(r, schema, name, m, owner, s, call);
    if (!mt)
        return ATH_EPARSE;
    T(r, mt)->comment = comment;
    if (var && ath_strmap_put(&r->table_vars, r->work, var->qualname, mt))
        return fatal(r, ath_error_oom());
    colspec *cols = NULL;
    size_t ncols = 0, cap = 0;
    for (size_t i = first; i < args->count; i++) {
        const ath_py_node *a = args->items[i];
        if (!is_column_call(s, a))
            continue;
        colspec *c = ATH_PUSH(r->work, cols, ncols, cap);
        if (!c)
            return fatal(r, ath_error_oom());
        if (a->call.args.count < 1 || !ath_py_str_value(a->call.args.items[0])) {
            ncols--;
            rc = rdiag(r, s, a,
                       "a column of Table('%s', ...) needs its name as a string literal first",
                       name);
            continue;
        }
        int e = read_column(r, c, s, a, ath_py_str_value(a->call.args.items[0]), NULL, NULL);
        if (e) {
            ncols--;
            rc = e;
            continue;
        }
        if (add_col(r, mt, c) == (size_t)-1)
            rc = ATH_EPARSE;
    }
    if (rc)
        return rc;
    for (size_t i = first; i < args->count; i++) {
        const ath_py_node *a = args->items[i];
        if (is_column_call(s, a))
            continue;
        int e = table_item(r, mt, s, a);
        if (e && !rc)
            rc = e;
    }
    ath_table *t = T(r, mt);
    for (size_t i = 0; i < ncols && !rc; i++) {
        const colspec *c = &cols[i];
        const char **one = ath_arena_alloc(r->schema->arena, sizeof(char *));
        if (!one)
            return fatal(r, ath_error_oom());
        one[0] = T(r, mt)->columns[i].name;
        if (c->index) {
            ath_index_elem *el = ath_arena_alloc(r->schema->arena, sizeof(*el));
            if (!el)
                return fatal(r, ath_error_oom());
            el->text = one[0];
            rc = add_index(r, mt, c->scope, c->node, NULL, c->unique, el, 1, NULL, true);
        } else if (c->unique) {
            ath_unique *u = ath_table_add_unique(r->schema, T(r, mt));
            if (!u)
                return fatal(r, ath_error_oom());
            u->seq = ++mt->seq;
            u->columns = one;
            u->ncolumns = 1;
            if (!push_origin(r, &mt->uq_at, &mt->nuq, &mt->uq_cap, c->scope, c->node) ||
                !push_flag(r, &mt->uq_named, &mt->nuqn, &mt->uqn_cap, false))
                return r->rc;
        }
        for (size_t k = 0; k < c->nfks && !rc; k++)
            rc = add_fk(r, mt, c->scope, c->fks[k], one, 1,
                        (const ath_py_node *const *)c->fks[k]->call.args.items, true);
    }
    t = T(r, mt);
    if (!rc && !t->pk.ncolumns) {
        size_t npk = 0;
        for (size_t i = 0; i < ncols; i++)
            npk += cols[i].primary_key;
        if (npk) {
            const char **pkc = ath_arena_alloc(r->schema->arena, npk * sizeof(char *));
            if (!pkc)
                return fatal(r, ath_error_oom());
            for (size_t i = 0, k = 0; i < ncols; i++)
                if (cols[i].primary_key)
                    pkc[k++] = t->columns[i].name;
            t->pk.columns = pkc;
            t->pk.ncolumns = npk;
        }
    }
    return rc;
}

/* Module-level Index('name', Model.col, table.c.col, ...). */
static int process_module_index(reader *r, const ath_scope *s, const ath_py_node *call)
{
    mtable *mt = NULL;
    for (size_t i = 1; i < call->call.args.count && !mt; i++) {
        const ath_py_node *a = call->call.args.items[i];
        if (a->kind != ATH_PY_ATTRIBUTE)
            continue;
        const ath_py_node *v = a->attribute.value;
        if (v->kind == ATH_PY_ATTRIBUTE && strcmp(v->attribute.attr, "c") == 0) {
            ath_symbol *sym = ath_resolve_symbol(s, v->attribute.value);
            mt = sym ? ath_strmap_get(&r->table_vars, sym->qualname) : NULL;
        } else {
            ath_symbol *sym = ath_resolve_symbol(s, v);
            cinfo *ci = sym && sym->kind == ATH_SYM_CLASS ? sym->data : NULL;
            mt = ci ? ci->table : NULL;
        }
    }
    if (!mt)
        return rdiag(r, s, call,
                     "cannot tell which table this Index belongs to: name its columns as "
                     "Model.column or table.c.column");
    return table_item(r, mt, s, call);
}

/* ---- finishing: foreign keys, names, autoincrement, enums ---- */

static mtable *find_mtable(reader *r, const char *schema, const char *name)
{
    char *key = table_key(r, schema, name);
    return key ? ath_strmap_get(&r->by_table_name, key) : NULL;
}

static int resolve_fks(reader *r)
{
    int rc = 0;
    for (size_t ti = 0; ti < r->ntables; ti++) {
        mtable *mt = r->tables[ti];
        for (size_t f = 0; f < mt->nfks; f++) {
            ath_foreign_key *fk = &T(r, mt)->fks[f];
            mfk *x = &mt->fks[f];
            mtable *target = NULL;
            for (size_t i = 0; i < fk->ncolumns; i++) {
                fk_target *tg = &x->targets[i];
                if (tg->cls || tg->table) {
                    mtable *tt = tg->table ? r->tables[0] : NULL;
                    if (tg->table) {
                        for (size_t k = 0; k < r->ntables; k++)
                            if (r->tables[k]->index == tg->table - 1)
                                tt = r->tables[k];
                    } else {
                        cinfo *ci = tg->cls->data;
                        tt = ci ? ci->table : NULL;
                        if (!tt) {
                            rc = rdiag(r, x->at.scope, x->at.node,
                                       "ForeignKey(%s.%s): %s is not a mapped class", tg->cls->name,
                                       tg->attr, tg->cls->name);
                            continue;
                        }
                    }
                    size_t idx = (size_t)ath_strmap_get(&tt->by_key, tg->attr);
                    if (!idx)
                        idx = (size_t)ath_strmap_get(&tt->by_name, tg->attr);
                    if (!idx) {
                        rc = rdiag(r, x->at.scope, x->at.node,
                                   "foreign key target: table '%s' has no column '%s'",
                                   T(r, tt)->name, tg->attr);
                        continue;
                    }
                    fk->ref_schema = T(r, tt)->schema;
                    fk->ref_table = T(r, tt)->name;
                    fk->ref_columns[i] = T(r, tt)->columns[idx - 1].name;
                    target = tt;
                    continue;
                }
                target = find_mtable(r, fk->ref_schema, fk->ref_table);
                if (!target) {
                    rc = rdiag(r, x->at.scope, x->at.node,
                               "ForeignKey('%s'): no table '%s' in the models", tg->spec,
                               fk->ref_table);
                    break;
                }
                if (!ath_strmap_get(&target->by_name, fk->ref_columns[i])) {
                    rc = rdiag(r, x->at.scope, x->at.node,
                               "ForeignKey('%s'): table '%s' has no column '%s'", tg->spec,
                               fk->ref_table, fk->ref_columns[i]);
                    break;
                }
            }
            if (!target)
                continue;
            /* A column without a type takes its target's. */
            for (size_t i = 0; i < fk->ncolumns; i++) {
                /* A column missing on either side was reported above. */
                size_t ci = (size_t)ath_strmap_get(&mt->by_name, fk->columns[i]);
                size_t ri = (size_t)ath_strmap_get(&target->by_name, fk->ref_columns[i]);
                if (!ci-- || !ri-- || mt->cols[ci].typed)
                    continue;
                if (!target->cols[ri].typed) {
                    rc = rdiag(r, mt->cols[ci].at.scope, mt->cols[ci].at.node,
                               "column '%s' has no type and its foreign key target has none either",
                               fk->columns[i]);
                    continue;
                }
                T(r, mt)->columns[ci].type = T(r, target)->columns[ri].type;
                mt->cols[ci].typed = true;
            }
        }
    }
    return rc;
}

/* Applies a naming convention template; NULL with a diagnostic when it cannot. */
static const char *apply_convention(reader *r, mtable *mt, const char *tmpl, const char *cname,
                                    const char **cols, size_t ncols, const ath_foreign_key *fk,
                                    const origin *at)
{
    ath_table *t = T(r, mt);
    ath_buf b = ATH_BUF_INIT;
    const char *p = tmpl;
    bool bad = false;
    while (*p && !bad) {
        if (*p != '%') {
            ath_buf_putc(&b, *p++);
            continue;
        }
        if (p[1] == '%') {
            ath_buf_putc(&b, '%');
            p += 2;
            continue;
        }
        if (p[1] != '(') {
            bad = true;
            break;
        }
        const char *end = strchr(p, ')');
        if (!end || end[1] != 's') {
            bad = true;
            break;
        }
        char tok[64];
        size_t n = (size_t)(end - p - 2);
        if (n >= sizeof(tok)) {
            bad = true;
            break;
        }
        memcpy(tok, p + 2, n);
        tok[n] = '\0';
        p = end + 2;
        if (strcmp(tok, "table_name") == 0) {
            ath_buf_puts(&b, t->name);
        } else if (strcmp(tok, "constraint_name") == 0) {
            if (!cname) {
                ath_buf_free(&b);
                rdiag(r, at->scope, at->node,
                      "the naming convention '%s' uses %%(constraint_name)s: "
                      "give this constraint a name=",
                      tmpl);
                return NULL;
            }
            ath_buf_puts(&b, cname);
        } else if (strcmp(tok, "referred_table_name") == 0 && fk) {
            ath_buf_puts(&b, fk->ref_table);
        } else if (strncmp(tok, "column_0", 8) == 0 ||
                   (fk && strncmp(tok, "referred_column_0", 17) == 0)) {
            bool referred = tok[0] == 'r';
            const char *rest = tok + (referred ? 17 : 8);
            const char **names = referred ? fk->ref_columns : cols;
            size_t count = ncols;
            const char *sep = NULL;
            bool all = false;
            if (strncmp(rest, "N_", 2) == 0) {
                all = true;
                sep = "";
                rest += 2;
            } else if (strncmp(rest, "_N_", 3) == 0) {
                all = true;
                sep = "_";
                rest += 3;
            } else if (rest[0] == '_') {
                rest += 1;
            } else {
                bad = true;
                break;
            }
            bool label = strcmp(rest, "label") == 0, key = strcmp(rest, "key") == 0;
            if (!label && !key && strcmp(rest, "name") != 0) {
                bad = true;
                break;
            }
            if (!names || count == 0) {
                ath_buf_free(&b);
                rdiag(r, at->scope, at->node,
                      "the naming convention '%s' needs the columns of this constraint", tmpl);
                return NULL;
            }
            for (size_t i = 0; i < (all ? count : 1); i++) {
                if (i)
                    ath_buf_puts(&b, sep);
                if (label && !referred) {
                    if (t->schema)
                        ath_buf_printf(&b, "%s_", t->schema);
                    ath_buf_printf(&b, "%s_", t->name);
                }
                const char *nm = names[i];
                if (key && !referred) {
                    size_t idx = (size_t)ath_strmap_get(&mt->by_name, nm);
                    if (idx)
                        nm = mt->cols[idx - 1].key;
                }
                ath_buf_puts(&b, nm);
            }
        } else {
            bad = true;
        }
    }
    if (bad) {
        ath_buf_free(&b);
        rdiag(r, at->scope, at->node, "cannot apply the naming convention '%s': unknown token",
              tmpl);
        return NULL;
    }
    char *out = ath_buf_check(&b) ? NULL : ath_arena_strdup(r->schema->arena, ath_buf_cstr(&b));
    ath_buf_free(&b);
    if (!out)
        fatal(r, ath_error_oom());
    return out;
}

/* SQLAlchemy applies a convention to unnamed constraints, and to named ones
 * when it uses %(constraint_name)s. */
static int name_one(reader *r, mtable *mt, const char *tmpl, const char **name, const char **cols,
                    size_t ncols, const ath_foreign_key *fk, const origin *at)
{
    if (!tmpl || (*name && !strstr(tmpl, "%(constraint_name)s")))
        return 0;
    const char *n = apply_convention(r, mt, tmpl, *name, cols, ncols, fk, at);
    if (!n)
        return ATH_EPARSE;
    *name = n;
    return 0;
}

static int cmp_index(const void *x, const void *y)
{
    const ath_index *a = x, *b = y;
    return strcmp(a->name, b->name);
}

static int finish_table(reader *r, mtable *mt)
{
    ath_table *t = T(r, mt);
    const meta *m = mt->meta;
    int rc = 0;
    origin tat = mt->at;
    if (t->pk.ncolumns && m->pk) {
        origin at = mt->pk_at.node ? mt->pk_at : tat;
        const char *n = mt->pk_name;
        if (name_one(r, mt, m->pk, &n, t->pk.columns, t->pk.ncolumns, NULL, &at))
            rc = ATH_EPARSE;
        t->pk.name = n;
    } else {
        t->pk.name = mt->pk_name;
    }
    for (size_t i = 0; i < t->nuniques; i++)
        if (name_one(r, mt, m->uq, &t->uniques[i].name, t->uniques[i].columns,
                     t->uniques[i].ncolumns, NULL, &mt->uq_at[i]))
            rc = ATH_EPARSE;
    for (size_t i = 0; i < t->nfks; i++)
        if (name_one(r, mt, m->fk, &t->fks[i].name, t->fks[i].columns, t->fks[i].ncolumns,
                     &t->fks[i], &mt->fks[i].at))
            rc = ATH_EPARSE;
    for (size_t i = 0; i < t->nchecks; i++)
        if (name_one(r, mt, m->ck, &t->checks[i].name, NULL, 0, NULL, &mt->ck_at[i]))
            rc = ATH_EPARSE;
    for (size_t i = 0; i < t->nindexes; i++) {
        ath_index *ix = &t->indexes[i];
        const char **cols = ath_arena_alloc(r->work, (ix->nelems + 1) * sizeof(char *));
        if (!cols)
            return fatal(r, ath_error_oom());
        size_t nc = 0;
        for (size_t k = 0; k < ix->nelems; k++)
            if (!ix->elems[k].expression)
                cols[nc++] = ix->elems[k].text;
        if (name_one(r, mt, m->ix, &ix->name, cols, nc, NULL, &mt->ix_at[i])) {
            rc = ATH_EPARSE;
            continue;
        }
        if (!ix->name)
            rc = rdiag(r, mt->ix_at[i].scope, mt->ix_at[i].node,
                       "this index has no name and the "
                       "naming convention has no 'ix' entry: add one, or name the index");
    }
    if (rc)
        return rc;
    if (t->nindexes > 1)
        qsort(t->indexes, t->nindexes, sizeof(*t->indexes), cmp_index);
    /* The autoincrement column: a single-column integer primary key without
     * a foreign key (unless autoincrement=True says otherwise). */
    if (t->pk.ncolumns == 1) {
        size_t idx = (size_t)ath_strmap_get(&mt->by_name, t->pk.columns[0]) - 1;
        ath_column *c = &t->columns[idx];
        mcol_extra *x = &mt->cols[idx];
        bool has_fk = false;
        for (size_t f = 0; f < t->nfks; f++)
            for (size_t k = 0; k < t->fks[f].ncolumns; k++)
                has_fk = has_fk || strcmp(t->fks[f].columns[k], c->name) == 0;
        bool integer = c->type.kind == ATH_TYPE_INTEGER || c->type.kind == ATH_TYPE_BIGINT ||
                       c->type.kind == ATH_TYPE_SMALLINT;
        if (integer && !x->autoinc_false && (!has_fk || x->autoinc_given))
            c->autoincrement = ATH_AUTOINC_TRUE;
    }
    return 0;
}

static int collect_enums(reader *r)
{
    if (r->dialect != ATH_DIALECT_POSTGRESQL)
        return 0;
    ath_strmap seen;
    memset(&seen, 0, sizeof(seen));
    for (size_t ti = 0; ti < r->schema->ntables; ti++) {
        ath_table *t = &r->schema->tables[ti];
        for (size_t c = 0; c < t->ncolumns; c++) {
            const ath_type *ty = &t->columns[c].type;
            if (ty->kind == ATH_TYPE_ARRAY && ty->item)
                ty = ty->item;
            if (ty->kind != ATH_TYPE_ENUM || !ty->name || ath_strmap_get(&seen, ty->name))
                continue;
            if (ath_strmap_put(&seen, r->work, ty->name, (void *)ty))
                return fatal(r, ath_error_oom());
            ath_enum *e = ath_schema_add_enum(r->schema, NULL, ty->name);
            if (!e)
                return fatal(r, ath_error_oom());
            e->values = ty->values;
            e->nvalues = ty->nvalues;
        }
    }
    return 0;
}

/* ---- the schema outlives the parse: its strings move to its own arena ---- */

static bool own_str(ath_arena *a, const char **s)
{
    if (!*s)
        return true;
    *s = ath_arena_strdup(a, *s);
    return *s != NULL;
}

static bool own_list(ath_arena *a, const char ***list, size_t n)
{
    if (!*list)
        return true;
    const char **copy = ath_arena_alloc(a, (n + 1) * sizeof(char *));
    if (!copy)
        return false;
    for (size_t i = 0; i < n; i++) {
        copy[i] = (*list)[i];
        if (!own_str(a, &copy[i]))
            return false;
    }
    *list = copy;
    return true;
}

static bool own_type(ath_arena *a, ath_type *t)
{
    if (!own_str(a, &t->name) || !own_str(a, &t->args) || !own_list(a, &t->values, t->nvalues))
        return false;
    if (t->item) {
        ath_type *item = ath_arena_alloc(a, sizeof(*item));
        if (!item)
            return false;
        *item = *t->item;
        t->item = item;
        return own_type(a, item);
    }
    return true;
}

static int own_schema(ath_schema *s)
{
    ath_arena *a = s->arena;
    bool ok = true;
    for (size_t i = 0; i < s->ntables && ok; i++) {
        ath_table *t = &s->tables[i];
        ok = own_str(a, &t->schema) && own_str(a, &t->name) && own_str(a, &t->comment) &&
             own_str(a, &t->pk.name) && own_list(a, &t->pk.columns, t->pk.ncolumns);
        for (size_t c = 0; c < t->ncolumns && ok; c++) {
            ath_column *col = &t->columns[c];
            ok = own_str(a, &col->name) && own_type(a, &col->type) &&
                 own_str(a, &col->server_default) && own_str(a, &col->comment);
        }
        for (size_t k = 0; k < t->nuniques && ok; k++)
            ok = own_str(a, &t->uniques[k].name) &&
                 own_list(a, &t->uniques[k].columns, t->uniques[k].ncolumns);
        for (size_t k = 0; k < t->nchecks && ok; k++)
            ok = own_str(a, &t->checks[k].name) && own_str(a, &t->checks[k].sqltext);
        for (size_t k = 0; k < t->nfks && ok; k++) {
            ath_foreign_key *fk = &t->fks[k];
            ok = own_str(a, &fk->name) && own_list(a, &fk->columns, fk->ncolumns) &&
                 own_str(a, &fk->ref_schema) && own_str(a, &fk->ref_table) &&
                 own_list(a, &fk->ref_columns, fk->ncolumns) && own_str(a, &fk->ondelete) &&
                 own_str(a, &fk->onupdate) && own_str(a, &fk->initially);
        }
        for (size_t k = 0; k < t->nindexes && ok; k++) {
            ath_index *ix = &t->indexes[k];
            ok = own_str(a, &ix->name) && own_str(a, &ix->where);
            ath_index_elem *el = ath_arena_alloc(a, (ix->nelems + 1) * sizeof(*el));
            ok = ok && el;
            for (size_t e = 0; e < ix->nelems && ok; e++) {
                el[e] = ix->elems[e];
                ok = own_str(a, &el[e].text);
            }
            if (ok)
                ix->elems = el;
        }
    }
    for (size_t i = 0; i < s->nenums && ok; i++)
        ok = own_str(a, &s->enums[i].schema) && own_str(a, &s->enums[i].name) &&
             own_list(a, &s->enums[i].values, s->enums[i].nvalues);
    return ok ? 0 : ath_error_oom();
}

/* ---- the driver ---- */

static void walk_module_stmts(reader *r, const ath_scope *s, const ath_py_nodes *body,
                              bool indexes);

static void module_stmt(reader *r, const ath_scope *s, ath_py_node *st, bool indexes)
{
    if (st->kind == ATH_PY_IF) {
        walk_module_stmts(r, s, &st->if_.body, indexes);
        walk_module_stmts(r, s, &st->if_.orelse, indexes);
        return;
    }
    if (!indexes)
        return;
    ath_py_node *v = NULL;
    if (st->kind == ATH_PY_EXPR_STMT)
        v = st->value.value;
    else if (st->kind == ATH_PY_ASSIGN)
        v = st->assign.value;
    if (v && is_call_to(s, v, "sqlalchemy.Index"))
        process_module_index(r, s, v);
}

static void walk_module_stmts(reader *r, const ath_scope *s, const ath_py_nodes *body, bool indexes)
{
    for (size_t i = 0; i < body->count; i++)
        module_stmt(r, s, body->items[i], indexes);
}

/* What a module-level value is a Table(...) call of: the instance's metadata, or none. */
static bool table_call_meta(reader *r, const ath_symbol *sym, const meta **m)
{
    const char *f = callee(sym->scope, sym->node);
    *m = NULL;
    if (!f)
        return false;
    if (strcmp(f, "sqlalchemy.Table") == 0)
        return true;
    if (ends_with(f, ".Table")) {
        char *owner = ath_arena_strndup(r->work, f, strlen(f) - strlen(".Table"));
        rootinfo *ri = owner ? root_of(r, ath_project_lookup(r->project, owner)) : NULL;
        if (ri) {
            *m = ri->meta;
            return true;
        }
    }
    return false;
}

static int read_project(reader *r)
{
    size_t n;
    ath_symbol *const *syms = ath_project_symbols(r->project, &n);
    for (size_t i = 0; i < n; i++)
        if (syms[i]->kind == ATH_SYM_CLASS)
            classify(r, syms[i]);
    if (r->rc)
        return r->rc;
    for (size_t i = 0; i < n; i++) {
        ath_symbol *sym = syms[i];
        if (sym->kind == ATH_SYM_VALUE && sym->node && sym->node->kind == ATH_PY_CALL) {
            const meta *m;
            if (table_call_meta(r, sym, &m))
                process_table_call(r, sym, sym->scope, sym->node, m);
            continue;
        }
        if (sym->kind != ATH_SYM_CLASS)
            continue;
        cinfo *ci = sym->data;
        if (ci && ci->kind == C_MODEL)
            process_class(r, sym);
    }
    /* A class that names a table but is neither mapped nor a mixin of one:
     * its base was not found, and its table would go missing. */
    for (size_t i = 0; i < n; i++) {
        ath_symbol *sym = syms[i];
        cinfo *ci = sym->kind == ATH_SYM_CLASS ? sym->data : NULL;
        if (!ci || ci->kind != C_PLAIN || ci->used_as_base)
            continue;
        ath_py_node *tn = class_value(sym, "__tablename__", NULL);
        const ath_py_nodes *bases = &sym->node->class_def.bases;
        bool model_base = false;
        for (size_t b = 0; b < bases->count; b++)
            model_base = model_base || (bases->items[b]->kind == ATH_PY_ATTRIBUTE &&
                                        strcmp(bases->items[b]->attribute.attr, "Model") == 0);
        if ((!tn || tn->kind == ATH_PY_FUNC_DEF) && !model_base)
            continue;
        if (model_base && !tn) {
            const ath_py_node *b0 = bases->items[0];
            for (size_t b = 0; b < bases->count; b++)
                if (bases->items[b]->kind == ATH_PY_ATTRIBUTE &&
                    strcmp(bases->items[b]->attribute.attr, "Model") == 0)
                    b0 = bases->items[b];
            const char *owner =
                b0->attribute.value->kind == ATH_PY_NAME ? b0->attribute.value->name.id : "?";
            rdiag(r, sym->scope, sym->node,
                  "class %s derives from %s.Model, but '%s' is not a "
                  "Flask-SQLAlchemy instance athanor can find: define it with %s = SQLAlchemy() "
                  "in a file among the models",
                  sym->name, owner, owner, owner);
            continue;
        }
        const char *bn = bases->count ? ath_resolve_name(sym->scope, bases->items[0]) : NULL;
        rdiag(r, sym->scope, sym->node,
              "class %s declares __tablename__ but its base%s%s%s is not "
              "a declarative base athanor can find: add the file that defines it to the models",
              sym->name, bn ? " '" : "", bn ? (strrchr(bn, '.') ? strrchr(bn, '.') + 1 : bn) : "",
              bn ? "'" : "");
    }
    return r->rc;
}

/* Module name of a file: its stem, prefixed by the packages (folders with
 * an __init__.py) it sits in when `use_fs`. */
static char *module_name(ath_arena *a, const char *path, bool use_fs)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    if (bl > 3 && strcmp(base + bl - 3, ".py") == 0)
        bl -= 3;
    char *mod = ath_arena_strndup(a, base, bl);
    if (!mod)
        return NULL;
    if (strcmp(mod, "__init__") == 0)
        mod[0] = '\0';
    if (!use_fs)
        return mod;
    /* Folders are walked on the absolute path, so that "." has a name. */
    const char *abs = path;
    if (path[0] != '/') {
        char cwd[4096];
        if (!getcwd(cwd, sizeof(cwd)))
            return mod;
        abs = ath_arena_printf(a, "%s/%s", cwd, path);
        if (!abs)
            return NULL;
    }
    const char *abase = strrchr(abs, '/');
    char *dir = ath_arena_strndup(a, abs, (size_t)(abase - abs));
    if (!dir)
        return NULL;
    for (int depth = 0; depth < 32 && *dir; depth++) {
        char *init = ath_arena_printf(a, "%s/__init__.py", dir);
        if (!init)
            return NULL;
        if (access(init, F_OK) != 0)
            break;
        char *slash = strrchr(dir, '/');
        const char *name = slash ? slash + 1 : dir;
        if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            break;
        mod = *mod ? ath_arena_printf(a, "%s.%s", name, mod) : ath_arena_strdup(a, name);
        if (!mod)
            return NULL;
        if (!slash)
            break;
        *slash = '\0';
    }
    return mod;
}

static int read_all(ath_schema **out, ath_arena *arena, const char *const *paths,
                    const char *const *texts, const size_t *lens, size_t n, bool use_fs,
                    const ath_models_options *options, ath_diags *diags)
{
    *out = NULL;
    ath_arena *work = ath_arena_new();
    if (!work)
        return ath_error_oom();
    reader r;
    memset(&r, 0, sizeof(r));
    r.work = work;
    r.diags = diags;
    r.dialect = options->dialect;
    r.project = ath_project_new(work, options, diags);
    r.schema = ath_schema_new(arena);
    int rc = r.project && r.schema ? 0 : ath_error_oom();
    size_t errors_before = diags->errors;
    const ath_scope **scopes = ath_arena_alloc(work, (n + 1) * sizeof(*scopes));
    size_t nscopes = 0;
    if (!scopes)
        rc = ath_error_oom();
    for (size_t i = 0; i < n && !rc; i++) {
        ath_py_node *tree = NULL;
        int prc = ath_py_parse(&tree, work, paths[i], texts[i], lens[i], diags);
        if (prc == ATH_EPARSE)
            continue;
        if (prc) {
            rc = prc;
            break;
        }
        char *mod = module_name(work, paths[i], use_fs);
        ath_scope *s = NULL;
        if (!mod || (rc = ath_project_add_file(&s, r.project, paths[i], mod, tree))) {
            rc = rc ? rc : ath_error_oom();
            break;
        }
        scopes[nscopes++] = s;
    }
    if (!rc && diags->errors == errors_before) {
        rc = read_project(&r);
        for (size_t i = 0; i < nscopes && !rc; i++)
            walk_module_stmts(&r, scopes[i], &scopes[i]->tree->module.body, true);
        rc = rc ? rc : r.rc;
        if (!rc && diags->errors == errors_before)
            rc = resolve_fks(&r);
        if (rc == ATH_EPARSE)
            rc = 0;
        for (size_t i = 0; i < r.ntables && !rc && diags->errors == errors_before; i++) {
            if (finish_table(&r, r.tables[i]) != 0 && r.rc)
                rc = r.rc;
        }
        if (!rc && diags->errors == errors_before)
            rc = collect_enums(&r);
        rc = rc ? rc : r.rc;
    }
    if (!rc && diags->errors > errors_before)
        rc = ath_error(ATH_EPARSE, "the models have errors (%zu)", diags->errors - errors_before);
    if (!rc)
        rc = own_schema(r.schema);
    if (!rc)
        *out = r.schema;
    ath_arena_free(work);
    return rc;
}

int ath_models_read_sources(ath_schema **out, ath_arena *arena, const char *const *paths,
                            const char *const *texts, const size_t *lens, size_t n,
                            const ath_models_options *options, ath_diags *diags)
{
    return read_all(out, arena, paths, texts, lens, n, false, options, diags);
}


int ath_models_read(ath_schema **out, ath_arena *arena, const char *const *paths, size_t npaths,
                    const ath_models_options *options, ath_diags *diags)
{
    *out = NULL;
    char **texts = calloc(npaths + 1, sizeof(char *));
    size_t *lens = calloc(npaths + 1, sizeof(size_t));
    int rc = texts && lens ? 0 : ath_error_oom();
    for (size_t i = 0; i < npaths && !rc; i++)
        rc = ath_file_read(&texts[i], &lens[i], paths[i]);
    if (!rc)
        rc = read_all(out, arena, paths, (const char *const *)texts, lens, npaths, true, options,
                      diags);
    for (size_t i = 0; texts && i < npaths; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    return rc;
}
