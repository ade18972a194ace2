/*
 * What the commands that work on a migrations folder share: opening the
 * folder, its revision map and its database (a session), and Alembic's ways
 * of printing revisions.
 */
#ifndef ATH_CMD_SESSION_H
#define ATH_CMD_SESSION_H

#include "cli.h"

/* The folder, its config, its revision map and its database. */
typedef struct session {
    ath_arena *arena;
    ath_config config;
    const char *dir;
    const char *versions;
    ath_revmap *map;
    ath_backend *backend;
} session;

/*
 * Loads DIR/alembic.ini, and with `need_map` the revision map of
 * DIR/versions, and with `need_db` opens the database (cli_config_url's
 * order). Prints what goes wrong and returns EXIT_ERROR / EXIT_USAGE;
 * session_close must be called either way.
 */
int session_open(session *s, const char *command, const char *dir, const char *url_opt,
                 bool need_map, bool need_db);
void session_close(session *s);

/* Alembic's util.format_as_comma over revisions: "a, b". */
void put_ids(ath_buf *out, const ath_revision *const *revs, size_t n);
/* " (head)" / " (effective head)" and, with `tree`, " (branchpoint)" / " (mergepoint)". */
void put_indicators(ath_buf *out, const ath_revision *rev, bool tree);
/* " (label, ...)" when the revision has branch labels. */
void put_labels(ath_buf *out, const ath_revision *rev);

/* (list_cmds.c) Alembic's log_entry: a revision's verbose form, "Rev: ..." to its docstring. */
void put_log_entry(ath_buf *out, ath_arena *arena, const ath_revision *rev);
/* (list_cmds.c) os.path.abspath of `path`, in `arena`; `path` itself when that fails. */
const char *abs_path(ath_arena *arena, const char *path);

#endif
