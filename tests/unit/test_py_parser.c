/*
 * The Python parser: the seed tutorials' model files, SQLAlchemy 2.0
 * declarative models and Alembic scripts node by node; every file under
 * tests/golden/py/ against its printed tree; literal values; precedence;
 * and syntax errors with their exact message and line:col.
 */
#include "testsupport.h"

#include "py/parser.h"
#include "py/repr.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parsed {
    ath_arena *arena;
    ath_diags diags;
    ath_py_node *module;
    int rc;
} parsed;

static parsed parse_n(const char *src, size_t len)
{
    parsed r;
    r.arena = ath_arena_new();
    assert_non_null(r.arena);
    ath_diags_init(&r.diags, r.arena);
    r.rc = ath_py_parse(&r.module, r.arena, "m.py", src, len, &r.diags);
    return r;
}

/* Parses `src` and fails the test with the diagnostic if it does not parse. */
static parsed parse_ok(const char *src)
{
    parsed r = parse_n(src, strlen(src));
    if (r.rc != 0)
        fail_msg("parse failed: %d:%d: %s", r.diags.count ? r.diags.items[0].line : 0,
                 r.diags.count ? r.diags.items[0].col : 0,
                 r.diags.count ? r.diags.items[0].message : ath_error_last());
    assert_int_equal(r.module->kind, ATH_PY_MODULE);
    return r;
}

static void done(parsed *r)
{
    ath_arena_free(r->arena);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ath_buf b = ATH_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ath_buf_put(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return ath_buf_detach(&b);
}

static char *golden_path(const char *name)
{
    const char *root = getenv("ATHANOR_SOURCE_DIR");
    ath_buf b = ATH_BUF_INIT;
    ath_buf_printf(&b, "%s/tests/golden/py/%s", root ? root : ".", name);
    return ath_buf_detach(&b);
}

static char *read_golden(const char *name, size_t *len)
{
    char *path = golden_path(name);
    char *text = read_file(path, len);
    if (!text)
        fail_msg("cannot read %s (is ATHANOR_SOURCE_DIR set?)", path);
    free(path);
    return text;
}

static parsed parse_golden(const char *name)
{
    size_t len;
    char *src = read_golden(name, &len);
    parsed r = parse_n(src, len);
    free(src);
    if (r.rc != 0)
        fail_msg("%s: %d:%d: %s", name, r.diags.items[0].line, r.diags.items[0].col,
                 r.diags.items[0].message);
    return r;
}

/* ---- helpers to walk the tree ---- */

static const ath_py_node *stmt(const ath_py_node *parent, size_t i)
{
    const ath_py_nodes *body = NULL;
    switch (parent->kind) {
    case ATH_PY_MODULE: body = &parent->module.body; break;
    case ATH_PY_CLASS_DEF: body = &parent->class_def.body; break;
    case ATH_PY_FUNC_DEF: body = &parent->func_def.body; break;
    case ATH_PY_WITH: body = &parent->with.body; break;
    case ATH_PY_IF: body = &parent->if_.body; break;
    default: fail_msg("no body in %s", ath_py_kind_name(parent->kind));
    }
    if (i >= body->count)
        fail_msg("statement %zu of %zu", i, body->count);
    return body->items[i];
}

static void assert_at(const ath_py_node *n, ath_py_kind kind, int line, int col)
{
    if (n->kind != kind || n->line != line || n->col != col)
        fail_msg("expected %s at %d:%d, got %s at %d:%d", ath_py_kind_name(kind), line, col,
                 ath_py_kind_name(n->kind), n->line, n->col);
    assert_string_equal(n->path, "m.py");
}

static void assert_name(const ath_py_node *n, const char *id)
{
    assert_int_equal(n->kind, ATH_PY_NAME);
    assert_string_equal(n->name.id, id);
}

/* `value.attr` where value is the name `base`. */
static void assert_dotted(const ath_py_node *n, const char *base, const char *attr)
{
    assert_int_equal(n->kind, ATH_PY_ATTRIBUTE);
    assert_name(n->attribute.value, base);
    assert_string_equal(n->attribute.attr, attr);
}

static void assert_str(const ath_py_node *n, const char *value)
{
    assert_int_equal(n->kind, ATH_PY_STR);
    assert_false(n->str.is_bytes);
    assert_int_equal(n->str.len, strlen(value));
    assert_string_equal(n->str.value, value);
}

static void assert_const(const ath_py_node *n, ath_py_const_kind k)
{
    assert_int_equal(n->kind, ATH_PY_CONST);
    assert_int_equal(n->constant.kind, k);
}

static void assert_int_value(const ath_py_node *n, int64_t v)
{
    assert_int_equal(n->kind, ATH_PY_NUM);
    assert_int_equal(n->num.kind, ATH_PY_NUM_INT);
    assert_true(n->num.fits);
    assert_int_equal(n->num.ival, v);
}

static const ath_py_node *keyword(const ath_py_node *call, size_t i, const char *name)
{
    assert_int_equal(call->kind, ATH_PY_CALL);
    assert_true(i < call->call.keywords.count);
    const ath_py_node *k = call->call.keywords.items[i];
    assert_int_equal(k->kind, ATH_PY_KEYWORD);
    if (name)
        assert_string_equal(k->keyword.name, name);
    else
        assert_null(k->keyword.name);
    return k->keyword.value;
}

static const ath_py_node *arg(const ath_py_node *call, size_t i)
{
    assert_int_equal(call->kind, ATH_PY_CALL);
    assert_true(i < call->call.args.count);
    return call->call.args.items[i];
}

/* ---- the seed tutorials ---- */

static void tutorial_model_class_with_columns(void **state)
{
    (void)state;
    parsed r = parse_golden("flask_tutorial.py");
    /* class User(db.Model): */
    const ath_py_node *user = stmt(r.module, 7);
    assert_int_equal(user->kind, ATH_PY_CLASS_DEF);
    assert_int_equal(user->line, 15);
    assert_int_equal(user->col, 1);
    assert_string_equal(user->class_def.name, "User");
    assert_int_equal(user->class_def.bases.count, 1);
    assert_dotted(user->class_def.bases.items[0], "db", "Model");
    assert_int_equal(user->class_def.keywords.count, 0);
    assert_int_equal(user->class_def.body.count, 6);

    /* id = db.Column(db.Integer, primary_key=True) */
    const ath_py_node *id = stmt(user, 0);
    assert_at(id, ATH_PY_ASSIGN, 16, 5);
    assert_int_equal(id->assign.targets.count, 1);
    assert_name(id->assign.targets.items[0], "id");
    const ath_py_node *col = id->assign.value;
    assert_at(col, ATH_PY_CALL, 16, 10);
    assert_dotted(col->call.func, "db", "Column");
    assert_int_equal(col->call.args.count, 1);
    assert_dotted(arg(col, 0), "db", "Integer");
    assert_at(arg(col, 0), ATH_PY_ATTRIBUTE, 16, 20);
    assert_const(keyword(col, 0, "primary_key"), ATH_PY_CONST_TRUE);
    assert_at(col->call.keywords.items[0], ATH_PY_KEYWORD, 16, 32);

    /* username = db.Column(db.String(80), unique=True, nullable=False) */
    col = stmt(user, 1)->assign.value;
    const ath_py_node *type = arg(col, 0);
    assert_at(type, ATH_PY_CALL, 17, 26);
    assert_dotted(type->call.func, "db", "String");
    assert_int_value(arg(type, 0), 80);
    assert_at(arg(type, 0), ATH_PY_NUM, 17, 36);
    assert_const(keyword(col, 0, "unique"), ATH_PY_CONST_TRUE);
    assert_const(keyword(col, 1, "nullable"), ATH_PY_CONST_FALSE);

    /* posts = db.relationship('Post', backref='user', lazy=True) */
    const ath_py_node *rel = stmt(user, 3)->assign.value;
    assert_dotted(rel->call.func, "db", "relationship");
    assert_str(arg(rel, 0), "Post");
    assert_str(keyword(rel, 0, "backref"), "user");
    assert_const(keyword(rel, 1, "lazy"), ATH_PY_CONST_TRUE);

    /* groups = db.relationship('Group', secondary=association_table, backref='users') */
    rel = stmt(user, 4)->assign.value;
    assert_name(keyword(rel, 0, "secondary"), "association_table");
    assert_str(keyword(rel, 1, "backref"), "users");

    /* def __repr__(self): return '<User %r>' % self.username */
    const ath_py_node *repr = stmt(user, 5);
    assert_at(repr, ATH_PY_FUNC_DEF, 22, 5);
    assert_string_equal(repr->func_def.name, "__repr__");
    assert_int_equal(repr->func_def.params.count, 1);
    assert_at(repr->func_def.params.items[0], ATH_PY_PARAM, 22, 18);
    assert_string_equal(repr->func_def.params.items[0]->param.name, "self");
    const ath_py_node *ret = stmt(repr, 0);
    assert_at(ret, ATH_PY_RETURN, 23, 9);
    assert_int_equal(ret->value.value->kind, ATH_PY_BINOP);
    assert_int_equal(ret->value.value->binop.op, ATH_PY_OP_PERCENT);
    assert_str(ret->value.value->binop.left, "<User %r>");

    /* user_id = db.Column(db.Integer, db.ForeignKey('user.id'), nullable=False) */
    const ath_py_node *post = stmt(r.module, 8);
    assert_string_equal(post->class_def.name, "Post");
    col = stmt(post, 3)->assign.value;
    const ath_py_node *fk = arg(col, 1);
    assert_dotted(fk->call.func, "db", "ForeignKey");
    assert_str(arg(fk, 0), "user.id");
    assert_at(arg(fk, 0), ATH_PY_STR, 30, 51);

    /* def __repr__(self): return f"<Run {self.distance} miles>" */
    const ath_py_node *run = stmt(r.module, 10);
    const ath_py_node *fstr = stmt(stmt(run, 5), 0)->value.value;
    assert_at(fstr, ATH_PY_FSTRING, 46, 16);
    assert_null(fstr->str.value);
    assert_string_equal(fstr->str.raw, "f\"<Run {self.distance} miles>\"");
    done(&r);
}

static void tutorial_association_table_and_app_setup(void **state)
{
    (void)state;
    parsed r = parse_golden("flask_tutorial.py");
    /* from flask import Flask */
    const ath_py_node *imp = stmt(r.module, 0);
    assert_at(imp, ATH_PY_IMPORT_FROM, 1, 1);
    assert_string_equal(imp->import_from.module, "flask");
    assert_int_equal(imp->import_from.level, 0);
    assert_int_equal(imp->import_from.names.count, 1);
    assert_at(imp->import_from.names.items[0], ATH_PY_ALIAS, 1, 19);
    assert_string_equal(imp->import_from.names.items[0]->alias.name, "Flask");
    assert_null(imp->import_from.names.items[0]->alias.asname);

    /* app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///example.db' */
    const ath_py_node *cfg = stmt(r.module, 3);
    const ath_py_node *target = cfg->assign.targets.items[0];
    assert_at(target, ATH_PY_SUBSCRIPT, 5, 1);
    assert_dotted(target->subscript.value, "app", "config");
    assert_str(target->subscript.index, "SQLALCHEMY_DATABASE_URI");
    assert_str(cfg->assign.value, "sqlite:///example.db");

    /* association_table = db.Table('association', db.Column(...), db.Column(...)) */
    const ath_py_node *table = stmt(r.module, 6)->assign.value;
    assert_at(table, ATH_PY_CALL, 9, 21);
    assert_dotted(table->call.func, "db", "Table");
    assert_int_equal(table->call.args.count, 3);
    assert_str(arg(table, 0), "association");
    const ath_py_node *c2 = arg(table, 2);
    assert_at(c2, ATH_PY_CALL, 11, 5);
    assert_str(arg(c2, 0), "group_id");
    assert_dotted(arg(c2, 1), "db", "Integer");
    assert_str(arg(arg(c2, 2), 0), "group.id");

    /* with app.app_context(): db.create_all() */
    const ath_py_node *with = stmt(r.module, 11);
    assert_at(with, ATH_PY_WITH, 49, 1);
    assert_int_equal(with->with.items.count, 1);
    assert_null(with->with.items.items[0]->with_item.target);
    assert_int_equal(stmt(with, 0)->kind, ATH_PY_EXPR_STMT);

    /* if __name__ == "__main__": */
    const ath_py_node *main_if = stmt(r.module, 12);
    assert_at(main_if, ATH_PY_IF, 52, 1);
    assert_int_equal(main_if->if_.test->kind, ATH_PY_COMPARE);
    assert_int_equal(main_if->if_.test->compare.ops[0], ATH_PY_OP_EQEQUAL);
    assert_int_equal(main_if->if_.body.count, 2);
    assert_int_equal(main_if->if_.orelse.count, 0);
    done(&r);
}

/* ---- SQLAlchemy 2.0 ---- */

static void declarative_mapped_annotations(void **state)
{
    (void)state;
    parsed r = parse_golden("sqla2_declarative.py");
    const ath_py_node *doc = ath_py_docstring(r.module);
    assert_non_null(doc);
    assert_str(doc, "Models in the SQLAlchemy 2.0 declarative style.");

    /* from sqlalchemy.orm import ( DeclarativeBase, ..., validates, ) */
    const ath_py_node *orm = stmt(r.module, 5);
    assert_string_equal(orm->import_from.module, "sqlalchemy.orm");
    assert_int_equal(orm->import_from.names.count, 6);
    assert_string_equal(orm->import_from.names.items[5]->alias.name, "validates");

    const ath_py_node *user = stmt(r.module, 8);
    assert_string_equal(user->class_def.name, "User");
    assert_int_equal(user->class_def.bases.count, 2);
    assert_name(user->class_def.bases.items[0], "TimestampMixin");

    /* __table_args__ = ( UniqueConstraint(...), Index(...), {"schema": None, ...}, ) */
    const ath_py_node *args = stmt(user, 1)->assign.value;
    assert_at(args, ATH_PY_TUPLE, 38, 22);
    assert_true(args->parens);
    assert_int_equal(args->seq.elts.count, 3);
    const ath_py_node *uc = args->seq.elts.items[0];
    assert_name(uc->call.func, "UniqueConstraint");
    assert_str(keyword(uc, 0, "name"), "uq_user_name");
    const ath_py_node *dict = args->seq.elts.items[2];
    assert_at(dict, ATH_PY_DICT, 41, 9);
    assert_int_equal(dict->dict.keys.count, 2);
    assert_str(dict->dict.keys.items[0], "schema");
    assert_const(dict->dict.values.items[0], ATH_PY_CONST_NONE);
    assert_str(dict->dict.values.items[1], "people who log in");

    /* id: Mapped[int] = mapped_column(primary_key=True) */
    const ath_py_node *id = stmt(user, 2);
    assert_at(id, ATH_PY_ANN_ASSIGN, 44, 5);
    assert_true(id->ann_assign.simple);
    assert_name(id->ann_assign.target, "id");
    const ath_py_node *ann = id->ann_assign.annotation;
    assert_at(ann, ATH_PY_SUBSCRIPT, 44, 9);
    assert_name(ann->subscript.value, "Mapped");
    assert_name(ann->subscript.index, "int");
    assert_name(id->ann_assign.value->call.func, "mapped_column");
    assert_const(keyword(id->ann_assign.value, 0, "primary_key"), ATH_PY_CONST_TRUE);

    /* fullname: Mapped[Optional[str]]  (no value) */
    const ath_py_node *fullname = stmt(user, 4);
    assert_int_equal(fullname->kind, ATH_PY_ANN_ASSIGN);
    assert_null(fullname->ann_assign.value);
    const ath_py_node *opt = fullname->ann_assign.annotation->subscript.index;
    assert_name(opt->subscript.value, "Optional");
    assert_name(opt->subscript.index, "str");

    /* nickname: Mapped[str | None] = mapped_column(String(64), default=None) */
    const ath_py_node *union_ = stmt(user, 5)->ann_assign.annotation->subscript.index;
    assert_at(union_, ATH_PY_BINOP, 47, 22);
    assert_int_equal(union_->binop.op, ATH_PY_OP_VBAR);
    assert_name(union_->binop.left, "str");
    assert_const(union_->binop.right, ATH_PY_CONST_NONE);

    /* karma: ... default=-1.5e3 */
    const ath_py_node *neg = keyword(stmt(user, 6)->ann_assign.value, 0, "default");
    assert_int_equal(neg->kind, ATH_PY_UNARY);
    assert_int_equal(neg->unary.op, ATH_PY_OP_MINUS);
    assert_int_equal(neg->unary.operand->num.kind, ATH_PY_NUM_FLOAT);
    assert_true(neg->unary.operand->num.fval == 1500.0);

    /* settings: Mapped[Dict[str, Any]] */
    const ath_py_node *dict_t = stmt(user, 8)->ann_assign.annotation->subscript.index;
    assert_name(dict_t->subscript.value, "Dict");
    assert_int_equal(dict_t->subscript.index->kind, ATH_PY_TUPLE);
    assert_false(dict_t->subscript.index->parens);
    assert_name(dict_t->subscript.index->seq.elts.items[1], "Any");

    /* addresses: Mapped[List["Address"]] = relationship(back_populates=..., cascade=...) */
    const ath_py_node *addresses = stmt(user, 9);
    assert_str(addresses->ann_assign.annotation->subscript.index->subscript.index, "Address");
    assert_str(keyword(addresses->ann_assign.value, 1, "cascade"), "all, delete-orphan");
    done(&r);
}

static void declared_attr_functions_keep_their_return(void **state)
{
    (void)state;
    parsed r = parse_golden("sqla2_declarative.py");
    const ath_py_node *mixin = stmt(r.module, 7);
    assert_string_equal(mixin->class_def.name, "TimestampMixin");
    assert_int_equal(mixin->class_def.bases.count, 0);

    /* @declared_attr.directive def __tablename__(cls) -> str: return cls.__name__.lower() */
    const ath_py_node *tn = stmt(mixin, 1);
    assert_at(tn, ATH_PY_FUNC_DEF, 28, 5);
    assert_string_equal(tn->func_def.name, "__tablename__");
    assert_int_equal(tn->func_def.decorators.count, 1);
    const ath_py_node *dec = tn->func_def.decorators.items[0];
    assert_at(dec, ATH_PY_ATTRIBUTE, 27, 6);
    assert_dotted(dec, "declared_attr", "directive");
    assert_name(tn->func_def.returns, "str");
    const ath_py_node *ret = stmt(tn, 0);
    assert_at(ret, ATH_PY_RETURN, 29, 9);
    const ath_py_node *lower = ret->value.value;
    assert_int_equal(lower->kind, ATH_PY_CALL);
    assert_string_equal(lower->call.func->attribute.attr, "lower");
    assert_dotted(lower->call.func->attribute.value, "cls", "__name__");

    /* @declared_attr def updated_by_id(cls) -> Mapped[int | None]: return mapped_column(...) */
    const ath_py_node *by = stmt(mixin, 2);
    assert_name(by->func_def.decorators.items[0], "declared_attr");
    assert_int_equal(by->func_def.returns->subscript.index->binop.op, ATH_PY_OP_VBAR);
    const ath_py_node *mc = stmt(by, 0)->value.value;
    assert_name(mc->call.func, "mapped_column");
    assert_str(arg(arg(mc, 0), 0), "user_account.id");

    /* @validates("name", "fullname") with an if/raise body */
    const ath_py_node *user = stmt(r.module, 8);
    const ath_py_node *val = stmt(user, 10);
    assert_at(val, ATH_PY_FUNC_DEF, 56, 5);
    const ath_py_node *vdec = val->func_def.decorators.items[0];
    assert_at(vdec, ATH_PY_CALL, 55, 6);
    assert_name(vdec->call.func, "validates");
    assert_str(arg(vdec, 1), "fullname");
    assert_int_equal(val->func_def.params.count, 3);
    assert_name(val->func_def.params.items[1]->param.annotation, "str");
    const ath_py_node *check = stmt(val, 0);
    assert_int_equal(check->kind, ATH_PY_IF);
    assert_int_equal(check->if_.test->kind, ATH_PY_BOOLOP);
    assert_int_equal(stmt(check, 0)->kind, ATH_PY_RAISE);
    done(&r);
}

/* ---- Alembic ---- */

static void alembic_script_as_flask_migrate_writes_it(void **state)
{
    (void)state;
    parsed r = parse_golden("alembic_migration.py");
    const ath_py_node *doc = ath_py_docstring(r.module);
    assert_non_null(doc);
    assert_at(doc, ATH_PY_STR, 1, 1);
    assert_non_null(strstr(doc->str.value, "Revision ID: 3f2a9c1d7b44\nRevises: 1c0e1bd2a9e3\n"));

    /* import sqlalchemy as sa */
    const ath_py_node *imp = stmt(r.module, 2);
    assert_at(imp, ATH_PY_IMPORT, 9, 1);
    assert_string_equal(imp->import_.names.items[0]->alias.name, "sqlalchemy");
    assert_string_equal(imp->import_.names.items[0]->alias.asname, "sa");
    assert_string_equal(stmt(r.module, 3)->import_from.module, "sqlalchemy.dialects");

    /* revision = '3f2a9c1d7b44', down_revision = '...', branch_labels = None */
    const ath_py_node *rev = stmt(r.module, 4);
    assert_at(rev, ATH_PY_ASSIGN, 13, 1);
    assert_name(rev->assign.targets.items[0], "revision");
    assert_str(rev->assign.value, "3f2a9c1d7b44");
    assert_str(stmt(r.module, 5)->assign.value, "1c0e1bd2a9e3");
    assert_const(stmt(r.module, 6)->assign.value, ATH_PY_CONST_NONE);

    /* def upgrade(): */
    const ath_py_node *up = stmt(r.module, 8);
    assert_at(up, ATH_PY_FUNC_DEF, 19, 1);
    assert_string_equal(up->func_def.name, "upgrade");
    assert_int_equal(up->func_def.params.count, 0);
    assert_int_equal(up->func_def.body.count, 3);

    /* op.create_table('post', sa.Column(...), ..., sa.PrimaryKeyConstraint('id')) */
    const ath_py_node *ct = stmt(up, 0)->value.value;
    assert_at(ct, ATH_PY_CALL, 21, 5);
    assert_dotted(ct->call.func, "op", "create_table");
    assert_int_equal(ct->call.args.count, 8);
    assert_str(arg(ct, 0), "post");
    const ath_py_node *c = arg(ct, 1);
    assert_at(c, ATH_PY_CALL, 22, 5);
    assert_dotted(c->call.func, "sa", "Column");
    assert_str(arg(c, 0), "id");
    assert_dotted(arg(c, 1)->call.func, "sa", "Integer");
    assert_int_equal(arg(c, 1)->call.args.count, 0);
    assert_const(keyword(c, 0, "nullable"), ATH_PY_CONST_FALSE);
    assert_int_value(keyword(arg(arg(ct, 2), 1), 0, "length"), 80);
    const ath_py_node *meta = arg(ct, 5);
    assert_dotted(arg(meta, 1)->call.func, "postgresql", "JSONB");
    assert_str(arg(keyword(meta, 0, "server_default"), 0), "'{}'::jsonb");
    const ath_py_node *fkc = arg(ct, 6);
    assert_int_equal(arg(fkc, 0)->kind, ATH_PY_LIST);
    assert_str(arg(fkc, 1)->seq.elts.items[0], "user.id");
    assert_str(keyword(fkc, 0, "ondelete"), "CASCADE");
    const ath_py_node *pk = arg(ct, 7);
    assert_at(pk, ATH_PY_CALL, 28, 5);
    assert_dotted(pk->call.func, "sa", "PrimaryKeyConstraint");
    assert_str(arg(pk, 0), "id");

    /* with op.batch_alter_table('user', schema=None) as batch_op: */
    const ath_py_node *with = stmt(up, 1);
    assert_at(with, ATH_PY_WITH, 30, 5);
    assert_false(with->with.is_async);
    assert_int_equal(with->with.items.count, 1);
    const ath_py_node *item = with->with.items.items[0];
    assert_at(item, ATH_PY_WITH_ITEM, 30, 10);
    const ath_py_node *bat = item->with_item.context;
    assert_dotted(bat->call.func, "op", "batch_alter_table");
    assert_str(arg(bat, 0), "user");
    assert_const(keyword(bat, 0, "schema"), ATH_PY_CONST_NONE);
    assert_name(item->with_item.target, "batch_op");
    assert_at(item->with_item.target, ATH_PY_NAME, 30, 55);
    assert_int_equal(with->with.body.count, 3);
    const ath_py_node *add = stmt(with, 0)->value.value;
    assert_at(add, ATH_PY_CALL, 31, 9);
    assert_dotted(add->call.func, "batch_op", "add_column");
    const ath_py_node *idx = stmt(with, 1)->value.value;
    assert_dotted(arg(idx, 0)->call.func, "batch_op", "f");
    assert_str(arg(arg(idx, 0), 0), "ix_user_email");
    assert_const(keyword(idx, 0, "unique"), ATH_PY_CONST_TRUE);
    const ath_py_node *alter = stmt(with, 2)->value.value;
    assert_int_equal(alter->call.keywords.count, 3);
    assert_dotted(keyword(alter, 1, "type_")->call.func, "sa", "String");

    /* op.execute("UPDATE \"user\" SET ...") */
    const ath_py_node *exec = stmt(up, 2)->value.value;
    assert_str(arg(exec, 0), "UPDATE \"user\" SET email = username || '@example.com'");

    /* def downgrade(): ... op.drop_table('post') */
    const ath_py_node *down = stmt(r.module, 9);
    assert_string_equal(down->func_def.name, "downgrade");
    assert_dotted(stmt(down, 1)->value.value->call.func, "op", "drop_table");
    done(&r);
}

static void alembic_merge_script_with_annotated_identifiers(void **state)
{
    (void)state;
    parsed r = parse_golden("alembic_merge.py");
    /* revision: str = 'ae1027a6acf' */
    const ath_py_node *rev = stmt(r.module, 4);
    assert_at(rev, ATH_PY_ANN_ASSIGN, 15, 1);
    assert_name(rev->ann_assign.target, "revision");
    assert_name(rev->ann_assign.annotation, "str");
    assert_str(rev->ann_assign.value, "ae1027a6acf");

    /* down_revision: Union[str, None] = ('27c6a30d7c24', '5a9b3e7d0c11') */
    const ath_py_node *down = stmt(r.module, 5);
    assert_name(down->ann_assign.annotation->subscript.value, "Union");
    const ath_py_node *tuple = down->ann_assign.value;
    assert_at(tuple, ATH_PY_TUPLE, 16, 35);
    assert_int_equal(tuple->seq.elts.count, 2);
    assert_str(tuple->seq.elts.items[1], "5a9b3e7d0c11");

    /* branch_labels = ('reporting',): a one-element tuple */
    const ath_py_node *labels = stmt(r.module, 6)->ann_assign.value;
    assert_int_equal(labels->kind, ATH_PY_TUPLE);
    assert_int_equal(labels->seq.elts.count, 1);
    assert_const(stmt(r.module, 7)->ann_assign.value, ATH_PY_CONST_NONE);

    /* def upgrade() -> None: if/else, sa.table, op.bulk_insert with a list of dicts */
    const ath_py_node *up = stmt(r.module, 8);
    assert_const(up->func_def.returns, ATH_PY_CONST_NONE);
    const ath_py_node *cond = stmt(up, 1);
    assert_int_equal(cond->kind, ATH_PY_IF);
    assert_int_equal(cond->if_.orelse.count, 1);
    assert_int_equal(cond->if_.orelse.items[0]->kind, ATH_PY_PASS);
    const ath_py_node *bulk = stmt(up, 3)->value.value;
    const ath_py_node *rows = arg(bulk, 1);
    assert_int_equal(rows->kind, ATH_PY_LIST);
    assert_int_equal(rows->seq.elts.count, 2);
    assert_int_value(rows->seq.elts.items[1]->dict.values.items[0], 2);
    done(&r);
}

/* ---- every file under tests/golden/py ---- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void golden_trees_match(void **state)
{
    (void)state;
    char *dir_path = golden_path("");
    DIR *dir = opendir(dir_path);
    if (!dir)
        fail_msg("cannot open %s", dir_path);
    char *names[256];
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && count < 256) {
        size_t n = strlen(e->d_name);
        if (n > 3 && strcmp(e->d_name + n - 3, ".py") == 0)
            names[count++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof(names[0]), compare_names);
    assert_true(count >= 5);
    bool update = getenv("ATHANOR_UPDATE_GOLDEN") != NULL;
    for (size_t i = 0; i < count; i++) {
        parsed r = parse_golden(names[i]);
        ath_buf out = ATH_BUF_INIT;
        ath_py_print(&out, r.module);
        assert_int_equal(ath_buf_check(&out), 0);
        char expected_name[300];
        snprintf(expected_name, sizeof(expected_name), "%.*s.ast",
                 (int)(strlen(names[i]) - 3), names[i]);
        if (update) {
            char *path = golden_path(expected_name);
            FILE *f = fopen(path, "wb");
            assert_non_null(f);
            fwrite(out.ptr, 1, out.len, f);
            fclose(f);
            free(path);
        } else {
            size_t len;
            char *expected = read_golden(expected_name, &len);
            if (strcmp(expected, ath_buf_cstr(&out)) != 0) {
                /* Name the first line that differs. */
                const char *a = expected, *b = ath_buf_cstr(&out);
                int line = 1;
                while (*a && *a == *b) {
                    line += *a == '\n';
                    a++, b++;
                }
                fail_msg("%s differs from its printed tree at line %d", expected_name, line);
            }
            free(expected);
        }
        ath_buf_free(&out);
        done(&r);
        free(names[i]);
    }
    free(dir_path);
}

/* ---- positions ---- */

static void check_positions(const ath_py_node *n);

static void check_list(const ath_py_nodes *l)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i])
            check_positions(l->items[i]);
}

static void check_opt(const ath_py_node *n)
{
    if (n)
        check_positions(n);
}

/* Every node has the file and a position; walks the whole tree. */
static void check_positions(const ath_py_node *n)
{
    if (!n->path || n->line < 1 || n->col < 1)
        fail_msg("%s without a position", ath_py_kind_name(n->kind));
    switch (n->kind) {
    case ATH_PY_MODULE: check_list(&n->module.body); break;
    case ATH_PY_IMPORT: check_list(&n->import_.names); break;
    case ATH_PY_IMPORT_FROM: check_list(&n->import_from.names); break;
    case ATH_PY_ASSIGN: check_list(&n->assign.targets); check_opt(n->assign.value); break;
    case ATH_PY_ANN_ASSIGN:
        check_opt(n->ann_assign.target);
        check_opt(n->ann_assign.annotation);
        check_opt(n->ann_assign.value);
        break;
    case ATH_PY_AUG_ASSIGN:
        check_opt(n->aug_assign.target);
        check_opt(n->aug_assign.value);
        break;
    case ATH_PY_EXPR_STMT:
    case ATH_PY_RETURN:
    case ATH_PY_STARRED:
    case ATH_PY_AWAIT: check_opt(n->value.value); break;
    case ATH_PY_CLASS_DEF:
        check_list(&n->class_def.bases);
        check_list(&n->class_def.keywords);
        check_list(&n->class_def.decorators);
        check_list(&n->class_def.body);
        break;
    case ATH_PY_FUNC_DEF:
        check_list(&n->func_def.params);
        check_opt(n->func_def.returns);
        check_list(&n->func_def.decorators);
        check_list(&n->func_def.body);
        break;
    case ATH_PY_PARAM:
        check_opt(n->param.annotation);
        check_opt(n->param.default_value);
        break;
    case ATH_PY_WITH: check_list(&n->with.items); check_list(&n->with.body); break;
    case ATH_PY_WITH_ITEM:
        check_opt(n->with_item.context);
        check_opt(n->with_item.target);
        break;
    case ATH_PY_IF:
        check_opt(n->if_.test);
        check_list(&n->if_.body);
        check_list(&n->if_.orelse);
        break;
    case ATH_PY_FOR:
        check_opt(n->for_.target);
        check_opt(n->for_.iter);
        check_list(&n->for_.body);
        check_list(&n->for_.orelse);
        break;
    case ATH_PY_WHILE:
        check_opt(n->while_.test);
        check_list(&n->while_.body);
        check_list(&n->while_.orelse);
        break;
    case ATH_PY_TRY:
        check_list(&n->try_.body);
        check_list(&n->try_.handlers);
        check_list(&n->try_.orelse);
        check_list(&n->try_.finalbody);
        break;
    case ATH_PY_EXCEPT: check_opt(n->except.type); check_list(&n->except.body); break;
    case ATH_PY_RAISE: check_opt(n->raise.exc); check_opt(n->raise.cause); break;
    case ATH_PY_ASSERT: check_opt(n->assert_.test); check_opt(n->assert_.msg); break;
    case ATH_PY_DEL: check_list(&n->del.targets); break;
    case ATH_PY_KEYWORD: check_opt(n->keyword.value); break;
    case ATH_PY_COMP_FOR:
        check_opt(n->comp_for.target);
        check_opt(n->comp_for.iter);
        check_list(&n->comp_for.ifs);
        break;
    case ATH_PY_ATTRIBUTE: check_opt(n->attribute.value); break;
    case ATH_PY_CALL:
        check_opt(n->call.func);
        check_list(&n->call.args);
        check_list(&n->call.keywords);
        break;
    case ATH_PY_SUBSCRIPT:
        check_opt(n->subscript.value);
        check_opt(n->subscript.index);
        break;
    case ATH_PY_SLICE:
        check_opt(n->slice.lower);
        check_opt(n->slice.upper);
        check_opt(n->slice.step);
        break;
    case ATH_PY_TUPLE:
    case ATH_PY_LIST:
    case ATH_PY_SET: check_list(&n->seq.elts); break;
    case ATH_PY_DICT: check_list(&n->dict.keys); check_list(&n->dict.values); break;
    case ATH_PY_UNARY: check_opt(n->unary.operand); break;
    case ATH_PY_BINOP: check_opt(n->binop.left); check_opt(n->binop.right); break;
    case ATH_PY_BOOLOP: check_list(&n->boolop.values); break;
    case ATH_PY_COMPARE:
        check_opt(n->compare.left);
        check_list(&n->compare.comparators);
        break;
    case ATH_PY_IFEXP:
        check_opt(n->ifexp.test);
        check_opt(n->ifexp.body);
        check_opt(n->ifexp.orelse);
        break;
    case ATH_PY_LAMBDA: check_list(&n->lambda.params); check_opt(n->lambda.body); break;
    case ATH_PY_COMP:
        check_opt(n->comp.elt);
        check_opt(n->comp.value);
        check_list(&n->comp.generators);
        break;
    case ATH_PY_NAMED: check_opt(n->named.target); check_opt(n->named.value); break;
    case ATH_PY_YIELD: check_opt(n->yield.value); break;
    default: break;
    }
}

static void every_node_has_a_position(void **state)
{
    (void)state;
    parsed r = parse_golden("syntax_tour.py");
    check_positions(r.module);
    done(&r);
}

/* ---- literals ---- */

static const ath_py_node *value_of(parsed *r, size_t i)
{
    const ath_py_node *s = stmt(r->module, i);
    return s->kind == ATH_PY_ASSIGN ? s->assign.value : s->value.value;
}

static void strings_are_decoded_and_joined(void **state)
{
    (void)state;
    parsed r = parse_ok("'a' \"b\" '''c''' r'\\n' 'x\\ty\\n'\n"
                        "'\\x41\\101\\u00e9\\U0001F600 \\q \\\\ \\' \\\" \\a\\b\\f\\v\\r'\n"
                        "b'\\x00\\xff\\u1234' rb'\\x00'\n"
                        "('one '\n 'two')\n"
                        "'''l1\r\nl2''' 'cont\\\ninued'\n"
                        "'\\N{BULLET} \\0'\n"
                        "u'old' + ''\n");
    assert_str(value_of(&r, 0), "abc\\nx\ty\n");
    assert_str(value_of(&r, 1), "AA\xC3\xA9\xF0\x9F\x98\x80 \\q \\ ' \" \a\b\f\v\r");
    const ath_py_node *b = value_of(&r, 2);
    assert_int_equal(b->kind, ATH_PY_STR);
    assert_true(b->str.is_bytes);
    assert_int_equal(b->str.len, 12);
    assert_memory_equal(b->str.value, "\x00\xff\\u1234\\x00", 12);
    assert_str(value_of(&r, 3), "one two");
    assert_string_equal(value_of(&r, 3)->str.raw, "'one '\n 'two'");
    assert_str(value_of(&r, 4), "l1\nl2continued");
    const ath_py_node *named = value_of(&r, 5);
    assert_true(named->str.named_escape);
    assert_int_equal(named->str.len, 12);
    assert_memory_equal(named->str.value, "\\N{BULLET} \0", 12);
    assert_str(value_of(&r, 6)->binop.left, "old");
    assert_str(value_of(&r, 6)->binop.right, "");
    done(&r);
}

static void fstrings_keep_their_text(void **state)
{
    (void)state;
    parsed r = parse_ok("f'{x!r:>{width}}' 'tail'\nrf\"{d['k']}\\n\"\n");
    const ath_py_node *f = value_of(&r, 0);
    assert_int_equal(f->kind, ATH_PY_FSTRING);
    assert_null(f->str.value);
    assert_string_equal(f->str.raw, "f'{x!r:>{width}}' 'tail'");
    assert_string_equal(value_of(&r, 1)->str.raw, "rf\"{d['k']}\\n\"");
    done(&r);
}

static void numbers_keep_text_and_value(void **state)
{
    (void)state;
    parsed r = parse_ok("0\n1_000\n0x_FF\n0o17\n0b101\n9223372036854775807\n"
                        "9223372036854775808\n3.25\n1e-3\n2.5j\n.5\n00\n");
    assert_int_value(value_of(&r, 0), 0);
    assert_int_value(value_of(&r, 1), 1000);
    assert_string_equal(value_of(&r, 1)->num.text, "1_000");
    assert_int_value(value_of(&r, 2), 255);
    assert_int_value(value_of(&r, 3), 15);
    assert_int_value(value_of(&r, 4), 5);
    assert_int_value(value_of(&r, 5), INT64_MAX);
    const ath_py_node *big = value_of(&r, 6);
    assert_int_equal(big->num.kind, ATH_PY_NUM_INT);
    assert_false(big->num.fits);
    assert_true(big->num.fval == 9223372036854775808.0);
    assert_int_equal(value_of(&r, 7)->num.kind, ATH_PY_NUM_FLOAT);
    assert_true(value_of(&r, 7)->num.fval == 3.25);
    assert_true(value_of(&r, 8)->num.fval == 0.001);
    assert_int_equal(value_of(&r, 9)->num.kind, ATH_PY_NUM_IMAGINARY);
    assert_true(value_of(&r, 9)->num.fval == 2.5);
    assert_true(value_of(&r, 10)->num.fval == 0.5);
    assert_int_value(value_of(&r, 11), 0);
    done(&r);
}

static void constants(void **state)
{
    (void)state;
    parsed r = parse_ok("True\nFalse\nNone\n...\n");
    assert_const(value_of(&r, 0), ATH_PY_CONST_TRUE);
    assert_const(value_of(&r, 1), ATH_PY_CONST_FALSE);
    assert_const(value_of(&r, 2), ATH_PY_CONST_NONE);
    assert_const(value_of(&r, 3), ATH_PY_CONST_ELLIPSIS);
    done(&r);
}

/* ---- expressions ---- */

/* The one-line printed form of the expression statement in `src`. */
static char *printed(const char *src)
{
    parsed r = parse_ok(src);
    ath_buf out = ATH_BUF_INIT;
    ath_py_print(&out, value_of(&r, 0));
    done(&r);
    return ath_buf_detach(&out);
}

#define assert_printed(src, expected)                                   \
    do {                                                                \
        char *got_ = printed(src);                                      \
        assert_string_equal(got_, (expected));                          \
        free(got_);                                                     \
    } while (0)

static void operator_precedence(void **state)
{
    (void)state;
    assert_printed("a | b & c",
                   "(binop 1:1 | (name 1:1 a) (binop 1:5 & (name 1:5 b) (name 1:9 c)))");
    assert_printed("a + b * c - d",
                   "(binop 1:1 - (binop 1:1 + (name 1:1 a) (binop 1:5 * (name 1:5 b) (name 1:9 "
                   "c))) (name 1:13 d))");
    assert_printed("-x ** -y",
                   "(unary 1:1 - (binop 1:2 ** (name 1:2 x) (unary 1:7 - (name 1:8 y))))");
    assert_printed("a ** b ** c",
                   "(binop 1:1 ** (name 1:1 a) (binop 1:6 ** (name 1:6 b) (name 1:11 c)))");
    assert_printed("not a == b", "(unary 1:1 not (compare 1:5 (name 1:5 a) == (name 1:10 b)))");
    assert_printed("a or b and not c",
                   "(boolop 1:1 or (name 1:1 a) (boolop 1:6 and (name 1:6 b) (unary 1:12 not "
                   "(name 1:16 c))))");
    assert_printed("a < b is not c not in d",
                   "(compare 1:1 (name 1:1 a) < (name 1:5 b) is not (name 1:14 c) not in (name "
                   "1:23 d))");
    assert_printed("x if c else y if d else z",
                   "(ifexp 1:1 (name 1:6 c) (name 1:1 x) (ifexp 1:13 (name 1:18 d) (name 1:13 y) "
                   "(name 1:25 z)))");
    assert_printed("(a + b) * c",
                   "(binop 1:1 * (binop 1:2 + (name 1:2 a) (name 1:6 b)) (name 1:11 c))");
    assert_printed("a << 1 >> 2 ^ 3",
                   "(binop 1:1 ^ (binop 1:1 >> (binop 1:1 << (name 1:1 a) (num 1:6 1)) (num 1:11 "
                   "2)) (num 1:15 3))");
    assert_printed("int | None", "(binop 1:1 | (name 1:1 int) (const 1:7 None))");
    assert_printed("await x.y ** 2",
                   "(binop 1:1 ** (await 1:1 (attr 1:7 (name 1:7 x) y)) (num 1:14 2))");
}

static void calls_subscripts_and_displays(void **state)
{
    (void)state;
    assert_printed("f(a, *b, c=1, **d)",
                   "(call 1:1 (name 1:1 f) (name 1:3 a) (star 1:6 (name 1:7 b)) (kw 1:10 c (num "
                   "1:12 1)) (kw 1:15 ** (name 1:17 d)))");
    assert_printed("f(x for x in y)",
                   "(call 1:1 (name 1:1 f) (comp 1:2 gen (name 1:3 x) (compfor 1:5 (name 1:9 x) "
                   "(name 1:14 y))))");
    assert_printed("x[1:2, ::3, ...]",
                   "(sub 1:1 (name 1:1 x) (tuple 1:3 (slice 1:3 (num 1:3 1) (num 1:5 2) _) "
                   "(slice 1:8 _ _ "
                   "(num 1:10 3)) (const 1:13 ...)))");
    assert_printed("Mapped[Optional[int]]",
                   "(sub 1:1 (name 1:1 Mapped) (sub 1:8 (name 1:8 Optional) (name 1:17 int)))");
    assert_printed("{'a': 1, **b}", "(dict 1:1 (str 1:2 \"a\") (num 1:7 1) ** (name 1:12 b))");
    assert_printed("{1, *s}", "(set 1:1 (num 1:2 1) (star 1:5 (name 1:6 s)))");
    assert_printed("{k: v for k, v in d if k}",
                   "(comp 1:1 dict (name 1:2 k) (name 1:5 v) (compfor 1:7 (tuple 1:11 (name 1:11 "
                   "k) (name 1:14 v)) (name 1:19 d) (if (name 1:24 k))))");
    assert_printed("[*a, b]", "(list 1:1 (star 1:2 (name 1:3 a)) (name 1:6 b))");
    assert_printed("()", "(tuple 1:1)");
    assert_printed("(1,)", "(tuple 1:1 (num 1:2 1))");
    assert_printed("(y := f(x))",
                   "(named 1:2 (name 1:2 y) (call 1:7 (name 1:7 f) (name 1:9 x)))");
    assert_printed("lambda a, *b, c=1, **d: a",
                   "(lambda 1:1 (params (param 1:8 a) (param 1:12 *b) (param 1:15 kw:c _ (num "
                   "1:17 1)) (param 1:22 **d)) (name 1:25 a))");
    assert_printed("[x async for x in y]",
                   "(comp 1:1 list (name 1:2 x) (compfor 1:4 async (name 1:14 x) (name 1:19 y)))");
}

static void statements_and_targets(void **state)
{
    (void)state;
    parsed r = parse_ok("a = b = c\nx, *y = z\nn += 1\nobj.f: int\ndel a[0], b\n"
                        "global g, h\nif a: pass\nelif b: pass\nelse: pass\n");
    const ath_py_node *chain = stmt(r.module, 0);
    assert_int_equal(chain->assign.targets.count, 2);
    assert_name(chain->assign.targets.items[1], "b");
    assert_name(chain->assign.value, "c");
    const ath_py_node *unpack = stmt(r.module, 1)->assign.targets.items[0];
    assert_int_equal(unpack->kind, ATH_PY_TUPLE);
    assert_int_equal(unpack->seq.elts.items[1]->kind, ATH_PY_STARRED);
    const ath_py_node *aug = stmt(r.module, 2);
    assert_int_equal(aug->kind, ATH_PY_AUG_ASSIGN);
    assert_int_equal(aug->aug_assign.op, ATH_PY_OP_PLUS);
    const ath_py_node *ann = stmt(r.module, 3);
    assert_false(ann->ann_assign.simple);
    assert_null(ann->ann_assign.value);
    assert_int_equal(stmt(r.module, 4)->del.targets.count, 2);
    const ath_py_node *glob = stmt(r.module, 5);
    assert_int_equal(glob->names.count, 2);
    assert_string_equal(glob->names.names[1], "h");
    const ath_py_node *cond = stmt(r.module, 6);
    assert_int_equal(cond->if_.orelse.count, 1);
    const ath_py_node *elif = cond->if_.orelse.items[0];
    assert_at(elif, ATH_PY_IF, 8, 1);
    assert_int_equal(elif->if_.orelse.items[0]->kind, ATH_PY_PASS);
    done(&r);
}

static void imports_with_dots_and_aliases(void **state)
{
    (void)state;
    parsed r = parse_ok("import a.b.c as d, e\nfrom ...pkg.mod import (x as y,\n  z,)\n"
                        "from . import w\nfrom .. import *\n");
    const ath_py_node *imp = stmt(r.module, 0);
    assert_string_equal(imp->import_.names.items[0]->alias.name, "a.b.c");
    assert_string_equal(imp->import_.names.items[0]->alias.asname, "d");
    assert_string_equal(imp->import_.names.items[1]->alias.name, "e");
    const ath_py_node *rel = stmt(r.module, 1);
    assert_int_equal(rel->import_from.level, 3);
    assert_string_equal(rel->import_from.module, "pkg.mod");
    assert_int_equal(rel->import_from.names.count, 2);
    assert_string_equal(rel->import_from.names.items[0]->alias.asname, "y");
    assert_at(rel->import_from.names.items[1], ATH_PY_ALIAS, 3, 3);
    assert_null(stmt(r.module, 2)->import_from.module);
    assert_int_equal(stmt(r.module, 2)->import_from.level, 1);
    assert_string_equal(stmt(r.module, 3)->import_from.names.items[0]->alias.name, "*");
    done(&r);
}

static void match_and_type_statements_are_kept_whole(void **state)
{
    (void)state;
    parsed r = parse_ok("match = 1\nmatch(x)\nmatch x:\n    case 1:\n        y = (\n  2)\n"
                        "    case _:\n        pass\ntype X = list[int]; z = 3\ntype(x)\n");
    assert_int_equal(stmt(r.module, 0)->kind, ATH_PY_ASSIGN);
    assert_int_equal(stmt(r.module, 1)->kind, ATH_PY_EXPR_STMT);
    const ath_py_node *m = stmt(r.module, 2);
    assert_at(m, ATH_PY_OTHER_STMT, 3, 1);
    assert_string_equal(m->other.keyword, "match");
    assert_int_equal(m->other.end_line, 8);
    const ath_py_node *t = stmt(r.module, 3);
    assert_at(t, ATH_PY_OTHER_STMT, 9, 1);
    assert_string_equal(t->other.keyword, "type");
    assert_int_equal(stmt(r.module, 4)->kind, ATH_PY_ASSIGN);
    assert_int_equal(stmt(r.module, 5)->kind, ATH_PY_EXPR_STMT);
    assert_int_equal(r.module->module.body.count, 6);
    done(&r);
}

static void docstrings(void **state)
{
    (void)state;
    parsed r = parse_ok("x = 1\nclass A:\n    'doc'\ndef f():\n    b'no'\nclass B:\n    f'no'\n");
    assert_null(ath_py_docstring(r.module));
    assert_str(ath_py_docstring(stmt(r.module, 1)), "doc");
    assert_null(ath_py_docstring(stmt(r.module, 2)));
    assert_null(ath_py_docstring(stmt(r.module, 3)));
    assert_null(ath_py_docstring(value_of(&r, 0)));
    done(&r);
}

static void empty_and_blank_files(void **state)
{
    (void)state;
    parsed r = parse_ok("");
    assert_int_equal(r.module->module.body.count, 0);
    done(&r);
    r = parse_ok("\n# only a comment\n\n");
    assert_int_equal(r.module->module.body.count, 0);
    done(&r);
}

/* ---- errors ---- */

static char *error_of(const char *src)
{
    parsed r = parse_n(src, strlen(src));
    if (r.rc != ATH_EPARSE)
        fail_msg("expected a syntax error in: %s", src);
    assert_null(r.module);
    assert_int_equal(r.diags.count, 1);
    assert_string_equal(r.diags.items[0].path, "m.py");
    char *s = ath_arena_printf(r.arena, "%d:%d: %s", r.diags.items[0].line,
                               r.diags.items[0].col, r.diags.items[0].message);
    char *copy = strdup(s);
    done(&r);
    return copy;
}

static void syntax_errors_are_precise(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"x = \n", "1:5: expected an expression"},
        {"a b\n", "1:3: invalid syntax"},
        {"f(a b)\n", "1:5: invalid syntax. Perhaps you forgot a comma?"},
        {"x = {'a': 1 'b': 2}\n", "1:13: invalid syntax. Perhaps you forgot a comma?"},
        {"class User(db.Model)\n    id = 1\n", "1:21: expected ':'"},
        {"class User(db.Model):\nid = 1\n",
         "2:1: expected an indented block after class definition on line 1"},
        {"def f():\n", "1:9: expected an indented block after function definition on line 1"},
        {"if x:\npass\n", "2:1: expected an indented block after 'if' statement on line 1"},
        {"with op.batch_alter_table('t') as b:\nb.drop_column('c')\n",
         "2:1: expected an indented block after 'with' statement on line 1"},
        {"  x = 1\n", "1:3: unexpected indent"},
        {"x = 1\n    y = 2\n", "2:5: unexpected indent"},
        {"else:\n  pass\n", "1:1: invalid syntax"},
        {"def f(a=1, b): pass\n", "1:12: non-default argument follows default argument"},
        {"def f(*): pass\n", "1:7: named arguments must follow bare *"},
        {"def f(**a, b): pass\n", "1:12: arguments cannot follow var-keyword argument"},
        {"f(a=1, b)\n", "1:8: positional argument follows keyword argument"},
        {"f(**a, b)\n", "1:8: positional argument follows keyword argument unpacking"},
        {"f(**a, *b)\n", "1:8: iterable argument unpacking follows keyword argument unpacking"},
        {"f(x for x in y, 1)\n", "1:2: Generator expression must be parenthesized"},
        {"f(a.b=1)\n", "1:3: expression cannot contain assignment, perhaps you meant \"==\"?"},
        {"class A(x for x in y): pass\n", "1:11: invalid syntax"},
        {"f() = 1\n",
         "1:1: cannot assign to function call here. Maybe you meant '==' instead of '='?"},
        {"x = 'a' 1 = 2\n", "1:9: invalid syntax"},
        {"(a, f()) = 1\n", "1:5: cannot assign to function call"},
        {"x = yield = 1\n", "1:5: assignment to yield expression not possible"},
        {"*a = 1\n", "1:1: starred assignment target must be in a list or tuple"},
        {"(a, b) += 1\n", "1:1: 'tuple' is an illegal expression for augmented assignment"},
        {"f() += 1\n", "1:1: 'function call' is an illegal expression for augmented assignment"},
        {"a, b: int\n", "1:1: only single target (not tuple) can be annotated"},
        {"[a]: int\n", "1:1: only single target (not list) can be annotated"},
        {"f(): int\n", "1:1: illegal target for annotation"},
        {"del f()\n", "1:5: cannot delete function call"},
        {"del *a\n", "1:5: cannot delete starred"},
        {"for f() in x: pass\n", "1:5: cannot assign to function call"},
        {"with a as 1: pass\n", "1:11: cannot assign to literal"},
        {"[x for 1 in y]\n", "1:8: cannot assign to literal"},
        {"x = (a := 1, b.c := 2)\n", "1:14: cannot use assignment expressions with attribute"},
        {"x = 1 if y\n", "1:11: expected 'else' after 'if' expression"},
        {"if x\n  pass\n", "1:5: expected ':'"},
        {"for x y: pass\n", "1:7: expected 'in'"},
        {"x = 'a' b'b'\n", "1:9: cannot mix bytes and nonbytes literals"},
        {"x = '\\x4'\n", "1:6: truncated \\xXX escape"},
        {"x = 'ok' '\\u12'\n", "1:11: truncated \\uXXXX escape"},
        {"x = '''\n\\U00110000'''\n", "2:1: illegal Unicode character"},
        {"x = '\\N{oops'\n", "1:6: malformed \\N character escape"},
        {"try:\n  pass\nx = 1\n", "3:1: expected 'except' or 'finally' block"},
        {"try:\n pass\nexcept:\n pass\nexcept E:\n pass\n", "3:1: default 'except:' must be last"},
        {"try:\n pass\nexcept A, B:\n pass\n",
         "3:8: multiple exception types must be parenthesized"},
        {"try:\n pass\nexcept* A:\n pass\nexcept B:\n pass\n",
         "5:1: cannot have both 'except' and 'except*' on the same 'try'"},
        {"@dec\nx = 1\n", "2:1: expected 'def' or 'class' after a decorator"},
        {"async x\n", "1:7: invalid syntax"},
        {"from x import a,\n", "1:16: trailing comma not allowed without surrounding parentheses"},
        {"import a.b as\n", "1:14: expected a name"},
        {"class = 1\n", "1:7: expected a name"},
        {"def if(): pass\n", "1:5: invalid syntax: 'if' is a keyword"},
        {"[*a for a in b]\n", "1:2: iterable unpacking cannot be used in comprehension"},
        {"x = {**a for a in b}\n", "1:6: dict unpacking cannot be used in dict comprehension"},
        {"print(*a)\nx = (*a)\n", "2:6: cannot use starred expression here"},
        {"x = \n\n", "1:5: expected an expression"},
        {"x = (1,\n", "1:5: '(' was never closed"},
        {"if x:\n    a\n  b\n", "3:3: unindent does not match any outer indentation level"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = error_of(cases[i][0]);
        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("%s\n  expected: %s\n  got:      %s", cases[i][0], cases[i][1], got);
        free(got);
    }
}

static void deep_nesting_is_refused_not_crashed(void **state)
{
    (void)state;
    ath_buf b = ATH_BUF_INIT;
    ath_buf_puts(&b, "x = ");
    for (int i = 0; i < 2000; i++)
        ath_buf_puts(&b, "-");
    ath_buf_puts(&b, "1\n");
    char *got = error_of(b.ptr);
    assert_non_null(strstr(got, "too deeply nested"));
    free(got);

    /* Left-associative chains are as deep as they are long. */
    ath_buf_clear(&b);
    ath_buf_puts(&b, "x = a");
    for (int i = 0; i < 1500; i++)
        ath_buf_puts(&b, ".b");
    ath_buf_puts(&b, "\n");
    got = error_of(b.ptr);
    assert_non_null(strstr(got, "too deeply nested"));
    free(got);

    /* Within the limit, a long chain parses. */
    ath_buf_clear(&b);
    ath_buf_puts(&b, "x = 1");
    for (int i = 0; i < 500; i++)
        ath_buf_puts(&b, " + 1");
    ath_buf_puts(&b, "\n");
    parsed r = parse_ok(b.ptr);
    done(&r);
    ath_buf_free(&b);
}

/*
 * 1,000 model classes (~15,000 lines), as a large project has them. Timing
 * is for the benchmarks; here the tree must simply be complete.
 */
static void thousand_model_classes(void **state)
{
    (void)state;
    ath_buf b = ATH_BUF_INIT;
    ath_buf_puts(&b, "from app import db\n\n");
    for (int i = 0; i < 1000; i++) {
        ath_buf_printf(&b,
                       "class Model%d(db.Model):\n"
                       "    __tablename__ = 'model_%d'\n"
                       "    id = db.Column(db.Integer, primary_key=True)\n"
                       "    name = db.Column(db.String(80), unique=True, nullable=False)\n"
                       "    note = db.Column(db.Text, nullable=True, server_default='')\n"
                       "    parent_id = db.Column(db.Integer, db.ForeignKey('model_%d.id'))\n"
                       "    created = db.Column(db.DateTime, default=datetime.utcnow)\n"
                       "    parent = db.relationship('Model%d', backref='children', lazy=True)\n"
                       "\n    def __repr__(self):\n"
                       "        return f'<Model%d {self.name!r}>'\n"
                       "\n\n",
                       i, i, i ? i - 1 : 0, i ? i - 1 : 0, i);
    }
    parsed r = parse_n(b.ptr, b.len);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.module->module.body.count, 1001);
    const ath_py_node *last = stmt(r.module, 1000);
    assert_string_equal(last->class_def.name, "Model999");
    assert_int_equal(last->line, 2 + 999 * 13 + 1);
    done(&r);
    ath_buf_free(&b);
}

/* What ath_py_repr_str writes, Python (our parser) reads back as the same
 * text; the quotes are repr()'s: ' unless the text has ' and no ". */
static void repr_of_a_str_reads_back(void **state)
{
    (void)state;
    const char *texts[] = {"plain",           "it's",        "say \"hi\"",    "both ' and \"",
                           "back\\slash\n", "tab\tcr\r",  "bell\a del\x7f", "",
                           "caf\xc3\xa9"};
    const char quotes[] = {'\'', '"', '\'', '\'', '\'', '\'', '\'', '\'', '\''};
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        ath_buf src = ATH_BUF_INIT;
        ath_buf_puts(&src, "x = ");
        ath_py_repr_str(&src, texts[i]);
        ath_buf_putc(&src, '\n');
        assert_int_equal(src.ptr[4], quotes[i]);
        parsed r = parse_ok(ath_buf_cstr(&src));
        assert_str(stmt(r.module, 0)->assign.value, texts[i]);
        done(&r);
        ath_buf_free(&src);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tutorial_model_class_with_columns),
        cmocka_unit_test(repr_of_a_str_reads_back),
        cmocka_unit_test(tutorial_association_table_and_app_setup),
        cmocka_unit_test(declarative_mapped_annotations),
        cmocka_unit_test(declared_attr_functions_keep_their_return),
        cmocka_unit_test(alembic_script_as_flask_migrate_writes_it),
        cmocka_unit_test(alembic_merge_script_with_annotated_identifiers),
        cmocka_unit_test(golden_trees_match),
        cmocka_unit_test(every_node_has_a_position),
        cmocka_unit_test(strings_are_decoded_and_joined),
        cmocka_unit_test(fstrings_keep_their_text),
        cmocka_unit_test(numbers_keep_text_and_value),
        cmocka_unit_test(constants),
        cmocka_unit_test(operator_precedence),
        cmocka_unit_test(calls_subscripts_and_displays),
        cmocka_unit_test(statements_and_targets),
        cmocka_unit_test(imports_with_dots_and_aliases),
        cmocka_unit_test(match_and_type_statements_are_kept_whole),
        cmocka_unit_test(docstrings),
        cmocka_unit_test(empty_and_blank_files),
        cmocka_unit_test(syntax_errors_are_precise),
        cmocka_unit_test(deep_nesting_is_refused_not_crashed),
        cmocka_unit_test(thousand_model_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
