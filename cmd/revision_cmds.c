/*
 * `athanor stamp`, `show`, `branches` and `merge`.
 */
#include "session.h"

#include <stdio.h>

static int later(const char *command)
{
    fprintf(stderr, "athanor %s: not available yet\n", command);
    return EXIT_USAGE;
}

int cmd_stamp(int argc, char **argv)
{
    (void)argc, (void)argv;
    return later("stamp");
}

int cmd_show(int argc, char **argv)
{
    (void)argc, (void)argv;
    return later("show");
}

int cmd_branches(int argc, char **argv)
{
    (void)argc, (void)argv;
    return later("branches");
}

int cmd_merge(int argc, char **argv)
{
    (void)argc, (void)argv;
    return later("merge");
}
