/*
 * The last-error slot: one message and code per thread, set where a failure
 * is detected and read by whoever reports it. Out-of-memory uses a constant
 * message so that reporting it allocates nothing.
 */
#include "athanor.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024] = "no error";
static _Thread_local int last_code = 0;

const char *ath_error_last(void)
{
    return last_message;
}

int ath_error_last_code(void)
{
    return last_code;
}

int ath_error(int code, const char *fmt, ...)
{
    /* Formatted aside first: the arguments may include ath_error_last()
     * itself, when a caller adds context to the error below it. */
    char message[sizeof(last_message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    memcpy(last_message, message, strlen(message) + 1);
    last_code = code;
    return code;
}

int ath_error_oom(void)
{
    static const char oom[] = "out of memory";
    memcpy(last_message, oom, sizeof(oom));
    last_code = ATH_ENOMEM;
    return ATH_ENOMEM;
}

void ath_error_clear(void)
{
    snprintf(last_message, sizeof(last_message), "%s", "no error");
    last_code = 0;
}
