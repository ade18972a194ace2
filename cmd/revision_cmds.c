/*
 * `athanor stamp`, `show`, `branches` and `merge`: the revision-graph
 * commands of `flask db`, with its options, Alembic's output on stdout and
 * its log line on stderr. The work is the library's; this file prints.
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- stamp ---- */

/* "Running stamp_revision a -> b", as alembic.runtime.migration logs a StampStep. */
static void print_stamp_step(void *ctx, const ath_stamp_step *step)
{
    (void)ctx;
    fprintf(stderr, "INFO  [alembic.runtime.migration] Running stamp_revision ");
    for (size_t i = 0; i < step->nfrom; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", step->from[i]);
    fprintf(stderr, " -> %s\n", step->to ? step->to : "");
}

int cmd_stamp(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations", *help = NULL, *purge = NULL;
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"directory", 'd', true, &dir},
        {"purge", 0, false, &purge},
        {"help", 'h', false, &help},
    };
    const char *target = "head";
    size_t npos = 0;
    int rc = cli_parse("stamp", argc, argv, options, sizeof(options) / sizeof(*options), &target, 1,
                       &npos);
    if (rc)
        return rc;
    if (help) {
        printf("usage: athanor stamp [REVISION] [--purge] [-d DIR] [--url URL]\n\n"
               "Set alembic_version to REVISION without running any migration.\n\n"
               "  REVISION             target revision (default: head); base removes the rows\n"
               "                       of its branches\n"
               "  --purge              empty alembic_version first\n"
               "  --url URL            SQLAlchemy database URL (default: $DATABASE_URL, else\n"
               "                       $SQLALCHEMY_DATABASE_URI, else the [athanor] url of\n"
               "                       DIR/alembic.ini)\n"
               "  -d, --directory DIR  migrations folder (default: migrations)\n");
        return EXIT_OK;
    }
    session s;
    rc = session_open(&s, "stamp", dir, url_opt, false, true);
    if (!rc) {
        ath_diags diags;
        ath_diags_init(&diags, s.arena);
        ath_stamp_options opt = {&diags, print_stamp_step, NULL};
        int lrc = ath_runner_stamp(s.backend, s.versions, target, purge != NULL, &opt);
        cli_print_diags(&diags);
        if (lrc)
            rc = cli_fail();
    }
    session_close(&s);
    return rc;
}

/* ---- show ---- */

int cmd_show(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations", *help = NULL;
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"directory", 'd', true, &dir},
        {"help", 'h', false, &help},
    };
    const char *rev = "head";
    size_t npos = 0;
    int rc =
        cli_parse("show", argc, argv, options, sizeof(options) / sizeof(*options), &rev, 1, &npos);
    if (rc)
        return rc;
    if (help) {
        printf("usage: athanor show [REVISION] [-d DIR] [--url URL]\n\n"
               "Show the revision(s) REVISION names (default: head); `current` reads the\n"
               "database's.\n");
        return EXIT_OK;
    }
    bool current = strcmp(rev, "current") == 0;
    session s;
    rc = session_open(&s, "show", dir, url_opt, true, current);
    const char **heads = NULL;
    size_t nheads = 0;
    if (!rc && current && ath_runner_current(&heads, &nheads, s.arena, s.backend) != 0)
        rc = cli_fail();
    ath_revset revs = {NULL, 0};
    ath_buf out = ATH_BUF_INIT;
    /* `current` is the database's rows, each resolved as Alembic's get_revisions does. */
    for (size_t i = 0; !rc && i < (current ? nheads : 1); i++) {
        if (ath_revmap_resolve(&revs, s.arena, s.map, current ? heads[i] : rev, NULL, 0) != 0) {
            rc = cli_fail();
            break;
        }
        for (size_t j = 0; j < revs.count; j++) {
            put_log_entry(&out, s.arena, revs.items[j]);
            ath_buf_putc(&out, '\n');
        }
    }
    if (!rc)
        rc = cli_write_stdout(&out);
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}

/* ---- branches ---- */

int cmd_branches(int argc, char **argv)
{
    const char *dir = "migrations", *help = NULL, *verbose = NULL;
    const cli_option options[] = {
        {"directory", 'd', true, &dir},
        {"verbose", 'v', false, &verbose},
        {"help", 'h', false, &help},
    };
    size_t npos = 0;
    int rc = cli_parse("branches", argc, argv, options, sizeof(options) / sizeof(*options), NULL, 0,
                       &npos);
    if (rc)
        return rc;
    if (help) {
        printf("usage: athanor branches [-d DIR] [-v]\n\n"
               "Show the branch points of the history and what each branches into.\n");
        return EXIT_OK;
    }
    session s;
    rc = session_open(&s, "branches", dir, NULL, true, false);
    ath_revset revs = {NULL, 0};
    if (!rc && ath_revmap_history(&revs, s.arena, s.map, NULL, NULL, NULL, 0) != 0)
        rc = cli_fail();
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; !rc && i < revs.count; i++) {
        const ath_revision *bp = revs.items[i];
        if (!bp->is_branch_point)
            continue;
        if (verbose) {
            put_log_entry(&out, s.arena, bp);
        } else {
            ath_buf_puts(&out, bp->id);
            put_labels(&out, bp);
            put_indicators(&out, bp, true);
        }
        ath_buf_putc(&out, '\n');
        for (size_t j = 0; j < bp->nnext; j++) {
            const ath_revision *next = bp->next[j];
            if (j)
                ath_buf_putc(&out, '\n');
            ath_buf_printf(&out, "%*s -> %s", (int)strlen(bp->id), "", next->id);
            put_labels(&out, next);
            put_indicators(&out, next, true);
            if (verbose)
                ath_buf_printf(&out, ", %s", next->doc);
        }
        ath_buf_puts(&out, "\n\n");
    }
    if (!rc)
        rc = cli_write_stdout(&out);
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}

/* ---- merge ---- */

/* Alembic's verify_rev_id: '@', '-' and '+' have meanings in identifiers. */
static int check_rev_id(const char *id)
{
    char bad[8] = "";
    size_t n = 0;
    for (const char *c = "+-@"; *c; c++) {
        if (strchr(id, *c)) {
            n += (size_t)snprintf(bad + n, sizeof(bad) - n, "%s%c", n ? ", " : "", *c);
        }
    }
    if (n)
        return ath_error(ATH_EINVAL, "Character(s) '%s' not allowed in revision identifier '%s'",
                         bad, id);
    if (!*id)
        return ath_error(ATH_EINVAL, "the revision id is empty");
    return 0;
}

/* The revisions REVS name (`named`: given, not the default), as generate_revision checks
 * them: heads, each once. */
static int merge_parents(ath_revset *out, session *s, const char *const *revs, size_t nrevs,
                         bool named)
{
    out->count = 0;
    out->items = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < nrevs; i++) {
        ath_revset set;
        int rc = ath_revmap_resolve(&set, s->arena, s->map, revs[i], NULL, 0);
        if (rc == ATH_ECONFLICT && strstr(ath_error_last(), "Multiple head"))
            return ath_error(rc, "Multiple heads are present; please specify the head revision "
                                 "on which the new revision should be based, or perform a "
                                 "merge.");
        if (rc)
            return rc;
        for (size_t j = 0; j < set.count; j++) {
            for (size_t k = 0; k < out->count; k++)
                if (out->items[k] == set.items[j])
                    return ath_error(ATH_EINVAL, "Duplicate head revisions specified");
            const ath_revision **slot = ATH_PUSH(s->arena, out->items, out->count, cap);
            if (!slot)
                return ath_error_oom();
            *slot = set.items[j];
        }
    }
    for (size_t i = 0; i < out->count; i++)
        if (!out->items[i]->is_head)
            return ath_error(ATH_EINVAL,
                             "Revision %s is not a head revision; please specify --splice to "
                             "create a new branch from this revision",
                             out->items[i]->id);
    if (out->count < 2)
        return ath_error(ATH_EINVAL, "nothing to merge: %s %s; a merge needs two or more heads",
                         named ? "the revisions given name" : "the history has",
                         out->count ? "one head" : "no revision");
    return 0;
}

/* Writes `text` to a new file at `path`; an existing file is never replaced. */
static int write_new_file(const char *path, const ath_buf *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int err = errno;
        return ath_error(err == EEXIST ? ATH_ECONFLICT : ATH_EIO, "cannot create %s: %s%s", path,
                         strerror(err),
                         err == EEXIST ? " (an existing script is never replaced)" : "");
    }
    const char *p = ath_buf_cstr(text);
    size_t left = text->len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = errno;
            close(fd);
            unlink(path);
            return ath_error(ATH_EIO, "cannot write %s: %s", path, strerror(err));
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) != 0) {
        int err = errno;
        unlink(path);
        return ath_error(ATH_EIO, "cannot write %s: %s", path, strerror(err));
    }
    return 0;
}

static int merge_in(session *s, const char *message, const char *label, const char *rev_id,
                    const char *const *revs, size_t nrevs)
{
    static const char *const all_heads[] = {"heads"};
    char id[13];
    int rc = 0;
    if (!rev_id) {
        if ((rc = ath_script_new_id(id)) != 0)
            return rc;
        rev_id = id;
    }
    if ((rc = check_rev_id(rev_id)) != 0)
        return rc;
    ath_revset parents;
    rc = merge_parents(&parents, s, nrevs ? revs : all_heads, nrevs ? nrevs : 1, nrevs > 0);
    if (rc)
        return rc;
    if (ath_revmap_get(s->map, rev_id) || ath_revmap_label(s->map, rev_id))
        return ath_error(ATH_ECONFLICT, "Revision %s is already present in %s", rev_id,
                         s->versions);
    if (label) {
        const ath_revision *owner = ath_revmap_label(s->map, label);
        if (!owner)
            owner = ath_revmap_get(s->map, label);
        if (owner || strcmp(label, rev_id) == 0)
            return ath_error(ATH_ECONFLICT,
                             "Branch name '%s' in revision %s already used by revision %s", label,
                             rev_id, owner ? owner->id : rev_id);
    }
    const char **down = ath_arena_alloc(s->arena, parents.count * sizeof(*down));
    if (!down)
        return ath_error_oom();
    for (size_t i = 0; i < parents.count; i++)
        down[i] = parents.items[i]->id;
    char date[64];
    ath_script_date_now(date, sizeof(date));
    ath_script_meta meta = {0};
    meta.message = message ? message : "empty message";
    meta.revision = rev_id;
    meta.down_revisions = down;
    meta.ndown_revisions = parents.count;
    meta.branch_labels = label ? &label : NULL;
    meta.nbranch_labels = label ? 1 : 0;
    meta.create_date = date;
    ath_buf text = ATH_BUF_INIT, name = ATH_BUF_INIT;
    rc = ath_script_write_merge(&text, &meta);
    ath_buf_printf(&name, "%s/", s->versions);
    ath_script_filename(&name, rev_id, message);
    if (!rc)
        rc = ath_buf_check(&text);
    if (!rc)
        rc = ath_buf_check(&name);
    const char *path = rc ? NULL : abs_path(s->arena, ath_buf_cstr(&name));
    if (!rc)
        rc = write_new_file(path, &text);
    if (!rc)
        printf("Generating %s ...  done\n", path);
    ath_buf_free(&text);
    ath_buf_free(&name);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    const char *dir = "migrations", *help = NULL, *message = NULL, *label = NULL, *rev_id = NULL;
    const cli_option options[] = {
        {"directory", 'd', true, &dir},    {"message", 'm', true, &message},
        {"branch-label", 0, true, &label}, {"rev-id", 0, true, &rev_id},
        {"help", 'h', false, &help},
    };
    const char **revs = calloc((size_t)argc + 1, sizeof(*revs));
    if (!revs) {
        ath_error_oom();
        return cli_fail();
    }
    size_t nrevs = 0;
    int rc = cli_parse("merge", argc, argv, options, sizeof(options) / sizeof(*options), revs,
                       (size_t)argc, &nrevs);
    if (!rc && help)
        printf("usage: athanor merge [REVISIONS...] [-m MESSAGE] [--branch-label LABEL]\n"
               "                     [--rev-id ID] [-d DIR]\n\n"
               "Write a revision that merges REVISIONS (default: heads) into one.\n");
    if (!rc && !help) {
        session s;
        rc = session_open(&s, "merge", dir, NULL, true, false);
        if (!rc && merge_in(&s, message, label, rev_id, revs, nrevs) != 0)
            rc = cli_fail();
        session_close(&s);
    }
    free(revs);
    return rc;
}

/* ---- edit ---- */

/* Runs $VISUAL, else $EDITOR, else vi on `path` through the shell (an editor
 * may come with arguments: "code -w"); its exit status decides. */
static int run_editor(const char *path)
{
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor)
        editor = getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    size_t n = strlen(editor) + sizeof(" \"$1\"");
    char *cmd = malloc(n);
    if (!cmd)
        return ath_error_oom();
    snprintf(cmd, n, "%s \"$1\"", editor);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
        _exit(127);
    }
    free(cmd);
    if (pid < 0)
        return ath_error(ATH_EIO, "cannot start the editor: %s", strerror(errno));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return ath_error(ATH_EIO, "cannot wait for the editor: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ath_error(ATH_EIO, "the editor (%s) failed on %s", editor, path);
    return 0;
}

int cmd_edit(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations", *help = NULL;
    const cli_option options[] = {
        {"url", 0, true, &url_opt},
        {"directory", 'd', true, &dir},
        {"help", 'h', false, &help},
    };
    const char *rev = "current";
    size_t npos = 0;
    int rc =
        cli_parse("edit", argc, argv, options, sizeof(options) / sizeof(*options), &rev, 1, &npos);
    if (rc)
        return rc;
    if (help) {
        printf("usage: athanor edit [REVISION] [-d DIR] [--url URL]\n\n"
               "Open the script of REVISION (default: current, the database's) in $VISUAL,\n"
               "else $EDITOR, else vi.\n");
        return EXIT_OK;
    }
    bool current = strcmp(rev, "current") == 0;
    session s;
    rc = session_open(&s, "edit", dir, url_opt, true, current);
    const char **heads = NULL;
    size_t nheads = 0;
    if (!rc && current && ath_runner_current(&heads, &nheads, s.arena, s.backend) != 0)
        rc = cli_fail();
    ath_revset revs = {NULL, 0};
    if (!rc && !current && ath_revmap_resolve(&revs, s.arena, s.map, rev, NULL, 0) != 0)
        rc = cli_fail();
    if (!rc && current && nheads &&
        ath_revmap_resolve(&revs, s.arena, s.map, "current", heads, nheads) != 0)
        rc = cli_fail();
    if (!rc && revs.count == 0) {
        fprintf(stderr, "athanor: error: No revision files indicated by symbol '%s'\n", rev);
        rc = EXIT_ERROR;
    }
    for (size_t i = 0; !rc && i < revs.count; i++)
        if (!revs.items[i]->path || run_editor(revs.items[i]->path) != 0)
            rc = revs.items[i]->path ? cli_fail() : EXIT_ERROR;
    session_close(&s);
    return rc;
}
