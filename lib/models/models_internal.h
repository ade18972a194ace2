/*
 * Internal entry points of the models reader, for tests and the fuzzer:
 * reading sources already in memory, and Flask-SQLAlchemy's table name rule.
 */
#ifndef ATH_LIB_MODELS_INTERNAL_H
#define ATH_LIB_MODELS_INTERNAL_H

#include "athanor.h"
#include "athanor/models.h"

/*
 * ath_models_read on `n` sources in memory: texts[i] (lens[i] bytes, not
 * necessarily NUL-terminated) named paths[i]. Module names come from the
 * file names alone (the file system is not consulted). Same results and
 * errors as ath_models_read, but never ATH_EIO.
 */
int ath_models_read_sources(ath_schema **out, ath_arena *arena, const char *const *paths,
                            const char *const *texts, const size_t *lens, size_t n,
                            const ath_models_options *options, ath_diags *diags);

/* Flask-SQLAlchemy 3's table name for a class name: CamelCase to snake_case
 * ("HTTPResponseCode2" -> "http_response_code2"). In `arena`; NULL on OOM. */
char *ath_models_snake_case(ath_arena *arena, const char *class_name);

#endif
