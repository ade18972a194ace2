/*
 * Names and types, resolved statically: per-file scopes from imports and
 * module-level definitions, canonical dotted names, the project's classes
 * across files, and type expressions to ath_type for one dialect. Reading
 * models (columns, tables) is models.c's job, not this file's.
 */
#include "models/resolve.h"

#include "py/parser.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- string map: open addressing, FNV-1a ---- */

static size_t hash_str(const char *s)
{
    size_t h = (size_t)1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

static int strmap_grow(ath_strmap *m, ath_arena *arena)
{
    size_t ncap = m->cap ? m->cap * 2 : 16;
    const char **keys = ath_arena_alloc(arena, ncap * sizeof(*keys));
    void **values = ath_arena_alloc(arena, ncap * sizeof(*values));
    if (!keys || !values)
        return ath_error_oom();
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash_str(m->keys[i]) & (ncap - 1);
        while (keys[j])
            j = (j + 1) & (ncap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    m->keys = keys;
    m->values = values;
    m->cap = ncap;
    return 0;
}

int ath_strmap_put(ath_strmap *m, ath_arena *arena, const char *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap) {
        int rc = strmap_grow(m, arena);
        if (rc)
            return rc;
    }
    size_t j = hash_str(key) & (m->cap - 1);
    while (m->keys[j] && strcmp(m->keys[j], key) != 0)
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        m->keys[j] = key;
        m->count++;
    }
    m->values[j] = value;
    return 0;
}

void *ath_strmap_get(const ath_strmap *m, const char *key)
{
    if (!m->cap || !key)
        return NULL;
    size_t j = hash_str(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0)
            return m->values[j];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

/* ---- the project ---- */

/* Marks a class name defined more than once in the class-name index. */
static char ambiguous_marker;

typedef struct ptr_cache {
    const void **keys;
    const char **values;
    size_t count, cap;
} ptr_cache;

struct ath_project {
    ath_arena *arena;
    const ath_models_options *options;
    ath_diags *diags;
    ath_symbol **symbols;
    size_t nsymbols, symbols_cap;
    ath_strmap by_qualname;  /* qualname -> ath_symbol */
    ath_strmap class_names;  /* bare class name -> ath_symbol, or &ambiguous_marker */
    ath_strmap modules;      /* module name -> ath_scope */
    ath_strmap externals;    /* name -> synthetic symbol for an unscanned db instance */
    ath_scope *config_scope; /* where configured type mappings are read */
    ath_strmap normalized;   /* name -> its normal form, memoized */
    ptr_cache canon_cache;   /* expression node -> canonical name, memoized */
    unsigned budget;         /* normalization steps left for one outermost name */
    unsigned nesting;        /* ath_resolve_name calls under way */
    unsigned nfiles;
};

ath_project *ath_project_new(ath_arena *arena, const ath_models_options *options, ath_diags *diags)
{
    ath_project *p = ath_arena_alloc(arena, sizeof(*p));
    if (!p)
        return NULL;
    p->arena = arena;
    p->options = options;
    p->diags = diags;
    return p;
}

ath_arena *ath_project_arena(const ath_project *p) { return p->arena; }
ath_diags *ath_project_diags(const ath_project *p) { return p->diags; }
ath_dialect ath_project_dialect(const ath_project *p) { return p->options->dialect; }

ath_symbol *const *ath_project_symbols(const ath_project *p, size_t *count)
{
    *count = p->nsymbols;
    return p->symbols;
}

static char *join(ath_arena *a, const char *x, const char *y)
{
    if (!x || !*x)
        return ath_arena_strdup(a, y);
    return ath_arena_printf(a, "%s.%s", x, y);
}

static int bind(ath_scope *s, const char *local, const char *target)
{
    return ath_strmap_put(&s->names, s->project->arena, local, (void *)target);
}

static int define(ath_scope *s, ath_sym_kind kind, const char *name, ath_py_node *node,
                  ath_py_node *stmt)
{
    ath_project *p = s->project;
    ath_symbol *sym = ath_arena_alloc(p->arena, sizeof(*sym));
    ath_symbol **slot = ATH_PUSH(p->arena, p->symbols, p->nsymbols, p->symbols_cap);
    if (!sym || !slot)
        return ath_error_oom();
    sym->kind = kind;
    sym->name = name;
    sym->qualname = join(p->arena, s->module, name);
    sym->node = node;
    sym->stmt = stmt;
    sym->scope = s;
    sym->order = (unsigned)p->nsymbols;
    *slot = sym;
    if (!sym->qualname)
        return ath_error_oom();
    int rc = ath_strmap_put(&p->by_qualname, p->arena, sym->qualname, sym);
    if (!rc)
        rc = bind(s, name, sym->qualname);
    if (!rc && kind == ATH_SYM_CLASS) {
        void *prev = ath_strmap_get(&p->class_names, name);
        rc =
            ath_strmap_put(&p->class_names, p->arena, name, prev ? (void *)&ambiguous_marker : sym);
    }
    return rc;
}

/* The package a relative import of `level` dots starts from. */
static const char *relative_base(ath_scope *s, int level)
{
    ath_arena *a = s->project->arena;
    char *base = ath_arena_strdup(a, s->module);
    if (!base)
        return NULL;
    int up = s->is_package ? level - 1 : level;
    for (int i = 0; i < up; i++) {
        char *dot = strrchr(base, '.');
        if (dot)
            *dot = '\0';
        else
            base[0] = '\0';
    }
    return base;
}

static int scan_body(ath_scope *s, const ath_py_nodes *body);

static int scan_stmt(ath_scope *s, ath_py_node *st)
{
    ath_arena *a = s->project->arena;
    int rc = 0;
    switch (st->kind) {
    case ATH_PY_IMPORT:
        for (size_t i = 0; i < st->import_.names.count && !rc; i++) {
            const ath_py_node *al = st->import_.names.items[i];
            if (al->alias.asname) {
                rc = bind(s, al->alias.asname, al->alias.name);
            } else {
                /* `import a.b` binds a; a.b is reached through it. */
                const char *dot = strchr(al->alias.name, '.');
                char *first =
                    dot ? ath_arena_strndup(a, al->alias.name, (size_t)(dot - al->alias.name))
                        : (char *)al->alias.name;
                rc = first ? bind(s, first, first) : ath_error_oom();
            }
        }
        return rc;
    case ATH_PY_IMPORT_FROM: {
        const char *mod = st->import_from.module;
        if (st->import_from.level > 0) {
            const char *base = relative_base(s, st->import_from.level);
            if (!base)
                return ath_error_oom();
            mod = mod ? join(a, base, mod) : base;
            if (!mod)
                return ath_error_oom();
        }
        for (size_t i = 0; i < st->import_from.names.count && !rc; i++) {
            const ath_py_node *al = st->import_from.names.items[i];
            if (strcmp(al->alias.name, "*") == 0) {
                /* Star imports: the names are looked up in that module when used. */
                const char **slot = ATH_PUSH(a, s->stars, s->nstars, s->stars_cap);
                if (!slot)
                    return ath_error_oom();
                *slot = mod;
                continue;
            }
            const char *target = join(a, mod, al->alias.name);
            rc = target ? bind(s, al->alias.asname ? al->alias.asname : al->alias.name, target)
                        : ath_error_oom();
        }
        return rc;
    }
    case ATH_PY_CLASS_DEF:
        return define(s, ATH_SYM_CLASS, st->class_def.name, st, st);
    case ATH_PY_FUNC_DEF:
        return define(s, ATH_SYM_FUNC, st->func_def.name, st, st);
    case ATH_PY_ASSIGN:
        for (size_t i = 0; i < st->assign.targets.count && !rc; i++) {
            ath_py_node *t = st->assign.targets.items[i];
            if (t->kind == ATH_PY_NAME)
                rc = define(s, ATH_SYM_VALUE, t->name.id, st->assign.value, st);
        }
        return rc;
    case ATH_PY_ANN_ASSIGN:
        if (st->ann_assign.value && st->ann_assign.target->kind == ATH_PY_NAME)
            return define(s, ATH_SYM_VALUE, st->ann_assign.target->name.id, st->ann_assign.value,
                          st);
        return 0;
    case ATH_PY_IF:
        if ((rc = scan_body(s, &st->if_.body)))
            return rc;
        return scan_body(s, &st->if_.orelse);
    case ATH_PY_TRY:
        if ((rc = scan_body(s, &st->try_.body)))
            return rc;
        for (size_t i = 0; i < st->try_.handlers.count && !rc; i++)
            rc = scan_body(s, &st->try_.handlers.items[i]->except.body);
        if (!rc)
            rc = scan_body(s, &st->try_.orelse);
        if (!rc)
            rc = scan_body(s, &st->try_.finalbody);
        return rc;
    case ATH_PY_WITH:
        return scan_body(s, &st->with.body);
    default:
        return 0;
    }
}

static int scan_body(ath_scope *s, const ath_py_nodes *body)
{
    for (size_t i = 0; i < body->count; i++) {
        int rc = scan_stmt(s, body->items[i]);
        if (rc)
            return rc;
    }
    return 0;
}

int ath_project_add_file(ath_scope **out, ath_project *p, const char *path, const char *module,
                         ath_py_node *tree)
{
    ath_scope *s = ath_arena_alloc(p->arena, sizeof(*s));
    if (!s)
        return ath_error_oom();
    s->project = p;
    s->path = path;
    s->tree = tree;
    s->index = p->nfiles++;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    s->is_package = strcmp(base, "__init__.py") == 0;
    s->module = ath_arena_strdup(p->arena, module ? module : "");
    if (!s->module)
        return ath_error_oom();
    int rc = 0;
    if (*s->module && !ath_strmap_get(&p->modules, s->module))
        rc = ath_strmap_put(&p->modules, p->arena, s->module, s);
    if (!rc && tree)
        rc = scan_body(s, &tree->module.body);
    *out = s;
    return rc;
}

/* ---- canonical names ---- */

/* Packages whose names are resolved by table, never looked up among the files. */
static const char *const known_roots[] = {
    "sqlalchemy",
    "flask_sqlalchemy",
    "sqlalchemy_utils",
    "enum",
    "datetime",
    "decimal",
    "uuid",
    "typing",
    "typing_extensions",
    "builtins",
    "flask",
    "flask_login",
    "sqlmodel",
    "geoalchemy2",
    "dataclasses",
    "collections",
    "json",
    "os",
    "sys",
    "re",
};

static bool known_root(const char *name)
{
    size_t n = strcspn(name, ".");
    for (size_t i = 0; i < sizeof(known_roots) / sizeof(known_roots[0]); i++)
        if (strlen(known_roots[i]) == n && strncmp(known_roots[i], name, n) == 0)
            return true;
    return false;
}

/* Names SQLAlchemy's ORM exports that the core package does not: a
 * Flask-SQLAlchemy instance's attribute of this name is the ORM's. */
static const char *const orm_names[] = {
    "relationship",
    "backref",
    "mapped_column",
    "Mapped",
    "declared_attr",
    "DeclarativeBase",
    "DeclarativeBaseNoMeta",
    "declarative_base",
    "column_property",
    "synonym",
    "deferred",
    "registry",
    "validates",
    "composite",
    "dynamic_loader",
    "query_expression",
    "relation",
    "MappedAsDataclass",
    "declarative_mixin",
    "as_declarative",
    "object_session",
    "Session",
    "sessionmaker",
    "scoped_session",
    "reconstructor",
    "aliased",
    "joinedload",
    "selectinload",
    "WriteOnlyMapped",
    "DynamicMapped",
    "with_polymorphic",
    "foreign",
    "remote",
};

static bool is_orm_name(const char *name)
{
    for (size_t i = 0; i < sizeof(orm_names) / sizeof(orm_names[0]); i++)
        if (strcmp(orm_names[i], name) == 0)
            return true;
    return false;
}

typedef struct prefix_fold {
    const char *from, *to;
} prefix_fold;

/* Submodules folded into the names SQLAlchemy's packages export. */
static const prefix_fold folds[] = {
    {"sqlalchemy.sql.sqltypes.", "sqlalchemy."},
    {"sqlalchemy.sql.schema.", "sqlalchemy."},
    {"sqlalchemy.sql.expression.", "sqlalchemy."},
    {"sqlalchemy.sql.elements.", "sqlalchemy."},
    {"sqlalchemy.sql.functions.func", "sqlalchemy.func"},
    {"sqlalchemy.sql.type_api.", "sqlalchemy."},
    {"sqlalchemy.sql.", "sqlalchemy."},
    {"sqlalchemy.types.", "sqlalchemy."},
    {"sqlalchemy.schema.", "sqlalchemy."},
    {"sqlalchemy.ext.declarative.api.", "sqlalchemy.orm."},
    {"sqlalchemy.ext.declarative.", "sqlalchemy.orm."},
    {"sqlalchemy.orm.decl_api.", "sqlalchemy.orm."},
    {"sqlalchemy.orm.properties.", "sqlalchemy.orm."},
    {"sqlalchemy.orm.base.", "sqlalchemy.orm."},
    {"sqlalchemy.orm.relationships.", "sqlalchemy.orm."},
    {"sqlalchemy.dialects.postgresql.base.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.postgresql.json.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.postgresql.array.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.postgresql.types.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.postgresql.ranges.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.postgresql.hstore.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.postgresql.named_types.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.postgresql.ext.", "sqlalchemy.dialects.postgresql."},
    {"sqlalchemy.dialects.mysql.base.", "sqlalchemy.dialects.mysql."},
    {"sqlalchemy.dialects.mysql.types.", "sqlalchemy.dialects.mysql."},
    {"sqlalchemy.dialects.mysql.enumerated.", "sqlalchemy.dialects.mysql."},
    {"sqlalchemy.dialects.mysql.json.", "sqlalchemy.dialects.mysql."},
    {"sqlalchemy.dialects.sqlite.base.", "sqlalchemy.dialects.sqlite."},
    {"sqlalchemy.dialects.sqlite.json.", "sqlalchemy.dialects.sqlite."},
    {"flask_sqlalchemy.extension.", "flask_sqlalchemy."},
    {"typing_extensions.", "typing."},
};

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Names a Flask-SQLAlchemy instance offers beyond SQLAlchemy's own. */
static bool instance_own_attr(const char *attr)
{
    return strcmp(attr, "Model") == 0 || strcmp(attr, "Table") == 0 ||
           strcmp(attr, "metadata") == 0 || strcmp(attr, "session") == 0;
}

bool ath_symbol_is_sqlalchemy_instance(const ath_symbol *sym);

static const char *normalize(ath_project *p, const char *s, int depth);

/* Canonical name of `expr` within `scope`, or NULL. */
static const char *canon(const ath_scope *scope, const ath_py_node *e, int depth)
{
    ath_project *p = scope->project;
    if (depth > 64)
        return NULL;
    if (e->kind == ATH_PY_NAME) {
        const char *t = ath_strmap_get(&scope->names, e->name.id);
        if (!t) {
            /* Star imports, in the order written: a library's names by table,
             * a scanned module's by its own scope. */
            for (size_t i = 0; i < scope->nstars && !t; i++) {
                const char *mod = scope->stars[i];
                ath_scope *ms = ath_strmap_get(&p->modules, mod);
                if (ms) {
                    if (ath_strmap_get(&ms->names, e->name.id))
                        t = join(p->arena, mod, e->name.id);
                } else if (known_root(mod)) {
                    t = join(p->arena, mod, e->name.id);
                }
            }
        }
        if (!t) {
            static const char *const builtins[] = {"int",  "str",  "bool",   "float", "bytes",
                                                   "dict", "list", "object", "set",   "tuple"};
            for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
                if (strcmp(builtins[i], e->name.id) == 0)
                    t = join(p->arena, "builtins", e->name.id);
        }
        return t ? normalize(p, t, depth + 1) : NULL;
    }
    if (e->kind == ATH_PY_ATTRIBUTE) {
        const char *v = canon(scope, e->attribute.value, depth + 1);
        if (!v)
            return NULL;
        const char *t = join(p->arena, v, e->attribute.attr);
        return t ? normalize(p, t, depth + 1) : NULL;
    }
    return NULL;
}

/* A synthetic symbol for a Flask-SQLAlchemy instance imported from a module
 * that is not among the files (`from app import db` with app.py unread);
 * recognised by how it is used (db.Model, db.Column ...). */
static ath_symbol *external_instance(ath_project *p, const char *name)
{
    ath_symbol *sym = ath_strmap_get(&p->externals, name);
    if (sym)
        return sym;
    sym = ath_arena_alloc(p->arena, sizeof(*sym));
    char *q = ath_arena_strdup(p->arena, name);
    if (!sym || !q || ath_strmap_put(&p->externals, p->arena, q, sym))
        return NULL;
    sym->kind = ATH_SYM_VALUE;
    sym->name = q;
    sym->qualname = q;
    return sym;
}

static bool sqlalchemy_export(const char *attr);

static const char *normalize_uncached(ath_project *p, const char *s, int depth);

/* Marks a name whose normal form is being computed (an alias cycle). */
static char normalizing_marker;

static const char *normalize(ath_project *p, const char *s, int depth)
{
    const char *hit = ath_strmap_get(&p->normalized, s);
    if (hit == &normalizing_marker)
        return s;
    if (hit)
        return hit;
    if (ath_strmap_put(&p->normalized, p->arena, s, &normalizing_marker))
        return NULL;
    const char *n = normalize_uncached(p, s, depth);
    if (n && ath_strmap_put(&p->normalized, p->arena, s, (void *)n))
        return NULL;
    return n;
}

static const char *normalize_uncached(ath_project *p, const char *s, int depth)
{
    ath_arena *a = p->arena;
    /* Aliases of aliases (x = y.z; y = x.w) could otherwise grow without end. */
    if (p->budget == 0 || strlen(s) > 512)
        return NULL;
    p->budget--;
    for (int round = 0; round < 32 && depth < 64; round++) {
        bool changed = false;
        for (size_t i = 0; i < sizeof(folds) / sizeof(folds[0]); i++) {
            size_t fl = strlen(folds[i].from), tl = strlen(folds[i].to);
            if (folds[i].from[fl - 1] == '.' && strlen(s) == fl - 1 &&
                strncmp(s, folds[i].from, fl - 1) == 0 && folds[i].to[tl - 1] == '.') {
                /* The module itself: `from sqlalchemy.sql import expression`. */
                s = ath_arena_strndup(a, folds[i].to, tl - 1);
                if (!s)
                    return NULL;
                changed = true;
                continue;
            }
            if (starts_with(s, folds[i].from)) {
                s = ath_arena_printf(a, "%s%s", folds[i].to, s + strlen(folds[i].from));
                if (!s)
                    return NULL;
                changed = true;
            }
        }
        if (starts_with(s, "sqlalchemy_utils.")) {
            const char *last = strrchr(s, '.');
            if (last != s + strlen("sqlalchemy_utils")) {
                s = ath_arena_printf(a, "sqlalchemy_utils%s", last);
                changed = true;
            }
        }
        if (starts_with(s, "sqlalchemy.") && !strchr(s + 11, '.') && is_orm_name(s + 11)) {
            s = ath_arena_printf(a, "sqlalchemy.orm.%s", s + 11);
            changed = true;
        }
        if (!s)
            return NULL;
        if (changed)
            continue;
        if (known_root(s))
            return s;

        /* Split at each dot from the longest prefix: a project symbol or
         * module followed by the rest. */
        size_t n = strlen(s);
        for (size_t cut = n; cut > 0 && !changed; cut--) {
            if (cut != n && s[cut] != '.')
                continue;
            char *head = ath_arena_strndup(a, s, cut);
            if (!head)
                return NULL;
            const char *rest = s + cut; /* "" or ".x.y" */
            ath_symbol *sym = ath_strmap_get(&p->by_qualname, head);
            if (sym) {
                if (sym->kind == ATH_SYM_VALUE && ath_symbol_is_sqlalchemy_instance(sym) && *rest) {
                    const char *attr = rest + 1;
                    size_t an = strcspn(attr, ".");
                    char *first = ath_arena_strndup(a, attr, an);
                    if (!first)
                        return NULL;
                    if (instance_own_attr(first))
                        return s;
                    s = ath_arena_printf(a, "sqlalchemy.%s", attr);
                    changed = true;
                    break;
                }
                if (sym->kind == ATH_SYM_VALUE && sym->node &&
                    (sym->node->kind == ATH_PY_NAME || sym->node->kind == ATH_PY_ATTRIBUTE)) {
                    /* An alias: Model = db.Model, JSONB = postgresql.JSONB. */
                    if (sym->following)
                        return NULL; /* x = x.y: bound to nothing Python could run */
                    sym->following = true;
                    const char *t = canon(sym->scope, sym->node, depth + 1);
                    sym->following = false;
                    if (!t)
                        return s;
                    s = ath_arena_printf(a, "%s%s", t, rest);
                    changed = true;
                    break;
                }
                return s;
            }
            ath_scope *ms = ath_strmap_get(&p->modules, head);
            if (ms && *rest) {
                /* A name the module imported: follow the re-export. */
                const char *attr = rest + 1;
                size_t an = strcspn(attr, ".");
                char *first = ath_arena_strndup(a, attr, an);
                if (!first)
                    return NULL;
                const char *t = ath_strmap_get(&ms->names, first);
                char *own = join(a, ms->module, first);
                if (t && own && strcmp(t, own) != 0) {
                    s = ath_arena_printf(a, "%s%s", t, attr + an);
                    changed = true;
                    break;
                }
                return s;
            }
        }
        if (!changed) {
            /* `from app import db` with app not read: a db instance when used as one. */
            const char *last = strrchr(s, '.');
            if (last && !known_root(s)) {
                char *head = ath_arena_strndup(a, s, (size_t)(last - s));
                if (!head)
                    return NULL;
                if (!strchr(head, '.') || !ath_strmap_get(&p->by_qualname, head)) {
                    if (instance_own_attr(last + 1) &&
                        (strcmp(last + 1, "Model") == 0 || strcmp(last + 1, "Table") == 0 ||
                         strcmp(last + 1, "metadata") == 0)) {
                        if (!external_instance(p, head))
                            return NULL;
                        return s;
                    }
                    if (sqlalchemy_export(last + 1) && ath_strmap_get(&p->externals, head))
                        return normalize(p, ath_arena_printf(a, "sqlalchemy.%s", last + 1),
                                         depth + 1);
                }
            }
            return s;
        }
    }
    return s;
}

static size_t hash_ptr(const void *p)
{
    size_t h = (size_t)(uintptr_t)p;
    h ^= h >> 17;
    h *= (size_t)0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

const char *ath_resolve_name(const ath_scope *scope, const ath_py_node *expr)
{
    /* Nodes belong to one file, so the node alone is the key. */
    ath_project *p = scope->project;
    if (expr->kind != ATH_PY_NAME && expr->kind != ATH_PY_ATTRIBUTE)
        return NULL;
    if (scope == p->config_scope) {
        if (p->nesting++ == 0)
            p->budget = 256;
        const char *v = canon(scope, expr, 0);
        p->nesting--;
        return v;
    }
    ptr_cache *c = &p->canon_cache;
    if (c->cap) {
        size_t j = hash_ptr(expr) & (c->cap - 1);
        while (c->keys[j]) {
            if (c->keys[j] == expr)
                return c->values[j];
            j = (j + 1) & (c->cap - 1);
        }
    }
    if (p->nesting++ == 0)
        p->budget = 256;
    const char *v = canon(scope, expr, 0);
    p->nesting--;
    if ((c->count + 1) * 2 > c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 256;
        const void **keys = ath_arena_alloc(p->arena, ncap * sizeof(*keys));
        const char **values = ath_arena_alloc(p->arena, ncap * sizeof(*values));
        if (!keys || !values)
            return v;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->keys[i])
                continue;
            size_t j = hash_ptr(c->keys[i]) & (ncap - 1);
            while (keys[j])
                j = (j + 1) & (ncap - 1);
            keys[j] = c->keys[i];
            values[j] = c->values[i];
        }
        c->keys = keys;
        c->values = values;
        c->cap = ncap;
    }
    size_t j = hash_ptr(expr) & (c->cap - 1);
    while (c->keys[j])
        j = (j + 1) & (c->cap - 1);
    c->keys[j] = expr;
    c->values[j] = v;
    c->count++;
    return v;
}

ath_symbol *ath_project_lookup(const ath_project *p, const char *name)
{
    if (!name)
        return NULL;
    ath_symbol *sym = ath_strmap_get(&p->by_qualname, name);
    if (sym)
        return sym;
    sym = ath_strmap_get(&p->externals, name);
    if (sym)
        return sym;
    if (known_root(name))
        return NULL;
    const char *last = strrchr(name, '.');
    sym = ath_strmap_get(&p->class_names, last ? last + 1 : name);
    return sym == (void *)&ambiguous_marker ? NULL : sym;
}

ath_symbol *ath_resolve_symbol(const ath_scope *scope, const ath_py_node *expr)
{
    return ath_project_lookup(scope->project, ath_resolve_name(scope, expr));
}

bool ath_symbol_is_sqlalchemy_instance(const ath_symbol *sym)
{
    if (!sym || sym->kind != ATH_SYM_VALUE)
        return false;
    if (!sym->node)
        return true; /* external_instance */
    if (sym->node->kind != ATH_PY_CALL)
        return false;
    const char *f = ath_resolve_name(sym->scope, sym->node->call.func);
    return f && strcmp(f, "flask_sqlalchemy.SQLAlchemy") == 0;
}

/* ---- small AST helpers ---- */

const char *ath_py_str_value(const ath_py_node *e)
{
    if (!e || e->kind != ATH_PY_STR || e->str.is_bytes || !e->str.value ||
        strlen(e->str.value) != e->str.len)
        return NULL;
    return e->str.value;
}

ath_py_node *ath_py_call_kw(const ath_py_node *call, const char *name)
{
    for (size_t i = 0; i < call->call.keywords.count; i++) {
        ath_py_node *k = call->call.keywords.items[i];
        if (k->keyword.name && strcmp(k->keyword.name, name) == 0)
            return k->keyword.value;
    }
    return NULL;
}

int ath_py_bool_value(const ath_py_node *e)
{
    if (!e || e->kind != ATH_PY_CONST)
        return -1;
    if (e->constant.kind == ATH_PY_CONST_TRUE)
        return 1;
    if (e->constant.kind == ATH_PY_CONST_FALSE)
        return 0;
    return -1;
}

static bool int_value(const ath_py_node *e, int *out)
{
    if (!e || e->kind != ATH_PY_NUM || e->num.kind != ATH_PY_NUM_INT || !e->num.fits ||
        e->num.ival < 0 || e->num.ival > 1000000000)
        return false;
    *out = (int)e->num.ival;
    return true;
}

/* ---- classes of the project: enums and type decorators ---- */

static bool class_has_base(const ath_symbol *sym, const char *const *names, size_t n, int depth);

bool ath_symbol_is_pyenum(const ath_symbol *sym)
{
    static const char *const bases[] = {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag",
                                        "enum.IntFlag"};
    return sym && sym->kind == ATH_SYM_CLASS && class_has_base(sym, bases, 5, 0);
}

static bool is_type_decorator(const ath_symbol *sym)
{
    static const char *const bases[] = {"sqlalchemy.TypeDecorator"};
    return sym && sym->kind == ATH_SYM_CLASS && class_has_base(sym, bases, 1, 0);
}

static bool class_has_base(const ath_symbol *sym, const char *const *names, size_t n, int depth)
{
    if (depth > 32)
        return false;
    const ath_py_nodes *bases = &sym->node->class_def.bases;
    for (size_t i = 0; i < bases->count; i++) {
        const char *c = ath_resolve_name(sym->scope, bases->items[i]);
        if (!c)
            continue;
        for (size_t j = 0; j < n; j++)
            if (strcmp(c, names[j]) == 0)
                return true;
        ath_symbol *b = ath_project_lookup(sym->scope->project, c);
        if (b && b != sym && b->kind == ATH_SYM_CLASS && class_has_base(b, names, n, depth + 1))
            return true;
    }
    return false;
}

/* The value assigned to `name` in a class body (last assignment), or NULL. */
static ath_py_node *class_attr(const ath_symbol *cls, const char *name)
{
    ath_py_node *found = NULL;
    const ath_py_nodes *body = &cls->node->class_def.body;
    for (size_t i = 0; i < body->count; i++) {
        ath_py_node *st = body->items[i];
        if (st->kind == ATH_PY_ASSIGN) {
            for (size_t t = 0; t < st->assign.targets.count; t++) {
                ath_py_node *tg = st->assign.targets.items[t];
                if (tg->kind == ATH_PY_NAME && strcmp(tg->name.id, name) == 0)
                    found = st->assign.value;
            }
        } else if (st->kind == ATH_PY_ANN_ASSIGN && st->ann_assign.value &&
                   st->ann_assign.target->kind == ATH_PY_NAME &&
                   strcmp(st->ann_assign.target->name.id, name) == 0) {
            found = st->ann_assign.value;
        }
    }
    return found;
}

static bool class_defines_method(const ath_symbol *cls, const char *name)
{
    const ath_py_nodes *body = &cls->node->class_def.body;
    for (size_t i = 0; i < body->count; i++)
        if (body->items[i]->kind == ATH_PY_FUNC_DEF &&
            strcmp(body->items[i]->func_def.name, name) == 0)
            return true;
    return false;
}

/* The member names of a Python enum class, in order (aliases included, as
 * Enum.__members__ has them). */
static int enum_members(const ath_symbol *cls, const char ***out, size_t *n, ath_arena *a)
{
    const char **items = NULL;
    size_t count = 0, cap = 0;
    const ath_py_nodes *body = &cls->node->class_def.body;
    for (size_t i = 0; i < body->count; i++) {
        ath_py_node *st = body->items[i];
        const char *name = NULL;
        if (st->kind == ATH_PY_ASSIGN && st->assign.targets.count == 1 &&
            st->assign.targets.items[0]->kind == ATH_PY_NAME)
            name = st->assign.targets.items[0]->name.id;
        else if (st->kind == ATH_PY_ANN_ASSIGN && st->ann_assign.value &&
                 st->ann_assign.target->kind == ATH_PY_NAME)
            name = st->ann_assign.target->name.id;
        if (!name || name[0] == '_')
            continue;
        const char **slot = ATH_PUSH(a, items, count, cap);
        if (!slot)
            return ath_error_oom();
        *slot = name;
    }
    *out = items;
    *n = count;
    return 0;
}

/* ---- types ---- */

typedef struct type_ctx {
    const ath_scope *scope;
    const ath_py_node *expr; /* the whole expression, for messages */
    const ath_py_node *call; /* the call giving arguments, or NULL for a bare class */
    int depth;
} type_ctx;

static int diag(const ath_scope *s, const ath_py_node *at, const char *fmt, ...) ATH_PRINTF(3, 4);

static int diag(const ath_scope *s, const ath_py_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ath_diags_vadd(s->project->diags, ATH_DIAG_ERROR, s->path, at ? at->line : 0,
                            at ? at->col : 0, fmt, ap);
    va_end(ap);
    return rc ? rc : ATH_EPARSE;
}

/* An argument: positional `pos` (-1: none) or keyword `kw`; NULL when absent. */
static const ath_py_node *arg(const type_ctx *c, int pos, const char *kw)
{
    if (!c->call)
        return NULL;
    if (kw) {
        const ath_py_node *v = ath_py_call_kw(c->call, kw);
        if (v)
            return v;
    }
    if (pos >= 0 && (size_t)pos < c->call->call.args.count)
        return c->call->call.args.items[pos];
    return NULL;
}

static int int_arg(const type_ctx *c, int pos, const char *kw, int *out)
{
    const ath_py_node *v = arg(c, pos, kw);
    if (!v || (v->kind == ATH_PY_CONST && v->constant.kind == ATH_PY_CONST_NONE))
        return 0;
    if (!int_value(v, out))
        return diag(c->scope, v, "the %s of this type must be a whole number written in the source",
                    kw ? kw : "argument");
    return 0;
}

static int bool_arg(const type_ctx *c, int pos, const char *kw, bool *out)
{
    const ath_py_node *v = arg(c, pos, kw);
    if (!v)
        return 0;
    int b = ath_py_bool_value(v);
    if (b < 0)
        return diag(c->scope, v, "%s= must be True or False", kw);
    *out = b == 1;
    return 0;
}

static const char *dialect_label(ath_dialect d)
{
    return d == ATH_DIALECT_POSTGRESQL ? "postgresql" : "sqlite";
}

static int resolve_type(ath_type *out, const ath_scope *s, const ath_py_node *e, int depth);

/* Enum('a', 'b', name=...), Enum(PyEnum), postgresql.ENUM(...). */
static int enum_type(ath_type *out, const type_ctx *c)
{
    ath_arena *a = c->scope->project->arena;
    ath_type t = ath_type_make(ATH_TYPE_ENUM);
    const char **values = NULL;
    size_t n = 0, cap = 0;
    if (!c->call)
        return diag(c->scope, c->expr,
                    "Enum needs its values: Enum('a', 'b', name='...') or Enum(PythonEnumClass)");
    const ath_py_nodes *args = &c->call->call.args;
    for (size_t i = 0; i < args->count; i++) {
        const ath_py_node *v = args->items[i];
        const char *sv = ath_py_str_value(v);
        if (sv) {
            const char **slot = ATH_PUSH(a, values, n, cap);
            if (!slot)
                return ath_error_oom();
            *slot = sv;
            continue;
        }
        ath_symbol *cls = ath_resolve_symbol(c->scope, v);
        if (i == 0 && args->count == 1 && ath_symbol_is_pyenum(cls)) {
            int rc = enum_members(cls, &values, &n, a);
            if (rc)
                return rc;
            char *lower = ath_arena_strdup(a, cls->name);
            if (!lower)
                return ath_error_oom();
            for (char *p = lower; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
            t.name = lower;
            continue;
        }
        return diag(c->scope, v,
                    "cannot read this Enum value: write the values as string literals "
                    "or pass a Python enum class defined in the scanned files");
    }
    if (ath_py_call_kw(c->call, "values_callable"))
        return diag(c->scope, ath_py_call_kw(c->call, "values_callable"),
                    "Enum(values_callable=...) cannot be evaluated: list the values instead");
    const ath_py_node *name = ath_py_call_kw(c->call, "name");
    if (name) {
        const char *nv = ath_py_str_value(name);
        if (!nv)
            return diag(c->scope, name, "Enum name= must be a string literal");
        t.name = nv;
    }
    bool native = true, constraint = false;
    int rc;
    if ((rc = bool_arg(c, -1, "native_enum", &native)) ||
        (rc = bool_arg(c, -1, "create_constraint", &constraint)))
        return rc;
    if (constraint)
        return diag(c->scope, c->expr,
                    "Enum(create_constraint=True) is not supported yet: "
                    "declare the CHECK constraint in __table_args__ instead");
    if ((rc = int_arg(c, -1, "length", &t.length)))
        return rc;
    if (!native)
        t.name = NULL;
    else if (!t.name && c->scope->project->options->dialect == ATH_DIALECT_POSTGRESQL)
        return diag(c->scope, c->expr,
                    "a PostgreSQL enum needs a name: give Enum(..., name='...')");
    t.values = values;
    t.nvalues = n;
    *out = t;
    return 0;
}

static int array_type(ath_type *out, const type_ctx *c)
{
    ath_arena *a = c->scope->project->arena;
    const ath_py_node *item = arg(c, 0, "item_type");
    if (!item)
        return diag(c->scope, c->expr, "ARRAY needs its item type: ARRAY(Integer)");
    ath_type *it = ath_arena_alloc(a, sizeof(*it));
    if (!it)
        return ath_error_oom();
    int rc = resolve_type(it, c->scope, item, c->depth + 1);
    if (rc)
        return rc;
    ath_type t = ath_type_make(ATH_TYPE_ARRAY);
    t.item = it;
    t.dimensions = 1;
    if ((rc = int_arg(c, -1, "dimensions", &t.dimensions)))
        return rc;
    if (t.dimensions < 1)
        t.dimensions = 1;
    *out = t;
    return 0;
}

static int other_type(ath_type *out, const type_ctx *c, const char *name, const char *lenkw)
{
    ath_type t = ath_type_make(ATH_TYPE_OTHER);
    t.name = name;
    if (lenkw) {
        int len = -1;
        int rc = int_arg(c, 0, lenkw, &len);
        if (rc)
            return rc;
        if (len >= 0 && !(t.args = ath_arena_printf(c->scope->project->arena, "%d", len)))
            return ath_error_oom();
    }
    *out = t;
    return 0;
}

typedef enum {
    T_SIMPLE,  /* kind, no arguments that change DDL */
    T_LENGTH,  /* kind(length) */
    T_FLOAT,   /* precision */
    T_NUMERIC, /* precision, scale */
    T_TZ,      /* timezone */
    T_ENUM,
    T_ARRAY,
    T_OTHER,          /* named, no arguments */
    T_OTHER_LEN,      /* named, with a length */
    T_OTHER_PS,       /* named, precision and scale: DECIMAL(10, 2) */
    T_TIMESTAMP,      /* TIMESTAMP(timezone): its own name on SQLite */
    T_DATETIME_UPPER, /* DATETIME: generic on SQLite, its name elsewhere */
    T_TEXT,           /* Text(length) renders TEXT(n) */
    T_PG_ONLY,        /* a PostgreSQL type: its name, PostgreSQL only */
    T_PG_ONLY_LEN,
    T_PG_TIMESTAMP,
    T_MYSQL_ONLY,
} type_form;

typedef struct type_entry {
    const char *name; /* after "sqlalchemy." or the dialect prefix */
    type_form form;
    ath_type_kind kind;
    const char *sql; /* the OTHER name */
} type_entry;

/* SQLAlchemy's types (sqlalchemy.types), as their DDL comes out. */
static const type_entry generic_types[] = {
    {"Integer", T_SIMPLE, ATH_TYPE_INTEGER, NULL},
    {"INTEGER", T_SIMPLE, ATH_TYPE_INTEGER, NULL},
    {"INT", T_SIMPLE, ATH_TYPE_INTEGER, NULL},
    {"BigInteger", T_SIMPLE, ATH_TYPE_BIGINT, NULL},
    {"BIGINT", T_SIMPLE, ATH_TYPE_BIGINT, NULL},
    {"SmallInteger", T_SIMPLE, ATH_TYPE_SMALLINT, NULL},
    {"SMALLINT", T_SIMPLE, ATH_TYPE_SMALLINT, NULL},
    {"Boolean", T_SIMPLE, ATH_TYPE_BOOLEAN, NULL},
    {"BOOLEAN", T_SIMPLE, ATH_TYPE_BOOLEAN, NULL},
    {"String", T_LENGTH, ATH_TYPE_STRING, NULL},
    {"VARCHAR", T_LENGTH, ATH_TYPE_STRING, NULL},
    {"Unicode", T_LENGTH, ATH_TYPE_UNICODE, NULL},
    {"NVARCHAR", T_OTHER_LEN, ATH_TYPE_OTHER, "NVARCHAR"},
    {"CHAR", T_LENGTH, ATH_TYPE_CHAR, NULL},
    {"NCHAR", T_OTHER_LEN, ATH_TYPE_OTHER, "NCHAR"},
    {"Text", T_TEXT, ATH_TYPE_TEXT, NULL},
    {"TEXT", T_TEXT, ATH_TYPE_TEXT, NULL},
    {"UnicodeText", T_TEXT, ATH_TYPE_UNICODE_TEXT, NULL},
    {"CLOB", T_OTHER_LEN, ATH_TYPE_OTHER, "CLOB"},
    {"Float", T_FLOAT, ATH_TYPE_FLOAT, NULL},
    {"FLOAT", T_FLOAT, ATH_TYPE_FLOAT, NULL},
    {"REAL", T_OTHER, ATH_TYPE_OTHER, "REAL"},
    {"Numeric", T_NUMERIC, ATH_TYPE_NUMERIC, NULL},
    {"NUMERIC", T_NUMERIC, ATH_TYPE_NUMERIC, NULL},
    {"DECIMAL", T_OTHER_PS, ATH_TYPE_OTHER, "DECIMAL"},
    {"DateTime", T_TZ, ATH_TYPE_DATETIME, NULL},
    {"DATETIME", T_DATETIME_UPPER, ATH_TYPE_DATETIME, NULL},
    {"TIMESTAMP", T_TIMESTAMP, ATH_TYPE_DATETIME, NULL},
    {"Date", T_SIMPLE, ATH_TYPE_DATE, NULL},
    {"DATE", T_SIMPLE, ATH_TYPE_DATE, NULL},
    {"Time", T_TZ, ATH_TYPE_TIME, NULL},
    {"TIME", T_TZ, ATH_TYPE_TIME, NULL},
    {"Interval", T_SIMPLE, ATH_TYPE_INTERVAL, NULL},
    {"LargeBinary", T_SIMPLE, ATH_TYPE_LARGEBINARY, NULL},
    {"PickleType", T_SIMPLE, ATH_TYPE_LARGEBINARY, NULL},
    {"BLOB", T_OTHER_LEN, ATH_TYPE_OTHER, "BLOB"},
    {"BINARY", T_OTHER_LEN, ATH_TYPE_OTHER, "BINARY"},
    {"VARBINARY", T_OTHER_LEN, ATH_TYPE_OTHER, "VARBINARY"},
    {"Enum", T_ENUM, ATH_TYPE_ENUM, NULL},
    {"JSON", T_SIMPLE, ATH_TYPE_JSON, NULL},
    {"ARRAY", T_ARRAY, ATH_TYPE_ARRAY, NULL},
    {"Uuid", T_SIMPLE, ATH_TYPE_UUID, NULL},
};

/* sqlalchemy.dialects.postgresql's own types; its re-exports of the
 * generic upper-case types fall through to the table above. */
static const type_entry pg_types[] = {
    {"JSON", T_SIMPLE, ATH_TYPE_JSON, NULL},
    {"JSONB", T_PG_ONLY, ATH_TYPE_OTHER, "JSONB"},
    {"UUID", T_PG_ONLY, ATH_TYPE_OTHER, "UUID"},
    {"INET", T_PG_ONLY, ATH_TYPE_OTHER, "INET"},
    {"CIDR", T_PG_ONLY, ATH_TYPE_OTHER, "CIDR"},
    {"MACADDR", T_PG_ONLY, ATH_TYPE_OTHER, "MACADDR"},
    {"MACADDR8", T_PG_ONLY, ATH_TYPE_OTHER, "MACADDR8"},
    {"MONEY", T_PG_ONLY, ATH_TYPE_OTHER, "MONEY"},
    {"OID", T_PG_ONLY, ATH_TYPE_OTHER, "OID"},
    {"REGCLASS", T_PG_ONLY, ATH_TYPE_OTHER, "REGCLASS"},
    {"TSVECTOR", T_PG_ONLY, ATH_TYPE_OTHER, "TSVECTOR"},
    {"TSQUERY", T_PG_ONLY, ATH_TYPE_OTHER, "TSQUERY"},
    {"HSTORE", T_PG_ONLY, ATH_TYPE_OTHER, "HSTORE"},
    {"BYTEA", T_PG_ONLY, ATH_TYPE_OTHER, "BYTEA"},
    {"DOUBLE_PRECISION", T_PG_ONLY, ATH_TYPE_OTHER, "DOUBLE PRECISION"},
    {"INT4RANGE", T_PG_ONLY, ATH_TYPE_OTHER, "INT4RANGE"},
    {"INT8RANGE", T_PG_ONLY, ATH_TYPE_OTHER, "INT8RANGE"},
    {"NUMRANGE", T_PG_ONLY, ATH_TYPE_OTHER, "NUMRANGE"},
    {"DATERANGE", T_PG_ONLY, ATH_TYPE_OTHER, "DATERANGE"},
    {"TSRANGE", T_PG_ONLY, ATH_TYPE_OTHER, "TSRANGE"},
    {"TSTZRANGE", T_PG_ONLY, ATH_TYPE_OTHER, "TSTZRANGE"},
    {"CITEXT", T_PG_ONLY, ATH_TYPE_OTHER, "CITEXT"},
    {"BIT", T_PG_ONLY_LEN, ATH_TYPE_OTHER, "BIT"},
    {"INTERVAL", T_PG_ONLY, ATH_TYPE_INTERVAL, NULL},
    {"TIMESTAMP", T_PG_TIMESTAMP, ATH_TYPE_DATETIME, NULL},
    {"ENUM", T_ENUM, ATH_TYPE_ENUM, NULL},
    {"ARRAY", T_ARRAY, ATH_TYPE_ARRAY, NULL},
};

/* MySQL's own types: SQLAlchemy compiles them for MySQL only. */
static const char *const mysql_only[] = {
    "TINYINT",  "MEDIUMINT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "TINYBLOB", "MEDIUMBLOB",
    "LONGBLOB", "DOUBLE",    "YEAR",     "SET",        "BIT",      "ENUM",     "JSON",
};

static const type_entry *find_entry(const type_entry *tab, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tab[i].name, name) == 0)
            return &tab[i];
    return NULL;
}

static int builtin_type(ath_type *out, const type_ctx *c, const type_entry *e, const char *shown)
{
    ath_dialect d = c->scope->project->options->dialect;
    ath_arena *a = c->scope->project->arena;
    ath_type t = ath_type_make(e->kind);
    int rc = 0;
    switch (e->form) {
    case T_SIMPLE:
        break;
    case T_LENGTH:
        rc = int_arg(c, 0, "length", &t.length);
        if (!rc && arg(c, 1, "collation"))
            return diag(c->scope, arg(c, 1, "collation"),
                        "%s(collation=...) is not supported: map the type in the configuration",
                        shown);
        break;
    case T_TEXT: {
        int len = -1;
        rc = int_arg(c, 0, "length", &len);
        if (!rc && len >= 0) {
            t = ath_type_make(ATH_TYPE_OTHER);
            t.name = "TEXT";
            if (!(t.args = ath_arena_printf(a, "%d", len)))
                return ath_error_oom();
        }
        break;
    }
    case T_FLOAT:
        rc = int_arg(c, 0, "precision", &t.precision);
        break;
    case T_NUMERIC:
        if (!(rc = int_arg(c, 0, "precision", &t.precision)))
            rc = int_arg(c, 1, "scale", &t.scale);
        break;
    case T_TZ:
        rc = bool_arg(c, 0, "timezone", &t.timezone);
        break;
    case T_ENUM:
        return enum_type(out, c);
    case T_ARRAY:
        if (d != ATH_DIALECT_POSTGRESQL)
            return diag(c->scope, c->expr,
                        "%s exists only on PostgreSQL: SQLAlchemy cannot create it on %s", shown,
                        dialect_label(d));
        return array_type(out, c);
    case T_OTHER:
        return other_type(out, c, e->sql, NULL);
    case T_OTHER_LEN:
        return other_type(out, c, e->sql, "length");
    case T_OTHER_PS: {
        int p = -1, s = -1;
        if ((rc = int_arg(c, 0, "precision", &p)) || (rc = int_arg(c, 1, "scale", &s)))
            return rc;
        t = ath_type_make(ATH_TYPE_OTHER);
        t.name = e->sql;
        if (p >= 0 && s >= 0)
            t.args = ath_arena_printf(a, "%d, %d", p, s);
        else if (p >= 0)
            t.args = ath_arena_printf(a, "%d", p);
        if (p >= 0 && !t.args)
            return ath_error_oom();
        break;
    }
    case T_TIMESTAMP:
        rc = bool_arg(c, 0, "timezone", &t.timezone);
        if (!rc && d == ATH_DIALECT_SQLITE) {
            t = ath_type_make(ATH_TYPE_OTHER);
            t.name = "TIMESTAMP";
        }
        break;
    case T_DATETIME_UPPER:
        if (d != ATH_DIALECT_SQLITE) {
            t = ath_type_make(ATH_TYPE_OTHER);
            t.name = "DATETIME";
        }
        break;
    case T_PG_ONLY:
    case T_PG_ONLY_LEN:
    case T_PG_TIMESTAMP:
        if (d != ATH_DIALECT_POSTGRESQL && e->form != T_PG_TIMESTAMP)
            return diag(c->scope, c->expr,
                        "%s exists only on PostgreSQL: SQLAlchemy cannot create it on %s", shown,
                        dialect_label(d));
        if (e->form == T_PG_ONLY_LEN)
            return other_type(out, c, e->sql, "length");
        if (e->form == T_PG_TIMESTAMP) {
            int prec = -1;
            if ((rc = bool_arg(c, 0, "timezone", &t.timezone)) ||
                (rc = int_arg(c, 1, "precision", &prec)))
                return rc;
            if (d == ATH_DIALECT_SQLITE) {
                t = ath_type_make(ATH_TYPE_OTHER);
                t.name = "TIMESTAMP";
            } else if (prec >= 0) {
                bool tz = t.timezone;
                t = ath_type_make(ATH_TYPE_OTHER);
                t.name = ath_arena_printf(a, "TIMESTAMP(%d) %s TIME ZONE", prec,
                                          tz ? "WITH" : "WITHOUT");
                if (!t.name)
                    return ath_error_oom();
            }
            break;
        }
        if (e->kind == ATH_TYPE_OTHER)
            t.name = e->sql;
        break;
    case T_MYSQL_ONLY:
        break;
    }
    if (rc)
        return rc;
    *out = t;
    return 0;
}

typedef enum {
    U_UUID,     /* UUIDType(binary=True, native=True) */
    U_STRING,   /* a fixed VARCHAR(n), n from a keyword (default given) */
    U_TEXT,     /* UnicodeText */
    U_JSON,     /* JSON on PostgreSQL, TEXT elsewhere */
    U_DATETIME, /* DateTime */
    U_CHOICE,   /* ChoiceType(choices, impl=Unicode(255)) */
    U_PASSWORD, /* VARBINARY(max_length), BYTEA on PostgreSQL */
    U_PG,       /* a PostgreSQL type by name */
    U_INTEGER,
    U_NUMERIC, /* Numeric(p, s) */
} third_form;

typedef struct third_entry {
    const char *name; /* canonical */
    third_form form;
    const char *kw; /* the length keyword */
    int length;     /* its default */
    const char *sql;
} third_entry;

/* Common third-party types and the column type they create (their impl, or
 * what their load_dialect_impl picks for the dialect). */
static const third_entry third_party[] = {
    {"sqlalchemy_utils.UUIDType", U_UUID, NULL, 0, NULL},
    {"sqlalchemy_utils.EmailType", U_STRING, "length", 255, NULL},
    {"sqlalchemy_utils.URLType", U_TEXT, NULL, 0, NULL},
    {"sqlalchemy_utils.JSONType", U_JSON, NULL, 0, NULL},
    {"sqlalchemy_utils.ArrowType", U_DATETIME, NULL, 0, NULL},
    {"sqlalchemy_utils.ChoiceType", U_CHOICE, NULL, 255, NULL},
    {"sqlalchemy_utils.PasswordType", U_PASSWORD, "max_length", -1, NULL},
    {"sqlalchemy_utils.LocaleType", U_STRING, NULL, 10, NULL},
    {"sqlalchemy_utils.TimezoneType", U_STRING, NULL, 50, NULL},
    {"sqlalchemy_utils.CountryType", U_STRING, NULL, 2, NULL},
    {"sqlalchemy_utils.CurrencyType", U_STRING, NULL, 3, NULL},
    {"sqlalchemy_utils.IPAddressType", U_STRING, "max_length", 50, NULL},
    {"sqlalchemy_utils.ColorType", U_STRING, "max_length", 20, NULL},
    {"sqlalchemy_utils.PhoneNumberType", U_STRING, "max_length", 20, NULL},
    {"sqlalchemy_utils.ScalarListType", U_TEXT, NULL, 0, NULL},
    {"sqlalchemy_utils.TSVectorType", U_PG, NULL, 0, "TSVECTOR"},
    {"sqlalchemy_utils.LtreeType", U_PG, NULL, 0, "LTREE"},
    {"sqlalchemy_utils.DateRangeType", U_PG, NULL, 0, "DATERANGE"},
    {"sqlalchemy_utils.DateTimeRangeType", U_PG, NULL, 0, "TSRANGE"},
    {"sqlalchemy_utils.IntRangeType", U_PG, NULL, 0, "INT4RANGE"},
    {"sqlalchemy_utils.NumericRangeType", U_PG, NULL, 0, "NUMRANGE"},
    {"sqlalchemy_utils.PercentType", U_NUMERIC, NULL, 0, NULL},
    {"sqlalchemy_utils.WeekDaysType", U_STRING, NULL, 7, NULL},
    {"citext.CIText", U_PG, NULL, 0, "CITEXT"},
    {"sqlalchemy_citext.CIText", U_PG, NULL, 0, "CITEXT"},
};

static int third_party_type(ath_type *out, const type_ctx *c, const third_entry *e,
                            const char *shown)
{
    ath_dialect d = c->scope->project->options->dialect;
    bool pg = d == ATH_DIALECT_POSTGRESQL;
    ath_arena *a = c->scope->project->arena;
    ath_type t = ath_type_make(ATH_TYPE_OTHER);
    int rc = 0;
    switch (e->form) {
    case U_UUID: {
        bool binary = true, native = true;
        if ((rc = bool_arg(c, 0, "binary", &binary)) || (rc = bool_arg(c, 1, "native", &native)))
            return rc;
        if (pg && native) {
            t.name = "UUID";
        } else if (binary) {
            t.name = "BINARY";
            t.args = "16";
        } else {
            t = ath_type_make(ATH_TYPE_CHAR);
            t.length = 32;
        }
        break;
    }
    case U_STRING:
        t = ath_type_make(ATH_TYPE_UNICODE);
        t.length = e->length;
        if (e->kw)
            rc = int_arg(c, -1, e->kw, &t.length);
        if (!rc && e->kw && strcmp(e->kw, "length") == 0)
            rc = int_arg(c, 0, "length", &t.length);
        break;
    case U_TEXT:
        t = ath_type_make(ATH_TYPE_UNICODE_TEXT);
        break;
    case U_JSON:
        t = ath_type_make(pg ? ATH_TYPE_JSON : ATH_TYPE_UNICODE_TEXT);
        break;
    case U_DATETIME:
        t = ath_type_make(ATH_TYPE_DATETIME);
        rc = bool_arg(c, -1, "timezone", &t.timezone);
        break;
    case U_CHOICE: {
        const ath_py_node *impl = arg(c, 1, "impl");
        if (impl)
            return resolve_type(out, c->scope, impl, c->depth + 1);
        t = ath_type_make(ATH_TYPE_UNICODE);
        t.length = 255;
        break;
    }
    case U_PASSWORD: {
        int len = -1;
        if ((rc = int_arg(c, -1, "max_length", &len)))
            return rc;
        if (pg) {
            t.name = "BYTEA";
        } else if (len < 0) {
            return diag(c->scope, c->expr,
                        "%s sizes its column from its hashing schemes, which athanor cannot "
                        "evaluate: give max_length=..., or map the type in the configuration",
                        shown);
        } else {
            t.name = "VARBINARY";
            if (!(t.args = ath_arena_printf(a, "%d", len)))
                return ath_error_oom();
        }
        break;
    }
    case U_PG:
        if (!pg)
            return diag(c->scope, c->expr,
                        "%s exists only on PostgreSQL: SQLAlchemy cannot create it on %s", shown,
                        dialect_label(d));
        t.name = e->sql;
        break;
    case U_INTEGER:
        t = ath_type_make(ATH_TYPE_INTEGER);
        break;
    case U_NUMERIC:
        t = ath_type_make(ATH_TYPE_NUMERIC);
        break;
    }
    if (rc)
        return rc;
    *out = t;
    return 0;
}

/* The scope configured type expressions are read in: SQLAlchemy's names
 * bare (Numeric) or as sa./db./sqlalchemy./postgresql. */
static ath_scope *config_scope(ath_project *p)
{
    if (p->config_scope)
        return p->config_scope;
    ath_scope *s = ath_arena_alloc(p->arena, sizeof(*s));
    if (!s)
        return NULL;
    s->project = p;
    s->path = p->options->types_origin ? p->options->types_origin : "configuration";
    s->module = "";
    if (bind(s, "sa", "sqlalchemy") || bind(s, "sqlalchemy", "sqlalchemy") ||
        bind(s, "db", "sqlalchemy") || bind(s, "postgresql", "sqlalchemy.dialects.postgresql") ||
        bind(s, "mysql", "sqlalchemy.dialects.mysql"))
        return NULL;
    s->stars = ath_arena_alloc(p->arena, sizeof(*s->stars));
    if (!s->stars)
        return NULL;
    s->stars[0] = "sqlalchemy";
    s->nstars = 1;
    p->config_scope = s;
    return s;
}

/* A configured mapping for `canonical` (dotted, or by its last part). */
static const ath_type_mapping *configured(const ath_project *p, const char *canonical)
{
    const char *last = strrchr(canonical, '.');
    last = last ? last + 1 : canonical;
    for (size_t i = 0; i < p->options->ntypes; i++) {
        const char *n = p->options->types[i].name;
        if (strcmp(n, canonical) == 0)
            return &p->options->types[i];
    }
    for (size_t i = 0; i < p->options->ntypes; i++) {
        const char *n = p->options->types[i].name;
        const char *nl = strrchr(n, '.');
        if (strcmp(nl ? nl + 1 : n, last) == 0)
            return &p->options->types[i];
    }
    return NULL;
}

static int configured_type(ath_type *out, const type_ctx *c, const ath_type_mapping *m)
{
    ath_project *p = c->scope->project;
    ath_scope *s = config_scope(p);
    if (!s)
        return ath_error_oom();
    ath_py_node *tree = NULL;
    const char *origin = s->path;
    int rc = ath_py_parse(&tree, p->arena, origin, m->type_expr, strlen(m->type_expr), p->diags);
    if (rc == ATH_ENOMEM)
        return rc;
    if (rc || tree->module.body.count != 1 || tree->module.body.items[0]->kind != ATH_PY_EXPR_STMT)
        return diag(s, NULL, "the type mapping '%s = %s' is not a type expression", m->name,
                    m->type_expr);
    return resolve_type(out, s, tree->module.body.items[0]->value.value, c->depth + 1);
}

/* A TypeDecorator subclass defined in the scanned files: its impl, built
 * with the arguments the decorator was called with. */
static int decorator_type(ath_type *out, const type_ctx *c, const ath_symbol *cls)
{
    if (class_defines_method(cls, "load_dialect_impl"))
        return diag(c->scope, c->expr,
                    "the TypeDecorator %s picks its type per database in load_dialect_impl(), "
                    "which athanor cannot run: map it in alembic.ini under [athanor] types, "
                    "e.g. %s = CHAR(32)",
                    cls->name, cls->name);
    if (class_defines_method(cls, "__init__"))
        return diag(c->scope, c->expr,
                    "the TypeDecorator %s defines __init__, which athanor cannot run: map it in "
                    "alembic.ini under [athanor] types, e.g. %s = String(50)",
                    cls->name, cls->name);
    /* impl may be inherited from another decorator of the project. */
    const ath_symbol *holder = cls;
    ath_py_node *impl = NULL;
    for (int i = 0; i < 16 && holder && !(impl = class_attr(holder, "impl")); i++) {
        const ath_symbol *next = NULL;
        for (size_t b = 0; b < holder->node->class_def.bases.count && !next; b++) {
            ath_symbol *bs =
                ath_resolve_symbol(holder->scope, holder->node->class_def.bases.items[b]);
            if (is_type_decorator(bs))
                next = bs;
        }
        holder = next;
    }
    if (!impl)
        return diag(c->scope, c->expr,
                    "the TypeDecorator %s has no impl = ... athanor can read: "
                    "map it in alembic.ini under [athanor] types",
                    cls->name);
    if (impl->kind == ATH_PY_CALL || !c->call)
        return resolve_type(out, holder->scope, impl, c->depth + 1);
    /* impl is a class: TypeDecorator(*args, **kw) builds impl(*args, **kw). */
    ath_py_node fake = *c->call;
    fake.call.func = impl;
    return resolve_type(out, holder->scope, &fake, c->depth + 1);
}

static int resolve_type(ath_type *out, const ath_scope *s, const ath_py_node *e, int depth)
{
    if (depth > 24)
        return diag(s, e, "this type refers to itself through too many type decorators");
    type_ctx c = {s, e, NULL, depth};
    const ath_py_node *callee = e;
    if (e->kind == ATH_PY_CALL) {
        c.call = e;
        callee = e->call.func;
    }
    if (callee->kind == ATH_PY_STR)
        return diag(s, e, "a type given as a string cannot be resolved: write the type itself");
    const char *name = ath_resolve_name(s, callee);
    const char *shown = name;
    if (!name) {
        if (callee->kind == ATH_PY_NAME)
            return diag(s, e,
                        "cannot resolve the type '%s': it is neither imported nor defined in "
                        "the scanned files; map it in alembic.ini under [athanor] types, "
                        "e.g. %s = String(50)",
                        callee->name.id, callee->name.id);
        return diag(s, e,
                    "cannot read this column type: write a type such as String(50), or map "
                    "it in alembic.ini under [athanor] types");
    }
    ath_project *p = s->project;
    const ath_type_mapping *m = configured(p, name);
    if (m)
        return configured_type(out, &c, m);

    if (starts_with(name, "sqlalchemy.dialects.")) {
        const char *rest = name + strlen("sqlalchemy.dialects.");
        if (starts_with(rest, "postgresql.")) {
            const char *tn = rest + strlen("postgresql.");
            const type_entry *te = find_entry(pg_types, sizeof(pg_types) / sizeof(pg_types[0]), tn);
            if (te)
                return builtin_type(out, &c, te, tn);
            te = find_entry(generic_types, sizeof(generic_types) / sizeof(generic_types[0]), tn);
            if (te && tn[0] >= 'A' && tn[0] <= 'Z' &&
                strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", tn[1] ? tn[1] : 'A'))
                return builtin_type(out, &c, te, tn);
        } else if (starts_with(rest, "mysql.") || starts_with(rest, "sqlite.")) {
            const char *tn = strchr(rest, '.') + 1;
            bool mysql = starts_with(rest, "mysql.");
            for (size_t i = 0; mysql && i < sizeof(mysql_only) / sizeof(mysql_only[0]); i++)
                if (strcmp(mysql_only[i], tn) == 0)
                    return diag(s, e,
                                "mysql.%s exists only on MySQL: SQLAlchemy cannot create it on "
                                "%s; use a generic type or map it in alembic.ini under "
                                "[athanor] types",
                                tn, dialect_label(p->options->dialect));
            const type_entry *te =
                find_entry(generic_types, sizeof(generic_types) / sizeof(generic_types[0]), tn);
            if (te)
                return builtin_type(out, &c, te, tn);
        }
    } else if (starts_with(name, "sqlalchemy.") && !strchr(name + 11, '.')) {
        const type_entry *te =
            find_entry(generic_types, sizeof(generic_types) / sizeof(generic_types[0]), name + 11);
        if (te)
            return builtin_type(out, &c, te, name + 11);
    }
    for (size_t i = 0; i < sizeof(third_party) / sizeof(third_party[0]); i++)
        if (strcmp(third_party[i].name, name) == 0)
            return third_party_type(out, &c, &third_party[i], strrchr(name, '.') + 1);

    ath_symbol *sym = ath_project_lookup(p, name);
    if (sym && sym->kind == ATH_SYM_CLASS) {
        if (is_type_decorator(sym))
            return decorator_type(out, &c, sym);
        if (ath_symbol_is_pyenum(sym))
            return diag(s, e, "%s is a Python enum, not a column type: write Enum(%s)", sym->name,
                        sym->name);
    }
    if (sym && sym->kind == ATH_SYM_VALUE && sym->node && !c.call && sym->node->kind == ATH_PY_CALL)
        return resolve_type(out, sym->scope, sym->node, depth + 1); /* StrType = String(50) */
    const char *last = strrchr(shown, '.');
    last = last ? last + 1 : shown;
    return diag(s, e,
                "cannot resolve the type '%s': map it in alembic.ini under [athanor] types, "
                "e.g. %s = String(50)",
                last, last);
}

int ath_resolve_type(ath_type *out, const ath_scope *scope, const ath_py_node *expr)
{
    return resolve_type(out, scope, expr, 0);
}

/* SQLAlchemy names that give away a Flask-SQLAlchemy instance of an unread
 * module when used as its attributes. */
static bool sqlalchemy_export(const char *attr)
{
    static const char *const extra[] = {"Column",
                                        "ForeignKey",
                                        "Index",
                                        "UniqueConstraint",
                                        "CheckConstraint",
                                        "ForeignKeyConstraint",
                                        "PrimaryKeyConstraint",
                                        "text",
                                        "func",
                                        "false",
                                        "true",
                                        "Identity",
                                        "Sequence",
                                        "FetchedValue"};
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
        if (strcmp(extra[i], attr) == 0)
            return true;
    return is_orm_name(attr) ||
           find_entry(generic_types, sizeof(generic_types) / sizeof(generic_types[0]), attr);
}

/* ---- annotations (SQLAlchemy 2.0) ---- */

typedef struct py_type_entry {
    const char *name;
    ath_type_kind kind;
} py_type_entry;

/* SQLAlchemy 2.0's default type map (sqltypes._type_map). */
static const py_type_entry annotation_types[] = {
    {"builtins.int", ATH_TYPE_INTEGER},
    {"builtins.float", ATH_TYPE_FLOAT},
    {"builtins.bool", ATH_TYPE_BOOLEAN},
    {"builtins.str", ATH_TYPE_STRING},
    {"builtins.bytes", ATH_TYPE_LARGEBINARY},
    {"decimal.Decimal", ATH_TYPE_NUMERIC},
    {"datetime.datetime", ATH_TYPE_DATETIME},
    {"datetime.date", ATH_TYPE_DATE},
    {"datetime.time", ATH_TYPE_TIME},
    {"datetime.timedelta", ATH_TYPE_INTERVAL},
    {"uuid.UUID", ATH_TYPE_UUID},
};

static bool is_none(const ath_py_node *e)
{
    return e->kind == ATH_PY_CONST && e->constant.kind == ATH_PY_CONST_NONE;
}

/* Looks `t` up in a type_annotation_map dict. */
static const ath_py_node *map_lookup(const ath_scope *s, const char *canonical,
                                     const ath_py_node *map, const ath_scope *map_scope)
{
    (void)s;
    if (!map || map->kind != ATH_PY_DICT)
        return NULL;
    for (size_t i = 0; i < map->dict.keys.count; i++) {
        const ath_py_node *k = map->dict.keys.items[i];
        if (!k)
            continue;
        const char *kc = ath_resolve_name(map_scope, k);
        if (kc && strcmp(kc, canonical) == 0)
            return map->dict.values.items[i];
    }
    return NULL;
}

int ath_resolve_annotation(ath_type *out, bool *optional, const ath_scope *s,
                           const ath_py_node *ann, const ath_py_node *map,
                           const ath_scope *map_scope)
{
    *optional = false;
    /* Unwrap Optional[T], Union[T, None], T | None, Annotated[T, ...]. */
    for (int guard = 0; guard < 16; guard++) {
        if (ann->kind == ATH_PY_BINOP && ann->binop.op == ATH_PY_OP_VBAR) {
            if (is_none(ann->binop.right)) {
                *optional = true;
                ann = ann->binop.left;
                continue;
            }
            if (is_none(ann->binop.left)) {
                *optional = true;
                ann = ann->binop.right;
                continue;
            }
            return diag(s, ann,
                        "a union of several types cannot be a column type: use a single "
                        "type, or give mapped_column() an explicit type");
        }
        if (ann->kind == ATH_PY_SUBSCRIPT) {
            const char *g = ath_resolve_name(s, ann->subscript.value);
            const ath_py_node *ix = ann->subscript.index;
            if (g && strcmp(g, "typing.Optional") == 0) {
                *optional = true;
                ann = ix;
                continue;
            }
            if (g && strcmp(g, "typing.Union") == 0 && ix->kind == ATH_PY_TUPLE) {
                const ath_py_node *only = NULL;
                size_t n = 0;
                for (size_t i = 0; i < ix->seq.elts.count; i++) {
                    if (is_none(ix->seq.elts.items[i]))
                        *optional = true;
                    else {
                        only = ix->seq.elts.items[i];
                        n++;
                    }
                }
                if (n != 1)
                    return diag(s, ann,
                                "a union of several types cannot be a column type: use a "
                                "single type, or give mapped_column() an explicit type");
                ann = only;
                continue;
            }
            if (g && strcmp(g, "typing.Annotated") == 0 && ix->kind == ATH_PY_TUPLE &&
                ix->seq.elts.count > 0) {
                ann = ix->seq.elts.items[0];
                continue;
            }
        }
        break;
    }
    if (ann->kind == ATH_PY_STR)
        return diag(s, ann,
                    "a quoted annotation cannot be resolved to a column type: write the "
                    "type unquoted or give mapped_column() an explicit type");
    const char *name = ath_resolve_name(s, ann);
    if (!name)
        return diag(s, ann,
                    "cannot infer a column type from this annotation: give mapped_column() "
                    "an explicit type");
    const ath_py_node *mapped = map_lookup(s, name, map, map_scope);
    if (mapped)
        return ath_resolve_type(out, map_scope, mapped);
    for (size_t i = 0; i < sizeof(annotation_types) / sizeof(annotation_types[0]); i++) {
        if (strcmp(annotation_types[i].name, name) == 0) {
            *out = ath_type_make(annotation_types[i].kind);
            return 0;
        }
    }
    ath_symbol *sym = ath_project_lookup(s->project, name);
    if (ath_symbol_is_pyenum(sym)) {
        ath_type t = ath_type_make(ATH_TYPE_ENUM);
        int rc = enum_members(sym, &t.values, &t.nvalues, s->project->arena);
        if (rc)
            return rc;
        char *lower = ath_arena_strdup(s->project->arena, sym->name);
        if (!lower)
            return ath_error_oom();
        for (char *q = lower; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q - 'A' + 'a');
        t.name = lower;
        *out = t;
        return 0;
    }
    const char *last = strrchr(name, '.');
    last = last ? last + 1 : name;
    return diag(s, ann,
                "SQLAlchemy 2.0 has no default column type for Mapped[%s]: give "
                "mapped_column() a type, or add %s to the base's type_annotation_map",
                last, last);
}

/* ---- server defaults ---- */

static const char cannot_evaluate[] =
    "cannot evaluate this server_default: write a string, text('...'), func.name(...), "
    "sa.true() or sa.false()";

static const char *call_name(const ath_scope *scope, const ath_py_node *e)
{
    return e && e->kind == ATH_PY_CALL ? ath_resolve_name(scope, e->call.func) : NULL;
}

static bool is_text_call(const ath_scope *scope, const ath_py_node *e)
{
    const char *f = call_name(scope, e);
    return f && (strcmp(f, "sqlalchemy.text") == 0 || strcmp(f, "sqlalchemy.literal_column") == 0) &&
           e->call.args.count == 1 && ath_py_str_value(e->call.args.items[0]);
}

/* A SQL function call as SQLAlchemy compiles it with literal binds. */
static int render_func(ath_buf *b, const ath_scope *scope, const ath_py_node *e,
                       ath_dialect dialect, int depth, const ath_py_node **bad, const char **why)
{
    const char *f = call_name(scope, e);
    *bad = e;
    if (depth > 32) {
        *why = "server_default nests too deeply";
        return ATH_EPARSE;
    }
    if (!f || strncmp(f, "sqlalchemy.func.", 16) != 0 || strchr(f + 16, '.')) {
        *why = cannot_evaluate;
        return ATH_EPARSE;
    }
    const char *fn = f + 16;
    static const char *const ansi[] = {"current_date", "current_time", "current_timestamp",
                                       "current_user", "localtime",    "localtimestamp",
                                       "session_user", "user"};
    for (size_t i = 0; i < sizeof(ansi) / sizeof(ansi[0]); i++) {
        if (strcmp(ansi[i], fn) == 0 && e->call.args.count == 0) {
            for (const char *p = fn; *p; p++)
                ath_buf_putc(b, (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p));
            return 0;
        }
    }
    if (strcmp(fn, "now") == 0 && e->call.args.count == 0 && dialect == ATH_DIALECT_SQLITE) {
        ath_buf_puts(b, "CURRENT_TIMESTAMP");
        return 0;
    }
    if (e->call.keywords.count) {
        *why = "cannot evaluate keyword arguments of a func call in a server_default";
        return ATH_EPARSE;
    }
    ath_buf_puts(b, fn);
    ath_buf_putc(b, '(');
    for (size_t i = 0; i < e->call.args.count; i++) {
        const ath_py_node *a = e->call.args.items[i];
        if (i)
            ath_buf_puts(b, ", ");
        const char *sv = ath_py_str_value(a);
        if (sv) {
            ath_quote_literal(b, dialect, sv);
        } else if (a->kind == ATH_PY_NUM && a->num.kind != ATH_PY_NUM_IMAGINARY) {
            ath_buf_puts(b, a->num.text);
        } else if (is_text_call(scope, a)) {
            ath_buf_puts(b, ath_py_str_value(a->call.args.items[0]));
        } else if (a->kind == ATH_PY_CALL) {
            int rc = render_func(b, scope, a, dialect, depth + 1, bad, why);
            if (rc)
                return rc;
        } else {
            *bad = a;
            *why = "cannot evaluate this argument of a func call in a server_default";
            return ATH_EPARSE;
        }
    }
    ath_buf_putc(b, ')');
    return 0;
}

int ath_resolve_server_default(const char **out, ath_arena *arena, const ath_scope *scope,
                               const ath_py_node *e, ath_dialect dialect,
                               const ath_py_node **bad, const char **why)
{
    *out = NULL;
    *bad = NULL;
    *why = NULL;
    bool sqlite = dialect == ATH_DIALECT_SQLITE;
    ath_buf b = ATH_BUF_INIT;
    int rc = 0;
    const char *sv = ath_py_str_value(e);
    const char *f = call_name(scope, e);
    if (sv) {
        ath_quote_literal(&b, dialect, sv);
    } else if (f && strcmp(f, "sqlalchemy.text") == 0 && is_text_call(scope, e)) {
        ath_buf_puts(&b, ath_py_str_value(e->call.args.items[0]));
    } else if (f && (strcmp(f, "sqlalchemy.false") == 0 || strcmp(f, "sqlalchemy.true") == 0)) {
        bool t = strcmp(f, "sqlalchemy.true") == 0;
        ath_buf_puts(&b, sqlite ? (t ? "(1)" : "(0)") : (t ? "true" : "false"));
    } else if (f && strcmp(f, "sqlalchemy.FetchedValue") == 0) {
        return 0;
    } else if (f && strncmp(f, "sqlalchemy.func.", 16) == 0) {
        if (sqlite)
            ath_buf_putc(&b, '(');
        rc = render_func(&b, scope, e, dialect, 0, bad, why);
        if (sqlite)
            ath_buf_putc(&b, ')');
    } else {
        *bad = e;
        *why = cannot_evaluate;
        rc = ATH_EPARSE;
    }
    if (!rc)
        rc = ath_buf_check(&b);
    if (!rc && !(*out = ath_arena_strdup(arena, ath_buf_cstr(&b))))
        rc = ath_error_oom();
    ath_buf_free(&b);
    return rc;
}
