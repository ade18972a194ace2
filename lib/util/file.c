/*
 * Reading a whole file into memory: the one place the library does it, for
 * model files, migration scripts and alembic.ini alike.
 */
#include "athanor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ath_file_read(char **out, size_t *len, const char *path)
{
    *out = NULL;
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ath_error(errno == ENOENT ? ATH_ENOTFOUND : ATH_EIO, "cannot read %s: %s", path,
                         strerror(errno));
    ath_buf text = ATH_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ath_buf_put(&text, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        ath_buf_free(&text);
        return ath_error(ATH_EIO, "cannot read %s", path);
    }
    int rc = ath_buf_check(&text);
    if (rc) {
        ath_buf_free(&text);
        return rc;
    }
    size_t size = text.len;
    char *p = ath_buf_detach(&text); /* "" for an empty file */
    if (!p)
        return ath_error_oom();
    *out = p;
    if (len)
        *len = size;
    return 0;
}
