/*
 * `athanor migrate` and `athanor revision`: write a new migration script into
 * DIR/versions, empty or (autogenerate) with the ops that turn the database's
 * schema into the models', as `flask db migrate` / `flask db revision` do.
 * The database is only read. Everything is checked before the file is
 * written, and the file is never half-written or overwritten.
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct request {
    const char *command;
    const char *message, *dir, *url, *rev_id, *head, *splice, *autogenerate,
        *compare_server_default;
    bool check; /* `check`: a database behind the heads is pending work (exit 3), not an error */
    cli_list models, labels, depends, renames;
} request;

static void request_free(request *q)
{
    free(q->models.items);
    free(q->labels.items);
    free(q->depends.items);
    free(q->renames.items);
}

static void usage(const char *command)
{
    bool migrate = strcmp(command, "migrate") == 0;
    printf("usage: athanor %s -m MESSAGE [-d DIR]%s [--rev-id ID] [--head REV] [--splice]\n"
           "       [--branch-label LABEL] [--depends-on REV]...%s\n\n",
           command, migrate ? "" : " [--autogenerate]",
           " [--models PATH]... [--url URL]\n       [--rename TABLE.OLD=NEW | OLD=NEW]... "
           "[--compare-server-default]");
    printf("%s\n\n",
           migrate ? "Write a migration script with the changes that bring the database's "
                     "schema to the models'\n(what `flask db migrate` does)."
                   : "Write a new migration script: empty, or with --autogenerate the changes "
                     "that bring\nthe database's schema to the models' (`flask db revision`).");
    fputs("  -m, --message MESSAGE   the script's message (its docstring and file name)\n"
          "  -d, --directory DIR     migrations folder (default: migrations)\n",
          stdout);
    if (!migrate)
        fputs("  --autogenerate          compare the models with the database\n", stdout);
    fputs("  --rev-id ID             the new revision's id (default: 12 random hex digits)\n"
          "  --head REV              the revision to build on (default: head)\n"
          "  --splice                allow --head to name a revision that is not a head\n"
          "  --branch-label LABEL    a branch label for the new revision\n"
          "  --depends-on REV        a revision the new one depends on (repeatable)\n"
          "  --models PATH...        model files or folders (default: the [athanor] models\n"
          "                          of DIR/alembic.ini, else the files that define models)\n"
          "  --url URL               SQLAlchemy database URL (default: $DATABASE_URL, else\n"
          "                          $SQLALCHEMY_DATABASE_URI, else the [athanor] url)\n"
          "  --rename T.OLD=NEW      column OLD of table T was renamed NEW: keep its data\n"
          "  --rename OLD=NEW        table OLD was renamed NEW: keep its data\n"
          "  --compare-server-default  also compare server defaults\n",
          stdout);
}

/* Alembic's revision ids: word characters only (it splits on '-', '@', '+' and ','). */
static bool valid_rev_id(const char *id)
{
    if (!*id)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

/*
 * The revisions the new one is built on (its down_revision), as Alembic's
 * revision command picks them: `--head` resolved, each a head unless
 * --splice. *down is NULL with *ndown 0 for a first revision.
 */
static int pick_parents(const char ***down, size_t *ndown, session *s, const request *q)
{
    *down = NULL;
    *ndown = 0;
    const char *head = q->head ? q->head : "head";
    ath_revset set;
    if (ath_revmap_resolve(&set, s->arena, s->map, head, NULL, 0) != 0) {
        if (ath_error_last_code() == ATH_ECONFLICT && strcmp(head, "head") == 0)
            ath_error(ATH_ECONFLICT, "Multiple heads are present; please specify the head "
                                     "revision on which the new revision should be based, or "
                                     "perform a merge.");
        return cli_fail();
    }
    const char **ids = set.count ? ath_arena_alloc(s->arena, set.count * sizeof(*ids)) : NULL;
    if (set.count && !ids) {
        ath_error_oom();
        return cli_fail();
    }
    for (size_t i = 0; i < set.count; i++) {
        if (!set.items[i]->is_head && !q->splice) {
            fprintf(stderr,
                    "athanor: error: Revision %s is not a head revision; please specify "
                    "--splice to create a new branch from this revision\n",
                    set.items[i]->id);
            return EXIT_ERROR;
        }
        ids[i] = set.items[i]->id;
    }
    *down = ids;
    *ndown = set.count;
    return 0;
}

/* depends_on as Alembic writes it: branch labels kept, partial ids completed. */
static int resolve_depends(const char ***out, session *s, const request *q)
{
    *out = NULL;
    if (!q->depends.count)
        return 0;
    const char **deps = ath_arena_alloc(s->arena, q->depends.count * sizeof(*deps));
    if (!deps) {
        ath_error_oom();
        return cli_fail();
    }
    for (size_t i = 0; i < q->depends.count; i++) {
        const char *dep = q->depends.items[i];
        const ath_revision *rev = NULL;
        if (ath_revmap_resolve_one(&rev, s->arena, s->map, dep, NULL, 0) != 0)
            return cli_fail();
        if (!rev) {
            fprintf(stderr, "athanor: error: --depends-on %s names no revision\n", dep);
            return EXIT_ERROR;
        }
        deps[i] = ath_revmap_label(s->map, dep) ? dep : rev->id;
    }
    *out = deps;
    return 0;
}

/* Refuses an id or label the folder has already, before anything is read from the database. */
static int check_new_names(session *s, const request *q, const char *rev_id)
{
    if (ath_revmap_get(s->map, rev_id)) {
        fprintf(stderr, "athanor: error: Revision %s is already present in %s\n", rev_id,
                s->versions);
        return EXIT_ERROR;
    }
    for (size_t i = 0; i < q->labels.count; i++) {
        const ath_revision *owner = ath_revmap_label(s->map, q->labels.items[i]);
        if (owner || ath_revmap_get(s->map, q->labels.items[i])) {
            fprintf(stderr, "athanor: error: Branch name '%s' is already used by revision %s\n",
                    q->labels.items[i], owner ? owner->id : q->labels.items[i]);
            return EXIT_ERROR;
        }
    }
    return 0;
}

/* Alembic refuses to autogenerate on a database that is not at the heads. */
static int check_up_to_date(session *s, const request *q)
{
    const char **current = NULL;
    size_t ncurrent = 0;
    if (ath_runner_current(&current, &ncurrent, s->arena, s->backend) != 0)
        return cli_fail();
    ath_revset heads;
    if (ath_revmap_resolve(&heads, s->arena, s->map, "heads", NULL, 0) != 0)
        return cli_fail();
    size_t matched = 0;
    for (size_t i = 0; i < ncurrent; i++) {
        const ath_revision *rev = NULL;
        if (ath_revmap_resolve_one(&rev, s->arena, s->map, current[i], NULL, 0) != 0)
            return cli_fail();
        bool is_head = false;
        for (size_t h = 0; rev && h < heads.count; h++)
            is_head = is_head || heads.items[h] == rev;
        if (!is_head)
            break;
        matched++;
    }
    if (matched != ncurrent || ncurrent != heads.count) {
        fputs(q->check ? "athanor check: Target database is not up to date (migrations to run).\n"
                       : "athanor: error: Target database is not up to date.\n",
              stderr);
        return q->check ? EXIT_DRIFT : EXIT_ERROR;
    }
    return 0;
}

/* The downgrade: each op undone, last first; an added enum value stays (a warning said so). */
static int downgrade_ops(ath_op **out, size_t *nout, ath_arena *arena, const ath_op *up, size_t n)
{
    ath_op *down = n ? ath_arena_alloc(arena, n * sizeof(*down)) : NULL;
    if (n && !down)
        return ath_error_oom();
    size_t k = 0;
    for (size_t i = n; i-- > 0;) {
        if (up[i].kind == ATH_OP_ADD_ENUM_VALUE)
            continue;
        int rc = ath_op_inverse(&down[k], &up[i]);
        if (rc)
            return rc;
        k++;
    }
    *out = down;
    *nout = k;
    return 0;
}

/* What autogenerate found, one line per op on stderr, as Alembic logs it. */
static void print_detected(const ath_op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ath_op *op = &ops[i];
        const char *what = ath_op_kind_name(op->kind);
        switch (op->kind) {
        case ATH_OP_ADD_COLUMN:
        case ATH_OP_DROP_COLUMN:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s.%s'\n", what, op->table,
                    op->u.column.name ? op->u.column.name : op->u.column.def->name);
            break;
        case ATH_OP_ALTER_COLUMN:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s.%s'\n", what, op->table,
                    op->u.alter.column);
            break;
        case ATH_OP_CREATE_INDEX:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s' on '%s'\n", what,
                    op->u.index.def->name, op->table);
            break;
        case ATH_OP_DROP_INDEX:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s' on '%s'\n", what,
                    op->u.index.name, op->table ? op->table : "?");
            break;
        case ATH_OP_CREATE_ENUM:
        case ATH_OP_DROP_ENUM:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s'\n", what,
                    op->u.enum_def.name);
            break;
        case ATH_OP_ADD_ENUM_VALUE:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s' on '%s'\n", what,
                    op->u.enum_value.value, op->u.enum_value.name);
            break;
        case ATH_OP_CREATE_UNIQUE_CONSTRAINT:
        case ATH_OP_CREATE_FOREIGN_KEY:
        case ATH_OP_CREATE_CHECK_CONSTRAINT:
        case ATH_OP_CREATE_PRIMARY_KEY:
        case ATH_OP_DROP_CONSTRAINT:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s' on '%s'\n", what,
                    op->u.constraint.name ? op->u.constraint.name : "(unnamed)", op->table);
            break;
        case ATH_OP_RENAME_TABLE:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s' -> '%s'\n", what,
                    op->table, op->u.rename.new_name);
            break;
        default:
            fprintf(stderr, "INFO  [athanor.autogenerate] Detected %s '%s'\n", what,
                    op->table ? op->table : "");
            break;
        }
    }
}

/* Writes `text` to a new file `path`; never replaces one, removes its own on failure. */
static int write_new_file(const char *path, const ath_buf *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0)
        return ath_error(errno == EEXIST ? ATH_ECONFLICT : ATH_EIO, "cannot create %s: %s", path,
                         strerror(errno));
    const char *p = ath_buf_cstr(text);
    size_t done = 0;
    int err = 0;
    while (done < text->len) {
        ssize_t w = write(fd, p + done, text->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            err = w < 0 ? errno : EIO;
            break;
        }
        done += (size_t)w;
    }
    if (close(fd) != 0 && !err)
        err = errno;
    if (err) {
        unlink(path);
        return ath_error(ATH_EIO, "cannot write %s: %s", path, strerror(err));
    }
    return 0;
}

/* A readable migrations folder with versions/ in it, or a clear refusal. */
static int check_folder(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr,
                "athanor: error: %s: %s (create a migrations folder with 'athanor init -d %s')\n",
                dir, stat(dir, &st) != 0 ? strerror(errno) : "not a folder", dir);
        return EXIT_ERROR;
    }
    char versions[PATH_MAX];
    snprintf(versions, sizeof(versions), "%s/versions", dir);
    if (stat(versions, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "athanor: error: %s: %s\n", versions,
                stat(versions, &st) != 0 ? strerror(errno) : "not a folder");
        return EXIT_ERROR;
    }
    if (access(versions, R_OK | W_OK | X_OK) != 0) {
        fprintf(stderr, "athanor: error: %s: %s\n", versions, strerror(errno));
        return EXIT_ERROR;
    }
    return 0;
}

/* The ops for an autogenerated script; *nup 0 means no change. */
static int autogenerate(ath_op **up, size_t *nup, ath_dialect *dialect, session *s,
                        const request *q)
{
    *up = NULL;
    *nup = 0;
    const char *url = cli_config_url(q->url, &s->config);
    if (!url)
        return cli_usage_error(q->command,
                               "no database: give --url, set DATABASE_URL or "
                               "SQLALCHEMY_DATABASE_URI, or set url in the [athanor] section of "
                               "%s/alembic.ini",
                               s->dir);
    ath_url parsed;
    if (ath_url_parse(&parsed, s->arena, url) != 0)
        return cli_fail();
    *dialect = parsed.dialect;
    ath_diff_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.dialect = parsed.dialect;
    opts.compare_server_default = q->compare_server_default != NULL;
    ath_rename *renames =
        q->renames.count ? ath_arena_alloc(s->arena, q->renames.count * sizeof(*renames)) : NULL;
    if (q->renames.count && !renames) {
        ath_error_oom();
        return cli_fail();
    }
    for (size_t i = 0; i < q->renames.count; i++)
        if (ath_rename_parse(&renames[i], s->arena, q->renames.items[i]) != 0)
            return cli_usage_error(q->command, "--rename %s: %s", q->renames.items[i],
                                   ath_error_last());
    opts.renames = renames;
    opts.nrenames = q->renames.count;
    /* The models first: an error in them leaves even a SQLite file uncreated. */
    ath_schema *models = NULL;
    int rc = cli_read_models(&models, s->arena, q->models.items, q->models.count, &s->config,
                             parsed.dialect);
    if (rc)
        return rc;
    ath_schema *actual = NULL;
    rc = ath_backend_open(&s->backend, url, ATH_OPEN_MUST_EXIST);
    if (rc == ATH_ENOTFOUND && parsed.dialect == ATH_DIALECT_SQLITE) {
        /* No database file yet: everything is new, and nothing is created to say so. */
        if (ath_revmap_count(s->map) != 0) {
            fputs(q->check ? "athanor check: Target database is not up to date (no database "
                             "yet, migrations to run).\n"
                           : "athanor: error: Target database is not up to date.\n",
                  stderr);
            return q->check ? EXIT_DRIFT : EXIT_ERROR;
        }
        actual = ath_schema_new(s->arena);
        if (!actual) {
            ath_error_oom();
            return cli_fail();
        }
    } else if (rc) {
        return cli_fail();
    } else {
        if ((rc = check_up_to_date(s, q)))
            return rc;
        if (ath_backend_introspect(&actual, s->arena, s->backend) != 0)
            return cli_fail();
    }
    ath_diags notes;
    ath_diags_init(&notes, s->arena);
    rc = ath_diff(up, nup, s->arena, actual, models, &opts, &notes);
    cli_print_diags(&notes);
    if (rc)
        return cli_fail();
    return 0;
}

static int new_revision(request *q)
{
    if (q->rev_id && !valid_rev_id(q->rev_id))
        return cli_usage_error(q->command,
                               "--rev-id %s: a revision id is letters, digits and '_' only",
                               q->rev_id);
    int rc = check_folder(q->dir);
    if (rc)
        return rc;
    session s;
    rc = session_open(&s, q->command, q->dir, q->url, true, false);
    const char **down = NULL, **deps = NULL;
    size_t ndown = 0;
    char id[13];
    const char *rev_id = q->rev_id;
    if (!rc && !rev_id) {
        if (ath_script_new_id(id) != 0)
            rc = cli_fail();
        rev_id = id;
    }
    if (!rc)
        rc = check_new_names(&s, q, rev_id);
    if (!rc)
        rc = pick_parents(&down, &ndown, &s, q);
    if (!rc)
        rc = resolve_depends(&deps, &s, q);
    ath_op *up = NULL, *down_ops = NULL;
    size_t nup = 0, ndown_ops = 0;
    ath_dialect dialect = ATH_DIALECT_SQLITE;
    if (!rc && q->autogenerate) {
        rc = autogenerate(&up, &nup, &dialect, &s, q);
        if (!rc && nup == 0) {
            fputs("INFO  [athanor.autogenerate] No changes in schema detected.\n", stderr);
            session_close(&s);
            return EXIT_OK;
        }
        if (!rc && downgrade_ops(&down_ops, &ndown_ops, s.arena, up, nup) != 0)
            rc = cli_fail();
        if (!rc)
            print_detected(up, nup);
    }
    ath_buf text = ATH_BUF_INIT, name = ATH_BUF_INIT;
    if (!rc) {
        char date[64];
        ath_script_date_now(date, sizeof(date));
        ath_script_meta meta;
        memset(&meta, 0, sizeof(meta));
        meta.message = q->message;
        meta.revision = rev_id;
        meta.down_revisions = down;
        meta.ndown_revisions = ndown;
        meta.branch_labels = q->labels.items;
        meta.nbranch_labels = q->labels.count;
        meta.depends_on = deps;
        meta.ndepends_on = q->depends.count;
        meta.create_date = date;
        if (ath_script_write(&text, &meta, up, nup, down_ops, ndown_ops, dialect) != 0)
            rc = cli_fail();
    }
    if (!rc) {
        char *versions = cli_absolute_path(s.versions);
        ath_buf_printf(&name, "%s/", versions ? versions : s.versions);
        free(versions);
        ath_script_filename(&name, rev_id, q->message);
        if (ath_buf_check(&name) != 0)
            rc = cli_fail();
    }
    if (!rc) {
        printf("Generating %s ...  ", ath_buf_cstr(&name));
        fflush(stdout);
        if (write_new_file(ath_buf_cstr(&name), &text) != 0) {
            printf("failed\n");
            rc = cli_fail();
        } else {
            printf("done\n");
        }
    }
    ath_buf_free(&text);
    ath_buf_free(&name);
    session_close(&s);
    return rc;
}

static int run(const char *command, bool always_autogenerate, int argc, char **argv)
{
    request q;
    memset(&q, 0, sizeof(q));
    q.command = command;
    q.dir = "migrations";
    const char *help = NULL;
    int rc = cli_take_repeated(command, &argc, argv, "branch-label", &q.labels);
    if (!rc)
        rc = cli_take_repeated(command, &argc, argv, "depends-on", &q.depends);
    if (!rc)
        rc = cli_take_repeated(command, &argc, argv, "rename", &q.renames);
    const cli_option options[] = {
        {"message", 'm', true, &q.message},
        {"directory", 'd', true, &q.dir},
        {"url", 0, true, &q.url},
        {"rev-id", 0, true, &q.rev_id},
        {"head", 0, true, &q.head},
        {"splice", 0, false, &q.splice},
        {"compare-server-default", 0, false, &q.compare_server_default},
        {"help", 'h', false, &help},
        {"autogenerate", 0, false, &q.autogenerate},
    };
    size_t n = sizeof(options) / sizeof(*options) - (always_autogenerate ? 1 : 0);
    if (!rc)
        rc = cli_parse_with_models(command, argc, argv, options, n, &q.models);
    if (!rc && help)
        usage(command);
    else if (!rc) {
        if (always_autogenerate)
            q.autogenerate = "";
        if (!q.autogenerate && (q.models.count || q.renames.count || q.compare_server_default))
            rc = cli_usage_error(command, "--models, --rename and --compare-server-default need "
                                          "--autogenerate");
        else
            rc = new_revision(&q);
    }
    request_free(&q);
    return rc;
}

int cmd_migrate(int argc, char **argv) { return run("migrate", true, argc, argv); }

int cmd_revision(int argc, char **argv) { return run("revision", false, argc, argv); }

/*
 * `athanor check`: what `flask db check` does with a newer Alembic, for CI:
 * exit 0 when the database is at the heads and the models match it, 3 when
 * there are migrations to run or changes no migration has yet. Writes
 * nothing and changes nothing.
 */
int cmd_check(int argc, char **argv)
{
    request q;
    memset(&q, 0, sizeof(q));
    q.command = "check";
    q.dir = "migrations";
    q.check = true;
    const char *help = NULL;
    const cli_option options[] = {
        {"directory", 'd', true, &q.dir},
        {"url", 0, true, &q.url},
        {"compare-server-default", 0, false, &q.compare_server_default},
        {"help", 'h', false, &help},
    };
    int rc = cli_parse_with_models("check", argc, argv, options,
                                   sizeof(options) / sizeof(*options), &q.models);
    if (!rc && help) {
        printf("usage: athanor check [-d DIR] [--models PATH]... [--url URL] "
               "[--compare-server-default]\n\n"
               "Check that the database is at the head revision(s) and that the models need\n"
               "no new migration. Exit 0 if so, 3 if not (the changes are listed), 1 on error.\n");
    } else if (!rc && !(rc = check_folder(q.dir))) {
        session s;
        rc = session_open(&s, "check", q.dir, q.url, true, false);
        ath_op *up = NULL;
        size_t nup = 0;
        ath_dialect dialect = ATH_DIALECT_SQLITE;
        if (!rc)
            rc = autogenerate(&up, &nup, &dialect, &s, &q);
        if (!rc && nup) {
            print_detected(up, nup);
            fprintf(stderr, "athanor check: New upgrade operations detected (%zu); write them "
                            "with athanor migrate\n",
                    nup);
            rc = EXIT_DRIFT;
        } else if (!rc) {
            puts("No new upgrade operations detected.");
        }
        session_close(&s);
    }
    request_free(&q);
    return rc;
}
