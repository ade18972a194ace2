/*
 * The pieces of lib/runner/internal.h: what online runs, offline output and
 * stamp do alike.
 */
#include "runner/internal.h"

#include "athanor/runner.h"
#include "models/resolve.h"
#include "py/parser.h"
#include "script/body.h"

#include <stdlib.h>
#include <string.h>

const char runner_version_table_sql[] = "CREATE TABLE alembic_version (\n"
                                        "\tversion_num VARCHAR(32) NOT NULL, \n"
                                        "\tCONSTRAINT alembic_version_pkc PRIMARY KEY "
                                        "(version_num)\n"
                                        ")";

int runner_read_body(ath_op **ops, size_t *nops, char checksum[41], ath_arena *arena,
                     const ath_revision_step *step, ath_dialect dialect, ath_diags *diags)
{
    const ath_revision *rev = step->revision;
    *ops = NULL;
    *nops = 0;
    if (!rev->path)
        return ath_error(ATH_ENOTFOUND, "revision %s has no script file", rev->id);
    char *src = NULL;
    size_t len = 0;
    int rc = ath_file_read(&src, &len, rev->path);
    if (rc)
        return rc;
    if (checksum)
        ath_runner_blob_id(checksum, src, len);
    ath_py_node *tree = NULL;
    rc = ath_py_parse(&tree, arena, rev->path, src, len, diags);
    free(src);
    if (rc)
        return rc;
    ath_models_options mopt = {dialect, NULL, 0, NULL};
    ath_project *project = ath_project_new(arena, &mopt, diags);
    ath_scope *scope = NULL;
    if (!project)
        return ath_error_oom();
    rc = ath_project_add_file(&scope, project, rev->path, "", tree);
    if (rc)
        return rc;
    return ath_script_read_body(ops, nops, arena, tree, rev->path, rev->id, scope, dialect,
                                step->upgrade ? ATH_SCRIPT_UPGRADE : ATH_SCRIPT_DOWNGRADE,
                                diags);
}

void runner_version_sql(ath_buf *out, const ath_version_op *op, ath_dialect dialect,
                        bool returning)
{
    switch (op->kind) {
    case ATH_VERSION_INSERT:
        ath_buf_puts(out, "INSERT INTO alembic_version (version_num) VALUES (");
        ath_quote_literal(out, dialect, op->to);
        ath_buf_puts(out, ")");
        if (returning && dialect == ATH_DIALECT_POSTGRESQL)
            ath_buf_puts(out, " RETURNING alembic_version.version_num");
        break;
    case ATH_VERSION_DELETE:
        ath_buf_puts(out, "DELETE FROM alembic_version WHERE alembic_version.version_num = ");
        ath_quote_literal(out, dialect, op->from);
        break;
    case ATH_VERSION_UPDATE:
        ath_buf_puts(out, "UPDATE alembic_version SET version_num=");
        ath_quote_literal(out, dialect, op->to);
        ath_buf_puts(out, " WHERE alembic_version.version_num = ");
        ath_quote_literal(out, dialect, op->from);
        break;
    }
}

int runner_tables_exist(bool *version, bool *history, ath_arena *arena, ath_backend *backend)
{
    bool pg = ath_backend_dialect(backend) == ATH_DIALECT_POSTGRESQL;
    ath_rows rows;
    *version = false;
    if (history)
        *history = false;
    int rc = ath_backend_query(
        &rows, arena, backend,
        pg ? "SELECT to_regclass('alembic_version') IS NOT NULL, "
             "to_regclass('athanor_history') IS NOT NULL"
           : "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' "
             "AND name = 'alembic_version'), (SELECT count(*) FROM sqlite_master "
             "WHERE type = 'table' AND name = 'athanor_history')",
        NULL, 0);
    if (rc)
        return rc;
    for (size_t i = 0; i < 2 && rows.nrows == 1 && i < rows.ncols; i++) {
        const char *v = rows.values[i];
        bool yes = v && (pg ? strcmp(v, "t") == 0 : strcmp(v, "0") != 0);
        if (i == 0)
            *version = yes;
        else if (history)
            *history = yes;
    }
    return 0;
}
