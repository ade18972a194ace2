/*
 * Configuration: the migrations folder's alembic.ini (its [alembic] and
 * [athanor] sections), and where the database URL and the models come from.
 */
#ifndef ATHANOR_CONFIG_H
#define ATHANOR_CONFIG_H

#include "athanor/common.h"
#include "athanor/models.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One key of an INI file, with the line it was read from. */
typedef struct ath_ini_entry {
    const char *section;
    const char *key;      /* lower case, as Python's configparser keeps keys */
    const char *value;    /* continuation lines joined with '\n', outer space trimmed */
    int line;
    int value_col;        /* 1-based column of the value on `line`; 0 if it starts below */
} ath_ini_entry;

typedef struct ath_ini {
    const char *path;
    ath_ini_entry *entries;
    size_t count, cap;
} ath_ini;

/*
 * Parses INI text as Python's configparser reads alembic.ini: [sections],
 * `key = value` or `key: value`, indented continuation lines, '#' and ';'
 * comment lines. Errors: ATH_EPARSE with a diagnostic at path:line:col (a key
 * outside any section, a line that is neither). Strings live in `arena`.
 */
int ath_ini_parse(ath_ini *out, ath_arena *arena, const char *path, const char *text,
                  size_t len, ath_diags *diags);
/* Reads and parses a file; ATH_ENOTFOUND / ATH_EIO when it cannot be read. */
int ath_ini_load(ath_ini *out, ath_arena *arena, const char *path, ath_diags *diags);
/* The value of section.key (key compared case-insensitively), else of
 * [DEFAULT].key as configparser falls back to it, or NULL. */
const ath_ini_entry *ath_ini_get(const ath_ini *ini, const char *section, const char *key);

/*
 * The value of `entry` with the interpolation alembic's ConfigParser applies
 * when it reads an option: `%(name)s` becomes key `name` of the same section,
 * else of [DEFAULT], else `here` (the absolute folder of ini->path); `%%`
 * becomes `%`. Referenced values are interpolated in turn, at most 10 deep.
 * Errors: ATH_EPARSE with a diagnostic at the entry (a '%' followed by
 * anything else, an unknown name, nesting too deep). *out lives in `arena`.
 */
int ath_ini_interpolate(const char **out, ath_arena *arena, const ath_ini *ini,
                        const ath_ini_entry *entry, ath_diags *diags);

/*
 * The [athanor] section's settings of a migrations folder (`dir`/alembic.ini):
 *   models = paths, whitespace- or newline-separated, relative to the folder
 *            that holds the migrations folder (the project root)
 *   url    = a database URL
 *   types  = one "name = SQLAlchemy type" per line
 * A folder without alembic.ini, or an alembic.ini without [athanor], gives
 * empty settings, not an error.
 */
typedef struct ath_config {
    const char *dir;              /* the migrations folder */
    const char *ini_path;         /* NULL when there is no alembic.ini */
    const char **models;          /* resolved against the project root */
    size_t nmodels;
    const char *url;              /* NULL if not set */
    ath_type_mapping *types;
    size_t ntypes;
} ath_config;

int ath_config_load(ath_config *out, ath_arena *arena, const char *dir, ath_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
