/*
 * `athanor current`, `heads` and `history`: the listings of `flask db`, with
 * its options and its output lines on stdout; and Alembic's verbose form of
 * a revision (its log entry), which `show` and `branches -v` print too.
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *abs_path(ath_arena *arena, const char *path)
{
    ath_buf joined = ATH_BUF_INIT;
    if (path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        if (!cwd) {
            ath_buf_free(&joined);
            return path;
        }
        ath_buf_puts(&joined, cwd);
        ath_buf_putc(&joined, '/');
        free(cwd);
    }
    ath_buf_puts(&joined, path);
    if (ath_buf_check(&joined)) {
        ath_buf_free(&joined);
        return path;
    }
    /* os.path.normpath: no empty or "." parts, ".." takes the part before it. */
    char *text = joined.ptr;
    size_t len = joined.len, n = 0;
    char *outp = text; /* the result is never longer than the input: rewrite in place */
    for (size_t i = 0; i < len;) {
        while (i < len && text[i] == '/')
            i++;
        size_t start = i;
        while (i < len && text[i] != '/')
            i++;
        size_t plen = i - start;
        if (plen == 0 || (plen == 1 && text[start] == '.'))
            continue;
        if (plen == 2 && text[start] == '.' && text[start + 1] == '.') {
            while (n > 0 && outp[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
            continue;
        }
        outp[n++] = '/';
        memmove(outp + n, text + start, plen);
        n += plen;
    }
    if (n == 0)
        outp[n++] = '/';
    const char *result = ath_arena_strndup(arena, outp, n);
    ath_buf_free(&joined);
    return result ? result : path;
}

void put_log_entry(ath_buf *out, ath_arena *arena, const ath_revision *rev)
{
    ath_buf_printf(out, "Rev: %s%s%s%s\n", rev->id, rev->is_head ? " (head)" : "",
                   rev->is_branch_point ? " (branchpoint)" : "",
                   rev->is_merge_point ? " (mergepoint)" : "");
    ath_buf_puts(out, rev->is_merge_point ? "Merges: " : "Parent: ");
    if (rev->ndown)
        put_ids(out, rev->down, rev->ndown);
    else
        ath_buf_puts(out, "<base>");
    ath_buf_putc(out, '\n');
    /* As written in the script, as Alembic prints it: a label stays a label. */
    for (size_t i = 0; i < rev->ndepends_written; i++)
        ath_buf_printf(out, "%s%s%s", i ? ", " : "Also depends on: ", rev->depends_written[i],
                       i + 1 == rev->ndepends_written ? "\n" : "");
    if (rev->is_branch_point) {
        ath_buf_puts(out, "Branches into: ");
        put_ids(out, rev->next, rev->nnext);
        ath_buf_putc(out, '\n');
    }
    if (rev->nlabels) {
        ath_buf_puts(out, "Branch names: ");
        for (size_t i = 0; i < rev->nlabels; i++)
            ath_buf_printf(out, "%s%s", i ? ", " : "", rev->labels[i]);
        ath_buf_putc(out, '\n');
    }
    ath_buf_printf(out, "Path: %s\n\n", rev->path ? abs_path(arena, rev->path) : "None");
    /* The docstring's lines as str.splitlines() gives them, each indented. */
    for (const char *p = rev->longdoc; *p;) {
        size_t n = strcspn(p, "\r\n");
        ath_buf_puts(out, p == rev->longdoc ? "    " : "\n    ");
        ath_buf_put(out, p, n);
        p += n;
        if (p[0] == '\r' && p[1] == '\n')
            p += 2;
        else if (*p)
            p++;
    }
    ath_buf_putc(out, '\n');
}

/* What SQLAlchemy's str() of a URL gives, with the password as Alembic hides it. */
static void put_url(ath_buf *out, const ath_url *url)
{
    static const char hex[] = "0123456789ABCDEF";
    ath_buf_printf(out, "%s://", url->scheme);
    if (url->username) {
        for (const char *c = url->username; *c; c++) {
            if (*c == ':' || *c == '@' || *c == '/')
                ath_buf_printf(out, "%%%X", (unsigned)(unsigned char)*c);
            else
                ath_buf_putc(out, *c);
        }
        if (url->password)
            ath_buf_puts(out, ":XXXXX");
        ath_buf_putc(out, '@');
    }
    if (url->host)
        ath_buf_printf(out, strchr(url->host, ':') ? "[%s]" : "%s", url->host);
    if (url->port)
        ath_buf_printf(out, ":%d", url->port);
    if (url->database)
        ath_buf_printf(out, "/%s", url->database);
    /* Keys sorted (stable for repeated keys), each part quote_plus'd. */
    size_t *order = url->nparams ? calloc(url->nparams, sizeof(*order)) : NULL;
    for (size_t i = 0; order && i < url->nparams; i++) {
        size_t j = i;
        for (; j > 0 && strcmp(url->params[order[j - 1]].key, url->params[i].key) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (size_t i = 0; order && i < url->nparams; i++) {
        ath_buf_putc(out, i ? '&' : '?');
        for (int part = 0; part < 2; part++) {
            const char *text = part ? url->params[order[i]].value : url->params[order[i]].key;
            if (part)
                ath_buf_putc(out, '=');
            for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; c++) {
                if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9') || strchr("_.-~", *c))
                    ath_buf_putc(out, (char)*c);
                else if (*c == ' ')
                    ath_buf_putc(out, '+');
                else
                    ath_buf_printf(out, "%%%c%c", hex[*c >> 4], hex[*c & 15]);
            }
        }
    }
    free(order);
}

/* Options of the listing commands; a non-NULL `range` adds -r (history). */
static int parse_listing(const char *command, int argc, char **argv, const char **url_opt,
                         const char **dir, const char **range, bool *help, bool *verbose_out)
{
    const char *help_flag = NULL, *verbose = NULL;
    cli_option options[] = {
        {"url", 0, true, url_opt},        {"directory", 'd', true, dir},
        {"help", 'h', false, &help_flag}, {"verbose", 'v', false, &verbose},
        {"rev-range", 'r', true, range},
    };
    size_t n = sizeof(options) / sizeof(*options) - (range ? 0 : 1);
    size_t npos = 0;
    int rc = cli_parse(command, argc, argv, options, n, NULL, 0, &npos);
    *verbose_out = verbose != NULL;
    *help = help_flag != NULL;
    if (!rc && *help)
        printf("usage: athanor %s [-d DIR] [-v]%s%s\n", command,
               strcmp(command, "heads") == 0 ? "" : " [--url URL]",
               range ? " [-r [START]:[END]]" : "");
    return rc;
}

int cmd_current(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations";
    bool help = false, verbose = false;
    int rc = parse_listing("current", argc, argv, &url_opt, &dir, NULL, &help, &verbose);
    if (rc || help)
        return rc;
    session s;
    rc = session_open(&s, "current", dir, url_opt, true, true);
    const char **heads = NULL;
    size_t n = 0;
    if (!rc && ath_runner_current(&heads, &n, s.arena, s.backend) != 0)
        rc = cli_fail();
    ath_buf out = ATH_BUF_INIT;
    ath_url url;
    if (!rc && verbose) {
        if (ath_url_parse(&url, s.arena, cli_config_url(url_opt, &s.config)) != 0) {
            rc = cli_fail();
        } else {
            ath_buf_puts(&out, "Current revision(s) for ");
            put_url(&out, &url);
            ath_buf_puts(&out, ":\n");
        }
    }
    for (size_t i = 0; !rc && i < n; i++) {
        const ath_revision *rev = NULL;
        if (ath_revmap_resolve_one(&rev, s.arena, s.map, heads[i], NULL, 0) != 0 || !rev) {
            rc = cli_fail();
            break;
        }
        if (verbose) {
            put_log_entry(&out, s.arena, rev);
            ath_buf_putc(&out, '\n');
            continue;
        }
        ath_buf_puts(&out, rev->id);
        put_indicators(&out, rev, true);
        ath_buf_putc(&out, '\n');
    }
    if (!rc)
        rc = cli_write_stdout(&out);
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}

int cmd_heads(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations";
    bool help = false, verbose = false;
    int rc = parse_listing("heads", argc, argv, &url_opt, &dir, NULL, &help, &verbose);
    if (rc || help)
        return rc;
    session s;
    rc = session_open(&s, "heads", dir, url_opt, true, false);
    ath_buf out = ATH_BUF_INIT;
    if (!rc) {
        ath_revset heads = ath_revmap_heads(s.map);
        for (size_t i = 0; i < heads.count; i++) {
            if (verbose) {
                put_log_entry(&out, s.arena, heads.items[i]);
                ath_buf_putc(&out, '\n');
                continue;
            }
            ath_buf_puts(&out, heads.items[i]->id);
            put_labels(&out, heads.items[i]);
            put_indicators(&out, heads.items[i], false);
            ath_buf_putc(&out, '\n');
        }
        rc = cli_write_stdout(&out);
    }
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}

int cmd_history(int argc, char **argv)
{
    const char *url_opt = NULL, *dir = "migrations", *range = NULL;
    bool help = false, verbose = false;
    int rc = parse_listing("history", argc, argv, &url_opt, &dir, &range, &help, &verbose);
    if (rc || help)
        return rc;
    if (range && !strchr(range, ':'))
        return cli_usage_error("history", "History range requires [start]:[end], [start]:, or "
                                          ":[end]");
    session s;
    rc = session_open(&s, "history", dir, url_opt, true, false);
    const char *lower = NULL, *upper = NULL;
    if (!rc && range) {
        const char *colon = strchr(range, ':');
        lower = colon > range ? ath_arena_strndup(s.arena, range, (size_t)(colon - range)) : NULL;
        upper = colon[1] ? colon + 1 : NULL;
    }
    ath_revset revs = {NULL, 0};
    if (!rc && ath_revmap_history(&revs, s.arena, s.map, lower, upper, NULL, 0) != 0)
        rc = cli_fail();
    ath_buf out = ATH_BUF_INIT;
    for (size_t i = 0; !rc && i < revs.count; i++) {
        const ath_revision *rev = revs.items[i];
        if (verbose) {
            put_log_entry(&out, s.arena, rev);
            ath_buf_putc(&out, '\n');
            continue;
        }
        if (rev->ndown)
            put_ids(&out, rev->down, rev->ndown);
        else
            ath_buf_puts(&out, "<base>");
        /* depends_on as written, as Alembic prints it */
        for (size_t d = 0; d < rev->ndepends_written; d++)
            ath_buf_printf(&out, "%s%s%s", d ? ", " : " (", rev->depends_written[d],
                           d + 1 == rev->ndepends_written ? ")" : "");
        ath_buf_printf(&out, " -> %s", rev->id);
        put_labels(&out, rev);
        put_indicators(&out, rev, true);
        ath_buf_printf(&out, ", %s\n", rev->doc);
    }
    if (!rc)
        rc = cli_write_stdout(&out);
    ath_buf_free(&out);
    session_close(&s);
    return rc;
}
