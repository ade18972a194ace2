/*
 * The `athanor` command: dispatches to one function per command. Commands
 * print; the library they call does not.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: athanor <command> [options]\n"
    "\n"
    "Schema migrations for SQLAlchemy and Flask-SQLAlchemy projects, without Python.\n"
    "\n"
    "Commands:\n"
    "  branches    show the revisions where the history branches\n"
    "  check       exit 3 if the database is behind or the models need a migration\n"
    "  create-all  create the tables the models declare and the database lacks\n"
    "  current     show the revision(s) the database is at\n"
    "  downgrade   revert migrations (default: one)\n"
    "  edit        open a revision's script in $EDITOR\n"
    "  heads       show the head revisions of the migrations folder\n"
    "  history     list the revisions, newest first\n"
    "  init        create a migrations folder\n"
    "  inspect     print a database's or the models' schema as text, SQL or JSON\n"
    "  merge       write a revision that merges two or more heads\n"
    "  migrate     write a migration script from the models' differences with the database\n"
    "  revision    write a new migration script (empty, or --autogenerate)\n"
    "  show        show a revision's details\n"
    "  stamp       set the database's revision without running migrations\n"
    "  upgrade     run migrations up to a revision (default: head)\n"
    "\n"
    "Run 'athanor <command> --help' for a command's options.\n"
    "Exit status: 0 ok, 1 error, 2 usage error, 3 drift or pending work (check).\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"branches", cmd_branches},
    {"check", cmd_check},
    {"create-all", cmd_create_all},
    {"current", cmd_current},
    {"downgrade", cmd_downgrade},
    {"edit", cmd_edit},
    {"heads", cmd_heads},
    {"history", cmd_history},
    {"init", cmd_init},
    {"inspect", cmd_inspect},
    {"merge", cmd_merge},
    {"migrate", cmd_migrate},
    {"revision", cmd_revision},
    {"show", cmd_show},
    {"stamp", cmd_stamp},
    {"upgrade", cmd_upgrade},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("athanor %s\n", ATHANOR_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "athanor: unknown command '%s'\n", name);
    fputs(usage, stderr);
    return EXIT_USAGE;
}
