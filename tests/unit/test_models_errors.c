/*
 * The models reader on bad input: every refusal is a diagnostic at
 * file:line:col naming the construct and the fix, *out stays NULL, and
 * problems in several files are all reported.
 */
#include "testsupport.h"

#include "models/models_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct result {
    ath_arena *arena;
    ath_diags diags;
    ath_schema *schema;
    int rc;
} result;

static result read2(const char *path1, const char *text1, const char *path2, const char *text2,
                    ath_dialect dialect, const ath_type_mapping *types, size_t ntypes)
{
    result r;
    r.arena = ath_arena_new();
    ath_diags_init(&r.diags, r.arena);
    const char *paths[2] = {path1, path2};
    const char *texts[2] = {text1, text2};
    size_t lens[2] = {strlen(text1), text2 ? strlen(text2) : 0};
    ath_models_options opt = {dialect, types, ntypes, "alembic.ini"};
    r.schema = (ath_schema *)&r; /* must be reset to NULL on failure */
    r.rc = ath_models_read_sources(&r.schema, r.arena, paths, texts, lens, text2 ? 2 : 1, &opt,
                                   &r.diags);
    return r;
}

static result read1(const char *text)
{
    return read2("models.py", text, NULL, NULL, ATH_DIALECT_SQLITE, NULL, 0);
}

/* Exactly one error, at line:col, with this message. */
static void expect_one(result r, int line, int col, const char *message)
{
    assert_int_equal(r.rc, ATH_EPARSE);
    assert_null(r.schema);
    if (r.diags.count != 1)
        for (size_t i = 0; i < r.diags.count; i++)
            fprintf(stderr, "diag %zu: %d:%d %s\n", i, r.diags.items[i].line, r.diags.items[i].col,
                    r.diags.items[i].message);
    assert_int_equal(r.diags.count, 1);
    assert_int_equal(r.diags.items[0].level, ATH_DIAG_ERROR);
    assert_string_equal(r.diags.items[0].path, "models.py");
    assert_string_equal(r.diags.items[0].message, message);
    assert_int_equal(r.diags.items[0].line, line);
    assert_int_equal(r.diags.items[0].col, col);
    ath_arena_free(r.arena);
}

#define HEAD "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"

static void class_without_primary_key_is_refused(void **state)
{
    (void)state;
    expect_one(read1(HEAD "class Foo(db.Model):\n    name = db.Column(db.String(10))\n"), 3, 1,
               "class Foo has no primary key (SQLAlchemy requires one for a mapped class): mark a "
               "column primary_key=True");
}

static void foreign_key_to_missing_table_is_refused(void **state)
{
    (void)state;
    expect_one(read1(HEAD
                     "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                     "class Post(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                     "    user_id = db.Column(db.Integer, db.ForeignKey('usr.id'))\n"),
               7, 37, "ForeignKey('usr.id'): no table 'usr' in the models");
}

/* The column has no type of its own, so it would take its target's: the
 * missing target column is reported, and nothing reads past the columns. */
static void untyped_foreign_key_to_missing_column_is_refused(void **state)
{
    (void)state;
    expect_one(read1(HEAD
                     "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                     "class Post(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                     "    user_id = db.Column(db.ForeignKey('user.uid'))\n"),
               7, 25, "ForeignKey('user.uid'): table 'user' has no column 'uid'");
}

static void foreign_key_to_missing_column_is_refused(void **state)
{
    (void)state;
    expect_one(read1(HEAD
                     "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                     "class Post(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                     "    user_id = db.Column(db.Integer, db.ForeignKey('user.uid'))\n"),
               7, 37, "ForeignKey('user.uid'): table 'user' has no column 'uid'");
}

static void two_classes_with_one_table_are_refused(void **state)
{
    (void)state;
    expect_one(
        read1(HEAD "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                   "class Account(db.Model):\n    __tablename__ = 'user'\n"
                   "    id = db.Column(db.Integer, primary_key=True)\n"),
        5, 1,
        "table 'user' is declared twice: by class User (models.py:3:1) and class Account (here)");
}

static void unknown_type_names_the_configuration(void **state)
{
    (void)state;
    expect_one(read1(HEAD
                     "from money import MoneyType\n"
                     "class Wallet(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                     "    amount = db.Column(MoneyType(), nullable=False)\n"),
               6, 24,
               "cannot resolve the type 'MoneyType': map it in alembic.ini under [athanor] "
               "types, e.g. MoneyType = String(50)");
}

static void configured_type_resolves_what_the_files_cannot(void **state)
{
    (void)state;
    ath_type_mapping m = {"MoneyType", "Numeric(12, 2)"};
    result r = read2("models.py",
                     HEAD "from money import MoneyType\n"
                          "class Wallet(db.Model):\n"
                          "    id = db.Column(db.Integer, primary_key=True)\n"
                          "    amount = db.Column(MoneyType(), nullable=False)\n",
                     NULL, NULL, ATH_DIALECT_POSTGRESQL, &m, 1);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.schema->ntables, 1);
    ath_column *c = ath_table_find_column(&r.schema->tables[0], "amount");
    assert_non_null(c);
    assert_int_equal(c->type.kind, ATH_TYPE_NUMERIC);
    assert_int_equal(c->type.precision, 12);
    assert_int_equal(c->type.scale, 2);
    ath_arena_free(r.arena);
}

static void bad_configured_type_is_reported_against_the_configuration(void **state)
{
    (void)state;
    ath_type_mapping m = {"MoneyType", "NoSuchType(3)"};
    result r = read2("models.py",
                     HEAD "from money import MoneyType\n"
                          "class Wallet(db.Model):\n"
                          "    id = db.Column(db.Integer, primary_key=True)\n"
                          "    amount = db.Column(MoneyType())\n",
                     NULL, NULL, ATH_DIALECT_SQLITE, &m, 1);
    assert_int_equal(r.rc, ATH_EPARSE);
    assert_null(r.schema);
    assert_int_equal(r.diags.count, 1);
    assert_string_equal(r.diags.items[0].path, "alembic.ini");
    assert_string_equal(
        r.diags.items[0].message,
        "cannot resolve the type 'NoSuchType': map it in alembic.ini under [athanor] "
        "types, e.g. NoSuchType = String(50)");
    ath_arena_free(r.arena);
}

static void column_from_a_function_call_is_refused(void **state)
{
    (void)state;
    expect_one(read1(HEAD "def make_ts():\n    return db.Column(db.DateTime)\n"
                          "class Log(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                          "    created = make_ts()\n"),
               7, 15,
               "cannot evaluate 'created': a column made by a function call; write "
               "Column(...) or mapped_column(...) in the class");
}

static void type_decorator_choosing_per_dialect_is_refused(void **state)
{
    (void)state;
    expect_one(read1(HEAD "from sqlalchemy.types import TypeDecorator, CHAR\n"
                          "class GUID(TypeDecorator):\n    impl = CHAR\n"
                          "    def load_dialect_impl(self, dialect):\n        return CHAR(32)\n"
                          "class Thing(db.Model):\n    id = db.Column(GUID(), primary_key=True)\n"),
               9, 20,
               "the TypeDecorator GUID picks its type per database in load_dialect_impl(), "
               "which athanor cannot run: map it in alembic.ini under [athanor] types, e.g. "
               "GUID = CHAR(32)");
}

static void mixin_foreign_key_needs_declared_attr(void **state)
{
    (void)state;
    expect_one(
        read1(HEAD
              "class Owned:\n    owner_id = db.Column(db.Integer, db.ForeignKey('user.id'))\n"
              "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
              "class Doc(Owned, db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"),
        4, 16,
        "the mixin column 'owner_id' has a ForeignKey: SQLAlchemy requires such "
        "columns on mixins to be declared with @declared_attr");
}

static void model_with_unknown_base_is_not_dropped_silently(void **state)
{
    (void)state;
    expect_one(read1("from sqlalchemy import Column, Integer\nfrom .database import Base\n"
                     "class Item(Base):\n    __tablename__ = 'items'\n"
                     "    id = Column(Integer, primary_key=True)\n"),
               3, 1,
               "class Item declares __tablename__ but its base 'Base' is not a declarative "
               "base athanor can find: add the file that defines it to the models");
}

static void check_convention_needs_a_name(void **state)
{
    (void)state;
    expect_one(
        read1("from flask_sqlalchemy import SQLAlchemy\nfrom sqlalchemy import MetaData\n"
              "db = SQLAlchemy(metadata=MetaData(naming_convention={'ck': "
              "'ck_%(table_name)s_%(constraint_name)s'}))\n"
              "class T(db.Model):\n    __table_args__ = (db.CheckConstraint('x > 0'),)\n"
              "    id = db.Column(db.Integer, primary_key=True)\n    x = db.Column(db.Integer)\n"),
        5, 23,
        "the naming convention 'ck_%(table_name)s_%(constraint_name)s' uses "
        "%(constraint_name)s: give this constraint a name=");
}

static void mapped_dict_without_type_map_is_refused(void **state)
{
    (void)state;
    expect_one(read1("from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
                     "class Base(DeclarativeBase):\n    pass\n"
                     "class T(Base):\n    __tablename__ = 't'\n"
                     "    id: Mapped[int] = mapped_column(primary_key=True)\n"
                     "    prefs: Mapped[dict]\n"),
               7, 19,
               "SQLAlchemy 2.0 has no default column type for Mapped[dict]: give "
               "mapped_column() a type, or add dict to the base's type_annotation_map");
}

static void postgresql_enum_needs_a_name(void **state)
{
    (void)state;
    result r = read2("models.py",
                     HEAD "class T(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                          "    k = db.Column(db.Enum('a', 'b'))\n",
                     NULL, NULL, ATH_DIALECT_POSTGRESQL, NULL, 0);
    assert_int_equal(r.rc, ATH_EPARSE);
    assert_int_equal(r.diags.count, 1);
    assert_string_equal(r.diags.items[0].message,
                        "a PostgreSQL enum needs a name: give Enum(..., name='...')");
    ath_arena_free(r.arena);
    /* SQLite makes it a VARCHAR and needs none. */
    r = read1(HEAD "class T(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                   "    k = db.Column(db.Enum('a', 'bbb'))\n");
    assert_int_equal(r.rc, 0);
    ath_arena_free(r.arena);
}

static void syntax_error_is_the_parser_diagnostic(void **state)
{
    (void)state;
    result r = read1(HEAD "class User(db.Model)\n    id = 1\n");
    assert_int_equal(r.rc, ATH_EPARSE);
    assert_null(r.schema);
    assert_int_equal(r.diags.count, 1);
    assert_int_equal(r.diags.items[0].line, 3);
    ath_arena_free(r.arena);
}

static void every_file_is_reported_before_failing(void **state)
{
    (void)state;
    result r = read2("a.py", "class (\n", "b.py", "def f(:\n", ATH_DIALECT_SQLITE, NULL, 0);
    assert_int_equal(r.rc, ATH_EPARSE);
    assert_null(r.schema);
    assert_int_equal(r.diags.count, 2);
    assert_string_equal(r.diags.items[0].path, "a.py");
    assert_string_equal(r.diags.items[1].path, "b.py");
    ath_arena_free(r.arena);
    /* Two semantic problems in two files: both reported. */
    r = read2("a.py", HEAD "class A(db.Model):\n    x = db.Column(db.Integer)\n", "b.py",
              "from a import db\nclass B(db.Model):\n    y = db.Column(db.Integer)\n",
              ATH_DIALECT_SQLITE, NULL, 0);
    assert_int_equal(r.rc, ATH_EPARSE);
    assert_int_equal(r.diags.count, 2);
    assert_string_equal(r.diags.items[0].path, "a.py");
    assert_string_equal(r.diags.items[1].path, "b.py");
    ath_arena_free(r.arena);
}

static void models_across_files_resolve_by_import(void **state)
{
    (void)state;
    result r =
        read2("app/types.py",
              "from sqlalchemy.types import TypeDecorator, Text\n"
              "class JSONText(TypeDecorator):\n    impl = Text\n",
              "app/models.py",
              "from flask_sqlalchemy import SQLAlchemy\nfrom app.types import JSONText\n"
              "db = SQLAlchemy()\nclass Doc(db.Model):\n"
              "    id = db.Column(db.Integer, primary_key=True)\n    body = db.Column(JSONText)\n",
              ATH_DIALECT_SQLITE, NULL, 0);
    assert_int_equal(r.rc, 0);
    ath_column *c = ath_table_find_column(&r.schema->tables[0], "body");
    assert_int_equal(c->type.kind, ATH_TYPE_TEXT);
    ath_arena_free(r.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(class_without_primary_key_is_refused),
        cmocka_unit_test(foreign_key_to_missing_table_is_refused),
        cmocka_unit_test(foreign_key_to_missing_column_is_refused),
        cmocka_unit_test(untyped_foreign_key_to_missing_column_is_refused),
        cmocka_unit_test(two_classes_with_one_table_are_refused),
        cmocka_unit_test(unknown_type_names_the_configuration),
        cmocka_unit_test(configured_type_resolves_what_the_files_cannot),
        cmocka_unit_test(bad_configured_type_is_reported_against_the_configuration),
        cmocka_unit_test(column_from_a_function_call_is_refused),
        cmocka_unit_test(type_decorator_choosing_per_dialect_is_refused),
        cmocka_unit_test(mixin_foreign_key_needs_declared_attr),
        cmocka_unit_test(model_with_unknown_base_is_not_dropped_silently),
        cmocka_unit_test(check_convention_needs_a_name),
        cmocka_unit_test(mapped_dict_without_type_map_is_refused),
        cmocka_unit_test(postgresql_enum_needs_a_name),
        cmocka_unit_test(syntax_error_is_the_parser_diagnostic),
        cmocka_unit_test(every_file_is_reported_before_failing),
        cmocka_unit_test(models_across_files_resolve_by_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
