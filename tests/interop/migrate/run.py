#!/usr/bin/python3
"""Drives tests/interop/test_migrate.sh: `athanor migrate` against real
`flask db migrate` (Flask-Migrate's migrate(), upgrade() and downgrade(),
called in this one process to save a Python start per step).

Usage: run.py WORKDIR ATHANOR RESULTS [--pg SERVER_URL] [NAME...]

For each scenario of scenarios.py and each dialect (SQLite always, PostgreSQL
with --pg: a fresh database per scenario, dropped at the end):
  1. `athanor create-all` brings a database to the models v1; the folder
     `flask db init` made has no revision, so the database is at its head;
  2. with the models v2, Flask-Migrate's migrate() writes a script in copy A
     of the folder and `athanor migrate` one in copy B; the two texts must be
     the same once the Revision ID, Create Date and revision = lines are
     blanked (or, for a do-better scenario, Athanor's must be the expected/
     one);
  3. Alembic's upgrade() runs Athanor's script; then the database must be the
     models v2: athanor migrate and Flask-Migrate's migrate() both find no
     change, and `athanor inspect` shows what create-all of v2 makes;
  4. Alembic's downgrade('base') runs it back: `athanor inspect` must show the
     v1 database again (plus the empty alembic_version table).
Each check writes "ok: ..." or "FAIL: ..." (with a diff) to RESULTS, a
scenario that cannot run in time writes "skip: ... (why)".
"""
import difflib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import sqlalchemy  # noqa: E402
from flask import Flask  # noqa: E402
import flask_migrate  # noqa: E402

import scenarios  # noqa: E402

out = None


def ok(what):
    out.write("ok: %s\n" % what)


def fail(what, detail=""):
    out.write("FAIL: %s\n%s" % (what, detail + "\n" if detail else ""))


def skip(what, why):
    out.write("skip: %s (%s)\n" % (what, why))


class Broken(Exception):
    """A step failed; the scenario cannot go on."""


def athanor(*args):
    p = subprocess.run([ATHANOR] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


def load_models(path):
    """A fresh import of a models file: its own SQLAlchemy() and MetaData."""
    name = "migrate_models_%s" % uuid.uuid4().hex
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.db


def flask_call(what, models, url, fn, workdir, kwargs, **args):
    """Runs flask_migrate.FN(**args) in an app whose models are MODELS."""
    app = Flask("migrate_interop", instance_path=workdir)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db = load_models(models)
    db.init_app(app)
    flask_migrate.Migrate(app, db, **kwargs)
    with app.app_context():
        try:
            fn(**args)
        except SystemExit as e:  # flask_migrate's catch_errors on a CommandError
            raise Broken("%s: flask_migrate exited %s" % (what, e.code))
        finally:
            db.engine.dispose()


def versions(folder):
    d = os.path.join(folder, "versions")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".py"))


def normalize(text):
    text = re.sub(r"(?m)^Revision ID: .*$", "Revision ID: <id>", text)
    text = re.sub(r"(?m)^Create Date: .*$", "Create Date: <date>", text)
    return re.sub(r"(?m)^revision = .*$", "revision = '<id>'", text)


def same(what, want, got, want_label, got_label):
    if want == got:
        ok(what)
    else:
        fail(what, "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                want_label, got_label)))


def inspect(url, ignore_pk_name=False):
    """`athanor inspect --format json` without alembic_version (and, after a
    rename_table, without the primary key's name, which PostgreSQL keeps)."""
    rc, so, se = athanor("inspect", "--url", url, "--format", "json")
    if rc != 0:
        raise Broken("athanor inspect %s: %s" % (url, se))
    doc = json.loads(so)
    doc["tables"] = [t for t in doc.get("tables", []) if t.get("name") != "alembic_version"]
    for t in doc["tables"] if ignore_pk_name else ():
        if isinstance(t.get("primary_key"), dict):
            t["primary_key"].pop("name", None)
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def conventionally_named(text):
    """An inspect document with each unnamed unique constraint and foreign key
    named as batch_alter_table's naming_convention names them (Alembic's
    documented uq_%(table_name)s_%(column_0_name)s and
    fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s)."""
    doc = json.loads(text)
    for t in doc["tables"]:
        for u in t.get("unique_constraints", []):
            if u.get("name") is None:
                u["name"] = "uq_%s_%s" % (t["name"], u["columns"][0])
        for f in t.get("foreign_keys", []):
            if f.get("name") is None:
                f["name"] = "fk_%s_%s_%s" % (t["name"], f["columns"][0], f["referred_table"])
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def sql(url, statement, fetch=False):
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(sqlalchemy.text(statement))
            return [tuple(r) for r in result] if fetch else None
    finally:
        engine.dispose()


class Databases:
    """Fresh databases: SQLite files in WORKDIR, or on the test PostgreSQL."""

    def __init__(self, workdir, pg_server):
        self.workdir, self.pg_server, self.made = workdir, pg_server, []
        self.prefix = "mig_%s" % uuid.uuid4().hex[:8]

    def fresh(self, dialect, name):
        if dialect == "sqlite":
            path = os.path.join(self.workdir, name + ".db")
            if os.path.exists(path):
                os.remove(path)
            return "sqlite:///" + path
        db = "%s_%s" % (self.prefix, name)
        self._server("DROP DATABASE IF EXISTS \"%s\"" % db)
        self._server("CREATE DATABASE \"%s\"" % db)
        self.made.append(db)
        return self.pg_server.rsplit("/", 1)[0] + "/" + db

    def _server(self, statement):
        engine = sqlalchemy.create_engine(self.pg_server, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sqlalchemy.text(statement))
        finally:
            engine.dispose()

    def drop_all(self):
        for db in self.made:
            self._server("DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)" % db)


def write_models(path, body):
    with open(path, "w") as f:
        f.write(scenarios.HEADER + body)


def at_v1(dbs, dialect, label, models, before=None):
    url = dbs.fresh(dialect, label)
    rc, so, se = athanor("create-all", "--models", models, "--url", url)
    if rc != 0:
        raise Broken("athanor create-all of v1: %s" % se)
    if before:
        sql(url, before)
    return url


def run_script(what, s, dialect, work, folder, url, v1, v2, kwargs, ref_url, v1_schema):
    """Alembic upgrades FOLDER's script on URL, checks v2, downgrades, checks v1."""
    flask_call(what + ": flask db upgrade", v2, url, flask_migrate.upgrade, work, kwargs,
               directory=folder)
    ok(what + ": Alembic ran the upgrade")
    if s.get("after"):
        query, rows = s["after"]
        if dialect == "postgresql" or "::" not in query:
            got = sql(url, query, fetch=True)
            if got == rows:
                ok(what + ": rows after the upgrade")
            else:
                fail(what + ": rows after the upgrade", "want %r got %r" % (rows, got))
    # The database is now the models v2, as all three see it.
    args = ["migrate", "-m", "check", "-d", folder, "--models", v2, "--url", url]
    if kwargs.get("compare_server_default"):
        args.append("--compare-server-default")
    rc, so, se = athanor(*args)
    if rc == 0 and "No changes in schema detected." in se:
        ok(what + ": athanor migrate finds no change after the upgrade")
    else:
        fail(what + ": athanor migrate after the upgrade", "exit %d\n%s%s" % (rc, so, se))
    before = versions(folder)
    flask_call(what + ": flask db migrate", v2, url, flask_migrate.migrate, work, kwargs,
               directory=folder, message="check")
    new = [p for p in versions(folder) if p not in before]
    if not new:
        ok(what + ": flask db migrate finds no change after the upgrade")
    else:
        fail(what + ": flask db migrate after the upgrade found changes", open(new[0]).read())
        for p in new:
            os.remove(p)
    ignore = s.get("ignore_pk_name", ())
    same(what + ": athanor inspect of create-all v2 (-) and the upgraded database (+)",
         inspect(ref_url, dialect in ignore), inspect(url, dialect in ignore), "create-all v2",
         "upgraded")
    flask_call(what + ": flask db downgrade base", v2, url, flask_migrate.downgrade, work,
               kwargs, directory=folder, revision="base")
    ok(what + ": Alembic ran the downgrade")
    if dialect in s.get("downgrade_keeps_v2", ()):
        # PostgreSQL cannot drop an enum value: the downgrade leaves the type as v2 has it.
        same(what + ": athanor inspect of create-all v2 (-) and after downgrade base (+)",
             inspect(ref_url), inspect(url), "v2", "downgraded")
    elif dialect in s.get("downgrade_named", ()):
        # Batch mode cannot add an unnamed constraint: the downgrade brings it
        # back under the name the upgrade's naming_convention gave it.
        same(what + ": athanor inspect of v1, conventionally named (-), and after downgrade "
             "base (+)", conventionally_named(v1_schema), inspect(url), "v1", "downgraded")
    else:
        same(what + ": athanor inspect of v1 (-) and after downgrade base (+)",
             v1_schema, inspect(url), "v1", "downgraded")


def scenario(s, dialect, dbs, root, template):
    name = s["name"]
    what = "%s on %s" % (name, dialect)
    work = os.path.join(root, dialect, name)
    os.makedirs(work)
    v1, v2 = os.path.join(work, "v1.py"), os.path.join(work, "v2.py")
    write_models(v1, s["v1"])
    write_models(v2, s["v2"])
    kwargs = s.get("kwargs", {})
    ref_url = dbs.fresh(dialect, name + "_ref")
    rc, so, se = athanor("create-all", "--models", v2, "--url", ref_url)
    if rc != 0 and s.get("unsupported") and s["unsupported"] in se:
        skip(what, "athanor's models reader: " + s["unsupported"])
        return None
    if rc != 0:
        raise Broken("athanor create-all of v2: %s" % se)
    url = at_v1(dbs, dialect, name, v1, s.get("before"))
    v1_schema = inspect(url)

    folder_a, folder_b = os.path.join(work, "a"), os.path.join(work, "b")
    shutil.copytree(template, folder_a)
    shutil.copytree(template, folder_b)
    flask_call(what + ": flask db migrate", v2, url, flask_migrate.migrate, work, kwargs,
               directory=folder_a, message="the change")
    args = ["migrate", "-m", "the change", "-d", folder_b, "--models", v2, "--url", url]
    for r in s.get("rename", []):
        args += ["--rename", r]
    if kwargs.get("compare_server_default"):
        args.append("--compare-server-default")
    rc, so, se = athanor(*args)
    if rc != 0:
        raise Broken("athanor migrate: exit %d: %s" % (rc, se))
    with open(os.path.join(work, "athanor.stderr"), "w") as f:
        f.write(se)
    notes = s.get("notes", {})
    note = notes.get(dialect, notes.get("*"))
    if note:
        if note in se:
            ok(what + ": athanor migrate says " + note)
        else:
            fail(what + ": athanor migrate's stderr lacks '%s'" % note, se)
    a, b = versions(folder_a), versions(folder_b)
    if dialect in s.get("no_change", ()):
        # Nothing either tool can write here (SQLite keeps no comments and no
        # enum types; a nameless constraint cannot be named to drop it).
        if not a and not b and "No changes in schema detected." in se:
            ok(what + ": neither tool finds a change")
        else:
            fail(what + ": expected no change; flask wrote %d, athanor %d scripts"
                 % (len(a), len(b)), se)
        return None
    if len(b) != 1:
        raise Broken("athanor migrate wrote %d scripts: %s" % (len(b), se))
    got = normalize(open(b[0]).read())
    if dialect in s.get("golden", ()):
        path = os.path.join(HERE, "expected", "%s.%s.py" % (name, dialect))
        if os.environ.get("MIGRATE_INTEROP_WRITE_EXPECTED"):
            with open(path, "w") as f:
                f.write(got)
        want = open(path).read() if os.path.exists(path) else ""
        same(what + ": expected/%s.%s.py (-) and athanor's script (+)" % (name, dialect),
             want, got, "expected", "athanor")
        if a:
            shutil.copy(a[0], os.path.join(work, "flask_script.py"))
    elif len(a) != 1:
        fail(what + ": flask db migrate wrote %d scripts (athanor's: %s)" % (len(a), b[0]))
    else:
        same(what + ": flask db migrate's script (-) and athanor migrate's (+)",
             normalize(open(a[0]).read()), got, "flask", "athanor")
    run_script(what, s, dialect, work, folder_b, url, v1, v2, kwargs, ref_url, v1_schema)
    return folder_b


def cross(s, dbs, root, template, sqlite_folder):
    """Athanor's script written against SQLite, run by Alembic on PostgreSQL."""
    name = s["name"]
    what = "%s: the SQLite script on postgresql" % name
    work = os.path.join(root, "cross", name)
    os.makedirs(work)
    v1, v2 = os.path.join(work, "v1.py"), os.path.join(work, "v2.py")
    write_models(v1, s["v1"])
    write_models(v2, s["v2"])
    url = at_v1(dbs, "postgresql", name + "_cross", v1)
    v1_schema = inspect(url)
    ref_url = dbs.fresh("postgresql", name + "_cross_ref")
    rc, so, se = athanor("create-all", "--models", v2, "--url", ref_url)
    if rc != 0:
        raise Broken("athanor create-all of v2: %s" % se)
    folder = os.path.join(work, "b")
    shutil.copytree(sqlite_folder, folder)
    run_script(what, s, "postgresql", work, folder, url, v1, v2, s.get("kwargs", {}), ref_url,
               v1_schema)


def main(argv):
    global out, ATHANOR
    root, ATHANOR, results = argv[1], argv[2], argv[3]
    rest = argv[4:]
    pg = None
    if rest[:1] == ["--pg"]:
        pg, rest = rest[1], rest[2:]
    out = open(results, "w", buffering=1)
    only = set(rest)
    dbs = Databases(root, pg)
    template = os.path.join(root, "template")
    from flask_sqlalchemy import SQLAlchemy
    app = Flask("migrate_interop", instance_path=root)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    flask_migrate.Migrate(app, SQLAlchemy(app))
    with app.app_context():
        flask_migrate.init(directory=template)
    dialects = ["sqlite"] + (["postgresql"] if pg else [])
    sqlite_folders = {}
    try:
        for dialect in dialects:
            for s in scenarios.SCENARIOS:
                if only and s["name"] not in only:
                    continue
                if dialect not in s.get("dialects", ("sqlite", "postgresql")):
                    continue
                try:
                    folder = scenario(s, dialect, dbs, root, template)
                    if dialect == "sqlite" and folder:
                        sqlite_folders[s["name"]] = folder
                except Broken as e:
                    fail("%s on %s: %s" % (s["name"], dialect, e))
                except Exception as e:  # Alembic raised: its message is the finding
                    fail("%s on %s: %s: %s" % (s["name"], dialect, type(e).__name__,
                                               str(e).strip()[:600]))
        for s in scenarios.SCENARIOS:
            if pg and s.get("cross") and s["name"] in sqlite_folders:
                try:
                    cross(s, dbs, root, template, sqlite_folders[s["name"]])
                except Exception as e:
                    fail("%s: the SQLite script on postgresql: %s: %s"
                         % (s["name"], type(e).__name__, str(e).strip()[:600]))
    finally:
        if pg:
            dbs.drop_all()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
