/*
 * `athanor init [-d DIR]`: a new migrations folder that Athanor and
 * Flask-Migrate both work with: versions/, alembic.ini (with an [athanor]
 * section), the env.py and script.py.mako Alembic needs when `flask db` runs
 * on the folder, and a README. Nothing is written into a folder that exists
 * and is not empty, and a failed init removes what it made.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char readme_text[] =
    "Database migrations for this project.\n"
    "\n"
    "versions/ holds one Alembic script per revision. Athanor reads and runs them\n"
    "without Python (athanor upgrade, athanor migrate -m \"...\"); Flask-Migrate\n"
    "(flask db upgrade, flask db migrate) works on the same folder and the same\n"
    "alembic_version table. alembic.ini's [athanor] section says where the models\n"
    "are and which database to use.\n";

static const char ini_text[] =
    "# Settings of this migrations folder, for Athanor and for Alembic.\n"
    "\n"
    "[athanor]\n"
    "# The files (or folders) that declare the models, relative to the folder\n"
    "# that holds this one; without it Athanor looks for them in the project.\n"
    "# models = app/models.py\n"
    "\n"
    "# The database when neither --url, DATABASE_URL nor SQLALCHEMY_DATABASE_URI\n"
    "# gives one.\n"
    "# url = sqlite:///app.db\n"
    "\n"
    "[alembic]\n"
    "# Flask-Migrate sets script_location and the URL from the Flask app.\n"
    "# file_template = %%(rev)s_%%(slug)s\n"
    "\n"
    "[loggers]\n"
    "keys = root,sqlalchemy,alembic,flask_migrate\n"
    "\n"
    "[handlers]\n"
    "keys = console\n"
    "\n"
    "[formatters]\n"
    "keys = generic\n"
    "\n"
    "[logger_root]\n"
    "level = WARN\n"
    "handlers = console\n"
    "qualname =\n"
    "\n"
    "[logger_sqlalchemy]\n"
    "level = WARN\n"
    "handlers =\n"
    "qualname = sqlalchemy.engine\n"
    "\n"
    "[logger_alembic]\n"
    "level = INFO\n"
    "handlers =\n"
    "qualname = alembic\n"
    "\n"
    "[logger_flask_migrate]\n"
    "level = INFO\n"
    "handlers =\n"
    "qualname = flask_migrate\n"
    "\n"
    "[handler_console]\n"
    "class = StreamHandler\n"
    "args = (sys.stderr,)\n"
    "level = NOTSET\n"
    "formatter = generic\n"
    "\n"
    "[formatter_generic]\n"
    "format = %(levelname)-5.5s [%(name)s] %(message)s\n"
    "datefmt = %H:%M:%S\n";

/* Alembic runs this when `flask db` works on the folder; Athanor never does. */
static const char env_text[] =
    "\"\"\"The Alembic environment of this folder, for `flask db` (Flask-Migrate).\n"
    "\n"
    "Athanor does not run this file. Flask-Migrate does: the engine, the\n"
    "metadata and the options come from the Flask app's Migrate extension.\n"
    "\"\"\"\n"
    "import logging\n"
    "from logging.config import fileConfig\n"
    "\n"
    "from alembic import context\n"
    "from flask import current_app\n"
    "\n"
    "settings = context.config\n"
    "if settings.config_file_name:\n"
    "    fileConfig(settings.config_file_name)\n"
    "log = logging.getLogger('alembic.env')\n"
    "\n"
    "extension = current_app.extensions['migrate']\n"
    "database = extension.db\n"
    "\n"
    "\n"
    "def metadata():\n"
    "    # Flask-SQLAlchemy 3 keeps one MetaData per bind key; None is the default.\n"
    "    per_bind = getattr(database, 'metadatas', None)\n"
    "    return per_bind[None] if per_bind else database.metadata\n"
    "\n"
    "\n"
    "def url_of(engine):\n"
    "    url = engine.url\n"
    "    text = (url.render_as_string(hide_password=False)\n"
    "            if hasattr(url, 'render_as_string') else str(url))\n"
    "    # The config interpolates '%', so it is doubled.\n"
    "    return text.replace('%', '%%')\n"
    "\n"
    "\n"
    "def skip_empty_autogenerate(migration_context, revision, directives):\n"
    "    options = settings.cmd_opts\n"
    "    if not getattr(options, 'autogenerate', False):\n"
    "        return\n"
    "    if directives[0].upgrade_ops.is_empty():\n"
    "        del directives[:]\n"
    "        log.info('No changes in schema detected.')\n"
    "\n"
    "\n"
    "def own_tables_only(name, type_, parent_names):\n"
    "    # athanor_history is Athanor's record of applied steps, not a model's table.\n"
    "    if type_ == 'table' and name == 'athanor_history':\n"
    "        return False\n"
    "    theirs = extension.configure_args.get('include_name')\n"
    "    return theirs(name, type_, parent_names) if theirs else True\n"
    "\n"
    "\n"
    "options = dict(extension.configure_args, include_name=own_tables_only)\n"
    "engine = database.engine\n"
    "settings.set_main_option('sqlalchemy.url', url_of(engine))\n"
    "\n"
    "if context.is_offline_mode():\n"
    "    context.configure(url=settings.get_main_option('sqlalchemy.url'),\n"
    "                      target_metadata=metadata(), literal_binds=True)\n"
    "    with context.begin_transaction():\n"
    "        context.run_migrations()\n"
    "else:\n"
    "    with engine.connect() as connection:\n"
    "        context.configure(connection=connection, target_metadata=metadata(),\n"
    "                          process_revision_directives=skip_empty_autogenerate,\n"
    "                          **options)\n"
    "        with context.begin_transaction():\n"
    "            context.run_migrations()\n";

/* The Mako template Alembic fills for a new script: the text Athanor writes too. */
static const char mako_text[] =
    "\"\"\"${message}\n"
    "\n"
    "Revision ID: ${up_revision}\n"
    "Revises: ${down_revision | comma,n}\n"
    "Create Date: ${create_date}\n"
    "\n"
    "\"\"\"\n"
    "from alembic import op\n"
    "import sqlalchemy as sa\n"
    "${imports if imports else \"\"}\n"
    "\n"
    "# revision identifiers, used by Alembic.\n"
    "revision = ${repr(up_revision)}\n"
    "down_revision = ${repr(down_revision)}\n"
    "branch_labels = ${repr(branch_labels)}\n"
    "depends_on = ${repr(depends_on)}\n"
    "\n"
    "\n"
    "def upgrade():\n"
    "    ${upgrades if upgrades else \"pass\"}\n"
    "\n"
    "\n"
    "def downgrade():\n"
    "    ${downgrades if downgrades else \"pass\"}\n";

typedef struct made {
    char *paths[8]; /* what this run created, to undo on failure */
    bool dirs[8];
    size_t n;
} made;

static void remember(made *m, const char *path, bool dir)
{
    m->paths[m->n] = strdup(path);
    m->dirs[m->n] = dir;
    m->n++;
}

static void undo(made *m)
{
    while (m->n) {
        m->n--;
        if (m->paths[m->n])
            (void)(m->dirs[m->n] ? rmdir(m->paths[m->n]) : unlink(m->paths[m->n]));
        free(m->paths[m->n]);
    }
}

static void forget(made *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->paths[i]);
    m->n = 0;
}

/* 1 when `dir` is missing or empty, 0 when it has entries, -1 when it cannot be read. */
static int missing_or_empty(const char *dir, bool *exists)
{
    DIR *d = opendir(dir);
    *exists = d != NULL;
    if (!d)
        return errno == ENOENT ? 1 : -1;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

static int make_dir(made *m, const char *path)
{
    printf("Creating directory %s ...  ", path);
    fflush(stdout);
    if (mkdir(path, 0777) != 0) {
        printf("failed\n");
        return ath_error(ATH_EIO, "cannot create %s: %s", path, strerror(errno));
    }
    remember(m, path, true);
    printf("done\n");
    return 0;
}

static int make_file(made *m, const char *path, const char *text)
{
    printf("Generating %s ...  ", path);
    fflush(stdout);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        printf("failed\n");
        return ath_error(ATH_EIO, "cannot create %s: %s", path, strerror(errno));
    }
    remember(m, path, false);
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            printf("failed\n");
            return ath_error(ATH_EIO, "cannot write %s: %s", path, strerror(e));
        }
        done += (size_t)w;
    }
    if (close(fd) != 0) {
        printf("failed\n");
        return ath_error(ATH_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    printf("done\n");
    return 0;
}

int cmd_init(int argc, char **argv)
{
    const char *dir = "migrations", *help = NULL;
    const cli_option options[] = {
        {"directory", 'd', true, &dir},
        {"help", 'h', false, &help},
    };
    size_t npos = 0;
    int rc = cli_parse("init", argc, argv, options, sizeof(options) / sizeof(*options), NULL, 0,
                       &npos);
    if (rc)
        return rc;
    if (help) {
        printf("usage: athanor init [-d DIR]\n\n"
               "Create a migrations folder: versions/, alembic.ini with an [athanor] section,\n"
               "and the env.py and script.py.mako that `flask db` needs on the same folder.\n\n"
               "  -d, --directory DIR  the folder to create (default: migrations); it may\n"
               "                       exist if it is empty\n");
        return EXIT_OK;
    }
    char *root = cli_absolute_path(dir);
    if (!root) {
        fprintf(stderr, "athanor: error: cannot tell the current folder: %s\n", strerror(errno));
        return EXIT_ERROR;
    }
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/')
        root[--len] = '\0';
    bool exists = false;
    int empty = missing_or_empty(root, &exists);
    if (empty <= 0) {
        if (empty == 0)
            fprintf(stderr, "athanor: error: Directory %s already exists and is not empty\n",
                    root);
        else
            fprintf(stderr, "athanor: error: cannot read %s: %s\n", root, strerror(errno));
        free(root);
        return EXIT_ERROR;
    }
    static const struct {
        const char *name;
        const char *text;
    } files[] = {
        {"script.py.mako", mako_text},
        {"env.py", env_text},
        {"README", readme_text},
        {"alembic.ini", ini_text},
    };
    made m = {{NULL}, {false}, 0};
    char path[PATH_MAX];
    rc = exists ? 0 : make_dir(&m, root);
    if (!rc) {
        snprintf(path, sizeof(path), "%s/versions", root);
        rc = make_dir(&m, path);
    }
    for (size_t i = 0; !rc && i < sizeof(files) / sizeof(*files); i++) {
        if (snprintf(path, sizeof(path), "%s/%s", root, files[i].name) >= (int)sizeof(path))
            rc = ath_error(ATH_EINVAL, "path too long: %s", root);
        else
            rc = make_file(&m, path, files[i].text);
    }
    if (rc) {
        undo(&m);
        free(root);
        return cli_fail();
    }
    forget(&m);
    printf("Please edit the [athanor] section of '%s/alembic.ini' (models and url) before "
           "proceeding.\n",
           root);
    free(root);
    return EXIT_OK;
}
