/*
 * libathanor: the engine behind the `athanor` command. Include this header
 * only; it brings in the module headers under athanor/.
 */
#ifndef ATHANOR_H
#define ATHANOR_H

#define ATHANOR_VERSION "0.1.0"

#include "athanor/common.h"
#include "athanor/schema.h"
#include "athanor/backend.h"
#include "athanor/inspect.h"
#include "athanor/models.h"
#include "athanor/config.h"
#include "athanor/ops.h"
#include "athanor/diff.h"
#include "athanor/revision.h"
#include "athanor/script.h"
#include "athanor/runner.h"

#endif
