/*
 * Schema as text for people and JSON for tools. Deterministic: the same
 * schema always gives the same bytes. SQL output is ath_schema_to_sql.
 */
#ifndef ATHANOR_INSPECT_H
#define ATHANOR_INSPECT_H

#include "athanor/common.h"
#include "athanor/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends a readable listing: one block per table, enums first. */
int ath_schema_to_text(ath_buf *out, const ath_schema *schema);
/* Appends a JSON document {"enums": [...], "tables": [...]}, ending with a newline. */
int ath_schema_to_json(ath_buf *out, const ath_schema *schema);

#ifdef __cplusplus
}
#endif
#endif
