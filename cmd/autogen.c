/*
 * `athanor init`, `migrate` and `revision`.
 */
#include "session.h"

#include <stdio.h>

static int later(const char *command)
{
    fprintf(stderr, "athanor %s: not available yet\n", command);
    return EXIT_USAGE;
}

int cmd_init(int argc, char **argv)
{
    (void)argc, (void)argv;
    return later("init");
}

int cmd_migrate(int argc, char **argv)
{
    (void)argc, (void)argv;
    return later("migrate");
}

int cmd_revision(int argc, char **argv)
{
    (void)argc, (void)argv;
    return later("revision");
}
