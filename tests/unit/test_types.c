/*
 * The type system: reading the spellings PostgreSQL's format_type() and
 * SQLite/SQLAlchemy DDL use, comparing types per dialect, and writing them as
 * SQLAlchemy's DDL compiler and repr() do.
 */
#include "testsupport.h"

#include <string.h>

#define PG ATH_DIALECT_POSTGRESQL
#define LITE ATH_DIALECT_SQLITE

static ath_arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = ath_arena_new();
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ath_arena_free(arena);
    arena = NULL;
    return 0;
}

static ath_type parse(ath_dialect dialect, const char *text)
{
    ath_type t;
    if (ath_type_parse_sql(&t, arena, dialect, text) != 0)
        fail_msg("cannot parse '%s': %s", text, ath_error_last());
    return t;
}

static ath_type sized(ath_type_kind kind, int length)
{
    ath_type t = ath_type_make(kind);
    t.length = length;
    return t;
}

static ath_type float_of(int precision)
{
    ath_type t = ath_type_make(ATH_TYPE_FLOAT);
    t.precision = precision;
    return t;
}

static ath_type numeric_of(int precision, int scale)
{
    ath_type t = ath_type_make(ATH_TYPE_NUMERIC);
    t.precision = precision;
    t.scale = scale;
    return t;
}

static ath_type with_tz(ath_type_kind kind, bool tz)
{
    ath_type t = ath_type_make(kind);
    t.timezone = tz;
    return t;
}

static ath_type array_of(ath_type *item, int dimensions)
{
    ath_type t = ath_type_make(ATH_TYPE_ARRAY);
    t.item = item;
    t.dimensions = dimensions;
    return t;
}

static const char *mood_labels[] = {"happy", "sad", "indifferent"};

static ath_type mood_enum(const char *name)
{
    ath_type t = ath_type_make(ATH_TYPE_ENUM);
    t.name = name;
    t.values = mood_labels;
    t.nvalues = 3;
    return t;
}

static ath_type other(const char *name, const char *args)
{
    ath_type t = ath_type_make(ATH_TYPE_OTHER);
    t.name = name;
    t.args = args;
    return t;
}

static void assert_sql(const ath_type *t, ath_dialect dialect, const char *expected)
{
    ath_buf out = ATH_BUF_INIT;
    ath_type_sql(&out, t, dialect);
    assert_int_equal(ath_buf_check(&out), 0);
    assert_string_equal(ath_buf_cstr(&out), expected);
    ath_buf_free(&out);
}

static void assert_sqla(const ath_type *t, const char *expected)
{
    ath_buf out = ATH_BUF_INIT;
    ath_type_sqla(&out, t);
    assert_int_equal(ath_buf_check(&out), 0);
    assert_string_equal(ath_buf_cstr(&out), expected);
    ath_buf_free(&out);
}

/* ---- ath_type_make ---- */

static void type_make_leaves_every_parameter_unset(void **state)
{
    (void)state;
    ath_type t = ath_type_make(ATH_TYPE_STRING);
    assert_int_equal(t.kind, ATH_TYPE_STRING);
    assert_int_equal(t.length, -1);
    assert_int_equal(t.precision, -1);
    assert_int_equal(t.scale, -1);
    assert_false(t.timezone);
    assert_null(t.name);
    assert_null(t.args);
    assert_null(t.values);
    assert_int_equal(t.nvalues, 0);
    assert_null(t.item);
    assert_int_equal(t.dimensions, 0);
    assert_int_equal(ath_type_make(ATH_TYPE_ARRAY).dimensions, 1);
}

/* ---- parsing ---- */

typedef struct spelling {
    const char *text;
    ath_type_kind kind;
    int length;
    int precision;
    int scale;
    bool timezone;
} spelling;

/* What format_type() prints on PostgreSQL. */
static const spelling pg_spellings[] = {
    {"integer", ATH_TYPE_INTEGER, -1, -1, -1, false},
    {"bigint", ATH_TYPE_BIGINT, -1, -1, -1, false},
    {"smallint", ATH_TYPE_SMALLINT, -1, -1, -1, false},
    {"boolean", ATH_TYPE_BOOLEAN, -1, -1, -1, false},
    {"character varying(80)", ATH_TYPE_STRING, 80, -1, -1, false},
    {"character varying", ATH_TYPE_STRING, -1, -1, -1, false},
    {"character(32)", ATH_TYPE_CHAR, 32, -1, -1, false},
    {"text", ATH_TYPE_TEXT, -1, -1, -1, false},
    {"double precision", ATH_TYPE_FLOAT, -1, -1, -1, false},
    {"real", ATH_TYPE_FLOAT, -1, 24, -1, false},
    {"numeric(10,2)", ATH_TYPE_NUMERIC, -1, 10, 2, false},
    {"numeric(12)", ATH_TYPE_NUMERIC, -1, 12, -1, false},
    {"numeric", ATH_TYPE_NUMERIC, -1, -1, -1, false},
    {"timestamp without time zone", ATH_TYPE_DATETIME, -1, -1, -1, false},
    {"timestamp with time zone", ATH_TYPE_DATETIME, -1, -1, -1, true},
    {"timestamp(6) with time zone", ATH_TYPE_DATETIME, -1, -1, -1, true},
    {"timestamp(3) without time zone", ATH_TYPE_DATETIME, -1, -1, -1, false},
    {"time without time zone", ATH_TYPE_TIME, -1, -1, -1, false},
    {"time with time zone", ATH_TYPE_TIME, -1, -1, -1, true},
    {"date", ATH_TYPE_DATE, -1, -1, -1, false},
    {"interval", ATH_TYPE_INTERVAL, -1, -1, -1, false},
    {"bytea", ATH_TYPE_LARGEBINARY, -1, -1, -1, false},
    {"json", ATH_TYPE_JSON, -1, -1, -1, false},
    {"uuid", ATH_TYPE_UUID, -1, -1, -1, false},
};

/* What SQLite keeps from CREATE TABLE as SQLAlchemy writes it, and hand-written DDL. */
static const spelling sqlite_spellings[] = {
    {"INTEGER", ATH_TYPE_INTEGER, -1, -1, -1, false},
    {"BIGINT", ATH_TYPE_BIGINT, -1, -1, -1, false},
    {"SMALLINT", ATH_TYPE_SMALLINT, -1, -1, -1, false},
    {"BOOLEAN", ATH_TYPE_BOOLEAN, -1, -1, -1, false},
    {"VARCHAR(80)", ATH_TYPE_STRING, 80, -1, -1, false},
    {"VARCHAR", ATH_TYPE_STRING, -1, -1, -1, false},
    {"CHAR(32)", ATH_TYPE_CHAR, 32, -1, -1, false},
    {"TEXT", ATH_TYPE_TEXT, -1, -1, -1, false},
    {"FLOAT", ATH_TYPE_FLOAT, -1, -1, -1, false},
    {"REAL", ATH_TYPE_FLOAT, -1, 24, -1, false},
    {"NUMERIC(10, 2)", ATH_TYPE_NUMERIC, -1, 10, 2, false},
    {"DECIMAL(8, 3)", ATH_TYPE_NUMERIC, -1, 8, 3, false},
    {"NUMERIC", ATH_TYPE_NUMERIC, -1, -1, -1, false},
    {"DATETIME", ATH_TYPE_DATETIME, -1, -1, -1, false},
    {"DATE", ATH_TYPE_DATE, -1, -1, -1, false},
    {"TIME", ATH_TYPE_TIME, -1, -1, -1, false},
    {"BLOB", ATH_TYPE_LARGEBINARY, -1, -1, -1, false},
    {"JSON", ATH_TYPE_JSON, -1, -1, -1, false},
    /* Case and spacing do not matter. */
    {"Character Varying(80)", ATH_TYPE_STRING, 80, -1, -1, false},
    {"varChar(20)", ATH_TYPE_STRING, 20, -1, -1, false},
    {"TIMESTAMP With Time Zone", ATH_TYPE_DATETIME, -1, -1, -1, true},
    {"  character   varying ( 80 )  ", ATH_TYPE_STRING, 80, -1, -1, false},
    {"timestamp  with\ttime   zone", ATH_TYPE_DATETIME, -1, -1, -1, true},
    {"numeric( 10 ,2 )", ATH_TYPE_NUMERIC, -1, 10, 2, false},
    {" double   precision ", ATH_TYPE_FLOAT, -1, -1, -1, false},
};

static void check_spellings(ath_dialect dialect, const spelling *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ath_type t = parse(dialect, s[i].text);
        if (t.kind != s[i].kind || t.length != s[i].length || t.precision != s[i].precision ||
            t.scale != s[i].scale || t.timezone != s[i].timezone)
            fail_msg("'%s' read as kind %d length %d precision %d scale %d tz %d", s[i].text,
                     (int)t.kind, t.length, t.precision, t.scale, (int)t.timezone);
        assert_null(t.item);
    }
}

static void parse_reads_every_postgresql_format_type_spelling(void **state)
{
    (void)state;
    check_spellings(PG, pg_spellings, sizeof(pg_spellings) / sizeof(*pg_spellings));
}

static void parse_reads_sqlite_and_sqlalchemy_declarations(void **state)
{
    (void)state;
    check_spellings(LITE, sqlite_spellings, sizeof(sqlite_spellings) / sizeof(*sqlite_spellings));
}

static void parse_keeps_unknown_types_by_upper_case_name(void **state)
{
    (void)state;
    const char *names[][2] = {{"jsonb", "JSONB"},
                              {"inet", "INET"},
                              {"citext", "CITEXT"},
                              {"tsvector", "TSVECTOR"},
                              {"Mood", "MOOD"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        ath_type t = parse(PG, names[i][0]);
        assert_int_equal(t.kind, ATH_TYPE_OTHER);
        assert_string_equal(t.name, names[i][1]);
        assert_null(t.args);
    }
}

static void parse_keeps_the_arguments_of_unknown_types(void **state)
{
    (void)state;
    ath_type t = parse(PG, "geometry(Point,4326)");
    assert_int_equal(t.kind, ATH_TYPE_OTHER);
    assert_string_equal(t.name, "GEOMETRY");
    assert_string_equal(t.args, "Point,4326");
    t = parse(PG, "bit varying(8)");
    assert_string_equal(t.name, "BIT VARYING");
    assert_string_equal(t.args, "8");
    /* A known name with arguments it cannot take is kept as written. */
    t = parse(PG, "varchar(max)");
    assert_int_equal(t.kind, ATH_TYPE_OTHER);
    assert_string_equal(t.name, "VARCHAR");
    assert_string_equal(t.args, "max");
}

static void parse_reads_arrays_with_their_item_and_dimensions(void **state)
{
    (void)state;
    ath_type t = parse(PG, "integer[]");
    assert_int_equal(t.kind, ATH_TYPE_ARRAY);
    assert_int_equal(t.dimensions, 1);
    assert_non_null(t.item);
    assert_int_equal(t.item->kind, ATH_TYPE_INTEGER);

    t = parse(PG, "character varying(20)[]");
    assert_int_equal(t.kind, ATH_TYPE_ARRAY);
    assert_int_equal(t.dimensions, 1);
    assert_int_equal(t.item->kind, ATH_TYPE_STRING);
    assert_int_equal(t.item->length, 20);

    t = parse(PG, "integer[][]");
    assert_int_equal(t.kind, ATH_TYPE_ARRAY);
    assert_int_equal(t.dimensions, 2);
    assert_int_equal(t.item->kind, ATH_TYPE_INTEGER);

    t = parse(PG, "timestamp with time zone[]");
    assert_int_equal(t.item->kind, ATH_TYPE_DATETIME);
    assert_true(t.item->timezone);

    t = parse(PG, "jsonb[]");
    assert_int_equal(t.item->kind, ATH_TYPE_OTHER);
    assert_string_equal(t.item->name, "JSONB");
}

static void parse_refuses_text_that_is_no_type(void **state)
{
    (void)state;
    const char *bad[] = {"",     "   ", "VARCHAR(",       "a)b",
                         "(80)", "[]",  "VARCHAR(80)(5)", "numeric(10,2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        ath_error_clear();
        ath_type t = ath_type_make(ATH_TYPE_DATE);
        int rc = ath_type_parse_sql(&t, arena, PG, bad[i]);
        if (rc != ATH_EPARSE)
            fail_msg("'%s' gave %d, not ATH_EPARSE", bad[i], rc);
        assert_int_equal(ath_error_last_code(), ATH_EPARSE);
        assert_non_null(strstr(ath_error_last(), "type"));
        /* Nothing was written to the output. */
        assert_int_equal(t.kind, ATH_TYPE_DATE);
    }
    ath_type t;
    assert_int_equal(ath_type_parse_sql(&t, arena, PG, "VARCHAR("), ATH_EPARSE);
    assert_non_null(strstr(ath_error_last(), "VARCHAR("));
}

/* ---- equality ---- */

static void equal_string_matches_character_varying_on_postgresql(void **state)
{
    (void)state;
    ath_type model = sized(ATH_TYPE_STRING, 80);
    ath_type db = parse(PG, "character varying(80)");
    assert_true(ath_type_equal(&model, &db, PG));
    assert_true(ath_type_equal(&db, &model, PG));
    ath_type lite = parse(LITE, "VARCHAR(80)");
    assert_true(ath_type_equal(&model, &lite, LITE));
    ath_type other_len = parse(PG, "character varying(81)");
    assert_false(ath_type_equal(&model, &other_len, PG));
    ath_type unbounded = parse(PG, "character varying");
    assert_false(ath_type_equal(&model, &unbounded, PG));
}

static void equal_float_follows_postgresql_real_and_double(void **state)
{
    (void)state;
    ath_type plain = float_of(-1);
    ath_type p24 = float_of(24);
    ath_type p53 = float_of(53);
    ath_type dbl = parse(PG, "double precision");
    ath_type real = parse(PG, "real");
    assert_true(ath_type_equal(&plain, &dbl, PG));
    assert_true(ath_type_equal(&p53, &dbl, PG));
    assert_true(ath_type_equal(&p24, &real, PG));
    assert_false(ath_type_equal(&p24, &dbl, PG));
    assert_false(ath_type_equal(&plain, &real, PG));
    /* SQLite has one float type. */
    ath_type lite = parse(LITE, "FLOAT");
    assert_true(ath_type_equal(&p24, &lite, LITE));
    assert_true(ath_type_equal(&plain, &lite, LITE));
}

static void equal_unicode_and_text_variants(void **state)
{
    (void)state;
    ath_type unicode = sized(ATH_TYPE_UNICODE, 50);
    ath_type string = sized(ATH_TYPE_STRING, 50);
    ath_type text = ath_type_make(ATH_TYPE_TEXT);
    ath_type utext = ath_type_make(ATH_TYPE_UNICODE_TEXT);
    for (int d = 0; d < 2; d++) {
        ath_dialect dialect = d ? PG : LITE;
        assert_true(ath_type_equal(&unicode, &string, dialect));
        assert_true(ath_type_equal(&text, &utext, dialect));
        assert_false(ath_type_equal(&string, &text, dialect));
    }
}

static void equal_datetime_timezone_matters_on_postgresql_only(void **state)
{
    (void)state;
    ath_type tz = with_tz(ATH_TYPE_DATETIME, true);
    ath_type naive = with_tz(ATH_TYPE_DATETIME, false);
    assert_false(ath_type_equal(&tz, &naive, PG));
    assert_true(ath_type_equal(&tz, &naive, LITE));
    ath_type db = parse(PG, "timestamp with time zone");
    assert_true(ath_type_equal(&tz, &db, PG));
    ath_type ttz = with_tz(ATH_TYPE_TIME, true);
    ath_type tnaive = with_tz(ATH_TYPE_TIME, false);
    assert_false(ath_type_equal(&ttz, &tnaive, PG));
    assert_true(ath_type_equal(&ttz, &tnaive, LITE));
}

static void equal_uuid_is_char32_on_sqlite_only(void **state)
{
    (void)state;
    ath_type uuid = ath_type_make(ATH_TYPE_UUID);
    ath_type lite = parse(LITE, "CHAR(32)");
    assert_true(ath_type_equal(&uuid, &lite, LITE));
    ath_type pgchar = parse(PG, "character(32)");
    assert_false(ath_type_equal(&uuid, &pgchar, PG));
    ath_type pguuid = parse(PG, "uuid");
    assert_true(ath_type_equal(&uuid, &pguuid, PG));
}

static void equal_tells_different_types_apart(void **state)
{
    (void)state;
    ath_type s80 = sized(ATH_TYPE_STRING, 80);
    ath_type s120 = sized(ATH_TYPE_STRING, 120);
    ath_type integer = ath_type_make(ATH_TYPE_INTEGER);
    ath_type bigint = ath_type_make(ATH_TYPE_BIGINT);
    ath_type n102 = numeric_of(10, 2);
    ath_type n122 = numeric_of(12, 2);
    ath_type json = ath_type_make(ATH_TYPE_JSON);
    ath_type jsonb = parse(PG, "jsonb");
    for (int d = 0; d < 2; d++) {
        ath_dialect dialect = d ? PG : LITE;
        assert_false(ath_type_equal(&s80, &s120, dialect));
        assert_false(ath_type_equal(&integer, &bigint, dialect));
        assert_false(ath_type_equal(&n102, &n122, dialect));
        assert_true(ath_type_equal(&n102, &n102, dialect));
    }
    assert_false(ath_type_equal(&json, &jsonb, PG));
    ath_type db_numeric = parse(PG, "numeric(10,2)");
    assert_true(ath_type_equal(&n102, &db_numeric, PG));
}

static void equal_enum_is_its_varchar_on_sqlite(void **state)
{
    (void)state;
    ath_type mood = mood_enum("mood");
    ath_type lite = parse(LITE, "VARCHAR(11)");
    assert_true(ath_type_equal(&mood, &lite, LITE));
    ath_type shorter = parse(LITE, "VARCHAR(10)");
    assert_false(ath_type_equal(&mood, &shorter, LITE));
}

static void equal_compares_arrays_by_item(void **state)
{
    (void)state;
    ath_type integer = ath_type_make(ATH_TYPE_INTEGER);
    ath_type bigint = ath_type_make(ATH_TYPE_BIGINT);
    ath_type s20 = sized(ATH_TYPE_STRING, 20);
    ath_type dbl = float_of(-1);
    ath_type int_array = array_of(&integer, 1);
    ath_type big_array = array_of(&bigint, 1);
    ath_type str_matrix = array_of(&s20, 2);
    ath_type float_array = array_of(&dbl, 1);

    ath_type db = parse(PG, "integer[]");
    assert_true(ath_type_equal(&int_array, &db, PG));
    assert_false(ath_type_equal(&big_array, &db, PG));
    /* format_type() prints one [] whatever the declared dimensions. */
    ath_type db_str = parse(PG, "character varying(20)[]");
    assert_true(ath_type_equal(&str_matrix, &db_str, PG));
    ath_type db_str_other = parse(PG, "character varying(30)[]");
    assert_false(ath_type_equal(&str_matrix, &db_str_other, PG));
    /* The item is compared with the dialect's own folding. */
    ath_type db_dbl = parse(PG, "double precision[]");
    assert_true(ath_type_equal(&float_array, &db_dbl, PG));
    /* An array is not its item. */
    assert_false(ath_type_equal(&int_array, &integer, PG));
}

/* ---- DDL spelling ---- */

static void sql_spells_simple_types_on_both_dialects(void **state)
{
    (void)state;
    struct {
        ath_type type;
        const char *pg;
        const char *lite;
    } cases[] = {
        {ath_type_make(ATH_TYPE_INTEGER), "INTEGER", "INTEGER"},
        {ath_type_make(ATH_TYPE_BIGINT), "BIGINT", "BIGINT"},
        {ath_type_make(ATH_TYPE_SMALLINT), "SMALLINT", "SMALLINT"},
        {ath_type_make(ATH_TYPE_BOOLEAN), "BOOLEAN", "BOOLEAN"},
        {sized(ATH_TYPE_STRING, 80), "VARCHAR(80)", "VARCHAR(80)"},
        {ath_type_make(ATH_TYPE_STRING), "VARCHAR", "VARCHAR"},
        {sized(ATH_TYPE_UNICODE, 50), "VARCHAR(50)", "VARCHAR(50)"},
        {ath_type_make(ATH_TYPE_TEXT), "TEXT", "TEXT"},
        {ath_type_make(ATH_TYPE_UNICODE_TEXT), "TEXT", "TEXT"},
        {sized(ATH_TYPE_CHAR, 32), "CHAR(32)", "CHAR(32)"},
        {float_of(-1), "FLOAT", "FLOAT"},
        {float_of(24), "FLOAT(24)", "FLOAT"},
        {numeric_of(10, 2), "NUMERIC(10, 2)", "NUMERIC(10, 2)"},
        {numeric_of(10, -1), "NUMERIC(10)", "NUMERIC(10)"},
        {numeric_of(-1, -1), "NUMERIC", "NUMERIC"},
        {with_tz(ATH_TYPE_DATETIME, false), "TIMESTAMP WITHOUT TIME ZONE", "DATETIME"},
        {with_tz(ATH_TYPE_DATETIME, true), "TIMESTAMP WITH TIME ZONE", "DATETIME"},
        {ath_type_make(ATH_TYPE_DATE), "DATE", "DATE"},
        {with_tz(ATH_TYPE_TIME, false), "TIME WITHOUT TIME ZONE", "TIME"},
        {with_tz(ATH_TYPE_TIME, true), "TIME WITH TIME ZONE", "TIME"},
        {ath_type_make(ATH_TYPE_INTERVAL), "INTERVAL", "DATETIME"},
        {ath_type_make(ATH_TYPE_LARGEBINARY), "BYTEA", "BLOB"},
        {ath_type_make(ATH_TYPE_JSON), "JSON", "JSON"},
        {ath_type_make(ATH_TYPE_UUID), "UUID", "CHAR(32)"},
        {other("JSONB", NULL), "JSONB", "JSONB"},
        {other("GEOMETRY", "Point, 4326"), "GEOMETRY(Point, 4326)", "GEOMETRY(Point, 4326)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        assert_sql(&cases[i].type, PG, cases[i].pg);
        assert_sql(&cases[i].type, LITE, cases[i].lite);
    }
}

static void sql_spells_enum_by_name_on_postgresql_quoted_when_needed(void **state)
{
    (void)state;
    ath_type mood = mood_enum("mood");
    assert_sql(&mood, PG, "mood");
    ath_type reserved = mood_enum("user");
    assert_sql(&reserved, PG, "\"user\"");
    ath_type mixed = mood_enum("Mood");
    assert_sql(&mixed, PG, "\"Mood\"");
}

static void sql_spells_enum_as_varchar_of_longest_label_on_sqlite(void **state)
{
    (void)state;
    ath_type mood = mood_enum("mood");
    assert_sql(&mood, LITE, "VARCHAR(11)");
}

static void sql_spells_arrays_with_one_bracket_pair_per_dimension(void **state)
{
    (void)state;
    ath_type integer = ath_type_make(ATH_TYPE_INTEGER);
    ath_type s20 = sized(ATH_TYPE_STRING, 20);
    ath_type ints = array_of(&integer, 1);
    ath_type matrix = array_of(&s20, 2);
    assert_sql(&ints, PG, "INTEGER[]");
    assert_sql(&matrix, PG, "VARCHAR(20)[][]");
}

static void sql_appends_to_what_is_there(void **state)
{
    (void)state;
    ath_buf out = ATH_BUF_INIT;
    ath_buf_puts(&out, "id ");
    ath_type t = ath_type_make(ATH_TYPE_INTEGER);
    ath_type_sql(&out, &t, PG);
    assert_string_equal(ath_buf_cstr(&out), "id INTEGER");
    ath_buf_free(&out);
}

/* ---- SQLAlchemy spelling ---- */

static void sqla_spells_types_as_repr_does(void **state)
{
    (void)state;
    ath_type integer = ath_type_make(ATH_TYPE_INTEGER);
    ath_type s20 = sized(ATH_TYPE_STRING, 20);
    struct {
        ath_type type;
        const char *repr;
    } cases[] = {
        {ath_type_make(ATH_TYPE_INTEGER), "Integer()"},
        {ath_type_make(ATH_TYPE_BIGINT), "BigInteger()"},
        {ath_type_make(ATH_TYPE_SMALLINT), "SmallInteger()"},
        {ath_type_make(ATH_TYPE_BOOLEAN), "Boolean()"},
        {sized(ATH_TYPE_STRING, 80), "String(length=80)"},
        {ath_type_make(ATH_TYPE_STRING), "String()"},
        {sized(ATH_TYPE_UNICODE, 50), "Unicode(length=50)"},
        {sized(ATH_TYPE_CHAR, 32), "CHAR(length=32)"},
        {ath_type_make(ATH_TYPE_TEXT), "Text()"},
        {ath_type_make(ATH_TYPE_UNICODE_TEXT), "UnicodeText()"},
        {float_of(-1), "Float()"},
        {float_of(24), "Float(precision=24)"},
        {numeric_of(10, 2), "Numeric(precision=10, scale=2)"},
        {numeric_of(10, -1), "Numeric(precision=10)"},
        {numeric_of(-1, 2), "Numeric(scale=2)"},
        {numeric_of(-1, -1), "Numeric()"},
        {with_tz(ATH_TYPE_DATETIME, true), "DateTime(timezone=True)"},
        {with_tz(ATH_TYPE_DATETIME, false), "DateTime()"},
        {with_tz(ATH_TYPE_TIME, true), "Time(timezone=True)"},
        {ath_type_make(ATH_TYPE_DATE), "Date()"},
        {ath_type_make(ATH_TYPE_INTERVAL), "Interval()"},
        {ath_type_make(ATH_TYPE_LARGEBINARY), "LargeBinary()"},
        {ath_type_make(ATH_TYPE_JSON), "JSON()"},
        {ath_type_make(ATH_TYPE_UUID), "Uuid()"},
        {array_of(&integer, 1), "ARRAY(Integer())"},
        {array_of(&s20, 2), "ARRAY(String(length=20), dimensions=2)"},
        {other("JSONB", NULL), "JSONB()"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        assert_sqla(&cases[i].type, cases[i].repr);
}

static void sqla_spells_enum_labels_and_name(void **state)
{
    (void)state;
    static const char *ab[] = {"a", "b"};
    ath_type t = ath_type_make(ATH_TYPE_ENUM);
    t.values = ab;
    t.nvalues = 2;
    t.name = "mood";
    assert_sqla(&t, "Enum('a', 'b', name='mood')");
    t.name = NULL;
    assert_sqla(&t, "Enum('a', 'b')");
}

static void sqla_quotes_enum_labels_as_python_repr_does(void **state)
{
    (void)state;
    /* repr() picks double quotes for text with a ' and no ", else escapes. */
    static const char *apostrophe[] = {"a", "it's"};
    ath_type t = ath_type_make(ATH_TYPE_ENUM);
    t.values = apostrophe;
    t.nvalues = 2;
    t.name = "mood";
    assert_sqla(&t, "Enum('a', \"it's\", name='mood')");

    static const char *awkward[] = {"say \"hi\"", "both ' \"", "back\\slash",
                                    "nl\n",       "tab\t",     "bell\a"};
    t.values = awkward;
    t.nvalues = 6;
    t.name = "m";
    assert_sqla(&t, "Enum('say \"hi\"', 'both \\' \"', 'back\\\\slash', 'nl\\n', 'tab\\t', "
                    "'bell\\x07', name='m')");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type_make_leaves_every_parameter_unset),
        cmocka_unit_test(parse_reads_every_postgresql_format_type_spelling),
        cmocka_unit_test(parse_reads_sqlite_and_sqlalchemy_declarations),
        cmocka_unit_test(parse_keeps_unknown_types_by_upper_case_name),
        cmocka_unit_test(parse_keeps_the_arguments_of_unknown_types),
        cmocka_unit_test(parse_reads_arrays_with_their_item_and_dimensions),
        cmocka_unit_test(parse_refuses_text_that_is_no_type),
        cmocka_unit_test(equal_string_matches_character_varying_on_postgresql),
        cmocka_unit_test(equal_float_follows_postgresql_real_and_double),
        cmocka_unit_test(equal_unicode_and_text_variants),
        cmocka_unit_test(equal_datetime_timezone_matters_on_postgresql_only),
        cmocka_unit_test(equal_uuid_is_char32_on_sqlite_only),
        cmocka_unit_test(equal_tells_different_types_apart),
        cmocka_unit_test(equal_enum_is_its_varchar_on_sqlite),
        cmocka_unit_test(equal_compares_arrays_by_item),
        cmocka_unit_test(sql_spells_simple_types_on_both_dialects),
        cmocka_unit_test(sql_spells_enum_by_name_on_postgresql_quoted_when_needed),
        cmocka_unit_test(sql_spells_enum_as_varchar_of_longest_label_on_sqlite),
        cmocka_unit_test(sql_spells_arrays_with_one_bracket_pair_per_dimension),
        cmocka_unit_test(sql_appends_to_what_is_there),
        cmocka_unit_test(sqla_spells_types_as_repr_does),
        cmocka_unit_test(sqla_spells_enum_labels_and_name),
        cmocka_unit_test(sqla_quotes_enum_labels_as_python_repr_does),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
