#!/usr/bin/python3
"""Makes real Flask-Migrate write one scenario's history, then steps real
Alembic and Athanor through it side by side and compares the databases.

Usage: run.py SCENARIO WORKDIR URL_GEN URL_A URL_B ATHANOR

SCENARIO names a recipe of scenarios.py. URL_GEN is an empty database the
history is generated against (autogenerate compares the models with it),
URL_A the one Alembic steps, URL_B the one `ATHANOR upgrade|downgrade TARGET
-d DIR --url URL_B` steps, all three of one dialect. The generation calls the
functions `flask db init|migrate|revision|merge|upgrade` run, in this
process, so that every model version gets a fresh app and metadata.

After each step the schema of A and of B as SQLAlchemy reflects it (reflect.py:
tables, columns with types, nullability and defaults, keys, indexes, unique,
foreign-key and check constraints, enum types on PostgreSQL, the DDL sqlite_master
keeps on SQLite) and the sorted rows of every table, alembic_version included,
must be the same. Athanor's own bookkeeping table athanor_history is left out.

Prints one line per check, "ok: ..." or "FAIL: ...", then "skip: ..." for
steps not run; exits 0 when it could run (whatever the checks said), 2 when
the scenario itself could not be made (a bug of this test, not of Athanor).
"""
import contextlib
import difflib
import io
import json
import os
import subprocess
import sys

import sqlalchemy
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
import flask_migrate
from alembic.script import ScriptDirectory

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import scenarios  # noqa: E402
from reflect import reflect  # noqa: E402

OWN_TABLES = {"athanor_history"}


class Broken(Exception):
    """The scenario could not be made or Alembic could not run it."""


def make_app(url, models=None):
    app = Flask("histories", instance_path=os.environ.get("HIST_INSTANCE", "/tmp"))
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db = SQLAlchemy(app)
    if models:
        with app.app_context():
            models(db)
    flask_migrate.Migrate(app, db)
    return app, db


def call(what, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except SystemExit as e:  # flask_migrate's catch_errors on a CommandError
        raise Broken("%s: flask_migrate exited %s" % (what, e.code))


def revisions(mdir):
    return {s.revision: s for s in ScriptDirectory(mdir).walk_revisions()}


def edit(path, function, where, code):
    """Puts CODE (indented once) at the start or end of FUNCTION's body."""
    lines = open(path).read().split("\n")
    start = lines.index("def %s():" % function) + 1
    end = start
    while end < len(lines) and not lines[end].startswith("def "):
        end += 1
    body = [l for l in lines[start:end] if l.strip() != "pass"]
    while body and not body[-1].strip():
        body.pop()
    new = ["    " + l if l.strip() else "" for l in code.strip("\n").split("\n")]
    body = new + body if where == "start" else body + new
    lines[start:end] = body + ["", ""]
    open(path, "w").write("\n".join(lines).rstrip("\n") + "\n")


def generate(recipe, mdir, url, dialect):
    """Runs the recipe; returns {message: revision id}."""
    ids = {}

    def fill(text):
        return text.format(**ids) if text else text

    app, _ = make_app(url)
    with app.app_context():
        call("init", flask_migrate.init, directory=mdir)
    for step in recipe:
        kind, message = step[0], step[1]
        before = set(revisions(mdir))
        if kind == "migrate":
            app, db = make_app(url, step[2])
            with app.app_context():
                if before:
                    call("upgrade heads", flask_migrate.upgrade, directory=mdir, revision="heads")
                call("migrate " + message, flask_migrate.migrate, directory=mdir, message=message)
                if set(revisions(mdir)) == before:
                    # Nothing autogenerate sees (an enum's new value on
                    # PostgreSQL): the user writes the revision by hand.
                    call("revision " + message, flask_migrate.revision, directory=mdir,
                         message=message)
            edits = step[3]
        elif kind == "revision":
            app, _ = make_app(url)
            head = fill(step[2]) or "head"
            # A branch off a revision that has children: --splice, as Alembic asks.
            splice = head in before and head not in ScriptDirectory(mdir).get_heads()
            with app.app_context():
                call("revision " + message, flask_migrate.revision, directory=mdir,
                     message=message, head=head, splice=splice, branch_label=step[3])
            edits = step[4]
        elif kind == "merge":
            app, _ = make_app(url)
            with app.app_context():
                call("merge", flask_migrate.merge, directory=mdir, revisions="heads",
                     message=message)
            edits = []
        else:
            raise Broken("unknown recipe step %r" % (kind,))
        new = set(revisions(mdir)) - before
        if len(new) != 1:
            raise Broken("%s %r made %d revisions" % (kind, message, len(new)))
        rev = new.pop()
        ids[message] = rev
        path = revisions(mdir)[rev].path
        for function, where, code in edits:
            if callable(code):
                code = code(dialect)
            if code:
                edit(path, function, where, code)
    app, db = make_app(url)
    with app.app_context():
        db.engine.dispose()
    return ids


def named_constraints_sorted(sql):
    """The CREATE TABLE with each run of named constraints in name order.

    When Alembic's batch mode rebuilds a SQLite table it copies the named
    constraints of the table it reflected in the order of a Python set
    (Table.constraints), which changes from run to run; only that order is
    left out of the comparison.
    """
    if not sql or not sql.startswith("CREATE TABLE") or not sql.endswith("\n)"):
        return sql
    items = sql[:-2].split(", \n\t")
    out, run = [], []
    for item in items + [None]:
        if item is not None and item.startswith("CONSTRAINT ") and "PRIMARY KEY" not in item:
            run.append(item)
            continue
        out += sorted(run)
        run = []
        if item is not None:
            out.append(item)
    return ", \n\t".join(out) + "\n)"


def dump(url):
    """The schema and rows of URL, and apart from them the DDL sqlite_master keeps."""
    out = reflect(url)
    for t in OWN_TABLES:
        out["tables"].pop(t, None)
    ddl = [r[:3] + [named_constraints_sorted(r[3])] for r in out.pop("sqlite_master", [])
           if r[2] not in OWN_TABLES]
    engine = sqlalchemy.create_engine(url)
    rows = {}
    with engine.connect() as conn:
        for t in out["tables"]:
            result = conn.execute(sqlalchemy.text('SELECT * FROM "%s"' % t))
            rows[t] = sorted([[None if v is None else str(v) for v in r] for r in result],
                             key=json.dumps)
    engine.dispose()
    out["rows"] = rows
    return (json.dumps(out, indent=1, sort_keys=True).split("\n"),
            json.dumps(ddl, indent=1).split("\n") if ddl else None)


def split_version_ddl(ddl):
    """(alembic_version's CREATE TABLE, the rest), as lists of lines."""
    if not ddl:
        return None, ddl
    rows = json.loads("\n".join(ddl))
    version = [r[3] for r in rows if r[1] == "alembic_version"]
    rest = [r for r in rows if r[1] != "alembic_version"]
    return version, json.dumps(rest, indent=1).split("\n")


def same_runs(label, mdir, want, got):
    """The log's "Running ..." lines: the same migrations, in the same order.

    Where two branches do not depend on each other Alembic runs them in the
    order os.listdir() gives the scripts (its revision map's order), which
    depends on the file system, and Athanor in the order of the file names.
    There any order that runs every revision after those it needs is right,
    and a different one than Alembic's is only noted.
    """
    what = "migrations run (the log's \"Running ...\" lines)"
    if want == got or sorted(want) != sorted(got):
        compare(label, what, want, got)
        return
    revs = revisions(mdir)

    def rev_of(line):
        text = line.split("Running ", 1)[1]
        if text.startswith("upgrade "):
            return "upgrade", text.split("-> ", 1)[1].split(",", 1)[0].strip()
        return "downgrade", text[len("downgrade "):].split(" ->", 1)[0].strip()

    runs = [rev_of(l) for l in got]
    ids = {r for _, r in runs}
    for i, (direction, rev) in enumerate(runs):
        if direction == "upgrade":
            needs = set(revs[rev]._normalized_down_revisions)
        else:
            needs = {r for r, s in revs.items() if rev in s._normalized_down_revisions}
        earlier = {r for _, r in runs[:i]}
        if (needs & ids) - earlier:
            compare(label, what + " in an order that respects the dependencies", want, got)
            return
    print("ok: %s: %s: the same ones" % (label, what))
    print("note: %s: independent branches ran in another order than Alembic's "
          "(os.listdir order): Alembic %s, Athanor %s" % (
              label, [r for _, r in map(rev_of, want)], [r for _, r in runs]))


def compare(label, what, want, got):
    if want == got:
        print("ok: %s: same %s" % (label, what))
        return
    diff = list(difflib.unified_diff(want, got, "alembic", "athanor", n=2, lineterm=""))
    print("FAIL: %s: %s differ, Alembic's (-) and Athanor's (+):\n    %s"
          % (label, what, "\n    ".join(diff[:80])))


def main(argv):
    if len(argv) != 7:
        sys.exit(__doc__)
    name, work, url_gen, url_a, url_b, athanor = argv[1:]
    scenario = scenarios.SCENARIOS[name]
    dialect = sqlalchemy.engine.make_url(url_a).get_backend_name()
    what = "%s on %s" % (name, dialect)
    mdir = os.path.join(work, "migrations")
    try:
        ids = generate(scenario["recipe"], mdir, url_gen, dialect)
    except Broken as e:
        print("BROKEN: %s: generating the history: %s" % (what, e))
        return 2
    print("made: %s: %s" % (what, ", ".join("%s=%s" % kv for kv in ids.items())))

    app_a, db_a = make_app(url_a)
    steps = scenario["steps"]
    version_ddl_checked = False
    for i, (command, target) in enumerate(steps):
        target = target.format(**ids)
        label = "%s, step %d (%s %s)" % (what, i + 1, command, target)
        # env.py's logging.config.fileConfig() points Alembic's log at
        # sys.stderr as it is then: here, a buffer.
        log = io.StringIO()
        try:
            with app_a.app_context(), contextlib.redirect_stderr(log):
                call(label, getattr(flask_migrate, command), directory=mdir, revision=target)
                db_a.engine.dispose()
        except Exception as e:  # Broken, or what a script raised
            print("BROKEN: %s: Alembic failed: %s: %s" % (label, type(e).__name__, e))
            return 2
        finally:
            sys.stderr.write(log.getvalue())
        p = subprocess.run([athanor, command, target, "-d", mdir, "--url", url_b],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        if p.returncode != 0:
            print("FAIL: %s: athanor exited %d where Alembic succeeded: %s"
                  % (label, p.returncode, (p.stdout + p.stderr).strip().replace("\n", " | ")))
            for j in range(i + 1, len(steps)):
                print("skip: %s, step %d: not run after the failure" % (what, j + 1))
            return 0
        print("ok: %s: athanor exited 0" % label)
        # The same migrations, in the same order.
        prefix = "INFO  [alembic.runtime.migration] "
        ran = [l for l in log.getvalue().split("\n") if l.startswith(prefix + "Running ")]
        got_ran = [l for l in p.stderr.split("\n") if l.startswith(prefix + "Running ")]
        same_runs(label, mdir, ran, got_ran)
        (want, want_ddl), (got, got_ddl) = dump(url_a), dump(url_b)
        compare(label, "schema and rows", want, got)
        if want_ddl or got_ddl:
            # alembic_version's own DDL apart, and once: it never changes.
            va, want_ddl = split_version_ddl(want_ddl)
            vb, got_ddl = split_version_ddl(got_ddl)
            if va and vb and not version_ddl_checked:
                compare("%s, the first step with an alembic_version" % what,
                        "CREATE TABLE alembic_version", va, vb)
                version_ddl_checked = True
            compare(label, "sqlite_master DDL of the migrated tables", want_ddl, got_ddl)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
