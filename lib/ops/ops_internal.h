/*
 * Shared by the files of lib/ops: how an op names itself in messages.
 */
#ifndef ATH_OPS_INTERNAL_H
#define ATH_OPS_INTERNAL_H

#include "athanor.h"
#include "athanor/ops.h"

/*
 * Appends the op and what it works on, as messages start:
 * "add_column post.title", "create_index ix_user_email on user",
 * "drop_constraint fk_post_user on post", "create_enum status",
 * "execute 'UPDATE user SET ...'".
 */
void ops_describe(ath_buf *out, const ath_op *op);

#endif
