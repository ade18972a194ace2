/*
 * The Op list's vocabulary: names of the operations, how an op describes
 * itself in messages, and the inverse of each op (what autogenerate writes
 * into downgrade()). Applying ops to a Schema is apply.c.
 */
#include "ops_internal.h"

#include <string.h>

const char *ath_op_kind_name(ath_op_kind kind)
{
    switch (kind) {
    case ATH_OP_CREATE_TABLE:
        return "create_table";
    case ATH_OP_DROP_TABLE:
        return "drop_table";
    case ATH_OP_RENAME_TABLE:
        return "rename_table";
    case ATH_OP_CREATE_TABLE_COMMENT:
        return "create_table_comment";
    case ATH_OP_DROP_TABLE_COMMENT:
        return "drop_table_comment";
    case ATH_OP_ADD_COLUMN:
        return "add_column";
    case ATH_OP_DROP_COLUMN:
        return "drop_column";
    case ATH_OP_ALTER_COLUMN:
        return "alter_column";
    case ATH_OP_CREATE_INDEX:
        return "create_index";
    case ATH_OP_DROP_INDEX:
        return "drop_index";
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
        return "create_unique_constraint";
    case ATH_OP_CREATE_FOREIGN_KEY:
        return "create_foreign_key";
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
        return "create_check_constraint";
    case ATH_OP_CREATE_PRIMARY_KEY:
        return "create_primary_key";
    case ATH_OP_DROP_CONSTRAINT:
        return "drop_constraint";
    case ATH_OP_CREATE_ENUM:
        return "create_enum";
    case ATH_OP_DROP_ENUM:
        return "drop_enum";
    case ATH_OP_ADD_ENUM_VALUE:
        return "add_enum_value";
    case ATH_OP_EXECUTE:
        return "execute";
    case ATH_OP_BULK_INSERT:
        return "bulk_insert";
    }
    return "unknown";
}

ath_op ath_op_make(ath_op_kind kind)
{
    ath_op op;
    memset(&op, 0, sizeof(op));
    op.kind = kind;
    return op;
}

static void qualified(ath_buf *out, const char *schema, const char *name)
{
    if (schema)
        ath_buf_printf(out, "%s.", schema);
    ath_buf_puts(out, name ? name : "?");
}

void ops_describe(ath_buf *out, const ath_op *op)
{
    ath_buf_puts(out, ath_op_kind_name(op->kind));
    ath_buf_putc(out, ' ');
    switch (op->kind) {
    case ATH_OP_ADD_COLUMN:
    case ATH_OP_DROP_COLUMN:
    case ATH_OP_ALTER_COLUMN:
        qualified(out, op->schema, op->table);
        ath_buf_printf(out, ".%s",
                       op->kind == ATH_OP_ALTER_COLUMN ? op->u.alter.column : op->u.column.name);
        return;
    case ATH_OP_CREATE_INDEX:
    case ATH_OP_DROP_INDEX:
        ath_buf_puts(out, op->u.index.name ? op->u.index.name : "(unnamed)");
        if (op->table) {
            ath_buf_puts(out, " on ");
            qualified(out, op->schema, op->table);
        }
        return;
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
    case ATH_OP_CREATE_FOREIGN_KEY:
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
    case ATH_OP_CREATE_PRIMARY_KEY:
    case ATH_OP_DROP_CONSTRAINT:
        ath_buf_puts(out, op->u.constraint.name ? op->u.constraint.name : "(unnamed)");
        ath_buf_puts(out, " on ");
        qualified(out, op->schema, op->table);
        return;
    case ATH_OP_CREATE_ENUM:
    case ATH_OP_DROP_ENUM:
        qualified(out, op->schema, op->u.enum_def.name);
        return;
    case ATH_OP_ADD_ENUM_VALUE:
        qualified(out, op->schema, op->u.enum_value.name);
        ath_buf_printf(out, " '%s'", op->u.enum_value.value ? op->u.enum_value.value : "?");
        return;
    case ATH_OP_EXECUTE: {
        /* Enough of the statement to recognise it, on one line. */
        const char *sql = op->u.execute.sql ? op->u.execute.sql : "";
        while (*sql == ' ' || *sql == '\n' || *sql == '\t')
            sql++;
        size_t n = strcspn(sql, "\n");
        ath_buf_putc(out, '\'');
        ath_buf_put(out, sql, n > 40 ? 40 : n);
        ath_buf_puts(out, n > 40 ? "...'" : "'");
        return;
    }
    default:
        qualified(out, op->schema, op->table);
        return;
    }
}

static int not_invertible(const ath_op *op, const char *why)
{
    ath_buf b = ATH_BUF_INIT;
    ops_describe(&b, op);
    int rc = b.oom ? ath_error_oom()
                   : ath_error(ATH_EUNSUPPORTED, "%s: not invertible: %s", ath_buf_cstr(&b), why);
    ath_buf_free(&b);
    return rc;
}

static ath_op_kind create_kind_of(ath_constraint_type type)
{
    switch (type) {
    case ATH_CONSTRAINT_FOREIGNKEY:
        return ATH_OP_CREATE_FOREIGN_KEY;
    case ATH_CONSTRAINT_CHECK:
        return ATH_OP_CREATE_CHECK_CONSTRAINT;
    case ATH_CONSTRAINT_PRIMARY:
        return ATH_OP_CREATE_PRIMARY_KEY;
    default:
        return ATH_OP_CREATE_UNIQUE_CONSTRAINT;
    }
}

static ath_constraint_type type_of_create(ath_op_kind kind)
{
    switch (kind) {
    case ATH_OP_CREATE_FOREIGN_KEY:
        return ATH_CONSTRAINT_FOREIGNKEY;
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
        return ATH_CONSTRAINT_CHECK;
    case ATH_OP_CREATE_PRIMARY_KEY:
        return ATH_CONSTRAINT_PRIMARY;
    default:
        return ATH_CONSTRAINT_UNIQUE;
    }
}

/* alter_column: each changed attribute trades places with its existing value. */
static int invert_alter(ath_op *out, const ath_op *op)
{
    const ath_op_alter_column *a = &op->u.alter;
    ath_op_alter_column *r = &out->u.alter;
    if (a->type && !a->existing_type)
        return not_invertible(op, "the existing type is not known");
    if (a->nullable.set && !a->existing_nullable.set)
        return not_invertible(op, "the existing nullability is not known");
    if (a->server_default.set && !a->existing_server_default.set)
        return not_invertible(op, "the existing server default is not known");
    if (a->comment.set && !a->existing_comment.set)
        return not_invertible(op, "the existing comment is not known");
    if (a->new_name) {
        r->column = a->new_name;
        r->new_name = a->column;
    }
    if (a->type) {
        r->type = a->existing_type;
        r->existing_type = a->type;
    }
    if (a->nullable.set) {
        r->nullable = a->existing_nullable;
        r->existing_nullable = a->nullable;
    }
    if (a->server_default.set) {
        r->server_default = a->existing_server_default;
        r->existing_server_default = a->server_default;
    }
    if (a->comment.set) {
        r->comment = a->existing_comment;
        r->existing_comment = a->comment;
    }
    return 0;
}

int ath_op_inverse(ath_op *out, const ath_op *op)
{
    *out = *op;
    switch (op->kind) {
    case ATH_OP_CREATE_TABLE:
        out->kind = ATH_OP_DROP_TABLE;
        return 0;
    case ATH_OP_DROP_TABLE:
        if (!op->u.table_def)
            return not_invertible(op, "the dropped table's definition is not known");
        out->kind = ATH_OP_CREATE_TABLE;
        return 0;
    case ATH_OP_RENAME_TABLE:
        out->table = op->u.rename.new_name;
        out->u.rename.new_name = op->table;
        return 0;
    case ATH_OP_CREATE_TABLE_COMMENT:
        if (!op->u.table_comment.existing.set)
            return not_invertible(op, "the existing comment is not known");
        out->u.table_comment.existing.set = true;
        out->u.table_comment.existing.value = op->u.table_comment.comment;
        out->u.table_comment.comment = op->u.table_comment.existing.value;
        out->kind = op->u.table_comment.existing.value ? ATH_OP_CREATE_TABLE_COMMENT
                                                       : ATH_OP_DROP_TABLE_COMMENT;
        return 0;
    case ATH_OP_DROP_TABLE_COMMENT:
        if (!op->u.table_comment.existing.set || !op->u.table_comment.existing.value)
            return not_invertible(op, "the existing comment is not known");
        out->kind = ATH_OP_CREATE_TABLE_COMMENT;
        out->u.table_comment.comment = op->u.table_comment.existing.value;
        out->u.table_comment.existing.value = NULL;
        return 0;
    case ATH_OP_ADD_COLUMN:
        out->kind = ATH_OP_DROP_COLUMN;
        return 0;
    case ATH_OP_DROP_COLUMN:
        if (!op->u.column.def)
            return not_invertible(op, "the dropped column's definition is not known");
        out->kind = ATH_OP_ADD_COLUMN;
        return 0;
    case ATH_OP_ALTER_COLUMN:
        return invert_alter(out, op);
    case ATH_OP_CREATE_INDEX:
        out->kind = ATH_OP_DROP_INDEX;
        return 0;
    case ATH_OP_DROP_INDEX:
        if (!op->u.index.def)
            return not_invertible(op, "the dropped index's definition is not known");
        if (!op->table)
            return not_invertible(op, "the index's table is not known");
        out->kind = ATH_OP_CREATE_INDEX;
        return 0;
    case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
    case ATH_OP_CREATE_FOREIGN_KEY:
    case ATH_OP_CREATE_CHECK_CONSTRAINT:
    case ATH_OP_CREATE_PRIMARY_KEY:
        if (!op->u.constraint.name)
            return not_invertible(op, "an unnamed constraint cannot be dropped by name");
        out->kind = ATH_OP_DROP_CONSTRAINT;
        out->u.constraint.type = type_of_create(op->kind);
        out->u.constraint.has_def = true;
        return 0;
    case ATH_OP_DROP_CONSTRAINT:
        if (!op->u.constraint.has_def || op->u.constraint.type == ATH_CONSTRAINT_UNKNOWN)
            return not_invertible(op, "the dropped constraint's definition is not known");
        out->kind = create_kind_of(op->u.constraint.type);
        out->u.constraint.has_def = false;
        return 0;
    case ATH_OP_CREATE_ENUM:
        out->kind = ATH_OP_DROP_ENUM;
        return 0;
    case ATH_OP_DROP_ENUM:
        if (!op->u.enum_def.values)
            return not_invertible(op, "the dropped type's values are not known");
        out->kind = ATH_OP_CREATE_ENUM;
        return 0;
    case ATH_OP_ADD_ENUM_VALUE:
        return not_invertible(op, "PostgreSQL cannot remove a value from an enum type");
    case ATH_OP_EXECUTE:
        if (!op->u.execute.inverse_sql)
            return not_invertible(op, "SQL text has no known inverse");
        out->u.execute.sql = op->u.execute.inverse_sql;
        out->u.execute.inverse_sql = op->u.execute.sql;
        return 0;
    case ATH_OP_BULK_INSERT:
        return not_invertible(op, "inserted rows are not removed");
    }
    return ath_error(ATH_EINVAL, "unknown op kind %d", (int)op->kind);
}

int ath_ops_inverse(ath_op **out, size_t *out_n, ath_arena *arena, const ath_op *ops, size_t n)
{
    *out = NULL;
    *out_n = 0;
    ath_op *inv = ath_arena_alloc(arena, (n ? n : 1) * sizeof(*inv));
    if (!inv)
        return ath_error_oom();
    for (size_t i = 0; i < n; i++) {
        int rc = ath_op_inverse(&inv[n - 1 - i], &ops[i]);
        if (rc)
            return rc;
    }
    *out = inv;
    *out_n = n;
    return 0;
}
