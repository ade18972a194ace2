/*
 * Error codes, the last-error slot, and the small memory helpers every public
 * header leans on (arena, string buffer, diagnostics). Nothing here prints.
 */
#ifndef ATHANOR_COMMON_H
#define ATHANOR_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ATH_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ATH_PRINTF(fmt, args)
#endif

/* Return codes: 0 is success, every failure is negative. */
enum {
    ATH_OK = 0,
    ATH_ERROR = -1,       /* generic failure */
    ATH_ENOMEM = -2,      /* out of memory */
    ATH_EINVAL = -3,      /* invalid argument or malformed input (e.g. a URL) */
    ATH_ENOTFOUND = -4,   /* a file, table, revision ... does not exist */
    ATH_EPARSE = -5,      /* a parse error; a diagnostic says where */
    ATH_EBACKEND = -6,    /* the database reported an error */
    ATH_ECONFLICT = -7,   /* state does not allow the operation */
    ATH_EIO = -8,         /* a file could not be read or written */
    ATH_EUNSUPPORTED = -9 /* valid input Athanor cannot handle */
};

/*
 * The last error of the calling thread: a message, and the code it was set
 * with. The string stays valid until the next error is set on this thread.
 * Never NULL: "no error" when nothing failed.
 */
const char *ath_error_last(void);
int ath_error_last_code(void);

/* Sets the last error and returns `code`, so callers can `return ath_error(...)`. */
int ath_error(int code, const char *fmt, ...) ATH_PRINTF(2, 3);
/* Records an out-of-memory error without allocating; returns ATH_ENOMEM. */
int ath_error_oom(void);
void ath_error_clear(void);

/* ---- arena: many small allocations freed in one call ---- */

typedef struct ath_arena ath_arena;

/* A new, empty arena; NULL when out of memory. Free with ath_arena_free. */
ath_arena *ath_arena_new(void);
/* Frees every block of the arena; NULL is a no-op. */
void ath_arena_free(ath_arena *arena);
/* Zeroed memory aligned for any type, owned by the arena; NULL when out of memory. */
void *ath_arena_alloc(ath_arena *arena, size_t size);
/* Arena-owned copies; NULL in gives NULL out (not an error), else NULL on OOM. */
char *ath_arena_strdup(ath_arena *arena, const char *s);
char *ath_arena_strndup(ath_arena *arena, const char *s, size_t n);
char *ath_arena_printf(ath_arena *arena, const char *fmt, ...) ATH_PRINTF(2, 3);
/* Bytes handed out so far (for tests and benchmarks). */
size_t ath_arena_used(const ath_arena *arena);
/*
 * Moves every block of `other` into `arena`, which from then on owns what
 * was allocated in `other`, and frees `other` itself. What a worker thread
 * built in an arena of its own outlives the worker so. NULL `other`: no-op.
 */
void ath_arena_adopt(ath_arena *arena, ath_arena *other);

/*
 * Appends one element to an arena-backed growable array (*items, *count,
 * *cap), growing it by doubling. Returns a pointer to the new zeroed slot, or
 * NULL when out of memory (the array is unchanged then).
 */
void *ath_array_push(ath_arena *arena, void **items, size_t *count, size_t *cap,
                     size_t elem_size);
#define ATH_PUSH(arena, arr, n, cap) \
    ath_array_push((arena), (void **)&(arr), &(n), &(cap), sizeof(*(arr)))

/* ---- string buffer: heap-backed, with a sticky out-of-memory flag ---- */

typedef struct ath_buf {
    char *ptr;  /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
    bool oom;   /* set by the first failed growth; later appends are no-ops */
} ath_buf;

#define ATH_BUF_INIT {NULL, 0, 0, false}

void ath_buf_free(ath_buf *buf);
void ath_buf_clear(ath_buf *buf);
void ath_buf_put(ath_buf *buf, const char *s, size_t n);
void ath_buf_puts(ath_buf *buf, const char *s);
void ath_buf_putc(ath_buf *buf, char c);
void ath_buf_printf(ath_buf *buf, const char *fmt, ...) ATH_PRINTF(2, 3);
void ath_buf_vprintf(ath_buf *buf, const char *fmt, va_list ap) ATH_PRINTF(2, 0);
/* The text so far ("" when empty); owned by the buffer. */
const char *ath_buf_cstr(const ath_buf *buf);
/* ATH_ENOMEM (with the last error set) if any append failed, else 0. */
int ath_buf_check(const ath_buf *buf);
/* Hands the text over to the caller (free() it); the buffer is reset. */
char *ath_buf_detach(ath_buf *buf);

/* ---- files ---- */

/*
 * Reads the whole file at `path`: *out is malloc'd and NUL-terminated (free()
 * it), *len (may be NULL) its length, which may hold NUL bytes. Errors:
 * ATH_ENOTFOUND when there is no such file, ATH_EIO otherwise, each naming the
 * path and the system's reason; ATH_ENOMEM.
 */
int ath_file_read(char **out, size_t *len, const char *path);

/* ---- diagnostics: positioned messages about a file ---- */

typedef enum { ATH_DIAG_ERROR, ATH_DIAG_WARNING, ATH_DIAG_NOTE } ath_diag_level;

typedef struct ath_diag {
    ath_diag_level level;
    const char *path;    /* file the message is about; may be NULL */
    int line;            /* 1-based; 0 when unknown */
    int col;             /* 1-based; 0 when unknown */
    const char *message;
} ath_diag;

typedef struct ath_diags {
    ath_arena *arena;    /* owns the messages; borrowed */
    ath_diag *items;
    size_t count, cap;
    size_t errors;
} ath_diags;

void ath_diags_init(ath_diags *diags, ath_arena *arena);
/* Adds a diagnostic; returns ATH_ENOMEM on failure, else 0. */
int ath_diags_add(ath_diags *diags, ath_diag_level level, const char *path, int line, int col,
                  const char *fmt, ...) ATH_PRINTF(6, 7);
/* ath_diags_add with a va_list, for the readers' own error helpers. */
int ath_diags_vadd(ath_diags *diags, ath_diag_level level, const char *path, int line, int col,
                   const char *fmt, va_list ap) ATH_PRINTF(6, 0);
/* Adds a copy of every diagnostic of `from`, in order; ATH_ENOMEM on failure, else 0. */
int ath_diags_append(ath_diags *to, const ath_diags *from);
/*
 * Formats one diagnostic as a compiler does:
 *   path:line:col: error: message
 *       <source line>
 *       ^
 * `source` is the whole text of the file, or NULL to omit the excerpt.
 */
void ath_diag_format(ath_buf *out, const ath_diag *diag, const char *source);

#ifdef __cplusplus
}
#endif
#endif
